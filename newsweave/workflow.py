"""Whole-run workflows over a store: the main job and the story sets compare works on.

The CLI, the web app and a notebook call these so none of them strings stages
together on its own: ingest → analysis → stories → compare → reports. The front half
(:func:`ingest_job`: ingest, per-article analysis, story grouping when something changed)
is shared by ``newsweave ingest`` and the main job (:func:`run_job`, ``newsweave run``).

>>> from newsweave.store import Store
>>> with Store.open("out/newsweave.db") as store:                 # doctest: +SKIP
...     result = run_job(["examples/corpus"], store, Path("out"))
>>> result.index_path                                              # doctest: +SKIP
PosixPath('out/index.html')
"""

from __future__ import annotations

import contextlib
import functools
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.errors import InputError
from newsweave.model import Article
from newsweave.pipeline import IngestOptions, IngestSummary, StoredBatch, ingest
from newsweave.store import Store

if TYPE_CHECKING:
    from newsweave.compare.records import StoryRecord
    from newsweave.enrich.analyse import AnalysisPool
    from newsweave.enrich.stage import AnalysisStep
    from newsweave.group.stage import StoryUpdate
    from newsweave.group.stories import StoryParams

__all__ = [
    "IngestRun",
    "JobResult",
    "StaleWork",
    "StoryReport",
    "StorySet",
    "compare_inputs",
    "compare_story",
    "compare_story_sets",
    "finish_ingest",
    "ingest_job",
    "load_story_set",
    "run_job",
    "stale_work",
    "stored_entities",
    "story_sets_for",
]


@dataclass(slots=True)
class StorySet:
    """The articles of one story as compare needs them, with what earlier stages found."""

    story_id: str | None
    articles: list[Article]  # story material only, publication order
    reprint_groups: dict[str, str]  # article id -> reprint group id
    analyses: dict[str, Any]  # article id -> QuoteAnalysis
    entities: dict[str, Any] = field(default_factory=dict)  # article id -> its entities (stored analysis)
    embed_statements: Callable[[list[Any]], Any] | None = None  # stored statement vectors


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
class IngestRun:
    """What :func:`ingest_job` did."""

    summary: IngestSummary
    analysed: int = 0  # articles analysed (new ones and any left stale by an earlier run)
    grouped: StoryUpdate | None = None  # None: grouping did not run (nothing new, or stories off)
    statements_embedded: int = 0  # statements of the stories compare will align, embedded by the workers


@dataclass(slots=True)
class JobResult:
    ingest: IngestSummary
    stories_total: int
    analysed: int = 0  # articles analysed in this run (new ones and any left stale by an earlier run)
    stories_updated: bool = False  # whether grouping ran (nothing new: the stored stories stand)
    statements_embedded: int = 0  # statements of the stories to compare, embedded after grouping
    compared: int = 0  # stories compared in this run; the rest were unchanged and kept their reports
    reports: list[StoryReport] = field(default_factory=list)
    index_path: Path | None = None
    report_path: Path | None = None
    seconds: float = 0.0


@dataclass(slots=True)
class StaleWork:
    """Stored articles a finished run would have processed further (a run was killed part-way)."""

    without_analysis: list[str]  # no analysis (entities, quotes, vectors) by the current analyser
    without_story: list[str]  # story material assigned to no story

    def __bool__(self) -> bool:
        return bool(self.without_analysis or self.without_story)


def stale_work(store: Store) -> StaleWork:
    """What is stale in ``store``: the one rule for resuming a killed run.

    Storing, analysis and story grouping commit separately, so a kill between them
    leaves articles stored without their analysis or story; the next run finds nothing
    new to store and would otherwise leave them so. (Comparisons carry a fingerprint of
    what they were made from, so a story whose comparison is missing or outdated is
    compared again: see :func:`comparison_fingerprint`.)
    """
    from sqlalchemy import select

    from newsweave.enrich.stage import stale_for_this_analyser
    from newsweave.model import ArticleStatus
    from newsweave.store.schema import articles, story_assignments

    assigned = select(story_assignments.c.article_id)
    with store.connect() as conn:
        without_story = conn.execute(
            select(articles.c.id).where(articles.c.status == ArticleStatus.OK.value,
                                        articles.c.id.not_in(assigned)).order_by(articles.c.seq)).scalars()
        without = list(without_story)
    return StaleWork(stale_for_this_analyser(store), without)


def _grouping_due(store: Store, summary: IngestSummary, analysed: int) -> bool:
    """Whether stories must be updated: something new, revised or analysed, or material left without a story."""
    return bool(summary.stored or summary.revised or analysed or stale_work(store).without_story)


