"""The data of every page, as plain JSON-ready dicts: the HTML views render them, ``/api`` returns them.

One function a page, each calling the store and the workflow only, so the
browser and a script reading ``/api/…`` always see the same thing.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from newsweave.errors import NotFound
from newsweave.store import Store

__all__ = ["ID_PATTERN", "article_page", "check_id", "corrections_page", "search_page", "story_compare",
           "story_list", "story_page", "story_page_and_fingerprint"]

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
_ID = re.compile(ID_PATTERN)


def check_id(value: str, what: str) -> str:
    """An id from a URL: only letters, digits, ``_`` and ``-`` (anything else cannot name a record)."""
    if not _ID.match(value or ""):
        raise NotFound(f"no {what} with id {value[:80]!r}: ids are letters, digits, '_' and '-'")
    return value


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def story_list(store: Store, filters: Any, sort: str, offset: int, limit: int) -> dict[str, Any]:
    from newsweave.store.browse import list_story_page

    page = list_story_page(store, filters, sort=sort, offset=offset, limit=limit)
    return {"stories": [r.to_dict() for r in page.rows], "total": page.total, "total_exact": page.total_exact,
            "offset": page.offset,
            "limit": page.limit, "sort": sort, "groups_loaded": page.groups_loaded}


def story_page(store: Store, story_id: str) -> dict[str, Any]:
    """A story's header and articles (fast: no comparison)."""
    return story_page_and_fingerprint(store, story_id)[0]


def story_page_and_fingerprint(store: Store, story_id: str) -> tuple[dict[str, Any], str]:
    """:func:`story_page` and the fingerprint its comparison must carry to be current, from one read of the story."""
    from newsweave.store.stories import story_detail
    from newsweave.workflow import comparison_fingerprint

    detail = story_detail(store, check_id(story_id, "story"))
    return _story_data(store, detail), comparison_fingerprint(detail, "auto")


def _story_data(store: Store, detail: Any) -> dict[str, Any]:
    from newsweave.store.browse import outlet_group_map

    s = detail.summary
    groups = outlet_group_map(store)
    outlets: dict[str, int] = {}
    for a in detail.articles:
        outlets[a.source] = outlets.get(a.source, 0) + 1
    shares: dict[str, int] = {}
    for outlet, n in outlets.items():
        shares[groups.get(outlet, "")] = shares.get(groups.get(outlet, ""), 0) + n
    return {
        "id": s.id, "headline": s.headline, "articles": s.articles, "independent_sources": s.independent_sources,
        "outlets": dict(sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0]))),
        "groups": dict(sorted(shares.items(), key=lambda kv: -kv[1])) if groups else {},
        "first_published": _iso(s.first_published), "last_published": _iso(s.last_published),
        "manual": s.manual,
        "members": [{
            "id": a.id, "source": a.source, "title": a.title, "published": _iso(a.published), "url": a.url,
            "reprint_group": a.reprint_group, "reprint_of": a.matched_article if a.is_reprint else None,
            "containment": a.containment, "score": round(a.score, 3), "method": a.method, "reason": a.reason,
        } for a in detail.articles],
    }


def story_compare(store: Store, story_id: str, *, compute: bool = True) -> dict[str, Any] | None:
    """The story's comparison with the user's verdicts applied; None when not cached and ``compute`` is off."""
    from newsweave.store.decisions import apply_decisions
    from newsweave.web.cache import cached_compare

    compared, _fingerprint = cached_compare(store, check_id(story_id, "story"), compute=compute)
    return apply_decisions(store, compared) if compared is not None else None


def verdict_state(store: Store, article_ids: list[str]) -> str:
    """A digest of the verdicts and speaker fixes in force on these articles (changes when one is made or undone)."""
    import hashlib

    from newsweave.store.decisions import decisions_for, speaker_fixes_for

    items = sorted((k, d.correction) for k, d in decisions_for(store, article_ids).items())
    items += sorted((k, d.correction) for k, d in speaker_fixes_for(store, article_ids).items())
    return hashlib.sha256(repr(items).encode()).hexdigest()[:16]


def article_texts(store: Store, ids: list[str]) -> dict[str, str]:
    return {a.id: a.text for a in store.iter_articles(ids=ids, with_raw=False)}


def article_page(store: Store, article_id: str) -> dict[str, Any]:
    """One article: clean text, quotes (with speaker fixes), removed debris, its story and flags on it."""
    from newsweave.store.decisions import speaker_fixes_for
    from newsweave.store.quotes import quotes_of
    from newsweave.store.stories import story_of_article

    article = store.get_article(check_id(article_id, "article"), with_raw=False)
    story_id, group = story_of_article(store, article.id)
    fixes = speaker_fixes_for(store, [article.id])
    quotes = []
    for idx, q in enumerate(quotes_of(store, article.id)):
        fix = fixes.get(f"{article.id}:{q.content.start}:{q.content.end}")
        quotes.append({
            "idx": idx, "kind": q.kind, "start": q.content.start, "end": q.content.end,
            "pieces": [[p.start, p.end] for p in q.pieces], "text": q.words_in(article.text),
            "speaker": fix.value if fix else q.speaker,
            "speaker_extracted": q.speaker,
            "speaker_as_written": article.text[q.source.start:q.source.end] if q.source else None,
            "cue": article.text[q.cue.start:q.cue.end] if q.cue else None,
            "confidence": q.confidence, "reason": q.reason,
            "speaker_fix": fix.to_dict() if fix else None,
        })
    compared = story_compare(store, story_id, compute=False) if story_id else None
    flags = [f for f in (compared or {}).get("flags", []) if f.get("article") == article.id]
    return {
        "id": article.id, "source": article.source, "title": article.title, "byline": article.byline,
        "published": _iso(article.published), "url": article.url, "language": article.language,
        "status": article.status.value, "input_format": article.input_format, "origin": article.origin,
        "warnings": list(article.warnings), "story": story_id, "reprint_group": group,
        "text": article.text, "paragraphs": [[p.start, p.end] for p in article.paragraphs],
        "removed": [{"text": r.text, "reason": r.reason, "rule": r.rule, "start": r.start, "end": r.end}
                    for r in article.removed],
        "quotes": quotes, "flags": flags, "story_compared": compared is not None,
    }


def search_page(store: Store, q: str, kind: str, limit: int, offset: int, order: str = "recent") -> dict[str, Any]:
    from newsweave.store.search import search_articles, search_people, search_quotes

    if kind == "articles":
        hits = [h.to_dict() for h in search_articles(store, q, order=order, limit=limit, offset=offset)]
    elif kind == "people":
        hits = search_people(store, q, limit=limit)
    elif kind == "quotes":
        hits = search_quotes(store, words=q, limit=limit)
    else:
        hits = search_quotes(store, speaker=q, limit=limit)
    return {"q": q, "kind": kind, "order": order, "hits": hits, "offset": offset, "limit": limit}


def corrections_page(store: Store) -> dict[str, Any]:
    from newsweave.store.stories import list_corrections

    items = list_corrections(store)
    for item in items:
        for key in ("created_at", "undone_at"):
            item[key] = _iso(item[key])
    return {"corrections": list(reversed(items))}
