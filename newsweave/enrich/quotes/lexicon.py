"""The cue lexicon: reporting verbs and phrases that introduce attributed content.

Two parts: a hand-assembled list of speech, writing, thought and stance verbs
(lemmas, inflected here), and a learned list of word forms that are cues in
PolNeAR *train* in a large share of their occurrences
(``cues_learned.json``, rebuilt by ``newsweave.models.quotes.build_lexicon``).
A form is only a cue when the dependency rules also find its structure
(a subject and a content clause, object or quotation).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

__all__ = ["structural_ok", "structural", "cue_forms", "is_cue_form", "SPEECH_LEMMAS", "PRONOUNS_MALE", "PRONOUNS_FEMALE", "inflect"]

SPEECH_LEMMAS = """
say tell add note write tweet post explain argue claim insist assert state declare announce report
warn caution urge suggest acknowledge admit concede confirm deny reply respond answer ask recall
remark observe comment point mention predict promise pledge vow vouch boast complain lament
emphasize emphasise stress reiterate repeat continue conclude contend maintain allege charge accuse
blame criticize criticise praise call describe characterize estimate calculate find show reveal
indicate signal disclose testify told quip joke muse sigh scoff shout yell whisper chant sing
believe think feel fear hope expect worry doubt know understand recognize agree disagree
question wonder speculate guess assume acknowledge cite quote tout hail blast slam attack
denounce condemn decry dismiss reject defend counter retort rebut interrupt assure reassure
inform notify brief advise recommend propose demand threaten predict forecast project
""".split()

_IRREGULAR = {
    "say": ["said", "says", "saying"],
    "tell": ["told", "tells", "telling"],
    "write": ["wrote", "writes", "writing", "written"],
    "think": ["thought", "thinks", "thinking"],
    "feel": ["felt", "feels", "feeling"],
    "know": ["knew", "knows", "knowing", "known"],
    "understand": ["understood", "understands", "understanding"],
    "find": ["found", "finds", "finding"],
    "show": ["showed", "shows", "showing", "shown"],
    "sing": ["sang", "sings", "singing", "sung"],
    "forecast": ["forecast", "forecasts", "forecasting"],
    "told": ["told"],
}

PRONOUNS_MALE = {"he", "him", "his", "himself"}
PRONOUNS_FEMALE = {"she", "her", "hers", "herself"}


def inflect(lemma: str) -> list[str]:
    """Regular English inflections of a verb lemma (plus known irregular ones)."""
    if lemma in _IRREGULAR:
        return [lemma, *_IRREGULAR[lemma]]
    forms = [lemma]
    if lemma.endswith("e"):
        forms += [lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms += [lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    elif lemma.endswith(("s", "sh", "ch", "x", "z")):
        forms += [lemma + "es", lemma + "ed", lemma + "ing"]
    else:
        forms += [lemma + "s", lemma + "ed", lemma + "ing"]
        if len(lemma) <= 4 and lemma[-1] in "tpgbdm" and lemma[-2] in "aeiou" and lemma[-3:-2] not in "aeiou":
            forms += [lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"]
    return forms


@functools.lru_cache(maxsize=1)
def cue_forms() -> dict[str, float]:
    """Lower-cased word form -> prior that it is a cue (hand list = 0.4, learned ratio otherwise)."""
    forms: dict[str, float] = {}
    for lemma in SPEECH_LEMMAS:
        for f in inflect(lemma):
            forms[f] = 0.4
    path = Path(__file__).with_name("cues_learned.json")
    try:
        learned = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        learned = {}
    for form, ratio in learned.items():
        forms[form] = max(forms.get(form, 0.0), float(ratio))
    forms["according"] = 1.0
    for form, groups in structural().items():
        best = max((tp / n for tp, n in groups.values() if n >= 2), default=0.0)
        if best >= THRESHOLD:
            forms[form] = max(forms.get(form, 0.0), best)
    return forms


THRESHOLD = 0.35
_TRUSTED_GROUPS = ("quote", "ccomp", "according", "paren")


@functools.lru_cache(maxsize=1)
def structural() -> dict[str, dict[str, list[int]]]:
    """form -> rule family -> [true, found] on PolNeAR train (``cues_structural.json``)."""
    path = Path(__file__).with_name("cues_structural.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def structural_ok(form: str, group: str, prior: float) -> bool:
    """Keep an attribution whose cue word and rule family were right often enough on train."""
    st = structural().get(form)
    if st:
        g = st.get(group)
        if g and g[1] >= 2:
            return g[0] / g[1] >= THRESHOLD
        tp = sum(v[0] for v in st.values())
        n = sum(v[1] for v in st.values())
        if n >= 3:
            return tp / n >= THRESHOLD
    return group in _TRUSTED_GROUPS or prior >= 0.45


def is_cue_form(word: str) -> bool:
    return word.lower() in cue_forms()
