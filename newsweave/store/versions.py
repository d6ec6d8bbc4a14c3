"""Revisions: the same article read again with different text becomes a new version, not a new article.

An article is "the same" when it has the same outlet and the same URL or external id, or —
for a local text / Markdown / HTML file without either — the same path. (The outlet guards
against data that reuses one URL for two outlets' stories.) When such an article
comes back with a different clean text (or title):

* ``articles`` keeps its id and now holds the new version (so stories, compare and every
  later stage use the latest text), with ``meta["versions"]`` and ``meta["updated_at"]``
  saying that it was updated;
* ``article_versions`` keeps every version — text, title, raw bytes, when it was fetched and
  the sentence diff from the version before (:mod:`newsweave.compare.revisions`);
* what was derived from the old text (quotes, annotations, the analysis, statement vectors,
  signatures, reprint links) is dropped so the analysis step and ``update_stories`` compute it again.

Identical text under new bytes (a page re-served with a new ad slot) is no new version.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, overload

from sqlalchemy import and_, delete, func, insert, or_, select, update

from newsweave.model import Article
from newsweave.store.schema import (
    analyses,
    article_versions,
    articles,
    quotes,
    raw_inputs,
    removed_lines,
    reprints,
    signatures,
    statement_vectors,
)
from newsweave.store.schema import (
    annotations as annotations_table,
)

if TYPE_CHECKING:
    from newsweave.store.repository import Store

__all__ = ["Revision", "VersionRecord", "known_content_ids", "revise", "same_article_id", "versions_of"]

#: Local inputs matched by path when they carry neither URL nor external id.
_PATH_MATCHED_FORMATS = ("text", "markdown", "html")


@dataclass(frozen=True, slots=True)
class Revision:
    """The outcome of reading an article that was already stored under another id."""

    article: Article  # carries the stored id; its text is the latest version
    version: int | None  # the new version number; None when the text did not change
    diff: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """One stored version of an article."""

    version: int
    content_id: str
    fetched_at: datetime | None
    ingested_at: datetime
    title: str | None
    text: str
    diff: dict[str, Any] | None


def known_content_ids(conn: Any, ids: Iterable[str]) -> set[str]:
    """Ids among ``ids`` that are an earlier or later version of a stored article."""
    ids = list(set(ids))
    if not ids:
        return set()
    return set(conn.execute(select(article_versions.c.content_id).where(article_versions.c.content_id.in_(ids)))
               .scalars())


def same_article_id(conn: Any, article: Article) -> str | None:
    """The id of a stored article this one is a version of (None when it is new)."""
    conditions = []
    if article.url:
        conditions.append(and_(articles.c.url == article.url, articles.c.source == article.source))
    if article.external_id:
        conditions.append(and_(articles.c.external_id == article.external_id, articles.c.source == article.source))
    if not conditions and article.input_format in _PATH_MATCHED_FORMATS:
        conditions.append(and_(articles.c.origin == article.origin, articles.c.url.is_(None),
                               articles.c.external_id.is_(None)))
    if not conditions:
        return None
    row = conn.execute(select(articles.c.id).where(or_(*conditions), articles.c.id != article.id)
                       .order_by(articles.c.seq).limit(1)).first()
    return row.id if row else None


def revise(store: Store, stored_id: str, article: Article) -> Revision:
    """Make ``article`` the latest version of the stored article ``stored_id`` (one transaction)."""
    from newsweave.compare.revisions import sentence_diff
    from newsweave.store.repository import _article_row

    now = datetime.now(timezone.utc)
    with store.transaction() as conn:
        current = conn.execute(select(articles).where(articles.c.id == stored_id)).one()
        if current.text == article.text and current.title == article.title:
            article.id = stored_id
            return Revision(article, None, None)
        latest = conn.execute(select(func.max(article_versions.c.version))
                              .where(article_versions.c.article_id == stored_id)).scalar()
        if latest is None:
            raw = conn.execute(select(raw_inputs.c.raw).where(raw_inputs.c.article_id == stored_id)).scalar()
            conn.execute(insert(article_versions), [_first_version(current, raw or b"")])
            latest = 1
        diff = sentence_diff(current.text, article.text).as_dict()
        content_id, article.id = article.id, stored_id
        row, raw, removed = _article_row(article, current.seq, now)
        conn.execute(insert(article_versions), [{
            "article_id": stored_id, "version": latest + 1, "content_id": content_id,
            "fetched_at": _fetched_at(article.metadata) or now, "ingested_at": now, "title": article.title,
            "text": row["text"], "raw": raw["raw"], "diff": diff,
        }])
        row["meta"] = {**row["meta"], "versions": latest + 1, "updated_at": now.isoformat()}
        del row["id"], row["seq"]
        conn.execute(update(articles).where(articles.c.id == stored_id).values(**row))
        conn.execute(update(raw_inputs).where(raw_inputs.c.article_id == stored_id).values(raw=raw["raw"]))
        for table in (removed_lines, quotes, annotations_table, signatures, reprints, analyses, statement_vectors):
            conn.execute(delete(table).where(table.c.article_id == stored_id))
        if removed:
            conn.execute(insert(removed_lines), removed)
    article.metadata = row["meta"]
    article.ingested_at = now
    return Revision(article, latest + 1, diff)


def _first_version(current: Any, raw: bytes) -> dict[str, Any]:
    meta = dict(current.meta or {})
    return {"article_id": current.id, "version": 1, "content_id": current.id,
            "fetched_at": _fetched_at(meta) or current.ingested_at, "ingested_at": current.ingested_at,
            "title": current.title, "text": current.text, "raw": raw, "diff": None}


def _fetched_at(meta: dict[str, Any]) -> datetime | None:
    """When the bytes were fetched: the crawler's time (WARC-Date, HTTP fetch), when known."""
    from newsweave.read._common import parse_datetime

    for key in ("fetched_at", "warc_date"):
        if meta.get(key):
            value = parse_datetime(meta[key])
            if value is not None:
                return value
    return None


