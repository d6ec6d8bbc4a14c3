"""newsweave CLI commands: ``bench …``.

The story, reprint, quote and compare benchmarks register their commands
next to their code (``newsweave/bench/*.py``, ``cli/quotes.py``,
``cli/compare.py``); importing them here puts them on ``bench_app``.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from newsweave.bench import reprints, stories  # noqa: F401  (register their commands)
from newsweave.cli.app import bench_app


_INGEST_EPILOG = """\
[b]Examples[/b]

  newsweave bench ingest

  newsweave bench ingest --n 2000 --workers 2 --json > ingest.json
"""


@bench_app.command("ingest", epilog=_INGEST_EPILOG)
def bench_ingest(
    n: int = typer.Option(500, "--n", min=1, help="Synthetic HTML pages to generate (also packed into a WARC)."),
    workers: int = typer.Option(None, "--workers", min=1,
                                help="Processes for the parallel rows (default: min(2, CPUs))."),
    seed: int = typer.Option(0, "--seed"),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """Read + clean speed on HTML files and a WARC, beside trafilatura's own time on the same pages."""
    from newsweave.bench.ingest import render, run

    result = run(n, workers, seed=seed)
    if json_out:
        typer.echo(json.dumps(result, indent=2, default=str))
    else:
        render(result)


_RUN_EPILOG = """\
[b]Examples[/b]

  newsweave bench run --data ../shared/data/stories/basil.jsonl

  newsweave bench run --generate 1000 --generate 10000 --workers 2 --json > run.json

  newsweave bench run --data ../shared/data/stories/basil.jsonl --db postgresql://localhost/empty

Each corpus runs in a fresh process: the main job into an empty store, the same job again
(the re-run), then a plain spaCy parse (en_core_web_sm, every component) of the same texts.
"""


@bench_app.command("run", epilog=_RUN_EPILOG)
def bench_run(
    data: list[Path] = typer.Option([], "--data", help="A JSONL corpus to run on; repeatable."),
    generate: list[int] = typer.Option([], "--generate", min=1, help="Also N generated articles; repeatable."),
    workers: int = typer.Option(0, "--workers", min=0, help="Analysis processes; 0 = one per core."),
    method: str = typer.Option("auto", "--method", help="Statement alignment: auto, embed or lexical."),
    db: str = typer.Option(None, "--db", help="An EMPTY store URL to run in (e.g. PostgreSQL); default a temporary SQLite."),
    stories_file: list[Path] = typer.Option(
        [], "--stories", help="Also score story clustering on this labelled story file through ingest → store → stories."),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """The whole main job timed beside a plain spaCy parse of the same texts: ratio, speed, memory, re-run."""
    from newsweave.bench.run import measure_in_subprocess, render, story_scores_via_store
    from newsweave.compare.statements import check_method
    from newsweave.enrich.analyse import default_workers
    from newsweave.errors import InputError

    check_method(method)
    for path in [*data, *stories_file]:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
    corpora = [str(p) for p in data] + [f"gen:{n}" for n in generate]
    if not corpora and not stories_file:
        raise InputError("nothing to run: give --data FILE, --generate N or --stories FILE")
    workers = workers or default_workers()
    runs = [measure_in_subprocess(c, workers=workers, method=method, db=db) for c in corpora]
    scored = [r["stories"] for r in runs if r.get("stories")]  # labelled corpora are scored as they run
    result = {"runs": runs, "stories": scored + [story_scores_via_store(p, workers=workers) for p in stories_file]}
    if json_out:
        typer.echo(json.dumps(result, indent=2, default=str))
    else:
        render(result)
