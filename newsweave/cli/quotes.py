"""newsweave CLI commands: ``quotes`` (list who said what) and ``bench quotes``.

Quotes are extracted on demand: articles whose quotes were never extracted
(or were extracted by an older extractor version) are processed first.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy import select

from newsweave.cli.app import app, bench_app, console, err_console, state
from newsweave.errors import InputError, NotFound

__all__ = ["quotes_command", "bench_quotes_command", "ensure_quotes"]

_QUOTES_EPILOG = """\
[b]Examples[/b]

  newsweave quotes

  newsweave quotes --speaker harris --format json

  newsweave quotes --story 3f2a9c --format csv > quotes.csv
"""


def ensure_quotes(store, article_ids: list[str] | None = None) -> int:
    """Extract and store quotes of stored articles that lack them (or have an older version)."""
    from newsweave.enrich.quotes import VERSION, quotes_for_article
    from newsweave.model import ArticleStatus
    from newsweave.store.quotes import PEOPLE_KIND, replace_quotes
    from newsweave.store.schema import annotations, articles

    with store.connect() as conn:
        done = {
            r.article_id
            for r in conn.execute(
                select(annotations.c.article_id).where(
                    annotations.c.kind == PEOPLE_KIND, annotations.c.version == VERSION
                )
            )
        }
        q = select(articles.c.id, articles.c.status)
        if article_ids is not None:
            q = q.where(articles.c.id.in_(article_ids))
        todo = [r.id for r in conn.execute(q.order_by(articles.c.seq)) if r.id not in done]
    n = 0
    for aid in todo:
        article = store.get_article(aid, with_raw=False)
        if article.status is not ArticleStatus.OK:
            analysis = None
        else:
            analysis = quotes_for_article(article)
        if analysis is None:
            from newsweave.enrich.quotes import QuoteAnalysis

            analysis = QuoteAnalysis()
        replace_quotes(store, aid, analysis)
        n += 1
    return n


@app.command("quotes", epilog=_QUOTES_EPILOG)
def quotes_command(
    speaker: str = typer.Option(None, "--speaker", help="Only quotes whose speaker (resolved or as written) contains NAME.", metavar="NAME"),
    story: str = typer.Option(None, "--story", help="Only quotes of the articles of this story.", metavar="ID"),
    fmt: str = typer.Option("table", "--format", "-f", help="table | json | csv"),
) -> None:
    """List quotations with their speakers: who said what, in which article.

    Each quote shows the resolved speaker (canonical name) and the speaker as written ("he", "a senior official"), its kind (direct / indirect / mixed), the outlet and the confidence.
    """
    from newsweave.store import Store
    from newsweave.store.quotes import iter_quotes
    from newsweave.store.schema import story_assignments

    fmt = fmt.lower()
    if fmt not in ("table", "json", "csv"):
        raise InputError(f"--format {fmt!r}: use table, json or csv")
    store = Store.open(state.db)
    try:
        ids = None
        if story is not None:
            with store.connect() as conn:
                ids = [
                    r.article_id
                    for r in conn.execute(
                        select(story_assignments.c.article_id).where(story_assignments.c.story_id == story)
                    )
                ]
            if not ids:
                raise NotFound(f"no story with id {story!r} (see: newsweave stories)")
        made = ensure_quotes(store, ids)
        if made and fmt == "table":
            err_console.print(f"[dim]extracted quotes of {made} article(s)[/]")
        rows = list(iter_quotes(store, article_ids=ids, speaker=speaker))
    finally:
        store.close()
    if fmt == "json":
        sys.stdout.write(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2) + "\n")
        return
    if fmt == "csv":
        fields = ["article", "idx", "outlet", "story", "kind", "speaker", "speaker_as_written",
                  "speaker_description", "cue", "text", "start", "end", "confidence", "reason"]
        w = csv.DictWriter(sys.stdout, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r.to_dict())
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
    table.add_column("quote", overflow="fold")
    table.add_column("conf.", justify="right")
    for r in rows:
        table.add_row(
            r.article_id[:10],
            Text(r.source or ""),
            Text(r.speaker or "(unresolved)"),
            Text(r.source_text or ""),
            r.quote.kind,
            Text(r.text),
            f"{r.quote.confidence:.2f}",
        )
    console.print(table)


@bench_app.command("quotes")
def bench_quotes_command(
    data: Path = typer.Option(None, "--data", help="PolNeAR-format JSONL (default: ../shared/data/quotes/polnear_dev.jsonl)."),
    limit: int = typer.Option(None, "--limit", min=1, help="Score only the first N articles."),
    no_peer: bool = typer.Option(False, "--no-peer", help="Skip textacy."),
    processes: int = typer.Option(1, "--processes", min=1, help="Also time newsweave with N worker processes."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """Quotation extraction: source / cue / content P/R/F1 on PolNeAR, beside textacy, with articles/s."""
    from newsweave.bench.quotes import format_table, run

    result = run(data, limit=limit, peer=not no_peer, processes=processes)
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        sys.stdout.write(format_table(result) + "\n")
