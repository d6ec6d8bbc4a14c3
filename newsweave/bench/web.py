"""Load bench of the web app: latency at 8 concurrent clients over a large generated store.

    newsweave bench web --articles 100000 --clients 8 --requests 400
    python -m newsweave.bench.web --articles 20000 --db /tmp/web.db --keep

The store is built through the user's path: generated JSON Lines records
(``bench/generate.py``) are ingested (read → clean → store, full-text index
kept by the store's triggers), three 50-article stories of one fictional event
each (``bench/compare.py``) are added, and stories are grouped by what the
generator knows (topic, place and week: story clustering has its own bench).
The three 50-article stories are compared once, as a first visit would, so
the story page measures what a user sees after that: the cached comparison.

Then ``newsweave serve`` runs as its own process on 127.0.0.1 and the bench
sends each scenario's requests from one client (the service time), then from
``--clients`` threads at once, each run bounded by ``--requests`` and ``--seconds``: the story list (newest first, later pages
and filters), a 50-article story page, and full-text searches. Nothing is
sent anywhere but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["build_store", "load", "run"]

TARGETS_MS = {"story list": 150, "story page (50 articles)": 300, "search": 200}
_EVENT_SEEDS = (7, 8, 9)
_SEARCH_WORDS = ["bridge", "budget", "flood", "school", "tram extension", "hospital merger", "river festival",
                 "port strike", "Northvale", "Port Ellery", "Quellwood", "Ashgrove council", "families affected",
                 "public consultation", "Lindmoor residents", "Oldmere", "depot fire", "million crowns"]


def _story_key(title: str | None, published: datetime | None, article_id: str) -> str:
    """The generator's own grouping: an event story by its seed, else topic + place + ISO week."""
    if article_id.startswith("gen"):
        return "event-" + article_id.split("-")[0]
    tail = (title or "").split(" on ", 1)[-1]
    week = published.isocalendar()[:2] if published else (0, 0)
    return f"{tail}|{week[0]}-{week[1]}"


