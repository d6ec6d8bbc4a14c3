"""The per-article analysis in the store: written once after ingest, read by stories and compare.

The store only reads and writes here; the stage that makes the analyses (worker processes, one
writer) and the statement-vector cache that embeds what is missing are
:mod:`newsweave.enrich.stage`.

- :func:`stale_article_ids` — the one place that says which stored articles still need a
  pass (none yet, or one by an older analyser); the main job and a resumed run use it.
- :func:`store_analyses` — the single writer, one transaction a batch: NER spans to ``analyses``,
  quotes through :func:`newsweave.store.quotes.write_quotes`, the clusterer's evidence as the
  ``story_features`` annotation the grouping stage reads instead of computing it again.
- :func:`entity_spans_for` — the stored NER spans of current analyses, for compare.
- :func:`load_statement_vectors` / :func:`save_statement_vectors` — statement vectors by
  article and character span; :func:`stories_awaiting_statement_vectors` — the stories compare
  will align whose articles have none yet.
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
from newsweave.store.schema import analyses, articles, statement_vectors, stories, story_assignments
from newsweave.store.schema import annotations as annotations_table

if TYPE_CHECKING:
    from newsweave.store.repository import Store

__all__ = [
    "entity_spans_for",
    "load_statement_vectors",
    "save_statement_vectors",
    "stale_article_ids",
    "store_analyses",
    "stories_awaiting_statement_vectors",
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
    from newsweave.store.quotes import write_quotes
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
        # a new analysis means new (or revised) text: vectors of the old spans no longer hold
        conn.execute(delete(statement_vectors).where(statement_vectors.c.article_id.in_(ids)))
        write_quotes(conn, {r.article_id: r.quotes for r in results})


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
    """Replace the stored ``model`` vectors of each article in ``vectors`` by the ones given (in span order).

    An article given no vectors gets an empty row: it was looked at (no statement to embed, or a
    story too large to embed) and is not looked at again; compare embeds what it lacks if it asks.
    """
    if not vectors:
        return
    with store.transaction() as conn:
        conn.execute(delete(statement_vectors).where(statement_vectors.c.model == model,
                                                     statement_vectors.c.article_id.in_(list(vectors))))
        rows = []
        for article_id in sorted(vectors):
            spans = sorted(vectors[article_id])
            matrix = np.vstack([vectors[article_id][s] for s in spans]) if spans else np.zeros((0, 0), np.float32)
            rows.append({"article_id": article_id, "model": model, "dim": int(matrix.shape[1]),
                         "spans": [[s.start, s.end] for s in spans], "vectors": matrix.astype(np.float32).tobytes()})
        conn.execute(insert(statement_vectors), rows)


def stories_awaiting_statement_vectors(store: Store, model: str) -> dict[str, tuple[list[str], list[str]]]:
    """Story id -> (its members, those without a ``model`` vectors row), for every story of two
    articles or more that has such a member.

    A re-run over an unchanged store finds nothing here, in one query, and embeds nothing.
    """
    done = select(statement_vectors.c.article_id).where(statement_vectors.c.model == model)
    waiting_query = (select(story_assignments.c.story_id, story_assignments.c.article_id)
                     .join(stories, stories.c.id == story_assignments.c.story_id)
                     .where(stories.c.articles >= 2, story_assignments.c.article_id.not_in(done)))
    missing: dict[str, list[str]] = {}
    members: dict[str, list[str]] = {}
    with store.connect() as conn:
        for story_id, article_id in conn.execute(waiting_query):
            missing.setdefault(story_id, []).append(article_id)
        for part in batched(sorted(missing), _CHUNK):
            rows = conn.execute(select(story_assignments.c.story_id, story_assignments.c.article_id)
                                .where(story_assignments.c.story_id.in_(part)))
            for story_id, article_id in rows:
                members.setdefault(story_id, []).append(article_id)
    return {sid: (sorted(members[sid]), sorted(missing[sid])) for sid in sorted(missing)}
