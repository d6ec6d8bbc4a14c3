"""Quotes in the store: one row per quote in ``quotes``; people as a ``people`` annotation.

>>> replace_quotes(store, article.id, analysis)        # doctest: +SKIP
>>> for row in iter_quotes(store, speaker="Quintero"):   # doctest: +SKIP
...     print(row.speaker, row.text)

Spans are integer pairs into ``articles.text``. Re-running the extractor
replaces an article's quotes (and its people annotation) in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Connection, and_, delete, insert, select

from newsweave.model import Quote, Span
from newsweave.store.schema import annotations as annotations_table
from newsweave.store.schema import articles, quotes, story_assignments

if TYPE_CHECKING:
    from newsweave.store.repository import Store

__all__ = [
    "StoredQuote", "replace_quotes", "write_quotes", "iter_quotes", "quotes_of", "PEOPLE_KIND", "articles_without_quotes",
]

PEOPLE_KIND = "people"


@dataclass(slots=True)
class StoredQuote:
    """A stored quote with the article it belongs to and its text."""

    quote: Quote
    idx: int
    source: str  # the article's outlet
    text: str  # the quoted words (fragments joined by " … ")
    source_text: str | None  # the speaker as written
    cue_text: str | None
    story_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def article_id(self) -> str:
        return self.quote.article_id

    @property
    def speaker(self) -> str | None:
        return self.quote.speaker

    def to_dict(self) -> dict[str, Any]:
        """The quote as an export record; every span is ``[start, end]`` into the article's stored text."""
        q = self.quote
        return {
            "article": q.article_id,
            "idx": self.idx,
            "outlet": self.source,
            "story": self.story_id,
            "kind": q.kind,
            "act": q.act,
            "text": self.text,
            "start": q.content.start,
            "end": q.content.end,
            "fragments": [[f.start, f.end] for f in q.fragments],
            "speaker": q.speaker,
            "speaker_type": q.speaker_type,
            "speaker_as_written": self.source_text,
            "speaker_span": _pair(q.source),
            "speaker_description": q.speaker_description,
            "cue": self.cue_text,
            "cue_span": _pair(q.cue),
            "confidence": q.confidence,
            "reason": q.reason,
        }


def _pair(span: Span | None) -> list[int] | None:
    return [span.start, span.end] if span is not None else None


def _row(article_id: str, idx: int, q: Quote) -> dict[str, Any]:
    return {
        "article_id": article_id,
        "idx": idx,
        "kind": q.kind,
        "start": q.content.start,
        "end": q.content.end,
        "fragments": [[f.start, f.end] for f in q.fragments],
        "cue_start": q.cue.start if q.cue else None,
        "cue_end": q.cue.end if q.cue else None,
        "source_start": q.source.start if q.source else None,
        "source_end": q.source.end if q.source else None,
        "speaker": q.speaker,
        "speaker_description": q.speaker_description,
        "confidence": float(q.confidence),
        "reason": q.reason or "",
        "act": q.act,
        "speaker_type": q.speaker_type,
    }


def replace_quotes(store: Store, article_id: str, analysis: Any, version: str | None = None) -> int:
    """Store ``analysis.quotes`` for an article (replacing older ones); people go to an annotation.

    Returns the number of quotes stored. ``analysis`` is a
    :class:`newsweave.enrich.quotes.QuoteAnalysis` (or anything with ``quotes``
    and, optionally, ``people`` and ``findings``).
    """
    with store.transaction() as conn:
        return write_quotes(conn, {article_id: analysis}, version)


def write_quotes(conn: Connection, analyses: Mapping[str, Any], version: str | None = None) -> int:
    """:func:`replace_quotes` for many articles inside the caller's transaction (one write for a batch)."""
    from newsweave.enrich.quotes import VERSION

    ids = list(analyses)
    rows = [_row(article_id, i, q) for article_id, analysis in analyses.items() for i, q in enumerate(analysis.quotes)]
    people = [{"article_id": article_id, "kind": PEOPLE_KIND, "version": version or VERSION, "data": data}
              for article_id, analysis in analyses.items() if (data := _people_data(analysis)) is not None]
    conn.execute(delete(quotes).where(quotes.c.article_id.in_(ids)))
    if rows:
        conn.execute(insert(quotes), rows)
    if people:
        conn.execute(delete(annotations_table).where(annotations_table.c.kind == PEOPLE_KIND,
                                                     annotations_table.c.article_id.in_([p["article_id"] for p in people])))
        conn.execute(insert(annotations_table), people)
    return len(rows)


