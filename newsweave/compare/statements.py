"""Split articles into statements and align them across outlets (near-verbatim and paraphrase).

Statements are sentences, long sentences split into clauses
(:func:`newsweave.text.sentences.statement_spans`); content that is mostly a
direct quote is left to the quote groups, and very short lines (datelines,
section heads) are skipped.

Similarity is lexical by default — TF-IDF cosine over stemmed content words and
word pairs, IDF-weighted Dice and overlap of content words, and a bonus for
shared numbers — and, when the ``embed`` extra is installed and ``method`` allows it,
the cosine of sentence embeddings (all-MiniLM-L6-v2, loaded from its local
package) is combined with it.  Groups hold at most one statement per article,
formed greedily from the most similar pair down.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np

from newsweave.compare.aspect import PreparedStory, Section
from newsweave.compare.records import StatementGroupRecord
from newsweave.enrich.statements import (
    EMBED_LIMIT,
    Statement,
    embedder_available,
    embeds_story,
    split_statements,
    statement_quote_spans,
)
from newsweave.enrich.statements import embed_statements as _embed
from newsweave.errors import InputError
from newsweave.model import Article, outlet_key

if TYPE_CHECKING:
    from scipy import sparse

__all__ = ["Statement", "METHODS", "StatementsAspect", "check_method", "split_statements", "align_statements",
           "embedder_available", "group_spans", "statement_quote_spans"]

#: Statement alignment methods: see :func:`align_statements`.
METHODS = ("auto", "embed", "lexical")


def check_method(method: str) -> str:
    """``method`` when it is one of :data:`METHODS`; else an InputError, before any slow work starts."""
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}: use {', '.join(METHODS[:-1])} or {METHODS[-1]}")
    return method


_NUMBER = re.compile(r"\d[\d,.]*")


def _choose_embeddings(
    statements: list[Statement], method: str, embed_limit: int,
    embed: Callable[[list[Statement]], np.ndarray] | None,
) -> tuple[np.ndarray | None, str]:
    """The statements' embeddings when ``method`` calls for them, and the method name to report."""
    n = len(statements)
    used = "lexical"
    embeddings = None
    if embeds_story(method, n, embed_limit):
        embeddings = embed(statements) if embed is not None else _embed([s.text for s in statements])
        used = "embed+lexical"
    elif method == "auto" and n > embed_limit:
        used = f"lexical ({n} statements > {embed_limit}: too many to embed quickly)"
    return embeddings, used


def _word_weights(
    statements: list[Statement], vocabulary: dict[str, int], idf: np.ndarray,
) -> tuple[sparse.csr_matrix, sparse.csr_matrix, np.ndarray]:
    """Binary word occurrence, its idf-weighted form and row totals, for Dice and overlap scores."""
    from scipy import sparse

    n = len(statements)
    # binary word occurrence weighted by idf: shared weight of two statements = row_i · row_j
    rows, cols, vals = [], [], []
    for i, st in enumerate(statements):
        for w in set(st.words):
            k = vocabulary.get(w)
            if k is not None:
                rows.append(i)
                cols.append(k)
                vals.append(1.0)
    binary = sparse.csr_matrix((vals, (rows, cols)), shape=(n, len(idf)), dtype=np.float32)
    weighted = binary @ sparse.diags(idf.astype(np.float32))
    totals = np.asarray(weighted.sum(axis=1)).ravel()
    return binary, weighted, totals


def _number_matrix(statements: list[Statement]) -> sparse.csr_matrix:
    """Which numbers each statement contains, so shared figures raise a pair's score."""
    from scipy import sparse

    n = len(statements)
    number_ids: dict[str, int] = {}
    nrows, ncols = [], []
    for i, st in enumerate(statements):
        for num in set(_NUMBER.findall(st.text)):
            nrows.append(i)
            ncols.append(number_ids.setdefault(num, len(number_ids)))
    return sparse.csr_matrix((np.ones(len(nrows), dtype=np.float32), (nrows, ncols)),
                             shape=(n, max(1, len(number_ids))))


