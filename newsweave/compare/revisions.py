"""What changed between two versions of one article, sentence by sentence.

Outlets edit stories after publishing: a figure corrected, a quote trimmed, a paragraph
added. :func:`sentence_diff` lines up the sentences of the old and the new text
(``difflib`` on the sentence sequence; a replaced run is paired sentence by sentence when
the two read alike, else reported as deleted + added) and marks the changes that touch a
quotation. Every change carries spans into the old and/or new text, so it can be shown in
place.

>>> old = 'The pier will cost $2m. "We are ready," Vell said.'
>>> new = 'The pier will cost $3m. "We are ready," Vell said. Work starts in May.'
>>> [(c.kind, c.quote_changed) for c in sentence_diff(old, new).changes]
[('edited', False), ('added', False)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal

from newsweave.model import Span
from newsweave.text.sentences import split_sentences

__all__ = ["EDIT_MIN_SIMILARITY", "SentenceChange", "TextDiff", "sentence_diff"]

#: Two sentences at least this similar (difflib ratio on words) are one edited sentence.
EDIT_MIN_SIMILARITY = 0.5

_QUOTED = re.compile(r"[\"“„«]([^\"“”„«»]{2,}?)[\"”»]")

ChangeKind = Literal["added", "deleted", "edited"]


@dataclass(frozen=True, slots=True)
class SentenceChange:
    """One sentence added, deleted or edited; spans index the old / new text."""

    kind: ChangeKind
    old: Span | None
    new: Span | None
    quote_changed: bool  # the change adds, removes or rewords words inside quotation marks
    similarity: float  # for "edited": how alike the two sentences are (0–1)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "old": [self.old.start, self.old.end] if self.old else None,
                "new": [self.new.start, self.new.end] if self.new else None,
                "quote_changed": self.quote_changed, "similarity": round(self.similarity, 3)}


@dataclass(slots=True)
class TextDiff:
    """The changes from one version's text to the next."""

    changes: list[SentenceChange] = field(default_factory=list)
    unchanged: int = 0  # sentences equal in both

    def counts(self) -> dict[str, int]:
        out = {"added": 0, "deleted": 0, "edited": 0, "quotes_changed": 0, "unchanged": self.unchanged}
        for change in self.changes:
            out[change.kind] += 1
            out["quotes_changed"] += change.quote_changed
        return out

    def as_dict(self) -> dict[str, Any]:
        return {"counts": self.counts(), "changes": [c.as_dict() for c in self.changes]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TextDiff:
        changes = [SentenceChange(c["kind"], Span(*c["old"]) if c["old"] else None,
                                  Span(*c["new"]) if c["new"] else None, bool(c["quote_changed"]),
                                  float(c.get("similarity", 0.0))) for c in data.get("changes", [])]
        return cls(changes, int(data.get("counts", {}).get("unchanged", 0)))


def _key(sentence: str) -> str:
    return " ".join(sentence.split())


def _quotes(sentence: str) -> list[str]:
    return [_key(m.group(1)) for m in _QUOTED.finditer(sentence)]


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def sentence_diff(old_text: str, new_text: str) -> TextDiff:
    """Sentences added, deleted and edited from ``old_text`` to ``new_text``."""
    old_spans, new_spans = split_sentences(old_text), split_sentences(new_text)
    old_keys = [_key(s.of(old_text)) for s in old_spans]
    new_keys = [_key(s.of(new_text)) for s in new_spans]
    diff = TextDiff()
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes():
        if tag == "equal":
            diff.unchanged += i2 - i1
            continue
        diff.changes.extend(_pair(old_keys[i1:i2], new_keys[j1:j2], old_spans[i1:i2], new_spans[j1:j2]))
    return diff


def _pair(old: list[str], new: list[str], old_spans: list[Span], new_spans: list[Span]) -> list[SentenceChange]:
    """A replaced run: walk both sides in order, pairing alike sentences as edits."""
    out: list[SentenceChange] = []
    j = 0
    for i, sentence in enumerate(old):
        match = next((k for k in range(j, len(new)) if _similarity(sentence, new[k]) >= EDIT_MIN_SIMILARITY), None)
        if match is None:
            out.append(SentenceChange("deleted", old_spans[i], None, bool(_quotes(sentence)), 0.0))
            continue
        for k in range(j, match):
            out.append(SentenceChange("added", None, new_spans[k], bool(_quotes(new[k])), 0.0))
        out.append(SentenceChange("edited", old_spans[i], new_spans[match],
                                  _quotes(sentence) != _quotes(new[match]), _similarity(sentence, new[match])))
        j = match + 1
    for k in range(j, len(new)):
        out.append(SentenceChange("added", None, new_spans[k], bool(_quotes(new[k])), 0.0))
    return out
