"""Full-text search over stored articles, and quote search by words or speaker.

People (the quotes stage's ``people`` annotation: names, variants, descriptions)
are found by name with :func:`search_people`.

SQLite uses the FTS5 table ``articles_fts`` and PostgreSQL a GIN index on
``to_tsvector('simple', title || ' ' || text)``, both made by migration
``i15_web``. A user's query is reduced to words (letters and digits) that must
all occur, so no query syntax of either engine reaches the database: a stray
quote or ``NEAR(`` is just punctuation, never an error. The snippet is a span
into the stored text (the page escapes and highlights it), never HTML.

>>> hits = search_articles(store, "harbour bridge", limit=20)   # doctest: +SKIP
>>> hits[0].article_id, hits[0].snippet                        # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Text, bindparam, cast, func, select, text

from newsweave.errors import InputError
from newsweave.store.schema import articles, story_assignments

if TYPE_CHECKING:
    from newsweave.store.repository import Store

__all__ = ["ArticleHit", "MAX_QUERY", "ORDERS", "query_words", "search_articles", "search_people", "search_quotes"]

MAX_QUERY = 200  # characters
ORDERS = ("recent", "relevance")
_MAX_WORDS = 12
_WORD = re.compile(r"\w+", re.UNICODE)
_SNIPPET = 220  # characters of context around the first hit


@dataclass(slots=True)
class ArticleHit:
    article_id: str
    title: str | None
    source: str
    published: datetime | None
    story_id: str | None
    snippet: str  # a stretch of the clean text around the first matched word
    snippet_start: int  # where the snippet starts in the text
    matches: list[tuple[int, int]]  # matched words, spans into the snippet

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["published"] = self.published.isoformat() if self.published else None
        out["matches"] = [list(m) for m in self.matches]
        return out


def query_words(query: str) -> list[str]:
    """The words a query asks for (casefolded), or an InputError saying what is wrong with it."""
    query = (query or "").strip()
    if len(query) > MAX_QUERY:
        raise InputError(f"search: a query of at most {MAX_QUERY} characters, got {len(query)}")
    words = list(dict.fromkeys(w.casefold() for w in _WORD.findall(query)))
    if not words:
        raise InputError("search: give at least one word to look for")
    return words[:_MAX_WORDS]


def _sqlite_ids(conn: Any, words: list[str], order: str, limit: int, offset: int) -> list[str]:
    match = " AND ".join('"' + w.replace('"', '""') + '"' for w in words)
    by = "articles_fts.rank" if order == "relevance" else "articles_fts.rowid DESC"
    q = text(
        "SELECT a.id FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
        f"WHERE articles_fts MATCH :match ORDER BY {by} LIMIT :limit OFFSET :offset"
    )
    return list(conn.execute(q, {"match": match, "limit": limit, "offset": offset}).scalars())


_PG_VECTOR = "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || text)"


def _pg_ids(conn: Any, words: list[str], order: str, limit: int, offset: int) -> list[str]:
    # the matches come from the GIN index first (MATERIALIZED): left to itself the planner walks
    # seq backwards computing every article's tsvector until it has ``limit`` matches
    rank = f", ts_rank({_PG_VECTOR}, query) AS rank" if order == "relevance" else ""
    by = "rank DESC, seq DESC" if order == "relevance" else "seq DESC"
    q = text(
        f"WITH hits AS MATERIALIZED (SELECT id, seq{rank} FROM articles, "
        f"plainto_tsquery('simple'::regconfig, :q) query WHERE {_PG_VECTOR} @@ query) "
        f"SELECT id FROM hits ORDER BY {by} LIMIT :limit OFFSET :offset"
    )
    return list(conn.execute(q, {"q": " ".join(words), "limit": limit, "offset": offset}).scalars())


def _snippet(body: str, words: list[str]) -> tuple[int, str, list[tuple[int, int]]]:
    folded = body.casefold()  # casefold keeps offsets for the scripts news comes in, save a few ligatures
    if len(folded) != len(body):
        folded = body.lower()
    first = min((i for i in (folded.find(w) for w in words) if i >= 0), default=0)
    start = max(0, first - _SNIPPET // 3)
    piece = body[start : start + _SNIPPET]
    low = piece.lower()
    spans = sorted(
        (m.start(), m.end()) for w in words for m in re.finditer(re.escape(w), low)
    )
    return start, piece, spans


def search_articles(store: Store, query: str, *, order: str = "recent", limit: int = 20,
                    offset: int = 0) -> list[ArticleHit]:
    """Articles holding every word of ``query``, with a snippet around the first hit.

    ``order``: ``"recent"`` (latest stored first: stops at ``limit``, fast however many
    articles match) or ``"relevance"`` (BM25 / ``ts_rank``: scores every match first, so a
    common word on a large store costs more).
    """
    words = query_words(query)
    if order not in ORDERS:
        raise InputError(f"search: unknown order {order!r}: choose from {', '.join(ORDERS)}")
    if not 1 <= limit <= 200 or offset < 0:
        raise InputError("search: limit must be 1–200 and offset at least 0")
    with store.connect() as conn:
        finder = _pg_ids if store.dialect == "postgresql" else _sqlite_ids
        ids = finder(conn, words, order, limit, offset)
        if not ids:
            return []
        cols = [articles.c.id, articles.c.title, articles.c.source, articles.c.published, articles.c.text,
                story_assignments.c.story_id]
        q = (select(*cols).outerjoin(story_assignments, story_assignments.c.article_id == articles.c.id)
             .where(articles.c.id.in_(bindparam("ids", expanding=True))))
        rows = {r.id: r for r in conn.execute(q, {"ids": ids})}
    hits = []
    for article_id in ids:
        r = rows[article_id]
        start, piece, spans = _snippet(r.text or "", words)
        published = r.published
        hits.append(ArticleHit(r.id, r.title, r.source, published, r.story_id, piece, start, spans))
    return hits


def search_quotes(store: Store, *, words: str | None = None, speaker: str | None = None,
                  limit: int = 50) -> list[dict[str, Any]]:
    """Quotes whose words hold every word of ``words`` and/or whose speaker matches ``speaker``.

    Speaker fixes a user recorded count as the speaker. Word search narrows to
    articles by full text first, so it stays fast on a large store.
    """
    from newsweave.store.decisions import speaker_fixes_for
    from newsweave.store.quotes import iter_quotes

    if not words and not speaker:
        raise InputError("quote search: give words, a speaker, or both")
    wanted = query_words(words) if words else []
    needle = " ".join(query_words(speaker)) if speaker else None
    article_ids = [h.article_id for h in search_articles(store, words, limit=200)] if words and wanted else None
    if article_ids == []:
        return []
    fixes = speaker_fixes_for(store, article_ids)
    found: list[dict[str, Any]] = []
    for stored in iter_quotes(store, article_ids=article_ids):
        item = stored.to_dict()
        fix = fixes.get(f"{item['article']}:{item['start']}:{item['end']}")
        if fix is not None:
            item["speaker"] = fix.value
            item["speaker_fix"] = fix.to_dict()
        if wanted and not all(w in item["text"].casefold() for w in wanted):
            continue
        if needle is not None:
            hay = " ".join(str(item.get(k) or "") for k in ("speaker", "speaker_as_written", "speaker_description"))
            if not all(w in hay.casefold() for w in needle.split()):
                continue
        found.append(item)
        if len(found) >= limit:
            break
    return found


def count_fts(store: Store) -> int:
    """Rows in the SQLite full-text index (a health check for tests); PostgreSQL indexes every row."""
    with store.connect() as conn:
        if store.dialect != "sqlite":
            return int(conn.execute(select(func.count()).select_from(articles)).scalar_one())
        return int(conn.execute(text("SELECT count(*) FROM articles_fts")).scalar_one())


def search_people(store: Store, query: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """People the quotes stage found (name, variants, descriptions) whose name holds every word of
    ``query``, one hit per article, latest stored first."""
    from newsweave.store.quotes import PEOPLE_KIND
    from newsweave.store.schema import annotations as annotations_table

    words = query_words(query)
    data_text = cast(annotations_table.c.data, Text)
    conds = [annotations_table.c.kind == PEOPLE_KIND]
    conds += [func.lower(data_text).contains(w.lower(), autoescape=True) for w in words if w.isascii()]
    q = (select(annotations_table.c.article_id, annotations_table.c.data, articles.c.title, articles.c.source,
                story_assignments.c.story_id)
         .join(articles, articles.c.id == annotations_table.c.article_id)
         .outerjoin(story_assignments, story_assignments.c.article_id == annotations_table.c.article_id)
         .where(*conds).order_by(articles.c.seq.desc()).limit(max(limit * 4, 200)))
    hits: list[dict[str, Any]] = []
    with store.connect() as conn:
        for r in conn.execute(q):
            for person in (r.data or {}).get("people", []):
                names = " ".join([person.get("name") or "", *(person.get("variants") or [])]).casefold()
                if all(w in names for w in words):
                    mentions = person.get("mentions") or []
                    hits.append({"name": person.get("name"), "variants": person.get("variants") or [],
                                 "descriptions": (person.get("descriptions") or [])[:3], "article": r.article_id,
                                 "title": r.title, "outlet": r.source, "story": r.story_id,
                                 "mentions": len(mentions), "first": mentions[0] if mentions else None})
            if len(hits) >= limit:
                break
    return hits[:limit]
