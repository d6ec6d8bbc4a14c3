"""``/api``: every page's data as JSON, plus the corrections as JSON POSTs (described at /openapi.json).

Errors are ``{"error": message, "status": code}``: 404 for an unknown id, 400
for bad input, 403 for a missing CSRF token, 413 for a body too large, 422 for
a parameter of the wrong shape.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from newsweave.store.browse import StoryFilter
from newsweave.web import pages
from newsweave.web.deps import ctx, require_csrf, story_filter, who_of


class ErrorOut(BaseModel):
    """Every error of the API: a one-line message naming the record or parameter, and the status."""

    error: str
    status: int


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "bad input (the message says which and why)"},
    401: {"model": ErrorOut, "description": "the app runs with --token and none was given"},
    403: {"model": ErrorOut, "description": "a POST without this app's CSRF token, or from another site"},
    404: {"model": ErrorOut, "description": "no record with that id"},
    413: {"model": ErrorOut, "description": "request body too large"},
    422: {"model": ErrorOut, "description": "a parameter or body of the wrong shape"},
}
router = APIRouter(prefix="/api", tags=["api"], responses=_ERRORS)

def _id() -> Any:
    """A path id parameter (a new one each use: FastAPI binds a parameter object to one name)."""
    return Path(..., pattern=pages.ID_PATTERN, description="an id as listed (letters, digits, '_' and '-')")


class FlagDecisionIn(BaseModel):
    kind: str = Field(..., max_length=50)
    article: str = Field(..., pattern=pages.ID_PATTERN)
    start: int = Field(..., ge=0)
    end: int = Field(..., ge=0)
    decision: Literal["dismiss", "confirm"]
    story: str | None = Field(None, pattern=pages.ID_PATTERN)
    note: str | None = Field(None, max_length=500)
    who: str | None = Field(None, max_length=100)


class SpeakerFixIn(BaseModel):
    article: str = Field(..., pattern=pages.ID_PATTERN)
    start: int = Field(..., ge=0)
    end: int = Field(..., ge=0)
    speaker: str = Field(..., min_length=1, max_length=200)
    who: str | None = Field(None, max_length=100)


class StoryCorrectionIn(BaseModel):
    kind: Literal["split", "merge", "move"]
    story: str | None = Field(None, pattern=pages.ID_PATTERN, description="split: the story; move: the target")
    stories: list[str] = Field(default_factory=list, max_length=100, description="merge: the stories, first kept")
    articles: list[str] = Field(default_factory=list, max_length=10_000, description="split: the articles leaving")
    article: str | None = Field(None, pattern=pages.ID_PATTERN, description="move: the article")
    who: str | None = Field(None, max_length=100)


class UndoIn(BaseModel):
    who: str | None = Field(default=None, max_length=100)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


@router.get("/csrf", summary="The CSRF token every POST must send as X-CSRF-Token")
def csrf(request: Request) -> dict[str, str]:
    return {"csrf_token": ctx(request).security.csrf}


@router.get("/stories", summary="Stories, filtered and sorted, one page at a time")
def stories(request: Request, filters: StoryFilter = Depends(story_filter),
            sort: Literal["newest", "oldest", "largest", "independent", "updated"] = "newest",
            offset: int = Query(0, ge=0, le=10_000_000), limit: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
    return pages.story_list(ctx(request).store, filters, sort, offset, limit)


@router.get("/stories/{story_id}", summary="A story's header and articles")
def story(request: Request, story_id: str = _id()) -> dict[str, Any]:
    return _jsonable(pages.story_page(ctx(request).store, story_id))


@router.get("/stories/{story_id}/compare", summary="A story's comparison (the compare JSON contract), with verdicts")
def story_compare(request: Request, story_id: str = _id()) -> dict[str, Any]:
    return _jsonable(pages.story_compare(ctx(request).store, story_id))


@router.get("/stories/{story_id}/export", summary="Every article of a story (with texts) as JSON or CSV")
def story_export(request: Request, story_id: str = _id(),
                 format: Literal["json", "csv"] = "json") -> StreamingResponse:
    context = ctx(request)
    detail = pages.story_page(context.store, story_id)
    members = {m["id"]: m for m in detail["members"]}

    def rows() -> Iterator[dict[str, Any]]:
        for article in context.store.iter_articles(ids=list(members), with_raw=False):
            m = members[article.id]
            yield {"story": detail["id"], "id": article.id, "source": article.source, "title": article.title,
                   "published": m["published"], "url": article.url, "language": article.language,
                   "reprint_group": m["reprint_group"], "reprint_of": m["reprint_of"], "text": article.text}

    name = f"story-{detail['id']}.{format}"
    headers = {"content-disposition": f'attachment; filename="{name}"'}
    if format == "json":
        body = (json.dumps({"story": detail["id"], "headline": detail["headline"], "articles": list(rows())},
                           ensure_ascii=False, default=str),)
        return StreamingResponse(iter(body), media_type="application/json", headers=headers)
    return StreamingResponse(_csv(rows()), media_type="text/csv; charset=utf-8", headers=headers)


def _csv(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = None
    for row in rows:
        if writer is None:
            writer = csv.DictWriter(buffer, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


@router.get("/articles/{article_id}", summary="An article: clean text, quotes, removed debris, flags")
def article(request: Request, article_id: str = _id()) -> dict[str, Any]:
    return _jsonable(pages.article_page(ctx(request).store, article_id))


@router.get("/search", summary="Full-text search over articles; quotes by words or by speaker; people by name")
def search(request: Request, q: str = Query(..., min_length=1, max_length=200),
           kind: Literal["articles", "quotes", "speakers", "people"] = "articles",
           order: Literal["recent", "relevance"] = "recent",
           offset: int = Query(0, ge=0, le=10_000), limit: int = Query(20, ge=1, le=200)) -> dict[str, Any]:
    return _jsonable(pages.search_page(ctx(request).store, q, kind, limit, offset, order))


@router.get("/corrections", summary="Every correction, newest first, with who/when and any undo")
def corrections(request: Request) -> dict[str, Any]:
    return pages.corrections_page(ctx(request).store)


@router.post("/corrections", dependencies=[Depends(require_csrf)], status_code=201,
             summary="Record a story correction: split, merge or move")
def story_correction(request: Request, body: StoryCorrectionIn) -> dict[str, Any]:
    from newsweave.store.stories import record_correction

    payloads: dict[str, dict[str, Any]] = {"split": {"story": body.story, "articles": body.articles},
                                           "merge": {"stories": body.stories},
                                           "move": {"article": body.article, "story": body.story}}
    payload = payloads[body.kind]
    return _jsonable(record_correction(ctx(request).store, body.kind, payload, who=who_of(body.who)))


@router.post("/corrections/{correction_id}/undo", dependencies=[Depends(require_csrf)],
             summary="Undo a correction of any kind")
def undo(request: Request, correction_id: int = Path(..., ge=1, le=2**62),
         body: UndoIn = Body(default_factory=UndoIn)) -> dict[str, Any]:
    from newsweave.store.stories import undo_correction

    return _jsonable(undo_correction(ctx(request).store, correction_id, who=who_of(body.who)))


@router.post("/flags", dependencies=[Depends(require_csrf)], status_code=201, summary="Dismiss or confirm a flag")
def flag_decision(request: Request, body: FlagDecisionIn) -> dict[str, Any]:
    from newsweave.store.decisions import record_flag_decision

    flag = {"kind": body.kind, "article": body.article, "start": body.start, "end": body.end}
    return _jsonable(record_flag_decision(ctx(request).store, flag, body.decision, who=who_of(body.who),
                                          note=body.note, story=body.story))


@router.post("/speaker-fixes", dependencies=[Depends(require_csrf)], status_code=201,
             summary="Give a quote a corrected speaker")
def speaker_fix(request: Request, body: SpeakerFixIn) -> dict[str, Any]:
    from newsweave.store.decisions import record_speaker_fix

    return _jsonable(record_speaker_fix(ctx(request).store, body.article, body.start, body.end, body.speaker,
                                        who=who_of(body.who)))


@router.get("/groups", summary="Outlet → group labels the user loaded")
def groups(request: Request) -> dict[str, Any]:
    from newsweave.store.browse import outlet_group_map

    return {"groups": outlet_group_map(ctx(request).store)}


@router.post("/groups", dependencies=[Depends(require_csrf)],
             summary="Load outlet groups from CSV text (outlet,group per line); replace=false adds to them")
async def groups_upload(request: Request, replace: bool = True) -> dict[str, Any]:
    from starlette.concurrency import run_in_threadpool

    from newsweave.store.browse import load_outlet_groups

    data = await request.body()
    count = await run_in_threadpool(load_outlet_groups, ctx(request).store, data, replace=replace)
    ctx(request).forget_choices()
    return {"loaded": count}
