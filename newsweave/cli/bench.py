"""newsweave CLI commands: ``bench …``.

Each command parses its options, calls the benchmark's ``run`` in ``newsweave/bench/`` and
renders the result; the benchmarks know nothing of the CLI. The quote and compare
benchmarks' commands sit with their stage's commands (``cli/quotes.py``, ``cli/compare.py``),
the Spark one in ``cli/spark.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from newsweave.cli.app import bench_app, console
from newsweave.errors import InputError

_REPRINTS_EPILOG = """\
[b]Examples[/b]

  newsweave bench reprints

  newsweave bench reprints --docs 5000 --peer-docs 500 --json
"""


@bench_app.command("reprints", epilog=_REPRINTS_EPILOG)
def bench_reprints(
    docs: int = typer.Option(20_000, "--docs", min=1, help="Throughput corpus size."),
    peer_docs: int = typer.Option(2_000, "--peer-docs", min=1, help="Docs for the slow peers (datasketch, rensa)."),
    base: int = typer.Option(400, "--base", min=1, help="Constructed reprints for the LSH quality test."),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """MinHash speed, LSH candidate quality and containment on Clough & Stevenson, beside datasketch and rensa."""
    from newsweave.bench.reprints import render, run

    result = run(docs, peer_docs, base)
    if json_out:
        print(json.dumps(result, indent=2))
    else:
        render(result)


@bench_app.command("stories")
def bench_stories(
    data: Path = typer.Option(None, "--data", help="Score this JSONL file (stories or pairs) instead of ../shared/data."),
    dataset: list[str] = typer.Option(None, "--dataset", "-d", help="Only these: ecbplus_dev, ecbplus_train, allsides, basil, singletons, semeval."),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
    growth: bool = typer.Option(False, "--growth", help="Also time clustering 1k/10k/100k generated articles."),
    growth_sizes: str = typer.Option("1000,10000,100000", "--growth-sizes", help="Comma-separated sizes for --growth."),
    embeddings: str = typer.Option(None, "--embeddings", help="minilm | static | none (default: the calibrated choice)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Recompute entities and embeddings (not read from the cache)."),
) -> None:
    """Pairwise/BCubed F1, ARI, story counts, throughput; SemEval Pearson; a TF-IDF baseline beside."""
    from newsweave.bench.stories import render, run
    from newsweave.group.stories import StoryParams

    if data is not None and not data.exists():
        raise InputError(f"{data}: no such file")
    overrides = {}
    if embeddings:
        overrides["embedding_model"] = None if embeddings.lower() == "none" else embeddings
    params = StoryParams.load(**overrides)
    sizes = [int(s) for s in growth_sizes.split(",") if s.strip()] if growth else None
    result = run(datasets=dataset or None, data=data, params=params, growth_sizes=sizes, use_cache=not no_cache)
    if json_out:
        print(json.dumps(result, default=float))
    else:
        from rich.console import Console

        render(result, Console(width=max(console.width, 150)))

_INGEST_EPILOG = """\
[b]Examples[/b]

  newsweave bench ingest

  newsweave bench ingest --n 2000 --workers 2 --json > ingest.json

  newsweave bench ingest --no-speed          (extraction F1 and archive/feed tallies only)
"""


@bench_app.command("ingest", epilog=_INGEST_EPILOG)
def bench_ingest(
    n: int = typer.Option(500, "--n", min=1, help="Synthetic HTML pages to generate (also packed into a WARC)."),
    workers: int = typer.Option(None, "--workers", min=1,
                                help="Processes for the parallel rows (default: min(2, CPUs))."),
    seed: int = typer.Option(0, "--seed", help="Seed of the synthetic pages (the same seed, the same pages)."),
    speed: bool = typer.Option(True, "--speed/--no-speed", help="Time read + clean on synthetic pages."),
    quality: bool = typer.Option(True, "--quality/--no-quality",
                                 help="Score extraction on trafilatura's evaluation pages beside trafilatura, "
                                      "and tally what warcio's archives and the feeds become."),
    data: Path = typer.Option(None, "--data", help="The shared data folder (default: $NEWSWEAVE_SHARED_DATA "
                                                   "or ../shared/data next to the repository)."),
    limit: int = typer.Option(None, "--pages", min=1, help="Score only the first N evaluation pages."),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """Ingest speed and quality: read + clean time beside trafilatura on the same pages; stored-text F1
    beside trafilatura on its evaluation pages; what each archive and feed record became."""
    from newsweave.bench import extraction
    from newsweave.bench.ingest import render, run
    from newsweave.bench.stories import data_dir

    result: dict = {}
    if speed:
        result["speed"] = run(n, workers, seed=seed)
    if quality:
        result["quality"] = extraction.run(data or data_dir(), limit)
    if json_out:
        typer.echo(json.dumps(result, indent=2, default=str))
        return
    if speed:
        render(result["speed"])
    if quality:
        extraction.render(result["quality"])


_HOSTILE_EPILOG = """\
[b]Examples[/b]

  newsweave bench hostile

  newsweave bench hostile --cases 20000 --seed 7 --json > hostile.json
"""


@bench_app.command("hostile", epilog=_HOSTILE_EPILOG)
def bench_hostile(
    cases: int = typer.Option(2040, "--cases", min=1, help="Generated cases (the classes take turns)."),
    seed: int = typer.Option(14, "--seed", help="Seed of the generated cases (the same seed, the same campaign)."),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """The hostile-input campaign: bad inputs mixed with good records, ingested in one run and checked."""
    import tempfile

    from newsweave.bench.hostile import render, run_campaign

    with tempfile.TemporaryDirectory(prefix="newsweave-hostile-") as tmp:
        result = run_campaign(Path(tmp) / "cases", cases, seed)
    if json_out:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    else:
        render(result)
    if result.problems:
        raise typer.Exit(1)


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
