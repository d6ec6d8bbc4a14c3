"""The compare result of a story, cached in the store and recomputed only when the story changed.

Comparing a story runs the whole compare stage (seconds for a large one), so
the web app keeps its result in ``compare_cache`` under a fingerprint of what
it depends on: the story's member articles (immutable: an id names its
content), their reprint groups, the quote extractor's version and the compare
code itself. A new article, a split or merge, or an upgraded newsweave changes
the fingerprint and the next view recomputes; otherwise a view reads one row.
User verdicts (dismissed flags, speaker fixes) are applied on top at read time
(:func:`newsweave.store.decisions.apply_decisions`), so a verdict never
invalidates the cache.
"""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from typing import Any

from sqlalchemy import delete, insert, select

from newsweave.store import Store
from newsweave.store.schema import compare_cache

__all__ = ["cached_compare", "story_fingerprint"]

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """A digest of the compare package's source: a new version of compare invalidates every entry."""
    digest = hashlib.sha256()
    package = resources.files("newsweave.compare")
    for entry in sorted(package.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".py"):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    from newsweave.enrich.quotes import VERSION

    digest.update(VERSION.encode())
    return digest.hexdigest()[:16]


def story_fingerprint(members: list[tuple[str, str | None]], method: str) -> str:
    """Fingerprint of (article id, reprint group) pairs, the compare method and the code version."""
    digest = hashlib.sha256(f"{_code_digest()}|{method}".encode())
    for article_id, group in sorted(members):
        digest.update(f"|{article_id}:{group or ''}".encode())
    return digest.hexdigest()


def _lock_for(story_id: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(story_id, threading.Lock())


def cached_compare(store: Store, story_id: str, method: str = "auto", *,
                   compute: bool = True) -> tuple[dict[str, Any] | None, str]:
    """``(compare result without article texts, fingerprint)`` for a stored story.

    With ``compute=False`` a missing or stale entry gives ``(None, fingerprint)``
    instead of a comparison (a page can render at once and fetch it later). Two
    requests for the same uncached story compute it once: the second waits for
    the first and reads its row.
    """
    from newsweave.store.stories import story_detail

    detail = story_detail(store, story_id)
    sid = detail.summary.id
    fingerprint = story_fingerprint([(a.id, a.reprint_group) for a in detail.articles], method)
    data = _read(store, sid, fingerprint)
    if data is not None or not compute:
        return data, fingerprint
    with _lock_for(sid):
        data = _read(store, sid, fingerprint)  # another request may have computed it meanwhile
        if data is None:
            data = _compute(store, sid, detail.summary.headline, fingerprint, method)
    return data, fingerprint


def _read(store: Store, story_id: str, fingerprint: str) -> dict[str, Any] | None:
    with store.connect() as conn:
        row = conn.execute(select(compare_cache.c.fingerprint, compare_cache.c.data)
                           .where(compare_cache.c.story_id == story_id)).first()
    return dict(row.data) if row is not None and row.fingerprint == fingerprint else None


def _compute(store: Store, story_id: str, headline: str | None, fingerprint: str, method: str) -> dict[str, Any]:
    from newsweave.workflow import compare_story_sets, load_story_set

    compared = compare_story_sets([load_story_set(store, story_id)], method=method)[0]
    compared["headline"] = headline
    for article in compared.get("articles", []):
        article.pop("text", None)
    compared = json.loads(json.dumps(compared, default=str))  # plain JSON for either backend
    with store.transaction() as conn:
        conn.execute(delete(compare_cache).where(compare_cache.c.story_id == story_id))
        conn.execute(insert(compare_cache).values(
            story_id=story_id, fingerprint=fingerprint, flags=len(compared.get("flags", [])),
            data=compared, computed_at=datetime.now(timezone.utc)))
    return compared
