"""Bring a Spark run's Parquet tables into a store (SQLite or PostgreSQL), with pyarrow only.

What the local job would have stored, through the store's own writers: articles
(``Store.add_batch``: an id already stored is left as it is), their analyses
(:func:`newsweave.store.analysis.store_analyses`: entities, quotes, the clusterer's
evidence), MinHash signatures, reprint groups, and the stories — named by the same stable-id
rule as ``update_stories`` and with the corrections a user recorded replayed on top — so the
CLI (``stories``, ``story``, ``compare``, ``run``) and the web app work on the result.

>>> from newsweave.store import Store
>>> with Store.open("out/newsweave.db") as store:              # doctest: +SKIP
...     load_run("spark-out", store).articles_stored
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert

from newsweave.errors import InputError
from newsweave.spark import stages

__all__ = ["LoadSummary", "load_run"]

_BATCH = 500


@dataclass(slots=True)
class LoadSummary:
    articles_read: int = 0
    articles_stored: int = 0
    already_present: int = 0
    failed: int = 0  # rows the store refused (each logged with its reason)
    stories: int = 0
    failures_in_run: int = 0  # the run's own failures table (records it could not read)


def _failures_in_run(out: Path) -> int:
    """Rows of the run's failures table that are failures (not records skipped as no article)."""
    stages = _table(out, "failures").to_table(columns=["stage"]).column("stage").to_pylist()
    return sum(1 for stage in stages if stage != "skipped")


def _table(out: Path, name: str) -> Any:
    import pyarrow.dataset as ds

    folder = out / name
    if not folder.is_dir():
        raise InputError(f"{str(out)!r} is not a newsweave Spark run: {name}/ is missing (run `newsweave spark run`)")
    return ds.dataset(str(folder), format="parquet")


def _rows(dataset: Any, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
    for batch in dataset.to_batches(columns=columns, batch_size=_BATCH):
        yield from batch.to_pylist()


def load_run(out: str | Path, store: Any) -> LoadSummary:
    """Load the run in ``out`` into ``store``; loading it again stores nothing twice."""
    out = Path(out)
    articles = _table(out, "articles")
    membership = _table(out, "membership")
    summary = LoadSummary(failures_in_run=_failures_in_run(out))
    _load_articles(store, articles, summary)
    _load_signatures(store, articles)
    rows = list(_rows(membership))
    _load_reprints(store, rows)
    summary.stories = _load_stories(store, rows)
    return summary


def _load_articles(store: Any, dataset: Any, summary: LoadSummary) -> None:
    from newsweave.store.analysis import store_analyses

    for batch in dataset.to_batches(batch_size=_BATCH):
        rows = batch.to_pylist()
        summary.articles_read += len(rows)
        result = store.add_batch([stages.article_from_row(r) for r in rows])
        summary.articles_stored += len(result.stored)
        summary.already_present += len(result.present)
        summary.failed += len(result.failed)
        stored = {a.id for a in result.stored}
        store_analyses(store, [stages.analysis_from_row(r) for r in rows if r["id"] in stored])


def _load_signatures(store: Any, dataset: Any) -> None:
    from newsweave.group.minhash import MinHasher
    from newsweave.store.schema import signatures

    hasher = MinHasher()
    for rows in _chunked(_rows(dataset, ["id", "minhash"])):
        values = [{"article_id": r["id"], "num_perm": hasher.num_perm, "shingle": hasher.shingle,
                   "minhash": r["minhash"]} for r in rows if r["minhash"]]
        with store.transaction() as conn:
            conn.execute(delete(signatures).where(signatures.c.article_id.in_([v["article_id"] for v in values])))
            if values:
                conn.execute(insert(signatures), values)


def _chunked(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= _BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _load_reprints(store: Any, rows: list[dict[str, Any]]) -> None:
    from newsweave.store.schema import reprints

    values = [{"article_id": r["article_id"], "group_id": r["reprint_group"], "matched_article": r["matched_article"],
               "containment": r["containment"]} for r in rows]
    with store.transaction() as conn:
        conn.execute(delete(reprints))
        for lo in range(0, len(values), _BATCH):
            conn.execute(insert(reprints), values[lo : lo + _BATCH])


def _load_stories(store: Any, rows: list[dict[str, Any]]) -> int:
    """Stories as ``update_stories`` writes them: stable ids over the stored ones, corrections replayed."""
    import json

    from sqlalchemy import select

    from newsweave.store.schema import story_assignments
    from newsweave.store.stories import _load_corrections, _material, _order, _replay, _stable_ids, _write

    material = {r.id: r for r in _material(store)}
    rows = [r for r in rows if r["article_id"] in material]
    clusters: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        clusters[r["story_id"]].append(r["article_id"])
    order = {i: _order(m.published, m.seq) for i, m in material.items()}
    with store.connect() as conn:
        previous = {r.article_id: r.story_id for r in conn.execute(
            select(story_assignments.c.article_id, story_assignments.c.story_id))}
        corrections = _load_corrections(conn)
    mapping = _stable_ids(clusters, previous, order)
    auto: dict[str, tuple[str, float, dict]] = {}
    final: dict[str, str] = {}
    for r in rows:
        sid = mapping[r["story_id"]]
        reason = json.loads(r["reason"] or "{}")
        reason["_auto_story"] = sid
        auto[r["article_id"]] = (sid, r["score"], reason)
        final[r["article_id"]] = sid
    manual, _applied, _skipped = _replay(final, corrections)
    groups = {r["article_id"]: r["reprint_group"] for r in rows}
    return _write(store, material, auto, final, manual, groups)
