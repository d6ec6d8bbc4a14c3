"""newsweave CLI command: run — the main job (ingest, quotes, stories, compare reports)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from newsweave.cli.app import app, console, err_console, state
from newsweave.cli.stories import STORY_PARAM_HELP, story_params

_EPILOG = """\
[b]Examples[/b]

  newsweave run examples/corpus --out out

  newsweave --db team.db run crawl.warc.gz feeds.jsonl --out reports/

  newsweave run examples/corpus --story-param threshold=0.7   (see: newsweave stories --params)

Writes out/index.html (every story), out/stories/<id>.html and .json (one report per story
of two or more articles) and out/report.json (all stories, the compare JSON contract).
The store is --db / NEWSWEAVE_DB, default out/newsweave.db. Running it again is cheap:
stored articles are not analysed again and only stories that changed are compared again.
"""


@app.command("run", epilog=_EPILOG)
def run_command(
    inputs: list[str] = typer.Argument(..., help="Files, directories, URLs or feeds to read.", metavar="PATH|URL…"),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Folder for the reports."),
    method: str = typer.Option("auto", "--method", help="Statement alignment: auto, embed or lexical."),
    workers: int = typer.Option(0, "--workers", "-j", min=0,
                                help="Analysis processes (one writer stores their results); 0 = one per core."),
    story_param: list[str] = typer.Option([], "--story-param", metavar="NAME=VALUE", help=STORY_PARAM_HELP),
) -> None:
    """Run the whole job: read and clean, extract quotes, group stories, write comparison reports."""
    from newsweave.store import Store
    from newsweave.workflow import run_job

    settings = story_params(story_param)
    db = state.db or str(out / "newsweave.db")
    with Store.open(db) as store:
        result = run_job(inputs, store, out, method=method, workers=workers or None, story_params=settings,
                         progress=lambda message: err_console.print(f"[dim]… {message}[/]", highlight=False))
    summary = result.ingest
    console.print(
        f"read {summary.read} · stored {summary.stored} · already present {summary.already_present} · "
        f"revised {summary.revised} · skipped {len(summary.skipped)} · failed {len(summary.failures)} · "
        f"analysed {result.analysed} · {result.stories_total} stories · "
        f"compared {result.compared} (the others unchanged)", highlight=False)
    for reason, n in summary.skipped_by_reason().most_common():
        console.print(f"  skipped: {escape(reason)} ({n})", highlight=False)
    for failure in summary.failures:
        console.print(f"  [yellow]failed[/] {escape(failure.origin)}: {escape(failure.reason)}", highlight=False)
    table = Table(title="stories compared", show_lines=False, expand=True)
    table.add_column("story", no_wrap=True)
    table.add_column("headline", ratio=1)
    for column in ("articles", "indep. sources", "flags"):
        table.add_column(column, justify="right", no_wrap=True)
    for report in result.reports:
        table.add_row(report.story_id, Text(report.headline or ""), str(report.articles),
                      str(report.independent_sources), str(report.flags))
    console.print(table)
    assert result.index_path is not None  # run_job writes the index last
    console.print(f"wrote {result.index_path.resolve()}  (store: {db}; {result.seconds} s)", highlight=False)
    exit_code = summary.exit_code()
    if exit_code:
        err_console.print("[bold red]run failed:[/] nothing could be read from the given inputs", highlight=False)
        raise typer.Exit(exit_code)
