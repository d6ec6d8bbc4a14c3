"""Find quoted regions in plain text, whatever the typographic convention.

Handles curly and straight double quotes, « » and » «, „ “ (German), ‚ ‘ and
single quotes nested inside double ones, English-style multi-paragraph quotes
(no closing mark at a paragraph end, a new opening mark on the next paragraph),
and unbalanced marks: an orphan closing mark opens its quote at the start of
the paragraph, an opener that never closes runs to the end of its paragraph.
Nothing here raises on any input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsweave.model import Span

__all__ = ["QuoteRegion", "find_regions", "paragraph_spans", "OPENERS", "CLOSERS", "QUOTE_CHARS"]

# opener -> closers that end it
_DOUBLE_PAIRS: dict[str, str] = {
    "“": "”“\"",  # English “…” (and a sloppy “…"), German „…“ handled by „ below
    "„": "“”",
    "«": "»",
    "»": "«",  # Danish/German »…«
    '"': '"”',
    "‟": "”",
}
OPENERS = set(_DOUBLE_PAIRS)
CLOSERS = set("”»«\"“")
QUOTE_CHARS = set('“”„‟«»"')
SINGLE_OPEN = "‘‚‹'"
SINGLE_CLOSE = "’‹›'"
ALL_MARKS = "“”„‟«»\"'‘’‚‹›"  # every double and single quotation mark, for trimming spans

_PARA_SPLIT = re.compile(r"\n[ \t\r\f\v]*(?:\n[ \t\r\f\v]*)*")


@dataclass(slots=True)
class QuoteRegion:
    """One quoted stretch: ``outer`` includes the marks, ``inner`` excludes them.

    ``pieces`` are the inner parts per paragraph (a multi-paragraph quote has
    one per paragraph, each without its marks).
    """

    open_pos: int  # index of the opening mark, or -1 when it had none (orphan closer)
    close_pos: int  # index of the closing mark, or -1 when it never closed
    start: int  # outer start (the opening mark, or the paragraph start)
    end: int  # outer end (after the closing mark, or the paragraph end)
    pieces: list[Span] = field(default_factory=list)
    balanced: bool = True
    note: str = ""

    @property
    def inner(self) -> Span:
        return Span(self.pieces[0].start, self.pieces[-1].end)


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs as spans, split at line breaks, trimmed of spaces."""
    bounds = [0]
    for m in _PARA_SPLIT.finditer(text):
        bounds += [m.start(), m.end()]
    bounds.append(len(text))
    spans = (_trim(text, bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2))
    return [span for span in spans if len(span) > 0]


def _straight_role(text: str, i: int, para_start: int, para_end: int, width: int = 1) -> str:
    """'open', 'close' or 'either' for a straight double quote of ``width`` characters at ``i``."""
    before = text[i - 1] if i > para_start else " "
    after = text[i + width] if i + width < para_end else " "
    left_space = before.isspace() or before in "([{—–-/" or i == para_start
    right_space = after.isspace() or after in ".,;:!?)]}—–-" or i + width >= para_end
    if left_space and not right_space:
        return "open"
    if right_space and not left_space:
        return "close"
    return "either"


def _trim(text: str, s: int, e: int) -> Span:
    """``[s, e)`` without the spaces at its ends (callers pass ``s <= e``: marks are read in order)."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return Span(s, e)


def _marks(text: str, ps: int, pe: int) -> list[tuple[int, str, str, int]]:
    """Double-quote marks in a paragraph: (position, mark, role open/close/either, length).

    Two apostrophes ``''`` (and two backticks) stand for a straight double
    quote, as in PTB-style and some newspaper text.
    """
    out = []
    i = ps
    while i < pe:
        ch = text[i]
        if ch == "'" and i + 1 < pe and text[i + 1] == "'" and (i + 2 >= pe or text[i + 2] != "'"):
            out.append((i, '"', _straight_role(text, i, ps, pe, width=2), 2))
            i += 2
            continue
        if ch == "`" and i + 1 < pe and text[i + 1] == "`":
            out.append((i, '"', "open", 2))
            i += 2
            continue
        if ch == '"':
            out.append((i, ch, _straight_role(text, i, ps, pe), 1))
        elif ch in "“„‟«":
            out.append((i, ch, "open", 1))
        elif ch in "”»":
            out.append((i, ch, "close" if ch == "”" else "either", 1))
        i += 1
    return out


def find_regions(text: str, paragraphs: list[Span] | None = None) -> list[QuoteRegion]:
    """Quoted regions of ``text`` (double-quote level), in order, never overlapping.

    One pass over each paragraph's marks: an opener waits (``pending``) for
    its closer; a quote still open at a paragraph end is carried into the next
    when that one re-opens it (English multi-paragraph style).
    """
    if paragraphs is None:
        paragraphs = paragraph_spans(text)
    scan = _Scan(text)
    for pidx, para in enumerate(paragraphs):
        ps, pe = para.start, para.end
        marks = _marks(text, ps, pe)
        scan.pending = None
        scan.seg_start = ps
        k = _resume_carry(scan, marks, ps)
        while k < len(marks):
            pos, ch, role, ln = marks[k]
            k += 1
            if scan.pending is None:
                _mark_while_closed(scan, marks[k:], pos, ch, role, ln)
            else:
                _mark_while_open(scan, pos, ch, role, ln)
        _paragraph_end(scan, paragraphs, pidx, pe)
    if scan.carry is not None:
        scan.carry.balanced = False
        scan.carry.note = "unclosed"
        scan.regions.append(scan.carry)
    scan.regions.sort(key=lambda r: r.start)
    out: list[QuoteRegion] = []
    for r in scan.regions:
        if not r.pieces:
            continue
        if out and r.start < out[-1].end:
            continue
        out.append(r)
    return out


@dataclass(slots=True)
class _Scan:
    """The state of ``find_regions``' pass: what it found and what is still open."""

    text: str
    regions: list[QuoteRegion] = field(default_factory=list)
    carry: QuoteRegion | None = None  # a quote left open at the end of the previous paragraph
    pending: tuple[int, str, int] | None = None  # (position, mark, length) of an opener awaiting its closer
    seg_start: int = 0  # where an orphan closing mark's quote would start


