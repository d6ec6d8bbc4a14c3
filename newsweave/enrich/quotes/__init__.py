"""Quotation extraction and attribution: who said what, with spans into the text.

    >>> from newsweave.enrich.quotes import extract_quotes
    >>> analysis = extract_quotes('“We are ready,” Jane Doe said. “It starts today.”')
    >>> q = analysis.quotes[0]
    >>> q.speaker, [f.of(text) for f in q.fragments]            # doctest: +SKIP
    ('Jane Doe', ['We are ready,', 'It starts today.'])

:func:`extract_quotes` takes a plain string and returns a :class:`QuoteAnalysis`
whose spans index that same string; :func:`quotes_for_article` does the same
for an :class:`~newsweave.model.Article` and fills ``article_id``.
See ``extract.py`` (rules; cue words from ``lexicon.py``), ``tagger.py`` (the
trained role tagger that refines and adds to the rules' attributions),
``drafts.py`` (attributions and quotation marks into quotes), ``people.py``
(names, pronouns, speakers) and ``acts.py`` (what each quote reports, who its
source is, and the confidence).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsweave.enrich.quotes.people import Person, assemble
from newsweave.model import Article, Finding, Quote, Span

__all__ = ["QuoteAnalysis", "Person", "extract_quotes", "extract_quotes_many", "quotes_for_article", "VERSION",
           "quote_to_dict", "quote_from_dict", "with_tagger"]

# bump when the output of the extractor changes (the store recomputes older annotations)
VERSION = "quotes-6"


@dataclass(slots=True)
class QuoteAnalysis:
    """Quotes, people and findings of one text; every span indexes that text."""

    quotes: list[Quote] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def person(self, name: str) -> Person | None:
        """The person with this canonical name (or written variant), if any."""
        for p in self.people:
            if p.name == name or name in p.variants:
                return p
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "quotes": [quote_to_dict(q) for q in self.quotes],
            "people": [p.to_dict() for p in self.people],
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> QuoteAnalysis:
        return cls(
            quotes=[quote_from_dict(q) for q in d.get("quotes", [])],
            people=[Person.from_dict(p) for p in d.get("people", [])],
            findings=[Finding.from_dict(f) for f in d.get("findings", [])],
        )


def _span(s: Span | None) -> list[int] | None:
    return [s.start, s.end] if s is not None else None


def quote_to_dict(q: Quote) -> dict[str, Any]:
    return {
        "article_id": q.article_id,
        "kind": q.kind,
        "content": _span(q.content),
        "fragments": [[f.start, f.end] for f in q.fragments],
        "cue": _span(q.cue),
        "source": _span(q.source),
        "speaker": q.speaker,
        "speaker_description": q.speaker_description,
        "confidence": q.confidence,
        "reason": q.reason,
        "act": q.act,
        "speaker_type": q.speaker_type,
    }


def quote_from_dict(d: dict[str, Any]) -> Quote:
    def sp(v: Any) -> Span | None:
        return Span(int(v[0]), int(v[1])) if v else None

    return Quote(
        article_id=d.get("article_id", ""),
        kind=d["kind"],
        content=sp(d["content"]),  # type: ignore[arg-type]
        fragments=[Span(int(a), int(b)) for a, b in d.get("fragments", [])],
        cue=sp(d.get("cue")),
        source=sp(d.get("source")),
        speaker=d.get("speaker"),
        speaker_description=d.get("speaker_description"),
        confidence=float(d.get("confidence", 0.0)),
        reason=d.get("reason", ""),
        act=d.get("act", "speech"),
        speaker_type=d.get("speaker_type", "unresolved"),
    )


def _nlp():
    from newsweave.nlp import load_english

    # tagger + parser only: names come from proper-noun runs, POS from the fine tags
    return load_english(disable=("lemmatizer", "attribute_ruler", "ner"))


def extract_quotes(text: str, *, nlp: Any = None) -> QuoteAnalysis:
    """Find the quotations of ``text``, who said them, and the people it mentions.

    Returns a :class:`QuoteAnalysis`: ``quotes`` (:class:`~newsweave.model.Quote`,
    kind direct/indirect/mixed, content without quote marks, ``fragments`` for
    interrupted quotes, cue and source spans, the resolved ``speaker``, the
    ``act`` and ``speaker_type`` from ``acts.py`` and a confidence that is the
    chance of reported speech or writing with the right speaker; every act is
    returned, ``Quote.is_reported`` / ``is_listed`` are the default filters),
    ``people`` (:class:`Person`: canonical name, every mention including
    pronouns, partial and misspelt names, titles, pronouns by gender) and
    ``findings`` (``pronoun_gender``, ``speaker_unresolved``, ``name_variant``).
    Every span indexes ``text``; ``article_id`` is ``""``. Never raises on odd
    text (unbalanced quotation marks, no sentences, any Unicode).
    ``nlp`` overrides the spaCy pipeline (default: the small English one).
    """
    from newsweave.enrich.quotes.extract import analyse_structure

    if not isinstance(text, str):
        raise TypeError("extract_quotes needs a str")
    if not text.strip():
        return QuoteAnalysis()
    from newsweave.enrich.quotes.acts import judge_quotes

    parsed = analyse_structure(text, nlp if nlp is not None else _nlp())
    quotes, people, findings = with_tagger(parsed, assemble(parsed, ""))
    judge_quotes(parsed, quotes, people)
    return QuoteAnalysis(quotes=quotes, people=people, findings=findings, stats=dict(parsed.stats))


def with_tagger(
    parsed: Any, rules: tuple[list[Quote], list[Person], list[Finding]], model_path: Path | None = None
) -> tuple[list[Quote], list[Person], list[Finding]]:
    """The tagger's attributions (and the rules' it does not overlap) through the same speaker resolution.

    ``rules`` is ``assemble``'s result on the rules' attributions: the tagger's
    stacked input, and what stands when the tagger cannot run.
    """
    from newsweave.enrich.quotes.tagger import MODEL_PATH, retag

    combined = retag(parsed, rules[0], model_path or MODEL_PATH)
    if combined is None:
        return rules
    try:
        return assemble(dataclasses.replace(parsed, attributions=combined), "")
    except Exception as exc:  # noqa: BLE001 - an attribution shape the rules never make: their result stands
        parsed.stats["tagger_skipped"] = f"{type(exc).__name__}: {exc}"[:200]
        return rules


def quotes_for_article(article: Article, *, nlp: Any = None) -> QuoteAnalysis:
    """:func:`extract_quotes` over ``article.text`` with ``article_id`` filled in."""
    analysis = extract_quotes(article.text or "", nlp=nlp)
    for q in analysis.quotes:
        q.article_id = article.id
    analysis.findings = [
        Finding(f.kind, article.id, f.start, f.end, f.score, f.reason, f.data) for f in analysis.findings
    ]
    return analysis


def _worker_init() -> None:
    _nlp()


def _worker(text: str) -> QuoteAnalysis:
    try:
        return extract_quotes(text)
    except Exception:  # noqa: BLE001 - one bad text must not stop a batch
        return QuoteAnalysis()


def extract_quotes_many(texts, *, processes: int = 1, chunksize: int = 4):
    """:func:`extract_quotes` over many strings, in order; ``processes > 1`` uses that many cores.

    Yields one :class:`QuoteAnalysis` per text. Each worker process loads the
    spaCy pipeline once.
    """
    if processes <= 1:
        nlp = _nlp()
        for text in texts:
            yield extract_quotes(text, nlp=nlp)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    with ctx.Pool(processes, initializer=_worker_init) as pool:
        yield from pool.imap(_worker, texts, chunksize=chunksize)
