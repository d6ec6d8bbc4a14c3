"""Small text helpers shared by the compare modules (folding, tokens, content words)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "word_tokens", "content_words", "stem", "STOPWORDS", "FUNCTION_WORDS"]

_QUOTE_FOLD = str.maketrans({
    "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‟": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "—": "-", "–": "-", "‑": "-", "…": "...", "\u00a0": " ",
})

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each few for from further had hadn't has hasn't have haven't
    having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll
    i'm i've if in into is isn't it it's its itself let's me more most mustn't my myself no nor
    not of off on once only or other ought our ours ourselves out over own same shan't she she'd
    she'll she's should shouldn't so some such than that that's the their theirs them themselves
    then there there's these they they'd they'll they're they've this those through to too under
    until up very was wasn't we we'd we'll we're we've were weren't what what's when when's where
    where's which while who who's whom why why's will with won't would wouldn't you you'd you'll
    you're you've your yours yourself yourselves said says say told tell according also just
    would could will may might must one two new now would us mr mrs ms""".split()
)

FUNCTION_WORDS = frozenset(
    "the a an of to in on at for with by from as and or but that this these those it its is are was were be".split()
)

_WORD = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*", re.UNICODE)


def fold(text: str) -> str:
    """Fold typography for matching: quotes, dashes, ellipses, NFKC, case."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTE_FOLD).lower()


def word_tokens(text: str) -> list[tuple[str, int, int]]:
    """Words with their spans; tokens are returned as written (use :func:`fold` to compare)."""
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper, enough to match "arrived"/"arriving", "minors"/"minor"."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if w.isdigit() or len(w) <= 3:
        return w
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("ly", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + repl
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


def content_words(text: str) -> list[str]:
    """Stemmed content words (no stopwords, no one-letter tokens); numbers kept."""
    out = []
    for token, _, _ in word_tokens(fold(text)):
        if token in STOPWORDS or (len(token) < 2 and not token.isdigit()):
            continue
        out.append(stem(token.replace(",", "")))
    return out
