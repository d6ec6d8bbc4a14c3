"""Light stemmers: strip the suffixes that make one word look like two.

Not a linguistic stemmer (no Porter, no lemmatiser: those cost a model or a dependency
and over-conflate names). Two strengths, because two stages need different ones:

- :func:`stem` — matching wording across outlets: "arrived"/"arriving",
  "minors"/"minor", "said"/"says" stay apart; strips -ies/-ied/-ing/-ed/-es/-s/-ly and a
  final -e, keeping at least three letters;
- :func:`plural_stem` — the story clusterer's tokens: only the plural -s (and the
  possessive), since tense and adverb endings rarely split one story's vocabulary and
  stripping them costs throughput on millions of tokens.
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["stem", "plural_stem"]


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


def plural_stem(token: str) -> str:
    """A lower-case token without its possessive and plural -s ("migrants"→"migrant", "cities"→"city").

    Words in -ss and -us keep their s ("press", "virus"), and so do words of four letters
    or fewer ("bus", "news").
    """
    token = token.replace("’", "'")
    if token.endswith("'s"):
        token = token[:-2]
    if len(token) > 4 and token[-1] == "s" and token[-2] not in "su'":
        if token.endswith("ies"):
            return token[:-3] + "y"
        return token[:-1]
    return token
