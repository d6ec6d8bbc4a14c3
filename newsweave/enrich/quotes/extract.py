"""Quotation extraction and attribution over a plain string.

How it works, in order:

1. ``marks.find_regions`` finds every double-quoted region (all typographic
   conventions, multi-paragraph quotes, unbalanced marks).
2. Regions that stand as a quotation (at a sentence start, or after ``:`` or
   ``,``) are *masked*: replaced by a short placeholder (``"Q,"``), so that
   only the attribution frame around them is parsed, never the quote itself.
   Short quoted words inside a sentence stay in place (mixed quotes).
3. The masked text is split into sentences; only sentences holding a
   placeholder or a cue-lexicon word are parsed by spaCy's small English
   pipeline (tagger + parser only: its NER model costs as much as the parser,
   so names come from proper-noun runs scored by ``_name_chains``; a pipeline
   passed in with NER enabled has its PERSON entities used instead).
4. Dependency rules turn each cue verb with a subject into an attribution:
   source = subject subtree, cue = verb (+ auxiliaries), content = the
   quotation placeholder(s), the ``ccomp`` clause, an ``xcomp`` or object, or
   the main clause a parenthetical ``…, he said`` hangs from; ``according to X``
   is handled as a phrase. The content rule families are the
   ``CONTENT_RULES`` table, tried in order.
5. ``drafts.draft_quotes`` turns the attributions into quotes; quotations with
   no cue of their own continue the previous quotation (same paragraph: extra
   fragments; a following paragraph: same speaker).
6. ``people.assemble`` links names, partial and misspelt names, titles and
   pronouns to canonical people and resolves each quote's speaker.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from newsweave.enrich.quotes.lexicon import cue_forms, may_take_any_content, structural_ok
from newsweave.enrich.quotes.marks import QuoteRegion, find_regions, paragraph_spans
from newsweave.model import Span
from newsweave.text.sentences import QUOTE_FRAME_ABBREVIATIONS as _ABBREV
from newsweave.text.sentences import QUOTE_FRAME_STARTERS as _STARTERS
from newsweave.text.titles import NAME_RUN_TITLES as _PERSON_TITLES

__all__ = ["Attribution", "Parsed", "Tok", "QUOTE_TOKEN", "analyse_structure", "split_sentences", "pos_of_tag"]

_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_SENT_END = re.compile(r"[.!?…]+['\"”’»)\]]*(?=\s+[\"“‘'«(\[A-Z0-9])|[.!?…]+['\"”’»)\]]*$")
_QUOTE_MARKS = "“”„‟«»\"'‘’‚‹›"
_PLACEHOLDER = "Quote"
QUOTE_TOKEN = '"' + _PLACEHOLDER + '"'  # the tagger's token for a whole masked quotation
_LONG_RUN = re.compile(r"\S{120,}")


class Tok(NamedTuple):
    """One parsed token in text coordinates, for the tagger (picklable: its training cache keeps these)."""

    start: int
    end: int
    text: str
    tag: str
    dep: str
    head: int  # index in the paragraph's token list
    sent: int  # sentence index (as ``Attribution.sent``)


@dataclass(slots=True)
class Attribution:
    """One attribution found by the rules (character spans into the original text)."""

    cue: Span | None
    source: Span | None
    content: list[Span]  # one or more pieces, in order, without outer quote marks
    regions: list[int] = field(default_factory=list)  # direct regions it carries
    kind: str = "indirect"
    sent: int = -1  # sentence index (original coordinates)
    para: int = -1
    rule: str = ""
    source_tokens: list[tuple[int, int, str, str, str]] = field(default_factory=list)  # (start, end, text, pos, ent)
    source_head: Span | None = None  # the subject's head word
    continued_from: int | None = None  # index of the attribution a cue-less quote continues
    cue_head: str = ""  # the cue word, lower-cased
    group: str = ""  # which rule family found it: quote / ccomp / xcomp / object / according / paren / other


@dataclass(slots=True)
class Parsed:
    """Everything the rules found, for the people/speaker stage and the API."""

    text: str
    paragraphs: list[Span]
    sentences: list[Span]  # original coordinates
    sentence_para: list[int]
    regions: list[QuoteRegion]
    direct: list[bool]  # per region: stands as a quotation (masked) or inline
    attributions: list[Attribution]
    persons: list[tuple[int, int, float]]  # name spans found in parsed sentences, with a person score
    subjects: dict[int, Span]  # sentence index -> main subject span
    parsed_sentences: int = 0
    stats: dict[str, Any] = field(default_factory=dict)
    tokens: list[list[Tok]] = field(default_factory=list)  # per paragraph: the parsed tokens (for the tagger)


# Coordinates: what is kept (Attribution, Parsed) indexes the original text and is a Span.
# Offsets into the masked copy or into one parsed sentence stay plain (start, end) pairs:
# they are working positions of the parse, never evidence, and become Spans when mapped
# back (``_Sentence.orig``).

# ---------------------------------------------------------------------------
# sentences


def split_sentences(
    text: str, start: int, end: int, protect: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]`` (rule-based; abbreviations kept).

    No sentence ends inside a ``protect`` span (an inline quotation).
    """
    out: list[tuple[int, int]] = []
    s = start
    seg = text[start:end]
    for m in _SENT_END.finditer(seg):
        e = start + m.end()
        if protect and any(a < e - 1 < b - 1 for a, b in protect):
            continue
        if text[e - 1] in "”\"»" and _attribution_follows(text, e, end):
            continue
        # the word before the final period
        dot = start + m.start()
        j = dot
        while j > s and not text[j - 1].isspace():
            j -= 1
        word = text[j:dot].lower().strip("(\"“'‘")
        if text[dot] == "." and (word in _ABBREV or (len(word) == 1 and word.isalpha())):
            continue
        if text[dot] == "." and re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):  # U.S. / D.C. / a.m.
            nxt = text[e:e + 40].lstrip()
            if nxt[:1] in "\"“‘«" or nxt.split(" ", 1)[0] in _STARTERS:
                pass
            else:
                continue
        if e > s:
            out.append((s, e))
        s = e
        while s < end and text[s].isspace():
            s += 1
    if s < end:
        out.append((s, end))
    return [(a, b) for a, b in out if b > a]


