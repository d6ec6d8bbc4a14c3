"""People in an article: canonical names, every mention, titles, pronouns; speakers resolved.

Names come from spaCy's PERSON entities (in the sentences that were parsed) and
from quote sources. Forms of one person are merged when one is a part of the
other ("Quintero" / "Marisol Quintero") or when they differ by a misspelling
(rapidfuzz: "Marsol Quintero" / "Marisol Quintero"). The whole text is then scanned
for every known form, for misspelt variants and for role phrases built from a
person's titles ("the mayor"), so sentences that were never parsed
still count.

Pronouns resolve by *salience*, not gender first: the candidates are the
people mentioned (outside quotations) in the pronoun's sentence and the two
before it; the subject of a sentence, the speaker of the previous quotation
and recency score; gender agreement only breaks ties between several
candidates. A pronoun with a single candidate resolves to it whatever its
gender, which is how an article that calls one person both "she" and "he"
gets its ``pronoun_gender`` finding.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from newsweave.enrich.quotes.extract import Attribution, Parsed
from newsweave.enrich.quotes.lexicon import PRONOUNS_FEMALE
from newsweave.enrich.quotes.marks import ALL_MARKS
from newsweave.model import Finding, Quote, Span
from newsweave.text.titles import DESCRIPTION_TITLES as _TITLE_WORDS

__all__ = ["Person", "assemble"]

_ROLE_HEADS = {
    "president", "vice president", "governor", "senator", "secretary", "speaker", "mayor", "minister",
    "prime minister", "chancellor", "attorney general", "first lady", "nominee", "candidate", "director",
    "ambassador", "chairman", "chairwoman", "commissioner", "sheriff", "judge", "justice", "spokesman",
    "spokeswoman", "congressman", "congresswoman", "senator", "pope", "king", "queen",
}
_ORG_WORDS = {
    "times", "post", "news", "house", "committee", "department", "party", "campaign", "council", "court",
    "senate", "congress", "university", "institute", "center", "centre", "foundation", "association", "inc",
    "agency", "office", "administration", "service", "services", "network", "republicans", "democrats",
    "journal", "press", "tribune", "herald", "cnn", "fox", "msnbc", "cbs", "nbc", "abc", "reuters", "ap",
    "street", "avenue", "city", "county", "state", "states", "republic", "union", "bank", "group", "corp",
    "company", "club", "school", "college", "church", "hospital", "police", "army", "navy", "guard",
    "industries", "systems", "technologies", "holdings", "partners", "polymers", "chemicals", "airlines",
    "motors", "foods", "brands", "solutions", "labs", "laboratories", "networks", "communications", "energy",
    "pharmaceuticals", "insurance", "studios", "entertainment",
}
_STRIP_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_PRONOUN_RE = re.compile(r"\b(he|she|him|her|his|hers|himself|herself)\b", re.IGNORECASE)
# Latin letters with diacritics count as name letters ("Asztó", "Łukasz", "Núñez"); re has no \p{Lu}
_UPPER = "A-Z" + "".join(ch for ch in map(chr, range(0xC0, 0x250)) if ch.isupper())
_LOWER = "a-z" + "".join(ch for ch in map(chr, range(0xC0, 0x250)) if ch.islower())
_CAP_WORD = f"[{_UPPER}][{_LOWER}]+"
_NAME_TOKEN = re.compile(f"^[{_UPPER}][{_UPPER}{_LOWER}'’.\\-]*$")
_SENT_WORDS = {"The", "A", "An", "But", "And", "In", "On", "When", "While", "As", "If", "That", "This", "Former", "Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov"}
_DESC_STOP = {"the", "a", "an", "and", "or", "with", "of", "by", "for", "to", "in", "on", "at", "said", "says"}


@dataclass(slots=True)
class Person:
    """One person of an article with every way the article refers to them."""

    name: str  # canonical: the most frequent full form
    mentions: list[Span] = field(default_factory=list)  # names, partial/misspelt names, role phrases, pronouns
    descriptions: list[str] = field(default_factory=list)  # titles and roles from the text
    pronouns: dict[str, list[Span]] = field(default_factory=dict)  # {"she": [...], "he": [...]}
    variants: list[str] = field(default_factory=list)  # every written form of the name
    gender: str | None = None  # "female" / "male" by majority of resolved pronouns, else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "mentions": [[s.start, s.end] for s in self.mentions],
            "descriptions": list(self.descriptions),
            "pronouns": {k: [[s.start, s.end] for s in v] for k, v in self.pronouns.items()},
            "variants": list(self.variants),
            "gender": self.gender,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Person":
        return cls(
            name=d["name"],
            mentions=[Span(a, b) for a, b in d.get("mentions", [])],
            descriptions=list(d.get("descriptions", [])),
            pronouns={k: [Span(a, b) for a, b in v] for k, v in d.get("pronouns", {}).items()},
            variants=list(d.get("variants", [])),
            gender=d.get("gender"),
        )


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    person: int
    kind: str  # "name" | "surname" | "variant" | "role" | "pronoun"
    in_quote: bool
    form: str = ""


# ---------------------------------------------------------------------------
# names


def _clean_name(raw: str) -> tuple[str, list[str]]:
    """'Deputy Mayor Marisol Quintero’s' -> ('Marisol Quintero', ['Deputy Mayor'])."""
    raw = raw.strip().strip(",;:()[]\"“”")
    raw = _STRIP_POSSESSIVE.sub("", raw).strip()
    toks = raw.split()
    titles: list[str] = []
    cut = 0
    for i, t in enumerate(toks[:-1]):
        if t.lower() in _TITLE_WORDS or t.lower().rstrip(".") in _TITLE_WORDS:
            cut = i + 1
    if cut:
        titles = toks[:cut]
        toks = toks[cut:]
    toks = [t for t in toks if t not in ("Jr.", "Sr.", "Jr", "Sr", "II", "III")] or toks
    name = " ".join(toks)
    return name, ([" ".join(titles)] if titles else [])


def _is_name(name: str) -> bool:
    toks = name.split()
    if not toks or len(toks) > 4:
        return False
    if any(t.lower().strip(".") in _ORG_WORDS for t in toks):
        return False
    return all(_NAME_TOKEN.match(t) for t in toks) and any(len(t.strip(".")) > 1 for t in toks)


class _Cluster:
    def __init__(self, full: str) -> None:
        self.forms: dict[str, int] = {full: 1}
        self.descriptions: list[str] = []

    @property
    def tokens(self) -> list[str]:
        return self.best.split()

    @property
    def best(self) -> str:
        return max(self.forms.items(), key=lambda kv: (len(kv[0].split()) > 1, kv[1], len(kv[0])))[0]

    @property
    def last(self) -> str:
        return self.best.split()[-1]

    @property
    def first(self) -> str:
        return self.best.split()[0]


def _same_person(a: str, cluster: _Cluster) -> bool:
    at = a.split()
    for form in cluster.forms:
        ft = form.split()
        if a == form:
            return True
        if len(at) >= 2 and len(ft) >= 2:
            if at[-1] == ft[-1] and (at[0] == ft[0] or fuzz.ratio(at[0], ft[0]) >= 75 or at[0][0] == ft[0][0] and len(at[0]) <= 2):
                return True
            if at[0] == ft[0] and fuzz.ratio(at[-1], ft[-1]) >= 85 and len(at[-1]) > 4:
                return True
            if fuzz.ratio(a, form) >= 92:
                return True
    return False


def _build_clusters(names: list[tuple[str, list[str]]]) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    multi = [(n, d) for n, d in names if len(n.split()) >= 2]
    single = [(n, d) for n, d in names if len(n.split()) == 1]
    for n, d in multi:
        for c in clusters:
            if _same_person(n, c):
                c.forms[n] = c.forms.get(n, 0) + 1
                c.descriptions += d
                break
        else:
            c = _Cluster(n)
            c.descriptions += d
            clusters.append(c)
    for n, d in single:
        hits = [c for c in clusters if any(n == f.split()[-1] for f in c.forms)]
        if not hits:
            hits = [c for c in clusters if any(n == f.split()[0] for f in c.forms)]
        if not hits:
            hits = [c for c in clusters if n in c.forms]
        if hits:
            for c in hits:
                c.descriptions += d
            continue
        c = _Cluster(n)
        c.descriptions += d
        clusters.append(c)
    return clusters


# ---------------------------------------------------------------------------
# assembly


def _in_any(pos: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    i = bisect.bisect_right(starts, pos) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def _preceding_title(text: str, start: int) -> str:
    """Capitalised title words right before a name: 'Arizona Gov. ', 'Democratic analyst '."""
    line_start = max(text.rfind("\n", 0, start) + 1, start - 80)
    words = text[line_start:start].split(" ")
    if words and words[-1] == "":
        words.pop()
    got: list[str] = []
    while words and len(got) < 5:
        w = words[-1]
        wl = w.lower().strip(",")
        if w.endswith(",") or wl in _DESC_STOP or not w:
            break
        if w[:1].isupper() or wl in _TITLE_WORDS:
            got.insert(0, w)
            words.pop()
        else:
            break
    if not got:
        return ""
    if not any(g.lower().strip(".") in _TITLE_WORDS or g.lower() in _TITLE_WORDS for g in got):
        return ""
    return " ".join(got)


# a cue-less quotation opening the paragraph after a quotation continues it: one quote, more
# fragments (the PolNeAR convention: the attribution's content runs over both paragraphs)
_CONTINUE_MERGE = True
_MARKS_AND_SPACE = ALL_MARKS + " \t"


def _beside(text: str, head: tuple[int, int], start: int) -> bool:
    """Is what starts at ``start`` set right beside the source's head ("its president, Amira Solberg")?

    Only a comma or a space may separate them: "a spokeswoman for Mayor Brandt"
    has a preposition in between and is the spokeswoman, not the mayor.
    """
    return start >= head[1] and re.fullmatch(r"\s*,?\s*", text[head[1]:start]) is not None


def _apposed_name(text: str, head: tuple[int, int], inside: list[_Mention]) -> _Mention | None:
    """The name mention set beside the source phrase's head, if any."""
    return next((mm for mm in inside if mm.kind in ("name", "surname", "variant") and _beside(text, head, mm.start)), None)


