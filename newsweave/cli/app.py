"""The Typer applications every command module registers on.

Command modules (``cli/articles.py``, ``cli/stories.py`` …) hold no logic of
their own: they parse options, call the library, and render with rich.
"""

from __future__ import annotations

from dataclasses import dataclass

import typer
from rich.console import Console

__all__ = ["app", "bench_app", "console", "err_console", "state", "CliState"]

console = Console()
err_console = Console(stderr=True)


@dataclass
class CliState:
    db: str | None = None  # --db value; None means NEWSWEAVE_DB or the default file
    debug: bool = False


state = CliState()

app = typer.Typer(
    name="newsweave",
    help="Show how every outlet tells the same story: read, clean, group and compare news coverage.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

bench_app = typer.Typer(
    help="Measure quality and speed on public benchmarks, beside a peer tool in the same run.",
    epilog="[b]Examples[/b]\n\n  newsweave bench ingest --n 500\n\n  newsweave bench compare --sizes 50 --json\n\n"
           "Figures and how they were made: docs/benchmarks.md.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(bench_app, name="bench")


@app.callback()
def _global_options(
    db: str = typer.Option(
        None,
        "--db",
        envvar="NEWSWEAVE_DB",
        help="SQLite file path or postgresql:// URL (default: ./newsweave.db).",
        show_default=False,
    ),
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
) -> None:
    state.db = db
    state.debug = debug
