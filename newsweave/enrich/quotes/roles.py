"""Quotes as character sets per role (source, cue, content).

The PolNeAR scorer compares these sets and the role tagger reads the rules'
output through them, so both see one convention: whitespace never counts,
and a direct or mixed quote's content carries its quotation marks (PolNeAR's
content spans include them; ``Quote.content`` does not).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from newsweave.model import Span

__all__ = ["ROLES", "quote_roles", "role_chars", "roles_of", "with_marks"]

ROLES = ("source", "cue", "content")
_OPEN = "“„‟«»\"‘'‚"
_CLOSE = "”»«\"’'“"


def role_chars(text: str, pieces: Iterable[tuple[int, int]]) -> frozenset[int]:
    """The non-space character offsets the pieces cover (pieces of one span join).

    Plain (start, end) pairs, not Spans: the scorer passes gold offsets as the data
    files hold them, and they are clamped to the text here rather than validated.
    """
    out = set()
    for s, e in pieces:
        for i in range(max(0, s), min(len(text), e)):
            if not text[i].isspace():
                out.add(i)
    return frozenset(out)


def with_marks(text: str, piece: Span) -> Span:
    """Widen a direct-quote piece to the quotation marks around it."""
    s, e = piece.start, piece.end
    j = s
    while j > 0 and text[j - 1] == " ":
        j -= 1
    if j > 1 and text[j - 2 : j] in ("''", "``"):
        s = j - 2
    elif j > 0 and text[j - 1] in _OPEN:
        s = j - 1
    k = e
    while k < len(text) and text[k] in " ,":
        k += 1
    if text[k : k + 2] == "''":
        e = k + 2
    elif k < len(text) and text[k] in _CLOSE:
        e = k + 1
    return Span(s, e)


def quote_roles(text: str, quote: Any) -> dict[str, frozenset[int]]:
    """One quote's roles; a role the quote lacks is absent."""
    out: dict[str, frozenset[int]] = {}
    if quote.source is not None:
        out["source"] = role_chars(text, [(quote.source.start, quote.source.end)])
    if quote.cue is not None:
        out["cue"] = role_chars(text, [(quote.cue.start, quote.cue.end)])
    pieces = [with_marks(text, f) for f in quote.pieces] if quote.kind in ("direct", "mixed") else quote.pieces
    out["content"] = role_chars(text, [(p.start, p.end) for p in pieces])
    return out


def roles_of(text: str, quotes: Iterable[Any]) -> dict[str, list[frozenset[int]]]:
    """Every quote's non-empty role sets, by role."""
    out: dict[str, list[frozenset[int]]] = {r: [] for r in ROLES}
    for quote in quotes:
        for role, chars in quote_roles(text, quote).items():
            if chars:
                out[role].append(chars)
    return out
