"""Errors a user can act on: one line, naming the thing and the reason.

The CLI prints these without a traceback (unless ``--debug``); anything else
is a bug and shows its traceback.
"""

from __future__ import annotations

__all__ = ["NewsweaveError", "MissingDependency", "InputError", "NotFound"]


class NewsweaveError(Exception):
    """Base of every error meant for the user rather than the developer."""

    exit_code = 2


class InputError(NewsweaveError):
    """Bad user input: a path, URL, option or record that cannot be used."""


class NotFound(NewsweaveError):
    """An id (article, story) that the store does not hold."""


class MissingDependency(NewsweaveError, ImportError):
    """An optional dependency a stage needs is not installed; says what to install."""

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the '{package}' package: pip install 'newsweave[{extra}]'"
        )
        self.package = package
        self.extra = extra