def _resume_carry(scan: _Scan, marks: list[tuple[int, str, str, int]], ps: int) -> int:
    """At a paragraph start: re-open the carried quote if the paragraph opens with a mark, else close it off.

    Returns the index of the first mark still to read.
    """
    if scan.carry is None:
        return 0
    # English style: the continued quote re-opens with a mark at the paragraph start
    if marks and marks[0][0] == ps and marks[0][2] in ("open", "either"):
        scan.pending = (marks[0][0], marks[0][1], marks[0][3])
        return 1
    scan.carry.balanced = False
    scan.carry.note = "unclosed"
    scan.regions.append(scan.carry)
    scan.carry = None
    return 0


def _mark_while_closed(
    scan: _Scan, rest: list[tuple[int, str, str, int]], pos: int, ch: str, role: str, ln: int
) -> None:
    """A mark with no quote open: it opens one, or it is an orphan closer whose quote ran from the segment start."""
    if ch == "»":
        # » opens a »…« quote when a « follows; otherwise it is a closer
        if any(m[1] == "«" for m in rest):
            scan.pending = (pos, ch, ln)
            return
        role = "close"
    if ch == "«" or role == "open" or (role == "either" and ch == '"'):
        scan.pending = (pos, ch, ln)
        return
    inner = _trim(scan.text, scan.seg_start, pos)
    if len(inner) > 0:
        scan.regions.append(QuoteRegion(-1, pos, inner.start, pos + ln, [inner], balanced=False, note="no opening mark"))
    scan.seg_start = pos + ln


def _mark_while_open(scan: _Scan, pos: int, ch: str, role: str, ln: int) -> None:
    """A mark while a quote is open: its closer, a new opener (the open quote never closed), or ignored."""
    assert scan.pending is not None
    open_pos, open_ch, open_ln = scan.pending
    closers = _DOUBLE_PAIRS.get(open_ch, "”")
    # “ closes only a „ quote; for a “ quote, another “ is a new opener. A straight quote that
    # looks like an opener while one is open means the earlier one was never closed.
    if (ch in closers and (role in ("close", "either") or ch in "“«" or ch == '"')
            and not (ch == "“" and open_ch == "“") and not (ch == '"' and role == "open" and open_ch == '"')):
        _close(scan, open_pos, open_ln, pos, ln)
        return
    if role == "open" or ch in "“„«" or ch == '"':
        # a new opener while one is pending: the pending quote never closed;
        # it ends before this mark (degrade gracefully)
        inner = _trim(scan.text, open_pos + open_ln, pos)
        if scan.carry is not None:
            scan.carry.pieces.append(inner)
            scan.carry.end = inner.end
            scan.carry.balanced = False
            scan.carry.note = "unclosed"
            scan.regions.append(scan.carry)
            scan.carry = None
        elif len(inner) > 0:
            scan.regions.append(QuoteRegion(open_pos, -1, open_pos, inner.end, [inner], balanced=False, note="unclosed"))
        scan.pending = (pos, ch, ln)
    # a closer of another kind while open: ignored


def _close(scan: _Scan, open_pos: int, open_ln: int, pos: int, ln: int) -> None:
    """The open quote ends at the closing mark at ``pos`` (finishing a carried multi-paragraph one)."""
    inner = _trim(scan.text, open_pos + open_ln, pos)
    if scan.carry is not None:
        scan.carry.pieces.append(inner)
        scan.carry.close_pos = pos
        scan.carry.end = pos + ln
        scan.regions.append(scan.carry)
        scan.carry = None
    else:
        scan.regions.append(QuoteRegion(open_pos, pos, open_pos, pos + ln, [inner]))  # an empty quote keeps its empty piece
    scan.pending = None
    scan.seg_start = pos + ln


def _paragraph_end(scan: _Scan, paragraphs: list[Span], pidx: int, pe: int) -> None:
    """A quote still open at a paragraph end runs to it; it is carried on when the next paragraph opens with a mark."""
    if scan.pending is None:
        scan.carry = None
        return
    open_pos, _open_ch, open_ln = scan.pending
    inner = _trim(scan.text, open_pos + open_ln, pe)
    nxt = paragraphs[pidx + 1] if pidx + 1 < len(paragraphs) else None
    continues = False
    if nxt is not None:
        first = scan.text[nxt.start]
        continues = first in OPENERS or first == '"'
    if scan.carry is None:
        scan.carry = QuoteRegion(open_pos, -1, open_pos, pe, [], balanced=True)
    carry = scan.carry
    carry.pieces.append(inner)
    carry.end = pe
    if continues:
        carry.note = "multi-paragraph"
        return
    carry.balanced = False
    carry.note = "unclosed"
    if carry.pieces and len(carry.pieces[-1]) > 0:
        scan.regions.append(carry)
    scan.carry = None