def _scored_pairs(
    statements: list[Statement], order: dict[str, int], method: str,
    threshold: tuple[float, float] | None, embed_limit: int,
    embed: Callable[[list[Statement]], np.ndarray] | None,
) -> tuple[list[tuple[float, int, int]], str]:
    """Cross-article statement pairs scoring above threshold, in chunks to bound memory, and the method used."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(statements)
    pairs: list[tuple[float, int, int]] = []
    vectorizer = TfidfVectorizer(analyzer=lambda words: words + [a + " " + b for a, b in pairwise(words)],
                                 sublinear_tf=True, min_df=1)
    matrix = vectorizer.fit_transform([s.words for s in statements])
    embeddings, used = _choose_embeddings(statements, method, embed_limit, embed)
    art = np.array([order[s.article_id] for s in statements])
    binary, weighted, totals = _word_weights(statements, vectorizer.vocabulary_, vectorizer.idf_)
    numbers = _number_matrix(statements)
    lexical_threshold, embed_threshold = threshold if threshold is not None else (0.3, 0.5)
    chunk = 256
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        cos = (matrix[lo:hi] @ matrix.T).toarray()
        shared = (weighted[lo:hi] @ binary.T).toarray()
        shared_numbers = np.minimum(2, (numbers[lo:hi] @ numbers.T).toarray())
        t_i = totals[lo:hi, None]
        t_j = totals[None, :]
        dice = 2 * shared / np.maximum(t_i + t_j, 1e-9)
        overlap = shared / np.maximum(np.minimum(t_i, t_j), 1e-9)
        lexical = 0.4 * cos + 0.4 * dice + 0.15 * overlap + 0.1 * shared_numbers
        if embeddings is not None:
            score = 0.4 * lexical + 0.6 * (embeddings[lo:hi] @ embeddings.T)
            needed = embed_threshold
        else:
            score, needed = lexical, lexical_threshold
        valid = (score >= needed) & (shared > 0) & (art[lo:hi, None] != art[None, :])
        valid &= np.arange(lo, hi)[:, None] < np.arange(n)[None, :]  # each pair once
        ii, jj = np.nonzero(valid)
        for r, j in zip(ii.tolist(), jj.tolist()):
            pairs.append((float(score[r, j]), lo + r, j))
    return pairs, used


def _cluster_pairs(
    pairs: list[tuple[float, int, int]], statements: list[Statement],
) -> tuple[dict[int, list[int]], dict[int, float]]:
    """Greedy union-find from the best pair down, at most one statement per article per cluster."""
    n = len(statements)
    pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
    parent = list(range(n))
    members = {i: {statements[i].article_id} for i in range(n)}
    best: dict[int, float] = {}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for score, i, j in pairs:
        ri, rj = find(i), find(j)
        if ri == rj or members[ri] & members[rj]:
            continue
        parent[rj] = ri
        members[ri] |= members.pop(rj)
        best[i] = max(best.get(i, 0.0), score)
        best[j] = max(best.get(j, 0.0), score)

    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        clusters[find(i)].append(i)
    return clusters, best


def _group_records(
    clusters: dict[int, list[int]], best: dict[int, float], statements: list[Statement], order: dict[str, int],
) -> list[StatementGroupRecord]:
    """JSON-ready statement groups, biggest first, without ids."""
    groups: list[StatementGroupRecord] = []
    for idx in clusters.values():
        idx.sort(key=lambda i: (order[statements[i].article_id], statements[i].start))
        sources = {statements[i].source for i in idx}
        outlets = {outlet_key(statements[i].source, statements[i].article_id) for i in idx}
        rep = max(idx, key=lambda i: (len(statements[i].words), -i)) if len(idx) > 1 else idx[0]
        groups.append({  # type: ignore[typeddict-item]  # "id" and "independent_sources" come later
            "text": statements[rep].text,
            "articles": [statements[i].article_id for i in idx],
            "sources": sorted(sources),
            "unique": len(outlets) == 1,
            "score": round(min(best.get(i, 1.0) for i in idx), 3) if len(idx) > 1 else None,
            "members": [{"article": statements[i].article_id, "text": statements[i].text,
                         "start": statements[i].start, "end": statements[i].end} for i in idx],
        })
    groups.sort(key=lambda g: (-len(g["articles"]), order[g["articles"][0]], g["members"][0]["start"]))
    return groups


def align_statements(
    articles: list[Article], statements: list[Statement], method: str = "auto",
    threshold: tuple[float, float] | None = None,
    embed_limit: int = EMBED_LIMIT,
    embed: Callable[[list[Statement]], np.ndarray] | None = None,
) -> tuple[list[StatementGroupRecord], dict[str, list[tuple[int, int, str]]], str]:
    """Statement groups (JSON-ready), each article's (start, end, group id), and the method used.

    ``method``: ``"embed"`` always embeds; ``"auto"`` embeds when the ``embed`` extra is installed
    and the story has at most ``embed_limit`` statements (MiniLM on CPU runs ~100 statements/s
    on 2 cores, so a 50-article story would blow the 10-second budget); ``"lexical"`` never does.
    ``threshold`` is (lexical, embedding) — the score a pair needs under each method.
    The lexical score mixes TF-IDF cosine (words and word pairs), IDF-weighted Dice and
    overlap of content words, and shared numbers; with embeddings, 0.4 × lexical + 0.6 × cosine.
    ``embed`` gives the statements' unit vectors (e.g. read from the store); default: MiniLM now.
    """
    check_method(method)  # public API: a bad method fails before sklearn loads

    order = {a.id: i for i, a in enumerate(articles)}
    used = "lexical"
    pairs: list[tuple[float, int, int]] = []
    if len(statements) > 1:
        pairs, used = _scored_pairs(statements, order, method, threshold, embed_limit, embed)
    clusters, best = _cluster_pairs(pairs, statements)
    groups = _group_records(clusters, best, statements, order)
    for k, g in enumerate(groups):
        g["id"] = f"s{k + 1}"
    return groups, group_spans(groups), used


def group_spans(groups: list[StatementGroupRecord]) -> dict[str, list[tuple[int, int, str]]]:
    """Each article's aligned statements as (start, end, group id), in group order."""
    spans_by_article: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for g in groups:
        for m in g["members"]:
            spans_by_article[m["article"]].append((m["start"], m["end"], g["id"]))
    return dict(spans_by_article)


class StatementsAspect:
    """The story's ``statements``: every article's statements (quoted ones left to the quotes), aligned."""

    name = "statements"

    def compare(self, story: PreparedStory) -> Section[list[StatementGroupRecord]]:
        statements = [s for article in story.articles
                      for s in split_statements(article, statement_quote_spans(article, story.analyses[article.id]))]
        groups, _spans, used = align_statements(story.articles, statements, method=story.method,
                                                embed=story.embed_statements)
        for g in groups:  # copies of one text are one independent source
            g["independent_sources"] = len({story.reprint_groups.get(a, a) for a in g["articles"]})
        return Section(groups, method=used)
