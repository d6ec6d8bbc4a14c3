"""Numbers across outlets: the same quantity carried with the same or different values.

Mentions of a count, sum of money or percentage are linked across articles when
they count the same thing (same head noun of what is counted) in a similar
context (the statements holding them were aligned, or their sentences share
content words).  Linked mentions with different values are a ``number_conflict``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from newsweave.compare.aspect import PreparedStory, Section
from newsweave.compare.records import NumberRecord
from newsweave.compare.statements import group_spans
from newsweave.enrich.numbers import NumberMention, extract_numbers
from newsweave.model import Article, Finding
from newsweave.text.fold import fold
from newsweave.text.sentences import split_sentences
from newsweave.text.stem import stem
from newsweave.text.words import content_words

__all__ = ["NumbersAspect", "compare_numbers"]

_CONFLICT_KINDS = {"count", "money", "percent"}
_LOWER_BOUND = {"more than", "at least", "over", "as many as"}
_UPPER_BOUND = {"less than", "fewer than", "under", "at most", "up to", "as few as"}
_APPROX = {"about", "around", "roughly", "approximately", "nearly", "almost", "some"}


_VAGUE = re.compile(r"\b(?:dozens|hundreds|thousands|millions|billions|scores)\b", re.I)
_RANK = re.compile(r"(?:\bNo\.|#)\s*$")
_DIGITS = re.compile(r"\d[\d,]*(?:\.(\d+))?")


def _rounding(n: NumberMention) -> float:
    """What the mention's last written digit leaves open: half a unit ("36 percent": 0.5), a whole
    one for a scaled amount, which is often cut rather than rounded ("$43 million" for $43,885,310)."""
    m = _DIGITS.search(n.text)
    if m is None:
        return 0.0
    written = float(m.group(0).replace(",", ""))
    scale = n.value / written if written else 1.0
    return (1.0 if scale > 1 else 0.5) * scale * 10 ** -len(m.group(1) or "")


def consistent(a: NumberMention, b: NumberMention, tolerance: float = 0.1) -> bool:
    """Whether two mentions of one quantity can both be true.

    "More than 200" fits 214 and 241 (bounds include their value: "up to 60 million" fits 60
    million); "about 40%" fits 42 percent; a rounded figure fits a precise one ("36 percent",
    35.7 percent); a vague amount ("hundreds of people") fits any figure.
    """
    if _VAGUE.search(a.text) or _VAGUE.search(b.text):
        return True
    for x, y in ((a, b), (b, a)):
        if x.modifier in _LOWER_BOUND and y.modifier not in _UPPER_BOUND:
            return y.value >= x.value or (y.modifier in _LOWER_BOUND | _APPROX)
        if x.modifier in _UPPER_BOUND and y.modifier not in _LOWER_BOUND:
            return y.value <= x.value or (y.modifier in _UPPER_BOUND | _APPROX)
    if a.modifier in _APPROX or b.modifier in _APPROX:
        return abs(a.value - b.value) <= tolerance * max(abs(a.value), abs(b.value))
    return abs(a.value - b.value) <= max(_rounding(a), _rounding(b))


def slip(a: float, b: float) -> bool:
    """Whether one figure could be a slip for the other: within a factor 2.5 (a wrong or swapped
    digit), or the same digits at another scale (a dropped zero, "million" for "billion")."""
    lo, hi = sorted((abs(a), abs(b)))
    if lo and hi / lo <= 2.5:
        return True
    digits = [f"{v:.6g}".replace(".", "").replace("e", "").strip("0").split("+")[0] for v in (a, b)]
    return digits[0] == digits[1]


def _close(a: float, b: float, within: float = 0.2) -> bool:
    return abs(a - b) <= within * max(abs(a), abs(b), 1e-9)


def _sentence_of(spans, pos):
    for s in spans:
        if s.start <= pos < s.end:
            return s
    return None


@dataclass(slots=True)
class _Mention:
    article: Article
    number: NumberMention
    context: set[str]  # content words of its sentence, the number's own words left out
    near: set[str]  # content words of its clause: up to 60 characters either side, inside its sentence
    group: str | None  # the aligned statement holding it
    place: tuple[int, int]  # (its rank among same-unit mentions of its sentence, how many there are)
    names: set[str] = field(default_factory=set)  # proper names of its sentence (folded, stemmed)

    @property
    def form(self) -> tuple[float, str | None]:
        return (self.number.value, self.number.modifier)


def _mentions(articles: list[Article], statement_group_of: dict[str, list[tuple[int, int, str]]]) -> list[_Mention]:
    out: list[_Mention] = []
    for article in articles:
        sentences = split_sentences(article.text)
        found = extract_numbers(article.text)
        for n in found:
            if _RANK.search(article.text, max(0, n.start - 5), n.start):
                continue  # "the No. 2 position" is a rank, not an amount
            sent = _sentence_of(sentences, n.start)
            context = set(content_words(article.text[sent.start : sent.end])) if sent else set()
            context -= set(content_words(n.text))
            lo, hi = (sent.start, sent.end) if sent else (0, len(article.text))
            near = set(content_words(article.text[max(lo, n.start - _NEAR):n.start] + " "
                                     + article.text[n.end:min(hi, n.end + _NEAR)]))
            near = {w for w in near if not w.isdigit()}
            group = next((gid for s, e, gid in statement_group_of.get(article.id, ()) if s <= n.start < e), None)
            peers = [m for m in found if sent and sent.start <= m.start < sent.end
                     and m.kind == n.kind and m.unit_key == n.unit_key]
            place = (peers.index(n), len(peers)) if n in peers else (0, 1)
            out.append(_Mention(article, n, context, near, group, place, _proper_names(article.text, lo, hi)))
    return out


_CAPITALISED = re.compile(r"(?<![“\"(])\b[A-Z][a-z][\w’'-]*")
#: capitalised words that name no one: days, months, titles, pronouns
_NOT_NAMES = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december mr mrs ms dr sen rep gov president i he she it they we the
    republican republicans democrat democrats democratic""".split())


