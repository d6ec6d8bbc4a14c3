"""The cue lexicon: reporting verbs and phrases that introduce attributed content.

Two parts: a hand-assembled list of speech, writing, thought and stance verbs
(lemmas, inflected here), and a learned list of word forms that are cues in
PolNeAR *train* in a large share of their occurrences
(``cues_learned.json``, rebuilt by ``newsweave.models.quotes.build_lexicon``).
A form is only a cue when the dependency rules also find its structure
(a subject and a content clause, object or quotation).

To add a cue the training data lacks, add its lemma to ``SPEECH_LEMMAS``: a
hand-listed form with no train statistics is used in every rule family.
Where ``cues_structural.json`` has statistics for a form, they decide. Both
JSON files ship with the package; a missing or unreadable one raises
:class:`CueLexiconError` naming it (without them the rules find far less).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from newsweave.errors import NewsweaveError

__all__ = [
    "structural_ok", "structural", "cue_forms", "hand_forms", "is_cue_form", "may_take_any_content", "SPEECH_LEMMAS",
    "PRONOUNS_MALE", "PRONOUNS_FEMALE", "inflect", "CueLexiconError", "LEARNED_PATH", "STRUCTURAL_PATH",
]

LEARNED_PATH = Path(__file__).with_name("cues_learned.json")
STRUCTURAL_PATH = Path(__file__).with_name("cues_structural.json")

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
    for form, ratio in _load(LEARNED_PATH, "").items():
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
    return _load(STRUCTURAL_PATH, " --structural")


class CueLexiconError(NewsweaveError):
    """A cue lexicon file that ships with the package is missing or unreadable."""


def _load(path: Path, build_flag: str) -> dict[str, Any]:
    """One JSON object of the lexicon; ``build_flag`` is the ``build_lexicon`` option that rebuilds it."""
    rebuild = f"reinstall newsweave or rebuild it: python -m newsweave.models.quotes.build_lexicon{build_flag}"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CueLexiconError(f"cue lexicon file {path} is missing; {rebuild}") from None
    except (OSError, ValueError) as exc:
        raise CueLexiconError(f"cue lexicon file {path} cannot be read ({exc}); {rebuild}") from exc
    if not isinstance(data, dict):
        raise CueLexiconError(f"cue lexicon file {path} is not a JSON object; {rebuild}")
    return data


@functools.lru_cache(maxsize=1)
def hand_forms() -> frozenset[str]:
    """Every inflection of the hand-listed ``SPEECH_LEMMAS``."""
    return frozenset(f for lemma in SPEECH_LEMMAS for f in inflect(lemma))


def structural_ok(form: str, group: str, prior: float) -> bool:
    """Keep an attribution whose cue word and rule family were right often enough on train.

    Without enough statistics for the form: the trusted families, a strong
    prior, or a form from the hand list (which is how a cue is added by hand).
    """
    st = structural().get(form)
    if st:
        g = st.get(group)
        if g and g[1] >= 2:
            return g[0] / g[1] >= THRESHOLD
        tp = sum(v[0] for v in st.values())
        n = sum(v[1] for v in st.values())
        if n >= 3:
            return tp / n >= THRESHOLD
    return group in _TRUSTED_GROUPS or prior >= 0.45 or form in hand_forms()


def may_take_any_content(form: str, prior: float) -> bool:
    """Whether a cue word may take an object, xcomp or prepositional content, not only a clause or a quotation.

    A strong prior, train statistics (``structural_ok`` then judges the
    family) or the hand list opens it.
    """
    return prior >= 0.45 or form in structural() or form in hand_forms()


def is_cue_form(word: str) -> bool:
    return word.lower() in cue_forms()
