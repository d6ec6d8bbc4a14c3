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

``assemble`` runs the steps in the order of this file's sections: find
people, their mentions, the quotes (``drafts.py``), pronouns, speakers, and
last the :class:`Person` records and findings. The steps share state through
small records (``Doc``, ``_Cast``, ``_Speakers``), never closures.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from newsweave.enrich.quotes.drafts import Doc, Drafts, draft_quotes
from newsweave.enrich.quotes.extract import Attribution, Parsed
from newsweave.enrich.quotes.lexicon import PRONOUNS_FEMALE
from newsweave.model import Finding, Quote, Span
from newsweave.text.titles import DESCRIPTION_TITLES as _TITLE_WORDS

__all__ = ["Person", "assemble"]

_ROLE_HEADS = {
    "president", "vice president", "governor", "senator", "secretary", "speaker", "mayor", "minister",
    "prime minister", "chancellor", "attorney general", "first lady", "nominee", "candidate", "director",
    "ambassador", "chairman", "chairwoman", "commissioner", "sheriff", "judge", "justice", "spokesman",
    "spokeswoman", "congressman", "congresswoman", "pope", "king", "queen",
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
_SENT_WORDS = {"The", "A", "An", "But", "And", "In", "On", "When", "While", "As", "If", "That", "This", "Former", "Mr", "Mrs",
               "Ms", "Dr", "Sen", "Rep", "Gov"}
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
    def from_dict(cls, d: dict[str, Any]) -> Person:
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
            if at[-1] == ft[-1] and (at[0] == ft[0] or fuzz.ratio(at[0], ft[0]) >= 75
                                     or (at[0][0] == ft[0][0] and len(at[0]) <= 2)):
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


def _beside(text: str, head: Span, start: int) -> bool:
    """Is what starts at ``start`` set right beside the source's head ("its president, Amira Solberg")?

    Only a comma or a space may separate them: "a spokeswoman for Mayor Brandt"
    has a preposition in between and is the spokeswoman, not the mayor.
    """
    return start >= head.end and re.fullmatch(r"\s*,?\s*", text[head.end:start]) is not None


def _apposed_name(text: str, head: Span, inside: list[_Mention]) -> _Mention | None:
    """The name mention set beside the source phrase's head, if any."""
    return next((mm for mm in inside if mm.kind in ("name", "surname", "variant") and _beside(text, head, mm.start)), None)


# ---------------------------------------------------------------------------
# assembly: find people -> mentions -> quotes from attributions -> pronouns -> speakers


def assemble(parsed: Parsed, article_id: str = "") -> tuple[list[Quote], list[Person], list[Finding]]:
    """Quotes with their speakers, the people of the text and the findings, from the rules' structure.

    The steps run in this order because each needs the one before: names
    before their mentions, mentions before a source or a pronoun can point at
    a person, named sources before pronouns (a pronoun leans on the previous
    quotation's speaker), and pronouns before the quotes whose source is one.
    ``with_tagger`` runs it again on the tagger's attributions.
    """
    doc = Doc.of(parsed)
    cast = _find_mentions(doc, _find_people(doc))
    found = draft_quotes(doc, article_id)
    pronouns = _pronoun_occurrences(doc)
    st = _Speakers(doc, cast, found, article_id, [None] * len(found.quotes), _pronoun_sources(doc, found.quotes))
    done = _resolve_named_sources(st)
    _resolve_pronouns(st, pronouns)
    _resolve_remaining(st, done)
    people = _people(st, pronouns)
    _plural_source_findings(st)
    quotes = found.quotes
    quotes.sort(key=lambda q: q.content.start)
    return quotes, people, st.findings


# ---------------------------------------------------------------------------
# find people


def _find_people(doc: Doc) -> list[_Cluster]:
    """The people the text names, one cluster of written forms per person.

    Names come from the parser's person spans, from proper nouns at a quote
    source's head that the parser missed, and from "First Last" for a surname
    seen alone; ``_build_clusters`` merges the forms of one person.
    """
    raw_names = _names_of_persons(doc.parsed)
    _add_source_names(doc.parsed, raw_names)
    _add_first_names(doc, raw_names)
    return _build_clusters(raw_names)


def _names_of_persons(parsed: Parsed) -> list[tuple[str, list[str]]]:
    """(name, titles) of each person span; a weak span only when the text gives that form a title somewhere."""
    text = parsed.text
    raw_names: list[tuple[str, list[str]]] = []
    weak_seen: set[str] = set()
    for s, e, score in parsed.persons:
        if score < 2:
            form = text[s:e]
            if form in weak_seen:
                continue
            weak_seen.add(form)
            if not any(_preceding_title(text, m.start()) for m in re.finditer(re.escape(form), text)):
                continue
        s = _with_first_name(text, s)
        n, d = _clean_name(text[s:e])
        pt = _preceding_title(text, s)
        if pt:
            d = [*d, pt]
        if _is_name(n):
            raw_names.append((n, d))
    return raw_names


def _with_first_name(text: str, s: int) -> int:
    """Where a name starts once the capitalised words the parser cut off are taken back.

    "Mayor Tom Ardent" tagged as "Ardent" starts at "Tom"; titles and
    sentence-opening words are not taken.
    """
    while True:
        m = re.search(f"({_CAP_WORD}\\.?)\\s$", text[max(0, s - 20):s])
        if not m or m.group(1).lower().rstrip(".") in _TITLE_WORDS or m.group(1).lower() in _TITLE_WORDS:
            return s
        if m.group(1).endswith(".") or m.group(1) in ("The", "A", "An", "But", "And", "In", "On", "When", "While"):
            return s
        s = s - len(m.group(0))


def _add_source_names(parsed: Parsed, raw_names: list[tuple[str, list[str]]]) -> None:
    """Add a proper-noun run the parser missed at the head of a quote source or set beside it.

    "its president, Amira Solberg": the source's head is "president", the
    name beside it is the speaker.
    """
    for att in parsed.attributions:
        head = att.source_head
        if not att.source_tokens or head is None:
            continue
        runs: list[list[tuple[int, int, str, str, str]]] = [[]]
        for t in att.source_tokens:
            if t[3] == "PROPN" and t[4] in ("", "PERSON"):
                runs[-1].append(t)
            elif runs[-1]:
                runs.append([])
        for run in runs:
            if not run:
                continue
            if run[0][0] <= head.start <= run[-1][0] or _beside(parsed.text, head, run[0][0]):
                n, d = _clean_name(parsed.text[run[0][0]:run[-1][1]])
                if _is_name(n) and not any(n == x for x, _ in raw_names):
                    raw_names.append((n, d))
                break


def _add_first_names(doc: Doc, raw_names: list[tuple[str, list[str]]]) -> None:
    """Add "First Last" for a surname known only alone, from its first occurrence after a first name outside quotes."""
    text = doc.text
    singles = {n for n, _ in raw_names if len(n.split()) == 1}
    multi_last = {n.split()[-1] for n, _ in raw_names if len(n.split()) >= 2}
    # in the order the names were found: iterating the set itself made the output depend on PYTHONHASHSEED
    for n in dict.fromkeys(name for name, _ in raw_names if name in singles and name not in multi_last):
        for m in re.finditer(rf"\b({_CAP_WORD})\s+" + re.escape(n) + r"\b", text):
            first = m.group(1)
            if first.lower() in _TITLE_WORDS or first.lower() in _DESC_STOP or first in _SENT_WORDS:
                continue
            if doc.in_quote(m.start()):
                continue
            raw_names.append((f"{first} {n}", []))
            break


# ---------------------------------------------------------------------------
# mentions


@dataclass(slots=True)
class _Cast:
    """The people of the text (name clusters) and every mention of them, in text order."""

    clusters: list[_Cluster]
    mentions: list[_Mention]
    mention_starts: list[int]
    by_sent: dict[int, list[_Mention]]  # sentence -> its mentions outside quotations

    def mentions_in(self, s: int, e: int) -> list[_Mention]:
        """The mentions that start inside ``[s, e)``."""
        i = bisect.bisect_left(self.mention_starts, s)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < e:
            out.append(self.mentions[i])
            i += 1
        return out


@dataclass(slots=True)
class _MentionScan:
    """The mentions found so far and the characters they hold: a later, weaker kind never overlaps an earlier."""

    doc: Doc
    mentions: list[_Mention] = field(default_factory=list)
    taken: list[Span] = field(default_factory=list)

    def free(self, s: int, e: int) -> bool:
        return all(e <= t.start or s >= t.end for t in self.taken)

    def add(self, s: int, e: int, person: int, kind: str, form: str) -> None:
        self.taken.append(Span(s, e))
        self.mentions.append(_Mention(s, e, person, kind, self.doc.in_quote(s), form))


def _find_mentions(doc: Doc, clusters: list[_Cluster]) -> _Cast:
    """Every mention of every person over the whole text, so that unparsed sentences count too.

    Strongest evidence first, each kind only where an earlier one left the
    characters free: full names (longest first), misspelt full names,
    surnames alone, then role phrases ("the mayor") of a single person.
    """
    scan = _MentionScan(doc)
    surname_owner: dict[str, list[int]] = {}
    for ci, c in enumerate(clusters):
        toks = c.best.split()
        if len(toks) >= 2:
            surname_owner.setdefault(toks[-1], []).append(ci)
    _name_mentions(scan, clusters)
    _variant_mentions(scan, clusters)
    scan.mentions.sort(key=lambda m: m.start)
    _surname_mentions(scan, surname_owner)
    for mm in scan.mentions:  # titles before a name describe the person
        if mm.kind in ("name", "variant"):
            t = _preceding_title(doc.text, mm.start)
            if t:
                clusters[mm.person].descriptions.append(t)
    _role_mentions(scan, clusters)
    mentions = scan.mentions
    mentions.sort(key=lambda m: m.start)
    _recount_forms(mentions, clusters)
    by_sent: dict[int, list[_Mention]] = {}
    for mm in mentions:
        if not mm.in_quote:
            by_sent.setdefault(doc.sent_of(mm.start), []).append(mm)
    return _Cast(clusters, mentions, [mm.start for mm in mentions], by_sent)


def _name_mentions(scan: _MentionScan, clusters: list[_Cluster]) -> None:
    """Every occurrence of every known form, longest first so "Marisol Quintero" beats "Quintero"."""
    forms_by_len = [(f, ci) for ci, c in enumerate(clusters) for f in c.forms]
    forms_by_len.sort(key=lambda x: -len(x[0]))
    for form, ci in forms_by_len:
        for m in re.finditer(r"(?<![\w])" + re.escape(form) + r"(?![\w])", scan.doc.text):
            if scan.free(m.start(), m.end()):
                scan.add(m.start(), m.end(), ci, "name", form)


def _variant_mentions(scan: _MentionScan, clusters: list[_Cluster]) -> None:
    """Misspelt full names ("Marsol Quintero"): one name part equal, the other close; they join the forms."""
    text = scan.doc.text
    for ci, c in enumerate(clusters):
        toks = c.best.split()
        if len(toks) < 2:
            continue
        first, last = toks[0], toks[-1]
        for m in re.finditer(rf"\b({_CAP_WORD})\s+({_CAP_WORD})\b", text):
            a, b = m.group(1), m.group(2)
            if not scan.free(m.start(), m.end()):
                continue
            ok = (b == last and a != first and fuzz.ratio(a, first) >= 75) or (
                a == first and b != last and len(b) > 4 and fuzz.ratio(b, last) >= 85
            )
            if ok:
                scan.add(m.start(), m.end(), ci, "variant", m.group(0))
                c.forms.setdefault(m.group(0), 0)


def _surname_mentions(scan: _MentionScan, surname_owner: dict[str, list[int]]) -> None:
    """Surnames alone; a surname two people share goes to the one mentioned last before it."""
    for last, owners in surname_owner.items():
        for m in re.finditer(r"(?<![\w])" + re.escape(last) + r"(?![\w])", scan.doc.text):
            if not scan.free(m.start(), m.end()):
                continue
            if len(owners) == 1:
                ci = owners[0]
            else:
                prev = [x for x in scan.mentions if x.start < m.start() and x.person in owners]
                ci = prev[-1].person if prev else owners[0]
            scan.add(m.start(), m.end(), ci, "surname", last)


def _role_mentions(scan: _MentionScan, clusters: list[_Cluster]) -> None:
    """Role phrases ("the deputy mayor") as mentions of the one person whose titles end in that role."""
    text = scan.doc.text
    role_owner: dict[str, set[int]] = {}
    for ci, c in enumerate(clusters):
        for d in c.descriptions:
            dl = d.lower().replace("then-", "").strip()
            for role in sorted(_ROLE_HEADS, key=lambda r: (-len(r), r)):  # fixed order, longest role first
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
            if scan.free(m.start(), m.end()):
                scan.add(m.start(), m.end(), ci, "role", m.group(0))


def _recount_forms(mentions: list[_Mention], clusters: list[_Cluster]) -> None:
    """Count each form by its mentions: the canonical name is the full form the article uses most."""
    for ci, c in enumerate(clusters):
        counts: dict[str, int] = {}
        for mm in mentions:
            if mm.person == ci and mm.kind in ("name", "variant"):
                counts[mm.form] = counts.get(mm.form, 0) + 1
        if counts:
            c.forms = {f: counts.get(f, 0) for f in c.forms}
            for f, n in counts.items():
                c.forms[f] = n


# ---------------------------------------------------------------------------
# pronouns


@dataclass(slots=True)
class _Speakers:
    """What the speaker steps share: who said each quote so far, the resolved pronouns, the findings.

    ``speakers`` fills as quotes resolve; a pronoun's candidates read it (the
    previous quotation's speaker is salient).
    """

    doc: Doc
    cast: _Cast
    found: Drafts
    article_id: str
    speakers: list[int | None]  # per quote: the person (cluster index) who said it, once known
    source_at: dict[int, int]  # pronoun start -> the quote it is the source of
    resolved: dict[int, tuple[int, float, str]] = field(default_factory=dict)  # pronoun start -> (person, confidence, how)
    genders: dict[int, str | None] = field(default_factory=dict)  # person -> gender of their sure pronouns
    findings: list[Finding] = field(default_factory=list)


def _pronoun_occurrences(doc: Doc) -> list[tuple[int, int, str]]:
    """Third-person singular pronouns outside quotations (inside, they are the quoted speaker's)."""
    return [
        (m.start(), m.end(), m.group(0).lower()) for m in _PRONOUN_RE.finditer(doc.text) if not doc.in_quote(m.start())
    ]


def _pronoun_sources(doc: Doc, quotes: list[Quote]) -> dict[int, int]:
    """Pronoun start -> the quote whose source is that "he" or "she"."""
    return {
        q.source.start: k for k, q in enumerate(quotes)
        if q.source is not None and q.source.of(doc.text).lower() in ("he", "she")
    }


def _subject_person(st: _Speakers, si: int) -> int | None:
    """The person a sentence is about: its parsed subject, or a name near its start when it was not parsed."""
    span = st.doc.parsed.subjects.get(si)
    ms = st.cast.by_sent.get(si, [])
    if span is not None:
        for mm in ms:
            if span.start <= mm.start < span.end:
                return mm.person
        return None
    if ms and ms[0].start - st.doc.parsed.sentences[si].start <= 60:
        return ms[0].person
    return None


def _candidates(st: _Speakers, pos: int, for_quote: int | None) -> dict[int, float]:
    """Salience of each person a pronoun at ``pos`` may refer to (see the module docstring).

    People before it in its sentence score most (nearest and subject more),
    then the two sentences before within a paragraph's reach (their subject
    or quote speakers more); a pronoun quote source adds the speaker of the
    previous quotation in this or the previous paragraph.
    """
    doc, by_sent = st.doc, st.cast.by_sent
    si = doc.sent_of(pos)
    scores: dict[int, float] = {}
    cur = [mm for mm in by_sent.get(si, []) if mm.end <= pos]
    if cur:
        nearest = cur[-1].person
        subj = _subject_person(st, si)
        for mm in cur:
            sc = 3.0 + (1.0 if mm.person == nearest else 0.0) + (1.0 if mm.person == subj else 0.0)
            scores[mm.person] = max(scores.get(mm.person, 0.0), sc)
    back = 0
    sj = si - 1
    while sj >= 0 and back < 2:
        if doc.para_of_sent(si) - doc.para_of_sent(sj) > 1:
            break
        back += 1
        subj = _subject_person(st, sj)
        src_people = {
            st.speakers[k] for k, d in enumerate(st.found.drafts) if d.sent == sj and st.speakers[k] is not None
        }
        base = 2.0 if back == 1 else 1.0
        for mm in by_sent.get(sj, []):
            sc = base + (1.0 if mm.person == subj or mm.person in src_people else 0.0)
            scores[mm.person] = max(scores.get(mm.person, 0.0), sc)
        sj -= 1
    if for_quote is not None:
        _add_previous_speaker(st, pos, si, for_quote, scores)
    return scores


def _add_previous_speaker(st: _Speakers, pos: int, si: int, for_quote: int, scores: dict[int, float]) -> None:
    """Continuity: the speaker of the latest quotation before ``pos`` in this or the previous paragraph."""
    quotes = st.found.quotes
    pi = st.doc.para_of_sent(si)
    prev = [
        k for k in range(len(quotes))
        if k != for_quote and quotes[k].content.start < pos and st.speakers[k] is not None
        and pi - st.found.drafts[k].para <= 1
    ]
    if prev:
        last = max(prev, key=lambda k: quotes[k].content.start)
        p = st.speakers[last]
        if p is not None:  # always: ``prev`` holds resolved quotes only
            scores[p] = scores.get(p, 0.0) + 3.0


def _gender_of_pronoun(p: str) -> str:
    return "female" if p in PRONOUNS_FEMALE else "male"


def _resolve_pronouns(st: _Speakers, pronouns: list[tuple[int, int, str]]) -> None:
    """Link each pronoun to a person in two passes: sole candidates first, then salience with gender as tie-break.

    The first pass's links decide each person's gender, which the second pass
    uses; gender never overrides a sole candidate (that is how "she" and "he"
    for one person are found).
    """
    gender_votes: dict[int, dict[str, int]] = {}
    for s, _e, p in pronouns:
        qk = st.source_at.get(s)
        sc = _candidates(st, s, qk)
        if len(sc) == 1:
            person = next(iter(sc))
            st.resolved[s] = (person, 0.9, "the only person in the context")
            gender_votes.setdefault(person, {}).setdefault(_gender_of_pronoun(p), 0)
            gender_votes[person][_gender_of_pronoun(p)] += 1
            if qk is not None:
                st.speakers[qk] = person
    for person, votes in gender_votes.items():
        f, m = votes.get("female", 0), votes.get("male", 0)
        st.genders[person] = "female" if f > m else "male" if m > f else None
    for s, _e, p in pronouns:
        if s not in st.resolved:
            _resolve_by_salience(st, s, p)


def _resolve_by_salience(st: _Speakers, s: int, p: str) -> None:
    """Second pass for one pronoun: the most salient candidate, a gender match adding to it; confidence by margin."""
    qk = st.source_at.get(s)
    sc = _candidates(st, s, qk)
    if not sc:
        return
    g = _gender_of_pronoun(p)
    adj = {}
    for person, v in sc.items():
        pg = st.genders.get(person)
        w = 1.0 if qk is not None else 2.0
        adj[person] = v + (0.75 if pg == g else (-w if pg is not None else 0.0))
    ranked = sorted(adj.items(), key=lambda kv: -kv[1])
    person, best = ranked[0]
    margin = best - ranked[1][1] if len(ranked) > 1 else best
    conf = 0.8 if margin >= 2 else 0.6 if margin >= 1 else 0.45
    how = "salience (subject, recency" + (", previous quotation's speaker" if qk is not None else "") + ")"
    if conf < 0.6:
        how += "; close call between " + ", ".join(f"{st.cast.clusters[c].best} ({v:.1f})" for c, v in ranked[:3])
    st.resolved[s] = (person, conf, how)
    if qk is not None:
        st.speakers[qk] = person


# ---------------------------------------------------------------------------
# speakers


def _resolve_named_sources(st: _Speakers) -> set[int]:
    """Resolve the quotes whose source is written out (not "he"/"she"); they are what pronouns lean on."""
    done: set[int] = set()
    text = st.doc.text
    for k, q in enumerate(st.found.quotes):
        if st.found.drafts[k].inherit is None and q.source is not None and q.source.of(text).lower() not in ("he", "she"):
            _resolve_quote(st, k)
            done.add(k)
    return done


def _resolve_remaining(st: _Speakers, done: set[int]) -> None:
    """Resolve the other quotes in text order, so a continuation finds its quotation's speaker set."""
    quotes = st.found.quotes
    for k in sorted(range(len(quotes)), key=lambda k: quotes[k].content.start):
        if k not in done:
            _resolve_quote(st, k)


def _resolve_quote(st: _Speakers, k: int) -> None:
    """Set quote ``k``'s speaker, description, confidence and reason by what its source is."""
    q, draft = st.found.quotes[k], st.found.drafts[k]
    if draft.inherit is not None:
        _inherit_speaker(st, k, draft.inherit)
    elif q.source is None:
        _speaker_from_context(st, k, draft.sent)
    elif q.source.of(st.doc.text).lower() in ("he", "she"):
        _speaker_from_pronoun(st, k)
    elif q.source.of(st.doc.text).lower() in ("who", "which", "that"):
        _speaker_from_relative(st, k)
    else:
        _speaker_from_source(st, k, draft.att)


def _inherit_speaker(st: _Speakers, k: int, src_k: int) -> None:
    """A quotation continuing the previous paragraph's takes its speaker, a little less surely."""
    q, src = st.found.quotes[k], st.found.quotes[src_k]
    q.speaker = src.speaker
    q.speaker_description = src.speaker_description
    q.confidence = round(max(0.3, src.confidence - 0.2), 2)
    q.reason = "continues the quotation in the previous paragraph" + (f" by {q.speaker}" if q.speaker else "")
    st.speakers[k] = st.speakers[src_k]


def _speaker_from_context(st: _Speakers, k: int, si: int) -> None:
    """No cue: the subject of the previous sentence, when it is a person; else a ``speaker_unresolved`` finding."""
    q, doc, clusters = st.found.quotes[k], st.doc, st.cast.clusters
    cand = _subject_person(st, si - 1) if si > 0 and doc.para_of_sent(si) - doc.para_of_sent(si - 1) <= 1 else None
    if cand is not None:
        st.speakers[k] = cand
        q.speaker = clusters[cand].best
        q.confidence = 0.4
        q.reason = "no cue; the person the previous sentence is about"
        return
    q.confidence = 0.2
    near = []
    for sj in (si - 1, si - 2, si - 3):
        for mm in st.cast.by_sent.get(sj, []) if sj >= 0 else []:
            name = clusters[mm.person].best
            if name not in near:
                near.append(name)
    q.reason = "no cue and no person the previous sentence is about"
    why = (
        "no attribution cue; people mentioned nearby are not the subject of the previous sentence"
        if near else "no attribution cue and no person mentioned nearby"
    )
    st.findings.append(
        Finding("speaker_unresolved", st.article_id, q.content.start, q.content.end, 0.5,
                "quotation with no attribution cue: " + why, {"candidates": near, "why": why})
    )


def _speaker_from_pronoun(st: _Speakers, k: int) -> None:
    """Source "he"/"she": the person the pronoun was resolved to, with its confidence."""
    q = st.found.quotes[k]
    assert q.source is not None
    src_text = q.source.of(st.doc.text)
    r = st.resolved.get(q.source.start)
    if r is not None:
        person, conf, how = r
        st.speakers[k] = person
        q.speaker = st.cast.clusters[person].best
        q.confidence = conf
        q.reason = f"pronoun '{src_text}' -> {q.speaker} ({how})"
        return
    q.confidence = 0.3
    q.reason = f"pronoun '{src_text}' with no person before it"
    st.findings.append(
        Finding("speaker_unresolved", st.article_id, q.source.start, q.source.end, 0.5,
                f"pronoun source '{src_text}' has no antecedent",
                {"candidates": [], "why": "no person mentioned (outside quotations) in this or the two previous sentences"})
    )


def _speaker_from_relative(st: _Speakers, k: int) -> None:
    """Source "who"/"which"/"that": the person mentioned last before it in its sentence."""
    q = st.found.quotes[k]
    assert q.source is not None
    src_text = q.source.of(st.doc.text)
    prev = [mm for mm in st.cast.by_sent.get(st.doc.sent_of(q.source.start), []) if mm.end <= q.source.start]
    if prev:
        person = prev[-1].person
        st.speakers[k] = person
        q.speaker = st.cast.clusters[person].best
        q.confidence = 0.8
        q.reason = f"relative pronoun '{src_text}' -> {q.speaker}"
    else:
        q.confidence = 0.4
        q.reason = f"relative pronoun '{src_text}' with no person before it"


def _speaker_from_source(st: _Speakers, k: int, att: Attribution | None) -> None:
    """A written source: the person it names (at its head, or set beside it), else an unnamed source kept as a description."""
    q, text = st.found.quotes[k], st.doc.text
    assert q.source is not None
    inside = [mm for mm in st.cast.mentions_in(q.source.start, q.source.end) if mm.kind != "pronoun"]
    head = att.source_head if att is not None else None
    chosen, appositive = _source_mention(text, inside, head)
    if chosen is None:
        q.speaker = None
        q.speaker_description = q.source.of(text)
        q.confidence = 0.7
        q.reason = "unnamed source: the description is kept"
        return
    cluster = st.cast.clusters[chosen.person]
    st.speakers[k] = chosen.person
    q.speaker = cluster.best
    desc = (text[q.source.start:chosen.start] + " " + text[chosen.end:q.source.end])
    desc = re.sub(r"\s+", " ", desc).replace(" ,", ",").strip(" ,;")
    desc = re.sub(r"^(?:[’']s\b)?\s*,?\s*", "", desc).strip(" ,;")
    q.speaker_description = desc or (cluster.descriptions[0] if cluster.descriptions else None)
    if appositive:
        assert head is not None
        q.confidence = 0.85
        q.reason = f"named beside the source '{head.of(text)}'"
        return
    q.confidence = 0.95 if chosen.kind in ("name", "surname") else 0.8
    q.reason = {
        "name": "named as the source",
        "surname": "surname of a person named in the article",
        "variant": f"variant spelling of {q.speaker}",
        "role": f"role phrase '{chosen.form}' of {q.speaker}",
    }.get(chosen.kind, "named as the source")


def _source_mention(text: str, inside: list[_Mention], head: Span | None) -> tuple[_Mention | None, bool]:
    """The mention inside a source that is the speaker, and whether it was found beside the head (appositive).

    With a parsed head: the mention covering the head (or a role phrase
    ending at it), else a name set beside it. Without one: the first mention.
    """
    if not inside:
        return None, False
    if head is None:
        return inside[0], False
    for mm in inside:
        if mm.start <= head.start < mm.end or (mm.kind == "role" and mm.end >= head.end - 1):
            return mm, False
    chosen = _apposed_name(text, head, inside)
    return chosen, chosen is not None


# ---------------------------------------------------------------------------
# people and their findings


def _people(st: _Speakers, pronouns: list[tuple[int, int, str]]) -> list[Person]:
    """One :class:`Person` per cluster that has a mention, with its ``pronoun_gender`` and ``name_variant`` findings."""
    people: list[Person] = []
    for ci, c in enumerate(st.cast.clusters):
        pm = [mm for mm in st.cast.mentions if mm.person == ci]
        if not pm:
            continue
        prons: dict[str, list[Span]] = {}
        for s, e, p in pronouns:
            r = st.resolved.get(s)
            if r is not None and r[0] == ci:
                prons.setdefault("she" if p in PRONOUNS_FEMALE else "he", []).append(Span(s, e))
        people.append(_person(st, ci, pm, prons))
        gender = _pronoun_gender_finding(st, c.best, prons)
        if gender is not None:
            st.findings.append(gender)
        st.findings.extend(_name_variant_findings(st, c, pm))
    return people


def _person(st: _Speakers, ci: int, pm: list[_Mention], prons: dict[str, list[Span]]) -> Person:
    """The public record of one cluster: every mention and pronoun, titles and speaker descriptions, variants."""
    c, text = st.cast.clusters[ci], st.doc.text
    descs: list[str] = []
    for d in c.descriptions:
        d = d.strip(" ,")
        if d and d not in descs:
            descs.append(d)
    for k, q in enumerate(st.found.quotes):
        if st.speakers[k] == ci and q.speaker_description and q.speaker_description not in descs and q.source is not None:
            descs.append(q.speaker_description)
    return Person(
        name=c.best,
        mentions=sorted({Span(mm.start, mm.end) for mm in pm} | {sp for v in prons.values() for sp in v}),
        descriptions=descs,
        pronouns=prons,
        variants=sorted({text[mm.start:mm.end] for mm in pm if mm.kind in ("name", "variant", "surname")}),
        gender=st.genders.get(ci),
    )


def _pronoun_gender_finding(st: _Speakers, name: str, prons: dict[str, list[Span]]) -> Finding | None:
    """``pronoun_gender`` when one person is surely called both "she" and "he"; the span is the minority's first."""
    if not ("she" in prons and "he" in prons):
        return None
    strong = {key: [sp for sp in v if st.resolved.get(sp.start, (0, 0.0, ""))[1] >= 0.6] for key, v in prons.items()}
    if not (strong.get("she") and strong.get("he")):
        return None
    she, he = prons["she"], prons["he"]
    minority = "he" if len(he) <= len(she) else "she"
    first_min = prons[minority][0]
    return Finding(
        "pronoun_gender",
        st.article_id,
        first_min.start,
        first_min.end,
        min(0.95, 0.5 + 0.1 * min(len(he), len(she)) + 0.2),
        f"{name} is referred to as both 'she' ({len(she)}x) and 'he' ({len(he)}x)",
        {
            "person": name,
            "she": [[sp.start, sp.end] for sp in she],
            "he": [[sp.start, sp.end] for sp in he],
            "evidence": [[sp.start, sp.end] for sp in sorted(she + he)],
        },
    )


def _name_variant_findings(st: _Speakers, c: _Cluster, pm: list[_Mention]) -> list[Finding]:
    """``name_variant`` at the first mention of each full form close to, but not, the canonical name."""
    text, best = st.doc.text, c.best
    out: list[Finding] = []
    for v in [v for v in c.forms if len(v.split()) >= 2 and v != best and fuzz.ratio(v, best) >= 75]:
        n_v = sum(1 for mm in pm if text[mm.start:mm.end] == v)
        n_b = sum(1 for mm in pm if text[mm.start:mm.end] == best)
        mm = next((mm for mm in pm if text[mm.start:mm.end] == v), None)
        if mm is None:
            continue
        why = (
            f"'{v}' looks like a misspelling of '{best}' ({n_v} vs {n_b} mentions)"
            if n_b > n_v else f"the name is spelt both '{v}' and '{best}' ({n_v} and {n_b} mentions)"
        )
        out.append(
            Finding("name_variant", st.article_id, mm.start, mm.end, 0.7 if n_b > n_v else 0.5, why,
                    {"person": best, "variant": v, "canonical": best})
        )
    return out


def _plural_source_findings(st: _Speakers) -> None:
    """``speaker_unresolved`` for a "they" source: a group, not one person."""
    for q in st.found.quotes:
        if q.speaker is None and q.source is not None and q.source.of(st.doc.text).lower() in ("they",):
            st.findings.append(
                Finding("speaker_unresolved", st.article_id, q.source.start, q.source.end, 0.4,
                        "plural pronoun source: a group, not one person", {"candidates": [], "why": "plural pronoun"})
            )
