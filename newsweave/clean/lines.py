"""Split extracted text into lines with offsets and paragraph-block structure.

Extractors disagree on how they separate paragraphs: plain-text files and many scrapes use
blank lines (a paragraph may then span several lines: a caption block, hard-wrapped text),
while trafilatura and news-please put one paragraph per line. :func:`split_lines` records
both the lines and the blank-line blocks, and :func:`uses_blank_line_paragraphs` decides
which convention a text follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

__all__ = ["Line", "split_lines", "uses_blank_line_paragraphs"]

_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(slots=True)
class Line:
    """One non-blank line of the extracted text, stripped of surrounding whitespace.

    ``start``/``end`` index the extracted text (``text == extracted[start:end]``); ``block``
    numbers the blank-line-separated blocks.
    """

    index: int
    text: str
    start: int
    end: int
    block: int


def split_lines(text: str) -> list[Line]:
    """Non-blank lines of ``text`` (``\\n``, ``\\r\\n`` and ``\\r`` all end a line)."""
    lines: list[Line] = []
    block = 0
    blank_since_last = False
    pos = 0
    n = len(text)
    while pos <= n:
        m = _NEWLINE.search(text, pos)
        stop = m.start() if m else n
        raw = text[pos:stop]
        stripped = raw.strip()
        if stripped:
            if lines and blank_since_last:
                block += 1
            lead = len(raw) - len(raw.lstrip())
            start = pos + lead
            lines.append(Line(len(lines), stripped, start, start + len(stripped), block))
            blank_since_last = False
        else:
            blank_since_last = True
        if m is None:
            break
        pos = m.end()
    return lines


def uses_blank_line_paragraphs(lines: list[Line]) -> bool:
    """True when blank lines separate paragraphs (then a block of adjacent lines is one
    paragraph); False when every line is a paragraph of its own."""
    same = sum(1 for a, b in pairwise(lines) if a.block == b.block)
    diff = sum(1 for a, b in pairwise(lines) if a.block != b.block)
    return diff > 0 and diff >= same
