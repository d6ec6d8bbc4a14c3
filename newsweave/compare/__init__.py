"""Compare coverage: line up what each outlet says about one story, with evidence.

:func:`compare_articles` takes the articles of one story (or any set) and
returns one story object of the JSON contract (issue 5); :func:`compare_stories`
wraps several as ``{"stories": [...]}``.  One module per aspect:

- :mod:`.quotes` — the same utterance across outlets, canonical text, word diffs, speakers;
- :mod:`.statements` — statements aligned across outlets; each outlet's unique ones;
- :mod:`.numbers` — quantities with what they count; ``number_conflict``;
- :mod:`.names` — people, organisations, places linked across outlets; ``name_variant``;
- :mod:`.signals` — debris, pronoun–gender slips, misspellings, machine-translation signs;
- :mod:`.timeline` — publication order, reprints grouped.

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

import dataclasses
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from newsweave.compare.names import Entity, compare_names, extract_entities
from newsweave.compare.numbers import compare_numbers
from newsweave.compare.quotes import cue_pronouns, group_quotes, quote_items
from newsweave.compare.signals import CueClaim, article_signals, pattern_findings, pronoun_findings, wording_rate
from newsweave.compare.statements import Statement, align_statements, check_method, split_statements
from newsweave.compare.timeline import originality
from newsweave.compare.timeline import reprint_groups as _reprint_groups
from newsweave.compare.timeline import timeline as _timeline
from newsweave.enrich.statements import statement_quote_spans
from newsweave.model import Article, Finding, Span

__all__ = ["compare_articles", "compare_stories", "quote_analyses", "statement_quote_spans", "FLAG_KINDS",
           "DIFFERENCE_KINDS"]

#: suspected errors: each one a claim a user can act on, with its evidence in ``reason``
FLAG_KINDS = (
    "wording_drift", "speaker_mismatch", "number_conflict", "name_variant", "pronoun_gender", "mt_signal",
)
#: differences between outlets: information, not errors
DIFFERENCE_KINDS = ("quote_excerpt", "quote_omission", "speaker_unresolved")


def quote_analyses(articles: list[Article]) -> dict[str, Any]:
    """Quote analysis per article from the quotes stage (for articles the caller has none for)."""
    from newsweave.enrich.quotes import quotes_for_article

    return {article.id: quotes_for_article(article) for article in articles}


def _story_id(articles: list[Article]) -> str:
    digest = hashlib.sha256("\n".join(sorted(a.id for a in articles)).encode()).hexdigest()[:12]
    return f"set-{digest}"


def _flag(f: Finding, article: Article, n: int, prefix: str = "f") -> dict[str, Any]:
    return {
        "id": f"{prefix}{n}",
        "kind": f.kind,
        "article": f.article_id,
        "source": article.source,
        "start": f.start,
        "end": f.end,
        "text": article.text[f.start : f.end],
        "score": round(float(f.score), 3),
        "reason": f.reason,
        "data": f.data,
    }


def compare_articles(
    articles: list[Article],
    story_id: str | None = None,
    analyses: dict[str, Any] | None = None,
    reprint_groups: dict[str, str] | None = None,
    method: str = "auto",
    *,
    entities: dict[str, list[Entity]] | None = None,
    embed_statements: Callable[[list[Statement]], Any] | None = None,
) -> dict[str, Any]:
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
    seen: set[str] = set()
    articles = [a for a in articles if not (a.id in seen or seen.add(a.id))]
    missing = [a for a in articles if a.id not in (entities or {})]
    entities = {**(extract_entities(missing) if missing else {}), **(entities or {})}
    lap("entities")
    analyses = {**quote_analyses([a for a in articles if a.id not in (analyses or {})]), **(analyses or {})}
    lap("quotes_extract")

    patterns = pattern_findings(articles)
    groups = reprint_groups if reprint_groups is not None else _reprint_groups(articles)
    wording = {a.id: wording_rate(a, patterns[a.id]) for a in articles}
    rank = originality(articles, groups, wording)
    quote_groups, quote_flags, differences, quote_spans = _group_quotes(articles, analyses, rank, groups, wording)
    lap("quotes_group")

    statements = [s for article in articles for s in split_statements(article, quote_spans[article.id])]
    statement_groups, statement_spans, method_used = align_statements(articles, statements, method=method,
                                                                      embed=embed_statements)
    lap("statements")

    numbers, number_findings = compare_numbers(articles, statement_spans)
    lap("numbers")
    names, name_findings = compare_names(articles, entities)
    lap("names")
    pronoun_flags = _pronoun_flags(articles, analyses, quote_groups, entities)
    signals, signal_findings = article_signals(articles, pronoun_flags, name_findings, patterns)
    lap("signals")
    order = _timeline(articles, groups, rank)
    _count_independent_sources(quote_groups, statement_groups, groups)
    lap("timeline")

    flags = _numbered(articles, quote_flags + number_findings + name_findings + pronoun_flags + signal_findings,
                      FLAG_KINDS, "f")
    difference_records = _numbered(articles, differences, DIFFERENCE_KINDS, "d")
    outlets = _outlets(articles, quote_groups, statement_groups)
    lap("assemble")
    return {
        "id": story_id or _story_id(articles),
        "articles": [_article_record(a) for a in articles],
        "quotes": quote_groups,
        "statements": statement_groups,
        "numbers": numbers,
        "names": names,
        "flags": flags,
        "differences": difference_records,
        "outlets": outlets,
        "signals": signals,
        "timeline": order,
        "method": {"statements": method_used},
        "timings": timings,
    }


def _stopwatch(timings: dict[str, float]) -> Callable[[str], None]:
    """``lap(name)`` records in ``timings`` the seconds since the previous lap (the compare JSON's timings)."""
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        timings[name] = round(now - clock[0], 3)
        clock[0] = now

    return lap


def _group_quotes(articles: list[Article], analyses: dict[str, Any], rank: Any, groups: dict[str, str],
                  wording: dict[str, float]) -> tuple[list[dict[str, Any]], list[Finding], list[Finding],
                                                      dict[str, list[tuple[int, int]]]]:
    """Quote groups over the reported speech and writing of every article, and the quoted spans that
    statements leave out."""
    items = []
    quote_spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for article in articles:
        quotes = [q if q.article_id == article.id else dataclasses.replace(q, article_id=article.id)
                  for q in analyses[article.id].quotes]
        quote_spans[article.id] = statement_quote_spans(article, analyses[article.id])
        items.extend(quote_items(article, [q for q in quotes if q.is_reported]))  # reported speech and writing
    quote_groups, quote_flags, differences = group_quotes(articles, items, rank=rank, copies=groups, wording=wording)
    return quote_groups, quote_flags, differences, quote_spans


def _pronoun_flags(articles: list[Article], analyses: dict[str, Any], quote_groups: list[dict[str, Any]],
                   entities: dict[str, list[Entity]]) -> list[Finding]:
    """Wrong-gender pronouns for speakers: the cues' pronouns judged against the people NER found."""
    cues = [CueClaim(aid, Span(*span), person) for aid, span, person in cue_pronouns(quote_groups)]
    named = {aid: [(e.start, e.core.split()[-1].lower()) for e in ents if e.label == "person" and e.core.split()]
             for aid, ents in entities.items()}
    return pronoun_findings(articles, analyses, cues, named)


def _count_independent_sources(quote_groups: list[dict[str, Any]], statement_groups: list[dict[str, Any]],
                               groups: dict[str, str]) -> None:
    """Copies of one text are one independent source: mark quotes carried only by copies, count sources."""
    for g in quote_groups:
        if len(g["articles"]) > 1 and len({groups.get(a, a) for a in g["articles"]}) == 1:
            g["flags"] = sorted(set(g["flags"]) | {"reprint_only"})
    for g in statement_groups:
        g["independent_sources"] = len({groups.get(a, a) for a in g["articles"]})


def _numbered(articles: list[Article], findings: list[Finding], kinds: tuple[str, ...],
              prefix: str) -> list[dict[str, Any]]:
    """Findings of this story's articles as records ``f1``, ``f2`` … ordered by kind, article, position."""
    by_id = {a.id: a for a in articles}
    position = {a.id: n for n, a in enumerate(articles)}
    ordered = sorted((f for f in findings if f.article_id in by_id), key=lambda f: (
        kinds.index(f.kind) if f.kind in kinds else len(kinds), position[f.article_id], f.start))
    return [_flag(f, by_id[f.article_id], n + 1, prefix=prefix) for n, f in enumerate(ordered)]


def _outlets(articles: list[Article], quote_groups: list[dict[str, Any]],
             statement_groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What each outlet carries: its unique statements, its quotes and the quotes only it carries."""
    return [{
        "article": article.id, "source": article.source,
        "unique_statements": [g["id"] for g in statement_groups if g["unique"] and article.id in g["articles"]],
        "quotes": [g["id"] for g in quote_groups if article.id in g["articles"]],
        "unique_quotes": [g["id"] for g in quote_groups if "single_outlet" in g["flags"] and article.id in g["articles"]],
    } for article in articles]


def _article_record(a: Article) -> dict[str, Any]:
    return {
        "id": a.id, "source": a.source, "title": a.title,
        "published": a.published.isoformat() if a.published else None,
        "url": a.url, "byline": a.byline, "language": a.language,
        "status": a.status.value if hasattr(a.status, "value") else str(a.status),
        # >1: the outlet edited the article after it was first read; ``text`` is the latest version
        "versions": int(a.metadata.get("versions") or 1),
        "text": a.text,
    }


def compare_stories(stories: dict[str, list[Article]], **kwargs: Any) -> dict[str, Any]:
    """``{"stories": [...]}`` for several stories (story id -> its articles)."""
    return {"stories": [compare_articles(arts, story_id=sid, **kwargs) for sid, arts in stories.items()]}
