"""Word tokens with their spans, and the content words two texts are compared on.

A word is a run of letters and digits, with inner apostrophes, periods and hyphens kept
("don't", "U.S.", "Reyes-Hall", "2.5"); tokens come back as written, with their spans, so a
finding can point at them. :func:`content_words` is what lexical matching compares: folded,
stop words out, lightly stemmed.
"""

from __future__ import annotations

import re

from newsweave.text.fold import fold
from newsweave.text.stem import stem
from newsweave.text.stopwords import STOPWORDS

__all__ = ["word_tokens", "content_words"]

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)


def word_tokens(text: str) -> list[tuple[str, int, int]]:
    """Words with their spans; tokens are returned as written (use :func:`~newsweave.text.fold.fold` to compare)."""
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]


def content_words(text: str) -> list[str]:
    """Stemmed content words (no stopwords, no one-letter tokens); numbers kept.

    >>> content_words("Officials said 400 migrants arrived.")
    ['official', '400', 'migrant', 'arriv']
    """
    out = []
    for token, _, _ in word_tokens(fold(text)):
        if token in STOPWORDS or (len(token) < 2 and not token.isdigit()):
            continue
        out.append(stem(token.replace(",", "")))
    return out