def _attribution_follows(text: str, pos: int, end: int) -> bool:
    """'…nice!” Teixeira wrote.': a short cue clause after a closing mark ends no sentence."""
    rest = text[pos:min(end, pos + 80)]
    m = re.match(r"\s*([^.!?\n]*)[.!?,]", rest)
    if not m:
        return False
    words = _WORD.findall(m.group(1))
    forms = cue_forms()
    return 1 <= len(words) <= 6 and any(w.lower() in forms for w in words[:5])


# ---------------------------------------------------------------------------
# masking


class _Masked:
    """A copy of the text with each direct quotation replaced by a placeholder."""

    def __init__(self, text: str, regions: list[QuoteRegion], direct: list[bool]) -> None:
        pieces: list[str] = []
        self.m_starts: list[int] = []
        self.o_starts: list[int] = []
        self.lengths: list[int] = []
        self.region_of: list[int] = []
        pos = 0
        m = 0
        for idx, r in enumerate(regions):
            if not direct[idx]:
                continue
            if r.start > pos:
                chunk = text[pos:r.start]
                self._add(pieces, chunk, m, pos, -1)
                m += len(chunk)
            last = text[r.pieces[-1].end - 1] if len(r.pieces[-1]) > 0 else ""
            punct = last if last in ",.?!" else ""
            ph = f'"{_PLACEHOLDER}{punct}"'
            if r.end < len(text) and text[r.end].isalnum():
                ph += " "
            self._add(pieces, ph, m, r.start, idx)
            m += len(ph)
            pos = r.end
        if pos < len(text):
            self._add(pieces, text[pos:], m, pos, -1)
            m += len(text) - pos
        self.text = "".join(pieces)
        self.regions = regions

    def _add(self, pieces: list[str], chunk: str, m: int, o: int, region: int) -> None:
        pieces.append(chunk)
        self.m_starts.append(m)
        self.o_starts.append(o)
        self.lengths.append(len(chunk))
        self.region_of.append(region)

    def piece(self, moff: int) -> int:
        return max(0, bisect.bisect_right(self.m_starts, moff) - 1)

    def to_orig(self, moff: int, end: bool = False) -> int:
        if not self.m_starts:
            return moff
        i = self.piece(moff - 1 if end and moff > 0 else moff)
        reg = self.region_of[i]
        if reg >= 0:
            r = self.regions[reg]
            return r.end if end else r.start
        return self.o_starts[i] + (moff - self.m_starts[i])

    def to_masked(self, ooff: int) -> int:
        for ms, os_, ln, reg in zip(self.m_starts, self.o_starts, self.lengths, self.region_of):
            if reg < 0 and os_ <= ooff <= os_ + ln:
                return ms + (ooff - os_)
        return -1

    def shift(self, ms: int, me: int) -> int | None:
        """original - masked offset over ``[ms, me)`` when no quotation is masked there, else None."""
        if not self.m_starts:
            return 0
        i = self.piece(ms)
        if i != self.piece(max(ms, me - 1)) or self.region_of[i] >= 0:
            return None
        return self.o_starts[i] - self.m_starts[i]

    def region_at(self, moff: int) -> int:
        if not self.m_starts:
            return -1
        return self.region_of[self.piece(moff)]


def _masked_tokens(doc, m0: int, masked: _Masked, sent: int, offset: int) -> list[Tok]:
    """A parsed sentence's tokens in original coordinates, for the tagger.

    The placeholder of a masked quotation (``"Quote,"``: several tokens)
    becomes one token spanning the whole quotation; heads are paragraph
    indices (``offset`` = tokens of the paragraph before this sentence).
    """
    shift = masked.shift(m0, m0 + len(doc.text))
    if shift is not None and not any(t.is_space for t in doc):
        # the usual case, no masked quotation in the sentence: one constant offset
        d = m0 + shift
        return [Tok(d + t.idx, d + t.idx + len(t.text), t.text, t.tag_, t.dep_, offset + t.head.i, sent) for t in doc]
    groups: list[list[Any]] = []
    regs: list[int] = []
    for t in doc:
        if t.is_space:
            continue
        reg = masked.region_at(m0 + t.idx)
        if reg >= 0 and regs and regs[-1] == reg:
            groups[-1].append(t)
        else:
            groups.append([t])
            regs.append(reg)
    group_of = {t.i: gi for gi, g in enumerate(groups) for t in g}
    out: list[Tok] = []
    for gi, (g, reg) in enumerate(zip(groups, regs)):
        top = next((t for t in g if group_of.get(t.head.i) != gi or t.head.i == t.i), g[0])
        head = offset + group_of.get(top.head.i, gi)
        if reg >= 0:
            r = masked.regions[reg]
            word = next((t for t in g if t.text == _PLACEHOLDER), top)
            out.append(Tok(r.start, r.end, QUOTE_TOKEN, word.tag_, top.dep_, head, sent))
        else:
            t = g[0]
            s, e = masked.to_orig(m0 + t.idx), masked.to_orig(m0 + t.idx + len(t.text), end=True)
            out.append(Tok(s, e, t.text, t.tag_, t.dep_, head, sent))
    return out


# ---------------------------------------------------------------------------
# the rules


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def _classify_regions(text: str, regions: list[QuoteRegion], paragraphs: list[Span]) -> list[bool]:
    """True for regions that stand as a quotation of their own (masked and parsed around)."""
    para_starts = [p.start for p in paragraphs]
    out = []
    for r in regions:
        inner = " ".join(p.of(text) for p in r.pieces)
        nwords = _words(inner)
        pi = max(0, bisect.bisect_right(para_starts, r.start) - 1)
        ps = paragraphs[pi].start if paragraphs else 0
        before = text[ps:r.start].rstrip()
        if r.open_pos < 0:
            out.append(nwords >= 3)
            continue
        ends_sentence = inner.rstrip()[-1:] in ",.?!…" if inner.strip() else False
        at_start = not before or before[-1] in ".?!:…" or (before.endswith(("”", '"', "’")) and _words(before) == 0)
        after_colon_comma = bool(before) and before[-1] in ":,—–-"
        if at_start and (nwords >= 3 or ends_sentence):
            out.append(True)
        elif after_colon_comma and (nwords >= 4 or (ends_sentence and nwords >= 2)):
            # "…, said X, “…”" / "X said: “…”"; not "that “…”"
            out.append(True)
        else:
            out.append(False)
    return out


