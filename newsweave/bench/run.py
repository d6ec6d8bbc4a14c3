"""The main job at corpus speed: ``newsweave run`` timed beside one plain spaCy parse of the same texts.

For each corpus (a JSONL file, or ``gen:N`` — N generated articles from
:mod:`newsweave.bench.generate`), in a fresh process so memory figures are its own:

1. the whole main job (:func:`newsweave.workflow.run_job`) into an empty store: wall seconds,
   CPU seconds of this process and its analysis workers, articles/s, peak RSS (this process,
   the largest worker);
2. the same job again over the same inputs (the re-run: nothing new);
3. a plain ``nlp.pipe`` over the stored texts with the full ``en_core_web_sm`` pipeline, one
   process — the unit the job's CPU is given in (``cpu_ratio`` = job CPU / parse CPU).

A labelled corpus (records with a ``story`` field: the shared story sets, and every generated
corpus, whose events are its labels) is also scored: the stories the job stored against the
labels. ``--stories FILE`` scores the clusterer through the product path alone: a story file
ingested into a store, analysed, grouped by the grouping stage (``update_stories``) and read
back, beside the direct call that ``newsweave bench stories`` makes.

    newsweave bench run --data ../shared/data/stories/basil.jsonl --generate 1000
    python -m newsweave.bench.run --one gen:1000 --workers 2      # one corpus, one JSON line
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.bench.memory import peak_rss_mb

if TYPE_CHECKING:
    from newsweave.store import Store

__all__ = ["gold_stories", "measure", "measure_in_subprocess", "render", "stored_story_scores",
           "story_scores_via_store"]


def _usage() -> tuple[float, float, float, float]:
    """(CPU s of this process, CPU s of its waited-for children, peak RSS MB self, peak RSS MB largest child)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime, peak_rss_mb(), kids.ru_maxrss / 1024)


def _inputs_for(corpus: str, scratch: Path) -> list[str]:
    """``gen:N`` → N generated articles written under ``scratch``; anything else is a path."""
    if corpus.startswith("gen:"):
        from newsweave.bench.generate import generate

        n = int(corpus[4:])
        return [str(p) for p in generate(scratch / "generated", n, seed=12, per_file=10_000)]
    if not Path(corpus).exists():
        from newsweave.errors import InputError

        raise InputError(f"{corpus}: no such file")
    return [corpus]


def _timed_job(inputs: list[str], store: Store, out: Path, workers: int, method: str) -> dict[str, Any]:
    from newsweave.workflow import run_job

    cpu0, kids0, _, _ = _usage()
    wall0 = time.perf_counter()
    result = run_job(inputs, store, out, method=method, workers=workers)
    wall = time.perf_counter() - wall0
    cpu1, kids1, rss, kids_rss = _usage()
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu1 - cpu0 + kids1 - kids0, 2),
            "cpu_main_s": round(cpu1 - cpu0, 2), "cpu_workers_s": round(kids1 - kids0, 2),
            "peak_rss_mb": round(rss), "peak_worker_rss_mb": round(kids_rss),
            "stored": result.ingest.stored, "analysed": result.analysed, "stories": result.stories_total,
            "statements_embedded": result.statements_embedded,
            "compared": result.compared, "failed": len(result.ingest.failures)}


def _plain_parse(store: Store) -> dict[str, Any]:
    """The full small English pipeline over every stored text, one process (the unit of cost)."""
    from newsweave.nlp import load_english

    nlp = load_english()
    texts = (a.text for a in store.iter_articles(with_raw=False))
    cpu0, wall0 = time.process_time(), time.perf_counter()
    n = tokens = 0
    for doc in nlp.pipe(texts, batch_size=32):
        n += 1
        tokens += len(doc)
    return {"articles": n, "tokens": tokens, "cpu_s": round(time.process_time() - cpu0, 2),
            "wall_s": round(time.perf_counter() - wall0, 2)}


def measure(corpus: str, *, workers: int, method: str = "auto", db: str | None = None) -> dict[str, Any]:
    """Run, re-run and plain-parse one corpus in this process; the figures as one dict."""
    from newsweave.store import Store

    with tempfile.TemporaryDirectory(prefix="newsweave-bench-run-") as tmp:
        scratch = Path(tmp)
        inputs = _inputs_for(corpus, scratch)
        with Store.open(db or str(scratch / "bench.db")) as store:
            if store.count_articles():
                from newsweave.errors import InputError

                raise InputError(f"bench store {store.display_url} is not empty: give an empty database")
            first = _timed_job(inputs, store, scratch / "out", workers, method)
            again = _timed_job(inputs, store, scratch / "out", workers, method)
            parse = _plain_parse(store)
            dialect = store.dialect
            stories = stored_story_scores(store, [Path(p) for p in inputs], corpus)
    n = max(1, parse["articles"])
    return {
        "corpus": corpus, "store": dialect, "workers": workers, "method": method,
        "articles": parse["articles"], "tokens_per_article": round(parse["tokens"] / n),
        "job": first, "rerun": again, "plain_parse": parse,
        "cpu_ratio": round(first["cpu_s"] / max(parse["cpu_s"], 1e-9), 2),
        "articles_per_s": round(parse["articles"] / max(first["wall_s"], 1e-9), 2),
        "cpu_ms_per_article": round(1000 * first["cpu_s"] / n, 1),
        "rerun_share": round(again["wall_s"] / max(first["wall_s"], 1e-9), 4),
        "stories": stories,
    }


