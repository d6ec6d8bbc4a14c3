"""The per-article analysis in the store: written once after ingest, read by stories and compare.

- :func:`stale_article_ids` — the one place that says which stored articles still need a
  pass (none yet, or one by an older analyser); the main job and a resumed run use it.
- :func:`store_analyses` — the single writer: NER spans to ``analyses``, quotes through
  :func:`newsweave.store.quotes.replace_quotes`, the clusterer's evidence as the
  ``story_features`` annotation ``update_stories`` reads instead of computing it again.
- :func:`entities_for` and :class:`StatementVectors` — what compare reads back (statement
  vectors the pass did not make, e.g. after a ``--method lexical`` run, are made and kept then).
- :class:`AnalysisStep` — the post-store pipeline step (worker processes, one writer).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import delete, insert, select

from newsweave.model import Article, Span
from newsweave.store.schema import analyses, articles, statement_vectors
from newsweave.store.schema import annotations as annotations_table

if TYPE_CHECKING:
    from newsweave.store.repository import Store

__all__ = [
    "AnalysisStep",
    "StatementVectors",
    "entities_for",
    "stale_article_ids",
    "store_analyses",
]

LOGGER = logging.getLogger("newsweave.store.analysis")
_CHUNK = 500


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for lo in range(0, len(items), size):
        yield items[lo : lo + size]


def stale_article_ids(store: Store, article_ids: Iterable[str] | None = None) -> list[str]:
    """Stored articles (of ``article_ids``, or all) without an analysis by this analyser, in ingest order.

    A run that was killed between storing articles and analysing them finds them here.
    """
    from newsweave.enrich.analyse import analysis_version

    current = select(analyses.c.article_id).where(analyses.c.version == analysis_version())
    query = select(articles.c.id).where(articles.c.id.not_in(current)).order_by(articles.c.seq)
    with store.connect() as conn:
        if article_ids is None:
            return list(conn.execute(query).scalars())
        found: list[str] = []
        for part in _chunks(list(article_ids)):
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


def entities_for(store: Store, articles_: Sequence[Article]) -> dict[str, list[Any]]:
    """Compare's entities of each article with a current stored analysis (others are left out)."""
    from newsweave.compare.names import entities_from_spans
    from newsweave.enrich.analyse import analysis_version

    by_id = {a.id: a for a in articles_}
    found: dict[str, list[Any]] = {}
    with store.connect() as conn:
        for part in _chunks(list(by_id)):
            rows = conn.execute(select(analyses.c.article_id, analyses.c.version, analyses.c.entities)
                                .where(analyses.c.article_id.in_(list(part))))
            for r in rows:
                if r.version == analysis_version():
                    spans = ((label, int(s), int(e)) for label, s, e in r.entities)
                    found[r.article_id] = entities_from_spans(by_id[r.article_id], spans)
    return found


class StatementVectors:
    """``embed(statements)`` for compare: stored vectors where there are some, else computed and stored.

    A statement is known by its article and character span (article text never changes
    once stored), so each one is embedded once per store, whichever story it is compared in.
    """

    def __init__(self, store: Store, model: str | None = None) -> None:
        from newsweave.enrich.statements import STATEMENT_MODEL

        self.store = store
        self.model = model or STATEMENT_MODEL
        self.computed = 0  # statements embedded by this object (the rest came from the store)

    def __call__(self, statements: Sequence[Any]) -> np.ndarray:
        by_article: dict[str, list[Any]] = defaultdict(list)
        for st in statements:
            by_article[st.article_id].append(st)
        known = self._load(list(by_article))
        missing = [st for st in statements if Span(st.start, st.end) not in known.get(st.article_id, {})]
        if missing:
            self._add(missing, known)
        rows = [known[st.article_id][Span(st.start, st.end)] for st in statements]
        return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), dtype=np.float32)

    def _load(self, article_ids: list[str]) -> dict[str, dict[Span, np.ndarray]]:
        known: dict[str, dict[Span, np.ndarray]] = {}
        with self.store.connect() as conn:
            q = select(statement_vectors).where(statement_vectors.c.model == self.model,
                                                statement_vectors.c.article_id.in_(article_ids))
            for r in conn.execute(q):
                matrix = np.frombuffer(bytes(r.vectors), dtype=np.float32).reshape(len(r.spans), r.dim)
                known[r.article_id] = {Span(int(s), int(e)): matrix[i] for i, (s, e) in enumerate(r.spans)}
        return known

    def _add(self, missing: Sequence[Any], known: dict[str, dict[Span, np.ndarray]]) -> None:
        from newsweave.enrich.statements import embed_statements

        vectors = embed_statements([st.text for st in missing])
        self.computed += len(missing)
        touched: set[str] = set()
        for st, vector in zip(missing, vectors):
            known.setdefault(st.article_id, {})[Span(st.start, st.end)] = vector
            touched.add(st.article_id)
        with self.store.transaction() as conn:
            conn.execute(delete(statement_vectors).where(statement_vectors.c.model == self.model,
                                                         statement_vectors.c.article_id.in_(list(touched))))
            rows = []
            for article_id in sorted(touched):
                spans = sorted(known[article_id])
                rows.append(_vector_row(article_id, self.model, spans, np.vstack([known[article_id][s] for s in spans])))
            conn.execute(insert(statement_vectors), rows)


class AnalysisStep:
    """Post-store step: analyse the batch's new (and stale) articles in workers; this process writes.

    Use as a context manager so the worker pool is started once and closed at the end::

        with AnalysisStep(workers=2) as step:
            ingest(inputs, store, IngestOptions(post_store=[step]))
    """

    __name__ = "analysis"

    def __init__(self, workers: int = 1, embeddings: str | None = "auto", statements: bool = True) -> None:
        from newsweave.enrich.analyse import AnalysisPool

        self.pool = AnalysisPool(workers, embeddings=embeddings, statements=statements)
        self.analysed = 0

    def __enter__(self) -> AnalysisStep:
        self.pool.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.__exit__(*exc)

    def __call__(self, batch: Any, store: Store) -> None:
        todo = list(batch.stored)
        stale = stale_article_ids(store, batch.present_ids) if batch.present_ids else []
        if stale:
            todo.extend(store.iter_articles(ids=stale, with_raw=False))
        self.analyse(store, todo)

    def finish(self, store: Store) -> int:
        """Analyse every stored article still without a current analysis (a resumed run); returns how many."""
        before = self.analysed
        ids = stale_article_ids(store)
        for part in _chunks(ids, 64):
            self.analyse(store, list(store.iter_articles(ids=list(part), with_raw=False)))
        return self.analysed - before

    def analyse(self, store: Store, todo: Sequence[Article]) -> None:
        for results in self.pool.map_batches(todo):
            store_analyses(store, results)
            self.analysed += len(results)

