"""Ingest speed: newsweave's readers + cleaner against trafilatura's own extraction.

Writes N synthetic but realistic news pages (navigation, cookie banner, figure
caption, related-story teasers, comments, scripts — about 19 KB each) as HTML
files and as one WARC.gz, then measures articles/s in the same run for

* ``trafilatura.bare_extraction`` on the same page bytes held in memory (the floor),
* newsweave ``read_inputs`` alone (file I/O, extraction, timestamps, ids),
* newsweave ``read_inputs`` + ``clean.clean_article`` (what ``ingest`` does before storing),

for the HTML files and for the WARC, with 1 and with ``workers`` processes, so
the overhead newsweave adds over trafilatura is visible.

    python -m newsweave.bench.ingest --n 500 --workers 2
    python -m newsweave.bench.ingest --n 200 --json
"""

from __future__ import annotations

import argparse
import gzip
import html as html_lib
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import timezone
from pathlib import Path
from typing import Any

__all__ = ["main", "render", "run", "write_corpus"]

_NAV = ["World", "Politics", "Business", "Markets", "Technology", "Science", "Health", "Sport", "Football",
        "Culture", "Books", "Music", "Film", "Travel", "Food", "Opinion", "Letters", "Obituaries", "Weather",
        "Local", "Education", "Environment", "Podcasts", "Video", "Puzzles", "Newsletters", "Events", "Jobs"]
_JS = "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}" * 40
_CSS = ".article-body p{margin:0 0 1em;line-height:1.6}.nav a{padding:4px 8px}" * 60


