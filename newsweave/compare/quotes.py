"""Group the same utterance across outlets, despite drift, with a word-level diff.

Two quotes are the same utterance when, after folding typography, most of the
shorter one's words occur in order in the longer one (a shorter excerpt, a
dropped sentence, a swapped or added word, a re-translation that keeps most
words).  Groups hold at most one quote per article and are built greedily from
the most similar pair down, so a story of many outlets does not chain unrelated
quotes together.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from newsweave.compare._text import STOPWORDS, fold, stem, word_tokens
from newsweave.model import Article, Finding, Quote, outlet_key

__all__ = ["QuoteItem", "group_quotes", "quote_items", "word_diff", "same_person"]

@dataclass
class QuoteItem:
    article_id: str
    source: str
    text: str
    start: int
    end: int
    kind: str
    speaker_as_written: str | None
    speaker: str | None
    reason: str = ""
    words: list[str] = field(default_factory=list)  # folded, stemmed words
    raw_words: list[tuple[str, int, int]] = field(default_factory=list)  # as written, spans in the article
    pieces: list[tuple[int, int]] = field(default_factory=list)  # the quoted pieces' spans in the article
    doc: str = field(default="", repr=False)  # the article's clean text

    def words_as_written(self, i: int, j: int) -> str:
        """Words ``i:j`` as the article writes them (punctuation kept) when they lie in one piece."""
        if j <= i:
            return ""
        a, b = self.raw_words[i][1], self.raw_words[j - 1][2]
        if self.doc and any(s <= a and b <= e for s, e in self.pieces):
            return self.doc[a:b]
        return " ".join(w for w, _, _ in self.raw_words[i:j])


def _pieces(quote: Quote) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in quote.pieces]


def _make_item(article: Article, pieces: list[tuple[int, int]], q: Quote, written: str | None) -> QuoteItem:
    raw: list[tuple[str, int, int]] = []
    for s, e in pieces:
        raw.extend((w, s + a, s + b) for w, a, b in word_tokens(article.text[s:e]))
    text = " ".join(article.text[s:e].strip() for s, e in pieces)
    return QuoteItem(
        article_id=article.id, source=article.source, text=text, start=pieces[0][0], end=pieces[-1][1],
        kind=q.kind, speaker_as_written=written, speaker=q.speaker, reason=q.reason,
        words=[stem(fold(w)) for w, _, _ in raw], raw_words=raw, pieces=list(pieces), doc=article.text,
    )


_QUOTE_MARKS = set("\"“”«»„")


def quote_items(article: Article, quotes: list[Quote], min_words: int = 3, max_gap: int = 100) -> list[QuoteItem]:
    """Direct (and mixed) quotes of an article, prepared for matching.

    Overlapping quotes (one utterance reported twice by the extractor) are kept once:
    the one with a resolved speaker, else the longer.  Consecutive quotes of the same
    speaker in one paragraph, separated only by a short cue ("…,” Quintero said, urging
    patience. “…”), are one utterance and become one item with several pieces.
    """
    ranked = sorted(quotes, key=lambda q: (q.kind == "indirect", q.speaker is None, -(q.content.end - q.content.start)))
    taken: list[tuple[int, int]] = []
    kept: list[Quote] = []
    for q in ranked:
        if q.kind == "indirect":
            continue
        pieces = _pieces(q)
        start, end = pieces[0][0], pieces[-1][1]
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        kept.append(q)
    kept.sort(key=lambda q: _pieces(q)[0][0])
    merged: list[tuple[Quote, list[tuple[int, int]], str | None]] = []
    for q in kept:
        pieces = _pieces(q)
        written = article.text[q.source.start : q.source.end] if q.source is not None else None
        if merged:
            prev, prev_pieces, prev_written = merged[-1]
            gap = article.text[prev_pieces[-1][1] : pieces[0][0]]
            if (q.speaker and q.speaker == prev.speaker and q.kind == prev.kind == "direct"
                    and len(gap) <= max_gap and "\n" not in gap and len(set(gap) & _QUOTE_MARKS) <= 2):
                merged[-1] = (prev, prev_pieces + pieces, prev_written or written)
                continue
        merged.append((q, pieces, written))
    items = []
    for q, pieces, written in merged:
        item = _make_item(article, pieces, q, written)
        if len(item.words) >= min_words:
            items.append(item)
    return items


def _similarity(a: QuoteItem, b: QuoteItem) -> tuple[float, float]:
    """(containment of the shorter in the longer, overall ratio) over folded words."""
    sm = difflib.SequenceMatcher(None, a.words, b.words, autojunk=False)
    matched = sum(block.size for block in sm.get_matching_blocks())
    shorter = min(len(a.words), len(b.words))
    longer = max(len(a.words), len(b.words))
    return matched / shorter if shorter else 0.0, matched / longer if longer else 0.0


def same_person(a: str | None, b: str | None) -> bool:
    """Whether two resolved speaker names plausibly name one person (surname match)."""
    if not a or not b:
        return False
    ta, tb = fold(a).split(), fold(b).split()
    if not ta or not tb:
        return False
    if ta[-1] == tb[-1]:
        return True
    return set(ta) <= set(tb) or set(tb) <= set(ta)


def word_diff(canonical: QuoteItem, variant: QuoteItem) -> list[dict[str, Any]]:
    """Word-level opcodes turning the canonical text into the variant (folded comparison)."""
    sm = difflib.SequenceMatcher(None, canonical.words, variant.words, autojunk=False)
    ops = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        ops.append({
            "op": tag,
            "canonical": canonical.words_as_written(i1, i2),
            "variant": variant.words_as_written(j1, j2),
            # spans of the variant's words, relative to the article's clean text
            "start": variant.raw_words[j1][1] if j2 > j1 else None,
            "end": variant.raw_words[j2 - 1][2] if j2 > j1 else None,
        })
    return ops


def _classify(ops: list[dict[str, Any]]) -> str:
    """same | excerpt (only leading/trailing words missing) | drift."""
    changes = [i for i, op in enumerate(ops) if op["op"] != "equal"]
    if not changes:
        return "same"
    if all(ops[i]["op"] == "delete" and (i == 0 or i == len(ops) - 1) for i in changes):
        return "excerpt"
    return "drift"


def _dropped_sentence(ops: list[dict[str, Any]]) -> bool:
    """A run of four or more canonical words left out: a clause or sentence dropped, not a typo."""
    return any(op["op"] == "delete" and len(op["canonical"].split()) >= 4 for op in ops)


def _candidates(items: list[QuoteItem]) -> set[tuple[int, int]]:
    index: dict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        for w in set(item.words):
            if w not in STOPWORDS and len(w) > 2:
                index[w].append(i)
    counts: Counter[tuple[int, int]] = Counter()
    limit = max(50, len({it.article_id for it in items}) * 3)
    for posting in index.values():
        if len(posting) > limit:  # too common to say anything
            continue
        for x in range(len(posting)):
            for y in range(x + 1, len(posting)):
                i, j = posting[x], posting[y]
                if items[i].article_id != items[j].article_id:
                    counts[(i, j)] += 1
    short = {i for i, it in enumerate(items) if len(it.words) <= 5}
    return {pair for pair, c in counts.items() if c >= 2 or (c >= 1 and (pair[0] in short or pair[1] in short))}


def group_quotes(articles: list[Article], items: list[QuoteItem], min_containment: float = 0.6) -> tuple[list[dict], list[Finding]]:
    """Quote groups (JSON-ready dicts, most widely carried first) and their findings."""
    order = {a.id: i for i, a in enumerate(articles)}
    scored = []
    for i, j in _candidates(items):
        containment, ratio = _similarity(items[i], items[j])
        shorter = min(len(items[i].words), len(items[j].words))
        needed = 1.0 if shorter <= 4 else min_containment
        if containment >= needed and containment * shorter >= 3:
            scored.append((containment + ratio, i, j))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    parent = list(range(len(items)))
    members: dict[int, set[str]] = {i: {it.article_id} for i, it in enumerate(items)}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    sims: dict[tuple[int, int], float] = {}
    for score, i, j in scored:
        sims[(i, j)] = sims[(j, i)] = score
        ri, rj = find(i), find(j)
        if ri == rj or members[ri] & members[rj]:
            continue
        parent[rj] = ri
        members[ri] |= members.pop(rj)

    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(items)):
        clusters[find(i)].append(i)

    groups: list[dict] = []
    findings: list[Finding] = []
    for idx_list in clusters.values():
        idx_list.sort(key=lambda i: (order.get(items[i].article_id, 0), items[i].start))
        canonical_i = max(idx_list, key=lambda i: (sum(sims.get((i, j), 0.0) for j in idx_list if j != i),
                                                   len(items[i].words), -order.get(items[i].article_id, 0)))
        canonical = items[canonical_i]
        speakers = [items[i].speaker for i in idx_list if items[i].speaker]
        speaker = None
        if speakers:
            votes = Counter()
            for s in speakers:
                votes[s] += sum(1 for t in speakers if same_person(s, t))
            speaker = sorted(votes.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0][0]
        flags: set[str] = set()
        variants = []
        for i in idx_list:
            item = items[i]
            ops = word_diff(canonical, item) if i != canonical_i else [
                {"op": "equal", "canonical": item.text, "variant": item.text, "start": item.start, "end": item.end}]
            kind = _classify(ops) if i != canonical_i else "same"
            typographic = kind == "same" and fold(item.text).strip() != fold(canonical.text).strip()
            variant_flags = []
            if kind == "drift":
                variant_flags.append("wording_drift")
                changed = [op for op in ops if op["op"] != "equal"]
                desc = "; ".join(
                    f"{op['op']}: '{op['canonical']}' → '{op['variant']}'" if op["op"] == "replace"
                    else f"{op['op']}: '{op['canonical'] or op['variant']}'" for op in changed[:4])
                containment, ratio = _similarity(canonical, item)
                findings.append(Finding("wording_drift", item.article_id, item.start, item.end, round(1 - ratio, 3),
                                        f"quote worded differently from the canonical text ({desc})",
                                        {"canonical": canonical.text}))
                if _dropped_sentence(ops):
                    variant_flags.append("sentence_dropped")
            elif kind == "excerpt":
                variant_flags.append("excerpt")
            if typographic:
                variant_flags.append("typography")
            if item.speaker is None:
                variant_flags.append("speaker_unresolved")
                findings.append(Finding("speaker_unresolved", item.article_id, item.start, item.end, 0.5,
                                        f"speaker of this quote not resolved ({item.reason or 'no cue found'})"
                                        + (f"; other outlets attribute it to {speaker}" if speaker else ""),
                                        {"speaker_as_written": item.speaker_as_written}))
            elif speaker and not same_person(item.speaker, speaker):
                variant_flags.append("speaker_mismatch")
                findings.append(Finding("speaker_mismatch", item.article_id, item.start, item.end, 0.8,
                                        f"attributed to {item.speaker}; other outlets attribute it to {speaker}",
                                        {"speaker": item.speaker, "consensus": speaker}))
            flags.update(variant_flags)
            variants.append({
                "article": item.article_id, "source": item.source, "text": item.text,
                "start": item.start, "end": item.end, "kind": item.kind,
                "speaker_as_written": item.speaker_as_written, "speaker": item.speaker,
                "pieces": [{"start": a, "end": b} for a, b in item.pieces],
                "diff": ops, "flags": variant_flags, "canonical": i == canonical_i,
            })
        if len({outlet_key(items[i].source, items[i].article_id) for i in idx_list}) == 1:
            flags.add("single_outlet")
        groups.append({
            "canonical": canonical.text,
            "speaker": speaker,
            "flags": sorted(flags),
            "articles": sorted({items[i].article_id for i in idx_list}, key=lambda a: order.get(a, 0)),
            "variants": variants,
        })
    groups.sort(key=lambda g: (-len(g["articles"]), order.get(g["articles"][0], 0), g["variants"][0]["start"]))
    for n, g in enumerate(groups):
        g["id"] = f"q{n + 1}"
    return groups, findings