_SUBJ = {"nsubj", "nsubjpass", "csubj"}
_CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "attr", "oprd", "parataxis"}
_TELL_LIKE = {"told", "tell", "tells", "telling", "asked", "ask", "asks", "asking", "urged", "informed", "assured", "warned",
              "reminded"}
_PRONOUN_SOURCES = {"he", "she", "they", "it", "i", "we", "you", "who", "which", "that"}


def _subtree_pieces(tok, exclude) -> list[tuple[int, int]]:
    """Contiguous runs of a subtree without one child subtree (punctuation at the edges dropped)."""
    toks = sorted(
        (t for t in tok.subtree if not (exclude.left_edge.i <= t.i <= exclude.right_edge.i)), key=lambda t: t.i
    )
    runs: list[list] = []
    for t in toks:
        if runs and runs[-1][-1].i == t.i - 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    out = []
    for run in runs:
        while run and run[0].is_punct and run[0].text not in "\"“'‘(":
            run = run[1:]
        while run and run[-1].is_punct and run[-1].text not in "\"”'’)":
            run = run[:-1]
        if run:
            out.append((run[0].idx, run[-1].idx + len(run[-1].text)))
    return out


def _subtree_span(tok, exclude=None) -> tuple[int, int]:
    """Character span (doc-local) of a token's subtree, optionally without one child subtree."""
    toks = [t for t in tok.subtree if exclude is None or not (exclude.left_edge.i <= t.i <= exclude.right_edge.i)]
    if not toks:
        return tok.idx, tok.idx + len(tok.text)
    # keep the contiguous run that holds tok
    toks.sort(key=lambda t: t.i)
    run = [tok]
    i = toks.index(tok) if tok in toks else 0
    j = i
    while j + 1 < len(toks) and toks[j + 1].i == toks[j].i + 1:
        j += 1
    k = i
    while k - 1 >= 0 and toks[k - 1].i == toks[k].i - 1:
        k -= 1
    run = toks[k : j + 1]
    return run[0].idx, run[-1].idx + len(run[-1].text)


_SOURCE_COMMA = True


def _source_span(src, cue, forms) -> tuple[int, int]:
    """The subject subtree as PolNeAR marks a source.

    A relative clause that is itself an attribution ("Mr. Kamin, who emphasized
    that …") is left out; punctuation at the edges is dropped, except a comma
    right before the cue ("X, a tax lawyer, said").
    """
    skip: set[int] = set()
    doc = src.doc

    def comma_before(c) -> bool:
        return c.left_edge.i > 0 and doc[c.left_edge.i - 1].text == ","

    heads = [src] + [c for c in src.children if c.dep_ == "appos"]
    for h in heads:
        for c in h.children:
            drop = False
            if c.dep_ == "relcl" and (
                (c.lower_ in forms and any(g.dep_ in ("ccomp", "xcomp") for g in c.children))
                or any(g.lower_ in forms for g in c.children if g.dep_ in ("xcomp", "conj"))
                or (comma_before(c) and c.left_edge.lower_ not in ("who", "whose", "whom"))
            ):
                drop = True  # "Mr. Kamin, who emphasized …" / "…, which is made up of …"
            elif c.dep_ in ("acl", "advcl") and c.tag_ == "VBG" and comma_before(c):
                drop = True  # "Trump, speaking to a veterans group,"
            elif h is not src and c.dep_ == "appos":
                drop = True  # a second appositive: "…, one of the states suing the EPA,"
            if drop:
                skip.update(range(c.left_edge.i, c.right_edge.i + 1))
                if comma_before(c):
                    skip.add(c.left_edge.i - 1)
    for c in src.children:
        if c.dep_ == "preconj":
            skip.add(c.i)  # "Both Mr. King and Mr. Schultz"
    toks = [t for t in src.subtree if t.i not in skip and t.i != cue.i]
    # contiguous run around the head
    toks.sort(key=lambda t: t.i)
    k = next((n for n, t in enumerate(toks) if t.i == src.i), 0)
    a = b = k
    while a > 0 and toks[a - 1].i == toks[a].i - 1:
        a -= 1
    while b + 1 < len(toks) and toks[b + 1].i == toks[b].i + 1:
        b += 1
    run = toks[a : b + 1]
    while len(run) > 1 and run[0].is_punct and run[0].text not in "\"“'‘(":
        run = run[1:]
    while len(run) > 1 and run[-1].is_punct and run[-1].text not in "\"”'’)":
        run = run[:-1]
    if not run:
        return src.idx, src.idx + len(src.text)
    end_tok = run[-1]
    nxt = end_tok.i + 1
    if nxt < len(doc) and doc[nxt].text == "," and nxt + 1 < len(doc):
        after = doc[nxt + 1]
        if _SOURCE_COMMA and (after.i == cue.i or (after.head.i == cue.i and after.dep_ in ("aux", "advmod", "neg"))):
            end_tok = doc[nxt]
    return run[0].idx, end_tok.idx + len(end_tok.text)


def _trim_punct(doc_text: str, s: int, e: int, keep_closing_quote: bool = True) -> tuple[int, int]:
    strip_chars = " \t\n,;:—–-" + "."
    while s < e and (doc_text[s] in " \t\n,;:—–-)" ):
        s += 1
    while e > s and doc_text[e - 1] in strip_chars:
        if doc_text[e - 1] == "." and _ABBREV_END.search(doc_text, s, e):
            break  # "the U.S." / "7 p.m.": the full stop belongs to the abbreviation
        e -= 1
    return s, e


_ABBREV_END = re.compile(r"(?:\b[A-Za-z]\.){2,}$")


_NOT_CUE_ADVERBS = {"however", "so", "too", "then", "thus", "therefore", "meanwhile", "instead", "there", "here"}


