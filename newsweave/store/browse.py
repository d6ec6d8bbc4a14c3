"""Paged, filtered story listings and outlet groups: what a browser asks of the store.

:func:`newsweave.store.stories.list_stories` summarises every story at once,
which suits the CLI; a web page wants one page of stories, newest first,
filtered in SQL, with each row's outlets counted for its coverage bar. The
stories table keeps each story's size, independent sources and outlet counts as
columns, so a page costs two short queries however large the store.

Outlet groups are the user's own labels (left / centre / right, wire / local,
anything): :func:`load_outlet_groups` reads them from CSV; newsweave ships none.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import Text, and_, cast, delete, func, insert, select

from newsweave.errors import InputError
from newsweave.store.schema import articles, compare_cache, outlet_groups, stories, story_assignments

if TYPE_CHECKING:
    from newsweave.store.repository import Store

__all__ = ["SORTS", "StoryFilter", "StoryPage", "StoryRow", "clear_outlet_groups", "list_story_page",
           "load_outlet_groups",
           "outlet_group_map", "outlets_and_languages"]

SORTS = ("newest", "oldest", "largest", "independent", "updated")
MAX_CSV_ROWS = 20_000
COUNT_CAP = 1000


@dataclass(slots=True)
class StoryFilter:
    """What a story listing is narrowed to; every field optional."""

    since: datetime | None = None  # last publication on or after
    until: datetime | None = None  # first publication before
    outlet: str | None = None
    language: str | None = None
    min_articles: int = 1
    max_articles: int | None = None
    min_independent: int = 1
    has_flags: bool | None = None  # True: compared with flags; False: compared without flags
    one_group: bool = False  # every article from outlets of one (user-given) group
    group: str | None = None  # at least one article from an outlet of this group


@dataclass(slots=True)
class StoryRow:
    id: str
    headline: str | None
    articles: int
    independent_sources: int
    outlets: dict[str, int]  # outlet -> articles, most first
    groups: dict[str, int]  # group label -> articles (outlets without a group under "")
    first_published: datetime | None
    last_published: datetime | None
    manual: bool
    flags: int | None  # None until the story has been compared

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "headline": self.headline, "articles": self.articles,
            "independent_sources": self.independent_sources, "outlets": self.outlets, "groups": self.groups,
            "first_published": _iso(self.first_published), "last_published": _iso(self.last_published),
            "manual": self.manual, "flags": self.flags,
        }


@dataclass(slots=True)
class StoryPage:
    rows: list[StoryRow]
    total: int
    offset: int
    limit: int
    groups_loaded: bool = False
    total_exact: bool = True  # False: at least ``total`` stories match (a filtered count stops early)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _utc(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _has_outlet(outlet: str, dialect: str) -> Any:
    """The story has an article from ``outlet``: a substring test on the JSON text of ``stories.outlets``.

    The JSON-encoded name, quotes included, cannot occur inside another string of the JSON
    (inner quotes are escaped) and the values are numbers, so this is exact; it reads each
    story row once and no article.
    """
    needle = json.dumps(outlet)
    text = cast(stories.c.outlets, Text)
    found = func.strpos(text, needle) if dialect == "postgresql" else func.instr(text, needle)
    return found > 0


def _conditions(f: StoryFilter, dialect: str) -> list[Any]:
    size, independent = stories.c.articles, stories.c.independent_sources
    conds: list[Any] = []
    if f.since is not None:
        conds.append(stories.c.last_published >= _utc(f.since))
    if f.until is not None:
        conds.append(stories.c.first_published < _utc(f.until))
    if f.min_articles > 1:
        conds.append(size >= f.min_articles)
    if f.max_articles is not None:
        conds.append(size <= f.max_articles)
    if f.min_independent > 1:
        conds.append(independent >= f.min_independent)
    if f.outlet:
        conds.append(_has_outlet(f.outlet, dialect))
    if f.language:
        conds.append(stories.c.id.in_(_members_where(articles.c.language == f.language)))
    if f.has_flags is not None:
        flagged = select(compare_cache.c.story_id).where(
            compare_cache.c.flags > 0 if f.has_flags else compare_cache.c.flags == 0)
        conds.append(stories.c.id.in_(flagged))
    if f.group:
        grouped = select(outlet_groups.c.outlet).where(outlet_groups.c.label == f.group)
        conds.append(stories.c.id.in_(_members_where(articles.c.source.in_(grouped))))
    if f.one_group:
        conds.append(stories.c.id.in_(_one_group_stories()))
    return conds


def _members_where(condition: Any) -> Any:
    """Ids of the stories that hold an article meeting ``condition``."""
    return (select(story_assignments.c.story_id)
            .join(articles, articles.c.id == story_assignments.c.article_id).where(condition))


def _one_group_stories() -> Any:
    """Stories whose every article comes from an outlet of one and the same group."""
    return (
        select(story_assignments.c.story_id)
        .join(articles, articles.c.id == story_assignments.c.article_id)
        .outerjoin(outlet_groups, outlet_groups.c.outlet == articles.c.source)
        .group_by(story_assignments.c.story_id)
        .having(and_(func.count(func.distinct(outlet_groups.c.label)) == 1,
                     func.count(outlet_groups.c.label) == func.count()))
    )


def _order(sort: str) -> list[Any]:
    if sort not in SORTS:
        raise InputError(f"unknown sort {sort!r}: choose from {', '.join(SORTS)}")
    size, independent = stories.c.articles, stories.c.independent_sources
    return {
        "newest": [stories.c.last_published.desc().nulls_last(), stories.c.id],
        "oldest": [stories.c.first_published.asc().nulls_last(), stories.c.id],
        "largest": [size.desc(), stories.c.last_published.desc().nulls_last(), stories.c.id],
        "independent": [independent.desc(), size.desc(), stories.c.id],
        "updated": [stories.c.updated_at.desc(), stories.c.id],
    }[sort]


def list_story_page(store: Store, filters: StoryFilter | None = None, *, sort: str = "newest",
                    offset: int = 0, limit: int = 50) -> StoryPage:
    """One page of stories matching ``filters``, with per-outlet and per-group article counts."""
    filters = filters or StoryFilter()
    if not 1 <= limit <= 500 or offset < 0:
        raise InputError("stories: limit must be 1–500 and offset at least 0")
    order = _order(sort)
    conds = _conditions(filters, store.dialect)
    with store.connect() as conn:
        total, exact = _count(conn, conds, offset + limit)
        q = (select(stories, compare_cache.c.flags)
             .outerjoin(compare_cache, compare_cache.c.story_id == stories.c.id)
             .where(*conds).order_by(*order).offset(offset).limit(limit))
        story_rows = list(conn.execute(q))
        groups = outlet_group_map(conn=conn)
    rows = []
    for r in story_rows:
        outlets = dict(sorted((r.outlets or {}).items(), key=lambda kv: (-kv[1], kv[0])))
        by_group: Counter = Counter()
        for outlet, n in outlets.items():
            by_group[groups.get(outlet, "")] += n
        rows.append(StoryRow(
            r.id, r.headline, r.articles, r.independent_sources, outlets, dict(by_group.most_common()),
            _utc(r.first_published), _utc(r.last_published), bool((r.meta or {}).get("manual")), r.flags,
        ))
    return StoryPage(rows, total, offset, limit, groups_loaded=bool(groups), total_exact=exact)


def _count(conn: Any, conds: list[Any], shown: int) -> tuple[int, bool]:
    """How many stories match: exact without filters; with filters, counting stops past
    ``max(COUNT_CAP, shown)`` (a filter can read every story row, and "1,000+" is as useful
    as the exact figure on a large store)."""
    if not conds:
        return int(conn.execute(select(func.count()).select_from(stories)).scalar_one()), True
    cap = max(COUNT_CAP, shown) + 1
    matching = select(stories.c.id).where(*conds).limit(cap).subquery()
    total = int(conn.execute(select(func.count()).select_from(matching)).scalar_one())
    return (cap - 1, False) if total >= cap else (total, True)


def outlets_and_languages(store: Store) -> tuple[list[str], list[str]]:
    """Distinct outlets and languages in the store (the choices of the list filters)."""
    with store.connect() as conn:
        outlets = list(conn.execute(select(articles.c.source).distinct().order_by(articles.c.source)).scalars())
        languages = list(conn.execute(
            select(articles.c.language).where(articles.c.language.is_not(None)).distinct()
            .order_by(articles.c.language)).scalars())
    return outlets, languages


# --------------------------------------------------------------------------- outlet groups


def outlet_group_map(store: Store | None = None, *, conn: Any = None) -> dict[str, str]:
    """Outlet → the group label the user gave it."""
    if conn is None:
        if store is None:
            raise TypeError("outlet_group_map needs a store or a connection")
        with store.connect() as own:
            return outlet_group_map(conn=own)
    return {r.outlet: r.label for r in conn.execute(select(outlet_groups.c.outlet, outlet_groups.c.label))}


def _parse_group_csv(data: str) -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(data)))
    if rows and [c.strip().lower() for c in rows[0][:2]] == ["outlet", "group"]:
        rows = rows[1:]
    if len(rows) > MAX_CSV_ROWS:
        raise InputError(f"outlet groups: at most {MAX_CSV_ROWS} rows, got {len(rows)}")
    mapping: dict[str, str] = {}
    for n, row in enumerate(rows, start=1):
        if not any(c.strip() for c in row):
            continue
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise InputError(f"outlet groups: line {n} needs two columns, outlet and group, got {row!r:.80}")
        outlet, label = row[0].strip(), " ".join(row[1].split())
        if len(outlet) > 300 or len(label) > 100:
            raise InputError(f"outlet groups: line {n}: outlet ≤ 300 and group ≤ 100 characters")
        mapping[outlet] = label
    if not mapping:
        raise InputError("outlet groups: the CSV holds no rows (expected lines of: outlet,group)")
    return mapping


def load_outlet_groups(store: Store, data: str | bytes, *, replace: bool = True) -> int:
    """Load ``outlet,group`` rows (header optional) from CSV text; returns how many outlets it labelled.

    ``replace`` drops the groups loaded before (a new scheme); otherwise rows
    are added to or update the current ones. A bad row fails the whole load,
    naming its line, and nothing changes.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputError(f"outlet groups: the CSV is not UTF-8 text ({e.reason} at byte {e.start})") from e
    mapping = _parse_group_csv(data)
    now = datetime.now(timezone.utc)
    with store.transaction() as conn:
        if replace:
            conn.execute(delete(outlet_groups))
        else:
            conn.execute(delete(outlet_groups).where(outlet_groups.c.outlet.in_(list(mapping))))
        conn.execute(insert(outlet_groups), [{"outlet": o, "label": g, "loaded_at": now} for o, g in mapping.items()])
    return len(mapping)


def clear_outlet_groups(store: Store) -> None:
    with store.transaction() as conn:
        conn.execute(delete(outlet_groups))

