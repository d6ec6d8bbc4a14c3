"""The Typer applications every command module registers on.

Command modules (``cli/articles.py``, ``cli/stories.py`` …) hold no logic of
their own: they parse options, call the library, and render with rich.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import typer
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

__all__ = ["app", "bench_app", "console", "err_console", "state", "CliState", "TerminalConsole", "terminal_safe"]

#: C0 controls but tab and newline, DEL, C1 controls: what could move the cursor, clear the
#: screen, set the window title (``ESC]0;…``) or plant a hyperlink (OSC 8) if printed raw.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` without control characters (they occupy no cell, so layout is unchanged)."""
    return _CONTROL_CHARS.sub("", text)


class TerminalConsole(Console):
    """A rich Console that strips control characters from every text it prints.

    Titles, outlets, origins and article text come from untrusted input; sanitizing
    here, where all output passes, covers every table and command (rich's own
    styling is rendered from styles and control segments, which pass untouched).
    """

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and _CONTROL_CHARS.search(segment.text):
                yield Segment(terminal_safe(segment.text), segment.style)
            else:
                yield segment


console = TerminalConsole()
err_console = TerminalConsole(stderr=True)


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
