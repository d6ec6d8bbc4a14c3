"""Whole-run workflows over a store: the main job and the story sets compare works on.

The CLI, the web app and a notebook call these so none of them strings stages
together on its own: ingest → quotes → stories → compare → reports.

>>> from newsweave.store import Store
>>> with Store.open("out/newsweave.db") as store:                 # doctest: +SKIP
...     result = run_job(["examples/corpus"], store, Path("out"))
>>> result.index_path                                              # doctest: +SKIP
PosixPath('out/index.html')
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsweave.errors import InputError
from newsweave.model import Article
from newsweave.pipeline import IngestOptions, IngestSummary, StoredBatch, ingest
from newsweave.store import Store

__all__ = [
    "JobResult",
    "StaleWork",
    "StorySet",
    "StoryReport",
    "compare_inputs",
    "compare_story",
    "compare_story_sets",
    "finish_ingest",
    "load_story_set",
    "run_job",
    "stale_work",
    "story_sets_for",
]


@dataclass(slots=True)
class StorySet:
    """The articles of one story as compare needs them, with what earlier stages found."""

    story_id: str | None
    articles: list[Article]  # story material only, publication order
    reprint_groups: dict[str, str]  # article id -> reprint group id
    analyses: dict[str, Any]  # article id -> QuoteAnalysis


@dataclass(slots=True)
class StoryReport:
    story_id: str
    headline: str | None
    articles: int
    independent_sources: int
    flags: int
    html: Path
    json: Path


@dataclass(slots=True)
class JobResult:
    ingest: IngestSummary
    stories_total: int
    reports: list[StoryReport] = field(default_factory=list)
    index_path: Path | None = None
    report_path: Path | None = None
    seconds: float = 0.0


@dataclass(slots=True)
class StaleWork:
    """Stored articles a finished run would have processed further (a run was killed part-way)."""

    without_quotes: list[str]  # no quotes from the current extractor
    without_story: list[str]  # story material assigned to no story

    def __bool__(self) -> bool:
        return bool(self.without_quotes or self.without_story)


def stale_work(store: Store) -> StaleWork:
    """What is stale in ``store``: the one rule for resuming a killed run.

    Storing, quote extraction and story grouping commit separately, so a kill
    between them leaves articles stored without their quotes or story; the next
    run finds nothing new to store and would otherwise leave them so. (Reports
    and comparisons are rewritten from the store on every run, so they are never stale.)
    """
    from sqlalchemy import select

    from newsweave.enrich.quotes import VERSION
    from newsweave.model import ArticleStatus
    from newsweave.store.quotes import PEOPLE_KIND
    from newsweave.store.schema import annotations, articles, story_assignments

    quoted = select(annotations.c.article_id).where(annotations.c.kind == PEOPLE_KIND,
                                                    annotations.c.version == VERSION)
    assigned = select(story_assignments.c.article_id)
    with store.connect() as conn:
        without_quotes = conn.execute(
            select(articles.c.id).where(articles.c.id.not_in(quoted)).order_by(articles.c.seq)).scalars()
        without_story = conn.execute(
            select(articles.c.id).where(articles.c.status == ArticleStatus.OK.value,
                                        articles.c.id.not_in(assigned)).order_by(articles.c.seq)).scalars()
        return StaleWork(list(without_quotes), list(without_story))


def finish_ingest(store: Store, summary: IngestSummary) -> Any:
    """Group stories after an ingest that stored something, or that found a killed run's articles
    without a story; returns the ``StoryUpdate``, or None when there was nothing to group."""
    from newsweave.store.stories import update_stories

    if not summary.stored and not summary.revised and not stale_work(store).without_story:
        return None
    return update_stories(store)


def _story_material(articles: Iterable[Article]) -> list[Article]:
    return [a for a in articles if a.status.is_story_material]


def load_story_set(store: Store, story_id: str) -> StorySet:
    """One stored story: its articles, reprint groups and (cached) quote analyses."""
    from newsweave.store.quotes import analyses_for
    from newsweave.store.stories import story_detail

    detail = story_detail(store, story_id)
    ids = [a.id for a in detail.articles]
    by_id = {a.id: a for a in store.iter_articles(ids=ids)}
    articles = _story_material(by_id[i] for i in ids if i in by_id)
    groups = {a.id: a.reprint_group or a.id for a in detail.articles}
    return StorySet(detail.summary.id, articles, groups, analyses_for(store, articles))


def story_sets_for(store: Store, article_ids: Sequence[str] | None = None, *, by_story: bool = False,
                   min_articles: int = 2) -> list[StorySet]:
    """Story sets over the store (or over ``article_ids``).

    ``by_story=False`` compares the articles as one set, as a user who names
    files expects; ``by_story=True`` groups them into stories first and returns
    each story of at least ``min_articles`` articles.
    """
    from newsweave.store.quotes import analyses_for
    from newsweave.store.stories import list_stories, update_stories

    wanted = set(article_ids) if article_ids is not None else None
    if not by_story:
        articles = _story_material(store.iter_articles(ids=list(article_ids) if article_ids is not None else None))
        return [StorySet(None, articles, {}, analyses_for(store, articles))] if articles else []
    update_stories(store)
    sets = []
    for summary in list_stories(store, min_articles=min_articles):
        story = load_story_set(store, summary.id)
        if wanted is not None:
            story.articles = [a for a in story.articles if a.id in wanted]
        if len(story.articles) >= min_articles:
            sets.append(story)
    return sets


def compare_story_sets(sets: Sequence[StorySet], method: str = "auto") -> list[dict[str, Any]]:
    """Run compare over each story set (the JSON contract's story objects); a bad ``method`` fails before any."""
    from newsweave.compare import compare_articles
    from newsweave.compare.statements import check_method

    check_method(method)
    return [
        compare_articles(s.articles, story_id=s.story_id, analyses=s.analyses,
                         reprint_groups=s.reprint_groups or None, method=method)
        for s in sets
    ]


def compare_story(store: Store, story_id: str, method: str = "auto") -> dict[str, Any]:
    """Compare one stored story; ``method`` is checked before its quotes are (re)extracted."""
    from newsweave.compare.statements import check_method

    check_method(method)
    return compare_story_sets([load_story_set(store, story_id)], method=method)[0]


def compare_inputs(inputs: Sequence[str], store: Store | None = None, *, by_story: bool = False,
                   method: str = "auto") -> tuple[IngestSummary, list[dict[str, Any]]]:
    """Ingest ``inputs`` and compare them: as one set, or (``by_story``) each story of two or more articles.

    Without ``store`` the articles go to a temporary one, so comparing a few
    files leaves nothing behind; with a store, only the articles read from
    ``inputs`` are compared, not everything it already holds. Returns the ingest
    summary (its failures are the records skipped) and the JSON contract's story objects.
    """
    import tempfile

    from newsweave.compare.statements import check_method

    check_method(method)
    if store is None:
        with tempfile.TemporaryDirectory(prefix="newsweave-compare-") as tmp, \
                Store.open(str(Path(tmp) / "compare.db")) as scratch:
            return _compare_ingested(inputs, scratch, by_story=by_story, method=method)
    return _compare_ingested(inputs, store, by_story=by_story, method=method)


def _compare_ingested(inputs: Sequence[str], store: Store, *, by_story: bool,
                      method: str) -> tuple[IngestSummary, list[dict[str, Any]]]:
    """Compare what ``inputs`` gave (new or already stored), never the rest of ``store``."""
    ids: list[str] = []

    def remember(batch: StoredBatch, _store: Store) -> None:
        ids.extend(a.id for a in batch.stored)
        ids.extend(batch.present_ids)

    summary = ingest(list(inputs), store, IngestOptions(post_store=[remember]))
    sets = story_sets_for(store, ids, by_story=by_story)
    return summary, compare_story_sets(sets, method=method)


def _report_dir(out_dir: Path) -> Path:
    """``out_dir/stories``, created before any slow work so a bad output folder fails at once."""
    story_dir = out_dir / "stories"
    try:
        story_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"output folder {str(out_dir)!r}: cannot create the report folder ({e.strerror or e})") from e
    return story_dir


