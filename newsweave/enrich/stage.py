"""The analysis stage over a store, and the statement vectors compare reads through it.

- :class:`AnalysisStep` — the post-store pipeline step: the batch's new (and stale) articles
  analysed in worker processes (:class:`~newsweave.enrich.analyse.AnalysisPool`), written by
  this process (:func:`newsweave.store.analysis.store_analyses`); after grouping, the same
  workers embed the statements of the stories compare will align
  (:meth:`AnalysisStep.embed_story_statements`), and no others.
- :class:`StatementVectors` — ``embed(statements)`` for compare: stored vectors where there are
  some, else embedded here and stored.
- :func:`ensure_quotes`, :func:`quotes_step`, :func:`analyses_for` — the quotes stage alone over
  stored articles (``newsweave quotes``, compare of a story): stored quotes when they are by this
  extractor, else extracted here and stored.

The store only reads and writes (``newsweave/store/analysis.py``); what decides and computes
lives here, in the enrich layer, as the grouping stage lives in ``newsweave/group/stage.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from newsweave.batches import batched
from newsweave.enrich.analyse import AnalysisPool, analysis_version
from newsweave.enrich.quotes import VERSION as QUOTES_VERSION
from newsweave.enrich.quotes import QuoteAnalysis, quotes_for_article
from newsweave.enrich.quotes.people import Person
from newsweave.enrich.statements import (
    STATEMENT_MODEL,
    Statement,
    embed_statements,
    embeds_story,
    split_statements,
    statement_quote_spans,
)
from newsweave.model import Article, Finding, Span
from newsweave.store.analysis import (
    load_statement_vectors,
    save_statement_vectors,
    stale_article_ids,
    store_analyses,
    stories_awaiting_statement_vectors,
)
from newsweave.store.quotes import PEOPLE_KIND, articles_without_quotes, quotes_of, replace_quotes

if TYPE_CHECKING:
    from newsweave.store.repository import Store

__all__ = ["AnalysisStep", "StatementVectors", "analyses_for", "ensure_quotes", "quotes_step", "stale_for_this_analyser"]


def stale_for_this_analyser(store: Store) -> list[str]:
    """Stored articles without an analysis by the analyser this code runs (a resumed run's work)."""
    return stale_article_ids(store, analysis_version())


class StatementVectors:
    """``embed(statements)`` for compare: stored vectors where there are some, else computed and stored.

    A statement is known by its article and character span (article text never changes
    once stored), so each one is embedded once per store, whichever story it is compared in.
    """

    def __init__(self, store: Store, model: str | None = None) -> None:
        self.store = store
        self.model = model or STATEMENT_MODEL
        self.computed = 0  # statements embedded by this object (the rest came from the store)

    def __call__(self, statements: Sequence[Any]) -> np.ndarray:
        by_article: dict[str, list[Any]] = defaultdict(list)
        for st in statements:
            by_article[st.article_id].append(st)
        known = load_statement_vectors(self.store, self.model, list(by_article))
        missing = [st for st in statements if Span(st.start, st.end) not in known.get(st.article_id, {})]
        if missing:
            self._add(missing, known)
        rows = [known[st.article_id][Span(st.start, st.end)] for st in statements]
        return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 0), dtype=np.float32)

    def _add(self, missing: Sequence[Any], known: dict[str, dict[Span, np.ndarray]]) -> None:
        vectors = embed_statements([st.text for st in missing])
        self.computed += len(missing)
        touched: set[str] = set()
        for st, vector in zip(missing, vectors):
            known.setdefault(st.article_id, {})[Span(st.start, st.end)] = vector
            touched.add(st.article_id)
        save_statement_vectors(self.store, self.model, {article_id: known[article_id] for article_id in touched})


class AnalysisStep:
    """Post-store step: analyse the batch's new (and stale) articles in workers; this process writes.

    Use as a context manager so the worker pool is started once and closed at the end::

        with AnalysisStep(workers=2) as step:
            ingest(inputs, store, IngestOptions(post_store=[step]))
            ...  # group the stories
            step.embed_story_statements(store)

    The per-article pass leaves statement vectors out: only the stories compare aligns need
    them, and grouping decides which those are (most articles of a crawl are alone in theirs).
    """

    __name__ = "analysis"

    def __init__(self, workers: int = 1, embeddings: str | None = "auto") -> None:
        self.pool = AnalysisPool(workers, embeddings=embeddings)
        self.analysed = 0
        self.statements_embedded = 0

    def __enter__(self) -> AnalysisStep:
        self.pool.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.pool.__exit__(*exc)

    def __call__(self, batch: Any, store: Store) -> None:
        todo = list(batch.stored)
        stale = stale_article_ids(store, analysis_version(), batch.present_ids) if batch.present_ids else []
        if stale:
            todo.extend(store.iter_articles(ids=stale, with_raw=False))
        self.analyse(store, todo)

    def finish(self, store: Store) -> int:
        """Analyse every stored article still without a current analysis (a resumed run); returns how many."""
        before = self.analysed
        ids = stale_for_this_analyser(store)
        for part in batched(ids, 64):
            self.analyse(store, list(store.iter_articles(ids=part, with_raw=False)))
        return self.analysed - before

    def analyse(self, store: Store, todo: Sequence[Article]) -> None:
        for results in self.pool.map_batches(todo):
            store_analyses(store, results)
            self.analysed += len(results)

    def embed_story_statements(self, store: Store, method: str = "auto") -> int:
        """Embed and store, in the workers, the statements compare will align by ``method``; returns how many.

        Every story of two articles or more with an article that has no vectors row yet is read
        (one query finds them: an unchanged store costs nothing more); its statements are split
        as compare splits them and, when compare would embed them (:func:`embeds_story`), the
        articles' that lack vectors are embedded. The others get an empty row, so they are not
        read again; compare embeds anything it lacks itself. ``lexical`` embeds and marks nothing,
        so a later ``auto`` run still finds the work.
        """
        if method == "lexical":
            return 0
        pending = _PendingVectors(self.pool, store)
        for members, missing in stories_awaiting_statement_vectors(store, STATEMENT_MODEL).values():
            statements = _story_statements(store, members)
            embeds = embeds_story(method, sum(len(found) for found in statements.values()))
            for article_id in missing:
                pending.add(article_id, statements.get(article_id, []) if embeds else [])
        pending.flush()
        self.statements_embedded += pending.embedded
        return pending.embedded