def _cue_span(tok) -> tuple[int, int]:
    """The cue: the verb with its auxiliaries, negation and particle ("has said", "called for")."""
    toks = [tok]
    for c in tok.children:
        if (c.dep_ in ("aux", "auxpass", "neg") and c.i < tok.i) or (c.dep_ == "prt" and c.i == tok.i + 1):
            toks.append(c)
    if tok.lower_ == "according":
        for c in tok.children:
            if c.dep_ == "prep" and c.lower_ == "to":
                toks.append(c)
    toks.sort(key=lambda t: t.i)
    # keep it contiguous around the verb (skip adverbs in between: "has also said" -> "has also said")
    first, last = toks[0], toks[-1]
    doc = tok.doc
    # PolNeAR cues keep the adverbs right before the verb group ("also said", "repeatedly has pledged")
    while first.i > 0:
        prev = doc[first.i - 1]
        if prev.head.i == tok.i and prev.dep_ == "advmod" and prev.tag_ == "RB" and prev.lower_ not in _NOT_CUE_ADVERBS:
            first = prev
        else:
            break
    end = last.idx + len(last.text)
    # ... and the colon that introduces the content ("added: ...")
    if last.i + 1 < len(doc) and doc[last.i + 1].text == ":" and not last.whitespace_:
        end += 1
    return first.idx, end


def _pos(tok) -> str:
    """Coarse part of speech from the fine tag (works without the attribute ruler)."""
    return pos_of_tag(tok.tag_)


def pos_of_tag(tag: str) -> str:
    """Coarse part of speech of a fine (Penn) tag."""
    if tag.startswith("VB") or tag == "MD":
        return "VERB"
    if tag in ("NNP", "NNPS"):
        return "PROPN"
    if tag.startswith("NN"):
        return "NOUN"
    if tag in ("PRP", "PRP$", "WP", "WP$"):
        return "PRON"
    return tag


_NAME_TAGS = {"NNP", "NNPS"}


_ORG_OR_PLACE = {
    "times", "post", "news", "house", "committee", "department", "party", "campaign", "council", "court",
    "senate", "congress", "university", "institute", "center", "centre", "foundation", "association", "inc",
    "agency", "office", "administration", "service", "services", "network", "journal", "press", "tribune",
    "herald", "street", "avenue", "city", "county", "state", "states", "republic", "union", "bank", "group",
    "corp", "company", "club", "school", "college", "church", "hospital", "police", "army", "navy", "guard",
    "room", "hall", "park", "river", "valley", "mountains", "island", "islands", "america", "american",
    "americans", "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "united", "kingdom", "security", "health", "human", "national", "federal", "international", "world",
    "day", "week", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "democrats", "republicans", "democratic", "republican", "gop", "twitter", "facebook", "fox",
    "cnn", "msnbc", "abc", "cbs", "nbc", "ap", "reuters", "white", "cabinet", "capitol", "pentagon", "media",
    "fund", "board", "commission", "authority", "ministry", "parliament", "assembly", "airport", "station",
    "obamacare", "medicare", "medicaid", "act", "law", "bill", "program", "project", "initiative",
    "industries", "systems", "technologies", "holdings", "partners", "polymers", "chemicals", "airlines",
    "motors", "foods", "brands", "solutions", "labs", "laboratories", "networks", "communications", "energy",
    "resources", "capital", "ventures", "logistics", "materials", "products", "enterprises", "pharmaceuticals",
    "insurance", "studios", "entertainment", "financial", "healthcare", "electric", "steel", "oil",
}
_PLACE_PREPS = {"in", "to", "from", "into", "across", "near", "at", "toward", "towards", "throughout", "of"}


def _name_chains(doc) -> list[tuple[int, int, float]]:
    """Proper-noun runs that look like people's names (doc-local char spans, score).

    The small pipeline's NER is as slow as the parser, so names are recognised
    from the tagger and parser: a run of proper nouns that is the subject of a
    cue verb, follows a personal title ("Gov.", "analyst") or reads as a
    first + last name scores as a person; organisation and place words and a
    place preposition before it count against.
    """
    out = []
    i = 0
    n = len(doc)
    forms = cue_forms()
    while i < n:
        if doc[i].tag_ in _NAME_TAGS and doc[i].text[:1].isupper() and not _is_placeholder(doc[i]):
            j = i
            while j + 1 < n:
                if doc[j + 1].tag_ in _NAME_TAGS and doc[j + 1].text[:1].isupper():
                    j += 1
                elif (
                    doc[j + 1].text == "-" and j + 2 < n and not doc[j].whitespace_ and not doc[j + 1].whitespace_
                    and doc[j + 2].text[:1].isupper()
                ):
                    j += 2  # "Reyes-Hall"
                else:
                    break
            toks = [t for t in doc[i : j + 1]]
            # titles inside the run ("Deputy Mayor Marisol Quintero") are not part of the name
            k = 0
            titled = False
            for m in range(len(toks) - 1):
                if toks[m].lower_ in _PERSON_TITLES:
                    k = m + 1
                    titled = True
            name = toks[k:]
            words = [t.lower_.strip(".") for t in name if t.text != "-"]
            score = 0.0
            if any(w in _ORG_OR_PLACE or t.lower_ in _ORG_OR_PLACE for w, t in zip(words, name)):
                score -= 3
            prev = doc[i - 1] if i > 0 else None
            if titled or (prev is not None and prev.lower_ in _PERSON_TITLES):
                score += 2
            head = name[-1]
            if head.dep_ in ("nsubj",) and head.head.lower_ in forms:
                score += 2
            real = [t for t in name if t.text != "-"]
            if len(real) in (2, 3, 4) and all(t.text[:1].isupper() and (t.text[1:].islower() or t.text.endswith("."))
                                               for t in real):
                score += 1
            if prev is not None and prev.lower_ in _PLACE_PREPS:
                score -= 1.5
            nxt = doc[j + 1] if j + 1 < n else None
            if nxt is not None and nxt.text == "," and j + 2 < n and doc[j + 2].lower_ in ("who", "a", "the"):
                score += 1
            if score >= 1:
                out.append((name[0].idx, name[-1].idx + len(name[-1].text), score))
            i = j + 1
        else:
            i += 1
    return out


