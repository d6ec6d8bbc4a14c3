"""The story clusterer's settings: one dataclass, its defaults the calibrated values.

**One source of truth.** The defaults of :class:`StoryParams` below *are* the values
``newsweave/models/stories/calibrate.py`` found on the training data; the clusterer
never reads them from anywhere else. ``params.json`` beside calibrate.py is the
calibration's *record*: the values it found and how (the ``calibration`` block:
data, objective, training scores), kept so a test can check the two agree
(``tests/test_story_params.py``). So editing a default here changes the clustering
at once; re-running calibrate writes a new record, whose values are then copied
here (the test fails until they are). Only the ``calibration`` provenance is read
from the record, for the benchmark to report.

**Overrides**, later ones winning, all checked the same way (:meth:`StoryParams.load`):

1. a params file given by path (calibration experiments);
2. the environment: ``NEWSWEAVE_STORY_<NAME>``, e.g. ``NEWSWEAVE_STORY_THRESHOLD=0.7``;
3. explicit values: ``StoryParams.load(threshold=0.7)``, or on the command line
   ``--story-param threshold=0.7`` (``newsweave stories``, ``ingest`` and ``run``).

Every value is validated on construction (range, allowed names, type); an unknown
name (a typo such as ``treshold`` or ``link="avrage"``) fails with a message that
says which values are allowed. ``newsweave stories --params`` lists the settings in
force, where each came from and what it means.
"""

from __future__ import annotations

import copy
import difflib
import functools
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from newsweave.errors import InputError
from newsweave.group.stories.evidence import FEATURES

__all__ = ["ENV_PREFIX", "PARAMS_PATH", "StoryParams", "StorySetting", "parse_story_options", "story_settings"]

#: the calibration record (values found and provenance), written by calibrate.py
PARAMS_PATH = Path(__file__).resolve().parent.parent.parent / "models" / "stories" / "params.json"
ENV_PREFIX = "NEWSWEAVE_STORY_"

# The calibrated logistic-regression weights (keys in the record's sorted order: similarity_score
# sums in this order, so the order is part of the value).
_WEIGHTS = {
    "bias": -8.0208, "brevity": 2.075, "dated": 3.3157, "emb": 5.2666, "gap": -0.8825,
    "month_conflict": -1.4483, "month_match": -0.0048, "numbers": 0.6179, "orgs": -0.1861, "others": -0.3276,
    "person_conflict": -0.3682, "persons": 0.858, "place_conflict": -0.1284, "places": 1.0218,
    "terms": 8.6311, "title": 1.6257, "weekday_conflict": -1.8459, "weekday_match": 0.2591,
    "year_conflict": -0.0664, "year_match": 1.3994,
}
_WEIGHTS_LEXICAL = {
    "bias": -6.2191, "brevity": 2.5855, "dated": 3.243, "gap": -1.2271, "month_conflict": -1.3754,
    "month_match": 0.0244, "numbers": 0.9297, "orgs": 0.0444, "others": -0.2047, "person_conflict": -0.4655,
    "persons": 1.046, "place_conflict": -0.1611, "places": 1.1719, "terms": 12.5284, "title": 2.6045,
    "weekday_conflict": -1.9243, "weekday_match": 0.3213, "year_conflict": -0.1695, "year_match": 1.3548,
}
_PAIR_WEIGHTS = {
    "bias": -8.496, "brevity": 1.959, "dated": 2.7804, "emb": 6.3405, "gap": -1.3912,
    "month_conflict": -0.565, "month_match": 0.2999, "numbers": 1.1305, "orgs": -0.1467, "others": -0.3687,
    "person_conflict": -0.2833, "persons": 1.2272, "place_conflict": -0.2188, "places": 1.1128,
    "terms": 12.3271, "title": -0.6621, "weekday_conflict": -1.4399, "weekday_match": 0.0686,
    "year_conflict": 0.0, "year_match": 2.7947,
}
_PAIR_WEIGHTS_LEXICAL = {
    "bias": -6.2139, "brevity": 2.0094, "dated": 2.3331, "gap": -1.2627, "month_conflict": -0.5214,
    "month_match": 0.477, "numbers": 1.3404, "orgs": 0.2558, "others": -0.3033, "person_conflict": -0.3805,
    "persons": 1.3679, "place_conflict": -0.3044, "places": 1.2164, "terms": 18.1184, "title": -0.0416,
    "weekday_conflict": -1.5739, "weekday_match": 0.1258, "year_conflict": 0.0, "year_match": 2.435,
}
_SIMILARITY_WEIGHTS = {"bias": -4.2446, "emb": 2.4217, "terms_sqrt": 1.3938}


