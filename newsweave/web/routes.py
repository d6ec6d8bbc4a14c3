"""The HTML pages: stories, story (compare view), article, search, corrections, outlet groups.

Every page works without script; ``static/app.js`` adds live refresh of the
list and loads a story's comparison after the page when it is not cached yet.
POSTs are plain forms carrying the CSRF token and answer with a redirect
(303) back to the page they came from.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from markupsafe import Markup

from newsweave.errors import InputError
from newsweave.store.browse import SORTS, StoryFilter
from newsweave.web import pages
from newsweave.web.deps import ctx, require_csrf, story_filter, who_of
from newsweave.web.view import compare_view

router = APIRouter(include_in_schema=False)

_PAGE = 50


def _who(request: Request, given: str) -> str | None:
    """The name a form gave, else the one remembered from this browser's last correction."""
    return who_of(given) or who_of(request.cookies.get("nw_who"))


def _back(url: str, who: str | None) -> RedirectResponse:
    response = RedirectResponse(url, status_code=303)
    if who:
        response.set_cookie("nw_who", who, max_age=365 * 86400, samesite="strict", httponly=True)
    return response


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/stories", status_code=303)


@router.get("/stories")
def stories(request: Request, filters: StoryFilter = Depends(story_filter),
            sort: str = Query("newest", pattern="^(" + "|".join(SORTS) + ")$"),
            offset: int = Query(0, ge=0, le=10_000_000), partial: str | None = Query(None, pattern="^rows$")) -> Response:
    context = ctx(request)
    version, (outlets, languages, labels) = (
        (None, ([], [], [])) if partial else context.filter_choices(context.store.changes()))

    def build() -> HTMLResponse:
        data = pages.story_list(context.store, filters, sort, offset, _PAGE)
        if partial:
            return context.render(request, "_story_rows.html", data=data)
        query = {k: v for k, v in request.query_params.items() if k not in ("offset", "partial")}
        return context.render(request, "stories.html", data=data, outlets=outlets, languages=languages,
                              labels=labels, params=request.query_params, sorts=SORTS, query=query)

    return context.cached_page(request, build, variant=version)


@router.get("/stories/{story_id}")
def story(request: Request, story_id: str) -> Response:
    """The story page: header and articles at once; the comparison inline when cached, else fetched by app.js."""
    context = ctx(request)

    def build() -> HTMLResponse:
        data, fingerprint = pages.story_page_and_fingerprint(context.store, story_id)
        return context.render(request, "story.html", story=data,
                              compare_html=_compare_html(context, data, fingerprint, compute=False))

    return context.cached_page(request, build)


@router.get("/stories/{story_id}/compare")
def story_compare(request: Request, story_id: str) -> Response:
    """The compare section alone (computed now if not cached): what app.js inserts into the story page."""
    context = ctx(request)
    data, fingerprint = pages.story_page_and_fingerprint(context.store, story_id)
    compare_html = _compare_html(context, data, fingerprint, compute=True)
    if request.headers.get("x-fragment"):
        return HTMLResponse(compare_html)
    return context.render(request, "story.html", story=data, compare_html=compare_html)


def _compare_html(context: Any, story: dict[str, Any], fingerprint: str, *, compute: bool) -> Markup | None:
    """The rendered compare section, kept per (story, comparison, verdicts): a repeat view costs two small queries.

    The section depends on nothing per user (the user's name is read from a cookie when a form is posted).
    """
    ids = [m["id"] for m in story["members"]]
    key = (story["id"], fingerprint, pages.verdict_state(context.store, ids))
    html = context.fragments.get(key)
    if html is None:
        compared = pages.story_compare(context.store, story["id"], compute=compute)
        if compared is None:
            return None
        texts = pages.article_texts(context.store, [a.get("id") for a in compared.get("articles", [])])
        html = Markup(context.templates.get_template("_compare.html").render(
            story=story, view=compare_view(compared, texts), csrf=context.security.csrf))
        context.fragments.put(key, html)  # kept as Markup: a 1 MB section is not copied again on each view
    return html


@router.get("/articles/{article_id}")
def article(request: Request, article_id: str) -> Response:
    from newsweave.web.view import mark_text

    context = ctx(request)

    def build() -> HTMLResponse:
        data = pages.article_page(context.store, article_id)
        marks = [(q["start"], q["end"], "mq", f"q{q['idx']}") for q in data["quotes"]]
        marks += [(f["start"], f["end"], "mf d-" + ((f.get("decision") or {}).get("value") or "open"), f"ev-{n}")
                  for n, f in enumerate(data["flags"], start=1)]
        return context.render(request, "article.html", article=data, pieces=mark_text(data["text"], marks))

    return context.cached_page(request, build)


@router.get("/articles/{article_id}/raw")
def article_raw(request: Request, article_id: str) -> Response:
    """The input as read, as plain text (never rendered: text/plain, nosniff, a sandboxing CSP)."""
    context = ctx(request)
    article = context.store.get_article(pages.check_id(article_id, "article"))
    body = (article.raw or b"").decode("utf-8", errors="replace")
    return PlainTextResponse(body, headers={"content-security-policy": "sandbox; default-src 'none'"})


