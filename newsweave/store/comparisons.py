"""Each story's last comparison, kept under a fingerprint of what it was made from.

The main job (:func:`newsweave.workflow.run_job`) and the web app read and write the same
rows: a story whose fingerprint (:func:`newsweave.workflow.comparison_fingerprint`) has not
changed is not compared again by either, and a story the main job compared opens in the web
app at once. Article texts are left out of the stored result: they are in ``articles``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select

from newsweave.store.schema import compare_cache

if TYPE_CHECKING:
    from newsweave.store.repository import Store

__all__ = ["StoredComparison", "stored_comparison", "store_comparison"]


@dataclass(frozen=True, slots=True)
class StoredComparison:
    fingerprint: str
    flags: int
    data: dict[str, Any]  # the compare JSON contract of one story, without article texts


def stored_comparison(store: Store, story_id: str) -> StoredComparison | None:
    """The story's last stored comparison, whatever its fingerprint (None when it was never compared)."""
    with store.connect() as conn:
        row = conn.execute(select(compare_cache.c.fingerprint, compare_cache.c.flags, compare_cache.c.data)
                           .where(compare_cache.c.story_id == story_id)).first()
    return StoredComparison(row.fingerprint, row.flags, dict(row.data)) if row is not None else None


def store_comparison(store: Store, story_id: str, fingerprint: str, compared: Mapping[str, Any]) -> dict[str, Any]:
    """Keep ``compared`` (one story's compare result) under ``fingerprint``; returns what was stored."""
    data = json.loads(json.dumps(compared, default=str))  # plain JSON for either backend; the caller's copy stays
    for article in data.get("articles", []):
        article.pop("text", None)
    with store.transaction() as conn:
        conn.execute(delete(compare_cache).where(compare_cache.c.story_id == story_id))
        conn.execute(insert(compare_cache).values(
            story_id=story_id, fingerprint=fingerprint, flags=len(data.get("flags", [])),
            data=data, computed_at=datetime.now(timezone.utc)))
    return data
