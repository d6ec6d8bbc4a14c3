"""A user's verdict on a flag, and speaker fixes: corrections that survive re-runs.

Both are rows of the ``corrections`` table (kinds ``"flag"`` and ``"speaker"``),
next to the story corrections of :mod:`newsweave.store.stories`, so one list
shows every correction with who made it and when, and one undo
(:func:`newsweave.store.stories.undo_correction`) takes any of them back.

A flag is named by what it points at — ``(kind, article, start, end)`` — not by
its position in a comparison (``f3``), so the verdict still applies when the
story is compared again, grows or is re-clustered: articles are immutable, so
the same span of the same article means the same words. A speaker fix names a
quote the same way, by the span of its words: ``(article, start, end)``.

>>> record_flag_decision(store, {"kind": "name_variant", "article": "a1", "start": 10, "end": 16},
...                      "dismiss", who="Ines")                         # doctest: +SKIP
>>> apply_decisions(store, compared)   # marks each flag and quote of a compare result   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from newsweave.errors import InputError, NotFound
from newsweave.store.schema import articles, corrections
from newsweave.store.stories import _who

if TYPE_CHECKING:
    from newsweave.store.repository import Store

__all__ = [
    "FLAG_DECISIONS",
    "Decision",
    "apply_decisions",
    "flag_key",
    "decisions_for",
    "record_flag_decision",
    "record_speaker_fix",
    "speaker_fixes_for",
]

FLAG_DECISIONS = ("dismiss", "confirm")
_MAX_SPEAKER = 200


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict in force on one flag (or the speaker given to one quote)."""

    correction: int  # corrections.id, for undo
    value: str  # "dismiss" | "confirm" | the speaker's name
    who: str | None
    at: datetime
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"correction": self.correction, "value": self.value, "who": self.who,
                "at": self.at.isoformat(), "note": self.note}


def flag_key(flag: dict[str, Any]) -> str:
    """A flag's stable name: kind, article and span (never its running number in one comparison)."""
    try:
        return f"{flag['kind']}:{flag['article']}:{int(flag['start'])}:{int(flag['end'])}"
    except (KeyError, TypeError, ValueError) as e:
        raise InputError(f"a flag needs kind, article, start and end: {e}") from e


def _span_key(article: str, start: int, end: int) -> str:
    return f"{article}:{int(start)}:{int(end)}"


def _check_span(conn: Any, article_id: str, start: int, end: int) -> None:
    length = conn.execute(select(articles.c.text).where(articles.c.id == article_id)).scalar()
    if length is None:
        raise NotFound(f"no article with id {article_id!r}")
    if not 0 <= start < end <= len(length):
        raise InputError(f"span {start}–{end} is outside article {article_id} (0–{len(length)})")


def record_flag_decision(store: Store, flag: dict[str, Any], decision: str, *, who: str | None = None,
                         note: str | None = None, story: str | None = None) -> dict[str, Any]:
    """Dismiss or confirm a flag; the latest verdict on a flag is the one in force."""
    if decision not in FLAG_DECISIONS:
        raise InputError(f"unknown decision {decision!r}: choose from {', '.join(FLAG_DECISIONS)}")
    key = flag_key(flag)
    payload = {"flag": key, "kind": str(flag["kind"]), "article": str(flag["article"]),
               "start": int(flag["start"]), "end": int(flag["end"]), "decision": decision,
               "story": story, "note": " ".join((note or "").split())[:500] or None}
    return _insert(store, "flag", payload, who)


def record_speaker_fix(store: Store, article_id: str, start: int, end: int, speaker: str, *,
                       who: str | None = None) -> dict[str, Any]:
    """Give the quote whose words span ``start``–``end`` of an article a corrected speaker."""
    speaker = " ".join((speaker or "").split())
    if not speaker:
        raise InputError("speaker fix: give the speaker's name")
    if len(speaker) > _MAX_SPEAKER:
        raise InputError(f"speaker fix: a name of at most {_MAX_SPEAKER} characters, got {len(speaker)}")
    payload = {"quote": _span_key(article_id, start, end), "article": article_id, "start": int(start),
               "end": int(end), "speaker": speaker}
    return _insert(store, "speaker", payload, who)


def _insert(store: Store, kind: str, payload: dict[str, Any], who: str | None) -> dict[str, Any]:
    now = datetime.now(timezone.utc)
    with store.transaction() as conn:
        _check_span(conn, payload["article"], payload["start"], payload["end"])
        # SQLAlchemy types the key Optional; an INSERT into a table with a primary key always has one
        cid = conn.execute(
            insert(corrections).values(kind=kind, payload=payload, created_at=now, who=_who(who))
        ).inserted_primary_key[0]  # type: ignore[index]
    return {"id": int(cid), "kind": kind, "payload": payload, "created_at": now, "who": _who(who)}


def _in_force(store: Store, kind: str, key_field: str, value_field: str,
              article_ids: Iterable[str] | None) -> dict[str, Decision]:
    wanted = set(article_ids) if article_ids is not None else None
    q = (select(corrections).where(corrections.c.kind == kind, corrections.c.undone_at.is_(None))
         .order_by(corrections.c.id))
    found: dict[str, Decision] = {}
    with store.connect() as conn:
        for r in conn.execute(q):
            payload = dict(r.payload)
            if wanted is not None and payload.get("article") not in wanted:
                continue
            at = r.created_at if r.created_at.tzinfo else r.created_at.replace(tzinfo=timezone.utc)
            found[payload[key_field]] = Decision(r.id, payload[value_field], r.who, at, payload.get("note"))
    return found


def decisions_for(store: Store, article_ids: Iterable[str] | None = None) -> dict[str, Decision]:
    """Flag key → the verdict in force, for flags on ``article_ids`` (all when None)."""
    return _in_force(store, "flag", "flag", "decision", article_ids)


def speaker_fixes_for(store: Store, article_ids: Iterable[str] | None = None) -> dict[str, Decision]:
    """``article:start:end`` of a quote → the speaker a user gave it."""
    return _in_force(store, "speaker", "quote", "speaker", article_ids)


def apply_decisions(store: Store, compared: dict[str, Any]) -> dict[str, Any]:
    """Mark a compare result (the JSON contract) with the user's verdicts, in place.

    Each flag gets ``key`` and ``decision`` (None or a :meth:`Decision.to_dict`);
    each quote variant whose words a user re-attributed gets ``speaker_fix``.
    Sections are walked generically, so fields a newer compare adds pass through.
    """
    ids = [a.get("id") for a in compared.get("articles", [])]
    verdicts = decisions_for(store, ids)
    for flag in compared.get("flags", []):
        try:
            flag["key"] = flag_key(flag)
        except InputError:
            continue
        verdict = verdicts.get(flag["key"])
        flag["decision"] = verdict.to_dict() if verdict else None
    fixes = speaker_fixes_for(store, ids)
    for group in compared.get("quotes", []):
        for variant in group.get("variants", []):
            try:
                fix = fixes.get(_span_key(variant["article"], variant["start"], variant["end"]))
            except (KeyError, TypeError, ValueError):
                continue
            variant["speaker_fix"] = fix.to_dict() if fix else None
    return compared