def _story_statements(store: Store, members: Sequence[str]) -> dict[str, list[Statement]]:
    """Each story-material member's statements, split as compare splits them (its quotes left out)."""
    articles = [a for a in store.iter_articles(ids=list(members), with_raw=False) if a.status.is_story_material]
    analyses = analyses_for(store, articles)
    return {a.id: split_statements(a, statement_quote_spans(a, analyses[a.id])) for a in articles}


class _PendingVectors:
    """Statements waiting to be embedded, sent to the workers in batches and stored per article."""

    BATCH = 4096  # statements per round trip: sorted by length in the pool, both workers busy, ~6 MB of vectors

    def __init__(self, pool: AnalysisPool, store: Store) -> None:
        self.pool, self.store = pool, store
        self.articles: dict[str, list[Statement]] = {}
        self.size = 0
        self.embedded = 0

    def add(self, article_id: str, statements: list[Statement]) -> None:
        self.articles[article_id] = statements
        self.size += len(statements)
        if self.size >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        texts = [st.text for sts in self.articles.values() for st in sts]
        vectors = self.pool.embed_statements(texts) if texts else np.zeros((0, 0), dtype=np.float32)
        rows: dict[str, dict[Span, np.ndarray]] = {}
        row = 0
        for article_id, sts in self.articles.items():
            rows[article_id] = {Span(st.start, st.end): vectors[row + k] for k, st in enumerate(sts)}
            row += len(sts)
        save_statement_vectors(self.store, STATEMENT_MODEL, rows)
        self.embedded += len(texts)
        self.articles, self.size = {}, 0


# --------------------------------------------------------------------------- the quotes stage alone


def ensure_quotes(store: Store, article_ids: Iterable[str] | None = None) -> int:
    """Extract and store the quotes of stored articles that lack them or have an older extractor's.

    Articles ingested without the quotes step (or before the extractor changed)
    then list with everyone else. Articles that are not story material get an
    empty analysis so they are not retried. Returns how many articles it processed.
    """
    todo = articles_without_quotes(store, QUOTES_VERSION, article_ids)
    for article_id in todo:
        _extract_and_store(store, store.get_article(article_id, with_raw=False))
    return len(todo)


def _extract_and_store(store: Store, article: Any) -> None:
    """Replace an article's quotes and people; one that is not story material (paywall stub,
    boilerplate) gets an empty analysis so it is not retried."""
    status = getattr(article, "status", None)
    material = getattr(status, "is_story_material", True)
    replace_quotes(store, article.id, quotes_for_article(article) if material else QuoteAnalysis())


def quotes_step(batch: Any, store: Store) -> None:
    """Post-store pipeline step (``IngestOptions.post_store``): quotes of a stored batch.

    Idempotent: each article's quotes and people annotation are replaced.
    """
    for article in batch.stored:
        _extract_and_store(store, article)


def analyses_for(store: Store, articles: Iterable[Any]) -> dict[str, Any]:
    """Quote analyses of stored articles: read from the store when current, else extracted and stored.

    "Current" means the ``people`` annotation carries this extractor's
    ``VERSION``; an older or missing one is recomputed, so a changed extractor
    never serves stale quotes. Every act is returned; compare keeps the
    reported ones (:attr:`Quote.is_reported`).
    """
    result: dict[str, Any] = {}
    for article in articles:
        cached = store.get_annotation(article.id, PEOPLE_KIND)
        if cached is not None and cached[0] == QUOTES_VERSION:
            data = cached[1]
            result[article.id] = QuoteAnalysis(
                quotes=quotes_of(store, article.id),
                people=[Person.from_dict(p) for p in data.get("people", [])],
                findings=[Finding.from_dict(f, article.id) for f in data.get("findings", [])],
            )
            continue
        analysis = quotes_for_article(article)
        replace_quotes(store, article.id, analysis)
        result[article.id] = analysis
    return result