def build_store(db: str, articles: int, *, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Fill ``db`` with ``articles`` articles (the user's ingest path) and their stories; returns timings."""
    from newsweave.bench.compare import story_articles
    from newsweave.bench.generate import generate
    from newsweave.group.stage import update_stories
    from newsweave.group.stories import Assignment
    from newsweave.pipeline import IngestOptions, ingest
    from newsweave.store import Store

    timings: dict[str, Any] = {}
    events = [a for seed in _EVENT_SEEDS for a in story_articles(50, seed=seed)]
    with tempfile.TemporaryDirectory(prefix="newsweave-bench-web-") as tmp, Store.open(db) as store:
        started = time.perf_counter()
        files = generate(tmp, max(0, articles - len(events)), seed=11, per_file=5000)
        say(f"ingesting {articles - len(events)} generated records")
        summary = ingest([str(f) for f in files], store, IngestOptions(post_store=[], batch_size=1000))
        store.add_articles(events)
        timings["ingest_s"] = round(time.perf_counter() - started, 1)
        timings["stored"] = store.count_articles()
        timings["failures"] = len(summary.failures)

        def known(inputs: list[Any], _params: Any, _features: Any) -> list[Any]:
            return [Assignment(i.id, _story_key(i.title, i.published, i.id), 1.0, {"method": "generator"})
                    for i in inputs]

        say("grouping stories")
        started = time.perf_counter()
        grouped = update_stories(store, cluster=known, features=False)
        timings["stories_s"] = round(time.perf_counter() - started, 1)
        timings["stories"] = grouped.stories
    return timings


def _warm(db: str) -> tuple[list[str], list[float]]:
    """Compare the 50-article stories once (a first visit) and return their ids and seconds each."""
    from newsweave.store import Store
    from newsweave.store.stories import story_of_article
    from newsweave.web.cache import cached_compare

    ids, seconds = [], []
    with Store.open(db) as store:
        for seed in _EVENT_SEEDS:
            story_id, _group = story_of_article(store, f"gen{seed}-0000")
            assert story_id is not None  # the filled store is grouped
            started = time.perf_counter()
            cached_compare(store, story_id)
            seconds.append(round(time.perf_counter() - started, 2))
            ids.append(story_id)
    return ids, seconds


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(db: str, port: int, workers: int) -> subprocess.Popen:
    """``newsweave serve`` in its own process (the load generator must not share its interpreter)."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSWEAVE_TOKEN"}
    proc = subprocess.Popen([sys.executable, "-c", "from newsweave.cli import main; main()",
                             "--db", db, "serve", "--port", str(port), "--workers", str(workers)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"newsweave serve exited: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/csrf", timeout=2)
            return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("newsweave serve did not start within 60 s")


def load(base: str, urls: Callable[[random.Random], str], *, clients: int, requests: int,
         seconds: float) -> dict[str, Any]:
    """Send up to ``requests`` GETs from ``clients`` threads (stopping after ``seconds``); latency figures."""
    import httpx

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    counter = iter(range(requests))

    def worker(n: int) -> None:
        rng = random.Random(n)
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.monotonic() < deadline:
                with lock:
                    if next(counter, None) is None:
                        return
                url = urls(rng)
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    if response.status_code != 200:
                        errors.append(f"{response.status_code} {url}")

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(ordered), "errors": len(errors), "error_examples": errors[:3],
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1) if ordered else None,
        "max_ms": round(ordered[-1], 1) if ordered else None,
        "per_s": round(len(ordered) / wall, 1) if wall else None,
    }


def _scenarios(story_ids: list[str], outlets: list[str]) -> dict[str, Callable[[random.Random], str]]:
    def story_list(rng: random.Random) -> str:
        return rng.choice([
            "/stories", f"/stories?offset={rng.randrange(0, 2000, 50)}", "/stories?sort=largest",
            f"/stories?outlet={rng.choice(outlets)}", "/stories?min_articles=5&min_independent=3",
            "/stories?since=2025-01-01&until=2026-01-01",
        ])

    def story_page(rng: random.Random) -> str:
        return f"/stories/{rng.choice(story_ids)}"

    def search(rng: random.Random) -> str:
        return f"/search?q={rng.choice(_SEARCH_WORDS).replace(' ', '+')}"

    return {"story list": story_list, "story page (50 articles)": story_page, "search": search}


def run(articles: int = 100_000, clients: int = 8, requests: int = 400, seconds: float = 120.0,
        db: str | None = None, keep: bool = False, workers: int = 1,
        say: Callable[[str], None] = print) -> dict[str, Any]:
    """Build (or reuse) the store, serve it, load each scenario; the figures as one dict."""
    from newsweave.store import Store
    from newsweave.store.browse import outlets_and_languages

    tmp = tempfile.mkdtemp(prefix="newsweave-bench-web-")
    db = db or str(Path(tmp) / "web.db")
    result: dict[str, Any] = {"articles": articles, "clients": clients, "workers": workers,
                              "db": "postgresql" if "://" in db else "sqlite", "load_average": os.getloadavg()[0]}
    with Store.open(db) as store:
        have = store.count_articles()
    result["build"] = build_store(db, articles, say=say) if have == 0 else {"reused": have}
    say("comparing the 50-article stories once (a first visit)")
    story_ids, first = _warm(db)
    result["first_compare_s"] = first
    with Store.open(db) as store:
        outlets, _ = outlets_and_languages(store)
    port = _free_port()
    server = _start_server(db, port, workers)
    try:
        base = f"http://127.0.0.1:{port}"
        scenarios = _scenarios(story_ids, outlets)
        result["scenarios"] = {}
        for name, urls in scenarios.items():
            load(base, urls, clients=clients, requests=min(requests, 40), seconds=seconds)  # warm-up
            say(f"loading: {name}")
            alone = load(base, urls, clients=1, requests=min(requests, 100), seconds=seconds)
            figures = load(base, urls, clients=clients, requests=requests, seconds=seconds)
            figures["one_client_p50_ms"], figures["one_client_p95_ms"] = alone["p50_ms"], alone["p95_ms"]
            figures["target_p95_ms"] = TARGETS_MS[name]
            result["scenarios"][name] = figures
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not keep and "://" not in db and Path(db).is_relative_to(tmp):
            for suffix in ("", "-wal", "-shm"):
                Path(db + suffix).unlink(missing_ok=True)
    return result


def render(result: dict[str, Any]) -> str:
    lines = [f"{result['articles']} articles ({result['db']}), {result['clients']} concurrent clients, "
             f"{result['workers']} server process(es), load average {result['load_average']:.1f} at start",
             f"build: {result['build']}", f"first compare of each 50-article story: {result['first_compare_s']} s",
             "", "| scenario | requests | p50 ms | p95 ms | max ms | req/s | target p95 | errors | 1 client p50 / p95 ms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, f in result["scenarios"].items():
        met = "met" if f["p95_ms"] is not None and f["p95_ms"] <= f["target_p95_ms"] else "NOT met"
        lines.append(f"| {name} | {f['requests']} | {f['p50_ms']} | {f['p95_ms']} | {f['max_ms']} | {f['per_s']} "
                     f"| ≤ {f['target_p95_ms']} ({met}) | {f['errors']} "
                     f"| {f.get('one_client_p50_ms')} / {f.get('one_client_p95_ms')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsweave.bench.web", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=400, help="requests per scenario (a bound)")
    parser.add_argument("--seconds", type=float, default=120.0, help="time bound per scenario")
    parser.add_argument("--db", help="store to build (or reuse when it holds articles); default a temp file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary store")
    parser.add_argument("--workers", type=int, default=1, help="server processes (newsweave serve --workers)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.articles, args.clients, args.requests, args.seconds, args.db, args.keep, args.workers,
                 say=lambda m: print(m, file=sys.stderr))
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
