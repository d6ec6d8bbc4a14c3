"""The quotations of a text, before anyone is named their speaker.

``people.assemble`` first turns the rules' attributions and the direct
quotation regions into :class:`~newsweave.model.Quote` records (content,
fragments, cue and source spans) and only then resolves speakers. This module
is that first half: it knows quotation marks, sentences and paragraphs, never
names. Each quote keeps a :class:`Draft` saying where it came from, which the
speaker step reads (the attribution, its sentence, or the quote it continues).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from newsweave.enrich.quotes.extract import Attribution, Parsed
from newsweave.enrich.quotes.marks import ALL_MARKS
from newsweave.model import Quote, Span

__all__ = ["Doc", "Draft", "Drafts", "draft_quotes"]

# a cue-less quotation opening the paragraph after a quotation continues it: one quote, more
# fragments (the PolNeAR convention: the attribution's content runs over both paragraphs)
_CONTINUE_MERGE = True
_MARKS_AND_SPACE = ALL_MARKS + " \t"
# PolNeAR-style univocal annotation: a cue inside another attribution's content is not separate;
# the rules ranked first claim content before the others
_RANK = {"colon headline": -1, "dash": 0, "quotation + cue": 0, "colon": 0, "inverted cue": 0, "according to": 1, "ccomp": 1}


@dataclass(slots=True)
class Doc:
    """The parsed text with the look-ups every assembly step asks: which sentence, paragraph, quotation.

    Built once per text so that no step recomputes the sorted start lists.
    """

    parsed: Parsed
    region_spans: list[Span]  # outer span of each quotation region, in order
    region_starts: list[int]
    sent_starts: list[int]

    @classmethod
    def of(cls, parsed: Parsed) -> Doc:
        spans = [Span(r.start, r.end) for r in parsed.regions]
        return cls(parsed, spans, [s.start for s in spans], [s.start for s in parsed.sentences])

    @property
    def text(self) -> str:
        return self.parsed.text

    def sent_of(self, pos: int) -> int:
        """The sentence holding ``pos`` (0 before the first)."""
        return max(0, bisect.bisect_right(self.sent_starts, pos) - 1)

    def para_of_sent(self, i: int) -> int:
        """The paragraph of sentence ``i``; -1 when there is no such sentence."""
        return self.parsed.sentence_para[i] if 0 <= i < len(self.parsed.sentence_para) else -1

    def in_quote(self, pos: int) -> bool:
        """Whether ``pos`` lies inside a quotation region (words there are the quoted speaker's)."""
        i = bisect.bisect_right(self.region_starts, pos) - 1
        return i >= 0 and self.region_spans[i].start <= pos < self.region_spans[i].end


@dataclass(slots=True)
class Draft:
    """Where a quote came from, for the speaker step."""

    att: Attribution | None  # the attribution that made it; None for a quotation with no cue
    sent: int
    para: int
    inherit: int | None = None  # the quote whose speaker it takes (it continues that quotation)


@dataclass(slots=True)
class Drafts:
    """The quotes found so far, each with its draft, and the quotation regions they have used."""

    quotes: list[Quote] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)  # indices of regions already in a quote

    def add(self, quote: Quote, draft: Draft) -> None:
        self.quotes.append(quote)
        self.drafts.append(draft)


def draft_quotes(doc: Doc, article_id: str) -> Drafts:
    """Every quote of the text: the attributions' first, then 'X said:' quotations, then cue-less ones.

    The order matters: a region an attribution claims is no longer free for
    the colon rule or for the cue-less pass.
    """
    out = Drafts()
    colon_atts: list[Attribution] = []
    for att in _kept_attributions(doc):
        if att.rule == "colon" and not att.regions and not att.content:
            colon_atts.append(att)  # "X said:" — its quotation comes later
            continue
        quote = _headline_quote(att, out.claimed, article_id) if att.rule == "colon headline" else (
            _attributed_quote(doc, att, out.claimed, article_id)
        )
        if quote is not None:
            out.add(quote, Draft(att, att.sent, att.para))
    _colon_quotes(doc, colon_atts, out, article_id)
    _cueless_quotes(doc, out, article_id)
    return out


def _kept_attributions(doc: Doc) -> list[Attribution]:
    """The attributions that make quotes, by cue position: none inside a quotation or another's content.

    A cue inside a quotation is the quoted speaker's own words, not an
    attribution of this article; a cue inside a higher-ranked attribution's
    content is part of that content (univocal annotation).
    """
    atts = sorted(doc.parsed.attributions, key=lambda a: (a.cue.start if a.cue is not None else 0))
    atts = [a for a in atts if not (a.cue is not None and a.rule != "colon headline" and doc.in_quote(a.cue.start))]
    kept: list[Attribution] = []
    for a in sorted(atts, key=lambda a: (_RANK.get(a.rule, 2), a.cue.start if a.cue is not None else 0)):
        inside = a.cue is not None and any(
            b.content and b.content[0].start <= a.cue.start and a.cue.end <= b.content[-1].end for b in kept
        )
        if not inside:
            kept.append(a)
    return sorted(kept, key=lambda a: (a.cue.start if a.cue is not None else 0))


def _headline_quote(att: Attribution, claimed: set[int], article_id: str) -> Quote:
    """'Name: content' — the content is the text after the colon, quoted or not."""
    claimed.update(att.regions)
    return Quote(
        article_id=article_id,
        kind="direct" if att.regions else "indirect",
        content=att.content[0],
        cue=att.cue,
        source=att.source,
    )


