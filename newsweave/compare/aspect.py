"""One aspect of a comparison — quotes, statements, numbers … — and what every aspect is given.

:func:`newsweave.compare.compare_articles` prepares a story once (:class:`PreparedStory`:
the articles, their quotes, entities, reprint groups, which one is the original) and then
runs each aspect of its registry (``newsweave.compare.ASPECTS``) in turn.  An aspect is
anything with a ``name`` and a ``compare`` method that turns the prepared story into a
:class:`Section`: the records of the story's JSON field of that name, plus the findings it
raises.  Flags and differences of every aspect are numbered together into the story's
``flags`` and ``differences``; the aspect never formats them itself.

An aspect may read the sections of the aspects before it in the registry
(``story.sections``): numbers link figures across the statements aligned before them,
signals use the quote groups and the misspelt names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from newsweave.model import Article, Finding

if TYPE_CHECKING:
    from newsweave.compare.names import Entity
    from newsweave.compare.statements import Statement
    from newsweave.enrich.quotes import QuoteAnalysis

__all__ = ["Aspect", "PreparedStory", "Section"]

R = TypeVar("R")


@dataclass(slots=True)
class Section(Generic[R]):
    """What one aspect adds to a story.

    ``records`` become the story's field named after the aspect (a list of typed records of
    :mod:`newsweave.compare.records`, or the aspect's own); ``flags`` are suspected errors and
    ``differences`` information, both numbered with every other aspect's; ``method``, when
    set, is reported in the story's ``method`` under the aspect's name.
    """

    records: R
    flags: list[Finding] = field(default_factory=list)
    differences: list[Finding] = field(default_factory=list)
    method: str | None = None


@dataclass(slots=True)
class PreparedStory:
    """A story ready to compare: what every aspect reads, computed once before any runs."""

    articles: list[Article]  # each once, in the caller's order
    analyses: dict[str, QuoteAnalysis]  # article id -> its quotes and people (the quotes stage)
    entities: dict[str, list[Entity]]  # article id -> its named entities
    patterns: dict[str, list[Finding]]  # article id -> its signs of machine translation or spinning
    reprint_groups: dict[str, str]  # article id -> reprint group id
    wording: dict[str, float]  # article id -> signs of machine translation or spinning per 1,000 characters
    rank: dict[str, int]  # article id -> 0 for the most original, then 1, 2 …
    method: str  # statement alignment: auto | embed | lexical
    embed_statements: Callable[[list[Statement]], Any] | None = None  # stored statement vectors, if any
    sections: dict[str, Section[Any]] = field(default_factory=dict)  # the sections of the aspects run so far


class Aspect(Protocol):
    """A named part of the comparison: the story's JSON field ``name`` and how to fill it.

    ``name`` also names the aspect's entry in the story's per-stage ``timings``.
    """

    name: str

    def compare(self, story: PreparedStory) -> Section[Any]: ...
