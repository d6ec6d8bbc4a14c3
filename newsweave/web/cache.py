"""The compare result of a story, cached in the store and recomputed only when the story changed.

Comparing a story runs the whole compare stage (seconds for a large one), so the web app
reads the story's stored comparison (:mod:`newsweave.store.comparisons`, shared with the
main job) when its fingerprint (:func:`newsweave.workflow.comparison_fingerprint`: members,
their edits and reprint groups, headline, analyser and compare code) still matches; a new
article, a split or merge, an edit or an upgraded newsweave changes the fingerprint and the
next view recomputes. User verdicts (dismissed flags, speaker fixes) are applied on top at
read time (:func:`newsweave.store.decisions.apply_decisions`), so a verdict never
invalidates the cache.
"""

from __future__ import annotations

import threading
from typing import Any

from newsweave.store import Store

__all__ = ["cached_compare"]

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


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
    from newsweave.workflow import comparison_fingerprint

    detail = story_detail(store, story_id)
    sid = detail.summary.id
    fingerprint = comparison_fingerprint(detail, method)
    data = _read(store, sid, fingerprint)
    if data is not None or not compute:
        return data, fingerprint
    with _lock_for(sid):
        data = _read(store, sid, fingerprint)  # another request may have computed it meanwhile
        if data is None:
            data = _compute(store, sid, detail.summary.headline, fingerprint, method)
    return data, fingerprint


def _read(store: Store, story_id: str, fingerprint: str) -> dict[str, Any] | None:
    from newsweave.store.comparisons import stored_comparison

    stored = stored_comparison(store, story_id)
    return stored.data if stored is not None and stored.fingerprint == fingerprint else None


def _compute(store: Store, story_id: str, headline: str | None, fingerprint: str, method: str) -> dict[str, Any]:
    from newsweave.store.comparisons import store_comparison
    from newsweave.workflow import compare_story_sets, load_story_set

    compared = compare_story_sets([load_story_set(store, story_id)], method=method)[0]
    compared.setdefault("headline", headline)
    return store_comparison(store, story_id, fingerprint, compared)
