"""Group the same utterance across outlets, despite drift, with a word-level diff.

Two quotes are the same utterance when, after folding typography, most of the
shorter one's words occur in order in the longer one (a shorter excerpt, a
dropped sentence, a swapped or added word, a re-translation that keeps most
words).  Groups hold at most one quote per article and are built greedily from
the most similar pair down, so a story of many outlets does not chain unrelated
quotes together.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from newsweave.compare.aspect import PreparedStory, Section
from newsweave.compare.records import DiffOp, QuoteGroupRecord, QuoteVariantRecord
from newsweave.model import Article, Finding, Quote, Span, outlet_key
from newsweave.text.fold import fold
from newsweave.text.stem import stem
from newsweave.text.stopwords import STOPWORDS
from newsweave.text.titles import OFFICE_HEADS as _TITLES
from newsweave.text.words import word_tokens

__all__ = ["QuoteItem", "QuotesAspect", "group_quotes", "quote_items", "word_diff", "same_person", "cue_pronouns",
           "classify_variant"]

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
    speaker_span: Span | None = None  # the speaker as written, in the article
    words: list[str] = field(default_factory=list)  # folded, stemmed words
    raw_words: list[tuple[str, int, int]] = field(default_factory=list)  # as written, spans in the article
    pieces: list[Span] = field(default_factory=list)  # the quoted pieces' spans in the article
    doc: str = field(default="", repr=False)  # the article's clean text

    def words_as_written(self, i: int, j: int) -> str:
        """Words ``i:j`` as the article writes them (punctuation kept) when they lie in one piece."""
        if j <= i:
            return ""
        a, b = self.raw_words[i][1], self.raw_words[j - 1][2]
        if not self.doc:
            return " ".join(w for w, _, _ in self.raw_words[i:j])
        # each piece's stretch as written (commas, marks inside kept), pieces joined by a space
        parts = [self.doc[max(a, p.start) : min(b, p.end)].strip() for p in self.pieces if p.start < b and a < p.end]
        return " ".join(p for p in parts if p)

    def gap_before(self, j: int) -> str:
        """The text between word ``j - 1`` and word ``j`` as the article has it (a cue, an ellipsis, a space)."""
        if not self.doc or j <= 0 or j >= len(self.raw_words):
            return ""
        return self.doc[self.raw_words[j - 1][2] : self.raw_words[j][1]]


def _make_item(article: Article, pieces: list[Span], q: Quote, source: Span | None) -> QuoteItem:
    raw: list[tuple[str, int, int]] = []
    for p in pieces:
        raw.extend((w, p.start + a, p.start + b) for w, a, b in word_tokens(p.of(article.text)))
    if q.kind == "mixed":  # reported speech with a quoted passage: only the words in quotation marks are quoted
        regions = _regions(article.text)
        raw = [w for w in raw if any(r.start <= w[1] < r.end for r in regions)] or raw
    text = " ".join(p.of(article.text).strip() for p in pieces)
    return QuoteItem(
        article_id=article.id, source=article.source, text=text, start=pieces[0].start, end=pieces[-1].end,
        kind=q.kind, speaker_as_written=source.of(article.text) if source is not None else None, speaker=q.speaker,
        reason=q.reason, speaker_span=source,
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
    taken: list[Span] = []
    kept: list[Quote] = []
    for q in ranked:
        if q.kind == "indirect":
            continue
        pieces = q.pieces
        start, end = pieces[0].start, pieces[-1].end
        if any(start < t.end and t.start < end for t in taken):
            continue
        taken.append(Span(start, end))
        kept.append(q)
    kept.sort(key=lambda q: q.pieces[0].start)
    merged: list[tuple[Quote, list[Span], Span | None]] = []
    for q in kept:
        pieces = list(q.pieces)
        written = q.source
        if merged:
            prev, prev_pieces, prev_written = merged[-1]
            gap = article.text[prev_pieces[-1].end : pieces[0].start]
            if (q.speaker and q.speaker == prev.speaker and q.kind == prev.kind == "direct"
                    and len(gap) <= max_gap and "\n" not in gap and len(set(gap) & _QUOTE_MARKS) <= 2):
                merged[-1] = (prev, prev_pieces + pieces, prev_written if prev_written is not None else written)
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


def _one_utterance(a: QuoteItem, b: QuoteItem, min_content: float = 0.5) -> bool:
    """Whether the shared words are one passage, not two quotations that share small words.

    Most of the shorter quote's *content* words must occur, in order, in the longer, and
    the two must share a run of three words or more (or the whole of a very short quote):
    two different passages of one speech share "the", "we", "going to" but not a phrase.
    """
    ca = [w for w in a.words if w not in STOPWORDS]
    cb = [w for w in b.words if w not in STOPWORDS]
    if not ca or not cb:
        return False
    sm = difflib.SequenceMatcher(None, ca, cb, autojunk=False)
    content = sum(block.size for block in sm.get_matching_blocks()) / min(len(ca), len(cb))
    run = difflib.SequenceMatcher(None, a.words, b.words, autojunk=False).find_longest_match(
        0, len(a.words), 0, len(b.words)).size
    return content >= min_content and run >= min(3, len(a.words), len(b.words))


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


def _opcodes(canonical: QuoteItem, variant: QuoteItem) -> list[tuple[str, int, int, int, int]]:
    codes = difflib.SequenceMatcher(None, canonical.words, variant.words, autojunk=False).get_opcodes()
    return [op for code in codes for op in _split_substitution(code, canonical, variant)]


def _split_substitution(code: tuple[str, int, int, int, int], canonical: QuoteItem,
                        variant: QuoteItem) -> list[tuple[str, int, int, int, int]]:
    """A changed word beside a passage one side has and the other has not, told apart.

    difflib reports "war on terror" / "war on though. … And for the sake of …" as one replaced block;
    where the longer side's sentence, quotation or quoted piece ends (or starts) right after (or
    before) as many words as the shorter side has (one or two), those words are a substitution and
    the rest a passage left out or added: "terror" → "though", then an excerpt.
    """
    tag, i1, i2, j1, j2 = code
    n = min(i2 - i1, j2 - j1)
    if tag != "replace" or n > 2 or max(i2 - i1, j2 - j1) < _PASSAGE:
        return [code]
    rest = "delete" if i2 - i1 > j2 - j1 else "insert"
    longer, a, b = (canonical, i1, i2) if rest == "delete" else (variant, j1, j2)
    if _boundary(longer, a + n):  # the substitution first, then the passage
        return [("replace", i1, i1 + n, j1, j1 + n),
                (rest, i1 + n, i2, j1 + n, j2) if rest == "delete" else (rest, i2, i2, j1 + n, j2)]
    if _boundary(longer, b - n):  # the passage first, then the substitution
        return [(rest, i1, i2 - n, j1, j1) if rest == "delete" else (rest, i1, i1, j1, j2 - n),
                ("replace", i2 - n, i2, j2 - n, j2)]
    return [code]


def _boundary(item: QuoteItem, j: int) -> bool:
    """Whether a sentence, the quotation or one of its pieces ends between words ``j - 1`` and ``j``."""
    gap = item.gap_before(j)
    return bool(re.search(r"[.!?;:]", gap)) or bool(set(gap) & _QUOTE_MARKS) or any(m in gap for m in _ELLIPSIS)


def word_diff(canonical: QuoteItem, variant: QuoteItem) -> list[DiffOp]:
    """Word-level opcodes turning the canonical text into the variant (folded comparison)."""
    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in _opcodes(canonical, variant):
        ops.append({
            "op": tag,
            "canonical": canonical.words_as_written(i1, i2),
            "variant": variant.words_as_written(j1, j2),
            # spans of the variant's words, relative to the article's clean text
            "start": variant.raw_words[j1][1] if j2 > j1 else None,
            "end": variant.raw_words[j2 - 1][2] if j2 > j1 else None,
        })
    return ops


_ELLIPSIS = ("...", "…", ". . .")
#: a run of this many words or more left out is a dropped passage (an editor's cut), not a changed word
_PASSAGE = 4


_CONTRACTIONS = [(r"\bwon't\b", "will not"), (r"\bcan't\b", "cannot"), (r"n't\b", " not"), (r"'re\b", " are"),
                 (r"'ll\b", " will"), (r"'ve\b", " have"), (r"'m\b", " am"), (r"'d\b", " would"),
                 (r"\b(it|that|he|she|what|there|here|who)'s\b", r"\1 is"), (r"\bo\.?k\.?(?!\w)", "okay")]
_SMALL = {str(n): w for n, w in enumerate("zero one two three four five six seven eight nine ten".split())}


def _letters(text: str) -> str:
    """Letters and digits only, house style folded: contractions spelt out ("they're" = "they are"),
    small numbers as words ("2 in 3" = "two in three"), "O.K." = "okay"."""
    text = fold(text)
    for pattern, repl in _CONTRACTIONS:
        text = re.sub(pattern, repl, text)
    text = re.sub(r"\b\d+\b", lambda m: _SMALL.get(m.group(0), m.group(0)), text)
    return "".join(ch for ch in text if ch.isalnum())


def _censored(a: str, b: str) -> bool:
    """'f***ing' for 'fucking': the same word with letters starred out (an outlet's house rule)."""
    a, b = fold(a), fold(b)
    if "*" not in a + b or len(a) != len(b):
        return False
    return all(x == y or "*" in (x, y) for x, y in zip(a, b))


def _bracketed(item: QuoteItem, i: int, j: int) -> bool:
    """Words ``i:j`` of the item set in brackets or parentheses: an editor's insertion, marked as such."""
    if not item.doc or j <= i:
        return False
    before = item.doc[max(0, item.raw_words[i][1] - 1) : item.raw_words[i][1]]
    after = item.doc[item.raw_words[j - 1][2] : item.raw_words[j - 1][2] + 1]
    return before in "([" and before != "" and after in ")]" and after != ""


def _marked_cut(item: QuoteItem, j: int) -> bool:
    """Whether the item shows a cut before word ``j``: an ellipsis, or a cue between two quoted pieces."""
    gap = item.gap_before(j)
    return any(mark in gap for mark in _ELLIPSIS) or bool(set(gap) & _QUOTE_MARKS)


def classify_variant(canonical: QuoteItem, variant: QuoteItem) -> tuple[str, list[int]]:
    """How a variant differs from the canonical text, and the indexes of the changed (drift) opcodes.

    ``same`` (typography at most) | ``excerpt`` (words missing or added at the ends only) |
    ``omission`` (a passage of four words or more left out or told differently in the middle, or
    a cut the text marks with an ellipsis or a cue) | ``drift`` (one to three words replaced, or
    added or dropped inside the quotation with no mark of a cut).  Only ``drift`` is a suspected
    error: a changed passage is more likely another part of the speech than a changed quote.
    """
    codes = _opcodes(canonical, variant)
    kinds: set[str] = set()
    drift: list[int] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(codes):
        if tag == "equal":
            continue
        if tag == "replace" and max(i2 - i1, j2 - j1) < _PASSAGE:
            was, now = canonical.words_as_written(i1, i2), variant.words_as_written(j1, j2)
            if _letters(was) != _letters(now) and not _censored(was, now) \
                    and not _bracketed(variant, j1, j2) and not _bracketed(canonical, i1, i2):
                drift.append(k)
            continue
        if _bracketed(variant, j1, j2) or _bracketed(canonical, i1, i2):
            continue  # an editor's marked insertion: "[the] supervisors", "(local)"
        if k == 0 or k == len(codes) - 1:
            kinds.add("excerpt")
        elif max(i2 - i1, j2 - j1) >= _PASSAGE or (
                _marked_cut(variant, j1) if tag == "delete" else _marked_cut(canonical, i1)):
            kinds.add("omission")
        else:
            drift.append(k)
    if drift:
        return "drift", drift
    return ("omission" if "omission" in kinds else "excerpt" if kinds else "same"), []


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


def _clusters(items: list[QuoteItem], min_containment: float) -> tuple[list[list[int]], dict[tuple[int, int], float]]:
    """Items linked greedily from the most similar pair down, one item per article per cluster."""
    scored = []
    bags = [Counter(it.words) for it in items]
    for i, j in _candidates(items):
        shorter = min(len(items[i].words), len(items[j].words))
        needed = 1.0 if shorter <= 4 else min_containment
        # the words both have bound what the matching blocks can match: most candidate pairs
        # (two shared content words) fail here, without the quadratic SequenceMatcher
        shared = (bags[i] & bags[j]).total()
        if shared < 3 or shared < needed * shorter - 1e-9:
            continue
        containment, ratio = _similarity(items[i], items[j])
        if containment >= needed and containment * shorter >= 3 and _one_utterance(items[i], items[j]):
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
    return list(clusters.values()), sims


def _same_words(a: QuoteItem, b: QuoteItem, min_words: int = 6, min_containment: float = 0.7,
                min_fragment: int = 8) -> bool:
    """One quotation word for word (a direct quote of six words or more, 70 % contained): a shared
    catch-phrase ("a power grab") or a short fragment inside reported speech can come from several
    people; a quoted passage inside reported speech (``mixed``) counts from eight words."""
    if "indirect" in (a.kind, b.kind):
        return False
    shortest = min(_quoted_words(a), _quoted_words(b))
    if shortest < (min_fragment if "mixed" in (a.kind, b.kind) else min_words):
        return False
    return _similarity(a, b)[0] >= min_containment


def _quoted_words(item: QuoteItem) -> int:
    """How many of the item's words the article sets inside quotation marks (all, for a direct quote)."""
    if item.kind == "direct" or not item.doc:
        return len(item.words)
    regions = _regions(item.doc)
    return sum(1 for _, start, _ in item.raw_words if any(r.start <= start < r.end for r in regions))


@functools.lru_cache(maxsize=64)
def _regions(text: str) -> tuple[Any, ...]:
    """Every quoted stretch of an article (marks included), found once per text."""
    from newsweave.enrich.quotes.marks import find_regions

    return tuple(find_regions(text))


def named_in_cue(item: QuoteItem) -> bool:
    """Whether the cue names the resolved speaker by surname ("Biden said"), not a pronoun, a role,
    a title or a body resolved by guesswork ("the Board", "BOE", "Special Envoy")."""
    if not item.speaker or not item.speaker_as_written or not _person_like(item.speaker):
        return False
    written = {fold(w) for w, _, _ in word_tokens(item.speaker_as_written)}
    return fold(item.speaker.split()[-1]) in written


def _person_like(name: str) -> bool:
    """A person's name: its last word capitalised, not an acronym, a title or a body's head word."""
    words = name.split()
    last = words[-1]
    return (last[:1].isupper() and not last.isupper() and fold(last) not in _NOT_PERSON
            and fold(last).rstrip(".") not in _TITLES and fold(words[0]) not in _CLAUSE_WORDS)


#: words that open a clause, never a name: "After Biden" is a cue's debris, not a person
_CLAUSE_WORDS = frozenset("after before when while as if but and then since with once though although".split())


#: head words of a source that is a document or a body, not a person: resolved, nothing to ask
_NOT_PERSON = frozenset("""indictment document documents filing filings report reports statement statements
    complaint lawsuit suit memo memorandum letter order ruling opinion decision bill law motion transcript
    affidavit warrant court courts agency department ministry office committee council commission board
    administration government campaign company police party union group organization organisation
    house pentagon kremlin spokesperson's website post tweet tweets email emails release""".split())


def not_a_person(item: QuoteItem) -> bool:
    """Whether the source as written is a document or a body ("the indictment", "the court document")."""
    words = [fold(w) for w, _, _ in word_tokens(item.speaker_as_written or "")]
    return bool(words) and words[-1] in _NOT_PERSON


def _consensus_speaker(members: list[QuoteItem], rank: dict[str, int]) -> str | None:
    """The speaker most variants agree on; a tie goes to the most original article's speaker."""
    speakers = [it for it in members if it.speaker]
    if not speakers:
        return None
    votes: Counter[str] = Counter()
    first: dict[str, int] = {}
    for it in speakers:
        name = it.speaker or ""  # never empty: ``speakers`` holds the variants that give one
        votes[name] = sum(1 for other in speakers if same_person(name, other.speaker))
        first[name] = min(first.get(name, 1 << 30), rank.get(it.article_id, 0))
    return sorted(votes, key=lambda s: (-votes[s], first[s], -len(s), s))[0]


def _drift_finding(canonical: QuoteItem, item: QuoteItem, ops: list[DiffOp], changed: list[int]) -> Finding:
    desc = "; ".join(
        f"'{ops[k]['canonical']}' → '{ops[k]['variant']}'" if ops[k]["op"] == "replace"
        else f"{'added' if ops[k]['op'] == 'insert' else 'left out'}: '{ops[k]['canonical'] or ops[k]['variant']}'"
        for k in changed[:4])
    spans = [(s, e) for k in changed if (s := ops[k]["start"]) is not None and (e := ops[k]["end"]) is not None]
    start, end = (min(s for s, _ in spans), max(e for _, e in spans)) if spans else (item.start, item.end)
    _, ratio = _similarity(canonical, item)
    return Finding("wording_drift", item.article_id, start, end, round(max(0.5, 1 - ratio), 3),
                   f"words inside the quotation differ from the text other outlets carry ({desc})",
                   {"canonical": canonical.text, "quote": {"start": item.start, "end": item.end},
                    "canonical_article": canonical.article_id})


def _speaker_findings(item: QuoteItem, speaker: str | None,
                      members: list[QuoteItem]) -> tuple[list[str], list[Finding], list[Finding]]:
    """(variant flags, flags, differences) about who said it.

    A different speaker is a flag only when this cue names its speaker and another outlet's
    cue names the consensus speaker, or another outlet's "he said"/"she said" cue was resolved
    to that speaker and no other outlet gives the quotation to anyone else; a role or a title
    resolved by guesswork is no evidence.
    """
    if item.speaker is None:
        if not_a_person(item):
            return [], [], []  # a document or a body: resolved, just not a person
        why = f"speaker of this quote not resolved ({item.reason or 'no cue found'})"
        return ["speaker_unresolved"], [], [Finding(
            "speaker_unresolved", item.article_id, item.start, item.end, 0.5,
            why + (f"; other outlets attribute it to {speaker}" if speaker else ""),
            {"speaker_as_written": item.speaker_as_written})]
    if not speaker or same_person(item.speaker, speaker):
        return [], [], []
    others = [o for o in members if o.article_id != item.article_id and same_person(o.speaker, speaker)
              and _same_words(item, o)]
    backed = [o for o in others if named_in_cue(o)]
    # a "he said"/"she said" the quotes stage resolved to the consensus speaker backs it when no
    # outlet but this one gives the quotation to anyone else
    by_pronoun = [o for o in others if fold(o.speaker_as_written or "") in _CUE_PRONOUNS]
    dissent = [o for o in members if o is not item and o.speaker and not same_person(o.speaker, speaker)]
    if not named_in_cue(item) or not (backed or (by_pronoun and not dissent)):
        return [], [], []
    return ["speaker_mismatch"], [_mismatch(item, speaker, *(backed or by_pronoun))], []


def _mismatch(item: QuoteItem, speaker: str, *backed: QuoteItem, tie: bool = False) -> Finding:
    return Finding(
        "speaker_mismatch", item.article_id, item.start, item.end, 0.8,
        f"this outlet names {item.speaker} as the speaker; {backed[0].source} "
        f"{'names' if named_in_cue(backed[0]) else 'gives (by a resolved ' + repr(backed[0].speaker_as_written) + ')'} "
        f"{speaker} for the same quotation"
        + ("; as many outlets give it to each, and nothing in the texts settles which is right" if tie else ""),
        {"speaker": item.speaker, "consensus": speaker,
         "others": [{"article": o.article_id, "start": o.start, "end": o.end} for o in backed[:5]]})


def _variant(canonical: QuoteItem, item: QuoteItem, speaker: str | None,
             members: list[QuoteItem]) -> tuple[QuoteVariantRecord, list[Finding], list[Finding]]:
    """One variant's record (diff, flags) with its flags and differences."""
    flags: list[Finding] = []
    differences: list[Finding] = []
    ops: list[DiffOp]
    changed: list[int]
    if item is canonical:
        ops = [{"op": "equal", "canonical": item.text, "variant": item.text, "start": item.start, "end": item.end}]
        kind, changed = "same", []
    else:
        ops = word_diff(canonical, item)
        kind, changed = classify_variant(canonical, item)
    variant_flags = []
    if kind == "drift":
        variant_flags.append("wording_drift")
        flags.append(_drift_finding(canonical, item, ops, changed))
    elif kind in ("excerpt", "omission"):
        variant_flags.append(kind)
        differences.append(Finding(
            f"quote_{kind}", item.article_id, item.start, item.end, 0.0,
            "a shorter excerpt of the quotation other outlets carry" if kind == "excerpt"
            else "a passage of the quotation is left out (a cut, not changed words)", {"canonical": canonical.text}))
    if kind == "same" and fold(item.text).strip() != fold(canonical.text).strip():
        variant_flags.append("typography")
    who_flags, who, who_diff = _speaker_findings(item, speaker, members)
    variant_flags += who_flags
    record: QuoteVariantRecord = {
        "article": item.article_id, "source": item.source, "text": item.text,
        "start": item.start, "end": item.end, "kind": item.kind,
        "speaker_as_written": item.speaker_as_written, "speaker": item.speaker,
        "speaker_span": (
            {"start": item.speaker_span.start, "end": item.speaker_span.end} if item.speaker_span is not None else None
        ),
        "pieces": [{"start": p.start, "end": p.end} for p in item.pieces],
        "diff": ops, "flags": variant_flags, "canonical": item is canonical,
    }
    return record, flags + who, differences + who_diff


def _even_split(canonical: QuoteItem, members: list[QuoteItem], found: list[Finding],
                copies: dict[str, str], records: list[QuoteVariantRecord], wording: dict[str, float],
                speaker: str | None = None) -> list[Finding]:
    """Flags for the canonical side when as many independent outlets differ from it as agree with it.

    A copy that changed the quotation does not count against the original: one of the same
    reprint group, or a rewrite whose wording shows twice the signs of machine translation or
    spinning (at least one per 2,000 characters) of the canonical article's.
    """
    def independent(theirs_id: str, ours_id: str) -> bool:
        if copies.get(theirs_id, theirs_id) == copies.get(ours_id, ours_id):
            return False
        theirs, ours = wording.get(theirs_id, 0.0), wording.get(ours_id, 0.0)
        return not (theirs >= 0.5 and theirs >= 2 * ours)

    out: list[Finding] = []
    record = next(r for r in records if r["canonical"])
    drifted = [f for f in found if f.kind == "wording_drift" and independent(f.article_id, canonical.article_id)]
    if drifted and 1 + _supporters(canonical, members, drifted[0].article_id) <= len(drifted):
        other = next(it for it in members if it.article_id == drifted[0].article_id)
        ops = word_diff(other, canonical)
        kind, changed = classify_variant(other, canonical)
        if kind == "drift":
            out.append(_drift_finding(other, canonical, ops, changed))
            record["flags"].append("wording_drift")
    return out + _even_speakers(members, speaker, records, independent)


def _supporters(canonical: QuoteItem, members: list[QuoteItem], drifted_id: str) -> int:
    """How many other outlets carry the canonical wording where ``drifted_id``'s version differs from it:
    an outlet whose excerpt leaves that part out says nothing about which wording is right."""
    other = next(it for it in members if it.article_id == drifted_id)
    codes = _opcodes(canonical, other)
    _, changed = classify_variant(canonical, other)
    spans = [(i1, i2) if i2 > i1 else (i1 - 1, i1 + 1) for _, i1, i2, _, _ in (codes[k] for k in changed)]
    count = 0
    for item in members:
        if item is canonical or item is other:
            continue
        equal = [(a1, a2) for tag, a1, a2, _, _ in _opcodes(canonical, item) if tag == "equal"]
        count += all(any(a1 <= lo and hi <= a2 for a1, a2 in equal) for lo, hi in spans)
    return count


def _even_speakers(members: list[QuoteItem], speaker: str | None, records: list[QuoteVariantRecord],
                   independent: Any) -> list[Finding]:
    """``speaker_mismatch`` on the consensus side when as many outlets give the quotation to someone else.

    Only outlets that give a speaker vote; a dissenting cue counts when it names its speaker or is a
    "he"/"she" the quotes stage resolved, for the same words.  The consensus side is flagged where its
    cue names the speaker and the dissent is independent of it: nothing in the texts settles who is right.
    """
    voters = [it for it in members if it.speaker]
    dissent = [it for it in voters if not same_person(it.speaker, speaker)
               and (named_in_cue(it) or fold(it.speaker_as_written or "") in _CUE_PRONOUNS)]
    if not speaker or not dissent or len(voters) - len(dissent) > len(dissent):
        return []
    out = []
    for item in voters:
        rivals = [o for o in dissent if independent(o.article_id, item.article_id) and _same_words(item, o)]
        if not same_person(item.speaker, speaker) or not named_in_cue(item) or not rivals:
            continue
        out.append(_mismatch(item, rivals[0].speaker or "", *rivals, tie=True))
        next(r for r in records if r["article"] == item.article_id and r["start"] == item.start)["flags"].append(
            "speaker_mismatch")
    return out


def group_quotes(articles: list[Article], items: list[QuoteItem], min_containment: float = 0.6,
                 rank: dict[str, int] | None = None, copies: dict[str, str] | None = None,
                 wording: dict[str, float] | None = None,
                 ) -> tuple[list[QuoteGroupRecord], list[Finding], list[Finding]]:
    """Quote groups (JSON-ready dicts, most widely carried first), their flags and their differences.

    ``rank`` orders articles from most to least original (containment and wording first, dates
    second; :func:`newsweave.compare.timeline.originality`): where variants are evenly split,
    the most original article's wording and speaker are the canonical ones.  When the other
    side is a copy of it (``copies``: article -> reprint group), only the copy that changed
    the quotation is flagged, and so when the other side's ``wording`` (signs of machine translation
    or spinning per 1,000 characters) marks it as a rewrite; between independent outlets evenly
    split, both sides are, since nothing says which one is right.  ``rank`` defaults to the
    articles' order.
    """
    order = {a.id: i for i, a in enumerate(articles)}
    rank = rank if rank is not None else order
    clusters, sims = _clusters(items, min_containment)
    groups: list[QuoteGroupRecord] = []
    flags: list[Finding] = []
    differences: list[Finding] = []
    for idx_list in clusters:
        idx_list.sort(key=lambda i: (order.get(items[i].article_id, 0), items[i].start))
        canonical_i = max(idx_list, key=lambda i: (round(sum(sims.get((i, j), 0.0) for j in idx_list if j != i), 6),
                                                   -rank.get(items[i].article_id, 0), len(items[i].words),
                                                   -order.get(items[i].article_id, 0)))
        members = [items[i] for i in idx_list]
        speaker = _consensus_speaker(members, rank)
        group_flags: set[str] = set()
        variants: list[QuoteVariantRecord] = []
        found_here: list[Finding] = []
        for item in members:
            record, found, diffs = _variant(items[canonical_i], item, speaker, members)
            variants.append(record)
            found_here.extend(found)
            differences.extend(diffs)
        found_here += _even_split(items[canonical_i], members, found_here, copies or {}, variants, wording or {},
                                  speaker)
        flags.extend(found_here)
        for record in variants:
            group_flags.update(record["flags"])
        if len({outlet_key(it.source, it.article_id) for it in members}) == 1:
            group_flags.add("single_outlet")
        groups.append({
            "canonical": items[canonical_i].text,
            "speaker": speaker,
            "flags": sorted(group_flags),
            "articles": sorted({it.article_id for it in members}, key=lambda a: order.get(a, 0)),
            "variants": variants,
            "id": "",  # numbered below, once the groups are in order
        })
    groups.sort(key=lambda g: (-len(g["articles"]), order.get(g["articles"][0], 0), g["variants"][0]["start"]))
    for n, g in enumerate(groups):
        g["id"] = f"q{n + 1}"
    return groups, flags, differences


_CUE_PRONOUNS = frozenset({"he", "she"})


def cue_pronouns(groups: list[QuoteGroupRecord]) -> list[tuple[str, Span, str]]:
    """(article, span, person) for each "he said"/"she said" cue of a quotation that another
    outlet's cue gives to ``person`` by name: who the pronoun refers to is then settled."""
    out = []
    for g in groups:
        person = g["speaker"]
        if not person:
            continue
        surname = fold(person.split()[-1])
        named = {v["article"] for v in g["variants"] if v["speaker_as_written"] and same_person(v["speaker"], person)
                 and surname in {fold(w) for w, _, _ in word_tokens(v["speaker_as_written"])}}
        for v in g["variants"]:
            span = v.get("speaker_span")
            if span and fold(v["speaker_as_written"] or "") in _CUE_PRONOUNS and named - {v["article"]}:
                out.append((v["article"], Span(span["start"], span["end"]), person))
    return out


class QuotesAspect:
    """The story's ``quotes``: the reported speech and writing of every article, grouped across outlets."""

    name = "quotes"

    def compare(self, story: PreparedStory) -> Section[list[QuoteGroupRecord]]:
        items: list[QuoteItem] = []
        for article in story.articles:
            quotes = [q if q.article_id == article.id else dataclasses.replace(q, article_id=article.id)
                      for q in story.analyses[article.id].quotes]
            items.extend(quote_items(article, [q for q in quotes if q.is_reported]))
        groups, flags, differences = group_quotes(story.articles, items, rank=story.rank,
                                                  copies=story.reprint_groups, wording=story.wording)
        for g in groups:  # copies of one text are one source: a quote only they carry is marked
            if len(g["articles"]) > 1 and len({story.reprint_groups.get(a, a) for a in g["articles"]}) == 1:
                g["flags"] = sorted(set(g["flags"]) | {"reprint_only"})
        return Section(groups, flags, differences)
