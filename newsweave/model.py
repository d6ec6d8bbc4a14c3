"""The one data model every stage reads and annotates.

An :class:`Article` owns its clean text; everything found later (paragraphs,
sentences, quotes, entities, findings) is a :class:`Span` — a ``(start, end)``
view into ``Article.text`` — so evidence can always be shown in place.
Plain dataclasses keep the model usable from the CLI, the web app, a notebook
and a Spark job alike (they pickle and turn into dicts without help).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Literal

__all__ = [
    "Article",
    "ArticleStatus",
    "Failure",
    "Finding",
    "Quote",
    "RemovedLine",
    "Skipped",
    "Span",
    "UNKNOWN_OUTLET",
    "article_id_for",
    "outlet_key",
]

#: ``Article.source`` when neither metadata, URL nor text names the outlet.
UNKNOWN_OUTLET = "unknown"


def outlet_key(source: str, article_id: str) -> str:
    """Who published an article, for counting outlets: its source, but every article of an
    unknown outlet counts as its own (two unlabeled files are not one outlet)."""
    return f"{UNKNOWN_OUTLET}:{article_id}" if source == UNKNOWN_OUTLET else source


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Half-open character range ``[start, end)`` into an article's clean text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 0 or self.end < self.start:
            raise ValueError(f"invalid span ({self.start}, {self.end}): need 0 <= start <= end")

    def of(self, text: str) -> str:
        return text[self.start : self.end]

    def __len__(self) -> int:
        return self.end - self.start


class ArticleStatus(str, Enum):  # noqa: UP042 - StrEnum would change what str() and format() print
    """What extraction and cleaning made of an input."""

    OK = "ok"
    BOILERPLATE = "boilerplate"  # nothing but debris once cleaned
    PAYWALL = "paywall"  # a paywall / subscription stub, not the article
    EMPTY = "empty"  # no text at all

    @property
    def is_story_material(self) -> bool:
        """Only real articles take part in grouping and comparison."""
        return self is ArticleStatus.OK


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A piece of debris cleaning took out, kept so nothing is silently lost.

    ``start``/``end`` index the *extracted* text (``Article.extracted_text``),
    i.e. the text before cleaning, because the line no longer exists in the
    clean text.
    """

    text: str
    reason: str  # human-readable: "photo credit '(Name / Agency)'"
    rule: str  # machine-readable rule id: "photo_credit"
    start: int
    end: int


def article_id_for(raw: bytes, origin_key: str = "") -> str:
    """Stable id: a hash of the raw input, so re-ingesting the same bytes is a no-op.

    ``origin_key`` separates byte-identical raw inputs that are nevertheless
    different articles (two outlets serving the very same HTML at two URLs).
    """
    digest = hashlib.sha256()
    digest.update(raw)
    if origin_key:
        digest.update(b"\x00")
        digest.update(origin_key.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:16]


@dataclass(slots=True)
class Article:
    """One news article, from raw input to clean text.

    ``text`` is the clean text every span refers to. ``extracted_text`` is what
    the extractor produced before cleaning; ``raw`` is the input byte for byte.
    """

    id: str
    source: str  # outlet: metadata, else the URL's registered domain, else the file name
    origin: str  # where it was read: path, "path:line", "warc-path#offset", URL
    input_format: str  # "text" | "markdown" | "html" | "jsonl" | "json" | "warc" | "url" | "feed"
    raw: bytes
    text: str = ""
    extracted_text: str = ""
    url: str | None = None
    title: str | None = None
    byline: str | None = None
    published: datetime | None = None  # timezone-aware when known
    language: str | None = None
    external_id: str | None = None  # the input record's own id, when it has one
    extractor: str | None = None  # which extractor produced extracted_text
    status: ArticleStatus = ArticleStatus.OK
    warnings: list[str] = field(default_factory=list)
    paragraphs: list[Span] = field(default_factory=list)
    removed: list[RemovedLine] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    ingested_at: datetime | None = None

    def span_text(self, span: Span) -> str:
        return self.text[span.start : span.end]


