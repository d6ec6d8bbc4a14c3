"""newsweave CLI commands: ``spark run`` (the main job on Apache Spark) and ``load`` (its tables into a store)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape

from newsweave.cli.app import app, bench_app, console, err_console, state

spark_app = typer.Typer(
    help="Run the main job on Apache Spark (the spark extra: pyspark 4, Java 17).",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(spark_app, name="spark")

_RUN_EPILOG = """\
[b]Examples[/b]

  newsweave spark run crawl/ --out spark-out --master 'local[2]'

  newsweave spark run @inputs.txt --out /shared/runs/may     (under spark-submit; docs/spark.md)

Inputs: WARC/ARC/JSONL/HTML/text files, folders of them, or @FILE, a manifest with one path or
hdfs:// / s3a:// URL a line. Writes Parquet tables (articles, quotes, failures, membership,
stories, comparisons, findings) and run.json under --out; running again over a grown input adds
only the new articles. Then: newsweave --db out.db load spark-out.
"""


@spark_app.command("run", epilog=_RUN_EPILOG)
def spark_run(
    inputs: list[str] = typer.Argument(..., help="Files, folders, @manifest or hdfs:// / s3a:// URLs.",
                                       metavar="PATH|@MANIFEST…"),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the Parquet tables."),
    master: str = typer.Option(None, "--master", help="Spark master, e.g. local[2] (default: spark-submit's, "
                                                      "else local[*])."),
    block_days: float = typer.Option(366.0, "--block-days", min=0.5,
                                     help="Width of a story block in days; narrower blocks cluster in parallel but agree less with the local run (docs/spark.md)."),
    method: str = typer.Option("auto", "--method", help="Statement alignment: auto, embed or lexical."),
    executor_memory: str = typer.Option(None, "--executor-memory", help="e.g. 4g (cluster runs)."),
) -> None:
    """Read, clean, analyse, find reprints and stories, and compare them, on Spark; write Parquet."""
    from newsweave.spark.job import SparkOptions, run_spark

    options = SparkOptions(master=master, block_days=block_days, method=method, executor_memory=executor_memory)
    summary = run_spark(inputs, out, options)
    console.print(
        f"{summary.inputs} inputs · {summary.new_articles} new articles ({summary.articles_total} in all) · "
        f"{summary.skipped} skipped · {summary.failures} failed · {summary.reprinted_articles} reprints · {summary.stories} stories · "
        f"{summary.stories_compared} compared · on {escape(summary.master)}", highlight=False)
    for reason, n in summary.skipped_by_reason.items():
        console.print(f"  skipped: {escape(reason)} ({n})", highlight=False)
    for reason, n in summary.failures_by_reason.items():
        console.print(f"  [yellow]failed[/] {n} × {escape(reason)} (see {escape(str(out / 'failures'))})",
                      highlight=False)
    console.print(f"wrote {escape(str(out))}  (seconds: {json.dumps(summary.seconds)})", highlight=False)


@app.command("load")
def load_command(
    run_dir: Path = typer.Argument(..., help="The --out folder of `newsweave spark run`."),
) -> None:
    """Load a Spark run's Parquet tables into the store (--db), so the CLI and the web app work on it."""
    from newsweave.spark.load import load_run
    from newsweave.store import Store

    db = state.db or "newsweave.db"
    with Store.open(db) as store:
        summary = load_run(run_dir, store)
    console.print(f"read {summary.articles_read} articles · stored {summary.articles_stored} · already present "
                  f"{summary.already_present} · refused {summary.failed} · {summary.stories} stories "
                  f"(the run could not read {summary.failures_in_run} records)", highlight=False)
    if summary.failed:
        err_console.print("[yellow]some rows were refused by the store; see the log for each reason[/]")


@bench_app.command("spark")
def bench_spark(
    generate: list[int] = typer.Option([1000], "--generate", help="Generated corpus sizes (repeatable)."),
    data: list[Path] = typer.Option([], "--data", help="A shared story set (JSONL) to run as well (repeatable)."),
    cores: list[int] = typer.Option([1, 2], "--cores", help="local[N] runs for the speed-up (repeatable)."),
    json_out: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """The Spark job beside the local job on the same corpora: agreement, time per article, speed-up, CPU."""
    from newsweave.bench.spark import render, run

    result = run(generate, [str(d) for d in data], cores)
    if json_out:
        typer.echo(json.dumps(result, indent=2, default=str))
    else:
        render(result)
