"""The per-article analysis in the store: written once after ingest, read by stories and compare.

The store only reads and writes here; the stage that makes the analyses (worker processes, one
writer) and the statement-vector cache that embeds what is missing are
:mod:`newsweave.enrich.stage`.

- :func:`stale_article_ids` — the one place that says which stored articles still need a
  pass (none yet, or one by an older analyser); the main job and a resumed run use it.
- :func:`store_analyses` — the single writer: NER spans to ``analyses``, quotes through
  :func:`newsweave.store.quotes.replace_quotes`, the clusterer's evidence as the
  ``story_features`` annotation the grouping stage reads instead of computing it again.
- :func:`entity_spans_for` — the stored NER spans of current analyses, for compare.
- :func:`load_statement_vectors` / :func:`save_statement_vectors` — statement vectors by
  article and character span.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import delete, insert, select

from newsweave.batches import batched
from newsweave.model import Span
from newsweave.store.schema import analyses, articles, statement_vectors
from newsweave.store.schema import annotations as annotations_table

if TYPE_CHECKING:
    from newsweave.store.repository import Store

__all__ = [
    "entity_spans_for",
    "load_statement_vectors",
    "save_statement_vectors",
    "stale_article_ids",
    "store_analyses",
]

LOGGER = logging.getLogger("newsweave.store.analysis")
_CHUNK = 500



def stale_article_ids(store: Store, version: str, article_ids: Iterable[str] | None = None) -> list[str]:
    """Stored articles (of ``article_ids``, or all) without an analysis by analyser ``version``, in ingest order.

    A run that was killed between storing articles and analysing them finds them here.
    """
    current = select(analyses.c.article_id).where(analyses.c.version == version)
    query = select(articles.c.id).where(articles.c.id.not_in(current)).order_by(articles.c.seq)
    with store.connect() as conn:
        if article_ids is None:
            return list(conn.execute(query).scalars())
        found: list[str] = []
        for part in batched(article_ids, _CHUNK):
            found.extend(conn.execute(query.where(articles.c.id.in_(list(part)))).scalars())
        return found


def store_analyses(store: Store, results: Sequence[Any]) -> None:
    """Write a batch of :class:`~newsweave.enrich.analyse.ArticleAnalysis` (replacing older ones)."""
    from newsweave.store.quotes import replace_quotes
    from newsweave.store.stories import FEATURES_KIND

    if not results:
        return
    now = datetime.now(timezone.utc)
    ids = [r.article_id for r in results]
    with store.transaction() as conn:
        conn.execute(delete(analyses).where(analyses.c.article_id.in_(ids)))
        conn.execute(insert(analyses), [
            {"article_id": r.article_id, "version": r.version, "entities": [list(e) for e in r.entities],
             "analysed_at": now} for r in results])
        featured = [r for r in results if r.story_features is not None]
        if featured:
            conn.execute(delete(annotations_table).where(
                annotations_table.c.kind == FEATURES_KIND, annotations_table.c.article_id.in_([r.article_id for r in featured])))
            conn.execute(insert(annotations_table), [
                {"article_id": r.article_id, "kind": FEATURES_KIND, "version": r.story_features_version,
                 "data": r.story_features} for r in featured])
        embedded = [r for r in results if r.statement_vectors is not None and r.statement_spans]
        if embedded:
            conn.execute(delete(statement_vectors).where(statement_vectors.c.article_id.in_(
                [r.article_id for r in embedded])))
            conn.execute(insert(statement_vectors), [
                _vector_row(r.article_id, r.statement_model, r.statement_spans, r.statement_vectors) for r in embedded])
    for r in results:
        replace_quotes(store, r.article_id, r.quotes)


def _vector_row(article_id: str, model: str, spans: Sequence[Span], matrix: Any) -> dict[str, Any]:
    matrix = np.asarray(matrix, dtype=np.float32)
    return {"article_id": article_id, "model": model, "dim": int(matrix.shape[1]),
            "spans": [[s.start, s.end] for s in spans], "vectors": matrix.tobytes()}


def entity_spans_for(store: Store, article_ids: Sequence[str], version: str) -> dict[str, list[tuple[str, int, int]]]:
    """(label, start, end) NER spans of each article whose stored analysis is by analyser ``version`` (others left out)."""
    found: dict[str, list[tuple[str, int, int]]] = {}
    with store.connect() as conn:
        for part in batched(dict.fromkeys(article_ids), _CHUNK):
            rows = conn.execute(select(analyses.c.article_id, analyses.c.version, analyses.c.entities)
                                .where(analyses.c.article_id.in_(list(part))))
            for r in rows:
                if r.version == version:
                    found[r.article_id] = [(label, int(start), int(end)) for label, start, end in r.entities]
    return found


def load_statement_vectors(store: Store, model: str, article_ids: Sequence[str]) -> dict[str, dict[Span, np.ndarray]]:
    """The stored statement vectors by ``model`` of each article, by the statement's character span."""
    known: dict[str, dict[Span, np.ndarray]] = {}
    with store.connect() as conn:
        q = select(statement_vectors).where(statement_vectors.c.model == model,
                                            statement_vectors.c.article_id.in_(list(article_ids)))
        for r in conn.execute(q):
            matrix = np.frombuffer(bytes(r.vectors), dtype=np.float32).reshape(len(r.spans), r.dim)
            known[r.article_id] = {Span(int(s), int(e)): matrix[i] for i, (s, e) in enumerate(r.spans)}
    return known


def save_statement_vectors(store: Store, model: str, vectors: dict[str, dict[Span, np.ndarray]]) -> None:
    """Replace the stored ``model`` vectors of each article in ``vectors`` by the ones given (in span order)."""
    with store.transaction() as conn:
        conn.execute(delete(statement_vectors).where(statement_vectors.c.model == model,
                                                     statement_vectors.c.article_id.in_(list(vectors))))
        rows = []
        for article_id in sorted(vectors):
            spans = sorted(vectors[article_id])
            rows.append(_vector_row(article_id, model, spans, np.vstack([vectors[article_id][s] for s in spans])))
        conn.execute(insert(statement_vectors), rows)
