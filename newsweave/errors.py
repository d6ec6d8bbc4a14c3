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
    """A dependency a stage needs is not installed; says what to install.

    ``extra`` names the optional-dependency group of pyproject.toml that brings ``package``;
    None for a dependency of newsweave itself (a broken install: reinstalling brings it).
    """

    def __init__(self, package: str, extra: str | None, purpose: str) -> None:
        install = f"pip install 'newsweave[{extra}]'" if extra else "reinstall newsweave (pip install newsweave)"
        super().__init__(f"{purpose} needs the '{package}' package: {install}")
        self.package = package
        self.extra = extra
