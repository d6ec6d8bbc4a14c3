"""Per-article signals: debris removed at ingest, pronoun–gender slips, misspelt names,
and signs of machine translation or article spinning, combined into one score.

No single signal decides: each contributes a weight, the score is
``1 - prod(1 - w)`` over the signals found, and an article showing only one kind
of sign is capped below 0.5.  Every contribution is listed with its reason and
evidence spans.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from newsweave.compare.aspect import PreparedStory, Section
from newsweave.compare.names import _similar
from newsweave.compare.quotes import cue_pronouns
from newsweave.compare.records import SignalReason, SignalRecord
from newsweave.model import Article, Finding, Span
from newsweave.text.sentences import split_sentences
from newsweave.text.words import word_tokens

__all__ = ["SignalsAspect", "article_signals", "style_features", "pattern_findings", "pronoun_findings", "CueClaim",
           "wording_rate"]

_SPACE_BEFORE_CLOSE = re.compile(r"\S\s+”|(?<=[.,!?])\s+\"(?=\s|$)")
_SPACE_BEFORE_PUNCT = re.compile(r"\w( +)[,;:!?](?=\s|[”\"])")
_PUNCT_AFTER_CLOSE = re.compile(r"[a-z]”[.,](?=\s|$)")
_NO_SPACE_AFTER_CLOSE = re.compile(r"[.,!?]\s*”(?=[A-Za-z])")
_DASH_ASYMMETRIC = re.compile(r"\w[—–]\s|\s[—–]\w")
_DOUBLED = re.compile(r"\b(\w{2,})\s+\1\b", re.I)
_DOUBLED_OK = {"that", "had", "is", "very", "no", "so", "bye", "far", "again", "more", "really"}
_LOWER_START = re.compile(r"[.!?]\s+([a-z]\w*)")
_ABBREVIATION = re.compile(r"\b(?:Jr|Sr|Mr|Mrs|Ms|Dr|St|Gov|Sen|Rep|Gen|Lt|Col|Sgt|Capt|Adm|Rev|Prof|Inc|Co|Corp|Ltd|"
                           r"vs|etc|No|Jan|Feb|Aug|Sept?|Oct|Nov|Dec|[A-Z])\.$")

# (signal, weight per occurrence, cap)
_WEIGHTS = {
    "pronoun_gender": (0.35, 0.45),
    "name_variant": (0.2, 0.3),
    "space_before_closing_quote": (0.15, 0.3),
    "space_before_punctuation": (0.1, 0.2),
    "punctuation_outside_quote": (0.05, 0.1),
    "asymmetric_dash": (0.05, 0.1),
    "stray_word": (0.2, 0.3),
    "doubled_word": (0.1, 0.2),
    "lowercase_sentence_start": (0.15, 0.25),
    "style_outlier": (0.1, 0.1),
}


def style_features(text: str) -> dict[str, float]:
    """Mean sentence length (words), type–token ratio (first 400 words), function-word rate."""
    sentences = split_sentences(text)
    lengths = [len(text[s.start : s.end].split()) for s in sentences] or [0]
    words = [w.lower() for w, _, _ in word_tokens(text)]
    sample = words[:400]
    function = {"the", "of", "and", "to", "a", "in", "that", "is", "for", "on", "with", "as", "by"}
    return {
        "mean_sentence_words": round(statistics.fmean(lengths), 2),
        "type_token_ratio": round(len(set(sample)) / max(1, len(sample)), 3),
        "function_word_rate": round(sum(w in function for w in words) / max(1, len(words)), 3),
    }


def _pattern_findings(article: Article) -> list[Finding]:
    text = article.text
    out: list[Finding] = []

    def add(kind: str, start: int, end: int, reason: str) -> None:
        out.append(Finding("mt_signal", article.id, start, end, _WEIGHTS[kind][0], reason, {"signal": kind}))

    for m in _SPACE_BEFORE_CLOSE.finditer(text):
        add("space_before_closing_quote", m.start() + 1, m.end(), "space before a closing quotation mark")
    for m in _NO_SPACE_AFTER_CLOSE.finditer(text):
        add("space_before_closing_quote", m.start(), m.end(), "closing quotation mark glued to the next word")
    for m in _SPACE_BEFORE_PUNCT.finditer(text):
        add("space_before_punctuation", m.start(1), m.end(), "space before a comma or other punctuation mark")
    for m in _PUNCT_AFTER_CLOSE.finditer(text):
        add("punctuation_outside_quote", m.start() + 1, m.end(), "sentence punctuation after the closing quotation mark")
    for m in _DASH_ASYMMETRIC.finditer(text):
        add("asymmetric_dash", m.start(), m.end(), "dash spaced on one side only")
    for m in _DOUBLED.finditer(text):
        if m.group(1).lower() not in _DOUBLED_OK:
            add("doubled_word", m.start(), m.end(), f"word repeated: '{m.group(0)}'")
    sentences = split_sentences(text)
    for prev, sent in pairwise(sentences):
        piece = text[sent.start : sent.end]
        words = piece.rstrip(".!?").split()
        prev_words = {w.strip(".,;:!?").lower() for w in text[prev.start : prev.end].split()}
        same_line = "\n" not in text[prev.end : sent.start]
        if same_line and 1 <= len(words) <= 2 and piece.endswith(".") and all(w.lower() in prev_words for w in words):
            add("stray_word", sent.start, sent.end, f"stray fragment repeating the previous sentence: '{piece}'")
    for m in _LOWER_START.finditer(text):
        word = m.group(1)
        before = text[max(0, m.start() - 3) : m.start() + 1].lower()
        if word in ("com", "org", "m", "s") or before.endswith(("u.s.", "a.m.", "p.m.", "...", "…")):
            continue
        if _ABBREVIATION.search(text, max(0, m.start() - 8), m.start() + 1):
            continue  # "Trump Jr. said", "Sen. … said": an abbreviation's period ends no sentence
        add("lowercase_sentence_start", m.start(1), m.end(1), f"sentence starts in lower case: '{word}'")
    return out


def pattern_findings(articles: list[Article]) -> dict[str, list[Finding]]:
    """Each article's signs of machine translation or spinning (found once, used for originality and signals)."""
    return {a.id: _pattern_findings(a) for a in articles}


