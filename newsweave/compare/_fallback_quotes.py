"""A small direct-quote extractor used only when ``newsweave.enrich.quotes`` is missing.

The quotes stage (issue 4) is the real extractor; this keeps ``compare`` usable
and testable on its own.  It finds direct quotes in curly, straight and
guillemet marks, the speaker from an adjacent cue ("X said", "said X",
"he added"), resolves pronouns to the subject of the previous sentence, and
records which pronouns an article uses for each person so a pronoun–gender
inconsistency can be flagged.  Same result shape as the quotes stage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsweave.enrich.sentences import split_sentences
from newsweave.model import Finding, Quote, Span

__all__ = ["FallbackAnalysis", "FallbackPerson", "extract_quotes"]

CUE_VERBS = (
    "said|says|added|adds|told|tells|wrote|writes|asked|asks|stated|explained|noted|argued|"
    "insisted|warned|continued|replied|recalled|declared|announced|claimed|urged|stressed|"
    "acknowledged|conceded|remarked|observed|suggested|called|posted|tweeted"
)
_NAME = r"(?:[A-Z][\w’'.-]+(?:\s+(?:[A-Z][\w’'.-]+|de|van|von|al|bin|da|di|la|le)){0,4})"
_PRONOUN = r"(?:he|she|they|He|She|They)"
_DESC = r"(?:(?:an?|the|one|another)\s+(?:[\w-]+\s+){0,3}?(?:official|spokes\w+|source|aide|adviser|advisor|analyst|expert|one|person|official))"
_SPEAKER = rf"(?:{_PRONOUN}|{_DESC}|one|{_NAME})"
_AFTER_A = re.compile(rf"^\s*,?\s*(?P<spk>{_SPEAKER})\s+(?:\w+\s+)?(?P<cue>{CUE_VERBS})\b")
_AFTER_B = re.compile(rf"^\s*,?\s*(?P<cue>{CUE_VERBS})\s+(?P<spk>{_DESC}|one|{_NAME})")
_BEFORE = re.compile(rf"(?P<spk>{_NAME}|{_PRONOUN})\s+(?:\w+\s+)?(?P<cue>{CUE_VERBS})\s*[,:]?\s*$")
_PAIRS = {"“": "”", '"': '"', "«": "»", "„": "“"}
_TITLES = {"president", "vice", "gov", "gov.", "sen", "sen.", "rep", "rep.", "secretary", "mr", "mr.",
           "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "former", "democratic", "republican",
           "analyst", "then-president"}
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m",
                   "she": "f", "her": "f", "hers": "f", "herself": "f"}


@dataclass
class FallbackPerson:
    name: str
    mentions: list[Span] = field(default_factory=list)
    pronouns: dict[str, list[Span]] = field(default_factory=dict)


@dataclass
class FallbackAnalysis:
    quotes: list[Quote]
    people: list[FallbackPerson]
    findings: list[Finding]


def _find_quote_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _PAIRS:
            close = _PAIRS[ch]
            j = text.find(close, i + 1)
            para = text.find("\n\n", i + 1)
            if j != -1 and (para == -1 or j < para) and j - i > 1:
                spans.append((i + 1, j))
                i = j + 1
                continue
        i += 1
    return spans


def _person_mentions(text: str, persons: list[tuple[int, int]]) -> dict[str, FallbackPerson]:
    """Group NER person mentions into people keyed by surname (the last name token)."""
    people: dict[str, FallbackPerson] = {}
    forms: dict[str, str] = {}
    for start, end in persons:
        name = text[start:end].strip()
        name = re.sub(r"[’']s?$", "", name).strip()
        tokens = [t for t in name.split() if t.lower().strip(".") not in _TITLES]
        if not tokens:
            continue
        key = tokens[-1]
        full = " ".join(tokens)
        if len(full) > len(forms.get(key, "")):
            forms[key] = full
        people.setdefault(key, FallbackPerson(name=full)).mentions.append(Span(start, end))
    for key, person in people.items():
        person.name = forms[key]
    return people


def _resolve(written: str, people: dict[str, FallbackPerson]) -> str | None:
    tokens = [t for t in re.sub(r"[’']s?$", "", written).split() if t.lower().strip(".") not in _TITLES]
    if tokens and tokens[-1] in people:
        return people[tokens[-1]].name
    return None


def _subject_person(text: str, span: Span, persons: list[tuple[int, int]], people) -> str | None:
    for start, end in persons:
        if span.start <= start < span.end:
            resolved = _resolve(text[start:end], people)
            if resolved:
                return resolved
    return None


def extract_quotes(text: str, persons: list[tuple[int, int]] | None = None, article_id: str = "") -> FallbackAnalysis:
    """Direct quotes with speakers; ``persons`` are PERSON entity spans (from NER)."""
    persons = sorted(persons or [])
    people = _person_mentions(text, persons)
    sentences = split_sentences(text)
    quotes: list[Quote] = []
    previous_speaker: str | None = None
    previous_end = -1
    for start, end in _find_quote_spans(text):
        content = text[start:end]
        if len(content.split()) < 3:  # scare quotes / single terms: not an utterance
            continue
        after = text[end + 1 : end + 120].split("\n", 1)[0]
        line_start = text.rfind("\n", 0, start) + 1
        before = text[max(line_start, start - 120) : start - 1]
        spk_span = cue_span = None
        written = None
        m = _AFTER_A.match(after) or _AFTER_B.match(after)
        if m:
            spk_span = Span(end + 1 + m.start("spk"), end + 1 + m.end("spk"))
            cue_span = Span(end + 1 + m.start("cue"), end + 1 + m.end("cue"))
        else:
            mb = _BEFORE.search(before)
            if mb:
                base = start - 1 - len(before)
                spk_span = Span(base + mb.start("spk"), base + mb.end("spk"))
                cue_span = Span(base + mb.start("cue"), base + mb.end("cue"))
        speaker = None
        reason = ""
        if spk_span is not None:
            written = text[spk_span.start : spk_span.end]
            if written.lower() in ("he", "she", "they"):
                # the subject of the sentence before the quote's sentence
                prev = [s for s in sentences if s.end <= start - 1]
                for s in reversed(prev[-2:]):
                    speaker = _subject_person(text, s, persons, people)
                    if speaker:
                        break
                reason = f"pronoun '{written}' resolved to the subject of the previous sentence" if speaker \
                    else f"pronoun '{written}' with no person in the previous sentences"
                if speaker:
                    key = speaker.split()[-1]
                    people[key].pronouns.setdefault(written.lower(), []).append(spk_span)
            else:
                speaker = _resolve(written, people)
                reason = "named at the cue" if speaker else f"'{written}' names no person in the article"
        elif previous_speaker and 0 <= start - previous_end < 4:
            speaker = previous_speaker
            reason = "continues the previous quote"
        quotes.append(Quote(article_id=article_id, kind="direct", content=Span(start, end), cue=cue_span,
                            source=spk_span, speaker=speaker, confidence=0.6 if speaker else 0.2, reason=reason))
        previous_speaker, previous_end = speaker, end + 1
        # a quote continued after the cue: "…," he said. "…"
        tail = text[end + 1 : end + 1 + (m.end() if m else 0) + 3]
        if m:
            previous_end = end + 1 + m.end() + (1 if tail.endswith(".") else 0)
            nxt = text.find("“", previous_end, previous_end + 4)
            if nxt != -1:
                previous_end = nxt - 1 if nxt > previous_end else previous_end

    # pronouns in narrative: after exactly one person mentioned earlier in the same sentence
    quote_ranges = [(q.content.start, q.content.end) for q in quotes]
    for sentence in sentences:
        in_sentence = [(s, e) for s, e in persons if sentence.start <= s < sentence.end]
        for pm in re.finditer(r"\b(he|him|his|himself|she|her|hers|herself)\b", text[sentence.start : sentence.end], re.I):
            pos = sentence.start + pm.start()
            if any(a <= pos < b for a, b in quote_ranges):
                continue
            before = {_resolve(text[s:e], people) for s, e in in_sentence if e <= pos} - {None}
            if len(before) != 1:
                continue
            (name,) = before
            key = name.split()[-1]
            people[key].pronouns.setdefault(pm.group(1).lower(), []).append(Span(pos, pos + len(pm.group(1))))

    findings = []
    for person in people.values():
        genders: dict[str, list[Span]] = {}
        for pronoun, spans in person.pronouns.items():
            genders.setdefault(_PRONOUN_GENDER.get(pronoun, "n"), []).extend(spans)
        if "m" in genders and "f" in genders:
            minority = min(("m", "f"), key=lambda g: len(genders[g]))
            for span in genders[minority]:
                findings.append(Finding(
                    kind="pronoun_gender", article_id=article_id, start=span.start, end=span.end,
                    score=min(1.0, 0.5 + 0.1 * len(genders[minority])),
                    reason=(f"{person.name} is referred to as both '{'/'.join(sorted(p for p in person.pronouns if _PRONOUN_GENDER.get(p) == 'f'))}'"
                            f" and '{'/'.join(sorted(p for p in person.pronouns if _PRONOUN_GENDER.get(p) == 'm'))}'"),
                    data={"person": person.name, "counts": {g: len(s) for g, s in genders.items()}},
                ))
    return FallbackAnalysis(quotes=quotes, people=list(people.values()), findings=findings)