@dataclass(frozen=True, slots=True)
class Failure:
    """A record that could not be read; readers yield it and the run goes on."""

    origin: str  # names the record: "feed.jsonl:17", "crawl.warc.gz#10234", a URL
    reason: str  # one line a user can act on


@dataclass(frozen=True, slots=True)
class Skipped(Failure):
    """A record read fine that is not an article (a WARC request, an image, an HTTP 404).

    Reported, never silent: the ingest summary counts skipped records by reason and
    ``--strict`` lists each one. A subclass of :class:`Failure` so code that only knows
    ``Article | Failure`` never takes it for an article; check ``Skipped`` first where
    the two must be told apart.
    """


QuoteKind = Literal["direct", "indirect", "mixed"]
# what the attribution reports: said, written, thought or believed, a noun ("the finding that …"),
# or something that is not reporting at all ("went against", "is challenging")
QuoteAct = Literal["speech", "writing", "thought", "nominal", "other"]
# who the source is: a named or described person, an organisation, a document or decision
# ("the report", "the indictment"), an unnamed group ("critics", "aides"), or nobody it could tell
SpeakerType = Literal["person", "organisation", "document", "group", "unresolved"]
REPORTED_ACTS: frozenset[str] = frozenset({"speech", "writing"})


@dataclass(slots=True)
class Quote:
    """An attributed statement inside one article, with spans into its clean text.

    ``content`` covers the quoted words without the quote marks; an interrupted
    quote ("…," he said, "…") lists its pieces in ``fragments``.
    """

    article_id: str
    kind: QuoteKind
    content: Span
    fragments: list[Span] = field(default_factory=list)
    cue: Span | None = None
    source: Span | None = None  # the speaker as written ("he", "a senior official")
    speaker: str | None = None  # canonical resolved person, None when unresolved
    speaker_description: str | None = None  # role/title kept from the text
    confidence: float = 0.0
    reason: str = ""  # how the speaker was found, or why it could not be
    act: QuoteAct = "speech"
    speaker_type: SpeakerType = "unresolved"

    @property
    def is_reported(self) -> bool:
        """Reported speech or writing: what compare's quote groups and flags use.

        Thoughts and beliefs, nominal reports ("the finding that") and verbs
        that report nothing are kept with the article and shown on request.
        """
        return self.act in REPORTED_ACTS

    @property
    def is_listed(self) -> bool:
        """What ``newsweave quotes`` and ``show`` list by default: reported, by a speaker the text gives.

        A quotation nobody is named or described for cannot be checked by its
        speaker; it still counts in compare (another outlet may name one).
        """
        return self.is_reported and self.speaker_type != "unresolved"

    @property
    def pieces(self) -> list[Span]:
        """The quoted words as spans: its fragments, or the whole content when it is not interrupted."""
        return self.fragments or [self.content]

    def words_in(self, text: str) -> str:
        """The quoted words as they read in ``text``, an interruption shown as " … "."""
        return " … ".join(piece.of(text) for piece in self.pieces)


@dataclass(frozen=True, slots=True)
class Finding:
    """Evidence is data: what was found, where, how sure, and why."""

    kind: str  # "wording_drift", "number_conflict", "pronoun_gender", "name_variant", …
    article_id: str
    start: int
    end: int
    score: float
    reason: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data (how an article's analysis stores it)."""
        return {"kind": self.kind, "article_id": self.article_id, "start": self.start, "end": self.end,
                "score": self.score, "reason": self.reason, "data": self.data}

    @classmethod
    def from_dict(cls, d: dict[str, Any], article_id: str | None = None) -> Finding:
        """The finding :meth:`to_dict` wrote; ``article_id``, when given, names its article (a finding
        read back with the article it belongs to, or stored before it carried its own id)."""
        return cls(d["kind"], d["article_id"] if article_id is None else article_id, d["start"], d["end"],
                   d["score"], d["reason"], d.get("data") or {})