def _page(art: Any, index: int) -> bytes:
    """One page around a SyntheticArticle: boilerplate of the kind real news sites carry."""
    esc = html_lib.escape
    outlet_name = art.outlet.split(".")[0].title()
    published = art.published.astimezone(timezone.utc).isoformat()
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": art.title,
                     "datePublished": published, "author": {"@type": "Person", "name": art.author},
                     "publisher": {"@type": "Organization", "name": outlet_name}})
    nav = "".join(f'<li><a href="https://{art.outlet}/{n.lower()}">{n}</a></li>' for n in _NAV)
    body_parts = []
    for i, paragraph in enumerate(art.paragraphs):
        body_parts.append(f"<p>{esc(paragraph)}</p>")
        if i == 2:
            body_parts.append('<div class="ad-slot" data-ad="mpu">Advertisement</div>')
        if i == 4:
            body_parts.append(f'<aside class="inline-related"><a href="https://{art.outlet}/x/{index + 1}">'
                              "Read more: council to review harbour plans</a></aside>")
    related = "".join(
        f'<li><a href="https://{art.outlet}/related/{index}-{k}">Related story number {k} about the region</a>'
        f"<span class=\"date\">March {k + 1}, 2024</span></li>" for k in range(6))
    comments = "".join(
        f'<div class="comment"><span class="user">reader{k}</span><p>Comment {k}: I have lived here for '
        f"years and this is the first I hear of it.</p></div>" for k in range(3))
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(art.title)} | {outlet_name}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="{esc(art.paragraphs[0][:150])}">
<meta property="og:title" content="{esc(art.title)}"><meta property="og:site_name" content="{outlet_name}">
<meta property="og:type" content="article"><meta property="article:published_time" content="{published}">
<meta name="author" content="{esc(art.author)}"><link rel="canonical" href="{art.url}">
<script type="application/ld+json">{ld}</script><script>{_JS}</script><style>{_CSS}</style></head>
<body><header class="site-header"><div class="logo"><a href="https://{art.outlet}/">{outlet_name}</a></div>
<nav class="nav"><ul>{nav}</ul></nav><form class="search"><input name="q" placeholder="Search"></form></header>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all</button></div>
<main><article><header><h1>{esc(art.title)}</h1><p class="byline">By {esc(art.author)}</p>
<time datetime="{published}">{art.published:%B %d, %Y}</time></header>
<figure><img src="https://{art.outlet}/img/{index}.jpg" alt="photo"><figcaption>A view of the site.
(Photo / {outlet_name})</figcaption></figure>
<div class="article-body">{''.join(body_parts)}</div>
<div class="share">Share this article: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">Email</a></div>
</article><aside class="related"><h2>Related stories</h2><ul>{related}</ul></aside>
<section class="comments"><h3>Comments</h3>{comments}</section></main>
<footer><ul>{nav}</ul><p>&copy; 2024 {outlet_name}. All rights reserved.</p>
<div class="newsletter">Subscribe to our newsletter</div></footer><script>{_JS}</script></body></html>
"""
    return page.encode("utf-8")


def _warc_record(url: str, date: str, body: bytes, index: int) -> bytes:
    http = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.UUID(int=index + 1)}>\r\nWARC-Date: {date}\r\n"
        f"WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return gzip.compress(head + http + b"\r\n\r\n", compresslevel=6, mtime=0)


def write_corpus(out_dir: str | Path, n_articles: int, *, seed: int = 0, shards: int = 1) -> dict[str, Any]:
    """Write ``n_articles`` pages as ``html/*.html`` and the same pages as ``shards`` WARC.gz files."""
    from newsweave.bench.generate import synthetic_articles

    out = Path(out_dir)
    html_dir = out / "html"
    html_dir.mkdir(parents=True, exist_ok=True)
    warcs = [out / f"crawl-{k:02d}.warc.gz" for k in range(max(1, shards))]
    handles = [w.open("wb") for w in warcs]
    total = 0
    try:
        for i, art in enumerate(synthetic_articles(n_articles, seed)):
            page = _page(art, i)
            total += len(page)
            (html_dir / f"{i:06d}.html").write_bytes(page)
            date = art.published.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            handles[i % len(handles)].write(_warc_record(art.url, date, page, i))
    finally:
        for handle in handles:
            handle.close()
    return {"html_dir": html_dir, "html_files": sorted(html_dir.iterdir()), "warcs": warcs,
            "mean_page_kb": round(total / max(n_articles, 1) / 1024, 1)}


# ---------------------------------------------------------------- timed work (top level: picklable)


def _clean_fn():
    try:
        from newsweave.clean import clean_article
    except ImportError:
        return None
    return clean_article


def _warm_up(_: int = 0) -> bool:
    """Import everything and extract one page, so timings exclude start-up."""
    import trafilatura  # noqa: F401

    from newsweave.bench.generate import synthetic_articles
    from newsweave.read.html import article_from_html

    art = next(iter(synthetic_articles(1, 99)))
    result = article_from_html(_page(art, 0), origin="warm-up")
    clean = _clean_fn()
    if clean is not None and not hasattr(result, "reason"):
        clean(result)
    return True


def _work(task: tuple[str, list[str], bool]) -> tuple[int, int, float]:
    """(articles, failures, CPU seconds) for one chunk of files read (and cleaned) by newsweave."""
    _mode, paths, clean = task
    cpu = time.process_time()
    from newsweave.model import Failure
    from newsweave.read import read_inputs

    cleaner = _clean_fn() if clean else None
    articles = failures = 0
    for item in read_inputs(paths):
        if isinstance(item, Failure):
            failures += 1
            continue
        if cleaner is not None:
            cleaner(item)
        articles += 1
    return articles, failures, time.process_time() - cpu


def _warc_pages(path: str) -> list[bytes]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    with open(path, "rb") as handle:
        return [r.reader.read() for r in ArchiveIterator(handle, record_types=WarcRecordType.response)]


def _chunks(items: list[str], k: int) -> list[list[str]]:
    return [items[i::k] for i in range(k) if items[i::k]]


def _timed(mode: str, paths: list[str], clean: bool, workers: int, pool: ProcessPoolExecutor | None
           ) -> dict[str, Any]:
    if mode == "trafilatura":
        # trafilatura's own time on bytes already in memory: the floor newsweave is measured against
        pages = []
        for path in paths:
            pages.extend(_warc_pages(path) if path.endswith(".warc.gz") else [Path(path).read_bytes()])
        return _timed_pages(pages, workers, pool)
    tasks = [(mode, chunk, clean) for chunk in _chunks(paths, workers)]
    started = time.perf_counter()
    if pool is None:
        results = [_work(t) for t in tasks]
    else:
        results = list(pool.map(_work, tasks))
    seconds = time.perf_counter() - started
    return _row(sum(r[0] for r in results), sum(r[1] for r in results), seconds, sum(r[2] for r in results))


def _row(articles: int, failures: int, seconds: float, cpu: float) -> dict[str, Any]:
    return {"articles": articles, "failures": failures, "seconds": round(seconds, 3),
            "articles_per_s": round(articles / seconds, 1) if seconds > 0 else None,
            "cpu_seconds": round(cpu, 3), "cpu_ms_per_article": round(1000 * cpu / articles, 2) if articles else None,
            # what one idle core would do: the number to read when the machine is shared
            "articles_per_cpu_s": round(articles / cpu, 1) if cpu > 0 else None}


def _extract_pages(pages: list[bytes]) -> tuple[int, float]:
    from trafilatura import bare_extraction

    cpu = time.process_time()
    ok = sum(1 for p in pages if bare_extraction(p, with_metadata=True, include_comments=False) is not None)
    return ok, time.process_time() - cpu


def _timed_pages(pages: list[bytes], workers: int, pool: ProcessPoolExecutor | None) -> dict[str, Any]:
    chunks = [pages[i::workers] for i in range(workers) if pages[i::workers]]
    started = time.perf_counter()
    results = [_extract_pages(c) for c in chunks] if pool is None else list(pool.map(_extract_pages, chunks))
    seconds = time.perf_counter() - started
    ok = sum(r[0] for r in results)
    return _row(ok, len(pages) - ok, seconds, sum(r[1] for r in results))


def run(n_articles: int = 500, workers: int | None = None, *, seed: int = 0, keep: str | Path | None = None
        ) -> dict[str, Any]:
    """Generate the corpus in a temp dir, time every pipeline with 1 and ``workers`` processes.

    ``workers`` defaults to min(2, CPUs). ``keep``: write the corpus there and leave it.
    Returns a JSON-able dict; ``rows`` holds one entry per (input, pipeline, workers).
    """
    if n_articles < 1:
        raise ValueError(f"n_articles must be >= 1, got {n_articles}")
    cpus = os.cpu_count() or 1
    workers = workers or min(2, cpus)
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    notes: list[str] = []
    have_clean = _clean_fn() is not None
    if not have_clean:
        notes.append("newsweave.clean not importable: 'read + clean' rows measure the readers alone")
    tmp = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="newsweave-bench-ingest-"))
    rows: list[dict[str, Any]] = []
    try:
        started = time.perf_counter()
        corpus = write_corpus(tmp, n_articles, seed=seed, shards=workers)
        generate_s = time.perf_counter() - started
        html_files = [str(p) for p in corpus["html_files"]]
        warcs = [str(p) for p in corpus["warcs"]]
        _warm_up()
        counts = sorted({1, workers})
        for count in counts:
            pool = ProcessPoolExecutor(max_workers=count) if count > 1 else None
            try:
                if pool is not None:
                    list(pool.map(_warm_up, range(count * 2)))
                for label, paths in (("HTML files", html_files), ("WARC.gz", warcs)):
                    base = _timed("trafilatura", paths, False, count, pool)
                    rows.append({"input": label, "pipeline": "trafilatura",
                                 "workers": count, **base})
                    for clean, name in ((False, "read"), (True, "read+clean")):
                        result = _timed("newsweave", paths, clean, count, pool)
                        # CPU time, not wall time: robust when other work shares the machine
                        ratio = (result["cpu_ms_per_article"] / base["cpu_ms_per_article"]
                                 if result["cpu_ms_per_article"] and base["cpu_ms_per_article"] else None)
                        rows.append({"input": label, "pipeline": name, "workers": count, **result,
                                     "time_vs_trafilatura": round(ratio, 2) if ratio else None})
            finally:
                if pool is not None:
                    pool.shutdown()
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return {
        "benchmark": "ingest",
        "n_articles": n_articles,
        "workers": workers,
        "cpu_count": cpus,
        "mean_page_kb": corpus["mean_page_kb"],
        "generate_seconds": round(generate_s, 2),
        "clean_measured": have_clean,
        "rows": rows,
        "notes": notes,
    }


def render(result: dict[str, Any], console: Any = None) -> None:
    """Print the rows as a small table (rich when available)."""
    title = (f"Ingest speed: {result['n_articles']} synthetic pages (~{result['mean_page_kb']} KB each), "
             f"{result['cpu_count']} CPUs")
    header = ["input", "pipeline", "procs", "articles/s", "CPU ms/article", "ok", "failed", "wall s", "× trafilatura"]
    lines = [[r["input"], r["pipeline"], str(r["workers"]), f"{r['articles_per_s'] or 0:,.1f}",
              f"{r['cpu_ms_per_article'] or 0:.1f}", str(r["articles"]), str(r["failures"]), f"{r['seconds']:.2f}",
              f"{r['time_vs_trafilatura']:.2f}" if r.get("time_vs_trafilatura") else ""] for r in result["rows"]]
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:  # plain text
        print(title)
        for line in [header, *lines]:
            print(" | ".join(line))
    else:
        table = Table(title=title, title_justify="left")
        for col in header:
            table.add_column(col, justify="left" if col in ("input", "pipeline") else "right")
        for line in lines:
            table.add_row(*line)
        (console or Console()).print(table)
    print("trafilatura = trafilatura.bare_extraction(with_metadata=True) on page bytes already in memory; "
          "read = newsweave.read.read_inputs on the files; read+clean = that + newsweave.clean.clean_article; "
          "articles/s = wall clock; × trafilatura = newsweave CPU time / trafilatura CPU time")
    for note in result.get("notes", []):
        print(f"note: {note}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsweave.bench.ingest", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=500, help="synthetic pages (default 500)")
    parser.add_argument("--workers", type=int, default=None, help="processes for the parallel rows (default min(2, CPUs))")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", default=None, help="write the corpus to this folder and keep it")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args(argv)
    result = run(args.n, args.workers, seed=args.seed, keep=args.keep)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        render(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