def _subject(tok):
    for c in tok.children:
        if c.dep_ in _SUBJ and not _is_placeholder(c):
            return c
    return None


def _is_placeholder(tok) -> bool:
    return tok.text == _PLACEHOLDER and tok.i > 0 and tok.nbor(-1).text in "\"“"



def _inherited_subject(tok):
    """The subject of a participle/xcomp cue taken from its head ("…, adding that …")."""
    head = tok.head
    hops = 0
    while head.i != tok.i and hops < 3:
        if tok.dep_ in ("advcl", "xcomp", "conj", "acl", "pcomp", "relcl") or hops > 0:
            s = _subject(head)
            if s is not None:
                return s
        if head.head.i == head.i:
            break
        tok, head = head, head.head
        hops += 1
    return None


class _AnyVerb(dict):
    """Permissive lexicon used to learn which cue forms the rules can trust (training only)."""

    def __contains__(self, key: object) -> bool:
        return True

    def __getitem__(self, key: str) -> float:
        return 0.5

    def get(self, key, default=None):
        return 0.5


_GROUPS = {
    "quotation + cue": "quote", "inverted cue": "quote", "colon": "quote", "ccomp": "ccomp", "xcomp": "xcomp",
    "object": "object", "according to": "according", "parenthetical cue": "paren", "preceding clause": "paren",
    "prep": "prep", "noun cue": "noun",
}
_DATELINE = re.compile(r"[A-Z][A-Z .,'’]{2,40}(?:\([A-Za-z. ]+\))?\s*(?:[―—–]|--?)\s*")
_CUE_PREPS = {"for", "to", "of", "about", "as", "on", "against", "at", "with"}


def _group(rule: str, regions: list[int]) -> str:
    if regions:
        return "quote"
    return _GROUPS.get(rule, "other")


@dataclass(slots=True)
class _Cue:
    """One cue word of a parsed sentence and the attribution the rules build around it.

    Filled in order: the source (``_cue_candidate``), then the quotations or
    the content of the first rule family in ``CONTENT_RULES`` that applies.
    Offsets are masked-sentence offsets (``analyse_structure`` maps them back).
    """

    doc: Any
    tok: Any
    low: str
    pos: str
    src: Any
    rule: str
    prior: float
    permissive: bool
    content: list[tuple[int, int]] = field(default_factory=list)
    regions: list[int] = field(default_factory=list)
    kind: str = "indirect"
    group: str = ""
    cue_to: Any = None  # the preposition a "called for"-style cue runs to


def _rules_on_doc(doc, m0: int, masked: _Masked, forms: dict[str, float]) -> list[_Cue]:
    """Attributions found in one parsed sentence; spans are masked-text offsets.

    A cue word with a source takes the quotations attached to it, or else the
    content of the first rule family that applies to it; the training
    statistics (``structural_ok``) then keep or drop it.
    One cue per placeholder; when several cues claim content, all are kept (PolNeAR nests).
    """
    found: list[_Cue] = []
    permissive = isinstance(forms, _AnyVerb)
    q_tokens = [t for t in doc if t.text == _PLACEHOLDER and masked.region_at(m0 + t.idx) >= 0]
    used_regions: set[int] = set()
    for tok in doc:
        cue = _cue_candidate(doc, tok, forms, permissive)
        if cue is None:
            continue
        cue.regions = _attached_regions(cue, q_tokens, m0, masked, used_regions)
        if cue.regions:
            used_regions.update(cue.regions)
            cue.kind = "direct"
            cue.rule = cue.rule or "quotation + cue"
        else:
            for _family, applies in CONTENT_RULES:
                if applies(cue):
                    break
        if _kept(cue):
            found.append(cue)
    return found


def _cue_candidate(doc, tok, forms: dict[str, float], permissive: bool) -> _Cue | None:
    """A cue-lexicon verb or noun (or "according") with its source, if the rules may use it; None to skip."""
    low = tok.lower_
    if low not in forms:
        return None
    pos = _pos(tok)
    if pos not in ("VERB", "NOUN") and low != "according":
        return None
    if permissive and pos != "VERB" and low != "according" and low not in cue_forms():
        return None
    sourced = _source_of(doc, tok, low, pos)
    if sourced is None:
        return None
    src, rule = sourced
    if any(c.dep_ == "auxpass" for c in tok.children) or (src is not None and src.dep_ == "nsubjpass"):
        return None  # a passive ("was told") reports the listener, not the speaker
    return _Cue(doc, tok, low, pos, src, rule, forms[low], permissive)


def _source_of(doc, tok, low: str, pos: str) -> tuple[Any, str] | None:
    """(source token or None, rule) of a cue word; None when a noun cue has no possessor and no that-clause.

    The object of "according to", the verb's subject (or the subject it shares
    with the verb it is conjoined to), a noun's possessor ("Trump's claim
    that …"), or the word after a verb that follows a quotation ('"…," said one').
    """
    src = None
    rule = ""
    if low == "according":
        to = next((c for c in tok.children if c.lower_ == "to"), None)
        if to is None and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
        if to is not None:
            src = next((c for c in to.children if c.dep_ == "pobj"), None)
        rule = "according to"
    else:
        src = _subject(tok)
        if src is None and (tok.dep_ == "conj" or (tok.tag_ == "VBG" and tok.dep_ in ("advcl", "xcomp"))):
            src = _inherited_subject(tok)
            rule = "shared subject"
        if src is None and pos == "NOUN":
            # "Trump’s claim that …", "the senator’s statement that …"
            src = next((c for c in tok.children if c.dep_ == "poss"
                        and (c.tag_ not in ("PRP$",) or c.lower_ in ("his", "her", "their"))), None)
            if src is None or not any(c.dep_ in ("ccomp", "acl")
                                      and any(g.lower_ == "that" and g.dep_ == "mark" for g in c.children)
                                      for c in tok.children):
                return None
            rule = "noun cue"
    if src is None and tok.i >= 2 and any(_is_placeholder(doc[j]) for j in range(max(0, tok.i - 4), tok.i)):
        # '"…," said one, who …': the subject the parser missed is the word after the verb
        for c in tok.children:
            if c.i > tok.i and c.dep_ in ("dobj", "attr", "npadvmod", "nummod", "appos", "oprd", "dep", "nsubj"):
                return c, "inverted cue"
    return src, rule


