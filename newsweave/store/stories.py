"""Stories in the store: signatures, reprint groups, story assignments and corrections.

The store keeps what the grouping stage (:func:`newsweave.group.stage.update_stories`)
found, and the rules that make stored stories last:

* reads and writes the stage uses: :func:`story_material` (the articles that take part),
  :func:`stored_signatures` / :func:`write_signatures` (MinHash, computed once),
  :func:`replace_reprints`, :func:`stored_features` / :func:`write_features` (the
  clusterer's cached evidence), :func:`stored_assignments`, :func:`write_stories`;
* **stable story ids** (:func:`stable_story_ids`): a cluster keeps the id of the
  previous story it shares most articles with; a new cluster is named after its
  earliest article. Re-running gives the same ids;
* **user corrections** (``corrections``: split / merge / move, in the order they were
  recorded; :func:`record_correction`, :func:`undo_correction`) are replayed on top
  (:func:`replay_corrections`), so they survive re-clustering and new ingests. Corrected
  assignments have ``method='manual'`` and keep the clusterer's choice in
  ``reason['auto_story']``.

Query helpers: :func:`list_stories`, :func:`story_detail`, :func:`story_of_article`.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import delete, func, insert, select

from newsweave.batches import batched
from newsweave.errors import InputError, NotFound
from newsweave.model import ArticleStatus
from newsweave.store.schema import annotations as annotations_table
from newsweave.store.schema import (
    articles,
    corrections,
    reprints,
    signatures,
    stories,
    story_assignments,
)

if TYPE_CHECKING:
    from newsweave.store.repository import Store

__all__ = [
    "AutoAssignment",
    "CORRECTION_KINDS",
    "FEATURES_KIND",
    "StoryArticle",
    "StoryDetail",
    "StoryMaterial",
    "StorySummary",
    "arrival_order",
    "corrections_in_force",
    "list_corrections",
    "list_stories",
    "record_correction",
    "replace_reprints",
    "replay_corrections",
    "stable_story_ids",
    "story_detail",
    "story_material",
    "story_of_article",
    "stored_assignments",
    "stored_features",
    "stored_signatures",
    "undo_correction",
    "write_features",
    "write_signatures",
    "write_stories",
]

FEATURES_KIND = "story_features"
CORRECTION_KINDS = ("split", "merge", "move")
_CHUNK = 500


# --------------------------------------------------------------------------- results


@dataclass
class StorySummary:
    id: str
    headline: str | None
    articles: int
    independent_sources: int  # distinct reprint groups: a wire story reprinted 40 times is 1
    outlets: list[str]
    first_published: datetime | None
    last_published: datetime | None
    manual: bool = False  # a user correction touched it


@dataclass
class StoryArticle:
    id: str
    source: str
    title: str | None
    published: datetime | None
    url: str | None
    reprint_group: str | None
    matched_article: str | None
    containment: float | None
    score: float
    method: str
    reason: dict[str, Any]
    versions: int = 1  # >1: the outlet edited it after it was first read; the text is the latest

    @property
    def is_reprint(self) -> bool:
        return self.reprint_group is not None and self.reprint_group != self.id


@dataclass
class StoryDetail:
    summary: StorySummary
    articles: list[StoryArticle]


# --------------------------------------------------------------------------- material


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _story_id_for(article_id: str, salt: str = "") -> str:
    digest = hashlib.blake2b(f"{salt}{article_id}".encode(), digest_size=6).hexdigest()
    return "s" + digest


def arrival_order(published: datetime | None, seq: int) -> tuple:
    """Earliest first; undated after dated; then ingest order."""
    p = _utc(published)
    return (0, p.timestamp(), seq) if p is not None else (1, 0.0, seq)


@dataclass
class StoryMaterial:
    """One story-material article (status ok) as the grouping stage needs it."""

    id: str
    seq: int
    source: str
    title: str | None
    text: str
    published: datetime | None


def story_material(store: Store) -> list[StoryMaterial]:
    """Every story-material article, in ingest order."""
    cols = [articles.c.id, articles.c.seq, articles.c.source, articles.c.title, articles.c.text, articles.c.published]
    out = []
    with store.connect() as conn:
        rows = conn.execute(
            select(*cols).where(articles.c.status == ArticleStatus.OK.value).order_by(articles.c.seq)
        )
        for r in rows:
            out.append(StoryMaterial(r.id, r.seq, r.source, r.title, r.text or "", _utc(r.published)))
    return out



# --------------------------------------------------------------------------- signatures and reprints


def stored_signatures(store: Store, ids: Sequence[str], num_perm: int, shingle: int) -> dict[str, bytes]:
    """The stored MinHash signatures of ``ids`` made with ``num_perm`` permutations of ``shingle``-shingles."""
    found: dict[str, bytes] = {}
    with store.connect() as conn:
        for part in batched(ids, _CHUNK):
            q = select(signatures).where(signatures.c.article_id.in_(list(part)))
            for s in conn.execute(q):
                if s.num_perm == num_perm and s.shingle == shingle:
                    found[s.article_id] = bytes(s.minhash)
    return found


def write_signatures(store: Store, values: Sequence[tuple[str, bytes]], num_perm: int, shingle: int) -> None:
    """Store ``(article id, signature bytes)`` pairs, replacing any signature those articles had."""
    with store.transaction() as conn:
        for part in batched(values, _CHUNK):
            conn.execute(delete(signatures).where(signatures.c.article_id.in_([a for a, _ in part])))
            conn.execute(
                insert(signatures),
                [{"article_id": a, "num_perm": num_perm, "shingle": shingle, "minhash": sig} for a, sig in part],
            )


def replace_reprints(store: Store, values: Sequence[dict[str, Any]]) -> None:
    """Replace every reprint link: ``{"article_id", "group_id", "matched_article", "containment"}`` rows."""
    with store.transaction() as conn:
        conn.execute(delete(reprints))
        for part in batched(values, _CHUNK):
            conn.execute(insert(reprints), list(part))


# --------------------------------------------------------------------------- clusterer evidence


def stored_features(store: Store, ids: Sequence[str], version: str) -> dict[str, Any]:
    """The clusterer's cached evidence (``story_features`` annotations) of ``ids`` made by ``version``.

    The lead vector comes back as a float32 array, not the stored JSON list: as Python floats it
    would take 12 KB an article (most of the grouping stage's memory), as float32 1.5 KB, and the
    clusterer reads it as float32 either way.
    """
    found: dict[str, Any] = {}
    with store.connect() as conn:
        for part in batched(ids, _CHUNK):
            q = select(annotations_table.c.article_id, annotations_table.c.version, annotations_table.c.data).where(
                annotations_table.c.kind == FEATURES_KIND, annotations_table.c.article_id.in_(list(part))
            )
            for r in conn.execute(q):
                if r.version == version:
                    found[r.article_id] = _compact_features(r.data)
    return found


def _compact_features(data: Any) -> Any:
    if isinstance(data, dict) and isinstance(data.get("embedding"), list):
        data["embedding"] = np.asarray(data["embedding"], dtype=np.float32)
    return data


def write_features(store: Store, ids: Sequence[str], feats: Sequence[Any], version: str) -> None:
    """Cache the clusterer's evidence of ``ids`` (one write for the lot, not one per article)."""
    with store.transaction() as conn:
        conn.execute(
            delete(annotations_table).where(annotations_table.c.kind == FEATURES_KIND,
                                            annotations_table.c.article_id.in_(list(ids)))
        )
        conn.execute(
            insert(annotations_table),
            [{"article_id": i, "kind": FEATURES_KIND, "version": version, "data": f} for i, f in zip(ids, feats)],
        )


# --------------------------------------------------------------------------- stable ids


def stable_story_ids(
    clusters: dict[str, list[str]], previous: dict[str, str], order: dict[str, tuple]
) -> dict[str, str]:
    """Map clusterer keys to story ids: keep the previous id with the largest overlap."""
    overlaps = []
    for key, members in clusters.items():
        counts = Counter(previous[a] for a in members if a in previous)
        for sid, n in counts.items():
            overlaps.append((-n, min(order[a] for a in members), key, sid))
    overlaps.sort()
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for _n, _first, key, sid in overlaps:
        if key in mapping or sid in used:
            continue
        mapping[key] = sid
        used.add(sid)
    for key, members in sorted(clusters.items(), key=lambda kv: min(order[a] for a in kv[1])):
        if key in mapping:
            continue
        earliest = min(members, key=lambda a: order[a])
        sid = _story_id_for(earliest)
        salt = 0
        while sid in used:
            salt += 1
            sid = _story_id_for(earliest, f"{salt}:")
        mapping[key] = sid
        used.add(sid)
    return mapping


# --------------------------------------------------------------------------- corrections


def _resolve(sid: str, members: Iterable[str], assign: dict[str, str]) -> str:
    """A story named in a correction, as it is now: the id if it still exists, else where its members went."""
    current = set(assign.values())
    if sid in current:
        return sid
    counts = Counter(assign[a] for a in members if a in assign)
    if counts:
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return sid


def replay_corrections(
    assign: dict[str, str], items: Sequence[tuple[int, str, dict]]
) -> tuple[set[str], int, list[str]]:
    """Apply corrections in order to ``assign`` (article -> story); returns touched articles."""
    manual: set[str] = set()
    applied = 0
    skipped: list[str] = []
    for cid, kind, payload in items:
        if kind == "split":
            moved = [a for a in payload.get("articles", []) if a in assign]
            if not moved:
                skipped.append(f"correction {cid} (split): its articles are gone")
                continue
            for a in moved:
                assign[a] = payload["new_story"]
                manual.add(a)
        elif kind == "merge":
            names = payload.get("stories", [])
            members = payload.get("members", {})
            resolved = [_resolve(s, members.get(s, []), assign) for s in names]
            target = resolved[0]
            others = set(resolved[1:]) - {target}
            if not others:
                skipped.append(f"correction {cid} (merge): the stories are already one")
                continue
            for a, s in assign.items():
                if s in others:
                    assign[a] = target
                    manual.add(a)
        elif kind == "move":
            a = payload.get("article")
            if a not in assign:
                skipped.append(f"correction {cid} (move): article {a} is gone")
                continue
            assign[a] = _resolve(payload["story"], payload.get("members", []), assign)
            manual.add(a)
        else:
            skipped.append(f"correction {cid}: unknown kind {kind!r}")
            continue
        applied += 1
    return manual, applied, skipped


def corrections_in_force(store: Store) -> list[tuple[int, str, dict]]:
    """The story corrections in force (not undone), oldest first, as ``(id, kind, payload)``."""
    with store.connect() as conn:
        return _load_corrections(conn)


def stored_assignments(store: Store) -> dict[str, str]:
    """Article id -> the story it is stored in now."""
    with store.connect() as conn:
        return {
            r.article_id: r.story_id
            for r in conn.execute(select(story_assignments.c.article_id, story_assignments.c.story_id))
        }


def _load_corrections(conn: Any) -> list[tuple[int, str, dict]]:
    """The story corrections in force (not undone), oldest first; flag and speaker ones apply elsewhere."""
    q = (
        select(corrections.c.id, corrections.c.kind, corrections.c.payload)
        .where(corrections.c.kind.in_(CORRECTION_KINDS), corrections.c.undone_at.is_(None))
        .order_by(corrections.c.id)
    )
    return [(r.id, r.kind, dict(r.payload)) for r in conn.execute(q)]


def list_corrections(store: Store, kinds: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Recorded corrections of every kind (or of ``kinds``), oldest first, with who/when and any undo."""
    with store.connect() as conn:
        q = select(corrections).order_by(corrections.c.id)
        if kinds is not None:
            q = q.where(corrections.c.kind.in_(list(kinds)))
        return [
            {"id": r.id, "kind": r.kind, "payload": dict(r.payload), "created_at": _utc(r.created_at),
             "who": r.who, "undone_at": _utc(r.undone_at), "undone_by": r.undone_by}
            for r in conn.execute(q)
        ]


def undo_correction(store: Store, correction_id: int, who: str | None = None) -> dict[str, Any]:
    """Undo a recorded correction (of any kind): it stays listed, marked undone, and stops applying.

    A story correction is undone by replaying the remaining ones over the
    clusterer's own assignments, as a re-run would.
    """
    now = datetime.now(timezone.utc)
    with store.transaction() as conn:
        row = conn.execute(select(corrections).where(corrections.c.id == correction_id)).first()
        if row is None:
            raise NotFound(f"no correction with id {correction_id} (see the corrections list)")
        if row.undone_at is not None:
            raise InputError(f"correction {correction_id} was already undone at {_utc(row.undone_at):%Y-%m-%d %H:%M}")
        conn.execute(
            corrections.update().where(corrections.c.id == correction_id).values(
                undone_at=now, undone_by=_who(who))
        )
    if row.kind in CORRECTION_KINDS:
        with store.connect() as conn:
            final, auto = _current(conn)
        if final:
            _reapply(store, final, auto)
    return {"id": correction_id, "kind": row.kind, "undone_at": now, "undone_by": _who(who)}


def _who(who: str | None) -> str | None:
    """A user name as stored: one line, at most 100 characters (None when not given)."""
    who = " ".join((who or "").split())[:100]
    return who or None


# --------------------------------------------------------------------------- writing stories

# what the clusterer said of an article: (its story, score, reason with "_auto_story")
AutoAssignment = tuple[str, float, dict]


def write_stories(
    store: Store,
    material: dict[str, StoryMaterial],
    auto: dict[str, AutoAssignment],
    final: dict[str, str],
    manual: set[str],
    groups: dict[str, str],
) -> int:
    """Replace the story tables with ``final`` (article -> story id); returns the number of stories.

    ``auto`` is the clusterer's own choice per article (``reason["_auto_story"]`` its story
    before corrections), ``manual`` the articles a correction moved, ``groups`` the reprint
    groups (headlines come from originals, not reprints).
    """
    now = datetime.now(timezone.utc)
    with store.transaction() as conn:
        old_created = {r.id: r.created_at for r in conn.execute(select(stories.c.id, stories.c.created_at))}
        old_assign = {
            r.article_id: (r.story_id, r.assigned_at)
            for r in conn.execute(
                select(story_assignments.c.article_id, story_assignments.c.story_id, story_assignments.c.assigned_at)
            )
        }
        members: dict[str, list[str]] = defaultdict(list)
        for a, sid in final.items():
            members[sid].append(a)
        story_rows = [
            _story_row(sid, ids, material, groups, manual, _utc(old_created.get(sid)) or now, now)
            for sid, ids in members.items()
        ]
        assign_rows = [_assignment_row(a, sid, auto[a], a in manual, old_assign.get(a), now) for a, sid in final.items()]
        conn.execute(delete(story_assignments))
        conn.execute(delete(stories))
        for part in batched(story_rows, _CHUNK):
            conn.execute(insert(stories), list(part))
        for part in batched(assign_rows, _CHUNK):
            conn.execute(insert(story_assignments), list(part))
    return len(members)


def _story_row(sid: str, ids: list[str], material: dict[str, StoryMaterial], groups: dict[str, str],
               manual: set[str], created_at: datetime, now: datetime) -> dict[str, Any]:
    """A ``stories`` row: the headline of the earliest original with a title, the span, the counts."""
    ids.sort(key=lambda a: arrival_order(material[a].published, material[a].seq))
    dates = [p for p in (material[a].published for a in ids) if p is not None]
    originals = [a for a in ids if groups.get(a, a) == a and material[a].title]
    titled = originals or [a for a in ids if material[a].title]
    headline = material[titled[0]].title if titled else None
    return {
        "id": sid,
        "headline": headline,
        "first_published": min(dates) if dates else None,
        "last_published": max(dates) if dates else None,
        "created_at": created_at,
        "updated_at": now,
        "meta": {"manual": any(a in manual for a in ids)},
        "articles": len(ids),
        "independent_sources": len({groups.get(a, a) for a in ids}),
        "outlets": _outlet_counts(material[a].source for a in ids),
    }


def _outlet_counts(sources: Iterable[str]) -> dict[str, int]:
    """Outlet -> articles, most first (then by name): the order a coverage bar draws them in."""
    return dict(sorted(Counter(sources).items(), key=lambda kv: (-kv[1], kv[0])))




def _assignment_row(article_id: str, sid: str, auto: AutoAssignment, manual: bool,
                    previous: tuple[str, datetime] | None, now: datetime) -> dict[str, Any]:
    """A ``story_assignments`` row; a corrected one is ``manual`` and keeps the clusterer's story."""
    _key, score, reason = auto
    reason = dict(reason)
    auto_sid = reason.pop("_auto_story")
    method = "auto"
    if manual and sid != auto_sid:
        method = "manual"
        reason["auto_story"] = auto_sid
    assigned_at = _utc(previous[1]) if previous and previous[0] == sid else now
    return {
        "article_id": article_id,
        "story_id": sid,
        "score": float(score),
        "reason": reason,
        "method": method,
        "assigned_at": assigned_at,
    }


# --------------------------------------------------------------------------- corrections API


def _current(conn: Any) -> tuple[dict[str, str], dict[str, tuple[str, float, dict]]]:
    final: dict[str, str] = {}
    auto: dict[str, tuple[str, float, dict]] = {}
    q = select(
        story_assignments.c.article_id,
        story_assignments.c.story_id,
        story_assignments.c.score,
        story_assignments.c.reason,
    )
    for r in conn.execute(q):
        reason = dict(r.reason or {})
        base = reason.pop("auto_story", r.story_id)
        reason["_auto_story"] = base
        final[r.article_id] = base
        auto[r.article_id] = (base, r.score, reason)
    return final, auto


def _resolve_story_id(conn: Any, key: str) -> str:
    key = (key or "").strip()
    if not key:
        raise InputError("give a story id (see `newsweave stories`)")
    if conn.execute(select(stories.c.id).where(stories.c.id == key)).scalar() is not None:
        return key  # an exact id reads the primary key (LIKE on SQLite is case-blind and scans every story)
    ids = [r for r in conn.execute(select(stories.c.id).where(stories.c.id.like(f"{key}%")).limit(6)).scalars()]
    if key in ids:
        return key
    if not ids:
        raise NotFound(f"no story with id {key!r} (see `newsweave stories`)")
    if len(ids) > 1:
        raise NotFound(f"story id prefix {key!r} is ambiguous: matches {', '.join(ids[:5])}")
    return ids[0]


def _resolve_article_id(key: str, assign: dict[str, str]) -> str:
    key = (key or "").strip()
    if key in assign:
        return key
    hits = [a for a in assign if a.startswith(key)] if key else []
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise NotFound(f"no clustered article with id {key!r} (see `newsweave story STORY_ID`)")
    raise NotFound(f"article id prefix {key!r} is ambiguous: matches {', '.join(sorted(hits)[:5])}")


def record_correction(store: Store, kind: str, payload: dict[str, Any], who: str | None = None) -> dict[str, Any]:
    """Record a user's correction and apply it to the current stories.

    ``kind`` and ``payload``:

    * ``"split"``: ``{"story": ID, "articles": [ARTICLE, …]}`` — the articles
      leave the story for a new one of their own;
    * ``"merge"``: ``{"stories": [ID, ID, …]}`` — the later stories join the first;
    * ``"move"``: ``{"article": ARTICLE, "story": ID}``.

    Ids may be unique prefixes. Returns the stored payload (with full ids,
    the new story's id for a split, and the members each story had, so the
    correction can be replayed after re-clustering).
    """
    if kind not in CORRECTION_KINDS:
        raise InputError(f"unknown correction {kind!r}: choose from {', '.join(CORRECTION_KINDS)}")
    with store.connect() as conn:
        final, auto = _current(conn)
        shown = {
            r.article_id: r.story_id
            for r in conn.execute(select(story_assignments.c.article_id, story_assignments.c.story_id))
        }
        if not shown:
            raise NotFound("no stories yet: run `newsweave stories --update` first")

        def members_of(sid: str) -> list[str]:
            return sorted(a for a, s in shown.items() if s == sid)

        if kind == "split":
            sid = _resolve_story_id(conn, payload.get("story", ""))
            arts = [_resolve_article_id(a, shown) for a in payload.get("articles") or []]
            if not arts:
                raise InputError("split: name the articles that leave the story")
            outside = [a for a in arts if shown[a] != sid]
            if outside:
                raise InputError(f"split: article {outside[0]} is not in story {sid}")
            if len(set(arts)) == len(members_of(sid)):
                raise InputError(f"split: that is every article of story {sid}; leave at least one behind")
            arts = sorted(set(arts))
            recorded = conn.execute(select(func.count()).select_from(corrections)).scalar_one()
            new_story = _story_id_for(arts[0], f"split:{recorded}:")
            stored: dict[str, Any] = {"story": sid, "articles": arts, "new_story": new_story}
        elif kind == "merge":
            names = [_resolve_story_id(conn, s) for s in payload.get("stories") or []]
            names = list(dict.fromkeys(names))
            if len(names) < 2:
                raise InputError("merge: name at least two different stories")
            stored = {"stories": names, "members": {s: members_of(s) for s in names}}
        else:
            art = _resolve_article_id(payload.get("article", ""), shown)
            sid = _resolve_story_id(conn, payload.get("story", ""))
            if shown[art] == sid:
                raise InputError(f"move: article {art} is already in story {sid}")
            stored = {"article": art, "story": sid, "members": members_of(sid)}
    now = datetime.now(timezone.utc)
    with store.transaction() as conn:
        conn.execute(insert(corrections).values(kind=kind, payload=stored, created_at=now, who=_who(who)))
    _reapply(store, final, auto)
    return stored


def _reapply(store: Store, final: dict[str, str], auto: dict[str, tuple[str, float, dict]]) -> None:
    """Replay the corrections in force over the clusterer's assignments and rewrite the story tables."""
    with store.connect() as conn:
        items = _load_corrections(conn)
        groups = {r.article_id: r.group_id for r in conn.execute(select(reprints.c.article_id, reprints.c.group_id))}
    manual, _applied, _skipped = replay_corrections(final, items)
    write_stories(store, _material_of(store, list(final)), auto, final, manual, groups)


def _material_of(store: Store, ids: Sequence[str]) -> dict[str, StoryMaterial]:
    """``ids`` as story material without their text (what writing the story tables needs)."""
    cols = [articles.c.id, articles.c.seq, articles.c.source, articles.c.title, articles.c.published]
    out: dict[str, StoryMaterial] = {}
    with store.connect() as conn:
        for part in batched(ids, _CHUNK):
            for r in conn.execute(select(*cols).where(articles.c.id.in_(list(part)))):
                out[r.id] = StoryMaterial(r.id, r.seq, r.source, r.title, "", _utc(r.published))
    return out


# --------------------------------------------------------------------------- queries


def _summaries(conn: Any, story_ids: Sequence[str] | None = None) -> list[StorySummary]:
    q = select(stories)
    if story_ids is not None:
        q = q.where(stories.c.id.in_(list(story_ids)))
    story_rows = {r.id: r for r in conn.execute(q)}
    if not story_rows:
        return []
    aq = (
        select(story_assignments.c.story_id, story_assignments.c.article_id, story_assignments.c.method,
               articles.c.source, reprints.c.group_id)
        .join(articles, articles.c.id == story_assignments.c.article_id)
        .outerjoin(reprints, reprints.c.article_id == story_assignments.c.article_id)
    )
    if story_ids is not None:
        aq = aq.where(story_assignments.c.story_id.in_(list(story_ids)))
    members: dict[str, list[Any]] = defaultdict(list)
    for r in conn.execute(aq):
        members[r.story_id].append(r)
    return [_summary(s, members[sid]) for sid, s in story_rows.items()]


def _summary(story: Any, members: Sequence[Any]) -> StorySummary:
    """A story row and its member rows (``article_id``, ``source``, ``method``, ``group_id``) as a summary."""
    return StorySummary(
        id=story.id,
        headline=story.headline,
        articles=len(members),
        independent_sources=len({m.group_id or m.article_id for m in members}),
        outlets=list(_outlet_counts(m.source for m in members)),
        first_published=_utc(story.first_published),
        last_published=_utc(story.last_published),
        manual=any(m.method == "manual" for m in members),
    )


def list_stories(store: Store, *, min_articles: int = 1, limit: int | None = None) -> list[StorySummary]:
    """Stories, largest first (then most recent, then id)."""
    with store.connect() as conn:
        out = [s for s in _summaries(conn) if s.articles >= min_articles]
    far = datetime.min.replace(tzinfo=timezone.utc)
    out.sort(key=lambda s: (-s.articles, -(s.last_published or far).timestamp(), s.id))
    return out[:limit] if limit is not None else out


def story_detail(store: Store, story_id: str) -> StoryDetail:
    """A story and its articles (publication order) with reprint groups, scores and reasons."""
    with store.connect() as conn:
        sid = _resolve_story_id(conn, story_id)
        story = conn.execute(select(stories).where(stories.c.id == sid)).one()
        q = (
            select(
                story_assignments, articles.c.source, articles.c.title, articles.c.published, articles.c.url,
                articles.c.seq, articles.c.meta, reprints.c.group_id, reprints.c.matched_article, reprints.c.containment,
            )
            .join(articles, articles.c.id == story_assignments.c.article_id)
            .outerjoin(reprints, reprints.c.article_id == story_assignments.c.article_id)
            .where(story_assignments.c.story_id == sid)
        )
        rows = list(conn.execute(q))
    summary = _summary(story, rows)
    rows.sort(key=lambda r: arrival_order(_utc(r.published), r.seq))
    items = [
        StoryArticle(
            id=r.article_id,
            source=r.source,
            title=r.title,
            published=_utc(r.published),
            url=r.url,
            reprint_group=r.group_id,
            matched_article=r.matched_article,
            containment=r.containment,
            score=r.score,
            method=r.method,
            reason=dict(r.reason or {}),
            versions=int((r.meta or {}).get("versions") or 1),
        )
        for r in rows
    ]
    return StoryDetail(summary, items)


def story_of_article(store: Store, article_id: str) -> tuple[str | None, str | None]:
    """The story and reprint group of one article; ``None`` for each until it is clustered."""
    with store.connect() as conn:
        story = conn.execute(
            select(story_assignments.c.story_id).where(story_assignments.c.article_id == article_id)
        ).scalar()
        group = conn.execute(select(reprints.c.group_id).where(reprints.c.article_id == article_id)).scalar()
    return story, group