def versions_of(store: Store, article_id: str) -> list[VersionRecord]:
    """Every stored version of an article, oldest first (empty when it was never revised)."""
    with store.connect() as conn:
        rows = conn.execute(select(article_versions).where(article_versions.c.article_id == article_id)
                            .order_by(article_versions.c.version)).all()
    return [VersionRecord(r.version, r.content_id, _utc(r.fetched_at), _utc(r.ingested_at), r.title, r.text, r.diff)
            for r in rows]


@overload
def _utc(value: datetime) -> datetime: ...
@overload
def _utc(value: None) -> None: ...
def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def split_revisions(store: Store, batch: Sequence[Article]) -> tuple[list[Article], list[tuple[str | None, Article]]]:
    """(articles new to the store, articles that are a version of one stored or earlier in the batch).

    A revision's stored id is None when its first version is earlier in this same batch
    (it is looked up again once the batch is stored).
    """
    fresh: list[Article] = []
    later: list[tuple[str | None, Article]] = []
    keys_in_batch: set[tuple[str, str]] = set()
    ids_in_batch: set[str] = set()
    with store.connect() as conn:
        for article in batch:
            keys = _keys(article)
            if article.id in ids_in_batch:  # the very same bytes twice: the store keeps one
                fresh.append(article)
                continue
            ids_in_batch.add(article.id)
            stored = same_article_id(conn, article)
            if stored is not None:
                later.append((stored, article))
            elif keys & keys_in_batch:
                later.append((None, article))
            else:
                fresh.append(article)
            keys_in_batch |= keys
    return fresh, later


def _keys(article: Article) -> set[tuple[str, str]]:
    keys = set()
    if article.url:
        keys.add(("url", f"{article.source}\x00{article.url}"))
    if article.external_id:
        keys.add(("id", f"{article.source}\x00{article.external_id}"))
    if not keys and article.input_format in _PATH_MATCHED_FORMATS:
        keys.add(("path", article.origin))
    return keys