def _attached_regions(cue: _Cue, q_tokens: list, m0: int, masked: _Masked, used: set[int]) -> list[int]:
    """The quotations (placeholder tokens) in the cue's clause or right next to it, not yet used by another cue."""
    tok = cue.tok
    regions: list[int] = []
    for q in q_tokens:
        reg = masked.region_at(m0 + q.idx)
        if reg in used:
            continue
        anc = q
        attached = False
        for _ in range(6):
            if anc.head.i == anc.i:
                break
            if anc.head == tok or anc == tok:
                attached = True
                break
            anc = anc.head
        # "“…,” he said" often parses the cue as parataxis of the placeholder
        if not attached and (tok.head == q or tok.head.i == q.i or tok.dep_ in ("parataxis", "ROOT")):
            attached = abs(tok.i - q.i) <= 12
        if not attached and q in list(tok.head.children) and tok.dep_ in ("parataxis", "ccomp", "advcl"):
            attached = True
        if attached:
            regions.append(reg)
    return regions


def _clause_content(cue: _Cue) -> bool:
    """The cue's ``ccomp`` clause ("said that …"; a noun cue's that-clause)."""
    tok, doc, src = cue.tok, cue.doc, cue.src
    clause = next((c for c in tok.children if c.dep_ == "ccomp" and c.i > tok.i), None)
    if clause is None and cue.low != "according":
        clause = next(
            (c for c in tok.children if c.dep_ == "ccomp" or (cue.pos == "NOUN" and c.dep_ == "acl" and c.i > tok.i)),
            None,
        )
    if clause is None:
        return False
    s, e = _subtree_span(clause)
    if (
        src is not None and clause.i > tok.i and src.i < tok.i
        and src.left_edge.i >= 2 and doc[src.left_edge.i - 1].text == ","
        and s > src.left_edge.idx
        and tok.i + 1 < len(doc) and doc[tok.i + 1].text == ","
        and not (clause.i > 0 and doc[clause.left_edge.i].lower_ == "that")
    ):
        # "To understand X, Roberts said, one should …": both sides are the content
        left_end = doc[src.left_edge.i - 2]
        a = doc[0].idx
        if doc[0].dep_ == "cc" and len(doc) > 1:
            a = doc[1].idx
        if left_end.idx + len(left_end.text) > a:
            cue.content.append((a, left_end.idx + len(left_end.text)))
    cue.content.append((s, e))
    cue.rule = cue.rule or "ccomp"
    return True


def _according_content(cue: _Cue) -> bool:
    """"according to X": the clause the phrase modifies, minus the phrase (the longer side when it sits inside)."""
    if cue.low != "according":
        return False
    tok = cue.tok
    head = tok.head
    while head.head.i != head.i and head.dep_ not in ("ROOT",):
        head = head.head
    s, e = _subtree_span(head, exclude=tok)
    ts, te = _subtree_span(tok)
    if ts > s and te < e:
        if ts - s >= e - te:
            e = ts
        else:
            s = te
    cue.content.append((s, e))
    return True


def _parenthetical_content(cue: _Cue) -> bool:
    """"Content …, he said." / "All of this, he acknowledges, could …": the cue hangs from the content."""
    tok, src, doc = cue.tok, cue.src, cue.doc
    if not (
        (src is not None
        and tok.head.i != tok.i
        and (tok.dep_ == "parataxis" or (tok.dep_ in ("advcl", "ccomp") and tok.i > 0 and tok.nbor(-1).text == ","))
        and not any(c.dep_ in ("xcomp", "dobj") and c.i > tok.i for c in tok.children))
        or (src is not None and tok.dep_ in ("parataxis", "ccomp") and tok.head.i != tok.i and tok.i > tok.head.i
            and src.i > tok.i)
    ):
        return False
    for a, b in _subtree_pieces(tok.head, exclude=tok):
        first = next((t for t in doc if t.idx == a), None)
        if first is not None and first.dep_ == "cc" and first.i + 1 < len(doc):
            a = doc[first.i + 1].idx
        cue.content.append((a, b))
    cue.rule = cue.rule or "parenthetical cue"
    return True


def _gated_content(cue: _Cue) -> bool:
    """Object, xcomp or prepositional content, only for cue words that take it.

    The gate (``may_take_any_content``): a strong prior, train statistics
    that ``structural_ok`` checks later, or the hand list. "told reporters" is not content; "called X “Y”", "cited X
    as Y" take what follows the object up to a comma or a conjunction;
    "called for more investment" runs the cue to its preposition. Always
    applies (the last family), possibly finding nothing.
    """
    tok, low = cue.tok, cue.low
    if not (cue.permissive or may_take_any_content(low, cue.prior)):
        return True
    xc = next((c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i), None)
    ob = next((c for c in tok.children if c.dep_ in ("dobj",) and c.i > tok.i), None)
    if low in _TELL_LIKE and ob is not None and xc is None:
        ob = None
    if xc is not None:
        cue.content.append(_subtree_span(xc))
        cue.rule = cue.rule or "xcomp"
    elif ob is not None:
        s, e = _subtree_span(ob)
        for c in sorted(tok.children, key=lambda c: c.i):
            if c.i <= ob.i:
                continue
            if c.dep_ in ("punct", "cc", "conj", "advcl", "mark") or c.is_punct:
                break
            if c.dep_ in ("oprd", "ccomp", "xcomp", "prep", "npadvmod", "dative", "advmod", "acomp", "attr"):
                e = max(e, _subtree_span(c)[1])
            else:
                break
        cue.content.append((s, e))
        cue.rule = cue.rule or "object"
    else:
        pp = next((c for c in tok.children if c.dep_ == "prep" and c.i > tok.i and c.lower_ in _CUE_PREPS), None)
        obj = next((c for c in pp.children if c.dep_ in ("pobj", "pcomp")), None) if pp is not None else None
        if obj is not None and pp is not None and pp.i - tok.i <= 3:
            cue.content.append(_subtree_span(obj))
            cue.rule = cue.rule or "prep"
            cue.cue_to = pp
    return True