def _direct_quote(article_id: str, frags: list[tuple[int, int]]) -> Quote:
    """A direct quotation from its pieces (several when interrupted or run over paragraphs)."""
    return Quote(
        article_id=article_id,
        kind="direct",
        content=Span(frags[0][0], frags[-1][1]),
        fragments=[Span(a, b) for a, b in frags] if len(frags) > 1 else [],
    )


def assemble(parsed: Parsed, article_id: str = "") -> tuple[list[Quote], list[Person], list[Finding]]:
    text = parsed.text
    regions = parsed.regions
    all_region_spans = [(r.start, r.end) for r in regions]
    region_starts = [s for s, _ in all_region_spans]
    sent_starts = [s for s, _ in parsed.sentences]

    def sent_of(pos: int) -> int:
        return max(0, bisect.bisect_right(sent_starts, pos) - 1)

    def para_of_sent(i: int) -> int:
        return parsed.sentence_para[i] if 0 <= i < len(parsed.sentence_para) else -1

    def in_quote(pos: int) -> bool:
        return _in_any(pos, all_region_spans, region_starts)

    # ---------------- names -> clusters
    raw_names: list[tuple[str, list[str]]] = []
    weak: dict[str, float] = {}
    for s, e, score in parsed.persons:
        if score < 2:
            # a weak candidate counts when the text gives it a personal title somewhere
            form = text[s:e]
            if form in weak:
                continue
            titled = any(_preceding_title(text, m.start()) for m in re.finditer(re.escape(form), text))
            weak[form] = 1.0 if titled else 0.0
            if not titled:
                continue
        # "Mayor Tom Ardent" tagged as "Ardent": take the first name back
        while True:
            m = re.search(f"({_CAP_WORD}\\.?)\\s$", text[max(0, s - 20):s])
            if not m or m.group(1).lower().rstrip(".") in _TITLE_WORDS or m.group(1).lower() in _TITLE_WORDS:
                break
            if m.group(1).endswith(".") or m.group(1) in ("The", "A", "An", "But", "And", "In", "On", "When", "While"):
                break
            s = s - len(m.group(0))
        n, d = _clean_name(text[s:e])
        pt = _preceding_title(text, s)
        if pt:
            d = d + [pt]
        if _is_name(n):
            raw_names.append((n, d))
    for att in parsed.attributions:
        toks = att.source_tokens
        if not toks:
            continue
        # a proper-noun run that NER missed, at the head of the source or set beside it
        # ("its president, Amira Solberg")
        runs: list[list[tuple[int, int, str, str, str]]] = [[]]
        for t in toks:
            if t[3] == "PROPN" and t[4] in ("", "PERSON"):
                runs[-1].append(t)
            elif runs[-1]:
                runs.append([])
        head = att.source_head
        for run in runs:
            if not run or head is None:
                continue
            at_head = run[0][0] <= head[0] <= run[-1][0]
            if at_head or _beside(text, head, run[0][0]):
                n, d = _clean_name(text[run[0][0]:run[-1][1]])
                if _is_name(n) and not any(n == x for x, _ in raw_names):
                    raw_names.append((n, d))
                break
    singles = {n for n, _ in raw_names if len(n.split()) == 1}
    multi_last = {n.split()[-1] for n, _ in raw_names if len(n.split()) >= 2}
    for n in singles - multi_last:
        for m in re.finditer(rf"\b({_CAP_WORD})\s+" + re.escape(n) + r"\b", text):
            first = m.group(1)
            if first.lower() in _TITLE_WORDS or first.lower() in _DESC_STOP or first in _SENT_WORDS:
                continue
            if in_quote(m.start()):
                continue
            raw_names.append((f"{first} {n}", []))
            break
    clusters = _build_clusters(raw_names)

    # ---------------- mentions over the whole text
    mentions: list[_Mention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    forms_by_len: list[tuple[str, int, str]] = []
    surname_owner: dict[str, list[int]] = {}
    for ci, c in enumerate(clusters):
        for f in c.forms:
            forms_by_len.append((f, ci, "name"))
        toks = c.best.split()
        if len(toks) >= 2:
            surname_owner.setdefault(toks[-1], []).append(ci)
    forms_by_len.sort(key=lambda x: -len(x[0]))
    for form, ci, kind in forms_by_len:
        for m in re.finditer(r"(?<![\w])" + re.escape(form) + r"(?![\w])", text):
            if free(m.start(), m.end()):
                taken.append((m.start(), m.end()))
                mentions.append(_Mention(m.start(), m.end(), ci, kind, in_quote(m.start()), form))
    # misspelt / variant full names: "Marsol Quintero"
    for ci, c in enumerate(clusters):
        toks = c.best.split()
        if len(toks) < 2:
            continue
        first, last = toks[0], toks[-1]
        for m in re.finditer(rf"\b({_CAP_WORD})\s+({_CAP_WORD})\b", text):
            a, b = m.group(1), m.group(2)
            if not free(m.start(), m.end()):
                continue
            ok = (b == last and a != first and fuzz.ratio(a, first) >= 75) or (
                a == first and b != last and len(b) > 4 and fuzz.ratio(b, last) >= 85
            )
            if ok:
                taken.append((m.start(), m.end()))
                mentions.append(_Mention(m.start(), m.end(), ci, "variant", in_quote(m.start()), m.group(0)))
                c.forms.setdefault(m.group(0), 0)
    # surnames alone (shared surnames go to the most recent full mention)
    mentions.sort(key=lambda m: m.start)
    for last, owners in surname_owner.items():
        for m in re.finditer(r"(?<![\w])" + re.escape(last) + r"(?![\w])", text):
            if not free(m.start(), m.end()):
                continue
            if len(owners) == 1:
                ci = owners[0]
            else:
                prev = [x for x in mentions if x.start < m.start() and x.person in owners]
                ci = prev[-1].person if prev else owners[0]
            taken.append((m.start(), m.end()))
            mentions.append(_Mention(m.start(), m.end(), ci, "surname", in_quote(m.start()), last))
    # titles as descriptions; role phrases ("the deputy mayor") as mentions
    for mm in mentions:
        if mm.kind in ("name", "variant"):
            t = _preceding_title(text, mm.start)
            if t:
                clusters[mm.person].descriptions.append(t)
    role_owner: dict[str, set[int]] = {}
    for ci, c in enumerate(clusters):
        for d in c.descriptions:
            dl = d.lower().replace("then-", "").strip()
            for role in _ROLE_HEADS:
                if dl.endswith(role):
                    role_owner.setdefault(role, set()).add(ci)
    for role, owners in role_owner.items():
        if len(owners) != 1:
            continue
        ci = next(iter(owners))
        for m in re.finditer(r"\b[Tt]he " + re.escape(role) + r"\b(?![ -][A-Z])", text):
            # "the president" must not match the tail of "the vice president"
            if role == "president" and text[max(0, m.start() - 5):m.start()].lower().endswith("vice "):
                continue
            if re.match(r"\b[Tt]he president", m.group(0)) and text[m.start():m.start() + 18].lower() == "the president-elec":
                continue
            if free(m.start(), m.end()):
                taken.append((m.start(), m.end()))
                mentions.append(_Mention(m.start(), m.end(), ci, "role", in_quote(m.start()), m.group(0)))
    mentions.sort(key=lambda m: m.start)
    # the canonical name is the full form the article uses most
    for ci, c in enumerate(clusters):
        counts: dict[str, int] = {}
        for mm in mentions:
            if mm.person == ci and mm.kind in ("name", "variant"):
                counts[mm.form] = counts.get(mm.form, 0) + 1
        if counts:
            c.forms = {f: counts.get(f, 0) for f in c.forms}
            for f, n in counts.items():
                c.forms[f] = n

    # sentence -> mentions outside quotations
    by_sent: dict[int, list[_Mention]] = {}
    for mm in mentions:
        if not mm.in_quote:
            by_sent.setdefault(sent_of(mm.start), []).append(mm)

    # subject person per sentence
    def subject_person(si: int) -> int | None:
        span = parsed.subjects.get(si)
        ms = by_sent.get(si, [])
        if span is not None:
            for mm in ms:
                if span[0] <= mm.start < span[1]:
                    return mm.person
            return None
        if ms and ms[0].start - parsed.sentences[si][0] <= 60:
            return ms[0].person
        return None

    # ---------------- quotes from attributions
    quotes: list[Quote] = []
    q_meta: list[dict[str, Any]] = []
    claimed: set[int] = set()
    colon_atts: list[Attribution] = []
    atts = sorted(parsed.attributions, key=lambda a: (a.cue[0] if a.cue else 0))
    # PolNeAR-style univocal annotation: a cue inside another attribution's content is not separate
    rank = {"colon headline": -1, "dash": 0, "quotation + cue": 0, "colon": 0, "inverted cue": 0, "according to": 1, "ccomp": 1}
    kept: list[Attribution] = []
    # a cue inside a quotation is the quoted speaker's own words, not an attribution of this article
    atts = [a for a in atts if not (a.cue and a.rule != "colon headline" and in_quote(a.cue[0]))]
    for a in sorted(atts, key=lambda a: (rank.get(a.rule, 2), a.cue[0] if a.cue else 0)):
        inside = a.cue is not None and any(
            b.content and b.content[0][0] <= a.cue[0] and a.cue[1] <= b.content[-1][1] for b in kept
        )
        if not inside:
            kept.append(a)
    atts = sorted(kept, key=lambda a: (a.cue[0] if a.cue else 0))
    for att in atts:
        if att.rule == "colon" and not att.regions and not att.content:
            colon_atts.append(att)
            continue
        if att.rule == "colon headline":
            # 'Name: content' — the content is the text after the colon, quoted or not
            claimed.update(att.regions)
            a0, a1 = att.content[0]
            quotes.append(
                Quote(
                    article_id=article_id,
                    kind="direct" if att.regions else "indirect",  # type: ignore[arg-type]
                    content=Span(a0, a1),
                    cue=Span(*att.cue) if att.cue else None,
                    source=Span(*att.source) if att.source else None,
                )
            )
            q_meta.append({"att": att, "sent": att.sent, "para": att.para, "inherit": None, "rule": att.rule})
            continue
        regs = [i for i in att.regions if i not in claimed]
        frags: list[tuple[int, int]] = []
        for i in regs:
            claimed.add(i)
            frags.extend(p for p in regions[i].pieces if p[1] > p[0])
        kind = att.kind
        if not regs:
            frags = list(att.content)
            if not frags:
                continue
            s0, e0 = frags[0][0], frags[-1][1]
            for ri, r in enumerate(regions):
                # keep the closing mark of a quotation the content ends in (a content never ends
                # inside an inline quotation)
                if s0 <= r.start < e0 < r.end and (r.end <= e0 + 3 or not parsed.direct[ri]):
                    e0 = r.end
                    frags[-1] = (frags[-1][0], e0)
                # ... and the opening mark of one it starts with
                if r.start < s0 < r.end and not text[r.start:s0].strip(_MARKS_AND_SPACE):
                    s0 = r.start
                    frags[0] = (s0, frags[0][1])
            if any(s0 <= r.start and r.end <= e0 + 1 for r in regions):
                kind = "mixed"
            else:
                kind = "indirect"
        elif att.content:
            kind = "mixed"
            frags = sorted(frags + list(att.content))
        if not frags:
            continue
        frags.sort()
        if regs and att.cue is not None and att.cue[1] <= frags[0][0]:
            # 'said that, “…”': the complementiser belongs to the (now mixed) content
            gap = text[att.cue[1]:regions[regs[0]].start]
            mm = re.search(r"\bthat,?\s*$", gap)
            if mm and re.fullmatch(r"[^.!?\n]*", gap):
                frags[0] = (att.cue[1] + mm.start(), frags[0][1])
                kind = "mixed"
        quotes.append(
            Quote(
                article_id=article_id,
                kind=kind,  # type: ignore[arg-type]
                content=Span(frags[0][0], frags[-1][1]),
                fragments=[Span(a, b) for a, b in frags] if len(frags) > 1 else [],
                cue=Span(*att.cue) if att.cue else None,
                source=Span(*att.source) if att.source else None,
            )
        )
        q_meta.append({"att": att, "sent": att.sent, "para": att.para, "inherit": None, "rule": att.rule})

    # "X said:" then a quotation
    for att in colon_atts:
        for i, r in enumerate(regions):
            if i in claimed or not parsed.direct[i] or r.start < (att.cue[1] if att.cue else 0):
                continue
            if sent_of(r.start) - att.sent <= 2:
                claimed.add(i)
                frags = [p for p in r.pieces if p[1] > p[0]]
                quotes.append(
                    Quote(
                        article_id=article_id,
                        kind="direct",
                        content=Span(frags[0][0], frags[-1][1]),
                        fragments=[Span(a, b) for a, b in frags] if len(frags) > 1 else [],
                        cue=Span(*att.cue) if att.cue else None,
                        source=Span(*att.source) if att.source else None,
                    )
                )
                q_meta.append({"att": att, "sent": att.sent, "para": att.para, "inherit": None, "rule": "colon"})
            break

    # quotations with no cue of their own
    order = sorted(range(len(quotes)), key=lambda k: quotes[k].content.start)
    for i, r in enumerate(regions):
        if i in claimed or not parsed.direct[i]:
            continue
        frags = [p for p in r.pieces if p[1] > p[0]]
        if not frags:
            continue
        si = sent_of(r.start)
        pi = para_of_sent(si)
        prev = [k for k in order if quotes[k].content.end <= r.start]
        prev_k = prev[-1] if prev else None
        if prev_k is not None and quotes[prev_k].kind in ("direct", "mixed"):
            pq = quotes[prev_k]
            ppara = para_of_sent(sent_of(pq.content.end - 1))
            between = text[pq.content.end:r.start]
            if (ppara == pi and "\n" not in between) or (pi - ppara == 1 and _CONTINUE_MERGE):
                # "“…,” he said. “…”": the same quotation goes on
                pieces = [Span(a, b) for a, b in frags]
                pq.fragments = pq.pieces + pieces
                pq.content = Span(pq.content.start, pieces[-1].end)
                claimed.add(i)
                continue
            if pi - ppara == 1:
                quotes.append(_direct_quote(article_id, frags))
                q_meta.append({"att": None, "sent": si, "para": pi, "inherit": prev_k, "rule": "continues"})
                claimed.add(i)
                order = sorted(range(len(quotes)), key=lambda k: quotes[k].content.start)
                continue
        quotes.append(_direct_quote(article_id, frags))
        q_meta.append({"att": None, "sent": si, "para": pi, "inherit": None, "rule": "no cue"})
        claimed.add(i)
        order = sorted(range(len(quotes)), key=lambda k: quotes[k].content.start)

    # ---------------- pronouns
    pron_occ: list[tuple[int, int, str]] = []
    for m in _PRONOUN_RE.finditer(text):
        if in_quote(m.start()):
            continue
        pron_occ.append((m.start(), m.end(), m.group(0).lower()))
    source_at: dict[int, int] = {}  # pronoun start -> quote index it is the source of
    for k, q in enumerate(quotes):
        if q.source is not None and q.source.of(text).lower() in ("he", "she"):
            source_at[q.source.start] = k

    # the speaker of the latest quotation before a position (filled as speakers resolve)
    speakers: list[int | None] = [None] * len(quotes)

    def candidates(pos: int, for_quote: int | None) -> dict[int, float]:
        si = sent_of(pos)
        scores: dict[int, float] = {}
        cur = [mm for mm in by_sent.get(si, []) if mm.end <= pos]
        if cur:
            nearest = cur[-1].person
            subj = subject_person(si)
            for mm in cur:
                sc = 3.0 + (1.0 if mm.person == nearest else 0.0) + (1.0 if mm.person == subj else 0.0)
                scores[mm.person] = max(scores.get(mm.person, 0.0), sc)
        back = 0
        sj = si - 1
        while sj >= 0 and back < 2:
            if para_of_sent(si) - para_of_sent(sj) > 1:
                break
            back += 1
            subj = subject_person(sj)
            src_people = {
                speakers[k] for k, m in enumerate(q_meta) if m["sent"] == sj and speakers[k] is not None
            }
            base = 2.0 if back == 1 else 1.0
            for mm in by_sent.get(sj, []):
                sc = base + (1.0 if mm.person == subj or mm.person in src_people else 0.0)
                scores[mm.person] = max(scores.get(mm.person, 0.0), sc)
            sj -= 1
        if for_quote is not None:
            # continuity: the speaker of the previous quotation in this or the previous paragraph
            pi = para_of_sent(si)
            prev = [
                k for k in range(len(quotes))
                if k != for_quote and quotes[k].content.start < pos and speakers[k] is not None
                and pi - q_meta[k]["para"] <= 1
            ]
            if prev:
                last = max(prev, key=lambda k: quotes[k].content.start)
                p = speakers[last]
                scores[p] = scores.get(p, 0.0) + 3.0
        return scores

    findings: list[Finding] = []
    ment_starts = [mm.start for mm in mentions]

    def mention_in(s: int, e: int) -> list[_Mention]:
        i = bisect.bisect_left(ment_starts, s)
        out = []
        while i < len(mentions) and mentions[i].start < e:
            out.append(mentions[i])
            i += 1
        return out

    def resolve_quote(k: int) -> None:
        q = quotes[k]
        meta = q_meta[k]
        att: Attribution | None = meta["att"]
        if meta["inherit"] is not None:
            src_k = meta["inherit"]
            q.speaker = quotes[src_k].speaker
            q.speaker_description = quotes[src_k].speaker_description
            q.confidence = round(max(0.3, quotes[src_k].confidence - 0.2), 2)
            q.reason = "continues the quotation in the previous paragraph" + (
                f" by {q.speaker}" if q.speaker else ""
            )
            speakers[k] = speakers[src_k]
            return
        if q.source is None:
            # no cue: the subject of the previous sentence, when it is a person
            si = meta["sent"]
            cand = subject_person(si - 1) if si > 0 and para_of_sent(si) - para_of_sent(si - 1) <= 1 else None
            if cand is not None:
                speakers[k] = cand
                q.speaker = clusters[cand].best
                q.confidence = 0.4
                q.reason = "no cue; the person the previous sentence is about"
            else:
                q.confidence = 0.2
                near = []
                for sj in (si - 1, si - 2, si - 3):
                    for mm in by_sent.get(sj, []) if sj >= 0 else []:
                        name = clusters[mm.person].best
                        if name not in near:
                            near.append(name)
                q.reason = "no cue and no person the previous sentence is about"
                why = (
                    "no attribution cue; people mentioned nearby are not the subject of the previous sentence"
                    if near else "no attribution cue and no person mentioned nearby"
                )
                findings.append(
                    Finding("speaker_unresolved", article_id, q.content.start, q.content.end, 0.5,
                            "quotation with no attribution cue: " + why, {"candidates": near, "why": why})
                )
            return
        src_text = q.source.of(text)
        low = src_text.lower()
        if low in ("he", "she"):
            r = resolved.get(q.source.start)
            if r is not None:
                person, conf, how = r
                speakers[k] = person
                q.speaker = clusters[person].best
                q.confidence = conf
                q.reason = f"pronoun '{src_text}' -> {q.speaker} ({how})"
            else:
                q.confidence = 0.3
                q.reason = f"pronoun '{src_text}' with no person before it"
                findings.append(
                    Finding("speaker_unresolved", article_id, q.source.start, q.source.end, 0.5,
                            f"pronoun source '{src_text}' has no antecedent",
                            {"candidates": [], "why": "no person mentioned (outside quotations) in this or the two previous sentences"})
                )
            return
        if low in ("who", "which", "that"):
            si = sent_of(q.source.start)
            prev = [mm for mm in by_sent.get(si, []) if mm.end <= q.source.start]
            if prev:
                person = prev[-1].person
                speakers[k] = person
                q.speaker = clusters[person].best
                q.confidence = 0.8
                q.reason = f"relative pronoun '{src_text}' -> {q.speaker}"
            else:
                q.confidence = 0.4
                q.reason = f"relative pronoun '{src_text}' with no person before it"
            return
        inside = [mm for mm in mention_in(q.source.start, q.source.end) if mm.kind != "pronoun"]
        head = att.source_head if att is not None else None
        chosen = None
        appositive = False
        if inside:
            if head is not None:
                for mm in inside:
                    if mm.start <= head[0] < mm.end or (mm.kind == "role" and mm.end >= head[1] - 1):
                        chosen = mm
                        break
                if chosen is None:
                    chosen = _apposed_name(text, head, inside)
                    appositive = chosen is not None
            else:
                chosen = inside[0]
        if chosen is not None:
            speakers[k] = chosen.person
            q.speaker = clusters[chosen.person].best
            desc = (text[q.source.start:chosen.start] + " " + text[chosen.end:q.source.end])
            desc = re.sub(r"\s+", " ", desc).replace(" ,", ",").strip(" ,;")
            desc = re.sub(r"^(?:[’']s\b)?\s*,?\s*", "", desc).strip(" ,;")
            q.speaker_description = desc or (clusters[chosen.person].descriptions[0] if clusters[chosen.person].descriptions else None)
            if appositive:
                q.confidence = 0.85
                q.reason = f"named beside the source '{text[head[0]:head[1]]}'"
                return
            q.confidence = 0.95 if chosen.kind in ("name", "surname") else 0.8
            q.reason = {
                "name": "named as the source",
                "surname": "surname of a person named in the article",
                "variant": f"variant spelling of {q.speaker}",
                "role": f"role phrase '{chosen.form}' of {q.speaker}",
            }.get(chosen.kind, "named as the source")
        else:
            q.speaker = None
            q.speaker_description = src_text
            q.confidence = 0.7
            q.reason = "unnamed source: the description is kept"

    done_q: set[int] = set()
    for k, q in enumerate(quotes):
        if q_meta[k]["inherit"] is None and q.source is not None and q.source.of(text).lower() not in ("he", "she"):
            resolve_quote(k)
            done_q.add(k)

    gender_votes: dict[int, dict[str, int]] = {}
    resolved: dict[int, tuple[int, float, str]] = {}  # pronoun start -> (person, confidence, how)

    def gender_of_pron(p: str) -> str:
        return "female" if p in PRONOUNS_FEMALE else "male"

    # pass 1: single candidate (or quote speaker continuity) -> strong
    for s, e, p in pron_occ:
        qk = source_at.get(s)
        sc = candidates(s, qk)
        if len(sc) == 1:
            person = next(iter(sc))
            resolved[s] = (person, 0.9, "the only person in the context")
            gender_votes.setdefault(person, {}).setdefault(gender_of_pron(p), 0)
            gender_votes[person][gender_of_pron(p)] += 1
            if qk is not None:
                speakers[qk] = person
    genders: dict[int, str | None] = {}
    for person, votes in gender_votes.items():
        f, m = votes.get("female", 0), votes.get("male", 0)
        genders[person] = "female" if f > m else "male" if m > f else None

    # pass 2: several candidates -> salience, gender breaks ties
    for s, e, p in pron_occ:
        if s in resolved:
            continue
        qk = source_at.get(s)
        sc = candidates(s, qk)
        if not sc:
            continue
        g = gender_of_pron(p)
        adj = {}
        for person, v in sc.items():
            pg = genders.get(person)
            w = 1.0 if qk is not None else 2.0
            adj[person] = v + (0.75 if pg == g else (-w if pg is not None else 0.0))
        ranked = sorted(adj.items(), key=lambda kv: -kv[1])
        person, best = ranked[0]
        margin = best - ranked[1][1] if len(ranked) > 1 else best
        conf = 0.8 if margin >= 2 else 0.6 if margin >= 1 else 0.45
        how = "salience (subject, recency" + (", previous quotation's speaker" if qk is not None else "") + ")"
        if conf < 0.6:
            how += "; close call between " + ", ".join(f"{clusters[p].best} ({v:.1f})" for p, v in ranked[:3])
        resolved[s] = (person, conf, how)
        if qk is not None:
            speakers[qk] = person

    # ---------------- speakers
    for k in sorted(range(len(quotes)), key=lambda k: quotes[k].content.start):
        if k not in done_q:
            resolve_quote(k)

    # ---------------- people
    people: list[Person] = []
    for ci, c in enumerate(clusters):
        pm = [mm for mm in mentions if mm.person == ci]
        prons: dict[str, list[Span]] = {}
        for s, e, p in pron_occ:
            r = resolved.get(s)
            if r is not None and r[0] == ci:
                key = "she" if p in PRONOUNS_FEMALE else "he"
                prons.setdefault(key, []).append(Span(s, e))
        descs: list[str] = []
        for d in c.descriptions:
            d = d.strip(" ,")
            if d and d not in descs:
                descs.append(d)
        for k, q in enumerate(quotes):
            if speakers[k] == ci and q.speaker_description and q.speaker_description not in descs and q.source is not None:
                descs.append(q.speaker_description)
        all_m = sorted({Span(mm.start, mm.end) for mm in pm} | {sp for v in prons.values() for sp in v})
        if not pm:
            continue
        person = Person(
            name=c.best,
            mentions=all_m,
            descriptions=descs,
            pronouns=prons,
            variants=sorted({text[mm.start:mm.end] for mm in pm if mm.kind in ("name", "variant", "surname")}),
            gender=genders.get(ci),
        )
        people.append(person)
        if "she" in prons and "he" in prons:
            strong = {
                key: [sp for sp in v if resolved.get(sp.start, (0, 0.0, ""))[1] >= 0.6]
                for key, v in prons.items()
            }
            if strong.get("she") and strong.get("he"):
                ev = sorted(prons["she"] + prons["he"])
                minority = "he" if len(prons["he"]) <= len(prons["she"]) else "she"
                first_min = prons[minority][0]
                findings.append(
                    Finding(
                        "pronoun_gender",
                        article_id,
                        first_min.start,
                        first_min.end,
                        min(0.95, 0.5 + 0.1 * min(len(prons["he"]), len(prons["she"])) + 0.2),
                        f"{c.best} is referred to as both 'she' ({len(prons['she'])}x) and 'he' ({len(prons['he'])}x)",
                        {
                            "person": c.best,
                            "she": [[sp.start, sp.end] for sp in prons["she"]],
                            "he": [[sp.start, sp.end] for sp in prons["he"]],
                            "evidence": [[sp.start, sp.end] for sp in ev],
                        },
                    )
                )
        best = c.best
        variants = [v for v in c.forms if len(v.split()) >= 2 and v != best and fuzz.ratio(v, best) >= 75]
        for v in variants:
            n_v = sum(1 for mm in pm if text[mm.start:mm.end] == v)
            n_b = sum(1 for mm in pm if text[mm.start:mm.end] == best)
            for mm in pm:
                if text[mm.start:mm.end] == v:
                    why = (
                        f"'{v}' looks like a misspelling of '{best}' ({n_v} vs {n_b} mentions)"
                        if n_b > n_v else f"the name is spelt both '{v}' and '{best}' ({n_v} and {n_b} mentions)"
                    )
                    findings.append(
                        Finding("name_variant", article_id, mm.start, mm.end, 0.7 if n_b > n_v else 0.5, why,
                                {"person": best, "variant": v, "canonical": best})
                    )
                    break
    # unresolved pronoun speakers with candidates
    for k, q in enumerate(quotes):
        if q.speaker is None and q.source is not None and q.source.of(text).lower() in ("they",):
            findings.append(
                Finding("speaker_unresolved", article_id, q.source.start, q.source.end, 0.4,
                        "plural pronoun source: a group, not one person", {"candidates": [], "why": "plural pronoun"})
            )
    quotes.sort(key=lambda q: q.content.start)
    return quotes, people, findings
