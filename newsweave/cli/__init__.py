"""Command line entry point: ``newsweave`` (see ``newsweave --help``)."""

from __future__ import annotations

import sys

from rich.markup import escape

# Importing a command module registers its commands on ``app``.
from newsweave.cli import articles, bench, compare, quotes, run, serve, spark, stories, watch  # noqa: F401
from newsweave.cli.app import app, err_console, state
from newsweave.errors import NewsweaveError

__all__ = ["app", "main"]


def main() -> None:
    """Run the CLI; a user-facing error is one line on stderr, not a traceback."""
    try:
        app(standalone_mode=True)
    except NewsweaveError as error:
        if state.debug:
            raise
        err_console.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(error.exit_code)