@functools.lru_cache(maxsize=1)
def _record() -> dict[str, Any]:
    """The calibration record (``params.json``); empty when the file is missing."""
    if not PARAMS_PATH.exists():
        return {}
    return json.loads(PARAMS_PATH.read_text(encoding="utf-8"))


def _provenance() -> dict[str, Any]:
    return copy.deepcopy(_record().get("calibration") or {})


@dataclass
class StoryParams:
    """Thresholds, weights and limits of the story clusterer; the defaults are the calibrated values.

    Each setting's ``help`` is what ``newsweave stories --params`` shows beside it.
    """

    threshold: float = field(default=0.8, metadata={"help": "probability an article needs to join a story"})
    merge_threshold: float = field(
        default=0.45, metadata={"help": "probability two stories need to merge in the merge step"})
    merge: bool = field(default=True, metadata={"help": "run the merge step"})
    merge_prefilter: float = field(
        default=0.05, metadata={"help": "centroid probability a story pair needs before the member-level check"})
    window_days: float = field(
        default=7.0, metadata={"help": "an article joins only stories active this many days around it"})
    title_weight: float = field(default=2.0, metadata={"help": "a headline term counts this many times"})
    max_doc_terms: int = field(default=80, metadata={"help": "terms kept per article vector"})
    max_story_terms: int = field(default=400, metadata={"help": "terms kept per story centroid"})
    index_terms: int = field(
        default=12, metadata={"help": "an article's most specific terms used to find candidate stories"})
    max_candidates: int = field(default=24, metadata={"help": "stories scored per article"})
    max_postings: int = field(default=400, metadata={"help": "stories remembered per index key (most recent)"})
    recent_vectors: int = field(default=2000, metadata={"help": "stories scanned by vector dot products (most recent)"})
    vector_candidates: int = field(default=8, metadata={"help": "candidate stories found by vector dot products"})
    prefit_idf: bool = field(default=True, metadata={"help": "cluster_stories: learn the IDF on the whole batch first"})
    # with an IDF pre-fitted on a batch of at least min_df_batch articles, terms found in fewer than
    # min_df of them are dropped: they can match nothing and only dilute the cosine (typos, rare
    # names). A small batch keeps them: there a term of one article is evidence of a difference.
    min_df: int = field(
        default=2, metadata={"help": "with a pre-fitted IDF, drop terms found in fewer articles of the batch"})
    min_df_batch: int = field(default=100, metadata={"help": "the smallest batch min_df applies to"})
    embedding_model: str | None = field(
        default="minilm", metadata={"help": "sentence vectors: minilm, static, or none (lexical only)"})
    weights: dict[str, float] = field(
        default_factory=lambda: dict(_WEIGHTS), metadata={"help": "article-story probability weights (with vectors)"})
    weights_lexical: dict[str, float] = field(
        default_factory=lambda: dict(_WEIGHTS_LEXICAL), metadata={"help": "article-story probability weights (lexical)"})
    link: str = field(
        default="average", metadata={"help": "average: mean article-article probability over a story's members; centroid"})
    rescore_top: int = field(default=4, metadata={"help": "candidates (best by centroid) re-scored article by article"})
    max_members: int = field(default=12, metadata={"help": "most recent members an article is compared with"})
    merge_rounds: int = field(default=3, metadata={"help": "agglomeration rounds of the merge step"})
    # finish(): an article still alone after the merge step joins its most probable story when the
    # average link clears this lower bar (it often came before its story had formed, or is a short
    # fragment)
    attach_threshold: float = field(
        default=0.2, metadata={"help": "probability a lone article needs to join its best story at the end"})
    pair_weights: dict[str, float] = field(
        default_factory=lambda: dict(_PAIR_WEIGHTS), metadata={"help": "article-article probability weights (with vectors)"})
    pair_weights_lexical: dict[str, float] = field(
        default_factory=lambda: dict(_PAIR_WEIGHTS_LEXICAL), metadata={"help": "article-article probability weights (lexical)"})
    merge_weights: dict[str, float] | None = field(
        default=None, metadata={"help": "story-story weights of the merge step; none: the article-story ones"})
    merge_weights_lexical: dict[str, float] | None = field(default=None, metadata={"help": "the same without vectors"})
    # pair_scores with vectors: a linear model of the SemEval "overall" similarity (−4..−1, higher =
    # more alike) over pair features (``terms_sqrt`` = √terms), mapped to 0..1; None: the pair probability
    similarity_weights: dict[str, float] | None = field(
        default_factory=lambda: dict(_SIMILARITY_WEIGHTS), metadata={"help": "pair_scores: SemEval similarity model"})
    calibration: dict[str, Any] = field(default_factory=_provenance, metadata={"help": "provenance only"})

    def __post_init__(self) -> None:
        for f in fields(self):
            problem = _problem(f.name, getattr(self, f.name))
            if problem:
                raise InputError(_message(f.name, getattr(self, f.name), problem))

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> StoryParams:
        """The settings in force: defaults, then a params file (``path``), the environment, ``overrides``."""
        values = {name: value for name, (value, _source) in _layers(path, overrides, os.environ).items()}
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- validation