@router.get("/search")
def search(request: Request, q: str = Query("", max_length=200),
           kind: str = Query("articles", pattern="^(articles|quotes|speakers|people)$"),
           order: str = Query("recent", pattern="^(recent|relevance)$"),
           offset: int = Query(0, ge=0, le=10_000)) -> Response:
    context = ctx(request)

    def build() -> HTMLResponse:
        data = pages.search_page(context.store, q, kind, 20, offset, order) if q.strip() else None
        return context.render(request, "search.html", data=data, q=q, kind=kind, order=order)

    return context.cached_page(request, build)


@router.get("/corrections")
def corrections(request: Request) -> Response:
    context = ctx(request)
    return context.render(request, "corrections.html", data=pages.corrections_page(context.store))


@router.post("/corrections/{correction_id}/undo", dependencies=[Depends(require_csrf)])
def undo(request: Request, correction_id: int, who: str = Form("", max_length=100),
         back: str = Form("/corrections", max_length=300)) -> Response:
    from newsweave.store.stories import undo_correction

    undo_correction(ctx(request).store, correction_id, who=_who(request, who))
    return _back(_local(back), _who(request, who))


def _local(url: str) -> str:
    """Only redirect within the app (a form field could name another site)."""
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else "/stories"


@router.post("/stories/{story_id}/flags", dependencies=[Depends(require_csrf)])
def flag_decision(request: Request, story_id: str, kind: str = Form(..., max_length=50),
                  article: str = Form(..., max_length=64), start: int = Form(..., ge=0), end: int = Form(..., ge=0),
                  decision: str = Form(..., pattern="^(dismiss|confirm)$"), note: str = Form("", max_length=500),
                  who: str = Form("", max_length=100), anchor: str = Form("", max_length=20)) -> Response:
    from newsweave.store.decisions import record_flag_decision

    sid = pages.check_id(story_id, "story")
    pages.check_id(article, "article")
    record_flag_decision(ctx(request).store, {"kind": kind, "article": article, "start": start, "end": end},
                         decision, who=_who(request, who), note=note, story=sid)
    frag = f"#{anchor}" if anchor.replace("-", "").isalnum() else ""
    return _back(f"/stories/{sid}{frag}", _who(request, who))


@router.post("/articles/{article_id}/speaker", dependencies=[Depends(require_csrf)])
def speaker_fix(request: Request, article_id: str, start: int = Form(..., ge=0), end: int = Form(..., ge=0),
                speaker: str = Form(..., max_length=200), who: str = Form("", max_length=100)) -> Response:
    from newsweave.store.decisions import record_speaker_fix

    aid = pages.check_id(article_id, "article")
    record_speaker_fix(ctx(request).store, aid, start, end, speaker, who=_who(request, who))
    return _back(f"/articles/{aid}#quotes", _who(request, who))


@router.post("/stories/{story_id}/correct", dependencies=[Depends(require_csrf)])
def story_correction(request: Request, story_id: str, kind: str = Form(..., pattern="^(split|merge|move)$"),
                     articles: list[str] = Form([]), other: str = Form("", max_length=64),
                     who: str = Form("", max_length=100)) -> Response:
    """Split chosen articles off, merge another story in, or move one article to another story."""
    from newsweave.store.stories import record_correction

    sid = pages.check_id(story_id, "story")
    chosen = [pages.check_id(a, "article") for a in articles[:1000]]
    if kind == "split":
        stored = record_correction(ctx(request).store, "split", {"story": sid, "articles": chosen}, who=_who(request, who))
        return _back(f"/stories/{stored['new_story']}", _who(request, who))
    if not other.strip():
        raise InputError(f"{kind}: name the other story")
    if kind == "merge":
        record_correction(ctx(request).store, "merge", {"stories": [sid, other.strip()]}, who=_who(request, who))
        return _back(f"/stories/{sid}", _who(request, who))
    if len(chosen) != 1:
        raise InputError("move: tick exactly one article to move")
    stored = record_correction(ctx(request).store, "move", {"article": chosen[0], "story": other.strip()},
                               who=_who(request, who))
    return _back(f"/stories/{stored['story']}", _who(request, who))


@router.get("/groups")
def groups(request: Request) -> Response:
    from newsweave.store.browse import outlet_group_map, outlets_and_languages

    context = ctx(request)
    mapping = outlet_group_map(context.store)
    outlets, _ = outlets_and_languages(context.store)
    return context.render(request, "groups.html", mapping=mapping, unlabelled=[o for o in outlets if o not in mapping])


@router.post("/groups", dependencies=[Depends(require_csrf)])
async def groups_upload(request: Request, file: UploadFile | None = None, text: str = Form("", max_length=2_000_000),
                        mode: str = Form("replace", pattern="^(replace|add|clear)$")) -> Response:
    from starlette.concurrency import run_in_threadpool

    from newsweave.store.browse import clear_outlet_groups, load_outlet_groups

    store = ctx(request).store
    if mode == "clear":
        await run_in_threadpool(clear_outlet_groups, store)
    else:
        data: str | bytes = (await file.read()) if file is not None and file.filename else text
        await run_in_threadpool(load_outlet_groups, store, data, replace=mode == "replace")
    ctx(request).forget_choices()
    return _back("/groups", None)
