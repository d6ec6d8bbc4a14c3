"""Quantities in text — counts, money, percentages, times, years and dates — with what they count.

>>> [(n.text, n.value, n.kind, n.modifier, n.what) for n in extract_numbers(
...     "Harbour crews moved more than 12,400 shipping containers, up 12% from $2.5 billion in 2020.")]
... # doctest: +NORMALIZE_WHITESPACE
[('more than 12,400 shipping containers', 12400.0, 'count', 'more than', 'shipping containers'),
 ('12%', 12.0, 'percent', None, 'percent'), ('$2.5 billion', 2500000000.0, 'money', None, 'USD'),
 ('2020', 2020.0, 'year', None, 'year')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsweave.model import Span
from newsweave.text.stem import stem
from newsweave.text.stopwords import STOPWORDS

__all__ = ["NumberMention", "extract_numbers"]

_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3}
_WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "hundred": 100, "dozen": 12, "dozens": 24, "hundreds": 200, "thousands": 2000,
}
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan\\.|Feb\\.|Aug\\.|Sept?\\.|Oct\\.|Nov\\.|Dec\\.")
_MODIFIER = (r"(?:(?P<mod>more than|fewer than|less than|at least|at most|nearly|almost|about|around|"
             r"roughly|approximately|some|over|under|up to|as many as|as few as|only|just)\s+)?")
_CURRENCY = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s*(?P<scale>thousand|million|billion|trillion|bn|m|k)\b)?"

_PATTERNS = [
    ("date", re.compile(rf"\b(?P<month>{_MONTHS})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,\s*(?P<year>\d{{4}}))?")),
    ("money", re.compile(rf"{_MODIFIER}(?P<cur>US\$|[$€£¥])\s?(?P<num>{_NUM}){_SCALE}")),
    ("money", re.compile(rf"{_MODIFIER}(?P<num>{_NUM}){_SCALE}\s+(?P<cur>dollars|euros|pounds|yen)\b")),
    ("percent", re.compile(rf"{_MODIFIER}(?P<num>{_NUM})\s?(?:%|percent\b|per cent\b)")),
    ("year", re.compile(r"\b(?P<num>(?:19|20)\d{2})\b(?![,.]?\d)(?!\s*(?:%|percent))")),
    ("time", re.compile(r"\b(?P<num>\d{1,2})(?::(?P<min>\d{2}))?\s?(?P<ampm>[ap]\.?m\.?)(?=\W|$)"
                        r"|\b(?P<h24>[01]?\d|2[0-3]):(?P<m24>[0-5]\d)\b")),
    ("count", re.compile(rf"{_MODIFIER}\b(?<![-/:])(?P<num>{_NUM}){_SCALE}(?![\d%]|:\d)")),
    ("count", re.compile(rf"{_MODIFIER}\b(?P<word>{'|'.join(_WORD_NUMBERS)})\b(?:\s+of)?", re.I)),
]
_UNIT_WORD = re.compile(r"\s+([a-z][a-z-]*)")


@dataclass(frozen=True, slots=True)
class NumberMention:
    start: int
    end: int
    text: str  # the whole mention as written, counted noun included
    value: float
    kind: str  # count | money | percent | time | year | date
    modifier: str | None  # "more than", "about" …
    what: str | None  # what it counts: "shipping containers", "USD", "percent", "year"

    @property
    def unit_key(self) -> str | None:
        """The counted thing's head word, stemmed ("minors" -> "minor"), for matching across outlets."""
        if self.what is None:
            return None
        return stem(self.what.split()[-1])


def _counted(text: str, pos: int, limit: int = 3) -> tuple[str | None, int]:
    """Up to ``limit`` lowercase content words after ``pos``: the thing counted."""
    words = []
    end = pos
    cursor = pos
    for _ in range(limit):
        m = _UNIT_WORD.match(text, cursor)
        if not m or m.group(1) in STOPWORDS or m.group(1) in ("percent", "of"):
            break
        words.append(m.group(1))
        end = m.end()
        cursor = m.end()
        if text[cursor : cursor + 1] in ",.;:!?)" or (m.group(1).endswith("s") and not m.group(1).endswith("ss")):
            break  # a plural noun is the head of what is counted: "four stations (fought)"
    return (" ".join(words) or None), end


def extract_numbers(text: str) -> list[NumberMention]:
    """Every quantity in ``text`` with its span; overlapping matches keep the first (most specific) kind."""
    taken: list[Span] = []
    out: list[NumberMention] = []

    def free(s: int, e: int) -> bool:
        return all(e <= t.start or s >= t.end for t in taken)

    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.start(), m.end()
            groups = m.groupdict()
            if groups.get("num") is not None:
                num_start = m.start("num")
            elif groups.get("word"):
                num_start = m.start("word")
            else:
                num_start = s
            if not free(num_start, e):
                continue
            if kind == "date":
                value = float(groups["year"] or 0) * 10000 + float(groups["day"])
                what = groups["month"].rstrip(".")
                mention = NumberMention(s, e, text[s:e], value, "date", None, what)
            elif kind == "time":
                if groups.get("h24") is not None:
                    value = float(groups["h24"]) * 60 + float(groups["m24"])
                else:
                    hour = float(groups["num"]) % 12 + (12 if groups["ampm"].lower().startswith("p") else 0)
                    value = hour * 60 + float(groups.get("min") or 0)
                num_start = s
                mention = NumberMention(s, e, text[s:e], value, "time", None, "time of day")
            elif kind == "year":
                if text[max(0, s - 1) : s] in "$€£#":
                    continue
                mention = NumberMention(s, e, text[s:e], float(groups["num"]), "year", None, "year")
            else:
                if groups.get("word"):
                    value = float(_WORD_NUMBERS[groups["word"].lower()])
                else:
                    value = float(groups["num"].replace(",", ""))
                scale = groups.get("scale")
                if scale:
                    value *= _SCALES[scale.lower()]
                mod = groups.get("mod")
                if mod:
                    mod = mod.lower()
                if kind == "money":
                    cur = groups["cur"]
                    named = {"dollars": "USD", "euros": "EUR", "pounds": "GBP", "yen": "JPY"}.get(cur.lower(), cur)
                    what = _CURRENCY.get(cur, named)
                    end = e
                elif kind == "percent":
                    what, end = "percent", e
                else:
                    what, end = _counted(text, e)
                    if what is None and groups.get("word"):
                        continue  # "one, who …", "two of them": not a quantity of something
                    if what is None and scale is None and "," not in (groups.get("num") or ""):
                        # a bare small number with nothing counted ("number 2"): keep, no unit
                        pass
                mention = NumberMention(s, end, text[s:end], value, kind, mod, what)
            out.append(mention)
            taken.append(Span(num_start, e))
    out.sort(key=lambda n: n.start)
    return out