def _proper_names(text: str, start: int, end: int) -> set[str]:
    """Capitalised words of a sentence (folded, stemmed): who or what it is about ("Farenthold",
    "Social Security"), which two outlets' sentences about one figure share."""
    out = set()
    for m in _CAPITALISED.finditer(text, start, end):
        if m.start() == start and re.search(rf"\b{re.escape(m.group(0).lower())}\b", text):
            continue  # a sentence's first word is a name only if the article never writes it in lower case
        word = re.sub(r"[’']s?$", "", fold(m.group(0)))
        if word not in _NOT_NAMES:
            out.add(stem(word))
    return out


#: characters either side of a figure that say what it is ("$5.7 billion for the border wall")
_NEAR = 60
#: content words the clauses around two figures must share to be one quantity, sentences aside
_NEAR_SHARED = 3


#: counted nouns too common to tie two figures to one thing ("six months", "200 people")
_GENERIC_UNITS = frozenset("""year month week day hour minute second time people person percent point member
    vote votes""".split())


def _specific(n: NumberMention) -> bool:
    """A count of a particular thing ("60,000 emails", "100 pages"), not of time or people."""
    return n.kind == "count" and n.unit_key is not None and n.unit_key not in _GENERIC_UNITS


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def same_quantity(a: _Mention, b: _Mention, only_figures: bool, context: float = 0.25,
                  weak_context: float = 0.08) -> bool:
    """Whether two mentions with different values may be one quantity reported differently.

    Evidence: the same kind and counted thing, values one could be a slip for the other
    (:func:`slip`), and the same place among their sentence's amounts of that unit (two amounts in
    one sentence — "from $700 billion to $716 billion" — are not paired crosswise); then aligned
    statements, or sentences sharing a quarter of their content words, or sentences sharing some
    words when each article gives only this figure for the thing (``only_figures``), or clauses
    around the figures sharing three content words ("$5.7 billion for a border wall" / "$6.7
    billion in funds for his border wall"), or the same subject (:func:`_same_subject`).
    """
    if a.place != b.place or not slip(a.number.value, b.number.value):
        return False
    jac = _jaccard(a.context, b.context)
    return ((a.group is not None and a.group == b.group) or jac >= context
            or (only_figures and jac >= weak_context) or len(a.near & b.near) >= _NEAR_SHARED
            or _same_subject(a, b))


def _same_subject(a: _Mention, b: _Mention) -> bool:
    """Sentences worded differently about one figure: they name the same person or body, and the
    clauses around the figures share two other content words ("the $6.7 billion Trump demanded for
    the wall" / "Trump demanded $5.7 billion for a wall") or the figure counts a particular thing
    ("Clinton … roughly 70,000 emails" / "Clinton's roughly 60,000 emails")."""
    if not a.names & b.names:
        return False
    return len((a.near & b.near) - a.names - b.names) >= 2 or _specific(a.number)


