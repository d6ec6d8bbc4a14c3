"""newsweave CLI commands: ingest, articles, show, export.

Thin: parse options, call :mod:`newsweave.pipeline`, :mod:`newsweave.store`
and :mod:`newsweave.present.export`, render with rich.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from newsweave.cli.app import app, console, err_console, state
from newsweave.cli.stories import STORY_PARAM_HELP, story_params
from newsweave.errors import InputError
from newsweave.model import Article, ArticleStatus, Quote
from newsweave.store import DEFAULT_BATCH_SIZE, Store

__all__ = ["ingest_command", "articles_command", "show_command", "export_command", "parse_when"]

_STATUSES = ", ".join(s.value for s in ArticleStatus)


def parse_when(value: str | None, *, option: str, end: bool = False) -> datetime | None:
    """``2024-05-01`` or an ISO timestamp → aware datetime (UTC when no offset is given).

    A bare date given as an end (``--until``) covers that whole day.
    """
    if value is None or not value.strip():
        return None
    raw = value.strip()
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            moment = datetime.combine(day, time(0), tzinfo=timezone.utc)
            return moment + timedelta(days=1) if end else moment
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as e:
        raise InputError(f"{option} {value!r} is not a date: use YYYY-MM-DD or an ISO timestamp") from e
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


# --------------------------------------------------------------------------- ingest

_INGEST_EPILOG = """\
[b]Examples[/b]

  newsweave ingest examples/corpus

  newsweave --db out/news.db ingest crawl.warc.gz feeds.jsonl https://example.org/feed.xml

  newsweave --db postgresql://me@localhost/news ingest articles/ --batch-size 500 --strict