def finish_ingest(store: Store, summary: IngestSummary, analysed: int = 0, story_params: StoryParams | None = None,
                  say: Callable[[str], None] | None = None) -> StoryUpdate | None:
    """Group stories after an ingest that stored, revised or analysed something, or that found a
    killed run's articles without a story; returns the ``StoryUpdate``, or None when there was
    nothing to group. ``say`` hears "grouping stories" when grouping starts."""
    from newsweave.group.stage import update_stories

    if not _grouping_due(store, summary, analysed):
        return None
    if say is not None:
        say("grouping stories")
    return update_stories(store, story_params)


def ingest_job(inputs: Iterable[str], store: Store, options: IngestOptions, *, stories: bool = True,
               workers: int | None = None, method: str = "auto", progress: Any = None,
               say: Callable[[str], None] | None = None, story_params: StoryParams | None = None,
               analysis: AnalysisStep | None = None) -> IngestRun:
    """Read, clean and store ``inputs``; with ``stories``, analyse each new article once (``workers``
    processes, one writer; then what an interrupted earlier run left unanalysed), group the stories
    when anything changed (:func:`finish_ingest`), and have the same workers embed the statements of
    the stories compare will align by ``method`` ("lexical": none).

    The one front half of ``newsweave ingest`` and the main job. ``say`` hears "grouping stories"
    when grouping starts; ``story_params`` go to the clusterer (None: the settings in force);
    ``analysis``: an open step whose workers the caller goes on using (else one is opened and closed).
    """
    from newsweave.enrich.analyse import default_workers
    from newsweave.enrich.stage import AnalysisStep

    if not stories:
        return IngestRun(ingest(list(inputs), store, options, progress=progress))
    with contextlib.nullcontext(analysis) if analysis is not None else AnalysisStep(workers or default_workers()) as step:
        summary = ingest(list(inputs), store, replace(options, post_store=[step]), progress=progress)
        step.finish(store)
        grouped = finish_ingest(store, summary, step.analysed, story_params, say=say)
        step.embed_story_statements(store, method)
    return IngestRun(summary, step.analysed, grouped, step.statements_embedded)


def _story_material(articles: Iterable[Article]) -> list[Article]:
    return [a for a in articles if a.status.is_story_material]


def load_story_set(store: Store, story_id: str, detail: Any = None) -> StorySet:
    """One stored story: its articles, reprint groups, quote analyses, entities and statement vectors.

    Everything the per-article analysis stored is read back, not computed again.
    """
    from newsweave.store.stories import story_detail

    detail = detail or story_detail(store, story_id)
    ids = [a.id for a in detail.articles]
    by_id = {a.id: a for a in store.iter_articles(ids=ids, with_raw=False)}
    articles = _story_material(by_id[i] for i in ids if i in by_id)
    groups = {a.id: a.reprint_group or a.id for a in detail.articles}
    return _stored_set(store, detail.summary.id, articles, groups)


def _stored_set(store: Store, story_id: str | None, articles: list[Article], groups: dict[str, str]) -> StorySet:
    from newsweave.enrich.stage import StatementVectors, analyses_for

    return StorySet(story_id, articles, groups, analyses_for(store, articles),
                    stored_entities(store, articles), StatementVectors(store))


def stored_entities(store: Store, articles: Sequence[Article]) -> dict[str, list[Any]]:
    """Compare's entities of each article with a current stored analysis (others are left out: compare runs NER)."""
    from newsweave.compare.names import entities_from_spans
    from newsweave.enrich.analyse import analysis_version
    from newsweave.store.analysis import entity_spans_for

    by_id = {a.id: a for a in articles}
    spans = entity_spans_for(store, list(by_id), analysis_version())
    return {article_id: entities_from_spans(by_id[article_id], found) for article_id, found in spans.items()}


def story_sets_for(store: Store, article_ids: Sequence[str] | None = None, *, by_story: bool = False,
                   min_articles: int = 2) -> list[StorySet]:
    """Story sets over the store (or over ``article_ids``).

    ``by_story=False`` compares the articles as one set, as a user who names
    files expects; ``by_story=True`` groups them into stories first and returns
    each story of at least ``min_articles`` articles.
    """
    from newsweave.group.stage import update_stories
    from newsweave.store.stories import list_stories

    wanted = set(article_ids) if article_ids is not None else None
    if not by_story:
        articles = _story_material(store.iter_articles(ids=list(article_ids) if article_ids is not None else None))
        return [_stored_set(store, None, articles, {})] if articles else []
    update_stories(store)
    sets = []
    for summary in list_stories(store, min_articles=min_articles):
        story = load_story_set(store, summary.id)
        if wanted is not None:
            story.articles = [a for a in story.articles if a.id in wanted]
        if len(story.articles) >= min_articles:
            sets.append(story)
    return sets