def wording_rate(article: Article, patterns: list[Finding]) -> float:
    """Signs of machine translation or spinning per 1,000 characters: the lower, the cleaner the wording."""
    return 1000 * len(patterns) / max(1, len(article.text))


def article_signals(
    articles: list[Article], pronoun_flags: list[Finding], name_findings: list[Finding],
    patterns: dict[str, list[Finding]] | None = None,
) -> tuple[list[SignalRecord], list[Finding]]:
    """One signal record per article (score, reasons, debris), and ``mt_signal`` flags.

    The signs of an article are flags only when its score reaches 0.5 (likely machine-translated
    or spun): below that they are listed in its record, as information.
    """
    patterns = patterns if patterns is not None else pattern_findings(articles)
    names_by_article: dict[str, list[Finding]] = defaultdict(list)
    for f in name_findings:
        names_by_article[f.article_id].append(f)
    pronouns_by_article: dict[str, list[Finding]] = defaultdict(list)
    for f in pronoun_flags:
        pronouns_by_article[f.article_id].append(f)
    features = {a.id: style_features(a.text) for a in articles}
    # style outliers only make sense against several other articles
    outliers: dict[str, list[str]] = defaultdict(list)
    if len(articles) >= 4:
        for key in ("mean_sentence_words", "type_token_ratio", "function_word_rate"):
            values = [features[a.id][key] for a in articles]
            mean, sd = statistics.fmean(values), statistics.pstdev(values)
            for a in articles:
                if sd > 0 and abs(features[a.id][key] - mean) / sd > 2.5:
                    outliers[a.id].append(f"{key} {features[a.id][key]} vs story mean {mean:.2f}")

    records: list[SignalRecord] = []
    all_findings: list[Finding] = []
    for article in articles:
        contributions: dict[str, list[Finding]] = defaultdict(list)
        for f in pronouns_by_article.get(article.id, []):
            contributions["pronoun_gender"].append(f)
        for f in names_by_article.get(article.id, []):
            contributions["name_variant"].append(f)
        for f in patterns[article.id]:
            contributions[f.data["signal"]].append(f)
        reasons: list[SignalReason] = []
        weights = []
        for signal, found in sorted(contributions.items()):
            per, cap = _WEIGHTS[signal]
            w = min(cap, per * len(found))
            weights.append(w)
            reasons.append({"signal": signal, "count": len(found), "weight": round(w, 3),
                            "reason": found[0].reason,
                            "evidence": [{"start": f.start, "end": f.end} for f in found[:10]]})
        if outliers.get(article.id):
            per, cap = _WEIGHTS["style_outlier"]
            weights.append(per)
            reasons.append({"signal": "style_outlier", "count": len(outliers[article.id]), "weight": per,
                            "reason": "; ".join(outliers[article.id]), "evidence": []})
        score = 1.0
        for w in weights:
            score *= 1 - w
        score = 1 - score
        kinds = {r["signal"] for r in reasons}
        if len(kinds) < 2:
            score = min(score, 0.45)
        if score >= 0.5:
            all_findings.extend(patterns[article.id])
        records.append({
            "article": article.id,
            "source": article.source,
            "debris": [{"rule": r.rule, "reason": r.reason, "text": r.text, "start": r.start, "end": r.end}
                       for r in article.removed],
            "pronoun_gender": [{"start": f.start, "end": f.end, "reason": f.reason}
                               for f in contributions.get("pronoun_gender", [])],
            "name_variants": [{"start": f.start, "end": f.end, "reason": f.reason}
                              for f in contributions.get("name_variant", [])],
            "machine_translation_score": round(score, 3),
            "likely_machine_translated_or_spun": score >= 0.5,
            "reasons": reasons,
            "style": features[article.id],
        })
    return records, all_findings


