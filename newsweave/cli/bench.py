"""newsweave CLI commands: ``bench …``.

The story, reprint, quote and compare benchmarks register their commands
next to their code (``newsweave/bench/*.py``, ``cli/quotes.py``,
``cli/compare.py``); importing them here puts them on ``bench_app``.
"""

from __future__ import annotations

import json

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


_HOSTILE_EPILOG = """\
[b]Examples[/b]

  newsweave bench hostile

  newsweave bench hostile --cases 20000 --seed 7 --json > hostile.json
"""


@bench_app.command("hostile", epilog=_HOSTILE_EPILOG)
def bench_hostile(
    cases: int = typer.Option(2040, "--cases", min=1, help="Generated cases (the classes take turns)."),
    seed: int = typer.Option(14, "--seed"),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """The hostile-input campaign: bad inputs mixed with good records, ingested in one run and checked."""
    import tempfile
    from pathlib import Path

    from newsweave.bench.hostile import render, run_campaign

    with tempfile.TemporaryDirectory(prefix="newsweave-hostile-") as tmp:
        result = run_campaign(Path(tmp) / "cases", cases, seed)
    if json_out:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    else:
        render(result)
    if result.problems:
        raise typer.Exit(1)