def compare_numbers(
    articles: list[Article],
    statement_group_of: dict[str, list[tuple[int, int, str]]] | None = None,
    min_context: float = 0.25,
) -> tuple[list[NumberRecord], list[Finding]]:
    """Number entries (every quantity, linked across outlets) and ``number_conflict`` flags.

    Mentions with equal (or consistent) values link in a similar context; different values
    link only on the evidence of :func:`same_quantity`.  A conflict is a linked pair whose values
    cannot both be true, where neither mention is matched by the other article giving the same
    figure in a like context (then the article reports both figures: two claims, not one quantity).  The flag sits on the figure
    fewer outlets give; where as many outlets give each, on both.
    """
    mentions = _mentions(articles, statement_group_of or {})
    known: dict[tuple[str, str, str | None], set[float]] = defaultdict(set)
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        known[(m.article.id, m.number.kind, m.number.unit_key)].add(m.number.value)
        if m.number.unit_key is not None:
            by_key[(m.number.kind, m.number.unit_key)].append(i)

    parent = list(range(len(mentions)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    agrees_with: dict[int, set[str]] = defaultdict(set)  # mention -> articles giving the same figure alike
    differing: list[tuple[int, int]] = []
    for (kind, unit), idx in by_key.items():
        for x in range(len(idx)):
            for y in range(x + 1, len(idx)):
                i, j = idx[x], idx[y]
                a, b = mentions[i], mentions[j]
                if a.article.id == b.article.id:
                    continue
                if consistent(a.number, b.number):
                    jac = _jaccard(a.context, b.context)
                    if (a.group is not None and a.group == b.group) or jac >= min_context or (
                            _close(a.number.value, b.number.value) and jac >= min_context / 3):
                        parent[find(j)] = find(i)
                        agrees_with[i].add(b.article.id)
                        agrees_with[j].add(a.article.id)
                elif same_quantity(a, b, only_figures=len(known[(a.article.id, kind, unit)]) == 1
                                   == len(known[(b.article.id, kind, unit)])):
                    parent[find(j)] = find(i)
                    differing.append((i, j))
    # a figure the other article also gives in a like context is a second claim, not a conflict
    clashes: dict[int, list[int]] = defaultdict(list)
    for i, j in differing:
        a, b = mentions[i], mentions[j]
        if a.number.kind in _CONFLICT_KINDS and a.article.id not in agrees_with[j] and b.article.id not in agrees_with[i]:
            clashes[i].append(j)
            clashes[j].append(i)

    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        clusters[find(i)].append(i)
    order = {a.id: k for k, a in enumerate(articles)}
    entries: list[NumberRecord] = []
    findings: list[Finding] = []
    for idx in clusters.values():
        idx.sort(key=lambda i: (order[mentions[i].article.id], mentions[i].number.start))
        entries.append(_entry(mentions, idx, order, clashes))
        findings.extend(_conflict_findings(mentions, idx, clashes))
    entries.sort(key=lambda e: (-len(e["articles"]), not e["conflict"], order[e["articles"][0]], e["mentions"][0]["start"]))
    return entries, findings


def _entry(mentions: list[_Mention], idx: list[int], order: dict[str, int],
           clashes: dict[int, list[int]]) -> NumberRecord:
    first = mentions[idx[0]].number
    return {
        "kind": first.kind,
        "what": first.what,
        "values": sorted({mentions[i].number.value for i in idx}),
        "articles": sorted({mentions[i].article.id for i in idx}, key=lambda a: order[a]),
        "conflict": any(clashes.get(i) for i in idx),
        "mentions": [{
            "article": mentions[i].article.id, "text": mentions[i].number.text, "value": mentions[i].number.value,
            "modifier": mentions[i].number.modifier, "what": mentions[i].number.what,
            "start": mentions[i].number.start, "end": mentions[i].number.end,
        } for i in idx],
    }


def _conflict_findings(mentions: list[_Mention], idx: list[int], clashes: dict[int, list[int]]) -> list[Finding]:
    """One flag per clashing mention, unless more outlets give its figure than give any figure it clashes with."""
    outlets: dict[tuple, set[str]] = defaultdict(set)
    for i in idx:
        outlets[mentions[i].form].add(mentions[i].article.id)
    findings = []
    for i in idx:
        others = clashes.get(i, [])
        if not others:
            continue
        mine = len(outlets[mentions[i].form])
        if all(mine > len(outlets[mentions[j].form]) for j in others):
            continue  # the figure most outlets give: the others are flagged
        m, o = mentions[i], mentions[others[0]]
        how = "in the aligned statement" if m.group is not None and m.group == o.group else "in a sentence saying the same"
        findings.append(Finding(
            "number_conflict", m.article.id, m.number.start, m.number.end, 0.7,
            f"{m.article.source} gives '{m.number.text}' for {m.number.what or m.number.kind}; "
            f"{o.article.source} gives '{o.number.text}' {how}"
            + (f" ({len(outlets[o.form])} outlets)" if len(outlets[o.form]) > 1 else "")
            + ", and neither gives the other's figure",
            {"value": m.number.value, "conflicting_mentions": len(others), "others": [
                {"article": mentions[j].article.id, "start": mentions[j].number.start, "end": mentions[j].number.end,
                 "text": mentions[j].number.text, "value": mentions[j].number.value} for j in others[:10]]},
        ))
    return findings


class NumbersAspect:
    """The story's ``numbers``: every quantity linked across outlets (by the statements aligned before)."""

    name = "numbers"

    def compare(self, story: PreparedStory) -> Section[list[NumberRecord]]:
        entries, findings = compare_numbers(story.articles, group_spans(story.sections["statements"].records))
        return Section(entries, findings)