_GENDER_OF = {"he": "male", "him": "male", "his": "male", "himself": "male",
              "she": "female", "her": "female", "hers": "female", "herself": "female"}
_PRONOUNS_OF = {"male": "he/him/his", "female": "she/her"}
_SUBJECT = frozenset({"he", "she"})
#: words that put another person of that gender in the sentence ("his wife", "the mother")
_GENDERED = {
    "female": re.compile(r"\b(?:woman|women|wife|mother|daughter|sister|girl|lady|grandmother|aunt|niece|"
                         r"girlfriend|widow|queen|princess|mrs|ms|madam|actress|congresswoman|chairwoman|"
                         r"spokeswoman|businesswoman|first lady)\b", re.I),
    "male": re.compile(r"\b(?:man|men|husband|father|son|brother|boy|grandfather|uncle|nephew|boyfriend|"
                       r"widower|king|prince|mr|sir|actor|congressman|chairman|spokesman|businessman)\b", re.I),
}


@dataclass(slots=True)
class _Usage:
    """One person across the story (linked by surname): pronoun spans per article and gender."""

    name: str
    spans: dict[str, dict[str, list[Span]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    titles: Counter[str] = field(default_factory=Counter)  # "Mr. Hoyer", "Ms. Tlaib": gender by honorific


def _story_people(articles: list[Article], analyses: Mapping[str, object]) -> dict[str, _Usage]:
    """People of the story by surname, with the pronouns the quotes stage resolved to them.

    A surname two people carry inside one article ("Donald Trump" and "Ivanka Trump") is
    ambiguous and left out; across articles, other first names are usually the same person's
    ("Bibi" and "Benjamin Netanyahu").
    """
    usage: dict[str, _Usage] = {}
    ambiguous: set[str] = set()
    for article in articles:
        firsts: dict[str, set[str]] = defaultdict(set)
        for person in getattr(analyses.get(article.id), "people", []) or []:
            tokens = person.name.split()
            if not tokens:
                continue
            key = tokens[-1].lower()
            if len(tokens) >= 2:
                firsts[key].add(tokens[0].lower())
            entry = usage.setdefault(key, _Usage(person.name))
            for pronoun, spans in (person.pronouns or {}).items():
                gender = _GENDER_OF.get(pronoun.lower())
                if gender:
                    entry.spans[article.id][gender].extend(spans)
        ambiguous |= {k for k, names in firsts.items()
                      if any(a != b and not _similar(a, b) for a in names for b in names)}
    return {k: u for k, u in usage.items() if k not in ambiguous}


def _genders(people: dict[str, _Usage]) -> dict[str, str]:
    """Surname -> the gender the story's pronouns give the person, where they agree 3:1 or more."""
    out = {}
    for key, usage in people.items():
        counts = _counts(usage)
        top = max(counts, key=lambda g: counts[g])
        if counts[top] >= 1 and counts[top] >= 3 * (sum(counts.values()) - counts[top]):
            out[key] = top
    return out


def _another_referent(article: Article, analysis: object, surname: str, span: Span, gender: str,
                      sentences: list[Span], named: Sequence[tuple[int, str]] = (),
                      genders: dict[str, str] | None = None) -> bool:
    """Whether someone else the pronoun could refer to is named in its sentence or the one before.

    Another person of the pronoun's gender (or, in the same sentence, of unknown gender), a person
    NER names before it in that stretch (``named``: start and lower-case surname), or a gendered
    noun ("his wife") makes the pronoun ambiguous: no evidence of a slip.
    """
    genders = genders or {}
    k = next((i for i, s in enumerate(sentences) if s.start <= span.start < s.end), None)
    if k is None:
        return True
    window = Span(sentences[max(0, k - 1)].start, span.start)
    same = sentences[k]
    if _GENDERED[gender].search(article.text, window.start, min(same.end, len(article.text))):
        return True
    if any(window.start <= start < span.start and last != surname and genders.get(last, gender) == gender
           for start, last in named):
        return True  # another person named just before, of this gender or of one the story does not say
    for person in getattr(analysis, "people", []) or []:
        tokens = person.name.split()
        if not tokens or tokens[-1].lower() == surname:
            continue
        own = {g: sum(1 for p, sp in person.pronouns.items() for _ in sp if _GENDER_OF.get(p.lower()) == g)
               for g in ("male", "female")}
        their = person.gender or (max(own, key=lambda g: own[g]) if any(own.values()) else None)
        if their not in (gender, None):
            continue
        for m in person.mentions:
            if article.text[m.start:m.end].lower() in _GENDER_OF:
                continue
            near = window.start <= m.start < same.end if their == gender else same.start <= m.start < same.end
            if near:
                return True
    return False


def _mentioned(article: Article, analysis: object, named: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    """(start, lower-case surname) of every mention of a person in an article: the names NER found
    and the quotes stage's mentions of its people, by name or by a pronoun it resolved to them."""
    out = set(named)
    for person in getattr(analysis, "people", []) or []:
        tokens = person.name.split()
        if tokens:
            out.update((m.start, tokens[-1].lower()) for m in person.mentions)
            out.update((sp.start, tokens[-1].lower()) for spans in (person.pronouns or {}).values() for sp in spans)
    return sorted(m for m in out if not _not_a_name(article.text, m[0]))


_ACRONYM = re.compile(r"[A-Z]{2,}\b")


def _not_a_name(text: str, at: int) -> bool:
    """A hashtag or handle ("#unapologeticallyme", "@POTUS") or an acronym ("NAACP") that NER took
    for a person: no one a "he" or "she" refers to."""
    return text[at - 1:at] in ("#", "@") or _ACRONYM.match(text, at) is not None


def _possessive(text: str, at: int, surname: str) -> bool:
    """Whether the mention at ``at`` is a possessor ("William Barr's summary")."""
    return re.match(rf"(?:[\w.-]+\s+){{0,3}}?{re.escape(surname)}['’]s\b", text[at:at + 80], re.I) is not None


def _as_subject(text: str, at: int, surname: str) -> bool:
    """Whether the mention at ``at`` can be a sentence's subject: a name not as a possessor, or "he"/"she"
    ("her emails", "Clinton's lawyer" and "told him" are about the person, not what they do)."""
    word = re.match(r"[\w’']+", text[at:at + 20])
    if word and word.group(0).lower() in _GENDER_OF:
        return word.group(0).lower() in _SUBJECT
    return not _possessive(text, at, surname)


def _cue_referents(article: Article, analysis: object, sentences: list[Span],
                   mentions: Sequence[tuple[int, str]], people: dict[str, _Usage]) -> list[tuple[Span, str]]:
    """(pronoun span, surname) for each "he"/"she" cue of a quotation whose referent the text settles.

    The referent is the quotation's resolved speaker when mentioned in the cue's sentence or the
    two before (by name or resolved pronoun; ``mentions``), else the person mentioned last there.
    It is settled when the story's pronouns and honorifics give the referent the other gender and
    no one the pronoun could refer to instead is mentioned in that stretch outside quotations:
    a person of the pronoun's gender, a gendered noun ("his wife"), or a person the story gives
    no gender (unless only as a possessor, "Barr's summary", beside a resolved speaker).
    """
    out: list[tuple[Span, str]] = []
    genders = _genders(people)
    for q in getattr(analysis, "quotes", []) or []:
        if q.source is None or article.text[q.source.start:q.source.end].lower() not in _SUBJECT:
            continue
        span = Span(q.source.start, q.source.end)
        if _in_quotation(analysis, span):
            continue
        k = next((i for i, s in enumerate(sentences) if s.start <= span.start < s.end), None)
        if k is None:
            continue
        start = sentences[max(0, k - 2)].start
        before = sorted((at, last) for at, last in mentions if start <= at < span.start
                        and not _in_quotation(analysis, Span(at, at + 1)))
        if not before:
            continue
        said = q.speaker.split()[-1].lower() if q.speaker else None
        referent = said if any(last == said for _, last in before) else before[-1][1]
        if referent not in people:
            continue
        used = _GENDER_OF[article.text[span.start:span.end].lower()]
        against = "female" if used == "male" else "male"
        if _GENDERED[used].search(article.text, sentences[max(0, k - 1)].start, sentences[k].end):
            continue
        # someone of the pronoun's gender unsettles it, and so does anyone the story gives no gender,
        # unless only as a possessor ("Barr's summary") or mentioned before the quotes stage's speaker
        # was last mentioned ("Dean and Schumer … McConnell suggested … “…,” he said"): no rival then
        last_seen = max((at for at, last in before if last == referent and _as_subject(article.text, at, last)),
                        default=-1)
        others = [(genders.get(last), referent == said and (_possessive(article.text, at, last) or at < last_seen))
                  for at, last in before if last != referent]
        if _gender_besides(people[referent], article.id, span) == against \
                and all(g == against or (g is None and owner) for g, owner in others):
            out.append((span, referent))
    return out


def _gender_besides(usage: _Usage, aid: str, span: Span) -> str | None:
    """The gender the story gives the person leaving this pronoun out (it is the one on trial):
    at least one pronoun or honorific, three to one."""
    counts = _counts(usage)
    for gender, spans in usage.spans.get(aid, {}).items():
        counts[gender] -= sum(1 for sp in spans if sp.start == span.start)
    top = max(counts, key=lambda g: counts[g])
    other = sum(counts.values()) - counts[top]
    return top if counts[top] >= 1 and counts[top] >= 3 * other else None


def _in_quotation(analysis: object, span: Span) -> bool:
    """Pronouns inside a quotation are the speaker's, about someone else: never a slip of the writer's."""
    return any(piece.start <= span.start < piece.end
               for q in getattr(analysis, "quotes", []) or [] if q.kind != "indirect"
               for piece in (getattr(q, "pieces", None) or [q.content]))  # the cue between two pieces is the writer's


@dataclass(frozen=True, slots=True)
class CueClaim:
    """A speech-cue pronoun ("she said") of a quotation that other outlets give to ``person`` by name."""

    article_id: str
    span: Span
    person: str


def _counts(usage: _Usage) -> Counter[str]:
    return Counter({g: sum(len(spans.get(g, [])) for spans in usage.spans.values()) + usage.titles[g]
                    for g in ("male", "female")})


#: honorifics and gendered role nouns written before a name ("Ms. Tlaib", "spokeswoman Dana Rucker")
_TITLE_GENDER = {"mr": "male", "mrs": "female", "ms": "female", "spokesman": "male", "spokeswoman": "female",
                 "congressman": "male", "congresswoman": "female", "chairman": "male", "chairwoman": "female",
                 "businessman": "male", "businesswoman": "female"}
_HONORIFIC = re.compile(r"\b(Mr|Mrs|Ms|(?i:spokes|congress|chair|business)(?i:wo)?(?i:man))\.?\s+"
                        r"(?:[A-Z][\w'’.-]*\s+){0,2}([A-Z][\w'’-]+)")


def _count_titles(articles: list[Article], people: dict[str, _Usage]) -> None:
    """Add each person's honorifics and gendered roles across the story ("Mr. Hoyer", "Ms. Rashida Tlaib",
    "spokeswoman Dana Rucker") to their gender evidence."""
    for article in articles:
        for m in _HONORIFIC.finditer(article.text):
            usage = people.get(m.group(2).lower())
            if usage is not None:
                usage.titles[_TITLE_GENDER[m.group(1).lower()]] += 1


def _outnumbered(usage: _Usage, aid: str, used: str, against: str, totals: Counter[str]) -> bool:
    """Whether the story says ``against`` for this person clearly more than ``used``: at least twice
    and three times as often (one use of ``used`` left out), or in at least two other articles while
    no other article says ``used`` — one outlet against the rest."""
    if totals[against] >= 2 and totals[against] >= 3 * (totals[used] - 1):
        return True
    others = [spans for other, spans in usage.spans.items() if other != aid]
    return sum(1 for sp in others if sp.get(against)) >= 2 and not any(sp.get(used) for sp in others)


def pronoun_findings(articles: list[Article], analyses: Mapping[str, object],
                     cues: Sequence[CueClaim] = (), named: dict[str, list[tuple[int, str]]] | None = None,
                     ) -> list[Finding]:
    """``pronoun_gender`` flags: a pronoun for a person the story establishes as the other gender.

    Evidence required, per pronoun: the story refers to the person with the other gender's
    pronouns at least twice and at least three times as often as with this one's (this one
    left out); the pronoun is not inside a quotation; and nobody else it could refer to is
    named in its sentence or the one before (``named``: NER people per article, start and
    surname) — unless it is the cue of a quotation other outlets give to this person by name
    (``cues``), or a cue whose referent the text settles (:func:`_cue_referents`).  Only subject
    pronouns ("he", "she") are judged.
    One flag per person and article, on the first slip, with every slip as evidence.
    """
    people = _story_people(articles, analyses)
    _count_titles(articles, people)
    by_id = {a.id: a for a in articles}
    named = {aid: [(at, last) for at, last in found if not _not_a_name(by_id[aid].text, at)]
             for aid, found in (named or {}).items() if aid in by_id}
    settled: set[tuple[str, int]] = set()
    for cue in cues:
        usage = people.get(cue.person.split()[-1].lower())
        gender = _GENDER_OF.get(by_id[cue.article_id].text[cue.span.start:cue.span.end].lower())
        if usage is None or gender is None:
            continue
        spans = usage.spans[cue.article_id][gender]
        if all(sp.start != cue.span.start for sp in spans):
            spans.append(cue.span)
        settled.add((cue.article_id, cue.span.start))
    sentences: dict[str, list[Span]] = {}
    by_text: set[tuple[str, int]] = set()  # cues whose referent the text settles (:func:`_cue_referents`)
    for article in articles:
        sentences[article.id] = split_sentences(article.text)
        for span, surname in _cue_referents(article, analyses.get(article.id), sentences[article.id],
                                            _mentioned(article, analyses.get(article.id), named.get(article.id, ())),
                                            people):
            gender = _GENDER_OF[article.text[span.start:span.end].lower()]
            spans = people[surname].spans[article.id][gender]
            if all(sp.start != span.start for sp in spans):
                spans.append(span)
            settled.add((article.id, span.start))
            by_text.add((article.id, span.start))
    genders = _genders(people)
    findings: list[Finding] = []
    for surname, usage in people.items():
        totals = _counts(usage)
        for aid, by_gender in usage.spans.items():
            slips: list[tuple[Span, str]] = []
            for used, found in by_gender.items():
                against = "female" if used == "male" else "male"
                outnumbered = _outnumbered(usage, aid, used, against, totals)
                for span in found:
                    if not (outnumbered or (aid, span.start) in by_text):
                        continue  # a settled cue needs only the story's other pronouns, three to one
                    if by_id[aid].text[span.start:span.end].lower() not in _SUBJECT:
                        continue  # "her", "his", "him" refer back to whoever the paragraph is about too often
                    if (aid, span.start) in settled or not (_in_quotation(analyses.get(aid), span) or _another_referent(
                            by_id[aid], analyses.get(aid), surname, span, used,
                            sentences[aid], named.get(aid, ()),
                            genders)):
                        slips.append((span, against))
            if slips:
                findings.append(_pronoun_flag(by_id[aid], usage, sorted(slips, key=lambda s: s[0].start), totals))
    return findings


def _pronoun_flag(article: Article, usage: _Usage, slips: list[tuple[Span, str]], totals: Counter[str]) -> Finding:
    first, gender = slips[0]
    articles_with = sum(1 for spans in usage.spans.values() if spans.get(gender))
    spans = usage.spans[article.id]
    return Finding(
        "pronoun_gender", article.id, first.start, first.end, 0.8,
        f"{usage.name} is referred to with {_PRONOUNS_OF[gender]} {totals[gender]}× in the story "
        f"({articles_with} article{'s' if articles_with > 1 else ''}); here "
        f"'{article.text[first.start:first.end]}'" + (f" and {len(slips) - 1} more" if len(slips) > 1 else "")
        + ", with no one else named nearby it could refer to",
        {"person": usage.name, "consensus": gender, "evidence": [[sp.start, sp.end] for sp, _ in slips],
         "she": [[sp.start, sp.end] for sp in spans.get("female", [])],
         "he": [[sp.start, sp.end] for sp in spans.get("male", [])]},
    )


class SignalsAspect:
    """The story's ``signals``: per article, pronoun–gender slips, misspelt names, debris and signs of
    machine translation or spinning (after the quote groups and names it builds on)."""

    name = "signals"

    def compare(self, story: PreparedStory) -> Section[list[SignalRecord]]:
        pronoun_flags = _pronoun_flags(story)
        records, findings = article_signals(story.articles, pronoun_flags, story.sections["names"].flags,
                                            story.patterns)
        return Section(records, pronoun_flags + findings)


def _pronoun_flags(story: PreparedStory) -> list[Finding]:
    """Wrong-gender pronouns for speakers: the cues' pronouns judged against the people NER found."""
    cues = [CueClaim(aid, span, person) for aid, span, person in cue_pronouns(story.sections["quotes"].records)]
    named = {aid: [(e.start, e.core.split()[-1].lower()) for e in ents if e.label == "person" and e.core.split()]
             for aid, ents in story.entities.items()}
    return pronoun_findings(story.articles, story.analyses, cues, named)
