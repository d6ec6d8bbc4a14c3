"""newsweave CLI command: compare — line up what each outlet says, as JSON, Markdown or HTML.

Thin: resolve the articles (ingest paths into a store, or load a story), call
:func:`newsweave.compare.compare_articles`, render with
:mod:`newsweave.present.report`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from newsweave.cli.app import app, bench_app, err_console, state
from newsweave.errors import InputError

if TYPE_CHECKING:
    from newsweave.compare.records import StoryRecord

__all__ = ["compare_command"]

_EPILOG = """\
[b]Examples[/b]

  newsweave compare ../shared/data/seeds --format html --out seeds.html

  newsweave compare examples/corpus --by-story --format md

  newsweave compare s3a114de9d6b1 --format json      (a story already in the store)

Given paths, the articles are ingested into a temporary store (or, with [b]--save[/b], into
the store named by --db / NEWSWEAVE_DB) and compared as one set; [b]--by-story[/b] groups
them into stories first and compares each story of two or more articles.
"""


def _sets_for_paths(paths: list[str], save: bool, by_story: bool, method: str) -> list[StoryRecord]:
    from newsweave.store import Store
    from newsweave.workflow import compare_inputs

    if save:
        with Store.open(state.db) as store:
            summary, results = compare_inputs(paths, store, by_story=by_story, method=method)
    else:
        summary, results = compare_inputs(paths, by_story=by_story, method=method)
    for failure in summary.failures:
        err_console.print(f"[yellow]skipped:[/] {escape(failure.origin)}: {escape(failure.reason)}", highlight=False)
    if not results:
        raise InputError("no story of two or more articles among the given paths" if by_story else
                         "no article to compare in the given paths (nothing readable, or no story material)")
    return results


def _sets_for_story(story_id: str, method: str) -> list[StoryRecord]:
    from newsweave.store import Store
    from newsweave.workflow import compare_story

    with Store.open(state.db) as store:
        return [compare_story(store, story_id, method=method)]


@app.command("compare", epilog=_EPILOG)
def compare_command(
    targets: list[str] = typer.Argument(..., help="A story id, or files/directories/URLs to ingest and compare.",
                                        metavar="STORY_ID | PATH…"),
    fmt: str = typer.Option("json", "--format", "-f", help="json, md or html."),
    out: Path = typer.Option(None, "--out", "-o", help="Write here instead of standard output."),
    method: str = typer.Option("auto", "--method",
                               help="Statement alignment: auto (embeddings when installed), embed or lexical."),
    by_story: bool = typer.Option(False, "--by-story", help="With paths: group into stories, compare each."),
    save: bool = typer.Option(False, "--save", help="With paths: ingest into the --db store, not a temporary one."),
    with_text: bool = typer.Option(False, "--with-text", help="JSON: include each article's clean text."),
) -> None:
    """Compare coverage: quotes, statements, numbers, names and signals per outlet, with evidence."""
    from newsweave.present.report import FORMATS, render, render_json, write_report

    if fmt not in FORMATS:
        raise InputError(f"unknown --format {fmt!r}: use one of {', '.join(FORMATS)}")
    # method: checked by the workflow functions, before anything is read
    # a story id never holds a slash: a target with one is a path (or URL), even one that does not exist
    looks_like_paths = any(Path(t).exists() or "://" in t or "/" in t for t in targets)
    if looks_like_paths:
        missing = [t for t in targets if not Path(t).exists() and "://" not in t]
        if missing:
            raise InputError(f"no such file or directory: {missing[0]}")
        results = _sets_for_paths(targets, save=save, by_story=by_story, method=method)
    else:
        if len(targets) != 1:
            raise InputError("give one story id, or paths to files or directories (none of these exist)")
        results = _sets_for_story(targets[0], method)
    text = render_json({"stories": results}, include_text=True) if fmt == "json" and with_text \
        else render({"stories": results}, fmt)
    if out is not None:
        write_report(out, text)
        err_console.print(f"wrote {out} ({len(results)} stories, {sum(len(r['articles']) for r in results)} articles)",
                          highlight=False)
    else:
        typer.echo(text)


_BENCH_EPILOG = """\
[b]Examples[/b]

  newsweave bench compare

  newsweave bench compare --sizes 5 --sizes 50 --method embed --json
"""


@bench_app.command("compare", epilog=_BENCH_EPILOG)
def bench_compare_command(
    sizes: list[int] = typer.Option([5, 50, 200], "--sizes", min=1, help="Story sizes (articles) to time; repeatable."),
    method: str = typer.Option("lexical", "--method", help="Statement alignment: auto, embed or lexical."),
    seed: int = typer.Option(7, "--seed", help="Seed of the generated stories (the same seed, the same stories)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """Time compare on generated stories of 5, 50 and 200 articles (target: 50 in under 10 s on 2 cores)."""
    import json

    from newsweave.bench.compare import render as render_bench
    from newsweave.bench.compare import run

    result = run(sizes, method=method, seed=seed)
    typer.echo(json.dumps(result, indent=2) if as_json else render_bench(result))


_FINDINGS_EPILOG = """\
[b]Examples[/b]

  newsweave bench findings

  newsweave bench findings --per-kind 50 --sample 20 --sample-out /tmp/flags.json

  newsweave bench findings --db /tmp/findings.db --json     (reuse a store: quotes extracted once)

Reads ../shared/data/stories (or $NEWSWEAVE_SHARED_DATA); a data set that is absent is skipped.
"""


@bench_app.command("findings", epilog=_FINDINGS_EPILOG)
def bench_findings_command(
    method: str = typer.Option("lexical", "--method", help="Statement alignment: auto, embed or lexical."),
    per_kind: int = typer.Option(30, "--per-kind", min=0, help="Errors planted per kind (0: skip that half)."),
    seed: int = typer.Option(10, "--seed", help="Seed of the plants and of the flag sample."),
    sample: int = typer.Option(0, "--sample", min=0, help="Flags per kind to sample for reading by hand."),
    sample_out: Path = typer.Option(None, "--sample-out", help="Write the sample here (JSON).", dir_okay=False),
    db: str = typer.Option(None, "--db", help="Store to ingest into and reuse (default: a temporary one)."),
    limit: int = typer.Option(None, "--limit", min=1, help="Compare only the first N stories of each data set."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as one JSON object."),
) -> None:
    """Flags on real coverage (false alarms per story and kind) and recall of planted errors, beside the before figures."""
    import json

    from newsweave.bench.findings import render as render_findings
    from newsweave.bench.findings import run as run_findings
    from newsweave.compare.statements import check_method

    check_method(method)
    result = run_findings(method, per_kind, seed, sample, db, limit)
    if sample_out is not None:
        from newsweave.present.report import write_report

        write_report(sample_out, json.dumps(result["sample"], indent=1, ensure_ascii=False))
    typer.echo(json.dumps(result, indent=1) if as_json else render_findings(result))