def _people_data(analysis: Any) -> dict[str, Any] | None:
    """The ``people`` annotation of an analysis (its people and quote findings); None when it has neither."""
    from newsweave.store.repository import clean_json

    people, findings = getattr(analysis, "people", None), getattr(analysis, "findings", None)
    if people is None and findings is None:
        return None
    return clean_json({"people": [p.to_dict() for p in people or []], "findings": [f.to_dict() for f in findings or []]})


def _quote_from_row(r: Any) -> Quote:
    return Quote(
        article_id=r.article_id,
        kind=r.kind,
        content=Span(r.start, r.end),
        fragments=[Span(a, b) for a, b in (r.fragments or [])],
        cue=Span(r.cue_start, r.cue_end) if r.cue_start is not None else None,
        source=Span(r.source_start, r.source_end) if r.source_start is not None else None,
        speaker=r.speaker,
        speaker_description=r.speaker_description,
        confidence=r.confidence,
        reason=r.reason,
        act=r.act,
        speaker_type=r.speaker_type,
    )


def iter_quotes(
    store: Store,
    article_ids: Iterable[str] | None = None,
    speaker: str | None = None,
    story_id: str | None = None,
    min_confidence: float = 0.0,
    every_act: bool = False,
) -> Iterator[StoredQuote]:
    """Stored quotes in article order, optionally of some articles, a speaker or a story.

    By default only reported speech and writing by a found speaker
    (:attr:`Quote.is_listed`); ``every_act`` adds thoughts, nominal reports,
    non-reports and quotes with no speaker (each carries its ``act`` and
    ``speaker_type``). ``speaker`` matches the resolved speaker or the speaker
    as written, case-insensitively, as a substring ("harris" finds "Kamala
    Harris"). ``min_confidence`` leaves out less likely ones.
    """
    cols: list[Any] = [
        quotes,
        articles.c.source.label("outlet"),
        articles.c.text.label("article_text"),
        articles.c.seq,
        story_assignments.c.story_id,
    ]
    query = (
        select(*cols)
        .join(articles, articles.c.id == quotes.c.article_id)
        .outerjoin(story_assignments, story_assignments.c.article_id == quotes.c.article_id)
    )
    conds: list[ColumnElement[bool]] = []
    if article_ids is not None:
        ids = list(article_ids)
        if not ids:
            return
        conds.append(quotes.c.article_id.in_(ids))
    if story_id is not None:
        conds.append(story_assignments.c.story_id == story_id)
    if min_confidence > 0.0:
        conds.append(quotes.c.confidence >= min_confidence)
    if conds:
        query = query.where(and_(*conds))
    query = query.order_by(articles.c.seq, quotes.c.idx)
    needle = speaker.lower() if speaker else None
    with store.connect() as conn:
        for r in conn.execute(query):
            q = _quote_from_row(r)
            if not (every_act or q.is_listed):
                continue
            text = r.article_text or ""
            src = text[q.source.start : q.source.end] if q.source else None
            if needle is not None:
                hay = " ".join(x for x in (q.speaker, src, q.speaker_description) if x).lower()
                if needle not in hay:
                    continue
            yield StoredQuote(
                quote=q,
                idx=r.idx,
                source=r.outlet,
                text=q.words_in(text),
                source_text=src,
                cue_text=text[q.cue.start : q.cue.end] if q.cue else None,
                story_id=r.story_id,
            )


def quotes_of(store: Store, article_id: str) -> list[Quote]:
    """The stored quotes of one article (empty when none were stored)."""
    with store.connect() as conn:
        rows = conn.execute(select(quotes).where(quotes.c.article_id == article_id).order_by(quotes.c.idx)).all()
    return [_quote_from_row(r) for r in rows]


def articles_without_quotes(store: Store, version: str, article_ids: Iterable[str] | None = None) -> list[str]:
    """Stored articles (of ``article_ids``, or all) whose quotes are missing or by another extractor ``version``."""
    current = select(annotations_table.c.article_id).where(
        annotations_table.c.kind == PEOPLE_KIND, annotations_table.c.version == version
    )
    query = select(articles.c.id).where(articles.c.id.not_in(current))
    if article_ids is not None:
        query = query.where(articles.c.id.in_(list(article_ids)))
    with store.connect() as conn:
        return list(conn.execute(query.order_by(articles.c.seq)).scalars())
