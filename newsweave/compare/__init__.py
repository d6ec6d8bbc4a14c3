"""Compare coverage: line up what each outlet says about one story, with evidence.

:func:`compare_articles` takes the articles of one story (or any set) and
returns one story object of the JSON contract (issue 5; typed in :mod:`.records`);
:func:`compare_stories` wraps several as ``{"stories": [...]}``.  The story is prepared once
(:class:`~.aspect.PreparedStory`), then each aspect of :data:`ASPECTS` fills its section
(:class:`~.aspect.Aspect`), one module per aspect:

- :mod:`.quotes` — the same utterance across outlets, canonical text, word diffs, speakers;
- :mod:`.statements` — statements aligned across outlets; each outlet's unique ones;
- :mod:`.numbers` — quantities with what they count; ``number_conflict``;
- :mod:`.names` — people, organisations, places linked across outlets; ``name_variant``;
- :mod:`.signals` — debris, pronoun–gender slips, misspellings, machine-translation signs;
- :mod:`.timeline` — publication order, reprints grouped.

A new aspect: docs/compare.md, "Where changes go → a new compare aspect".

Every finding carries evidence: article id, character spans into the clean
text, a score and a reason.

>>> from newsweave.model import Article
>>> a = Article(id="a", source="one.example", origin="a.txt", input_format="text", raw=b"",
...             text='Officials counted 120 migrants at the bridge on Monday, the agency said.')
>>> b = Article(id="b", source="two.example", origin="b.txt", input_format="text", raw=b"",
...             text='Officials counted 210 migrants at the bridge on Monday, the agency said.')
>>> story = compare_articles([a, b], story_id="demo")
>>> [f["kind"] for f in story["flags"]]
['number_conflict', 'number_conflict']
>>> story["statements"][0]["articles"]
['a', 'b']
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any, cast

from newsweave.compare.aspect import Aspect, PreparedStory
from newsweave.compare.names import Entity, NamesAspect, extract_entities
from newsweave.compare.numbers import NumbersAspect
from newsweave.compare.quotes import QuotesAspect
from newsweave.compare.records import (
    FlagRecord,
    OutletRecord,
    QuoteGroupRecord,
    StatementGroupRecord,
    StoryRecord,
    article_record,
    flag_record,
    story_fields,
)
from newsweave.compare.signals import SignalsAspect, pattern_findings, wording_rate
from newsweave.compare.statements import Statement, StatementsAspect, check_method, statement_quote_spans
from newsweave.compare.timeline import TimelineAspect, originality
from newsweave.compare.timeline import reprint_groups as _reprint_groups
from newsweave.model import Article, Finding

__all__ = ["ASPECTS", "compare_articles", "compare_stories", "quote_analyses", "statement_quote_spans", "FLAG_KINDS",
           "DIFFERENCE_KINDS"]

#: suspected errors: each one a claim a user can act on, with its evidence in ``reason``
FLAG_KINDS = (
    "wording_drift", "speaker_mismatch", "number_conflict", "name_variant", "pronoun_gender", "mt_signal",
)
#: differences between outlets: information, not errors
DIFFERENCE_KINDS = ("quote_excerpt", "quote_omission", "speaker_unresolved")

#: The aspects :func:`compare_articles` runs, in order: each may read the sections of those before it
#: (numbers the statements, signals the quotes and names).  Their flags are numbered in this order too.
ASPECTS: list[Aspect] = [QuotesAspect(), StatementsAspect(), NumbersAspect(), NamesAspect(), SignalsAspect(),
                         TimelineAspect()]


def quote_analyses(articles: list[Article]) -> dict[str, Any]:
    """Quote analysis per article from the quotes stage (for articles the caller has none for)."""
    from newsweave.enrich.quotes import quotes_for_article

    return {article.id: quotes_for_article(article) for article in articles}


def _story_id(articles: list[Article]) -> str:
    digest = hashlib.sha256("\n".join(sorted(a.id for a in articles)).encode()).hexdigest()[:12]
    return f"set-{digest}"


def compare_articles(
    articles: list[Article],
    story_id: str | None = None,
    analyses: dict[str, Any] | None = None,
    reprint_groups: dict[str, str] | None = None,
    method: str = "auto",
    *,
    entities: dict[str, list[Entity]] | None = None,
    embed_statements: Callable[[list[Statement]], Any] | None = None,
) -> StoryRecord:
    """Compare a set of articles as one story; returns the story object of the JSON contract.

    ``analyses`` maps article id to a quote analysis (``.quotes``, ``.people``)
    already computed (from the store); missing ones are computed.  ``reprint_groups`` maps
    article id to reprint group id (from the grouping stage); computed when absent.
    ``method`` picks statement alignment: ``"auto"`` (embeddings when the ``embed`` extra is
    installed), ``"embed"`` or ``"lexical"``. ``entities`` (article id -> its entities, e.g. from
    the stored analysis) and ``embed_statements`` (statements -> unit vectors, e.g. read from the
    store) spare compare a second parse and a second embedding; missing entities are computed.
    """
    check_method(method)  # before sentence splitting and NER
    timings: dict[str, float] = {}
    lap = _stopwatch(timings)
    unique: dict[str, Article] = {}
    for article in articles:
        unique.setdefault(article.id, article)  # the first of each id, in order
    articles = list(unique.values())
    missing = [a for a in articles if a.id not in (entities or {})]
    entities = {**(extract_entities(missing) if missing else {}), **(entities or {})}
    lap("entities")
    analyses = {**quote_analyses([a for a in articles if a.id not in (analyses or {})]), **(analyses or {})}
    lap("quotes_extract")

    story = _prepare(articles, analyses, entities, reprint_groups, method, embed_statements)
    for aspect in ASPECTS:
        story.sections[aspect.name] = aspect.compare(story)
        lap(aspect.name)

    flags = _numbered(articles, [f for s in story.sections.values() for f in s.flags], FLAG_KINDS, "f")
    differences = _numbered(articles, [f for s in story.sections.values() for f in s.differences],
                            DIFFERENCE_KINDS, "d")
    outlets = _outlets(articles, story.sections["quotes"].records, story.sections["statements"].records)
    lap("assemble")
    return _in_contract_order({
        "id": story_id or _story_id(articles),
        "articles": [article_record(a) for a in articles],
        **{name: section.records for name, section in story.sections.items()},
        "flags": flags,
        "differences": differences,
        "outlets": outlets,
        "method": {name: section.method for name, section in story.sections.items() if section.method is not None},
        "timings": timings,
    })


def _prepare(articles: list[Article], analyses: dict[str, Any], entities: dict[str, list[Entity]],
             reprint_groups: dict[str, str] | None, method: str,
             embed_statements: Callable[[list[Statement]], Any] | None) -> PreparedStory:
    """What every aspect reads: signs of machine translation, reprint groups, and which article is the original."""
    patterns = pattern_findings(articles)
    groups = reprint_groups if reprint_groups is not None else _reprint_groups(articles)
    wording = {a.id: wording_rate(a, patterns[a.id]) for a in articles}
    rank = originality(articles, groups, wording)
    return PreparedStory(articles, analyses, entities, patterns, groups, wording, rank, method, embed_statements)


def _in_contract_order(fields: dict[str, Any]) -> StoryRecord:
    """The story's fields in the order of :class:`~.records.StoryRecord`; a section no record lists
    (an aspect added since) goes after the listed sections, before ``method``."""
    order = [name for name in story_fields() if name in fields]
    extra = [name for name in fields if name not in order]
    cut = order.index("method")
    return cast(StoryRecord, {name: fields[name] for name in order[:cut] + extra + order[cut:]})


def _stopwatch(timings: dict[str, float]) -> Callable[[str], None]:
    """``lap(name)`` records in ``timings`` the seconds since the previous lap (the compare JSON's timings)."""
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(now - clock[0], 3)
        clock[0] = now

    return lap


def _numbered(articles: list[Article], findings: list[Finding], kinds: tuple[str, ...],
              prefix: str) -> list[FlagRecord]:
    """Findings of this story's articles as records ``f1``, ``f2`` … ordered by kind, article, position."""
    by_id = {a.id: a for a in articles}
    position = {a.id: n for n, a in enumerate(articles)}
    ordered = sorted((f for f in findings if f.article_id in by_id), key=lambda f: (
        kinds.index(f.kind) if f.kind in kinds else len(kinds), position[f.article_id], f.start))
    return [flag_record(f, by_id[f.article_id], n + 1, prefix=prefix) for n, f in enumerate(ordered)]


def _outlets(articles: list[Article], quote_groups: list[QuoteGroupRecord],
             statement_groups: list[StatementGroupRecord]) -> list[OutletRecord]:
    """What each outlet carries: its unique statements, its quotes and the quotes only it carries."""
    return [{
        "article": article.id, "source": article.source,
        "unique_statements": [g["id"] for g in statement_groups if g["unique"] and article.id in g["articles"]],
        "quotes": [g["id"] for g in quote_groups if article.id in g["articles"]],
        "unique_quotes": [g["id"] for g in quote_groups if "single_outlet" in g["flags"] and article.id in g["articles"]],
    } for article in articles]


def compare_stories(stories: dict[str, list[Article]], **kwargs: Any) -> dict[str, list[StoryRecord]]:
    """``{"stories": [...]}`` for several stories (story id -> its articles)."""
    return {"stories": [compare_articles(arts, story_id=sid, **kwargs) for sid, arts in stories.items()]}