def compare_story_sets(sets: Sequence[StorySet], method: str = "auto") -> list[StoryRecord]:
    """Run compare over each story set (the JSON contract's story objects); a bad ``method`` fails before any."""
    from newsweave.compare import compare_articles
    from newsweave.compare.statements import check_method

    check_method(method)
    return [
        compare_articles(s.articles, story_id=s.story_id, analyses=s.analyses,
                         reprint_groups=s.reprint_groups or None, method=method,
                         entities=s.entities, embed_statements=s.embed_statements)
        for s in sets
    ]


def compare_story(store: Store, story_id: str, method: str = "auto") -> StoryRecord:
    """Compare one stored story; ``method`` is checked before its quotes are (re)extracted."""
    from newsweave.compare.statements import check_method

    check_method(method)
    return compare_story_sets([load_story_set(store, story_id)], method=method)[0]


def compare_inputs(inputs: Sequence[str], store: Store | None = None, *, by_story: bool = False,
                   method: str = "auto") -> tuple[IngestSummary, list[StoryRecord]]:
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
                      method: str) -> tuple[IngestSummary, list[StoryRecord]]:
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
            progress: Callable[[str], None] | None = None, ingest_progress: Any = None,
            workers: int | None = None, story_params: StoryParams | None = None) -> JobResult:
    """The main job: ingest ``inputs``, analyse each new article once, group stories, write a report per story.

    Writes ``out_dir/stories/<id>.html`` and ``.json`` for every story of two
    or more articles, ``out_dir/report.json`` (all stories, the compare JSON
    contract) and ``out_dir/index.html`` linking them; each file is replaced atomically,
    so a reader (or a failed re-run) never sees half a report.

    Incremental: articles already stored are not analysed again, grouping runs only when
    there is something new, and a story is compared again only when what its comparison is
    made from changed (its articles, their reprint groups, its headline, the method, the
    analysers or the compare code) or its report files are missing. ``workers`` processes
    (default: the cores) analyse the articles, then compare the stories, and one writer stores
    what they return; ``story_params`` go to the clusterer.
    """
    from newsweave.compare.statements import check_method
    from newsweave.enrich.analyse import default_workers
    from newsweave.enrich.stage import AnalysisStep
    from newsweave.present.report import write_report
    from newsweave.store.stories import list_stories

    check_method(method)
    story_dir = _report_dir(out_dir)
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    say("reading, cleaning, analysing")
    with AnalysisStep(workers or default_workers()) as analysis:
        run = ingest_job(inputs, store, IngestOptions(), method=method, progress=ingest_progress, say=say,
                         story_params=story_params, analysis=analysis)
        result = JobResult(ingest=run.summary, stories_total=0, analysed=run.analysed,
                           stories_updated=run.grouped is not None, statements_embedded=run.statements_embedded)
        summaries = list_stories(store)
        result.stories_total = len(summaries)
        _report_stories(store, [s for s in summaries if s.articles >= 2], story_dir, method, result, say,
                        analysis.pool)
    result.report_path = out_dir / "report.json"
    _write_all_stories(result.report_path, [r.json for r in result.reports])
    result.index_path = out_dir / "index.html"
    write_report(result.index_path, _index_html(result, summaries))
    result.seconds = round(time.perf_counter() - started, 2)
    return result


# --------------------------------------------------------------------------- story reports


@dataclass(frozen=True, slots=True)
class _CompareTask:
    """One story to compare, as a worker receives it (it opens the store by URL; the story's
    members come with it, read once by the writer for the fingerprint)."""

    store_url: str
    detail: Any  # newsweave.store.stories.StoryDetail
    method: str


