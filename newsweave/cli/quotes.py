"""newsweave CLI commands: ``quotes`` (list who said what) and ``bench quotes``.

Quotes are extracted on demand (:func:`newsweave.enrich.stage.ensure_quotes`):
articles whose quotes were never extracted, or were extracted by an older
extractor version, are processed first.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from newsweave.cli.app import app, bench_app, console, err_console, state
from newsweave.errors import InputError

__all__ = ["quotes_command", "bench_quotes_command"]

_QUOTES_EPILOG = """\
[b]Examples[/b]

  newsweave quotes

  newsweave quotes --speaker harris --format json

  newsweave quotes --story 3f2a9c --format csv > quotes.csv

  newsweave quotes --every-act --format json     (thoughts, nominal reports, no speaker too)
"""


@app.command("quotes", epilog=_QUOTES_EPILOG)
def quotes_command(
    speaker: str = typer.Option(None, "--speaker", help="Only quotes whose speaker (resolved or as written) contains NAME.", metavar="NAME"),
    story: str = typer.Option(None, "--story", help="Only quotes of the articles of this story.", metavar="ID"),
    fmt: str = typer.Option("table", "--format", "-f", help="table | json | csv"),
    min_confidence: float = typer.Option(
        0.0, "--min-confidence", min=0.0, max=1.0,
        help="Only quotes at least this confident (0–1): the chance that it is reported speech or writing with the right speaker.",
    ),
    every_act: bool = typer.Option(
        False, "--every-act",
        help="Also list thoughts and beliefs, nominal reports ('the finding that'), non-reports and quotes with no speaker found.",
    ),
) -> None:
    """List quotations with their speakers: who said what, in which article.

    By default only reported speech and writing by a speaker the text names or describes. Each quote shows the resolved speaker (canonical name) and the speaker as written ("he", "a senior official"), its kind (direct / indirect / mixed), its act (speech / writing, with --every-act also thought / nominal / other) and speaker type, the outlet and the confidence. JSON and CSV give the character spans of the words, cue and speaker as written.
    """
    from newsweave.enrich.stage import ensure_quotes
    from newsweave.present.export import write_csv
    from newsweave.store import Store
    from newsweave.store.quotes import iter_quotes
    from newsweave.store.stories import story_detail

    fmt = fmt.lower()
    if fmt not in ("table", "json", "csv"):
        raise InputError(f"--format {fmt!r}: use table, json or csv")
    with Store.open(state.db) as store:
        ids = [a.id for a in story_detail(store, story).articles] if story is not None else None
        made = ensure_quotes(store, ids)
        if made and fmt == "table":
            err_console.print(f"[dim]extracted quotes of {made} article(s)[/]")
        rows = list(iter_quotes(store, article_ids=ids, speaker=speaker, min_confidence=min_confidence,
                                every_act=every_act))
    if fmt == "json":
        sys.stdout.write(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2) + "\n")
        return
    if fmt == "csv":
        fields = ["article", "idx", "outlet", "story", "kind", "act", "speaker", "speaker_type", "speaker_as_written",
                  "speaker_span", "speaker_description", "cue", "cue_span", "text", "start", "end", "fragments",
                  "confidence", "reason"]
        write_csv((r.to_dict() for r in rows), fields, sys.stdout)
        return
    if not rows:
        console.print("no quotes" + (f" by {speaker!r}" if speaker else "") + ".")
        return
    table = Table(title=f"{len(rows)} quote(s)")
    table.add_column("article", style="dim", no_wrap=True)
    table.add_column("outlet", overflow="fold")
    table.add_column("speaker", overflow="fold")
    table.add_column("as written", overflow="fold", style="dim")
    table.add_column("kind", no_wrap=True)
    table.add_column("act / source", no_wrap=True)
    table.add_column("quote", overflow="fold")
    table.add_column("conf.", justify="right")
    for r in rows:
        table.add_row(
            r.article_id[:10],
            Text(r.source or ""),
            Text(r.speaker or f"({r.quote.speaker_type})"),
            Text(r.source_text or ""),
            r.quote.kind,
            f"{r.quote.act} / {r.quote.speaker_type}",
            Text(r.text),
            f"{r.quote.confidence:.2f}",
        )
    console.print(table)


_BENCH_EPILOG = """\
[b]Examples[/b]

  newsweave bench quotes

  newsweave bench quotes --data polnear_dev.jsonl --limit 200 --no-peer --json
"""


@bench_app.command("quotes", epilog=_BENCH_EPILOG)
def bench_quotes_command(
    data: Path = typer.Option(None, "--data", help="PolNeAR-format JSONL (default: ../shared/data/quotes/polnear_dev.jsonl)."),
    limit: int = typer.Option(None, "--limit", min=1, help="Score only the first N articles."),
    no_peer: bool = typer.Option(False, "--no-peer", help="Skip textacy."),
    processes: int = typer.Option(1, "--processes", min=1, help="Also time newsweave with N worker processes."),
    no_sample: bool = typer.Option(False, "--no-sample", help="Skip the labelled BASIL/AllSides sample."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """Quotes: labelled-sample precision and calibration; PolNeAR source / cue / content P/R/F1 (all and speech-only) beside textacy; articles/s."""
    from newsweave.bench.quotes import format_table, run

    result = run(data, limit=limit, peer=not no_peer, processes=processes, sample=not no_sample)
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        sys.stdout.write(format_table(result) + "\n")
