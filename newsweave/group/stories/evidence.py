"""What the clusterer reads of an article, and what it says of its decisions.

:class:`StoryInput` is an article as the clusterer needs it; :class:`Assignment` is where
it went, how sure, and why. The text rules here (content tokens, months, weekdays,
figures) and :func:`extract_story_features` (entities and a sentence vector, cached by the
store) are the evidence every feature of :data:`FEATURES` is computed from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from newsweave.text.stem import plural_stem as _stem
from newsweave.text.stopwords import STORY_STOPWORDS as _STOP

__all__ = [
    "Assignment",
    "FEATURES",
    "FEATURE_VERSION",
    "LEAD_CHARS",
    "StoryInput",
    "extract_story_features",
    "months_in",
    "numbers_in",
    "tokenize",
    "weekdays_in",
]

FEATURE_VERSION = 1

FEATURES = (
    "terms",
    "title",
    "emb",
    "persons",
    "places",
    "orgs",
    "others",
    "person_conflict",
    "place_conflict",
    "year_conflict",
    "year_match",
    "month_conflict",
    "month_match",
    "numbers",
    "weekday_match",
    "weekday_conflict",
    "dated",
    "gap",
    "brevity",
)
_ENT_TYPES = ("persons", "places", "orgs", "others")


# --------------------------------------------------------------------------- data


@dataclass(slots=True)
class StoryInput:
    """What the clusterer needs of an article."""

    id: str
    title: str | None
    text: str
    published: datetime | None
    source: str | None = None


@dataclass(slots=True)
class Assignment:
    """Where an article went, how sure, and why."""

    article_id: str
    story_key: str
    score: float
    reason: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- text


_TOKEN_RE = re.compile(r"[a-z][a-z'’-]*[a-z]|\d+(?:[.,]\d+)*")
_STEM_CACHE: dict[str, str] = {}


def tokenize(text: str) -> list[str]:
    """Lower-case content tokens, lightly stemmed (plural -s), stop words out."""
    out = []
    cache = _STEM_CACHE
    for tok in _TOKEN_RE.findall(text.lower()):
        stem = cache.get(tok)
        if stem is None:
            stem = _stem(tok) if tok not in _STOP else ""
            if stem in _STOP or len(stem) < 2:
                stem = ""
            if len(cache) < 500_000:
                cache[tok] = stem
        if stem:
            out.append(stem)
    return out


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
           "December")
# month names and abbreviations ("Oct.", "Sept.") -> a three-letter key; "May" is also a name: it
# counts only before a day number (the pattern's lookahead)
_MONTH_FORMS = {form: m[:3].lower() for m in _MONTHS for form in (m, m[:3] + ".")} | {"Sept.": "sep"}
_MONTH_FORMS.pop("May.")
# a cheap first character test, then a full form checked against _MONTH_FORMS
_MONTH_RE = re.compile(
    r"[ADFJMNOS](?<![\w][ADFJMNOS])(?:an|eb|ar|pr|ay|un|ul|ug|ep|ct|ov|ec)"
    r"(?:uary|ruary|ch|il|e|y|ust|tember|ober|ember|t?\.|(?=\s+\d))(?!\w)"
)
# a figure stands alone ("23", "9.3", "1,400"; not "B52"); years and one-digit counts are left out
_NUMBER_RE = re.compile(r"\d(?<![\w.,]\d)\d*(?:[.,]\d+)*(?!\w|[.,]\d)")


def months_in(text: str) -> dict[str, float]:
    """Months a text names ("April", "Oct. 18"), as counts by three-letter key."""
    out: dict[str, float] = {}
    for form in _MONTH_RE.findall(text):
        key = _MONTH_FORMS.get(form)
        if key:
            out[key] = out.get(key, 0.0) + 1.0
    return out


_WEEKDAY_RE = re.compile(r"\b((?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\b")
LEAD_CHARS = 600


def weekdays_in(text: str) -> dict[str, float]:
    """Weekdays the lead names ("on Tuesday"): same-day coverage names the event's day first."""
    out: dict[str, float] = {}
    for day in _WEEKDAY_RE.findall(text[:LEAD_CHARS]):
        out[day] = out.get(day, 0.0) + 1.0
    return out


def numbers_in(text: str) -> dict[str, float]:
    """Specific figures a text names, as counts: numbers other than years and one-digit counts."""
    out: dict[str, float] = {}
    for num in _NUMBER_RE.findall(text):
        if len(num) > 1 and not (len(num) == 4 and num.isdigit() and 1950 <= int(num) <= 2049):
            out[num] = out.get(num, 0.0) + 1.0
    return out


# --------------------------------------------------------------------------- features


def extract_story_features(
    inputs: Sequence[StoryInput],
    *,
    entities: bool = True,
    embeddings: str | None = "auto",
    batch_size: int = 64,
) -> list[dict[str, Any]]:
    """Per-article evidence, JSON-able (the caller may cache it in its store).

    ``embeddings``: "minilm", "static", None (none), or "auto" (the model named
    in the story settings when its extra is installed, else none).
    """
    from newsweave.enrich.embeddings import embeddings_available
    from newsweave.group.stories.params import StoryParams

    docs = list(inputs)
    out: list[dict[str, Any]] = [{"version": FEATURE_VERSION} for _ in docs]
    if entities and docs:
        from newsweave.enrich.entities import entities_for_texts

        texts = [f"{d.title}.\n{d.text}" if d.title else d.text for d in docs]
        for feat, ents in zip(out, entities_for_texts(texts)):
            feat.update(ents)
    model = embeddings
    if model == "auto":
        model = StoryParams.load().embedding_model
        if model and not embeddings_available(model):
            model = None
    if model and docs:
        from newsweave.enrich.embeddings import encode

        vectors = encode([d.title for d in docs], [d.text for d in docs], name=model, batch_size=batch_size)
        for feat, vec in zip(out, vectors):
            feat["embedding"] = [round(float(x), 5) for x in vec]
            feat["embedding_model"] = model
    return out