# Content rule families for a cue with no quotation attached, tried in order: the first that
# applies takes the cue (like ``newsweave.clean.rules.LINE_RULES``, a table a newcomer extends).
ContentRule = Callable[[_Cue], bool]
CONTENT_RULES: list[tuple[str, ContentRule]] = [
    ("ccomp", _clause_content),
    ("according to", _according_content),
    ("parenthetical cue", _parenthetical_content),
    ("xcomp / object / prep", _gated_content),
]


def _kept(cue: _Cue) -> bool:
    """The last checks: content before the subject, the "X said:" case, and the training statistics."""
    tok, src, doc = cue.tok, cue.src, cue.doc
    if not cue.regions and not cue.content and src is not None and src.i > 0 and tok.i > src.i:
        # '… we’re nice!” Teixeira wrote.': the words before the subject are the content
        le = src.left_edge
        if le.i > 0 and doc[le.i - 1].text in ("”", '"', "»", ",") and le.i >= 3:
            prev = doc[le.i - 1]
            cue.content.append((doc[0].idx, prev.idx + (len(prev.text) if prev.text != "," else 0)))
            cue.rule = cue.rule or "preceding clause"
    if not cue.regions and not cue.content:
        # "X said:" before a quotation in the next sentence/paragraph: ``people`` pairs them
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if nxt is not None and nxt.text == ":" and src is not None:
            cue.kind, cue.rule, cue.group = "direct", "colon", "quote"
            return True
        return False
    if src is None and not cue.regions:
        return False
    if src is not None and src.lower_ in ("it", "this", "that", "there") and cue.kind == "indirect" and cue.prior < 0.8:
        return False
    cue.group = _group(cue.rule, cue.regions)
    return cue.permissive or structural_ok(cue.low, cue.group, cue.prior)


COLON_LABELS = {  # "Photo: …", "READ MORE: …" are labels, not speakers
    "photo", "photos", "video", "watch", "read", "related", "update", "updated", "correction", "clarification",
    "note", "editor's note", "editor’s note", "source", "sources", "credit", "image", "listen", "more", "tags",
    "share", "subscribe", "advertisement", "also", "see", "q", "a", "warning", "breaking", "exclusive",
    "analysis", "opinion", "live", "the latest", "latest", "disclosure", "caption", "file",
}
_COLON_RE = re.compile(
    r"([\"“‘']?)((?:[A-Z][\w.'’-]*|[A-Z]{2,})(?:\s+(?:[A-Z][\w.'’-]*|of|the|de|van|von)){0,5}):\s+(\S)"
)
_DASH_RE = re.compile(r"\s*([―—–]|--)\s*((?:[A-Z]\.|[A-Z][\w'’-]*)(?:\s+(?:[A-Z]\.|[A-Z][\w'’-]*)){0,4})")


def _sentence_index(sent_starts: list[int], pos: int) -> int:
    return max(0, bisect.bisect_right(sent_starts, pos) - 1)


def _colon_rules(text: str, paragraphs: list[Span], regions, direct, sent_starts: list[int]) -> list[Attribution]:
    """'Name: content' at a paragraph start (headlines, transcripts); labels such as "Photo:" are not names."""
    out: list[Attribution] = []
    for pi, para in enumerate(paragraphs):
        ps, pe = para.start, para.end
        m = _COLON_RE.match(text, ps, pe)
        if not m:
            continue
        name = m.group(2)
        if name.lower() in COLON_LABELS or len(name) > 60 or name.split()[0].lower() in COLON_LABELS:
            continue
        c0 = m.start(3)
        c1 = pe
        # inside a quoted paragraph the content stops before the closing mark
        if m.group(1):
            while c1 > c0 and text[c1 - 1] in "\"”’'":
                c1 -= 1
        if not m.group(1):
            while c1 > c0 and text[c1 - 1] in ". ":
                c1 -= 1  # a content ends before the sentence's full stop
        if _words(text[c0:c1]) < 3:
            continue
        colon = m.end(2)
        out.append(
            Attribution(
                cue=Span(colon, colon + 1),
                source=Span(m.start(2), m.end(2)),
                content=[Span(c0, c1)],
                regions=[i for i, r in enumerate(regions) if direct[i] and r.start <= c0 < r.end],
                kind="direct" if m.group(1) else "indirect",
                sent=_sentence_index(sent_starts, ps),
                para=pi,
                rule="colon headline",
                source_tokens=[(m.start(2), m.end(2), name, "PROPN", "")],
                source_head=Span(m.start(2), m.end(2)),
            )
        )
    return out


def _dash_rules(text, regions, direct, sentence_para, sent_starts: list[int]) -> list[Attribution]:
    """'“…” ― Name': a closed direct quotation followed by a dash and a capitalised name."""
    out: list[Attribution] = []
    for i, r in enumerate(regions):
        if not direct[i] or r.close_pos < 0:
            continue
        m = _DASH_RE.match(text, r.end)
        if not m:
            continue
        s0, s1 = m.start(2), m.end(2)
        si = _sentence_index(sent_starts, r.start)
        out.append(
            Attribution(
                cue=Span(m.start(1), m.end(1)),
                source=Span(s0, s1),
                content=[],
                regions=[i],
                kind="direct",
                sent=si,
                para=sentence_para[si] if si < len(sentence_para) else -1,
                rule="dash",
                source_tokens=[(s0, s1, text[s0:s1], "PROPN", "")],
                source_head=Span(s0, s1),
            )
        )
    return out