def measure_in_subprocess(corpus: str, *, workers: int, method: str = "auto", db: str | None = None) -> dict[str, Any]:
    """:func:`measure` in a fresh interpreter (its peak memory is its own)."""
    command = [sys.executable, "-m", "newsweave.bench.run", "--one", corpus, "--workers", str(workers),
               "--method", method]
    if db:
        command += ["--db", db]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    if done.returncode != 0:
        raise RuntimeError(f"bench run on {corpus} failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def story_scores_via_store(path: Path, *, workers: int) -> dict[str, Any] | None:
    """Story clustering scores on a labelled story file through ingest → store → analysis → stories."""
    from newsweave.enrich.stage import AnalysisStep
    from newsweave.group.stage import update_stories
    from newsweave.pipeline import IngestOptions, ingest
    from newsweave.store import Store

    with tempfile.TemporaryDirectory(prefix="newsweave-bench-stories-") as tmp, \
            Store.open(str(Path(tmp) / "stories.db")) as store:
        with AnalysisStep(workers) as step:
            ingest([str(path)], store, IngestOptions(post_store=[step]))
        update_stories(store)
        return stored_story_scores(store, [path], path.name)


def gold_stories(paths: list[Path]) -> dict[str, str]:
    """Record id -> gold story id of labelled JSONL files (empty when they have no labels)."""
    gold: dict[str, str] = {}
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    record = json.loads(line) if line.strip() else {}
                except json.JSONDecodeError:  # a broken record: ingest lists it as a failure
                    continue
                if "story" in record and "id" in record:
                    gold[str(record["id"])] = str(record["story"])
    return gold


def stored_story_scores(store: Store, paths: list[Path], name: str) -> dict[str, Any] | None:
    """Pairwise/BCubed scores of the stories in ``store`` against the labels in ``paths`` (None: no labels)."""
    from sqlalchemy import select

    from newsweave.bench.stories import metrics
    from newsweave.store.schema import story_assignments

    gold_of = gold_stories(paths)
    if not gold_of:
        return None
    with store.connect() as conn:
        assigned = dict(conn.execute(select(story_assignments.c.article_id, story_assignments.c.story_id)).all())
    gold, pred = [], []
    for article in store.iter_articles(with_raw=False):
        if article.external_id in gold_of and article.id in assigned:
            gold.append(gold_of[article.external_id])
            pred.append(assigned[article.id])
    return {"file": name, "articles": len(gold), "records": len(gold_of), **metrics(gold, pred)}


def render(result: dict[str, Any]) -> None:
    """The figures as two tables on the terminal."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=max(Console().width, 160))
    if result["runs"]:
        table = Table(title="main job vs one plain spaCy parse (same texts, same run)")
        for column in ("corpus", "store", "articles", "tok/article", "job CPU s", "parse CPU s", "CPU ratio",
                       "articles/s", "CPU ms/article", "peak RSS MB (main / worker)", "re-run s", "re-run share"):
            table.add_column(column, justify="right")
        for r in result["runs"]:
            job = r["job"]
            table.add_row(r["corpus"], r["store"], str(r["articles"]), str(r["tokens_per_article"]), str(job["cpu_s"]),
                          str(r["plain_parse"]["cpu_s"]), f"{r['cpu_ratio']}×", str(r["articles_per_s"]),
                          str(r["cpu_ms_per_article"]), f"{job['peak_rss_mb']} / {job['peak_worker_rss_mb']}",
                          str(r["rerun"]["wall_s"]), f"{100 * r['rerun_share']:.1f} %")
        console.print(table)
    if result["stories"]:
        table = Table(title="story clustering through ingest → store → stories")
        for column in ("file", "articles", "pair P", "pair R", "pair F1", "B³ F1", "stories pred/gold"):
            table.add_column(column, justify="right")
        for s in result["stories"]:
            table.add_row(s["file"], str(s["articles"]),
                          *(f"{s[k]:.3f}" for k in ("pairwise_p", "pairwise_r", "pairwise_f1", "bcubed_f1")),
                          f"{s['pred_stories']}/{s['gold_stories']}")
        console.print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsweave.bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--one", required=True, help="a JSONL file, or gen:N generated articles")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--method", default="auto")
    parser.add_argument("--db", default=None, help="an empty store URL (PostgreSQL); default: a temporary SQLite")
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.one, workers=args.workers, method=args.method, db=args.db)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