_PROBABILITY = (0.0, 1.0, "a probability from 0 to 1")
_BAR = (0.0, 1.01, "a probability from 0 to 1, or 1.01 to switch the step off")
_NUMBERS: dict[str, tuple[float, float, str]] = {
    "threshold": _PROBABILITY,
    "merge_threshold": _BAR,
    "merge_prefilter": _PROBABILITY,
    "attach_threshold": _BAR,
    "window_days": (1e-9, float("inf"), "a number of days above 0"),
    "title_weight": (0.0, float("inf"), "a number of 0 or more"),
}
_AT_LEAST_ONE = ("max_doc_terms", "max_story_terms", "max_postings", "min_df", "rescore_top", "max_members")
_AT_LEAST_ZERO = ("index_terms", "max_candidates", "recent_vectors", "vector_candidates", "min_df_batch", "merge_rounds")
_FLAGS = ("merge", "prefit_idf")
_CHOICES: dict[str, tuple[str | None, ...]] = {"link": ("average", "centroid"), "embedding_model": ("minilm", "static", None)}
_WEIGHT_KEYS = frozenset(FEATURES) | {"bias"}
_WEIGHT_SETS = {"weights": _WEIGHT_KEYS, "weights_lexical": _WEIGHT_KEYS, "pair_weights": _WEIGHT_KEYS,
                "pair_weights_lexical": _WEIGHT_KEYS, "merge_weights": _WEIGHT_KEYS,
                "merge_weights_lexical": _WEIGHT_KEYS, "similarity_weights": _WEIGHT_KEYS | {"terms_sqrt"}}
_OPTIONAL = ("merge_weights", "merge_weights_lexical", "similarity_weights")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _problem(name: str, value: Any) -> str | None:
    """What is wrong with ``value`` for setting ``name``, or None."""
    if name in _NUMBERS:
        low, high, what = _NUMBERS[name]
        return None if _is_number(value) and low <= value <= high else f"must be {what}"
    if name in _AT_LEAST_ONE or name in _AT_LEAST_ZERO:
        low = 1 if name in _AT_LEAST_ONE else 0
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= low
        return None if ok else f"must be a whole number of {low} or more"
    if name in _FLAGS:
        return None if isinstance(value, bool) else "must be true or false"
    if name in _CHOICES:
        allowed = _CHOICES[name]
        if value in allowed:
            return None
        names = ", ".join("none" if c is None else c for c in allowed)
        near = difflib.get_close_matches(str(value), [c for c in allowed if c], n=1)
        return f"must be one of {names}" + (f" (did you mean {near[0]}?)" if near else "")
    if name in _WEIGHT_SETS:
        return _weights_problem(name, value)
    if name == "calibration":
        return None if isinstance(value, dict) else "must be a JSON object (the calibration's provenance)"
    return None


def _weights_problem(name: str, value: Any) -> str | None:
    if value is None and name in _OPTIONAL:
        return None
    if not isinstance(value, dict) or not all(_is_number(v) for v in value.values()):
        return "must be a JSON object of feature name -> number" + (", or none" if name in _OPTIONAL else "")
    unknown = sorted(set(value) - _WEIGHT_SETS[name])
    if unknown:
        return f"names unknown features {', '.join(unknown)} (known: bias, {', '.join(sorted(_WEIGHT_SETS[name] - {'bias'}))})"
    return None


