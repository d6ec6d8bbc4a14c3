"""Typography folding for *matching* (never for display).

The clean text an article shows keeps its typography (curly quotes stay curly, dashes stay
dashes). Stages that compare wording across outlets — reprint detection, quote drift,
headline equality, statement alignment — must not see “ and " as different words, so they
match on a folded copy instead.

Two folds, kept apart because their outputs feed different stored and compared results:

- :func:`for_matching` (and :func:`line_key`, :func:`fold_punctuation`) — the cleaning
  stage's fold for whole texts and lines: NFKC, the full table of quotes, dashes and minus
  signs, invisible joiners dropped, whitespace runs collapsed; case kept unless asked;
- :func:`fold` — compare's fold for word tokens: NFKC, a smaller quote and dash table,
  lower case; whitespace and invisible characters are left as they are.

The smaller table misses the hyphen U+2010 (which NFKC makes of the non-breaking hyphen),
the minus sign, the modifier-letter apostrophe and the zero-width characters. Moving
:func:`fold` to the full table would be the right thing, but it changes how compare
tokenises such texts, so it is a change of its own, to make with its benchmark.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "for_matching", "fold_punctuation", "line_key"]

# Characters NFKC leaves alone but that differ only typographically.
_PUNCT_MAP = str.maketrans(
    {
        # single quotes / apostrophes / primes
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u02bc": "'", "\u02b9": "'", "\u0060": "'", "\u00b4": "'", "\u2039": "'", "\u203a": "'",
        # double quotes
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u301d": '"', "\u301e": '"', "\uff02": '"',
        # dashes and minus signs
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
        # invisible characters that split words
        "\u00ad": None, "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
    }
)
_WS = re.compile(r"\s+")

# compare's table (see the module docstring for how it differs from _PUNCT_MAP)
_TOKEN_FOLD = str.maketrans({
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‟": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "—": "-", "–": "-", "‑": "-", "…": "...", "\u00a0": " ",
})


def fold_punctuation(text: str) -> str:
    """Curly → straight quotes, every dash → ``-``, invisible joiners and soft hyphens dropped."""
    return text.translate(_PUNCT_MAP)


def for_matching(text: str, *, casefold: bool = False) -> str:
    """NFKC, quote/dash folding and whitespace collapse (runs of any whitespace → one space,
    stripped at both ends). ``casefold=True`` also folds case.

    >>> for_matching("“Safe\u00a0to breathe” — she said…")
    '"Safe to breathe" - she said...'
    """
    text = unicodedata.normalize("NFKC", text)
    text = fold_punctuation(text)
    text = _WS.sub(" ", text).strip()
    return text.casefold() if casefold else text


_KEY_STRIP = re.compile(r"^[\W_]+|[\W_]+$", re.UNICODE)


def line_key(text: str) -> str:
    """A comparison key for whole lines (headline equality): matching-folded, case-folded,
    with leading/trailing punctuation removed."""
    return _KEY_STRIP.sub("", for_matching(text, casefold=True))


def fold(text: str) -> str:
    """Fold typography for matching words: quotes, dashes, ellipses, NFKC, case.

    >>> fold("“It’s OK” — …")
    '"it\\'s ok" - ...'
    """
    return unicodedata.normalize("NFKC", text).translate(_TOKEN_FOLD).lower()
