"""Event-level evidence for story grouping: who, where, when.

Named entities come from the shared spaCy English pipeline
(:func:`newsweave.nlp.load_english`, NER only); years come from a regular
expression over the whole text (a year is the cheapest "when" there is and
telling two earthquakes apart often comes down to it). Everything returned is
plain JSON so the store can cache it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from newsweave.text.titles import SURNAME_KEY_TITLES

__all__ = [
    "EntityOptions",
    "extract_entities",
    "entities_for_texts",
    "features_from_mentions",
    "NER_DISABLED",
    "years_in",
    "normalize_entity",
]

# NER components only: the small pipeline's ``ner`` has its own tok2vec.
NER_DISABLED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")

_PLACE = {"GPE", "LOC", "FAC"}
_PERSON = {"PERSON"}
_ORG = {"ORG"}
_OTHER = {"EVENT", "NORP", "PRODUCT", "WORK_OF_ART", "LAW"}

_YEAR_RE = re.compile(r"(?<![\d$.,/-])(19[5-9]\d|20[0-4]\d)(?![\d%,.]\d|\d)")
_SPACE_RE = re.compile(r"\s+")
_STRIP_RE = re.compile(r"^(the|a|an)\s+|['’]s$|[^\w\s.&-]+", re.IGNORECASE)


class EntityOptions:
    """How much text NER reads (the lead carries the who/where of an event)."""

    def __init__(self, max_chars: int = 3000, batch_size: int = 32) -> None:
        self.max_chars = max_chars
        self.batch_size = batch_size


def normalize_entity(surface: str) -> str:
    """Fold an entity mention to a matching key: lower case, no article/possessive."""
    text = _SPACE_RE.sub(" ", surface.replace("’", "'")).strip().lower()
    previous = None
    while previous != text:
        previous = text
        text = _STRIP_RE.sub("", text).strip()
    return text.strip(" .-")


def _person_key(surface: str) -> str:
    """A person is matched by surname: "Lindsay Lohan" and "Lohan" are one key."""
    tokens = [t for t in normalize_entity(surface).split() if t not in SURNAME_KEY_TITLES]
    if not tokens:
        return ""
    last = tokens[-1]
    if last in {"jr", "sr", "ii", "iii"} and len(tokens) > 1:
        last = tokens[-2]
    return last


def years_in(text: str) -> list[int]:
    """Years mentioned in ``text`` (1950–2049), with repetitions, in order."""
    return [int(m.group(1)) for m in _YEAR_RE.finditer(text)]


def _empty() -> dict[str, Any]:
    return {"persons": [], "places": [], "orgs": [], "others": [], "years": []}


def features_from_mentions(mentions: Iterable[tuple[str, str]], text: str) -> dict[str, Any]:
    """Story evidence from (spaCy label, surface) mentions, plus the years of ``text``."""
    out = _empty()
    for label, surface in mentions:
        if label in _PERSON:
            key = _person_key(surface)
            # a single lower-case token is rarely a person ("he", misparses)
            if key and len(key) > 1:
                out["persons"].append(key)
            continue
        bucket = "places" if label in _PLACE else "orgs" if label in _ORG else "others" if label in _OTHER else None
        key = normalize_entity(surface) if bucket else ""
        if bucket and key:
            out[bucket].append(key)
    out["years"] = years_in(text)
    return out


def _from_doc(doc: Any, text: str) -> dict[str, Any]:
    return features_from_mentions(((ent.label_, ent.text) for ent in doc.ents), text)


def entities_for_texts(
    texts: Sequence[str], options: EntityOptions | None = None
) -> list[dict[str, Any]]:
    """Entities and years for each text, in order (lists keep repetitions)."""
    from newsweave.nlp import load_english

    options = options or EntityOptions()
    nlp = load_english(disable=NER_DISABLED)
    heads = [t[: options.max_chars] for t in texts]
    results: list[dict[str, Any]] = []
    for text, doc in zip(texts, nlp.pipe(heads, batch_size=options.batch_size)):
        results.append(_from_doc(doc, text))
    return results


def extract_entities(text: str, options: EntityOptions | None = None) -> dict[str, Any]:
    """Entities and years of one text."""
    return entities_for_texts([text], options)[0]