def _report_stories(store: Store, stories: Sequence[Any], story_dir: Path, method: str, result: JobResult,
                    say: Callable[[str], None], pool: AnalysisPool) -> None:
    """Each story's report files: kept when its stored fingerprint says nothing changed, else compared again.

    The stories to compare go to the analysis workers, which read the store themselves and
    return the comparison rendered; this process writes the files and the stored comparison
    (one writer). See :func:`_compared_stories` for when they are compared here instead.
    """
    from newsweave.present.report import write_report
    from newsweave.store.comparisons import store_comparison, stored_comparison
    from newsweave.store.stories import story_detail

    reports: dict[str, StoryReport | None] = {}
    due: list[tuple[Any, str, Any]] = []
    for story in stories:
        detail = story_detail(store, story.id)
        fingerprint = comparison_fingerprint(detail, method)
        previous = stored_comparison(store, story.id)
        report = _story_report(story, previous.flags if previous else 0, story_dir)
        kept = previous is not None and previous.fingerprint == fingerprint
        reports[story.id] = report if kept and report.html.is_file() and report.json.is_file() else None
        if reports[story.id] is None:
            due.append((story, fingerprint, detail))
    if due:
        say(f"comparing {len(due)} stories")
    for (story, fingerprint, _detail), done in zip(due, _compared_stories(store, [d for _s, _f, d in due], method, pool)):
        if done is None:  # fewer than two story-material articles: nothing to compare
            continue
        compared, html, json_text = done
        report = _story_report(story, len(compared.get("flags", [])), story_dir)
        write_report(report.html, html)
        write_report(report.json, json_text)
        store_comparison(store, story.id, fingerprint, compared)  # the web app reads it too
        result.compared += 1
        reports[story.id] = report
    result.reports.extend(r for r in reports.values() if r is not None)


def _story_report(story: Any, flags: int, story_dir: Path) -> StoryReport:
    return StoryReport(story.id, story.headline, story.articles, story.independent_sources, flags,
                       story_dir / f"{story.id}.html", story_dir / f"{story.id}.json")


def _compared_stories(store: Store, details: Sequence[Any], method: str,
                      pool: AnalysisPool) -> Iterator[tuple[StoryRecord, str, str] | None]:
    """:func:`_compare_and_render` of each story, in order: in the workers when they are running (this
    run analysed something; starting them only to compare would load every model for nothing) and
    can open the store (an in-memory store is this process's)."""
    if not pool.started or len(details) < 2 or store.in_memory:  # one worker never starts the pool
        return (_compare_and_render(store, detail, method) for detail in details)
    url = store.url.render_as_string(hide_password=False)
    return pool.imap(_compare_in_worker, [_CompareTask(url, detail, method) for detail in details])


def _compare_and_render(store: Store, detail: Any, method: str) -> tuple[StoryRecord, str, str] | None:
    """One stored story (its ``StoryDetail``) compared, and its report as HTML and JSON text; None under two articles."""
    from newsweave.present.report import render, render_json

    story_set = load_story_set(store, detail.summary.id, detail)
    if len(story_set.articles) < 2:
        return None
    compared = compare_story_sets([story_set], method=method)[0]
    compared.setdefault("headline", detail.summary.headline)
    document = {"stories": [compared]}
    return compared, render(document, "html"), render_json(document, indent=None)


_WORKER_STORES: dict[str, Store] = {}  # a worker's store, opened at its first story


def _compare_in_worker(task: _CompareTask) -> tuple[StoryRecord, str, str] | None:
    store = _WORKER_STORES.get(task.store_url)
    if store is None:
        store = _WORKER_STORES[task.store_url] = Store.open(task.store_url, migrate_to_head=False)
    return _compare_and_render(store, task.detail, task.method)


def comparison_fingerprint(detail: Any, method: str) -> str:
    """What a story's comparison is made from, hashed: equal fingerprints give equal comparisons.

    Its articles (an id names its first content; ``versions`` counts later edits), their
    reprint groups, the headline, the method, the analyser and the compare/report code.
    """
    import hashlib

    from newsweave.enrich.analyse import analysis_version

    members = sorted((a.id, a.reprint_group or a.id, a.versions) for a in detail.articles)
    inputs = [method, analysis_version(), _compare_code_digest(), detail.summary.headline, members]
    return hashlib.sha256(json.dumps(inputs, ensure_ascii=False).encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def _compare_code_digest() -> str:
    """A digest of the compare and report code, so changing either re-compares every story."""
    import hashlib

    import newsweave.compare
    import newsweave.present

    digest = hashlib.sha256()
    for package in (newsweave.compare, newsweave.present):
        folder = Path(package.__path__[0])
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in {".py", ".html", ".json"}:
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _write_all_stories(path: Path, story_files: Sequence[Path]) -> None:
    """``report.json``: every story's object, copied one file at a time (memory flat in the story count).

    One story a line: written by the C encoder (an indented dump runs the pure-Python one, which
    cost more than comparing a story), and still one object per story for ``grep`` or a line reader.
    """
    from newsweave.present.export import atomic_output

    with atomic_output(path) as out:
        out.write('{"stories": [')
        for n, story_file in enumerate(story_files):
            story = json.loads(story_file.read_text(encoding="utf-8"))["stories"][0]
            out.write(("," if n else "") + "\n" + json.dumps(story, ensure_ascii=False))
        out.write("\n]}\n")


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