Running the same command again stores nothing new; after an interrupted run it finishes the job without duplicates.
"""


@app.command("ingest", epilog=_INGEST_EPILOG)
def ingest_command(
    inputs: list[str] = typer.Argument(..., metavar="PATH|URL...", help="Files, folders, URLs or feed URLs."),
    strict: bool = typer.Option(False, "--strict",
                                help="Exit non-zero when any record failed; list every skipped record."),
    batch_size: int = typer.Option(
        DEFAULT_BATCH_SIZE, "--batch-size", min=1, help="Articles per database transaction."
    ),
    stories: bool = typer.Option(
        True, "--stories/--no-stories",
        help="Analyse the new articles (entities, quotes, vectors: once, stored) and assign them to stories.",
    ),
    workers: int = typer.Option(0, "--workers", "-j", min=0,
                                help="Analysis processes (one writer stores their results); 0 = one per core."),
    fields: list[str] = typer.Option(
        [], "--field", metavar="FIELD=KEY",
        help="JSON/JSONL: read article FIELD (text, title, source, url, published, byline, id, html) from record KEY "
             "(dotted for nested keys); repeatable.",
    ),
    timeout: float = typer.Option(10.0, "--timeout", help="HTTP: seconds each wait (connect, a read) may take."),
    deadline: float = typer.Option(60.0, "--deadline", help="HTTP: seconds one URL may take in all."),
    max_bytes: int = typer.Option(10 * 1024 * 1024, "--max-bytes", help="HTTP: largest response body read."),
    max_record_bytes: int = typer.Option(
        50 * 1024 * 1024, "--max-record-bytes",
        help="Largest local file, and largest record once decompressed (JSONL line, WARC record); larger is skipped.",
    ),
    robots: bool = typer.Option(True, "--robots/--ignore-robots", help="HTTP: respect robots.txt."),
    outlet_from_filename: bool = typer.Option(
        False, "--outlet-from-filename",
        help="Local files with no outlet in their metadata or text: use the file name as the outlet "
             "(default: the outlet is 'unknown')."),
    story_param: list[str] = typer.Option([], "--story-param", metavar="NAME=VALUE", help=STORY_PARAM_HELP),
) -> None:
    """Read, clean and store articles from files, folders, WARCs, JSON Lines, URLs and feeds.

    Prints a summary: read / stored / already present / skipped / failed (each failure with its reason; skipped records — not articles, such as WARC request records or images — counted by reason, each listed with --strict). Exits non-zero only when nothing could be read, or with --strict when any record failed.
    """
    from newsweave.pipeline import IngestOptions
    from newsweave.workflow import ingest_job

    read_options = _read_options(fields, timeout=timeout, deadline=deadline, max_bytes=max_bytes,
                                 max_file_bytes=max_record_bytes, respect_robots=robots,
                                 outlet_from_filename=outlet_from_filename)
    options = IngestOptions(batch_size=batch_size, read_options=read_options)
    settings = story_params(story_param) if stories else None
    with Store.open(state.db) as store:
        progress, update = _ingest_progress()
        grouping = err_console.status("grouping stories…")

        def grouping_starts(_message: str) -> None:  # the progress line gives way to a spinner
            progress.stop()
            grouping.start()

        try:
            with progress:
                run = ingest_job(inputs, store, options, stories=stories, workers=workers or None, progress=update,
                                 say=grouping_starts, story_params=settings)
        finally:
            grouping.stop()
    summary, grouped = run.summary, run.grouped
    _print_summary(summary, store, strict=strict)
    if grouped is not None:
        console.print(f"stories: {grouped.stories} over {grouped.articles} articles "
                      f"({grouped.reprinted_articles} reprints); list them with: newsweave stories", highlight=False)
    code = summary.exit_code(strict)
    if code:
        reason = "nothing could be read" if summary.read == 0 else f"{summary.failed} record(s) failed (--strict)"
        err_console.print(f"[bold red]ingest failed:[/] {reason}", highlight=False)
    raise typer.Exit(code)


def _ingest_progress() -> tuple[Progress, Callable[[Any], None]]:
    """A transient progress line for ingest and the callback that feeds it from the running summary."""
    progress = Progress(SpinnerColumn(), TextColumn("[bold]ingest[/]"), BarColumn(bar_width=None),
                        TextColumn("{task.fields[line]}"), TimeElapsedColumn(), console=err_console, transient=True)
    task = progress.add_task("ingest", total=None, line="starting…")

    def update(summary) -> None:
        rate = summary.read / summary.elapsed if summary.elapsed > 0 else 0.0
        progress.update(task, line=(f"read {summary.read}  stored {summary.stored}  present {summary.already_present}"
                                    f"  failed {summary.failed}  ({rate:,.0f}/s)"))

    return progress, update


def _read_options(fields: list[str], **settings):
    from newsweave.read import ReadOptions
    from newsweave.read.jsonl import parse_field_map

    mapping = parse_field_map(fields)
    try:
        return ReadOptions(field_map=mapping, **settings)
    except (TypeError, ValueError) as e:
        raise InputError(f"invalid reader option: {e}") from e


def _print_summary(summary, store: Store, *, strict: bool = False) -> None:
    table = Table(title="ingest summary", show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("n", justify="right")
    table.add_row("read", str(summary.read))
    table.add_row("stored", str(summary.stored))
    for status, n in sorted(summary.flagged.items()):
        table.add_row(f"  of which {status} (kept, not story material)", str(n))
    table.add_row("already present", str(summary.already_present))
    table.add_row("revised (new version of a stored article)", str(summary.revised))
    table.add_row("skipped (not articles)", str(len(summary.skipped)))
    table.add_row("failed", str(summary.failed), style="red" if summary.failed else None)
    rate = summary.read / summary.elapsed if summary.elapsed > 0 else 0.0
    table.add_row("time", f"{summary.elapsed:.1f} s ({rate:,.0f} articles/s)")
    console.print(table)
    if summary.failures:
        failures = Table(title=f"failures ({summary.failed})", title_justify="left")
        failures.add_column("record", overflow="fold")
        failures.add_column("reason", overflow="fold")
        for failure in summary.failures:
            failures.add_row(Text(failure.origin), Text(failure.reason))
        console.print(failures)
    if strict:
        for skipped in summary.skipped:
            console.print(Text(f"skipped: {skipped.origin}: {skipped.reason}"))
    else:
        for reason, n in summary.skipped_by_reason().most_common():
            console.print(Text(f"skipped: {reason} ({n} record{'s' if n != 1 else ''})"))
    console.print(Text(f"database: {store.display_url}"))


# --------------------------------------------------------------------------- articles

_ARTICLES_EPILOG = f"""\
[b]Examples[/b]

  newsweave articles

  newsweave articles --source harborgazette.example --since 2024-05-01 --until 2024-05-31

  newsweave articles --status paywall --limit 0