def run_job(inputs: Sequence[str], store: Store, out_dir: Path, *, method: str = "auto",
            progress: Callable[[str], None] | None = None, ingest_progress: Any = None) -> JobResult:
    """The main job: ingest ``inputs``, extract quotes, group stories, write a report per story.

    Writes ``out_dir/stories/<id>.html`` and ``.json`` for every story of two
    or more articles, ``out_dir/report.json`` (all stories, the compare JSON
    contract) and ``out_dir/index.html`` linking them; each file is replaced atomically,
    so a reader (or a failed re-run) never sees half a report.
    """
    from newsweave.compare.statements import check_method
    from newsweave.present.report import render, write_report
    from newsweave.store.quotes import ensure_quotes, quotes_step
    from newsweave.store.stories import list_stories, update_stories

    check_method(method)
    story_dir = _report_dir(out_dir)
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    say("reading, cleaning, extracting quotes")
    summary = ingest(list(inputs), store, IngestOptions(post_store=[quotes_step]), progress=ingest_progress)
    leftover = stale_work(store).without_quotes
    if leftover:  # stored by a run killed before their quotes were extracted
        say(f"extracting quotes of {len(leftover)} articles an earlier run left without")
        ensure_quotes(store, leftover)
    say("grouping stories")
    update_stories(store)
    summaries = list_stories(store)
    result = JobResult(ingest=summary, stories_total=len(summaries))
    all_stories = []
    for story in summaries:
        if story.articles < 2:
            continue
        say(f"comparing story {story.id} ({story.articles} articles)")
        story_set = load_story_set(store, story.id)
        if len(story_set.articles) < 2:
            continue
        compared = compare_story_sets([story_set], method=method)[0]
        compared.setdefault("headline", story.headline)
        document = {"stories": [compared]}
        html_path = story_dir / f"{story.id}.html"
        json_path = story_dir / f"{story.id}.json"
        write_report(html_path, render(document, "html"))
        write_report(json_path, render(document, "json"))
        all_stories.append(compared)
        result.reports.append(StoryReport(story.id, story.headline, story.articles, story.independent_sources,
                                          len(compared.get("flags", [])), html_path, json_path))
    result.report_path = out_dir / "report.json"
    write_report(result.report_path, render({"stories": all_stories}, "json"))
    result.index_path = out_dir / "index.html"
    write_report(result.index_path, _index_html(result, summaries))
    result.seconds = round(time.perf_counter() - started, 2)
    return result


def _index_html(result: JobResult, summaries: Sequence[Any]) -> str:
    """A self-contained page linking every story report (all text escaped)."""
    from html import escape

    reported = {r.story_id: r for r in result.reports}
    rows = []
    for story in summaries:
        report = reported.get(story.id)
        headline = escape(story.headline or "(untitled)")
        link = f'<a href="stories/{escape(story.id)}.html">{headline}</a>' if report else headline
        rows.append(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
                link, story.articles, story.independent_sources, escape(", ".join(story.outlets)),
                escape(story.first_published.isoformat() if story.first_published else ""),
                report.flags if report else "",
            )
        )
    ingest_line = escape(json.dumps({"read": result.ingest.read, "stored": result.ingest.stored,
                                     "already_present": result.ingest.already_present,
                                     "failed": len(result.ingest.failures)}))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>newsweave: stories</title>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        "<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem}"
        "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}"
        "th{background:#f4f4f4}</style></head><body><h1>newsweave: stories</h1>"
        f"<p>ingest: <code>{ingest_line}</code></p>"
        "<table><tr><th>story</th><th>articles</th><th>independent sources</th><th>outlets</th>"
        "<th>first published</th><th>flags</th></tr>" + "".join(rows) + "</table></body></html>"
    )
