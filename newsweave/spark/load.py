"""Bring a Spark run's Parquet tables into a store (SQLite or PostgreSQL), with pyarrow only.

What the local job would have stored, through the store's own writers: articles
(``Store.add_batch``: an id already stored is left as it is), their analyses
(:func:`newsweave.store.analysis.store_analyses`: entities, quotes, the clusterer's
evidence), MinHash signatures, reprint groups, and the stories — named by the same stable-id
rule as the grouping stage (``update_stories``) and with the corrections a user recorded replayed on top — so the
CLI (``stories``, ``story``, ``compare``, ``run``) and the web app work on the result.

>>> from newsweave.store import Store
>>> with Store.open("out/newsweave.db") as store:              # doctest: +SKIP
...     load_run("spark-out", store).articles_stored
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.batches import batched
from newsweave.errors import InputError
from newsweave.spark import stages
from newsweave.store.stories import (
    AutoAssignment,
    arrival_order,
    corrections_in_force,
    replace_reprints,
    replay_corrections,
    stable_story_ids,
    stored_assignments,
    story_material,
    write_signatures,
    write_stories,
)

if TYPE_CHECKING:
    from newsweave.store import Store

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


def load_run(out: str | Path, store: Store) -> LoadSummary:
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


def _load_articles(store: Store, dataset: Any, summary: LoadSummary) -> None:
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


def _load_signatures(store: Store, dataset: Any) -> None:
    from newsweave.group.minhash import MinHasher

    hasher = MinHasher()
    for rows in batched(_rows(dataset, ["id", "minhash"]), _BATCH):
        write_signatures(store, [(r["id"], r["minhash"]) for r in rows if r["minhash"]], hasher.num_perm, hasher.shingle)


def _load_reprints(store: Store, rows: list[dict[str, Any]]) -> None:
    replace_reprints(store, [{"article_id": r["article_id"], "group_id": r["reprint_group"],
                              "matched_article": r["matched_article"], "containment": r["containment"]} for r in rows])


def _load_stories(store: Store, rows: list[dict[str, Any]]) -> int:
    """Stories as the grouping stage writes them: stable ids over the stored ones, corrections replayed."""
    material = {r.id: r for r in story_material(store)}
    rows = [r for r in rows if r["article_id"] in material]
    clusters: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        clusters[r["story_id"]].append(r["article_id"])
    order = {i: arrival_order(m.published, m.seq) for i, m in material.items()}
    previous = stored_assignments(store)
    corrections = corrections_in_force(store)
    mapping = stable_story_ids(clusters, previous, order)
    auto: dict[str, AutoAssignment] = {}
    final: dict[str, str] = {}
    for r in rows:
        sid = mapping[r["story_id"]]
        reason = json.loads(r["reason"] or "{}")
        reason["_auto_story"] = sid
        auto[r["article_id"]] = (sid, r["score"], reason)
        final[r["article_id"]] = sid
    manual, _applied, _skipped = replay_corrections(final, corrections)
    groups = {r["article_id"]: r["reprint_group"] for r in rows}
    return write_stories(store, material, auto, final, manual, groups)