Statuses: {_STATUSES}. --until with a bare date includes that day.
"""


@app.command("articles", epilog=_ARTICLES_EPILOG)
def articles_command(
    source: list[str] = typer.Option(None, "--source", "-s", help="Only this outlet (repeatable)."),
    since: str = typer.Option(None, "--since", help="Published on/after (YYYY-MM-DD or ISO time)."),
    until: str = typer.Option(None, "--until", help="Published before the end of this day / this time."),
    status: list[str] = typer.Option(None, "--status", help=f"Only this status (repeatable): {_STATUSES}."),
    limit: int = typer.Option(50, "--limit", "-n", min=0, help="Rows to show; 0 shows all."),
) -> None:
    """List stored articles in ingest order, filtered by outlet, date and status."""
    since_at = parse_when(since, option="--since")
    until_at = parse_when(until, option="--until", end=True)
    with Store.open(state.db) as store:
        total = store.count_articles(source=source or None, since=since_at, until=until_at, status=status or None)
        wide = console.width >= 110
        columns = ["id", "source", "published", "status"] + (["lang"] if wide else []) + ["title"]
        table = Table(title=f"articles ({total})", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        for name in columns:
            table.add_column(name, no_wrap=True)
        # one line per article: cut sources and titles to what the terminal has left
        fixed = 16 + 18 + (16 if wide else 10) + 7 + (4 if wide else 0) + 3 * len(columns)
        title_width = max(16, console.width - fixed)
        shown = 0
        for article in store.iter_articles(
            source=source or None, since=since_at, until=until_at, status=status or None,
            with_raw=False, limit=limit or None,
        ):
            published = ""
            if article.published:
                published = article.published.strftime("%Y-%m-%d %H:%M" if wide else "%Y-%m-%d")
            cells: list[str | Text] = [article.id, _cut(article.source, 18), published, _status_text(article.status)]
            if wide:
                cells.append(article.language or "")
            cells.append(_cut(article.title or _first_line(article.text), title_width))
            table.add_row(*cells)
            shown += 1
    console.print(table)
    if shown < total:
        console.print(f"{total - shown} more; use --limit 0 to list all", style="dim")


def _cut(value: str, width: int) -> Text:
    value = " ".join(value.split())
    return Text(value if len(value) <= width else value[: width - 1] + "…")


def _status_text(status: ArticleStatus) -> Text:
    value = status.value if isinstance(status, ArticleStatus) else str(status)
    return Text(value, style="green" if value == "ok" else "yellow")


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:120]


# --------------------------------------------------------------------------- show

_SHOW_EPILOG = """\
[b]Examples[/b]

  newsweave show 3f9a2c41d07b5e86

  newsweave show 3f9a            (any unique prefix of the id)

  newsweave show 3f9a --versions (every version, with what changed sentence by sentence)
