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


_WEB_EPILOG = """\
[b]Examples[/b]

  newsweave bench web                                 (100,000 articles, 8 clients, ≤ 400 requests a scenario)

  newsweave bench web --articles 20000 --db /tmp/web.db --keep

  newsweave bench web --db postgresql://me@localhost/bench
"""


@bench_app.command("web", epilog=_WEB_EPILOG)
def bench_web(
    articles: int = typer.Option(100_000, "--articles", min=200, help="Articles to generate and ingest."),
    clients: int = typer.Option(8, "--clients", min=1, max=64, help="Concurrent clients (threads)."),
    requests: int = typer.Option(400, "--requests", min=10, help="Requests a scenario (a bound)."),
    seconds: float = typer.Option(120.0, "--seconds", min=1, help="Time bound a scenario."),
    db: str = typer.Option(None, "--db", help="Store to build, or reuse when it already holds articles."),
    keep: bool = typer.Option(False, "--keep", help="Keep the temporary store."),
    workers: int = typer.Option(1, "--workers", min=1, max=32, help="Server processes (newsweave serve --workers)."),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """Web app latency (story list, 50-article story page, search) at N clients over a large store on 127.0.0.1."""
    from newsweave.bench.web import render, run

    result = run(articles, clients, requests, seconds, db, keep, workers, say=lambda m: typer.echo(m, err=True))
    typer.echo(json.dumps(result, indent=2, default=str) if json_out else render(result))