def analyse_structure(text: str, nlp, *, permissive: bool = False) -> Parsed:
    """Run regions, masking, selective parsing and the rules over ``text``.

    ``permissive`` (training only) treats every verb as a possible cue and
    parses every sentence.
    """
    paragraphs = paragraph_spans(text)
    regions = find_regions(text, paragraphs)
    direct = _classify_regions(text, regions, paragraphs)
    masked = _Masked(text, regions, direct)
    forms = _AnyVerb() if permissive else cue_forms()
    msents = _masked_sentences(masked, regions, direct)
    sentences = [Span(masked.to_orig(s), masked.to_orig(e, end=True)) for s, e in msents]
    para_starts = [p.start for p in paragraphs]
    sentence_para = [max(0, bisect.bisect_right(para_starts, s.start) - 1) for s in sentences]
    todo = _sentences_to_parse(masked.text, msents, forms, permissive)
    parsed = Parsed(
        text=text,
        paragraphs=paragraphs,
        sentences=sentences,
        sentence_para=sentence_para,
        regions=regions,
        direct=direct,
        attributions=[],
        persons=[],
        subjects={},
        parsed_sentences=len(todo),
        stats={"sentences": len(msents), "parsed": len(todo)},
        tokens=[[] for _ in paragraphs],
    )
    if todo and nlp is not None:
        chunks = [masked.text[msents[i][0]:msents[i][1]] for i in todo]
        for i, doc in zip(todo, nlp.pipe(chunks, batch_size=64)):
            _apply_rules(parsed, _Sentence(doc, msents[i][0], masked, i), forms)
    sent_starts = [s.start for s in sentences]
    parsed.attributions.extend(_colon_rules(text, paragraphs, regions, direct, sent_starts))
    parsed.attributions.extend(_dash_rules(text, regions, direct, sentence_para, sent_starts))
    return parsed


def _masked_sentences(masked: _Masked, regions: list[QuoteRegion], direct: list[bool]) -> list[tuple[int, int]]:
    """Sentences of the masked text, per masked paragraph; none ends inside an inline quotation."""
    mtext = masked.text
    protect = []
    for idx, r in enumerate(regions):
        if not direct[idx]:
            a, b = masked.to_masked(r.start), masked.to_masked(r.end)
            if 0 <= a < b:
                protect.append((a, b))
    return [span for p in paragraph_spans(mtext) for span in split_sentences(mtext, p.start, p.end, protect)]


def _sentences_to_parse(mtext: str, msents: list[tuple[int, int]], forms: dict[str, float], permissive: bool) -> list[int]:
    """Only sentences with a cue word or a quotation are worth the parser (it is the stage's main cost)."""
    todo: list[int] = []
    for i, (s, e) in enumerate(msents):
        chunk = mtext[s:e]
        has_q = f'"{_PLACEHOLDER}' in chunk
        has_cue = any(w.lower() in forms for w in _WORD.findall(chunk))
        if len(chunk) > 5000 or _LONG_RUN.search(chunk):
            continue  # not prose (a URL list, a wall of marks): spaCy's tokenizer is slow on it
        if permissive or has_cue or (has_q and _words(chunk.replace(_PLACEHOLDER, "")) >= 1):
            todo.append(i)
    return todo


@dataclass(slots=True)
class _Sentence:
    """One parsed sentence of the masked text, and the way from its offsets back to the original text."""

    doc: Any
    m0: int  # its start in the masked text
    masked: _Masked
    index: int

    def orig(self, a: int, b: int) -> Span:
        """Sentence offsets ``[a, b)`` (``a <= b``) as a span of the original text (the mapping keeps order)."""
        return Span(self.masked.to_orig(self.m0 + a), self.masked.to_orig(self.m0 + b, end=True))

    def in_quotation(self, a: int) -> bool:
        """Whether sentence offset ``a`` is a masked quotation (its words are not the frame's)."""
        return self.masked.region_at(self.m0 + a) >= 0


def _apply_rules(parsed: Parsed, sent: _Sentence, forms: dict[str, float]) -> None:
    """Add one parsed sentence's tokens, person names, main subject and attributions to ``parsed``."""
    doc, i = sent.doc, sent.index
    para = parsed.sentence_para[i]
    if 0 <= para < len(parsed.tokens):
        ptoks = parsed.tokens[para]
        ptoks.extend(_masked_tokens(doc, sent.m0, sent.masked, i, len(ptoks)))
    if doc.has_annotation("ENT_IOB"):
        for ent in doc.ents:
            if ent.label_ == "PERSON" and not sent.in_quotation(ent.start_char):
                name = sent.orig(ent.start_char, ent.end_char)
                parsed.persons.append((name.start, name.end, 3.0))
    else:
        for a, b, score in _name_chains(doc):
            if not sent.in_quotation(a):
                name = sent.orig(a, b)
                parsed.persons.append((name.start, name.end, score))
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is not None:
        sj = _subject(root)
        if sj is not None:
            parsed.subjects[i] = sent.orig(*_subtree_span(sj))
    for cue in _rules_on_doc(doc, sent.m0, sent.masked, forms):
        parsed.attributions.append(_attribution(sent, cue, para, forms))


def _attribution(sent: _Sentence, cue: _Cue, para: int, forms: dict[str, float]) -> Attribution:
    """A rule's find in original coordinates: the source never swallows the cue or a quotation; datelines are cut."""
    doc, tok = sent.doc, cue.tok
    cs, ce = _cue_span(tok)
    if cue.cue_to is not None:
        ce = max(ce, cue.cue_to.idx + len(cue.cue_to.text))
    source = None
    head_span = None
    stoks: list[tuple[int, int, str, str, str]] = []
    if cue.src is not None:
        ss, se = _source_span(cue.src, tok, forms)
        if ss <= cs < se:
            se = cs
            ss, se = _trim_punct(doc.text, ss, se)
        if se > ss and not sent.in_quotation(ss):
            source = sent.orig(ss, se)
            head_span = sent.orig(cue.src.idx, cue.src.idx + len(cue.src.text))
            for t in doc:
                if ss <= t.idx < se:
                    word = sent.orig(t.idx, t.idx + len(t.text))
                    stoks.append((word.start, word.end, t.text, _pos(t), t.ent_type_))
    content: list[Span] = []
    for a, b in cue.content:
        a, b = _trim_punct(doc.text, a, b)
        dl = _DATELINE.match(doc.text, a, b)
        if dl:
            a = dl.end()
        if b > a:
            content.append(sent.orig(a, b))
    return Attribution(
        cue=sent.orig(cs, ce),
        source=source,
        content=content,
        regions=sorted(set(cue.regions)),
        kind=cue.kind,
        sent=sent.index,
        para=para,
        rule=cue.rule,
        cue_head=tok.lower_,
        group=cue.group,
        source_tokens=stoks,
        source_head=head_span,
    )