"""


@app.command("show", epilog=_SHOW_EPILOG)
def show_command(
    article_id: str = typer.Argument(..., metavar="ID", help="Article id or a unique prefix of it."),
    versions: bool = typer.Option(False, "--versions",
                                  help="Show every version of an updated article and its sentence diff."),
    every_act: bool = typer.Option(
        False, "--every-act",
        help="Also show thoughts and beliefs, nominal reports, non-reports and quotes with no speaker found.",
    ),
) -> None:
    """Show one article: metadata, clean text with paragraph numbers, removed debris, quotes."""
    from newsweave.enrich.stage import ensure_quotes
    from newsweave.store.quotes import quotes_of
    from newsweave.store.stories import story_of_article
    from newsweave.store.versions import versions_of

    with Store.open(state.db) as store:
        article = store.get_article(article_id)
        story, group = story_of_article(store, article.id)
        ensure_quotes(store, [article.id])
        stored = quotes_of(store, article.id)
        history = versions_of(store, article.id) if versions else []
    quotes = [q for q in stored if every_act or q.is_listed]
    _show_metadata(article, story, group)
    if versions:
        _show_versions(article, history)
        return
    _show_text(article, quotes)
    _show_removed(article)
    if quotes:
        _show_quotes(article, quotes)
    if len(stored) > len(quotes):
        console.print(Text(f"{len(stored) - len(quotes)} more attribution(s) that are not reported speech or "
                           "writing by a found speaker: --every-act shows them", style="dim"))


def _show_metadata(article: Article, story: str | None, group: str | None) -> None:
    meta = Table(show_header=False, box=None, title=Text(article.title or "(untitled)", style="bold"),
                 title_justify="left")
    meta.add_column("field", style="bold cyan", no_wrap=True)
    meta.add_column("value", overflow="fold")
    rows = [
        ("id", article.id),
        ("source", article.source),
        ("url", article.url),
        ("byline", article.byline),
        ("published", article.published.isoformat() if article.published else None),
        ("language", article.language),
        ("status", article.status.value if isinstance(article.status, ArticleStatus) else str(article.status)),
        ("external id", article.external_id),
        ("read from", f"{article.origin} ({article.input_format}"
                      + (f", extractor {article.extractor})" if article.extractor else ")")),
        ("raw input", f"{len(article.raw):,} bytes"),
        ("story", story),
        ("reprint group", group),
        ("ingested", article.ingested_at.isoformat(timespec="seconds") if article.ingested_at else None),
        ("updated", f"{article.metadata['versions']} versions, latest {article.metadata.get('updated_at', '')[:19]}"
                    " (newsweave show ID --versions)" if article.metadata.get("versions") else None),
    ]
    for name, value in rows:
        if value:
            meta.add_row(name, Text(str(value)))
    for warning in article.warnings:
        meta.add_row("warning", Text(warning, style="yellow"))
    console.print(meta)


_CHANGE_STYLES = {"added": "green", "deleted": "red", "edited": "yellow"}


def _show_versions(article: Article, history: list) -> None:
    """Each version with its fetch time, then the sentences added / deleted / edited."""
    from newsweave.compare.revisions import TextDiff

    console.print()
    if not history:
        console.print("one version: this article was never read again with different text")
        return
    for previous, version in zip([None, *history], history):
        fetched = version.fetched_at.isoformat(timespec="seconds") if version.fetched_at else "unknown"
        console.rule(f"version {version.version} · fetched {fetched} · read as {version.content_id}")
        if previous is None or version.diff is None:
            console.print(Text(f"{len(version.text):,} characters (first version)"), highlight=False)
            continue
        diff = TextDiff.from_dict(version.diff)
        counts = diff.counts()
        console.print(f"{counts['added']} added · {counts['deleted']} deleted · {counts['edited']} edited · "
                      f"{counts['quotes_changed']} with changed quotes · {counts['unchanged']} unchanged",
                      highlight=False)
        for change in diff.changes:
            mark = " [quote changed]" if change.quote_changed else ""
            if change.old is not None:
                console.print(Text(f"  - {change.old.of(previous.text)}", style=_CHANGE_STYLES[change.kind]))
            if change.new is not None:
                console.print(Text(f"  + {change.new.of(version.text)}{mark}", style=_CHANGE_STYLES[change.kind]))
            console.print(Text(f"    ({change.kind}{mark})", style="dim"))


_QUOTE_STYLES = {"content": "italic green", "source": "bold cyan", "cue": "magenta"}


def _show_text(article: Article, quotes: list[Quote]) -> None:
    """The clean text by paragraph, with each quote's words, speaker and cue marked in place."""
    console.print()
    console.rule(f"clean text ({len(article.paragraphs)} paragraphs, {len(article.text):,} characters)")
    marked = Text(article.text)
    for quote in quotes:
        for piece in quote.pieces:
            marked.stylize(_QUOTE_STYLES["content"], piece.start, piece.end)
        if quote.source is not None:
            marked.stylize(_QUOTE_STYLES["source"], quote.source.start, quote.source.end)
        if quote.cue is not None:
            marked.stylize(_QUOTE_STYLES["cue"], quote.cue.start, quote.cue.end)
    if quotes:
        console.print(Text.assemble("marked: ", ("quoted words", _QUOTE_STYLES["content"]), " · ",
                                    ("speaker as written", _QUOTE_STYLES["source"]), " · ",
                                    ("cue", _QUOTE_STYLES["cue"]), style="dim"))
    if not article.paragraphs:
        console.print(marked if article.text else Text("(no text)"))
        return
    width = len(str(len(article.paragraphs)))
    for number, span in enumerate(article.paragraphs, start=1):
        line = Text.assemble((f"[{number:>{width}}] ", "dim"), marked[span.start : span.end])
        console.print(line)


