"""Sentence and clause splitting with character spans into the text.

A rule-based splitter: fast (no model), deterministic, and every result is a
:class:`~newsweave.model.Span` into the string it was given, so statements can
be shown in place.  It knows common abbreviations ("Gov.", "U.S.", "Mr."),
initials, decimal numbers and sentence-final punctuation followed by a closing
quote or bracket.

The quotes stage splits the frames around quotations with a splitter of its own
(``enrich.quotes.extract.split_sentences``: no sentence ends inside an inline quotation
or before a short "…," she said" clause, which needs the cue lexicon); its abbreviations
and sentence starters are kept here beside these (:data:`QUOTE_FRAME_ABBREVIATIONS`,
:data:`QUOTE_FRAME_STARTERS`). The lists differ: each was tuned with its own stage's
benchmark (statement alignment, quote attribution), and merging them moves both. Two
cruder cuts live here as well: :data:`SENTENCE_END` (the cleaning rules count sentences
with it) and :data:`LEAD_SENTENCE_BREAK` (the story clusterer's lead text).

>>> text = 'Arizona Gov. Doug Ducey spoke. "It is hard," he said. Prices rose 2.5% in the U.S. on Monday.'
>>> [text[s.start:s.end] for s in split_sentences(text)]
['Arizona Gov. Doug Ducey spoke.', '"It is hard," he said.', 'Prices rose 2.5% in the U.S. on Monday.']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from newsweave.model import Span

__all__ = ["split_sentences", "split_clauses", "statement_spans", "ABBREVIATIONS", "QUOTE_FRAME_ABBREVIATIONS",
           "QUOTE_FRAME_STARTERS", "SENTENCE_END", "LEAD_SENTENCE_BREAK"]

#: Words (lower case, without their final period) after which a period ends no sentence here.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sen rep reps gov gen col lt sgt capt cmdr adm maj st mt ft jr sr
    inc corp co ltd llc bros no nos vs etc e.g i.e a.m p.m approx dept est fig jan feb mar apr
    jun jul aug sep sept oct nov dec rev hon pres supt atty u.s u.k u.n e.u d.c""".split()
)

#: The quotes stage's abbreviations. Against :data:`ABBREVIATIONS` it adds the plural titles
#: political copy writes ("Sens.", "Govs.", "Messrs.", "Mmes."), "Cpl.", "GOP." and "Univ.", and
#: lacks "Cmdr.", "Hon.", "Bros.", "Nos.", "LLC", "Jun.", "Jul.", "E.U." and "a.m."/"p.m." (its
#: splitter treats every dotted initialism alike: one ends a sentence only before a starter).
QUOTE_FRAME_ABBREVIATIONS = frozenset(
    """mr mrs ms dr gov sen rep reps st jr sr gen lt col capt sgt prof rev inc corp co ltd no vs
    etc jan feb mar apr aug sept sep oct nov dec u.s u.n u.k d.c ft mt pres gop e.g i.e adm maj
    cpl supt atty sens govs messrs mmes fig approx dept est univ""".split()
)
#: After a dotted initialism ("U.S."), the quotes stage ends a sentence only before one of these.
QUOTE_FRAME_STARTERS = frozenset(
    """The He She It They But And In I We A An This That There Its His Her Their On At As After
    Before When While Officials Police""".split()
)

#: The cleaning rules' count of sentence ends in a line (does it read like prose?): any
#: ``. ! ? …`` before a space, closing marks allowed. Abbreviations count too; a line rule
#: needs only a rough number, and its thresholds were set with this count.
SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*(?=\s|$)")
#: Where the story clusterer's lead text (title + first sentences) is cut: a sentence end
#: before a capital or digit, or a line break. Cruder than :func:`split_sentences`, and kept
#: so: the clusterer's calibrated thresholds were fitted on vectors of leads cut this way.
LEAD_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"'“‘(]?[A-Z0-9])|\n+")