def _message(name: str, value: Any, problem: str, source: str | None = None) -> str:
    """One line that names the setting, the bad value, what is allowed and how to set it."""
    default = _DEFAULTS.get(name)
    shown = default if not isinstance(default, dict) else "shown by newsweave stories --params"
    where = f" (from {source})" if source else ""
    return (f"story setting {name}={value!r}{where} {problem}; the calibrated default is {shown} "
            f"(set another with --story-param {name}=VALUE or {ENV_PREFIX}{name.upper()}=VALUE)")


def _unknown(name: str, source: str) -> InputError:
    near = difflib.get_close_matches(name, list(_DEFAULTS), n=1)
    hint = f"did you mean {near[0]}? " if near else ""
    return InputError(f"unknown story setting {name!r} (from {source}): {hint}see `newsweave stories --params`")


_DEFAULTS: dict[str, Any] = StoryParams(calibration={}).to_dict()


# --------------------------------------------------------------------------- overrides


_FLAG_WORDS = {"true": True, "yes": True, "on": True, "1": True, "false": False, "no": False, "off": False, "0": False}


def _parse(name: str, text: str, source: str) -> Any:
    """A setting's value from text (an option or an environment variable); checked by the caller."""
    raw = text.strip()
    lowered = raw.lower()
    if name == "calibration":
        raise InputError(f"story setting calibration (from {source}) is the calibration's provenance, not a setting")
    try:
        if name in _NUMBERS:
            return float(raw)
        if name in _AT_LEAST_ONE or name in _AT_LEAST_ZERO:
            return int(raw)
        if name in _WEIGHT_SETS:
            return None if lowered == "none" and name in _OPTIONAL else json.loads(raw)
    except ValueError:  # json.JSONDecodeError is one
        raise InputError(_message(name, raw, _problem(name, raw) or "cannot be read", source)) from None
    if name in _FLAGS:
        return _FLAG_WORDS.get(lowered, raw)
    if name in _CHOICES and lowered in ("none", "") and None in _CHOICES[name]:
        return None
    return raw


def _checked(name: str, value: Any, source: str) -> Any:
    if name not in _DEFAULTS:
        raise _unknown(name, source)
    problem = _problem(name, value)
    if problem:
        raise InputError(_message(name, value, problem, source))
    return value


def _layers(path: str | Path | None, overrides: Mapping[str, Any],
            environ: Mapping[str, str]) -> dict[str, tuple[Any, str]]:
    """Each setting overridden, with its value and where it came from (later layers win)."""
    out: dict[str, tuple[Any, str]] = {}
    if path is not None:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for name, value in data.items():
            out[name] = (_checked(name, value, f"the params file {str(path)!r}"), f"file {path}")
    for key in sorted(environ):
        if key.startswith(ENV_PREFIX):
            name = key[len(ENV_PREFIX):].lower()
            if name not in _DEFAULTS:
                raise _unknown(name, key)
            out[name] = (_checked(name, _parse(name, environ[key], key), key), key)
    for name, value in overrides.items():
        out[name] = (_checked(name, value, "the given settings"), "option")
    return out


def parse_story_options(items: list[str] | None) -> dict[str, Any]:
    """``["threshold=0.7", …]`` (the ``--story-param`` option) -> checked overrides for :meth:`StoryParams.load`."""
    out: dict[str, Any] = {}
    for item in items or []:
        name, sep, text = item.partition("=")
        name = name.strip().lower().replace("-", "_")
        source = f"--story-param {item}"
        if not sep or not name:
            raise InputError(f"{source}: give NAME=VALUE, e.g. --story-param threshold=0.7")
        if name not in _DEFAULTS:
            raise _unknown(name, source)
        out[name] = _checked(name, _parse(name, text, source), source)
    return out


@dataclass(frozen=True, slots=True)
class StorySetting:
    """One setting in force, for ``newsweave stories --params``."""

    name: str
    value: Any
    source: str  # "default", an environment variable, "option", or a params file
    meaning: str


def story_settings(overrides: Mapping[str, Any] | None = None) -> list[StorySetting]:
    """Every setting in force (defaults, environment, ``overrides``) with where it came from and its meaning."""
    layers = _layers(None, overrides or {}, os.environ)
    params = StoryParams(**{name: value for name, (value, _source) in layers.items()})
    return [StorySetting(f.name, getattr(params, f.name), layers.get(f.name, (None, "default"))[1],
                         f.metadata.get("help", ""))
            for f in fields(params) if f.name != "calibration"]
