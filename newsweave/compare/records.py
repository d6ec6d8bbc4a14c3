"""The compare JSON contract as typed records: what :func:`newsweave.compare.compare_articles` returns.

Every record is a ``TypedDict``, so the story object stays plain JSON-ready data (the store
keeps it as JSON, the reports and the web app read it as dicts) while its shape is written
down once, here, and checked by type checkers.  The fields of each record are listed in the
order the JSON writes them; docs/compare.md describes what they mean.

Spans are two integers, ``start`` and ``end``, half-open character offsets into the clean
text of the article the record names (``article``).
"""

from typing import Any, NotRequired, TypedDict

from newsweave.model import Article, Finding

__all__ = [
    "ArticleRecord", "DebrisRecord", "DiffOp", "FlagRecord", "NameMention", "NameRecord", "NumberMention",
    "NumberRecord", "OutletRecord", "QuoteGroupRecord", "QuoteVariantRecord", "SignalReason", "SignalRecord",
    "SpanNote", "SpanRecord", "StatementGroupRecord", "StatementMember", "StoryRecord", "TimelineEntry",
    "article_record", "flag_record", "story_fields",
]


class SpanRecord(TypedDict):
    start: int
    end: int


# -- articles ---------------------------------------------------------------------------------

class ArticleRecord(TypedDict):
    id: str
    source: str
    title: str | None
    published: str | None  # ISO 8601
    url: str | None
    byline: str | None
    language: str | None
    status: str
    versions: int  # >1: the outlet edited the article after it was first read; ``text`` is the latest
    text: str  # left out of the reports' JSON unless asked for


# -- quotes -----------------------------------------------------------------------------------

class DiffOp(TypedDict):
    """One word-level opcode turning the canonical text into a variant."""

    op: str  # equal | replace | insert | delete
    canonical: str
    variant: str
    start: int | None  # the variant's words in its article; None when the variant has none here
    end: int | None


class QuoteVariantRecord(TypedDict):
    article: str
    source: str
    text: str
    start: int
    end: int
    kind: str  # direct | mixed
    speaker_as_written: str | None
    speaker: str | None
    speaker_span: SpanRecord | None
    pieces: list[SpanRecord]  # an interrupted quotation's pieces
    diff: list[DiffOp]
    flags: list[str]  # wording_drift, excerpt, omission, typography, speaker_mismatch, speaker_unresolved
    canonical: bool


class QuoteGroupRecord(TypedDict):
    canonical: str
    speaker: str | None
    flags: list[str]  # the variants' flags, single_outlet, reprint_only
    articles: list[str]
    variants: list[QuoteVariantRecord]
    id: str  # q1, q2 … most widely carried first


# -- statements -------------------------------------------------------------------------------

class StatementMember(TypedDict):
    article: str
    text: str
    start: int
    end: int


class StatementGroupRecord(TypedDict):
    text: str
    articles: list[str]
    sources: list[str]
    unique: bool  # one outlet alone carries it
    score: float | None  # the weakest link's similarity; None for a statement alone
    members: list[StatementMember]
    id: str  # s1, s2 … biggest first
    independent_sources: int  # reprints of one text count once


# -- numbers ----------------------------------------------------------------------------------

class NumberMention(TypedDict):
    article: str
    text: str
    value: float
    modifier: str | None
    what: str | None
    start: int
    end: int


class NumberRecord(TypedDict):
    kind: str
    what: str | None
    values: list[float]
    articles: list[str]
    conflict: bool
    mentions: list[NumberMention]


# -- names ------------------------------------------------------------------------------------

class NameMention(TypedDict):
    text: str
    start: int
    end: int


class NameRecord(TypedDict):
    name: str  # the consensus spelling
    label: str  # person | org | place | group
    articles: list[str]
    forms: list[str]
    mentions: dict[str, list[NameMention]]  # article id -> its mentions
    variants: list[str]


# -- flags and differences --------------------------------------------------------------------

class FlagRecord(TypedDict):
    """A flag (``f1`` …) or a difference (``d1`` …): one :class:`~newsweave.model.Finding` placed in its article."""

    id: str
    kind: str
    article: str
    source: str
    start: int
    end: int
    text: str  # the flagged words as the article writes them
    score: float
    reason: str
    data: dict[str, Any]  # the evidence: the other outlets' spans and values
    key: NotRequired[str]  # added by newsweave.store.decisions.apply_decisions
    decision: NotRequired[dict[str, Any] | None]  # likewise: the user's verdict in force


def flag_record(finding: Finding, article: Article, number: int, prefix: str = "f") -> FlagRecord:
    """The finding as the story's record ``{prefix}{number}``, with its outlet and flagged text."""
    return {
        "id": f"{prefix}{number}",
        "kind": finding.kind,
        "article": finding.article_id,
        "source": article.source,
        "start": finding.start,
        "end": finding.end,
        "text": article.text[finding.start : finding.end],
        "score": round(float(finding.score), 3),
        "reason": finding.reason,
        "data": finding.data,
    }


class OutletRecord(TypedDict):
    article: str
    source: str
    unique_statements: list[str]  # statement group ids only this outlet carries
    quotes: list[str]
    unique_quotes: list[str]


# -- signals ----------------------------------------------------------------------------------

class DebrisRecord(TypedDict):
    rule: str
    reason: str
    text: str
    start: int
    end: int


class SpanNote(TypedDict):
    start: int
    end: int
    reason: str


class SignalReason(TypedDict):
    signal: str
    count: int
    weight: float
    reason: str
    evidence: list[SpanRecord]


class SignalRecord(TypedDict):
    article: str
    source: str
    debris: list[DebrisRecord]  # removed at ingest
    pronoun_gender: list[SpanNote]
    name_variants: list[SpanNote]
    machine_translation_score: float
    likely_machine_translated_or_spun: bool
    reasons: list[SignalReason]
    style: dict[str, float]


# -- timeline ---------------------------------------------------------------------------------

class TimelineEntry(TypedDict):
    article: str
    source: str
    title: str | None
    published: str | None
    reprint_group: str
    reprint_of: str | None  # the group's original, None for the original itself
    group_size: int


# -- the story --------------------------------------------------------------------------------

class StoryRecord(TypedDict):
    """One compared story.  An aspect added later puts its section after ``timeline``."""

    id: str
    articles: list[ArticleRecord]
    quotes: list[QuoteGroupRecord]
    statements: list[StatementGroupRecord]
    numbers: list[NumberRecord]
    names: list[NameRecord]
    flags: list[FlagRecord]  # suspected errors
    differences: list[FlagRecord]  # information, not errors
    outlets: list[OutletRecord]
    signals: list[SignalRecord]
    timeline: list[TimelineEntry]
    method: dict[str, str]  # aspect name -> how it worked ({"statements": "embed+lexical"})
    timings: dict[str, float]  # seconds per stage
    headline: NotRequired[str | None]  # the stored story's headline, added by the store's callers


def story_fields() -> tuple[str, ...]:
    """The story object's fields in the order the JSON writes them."""
    return tuple(StoryRecord.__annotations__)


def article_record(a: Article) -> ArticleRecord:
    return {
        "id": a.id, "source": a.source, "title": a.title,
        "published": a.published.isoformat() if a.published else None,
        "url": a.url, "byline": a.byline, "language": a.language,
        "status": a.status.value if hasattr(a.status, "value") else str(a.status),
        "versions": int(a.metadata.get("versions") or 1),
        "text": a.text,
    }