def _attributed_quote(doc: Doc, att: Attribution, claimed: set[int], article_id: str) -> Quote | None:
    """The quote of one attribution: its unclaimed regions (direct), its content (indirect), or both (mixed)."""
    regions = doc.parsed.regions
    regs = [i for i in att.regions if i not in claimed]
    frags: list[Span] = []
    for i in regs:
        claimed.add(i)
        frags.extend(p for p in regions[i].pieces if len(p) > 0)
    kind = att.kind
    if not regs:
        frags = list(att.content)
        if not frags:
            return None
        kind = _widen_to_marks(doc, frags)
    elif att.content:
        kind = "mixed"
        frags = sorted(frags + att.content)
    if not frags:
        return None
    frags.sort()
    if regs and att.cue is not None and att.cue.end <= frags[0].start:
        # 'said that, “…”': the complementiser belongs to the (now mixed) content
        gap = doc.text[att.cue.end:regions[regs[0]].start]
        mm = re.search(r"\bthat,?\s*$", gap)
        if mm and re.fullmatch(r"[^.!?\n]*", gap):
            frags[0] = Span(att.cue.end + mm.start(), frags[0].end)
            kind = "mixed"
    return Quote(
        article_id=article_id,
        kind=kind,  # type: ignore[arg-type]
        content=Span(frags[0].start, frags[-1].end),
        fragments=list(frags) if len(frags) > 1 else [],
        cue=att.cue,
        source=att.source,
    )


def _widen_to_marks(doc: Doc, frags: list[Span]) -> str:
    """Stretch a content (in place) over the quotation marks at its ends; 'mixed' when it holds a quotation.

    A content never ends inside an inline quotation: the closing mark it ends
    in is kept, and so is the opening mark of one it starts with.
    """
    s0, e0 = frags[0].start, frags[-1].end
    regions = doc.parsed.regions
    for ri, r in enumerate(regions):
        if s0 <= r.start < e0 < r.end and (r.end <= e0 + 3 or not doc.parsed.direct[ri]):
            e0 = r.end
            frags[-1] = Span(frags[-1].start, e0)
        if r.start < s0 < r.end and not doc.text[r.start:s0].strip(_MARKS_AND_SPACE):
            s0 = r.start
            frags[0] = Span(s0, frags[0].end)
    return "mixed" if any(s0 <= r.start and r.end <= e0 + 1 for r in regions) else "indirect"


def _colon_quotes(doc: Doc, colon_atts: list[Attribution], out: Drafts, article_id: str) -> None:
    """"X said:" then a quotation: the first free direct quotation after the colon, within two sentences."""
    parsed = doc.parsed
    for att in colon_atts:
        for i, r in enumerate(parsed.regions):
            if i in out.claimed or not parsed.direct[i] or r.start < (att.cue.end if att.cue is not None else 0):
                continue
            if doc.sent_of(r.start) - att.sent <= 2:
                out.claimed.add(i)
                frags = [p for p in r.pieces if len(p) > 0]
                out.add(
                    Quote(
                        article_id=article_id,
                        kind="direct",
                        content=Span(frags[0].start, frags[-1].end),
                        fragments=frags if len(frags) > 1 else [],
                        cue=att.cue,
                        source=att.source,
                    ),
                    Draft(att, att.sent, att.para),
                )
            break


def _cueless_quotes(doc: Doc, out: Drafts, article_id: str) -> None:
    """Direct quotations with no cue of their own: they continue the quote before them, or stand alone.

    In the same paragraph (or the next, by the PolNeAR convention) the
    quotation is more fragments of the previous quote; otherwise it is a new
    quote whose speaker is found later.
    """
    parsed, text, quotes = doc.parsed, doc.text, out.quotes
    order = sorted(range(len(quotes)), key=lambda k: quotes[k].content.start)
    for i, r in enumerate(parsed.regions):
        if i in out.claimed or not parsed.direct[i]:
            continue
        frags = [p for p in r.pieces if len(p) > 0]
        if not frags:
            continue
        si = doc.sent_of(r.start)
        pi = doc.para_of_sent(si)
        prev = [k for k in order if quotes[k].content.end <= r.start]
        prev_k = prev[-1] if prev else None
        if prev_k is not None and quotes[prev_k].kind in ("direct", "mixed"):
            pq = quotes[prev_k]
            ppara = doc.para_of_sent(doc.sent_of(pq.content.end - 1))
            between = text[pq.content.end:r.start]
            if (ppara == pi and "\n" not in between) or (pi - ppara == 1 and _CONTINUE_MERGE):
                # "“…,” he said. “…”": the same quotation goes on
                pq.fragments = pq.pieces + frags
                pq.content = Span(pq.content.start, frags[-1].end)
                out.claimed.add(i)
                continue
            if pi - ppara == 1:
                out.add(_direct_quote(article_id, frags), Draft(None, si, pi, inherit=prev_k))
                out.claimed.add(i)
                order = sorted(range(len(quotes)), key=lambda k: quotes[k].content.start)
                continue
        out.add(_direct_quote(article_id, frags), Draft(None, si, pi))
        out.claimed.add(i)
        order = sorted(range(len(quotes)), key=lambda k: quotes[k].content.start)


def _direct_quote(article_id: str, frags: list[Span]) -> Quote:
    """A direct quotation from its pieces (several when interrupted or run over paragraphs)."""
    return Quote(
        article_id=article_id,
        kind="direct",
        content=Span(frags[0].start, frags[-1].end),
        fragments=frags if len(frags) > 1 else [],
    )