def _show_removed(article: Article) -> None:
    console.print()
    if not article.removed:
        console.rule("removed debris: none")
        return
    console.rule(f"removed debris ({len(article.removed)})")
    table = Table(show_lines=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("rule", no_wrap=True)
    table.add_column("reason", overflow="fold")
    table.add_column("removed text", overflow="fold")
    for number, line in enumerate(article.removed, start=1):
        table.add_row(str(number), Text(line.rule), Text(line.reason), Text(line.text, style="red"))
    console.print(table)


def _show_quotes(article: Article, quotes: list[Quote]) -> None:
    console.print()
    console.rule(f"quotes ({len(quotes)})")
    table = Table()
    table.add_column("#", justify="right", style="dim")
    table.add_column("speaker", overflow="fold")
    table.add_column("kind", no_wrap=True)
    table.add_column("act / source", no_wrap=True)
    table.add_column("spans: words · cue · speaker", no_wrap=True, style="dim")
    table.add_column("quote", overflow="fold")
    table.add_column("conf.", justify="right")
    for number, quote in enumerate(quotes, start=1):
        speaker = quote.speaker or (
            article.span_text(quote.source) + " (as written)" if quote.source is not None else "(unattributed)"
        )
        if quote.speaker_description:
            speaker += f", {quote.speaker_description}"
        spans = " · ".join(f"{s.start}–{s.end}" if s is not None else "–"
                           for s in (quote.content, quote.cue, quote.source))
        table.add_row(str(number), Text(speaker), quote.kind, f"{quote.act} / {quote.speaker_type}", spans,
                      Text(quote.words_in(article.text)), f"{quote.confidence:.2f}")
    console.print(table)


# --------------------------------------------------------------------------- export

_EXPORT_EPILOG = """\
[b]Examples[/b]

  newsweave export --format jsonl > articles.jsonl

  newsweave export --format csv --no-text --out out/articles.csv

  newsweave export --format parquet --out out/articles.parquet --source harborgazette.example

Columns: id, seq, external_id, source, url, title, byline, published, language, status, input_format, origin, extractor, story_id, reprint_group, warnings, metadata, ingested_at, and with --text (the default) text and paragraphs (\\[start, end] offsets into text).
"""


@app.command("export", epilog=_EXPORT_EPILOG)
def export_command(
    fmt: str = typer.Option(..., "--format", "-f", help="jsonl, csv or parquet."),
    out: Path = typer.Option(None, "--out", "-o", help="File to write (default: stdout; parquet needs a file)."),
    text: bool = typer.Option(True, "--text/--no-text", help="Include the clean text and paragraph offsets."),
    source: list[str] = typer.Option(None, "--source", "-s", help="Only this outlet (repeatable)."),
    since: str = typer.Option(None, "--since", help="Published on/after (YYYY-MM-DD or ISO time)."),
    until: str = typer.Option(None, "--until", help="Published before the end of this day / this time."),
    status: list[str] = typer.Option(None, "--status", help=f"Only this status (repeatable): {_STATUSES}."),
) -> None:
    """Export stored articles (streaming, every row) as JSON Lines, CSV or Parquet."""
    from newsweave.present.export import FORMATS, export_articles, export_to_path

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise InputError(f"unknown --format {fmt!r}: choose from {', '.join(FORMATS)}")
    if fmt == "parquet" and out is None:
        raise InputError("--format parquet needs --out FILE (Parquet is not written to a terminal)")
    filters = {
        "source": source or None,
        "since": parse_when(since, option="--since"),
        "until": parse_when(until, option="--until", end=True),
        "status": status or None,
    }
    with Store.open(state.db) as store:
        if out is not None:
            n = export_to_path(store, fmt, out, text=text, **filters)
            err_console.print(Text(f"exported {n} articles to {out}"))
        else:
            export_articles(store, fmt, sys.stdout, text=text, **filters)