# A sentence may end at . ! ? … (possibly repeated), then closing quotes/brackets, then space.
_END = re.compile(r"""([.!?…]+)(["'”’»)\]]*)(\s+|$)""")
# words that begin a sentence far more often than they follow "U.S." or "a.m." inside one
_SENTENCE_STARTERS = frozenset(
    "The A An He She It They We I You This That These Those There But And Or So Yet In On At For "
    "After Before When While If As Its His Her Their Our Officials Some Many Most No".split()
)


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the '.' at ``dot`` ends an abbreviation or an initial, not a sentence."""
    start = dot
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():  # an initial: "John F. Kennedy"
        return True
    return "." in word and all(len(p) <= 2 for p in word.split("."))  # "u.s", "d.c"


def _next_starts_sentence(text: str, pos: int) -> bool:
    """The text after a candidate boundary begins like a sentence."""
    rest = text[pos : pos + 3]
    if not rest:
        return True
    ch = rest[0]
    return ch.isupper() or ch.isdigit() or ch in "\"'“‘«([—–-"


def _split_block(text: str, start: int, end: int) -> Iterable[Span]:
    pos = start
    for match in _END.finditer(text, start, end):
        punct_start, gap_start, gap_end = match.start(1), match.end(2), match.end(3)
        if match.group(1) == "." and not match.group(2) and _is_abbreviation(text, punct_start):
            # "Gov. Doug Ducey" goes on; "in the U.S. On Monday" ends (U.S., a.m. often end one).
            word = text[max(start, punct_start - 3) : punct_start].lower()
            following = text[gap_end : gap_end + 12].split(" ", 1)[0].strip(",;:")
            if not (word in ("u.s", "a.m", "p.m", "etc") and following in _SENTENCE_STARTERS):
                continue
        if gap_end < end and not _next_starts_sentence(text, gap_end):
            continue
        if gap_start > pos:
            yield Span(pos, gap_start)
        pos = gap_end
    if pos < end:
        tail_end = end
        while tail_end > pos and text[tail_end - 1].isspace():
            tail_end -= 1
        if tail_end > pos:
            yield Span(pos, tail_end)


def split_sentences(text: str) -> list[Span]:
    """Sentences of ``text``: paragraphs first (a blank line always ends a sentence), then rules.

    Also single newlines end a sentence (headlines, captions and list items carry no period).
    """
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text):
        s, e = line.start(), line.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            spans.extend(_split_block(text, s, e))
    return spans


_CLAUSE_BREAK = re.compile(
    r"(?:;\s+|,\s+(?=(?:which|while|although|though|but|whereas|and then)\b))"
)


def _inside_quote(sentence: str, pos: int) -> bool:
    before = sentence[:pos]
    depth = before.count("“") - before.count("”") + before.count("«") - before.count("»")
    return depth > 0 or before.count('"') % 2 == 1


def split_clauses(text: str, span: Span, max_words: int = 40, min_words: int = 6) -> list[Span]:
    """Split a long sentence at clause boundaries (";", ", which/while/but …"; not at dashes, which mostly enclose asides).

    Sentences of at most ``max_words`` words stay whole; a piece shorter than
    ``min_words`` words stays attached to its neighbour.
    """
    sentence = text[span.start : span.end]
    if len(sentence.split()) <= max_words:
        return [span]
    cuts = [span.start]
    for match in _CLAUSE_BREAK.finditer(sentence):
        if _inside_quote(sentence, match.start()):
            continue
        left = text[cuts[-1] : span.start + match.start()]
        right = sentence[match.end() :]
        if len(left.split()) >= min_words and len(right.split()) >= min_words:
            cuts.append(span.start + match.end())
    if len(cuts) == 1:
        return [span]
    pieces = []
    for i, cut in enumerate(cuts):
        end = cuts[i + 1] if i + 1 < len(cuts) else span.end
        e = end
        while e > cut and (text[e - 1].isspace() or text[e - 1] in ",;—–"):
            e -= 1
        if e > cut:
            pieces.append(Span(cut, e))
    return pieces


def statement_spans(text: str, max_words: int = 40) -> list[Span]:
    """Sentences, with long ones split into clauses: the units compared across outlets."""
    out: list[Span] = []
    for sentence in split_sentences(text):
        out.extend(split_clauses(text, sentence, max_words=max_words))
    return out
