"""The article store: SQLite by default, PostgreSQL by URL, through SQLAlchemy 2 Core.

>>> store = Store.open("sqlite://")          # in memory; a path or postgresql:// URL in real use
>>> store.count_articles()
0

Writes are batched, one transaction per batch, insert-if-absent by article id:
re-ingesting the same inputs stores nothing new, and a killed ingest leaves
whole batches only, so re-running it finishes the job without duplicates.
``seq`` numbers articles in the order they were stored (stories cluster in it).

Other store modules (``store/quotes.py``, ``store/stories.py``) use
:attr:`Store.engine`, :meth:`Store.transaction` (a write transaction) and
:meth:`Store.connect` (reads) with the tables of :mod:`newsweave.store.schema`.
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from newsweave.errors import InputError, MissingDependency, NewsweaveError, NotFound
from newsweave.model import Article, ArticleStatus, Failure, RemovedLine, Span
from newsweave.store import migrate
from newsweave.store.schema import annotations as annotations_table
from newsweave.store.schema import articles, raw_inputs, removed_lines, store_changes

__all__ = [
    "clean_json",
    "DEFAULT_DB",
    "DEFAULT_BATCH_SIZE",
    "AddCounts",
    "BatchResult",
    "Store",
    "StoreError",
    "resolve_url",
]

DEFAULT_DB = "newsweave.db"
DEFAULT_BATCH_SIZE = 200
_READ_CHUNK = 500  # rows per keyset page when streaming articles
_PG_LOCK_KEY = 0x6E657773  # "news": serialises writers that assign seq, and migrations
_LOCK_WAIT_S = 60  # how long a writer waits for another (SQLite: busy_timeout)
_SQLITE_MAGIC = b"SQLite format 3\x00"
# columns with a length limit in schema.py: longer values are cut (with a warning)
_LIMITS = {"source": 300, "external_id": 300, "input_format": 20, "language": 16, "extractor": 50}


class StoreError(NewsweaveError):
    """The database cannot be opened or used (bad URL, unreachable server, locked file…)."""


@dataclass(slots=True)
class BatchResult:
    """What one batch (one transaction) did: newly stored, already present, failed."""

    stored: list[Article] = field(default_factory=list)
    present: list[Article] = field(default_factory=list)
    failed: list[tuple[Article, Failure]] = field(default_factory=list)


@dataclass(slots=True)
class AddCounts:
    """Totals of :meth:`Store.add_articles`."""

    stored: int = 0
    present: int = 0
    failed: list[Failure] = field(default_factory=list)
    batches: int = 0

    def add(self, result: BatchResult) -> None:
        self.stored += len(result.stored)
        self.present += len(result.present)
        self.failed.extend(f for _, f in result.failed)
        self.batches += 1


# --------------------------------------------------------------------------- URLs


def resolve_url(url: str | None) -> URL:
    """Turn ``--db`` / ``NEWSWEAVE_DB`` / the default into a SQLAlchemy URL.

    A bare path is an SQLite file; ``postgresql://`` (or ``postgres://``) uses
    the psycopg 3 driver; ``sqlite://`` alone is an in-memory database.
    """
    if url is None or not str(url).strip():
        url = os.environ.get("NEWSWEAVE_DB") or DEFAULT_DB
    url = str(url).strip()
    if "://" not in url:
        return _sqlite_file_url(Path(url))
    try:
        parsed = make_url(url)
    except ArgumentError as e:
        raise InputError(f"cannot parse database URL {_redact(url)!r}: {e}") from e
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        else:
            raise InputError(
                f"unsupported PostgreSQL driver {parsed.drivername!r}: use postgresql://user@host/db"
            )
        return parsed
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            return parsed.set(drivername="sqlite", database=None)
        return _sqlite_file_url(Path(parsed.database))
    raise InputError(
        f"unsupported database {_redact(url)!r}: give an SQLite file path or a postgresql:// URL"
    )


def _sqlite_file_url(path: Path) -> URL:
    path = path.expanduser()
    if path.exists() and path.is_dir():
        raise InputError(f"database path {str(path)!r} is a directory; give a file name like {str(path / DEFAULT_DB)!r}")
    if path.exists():
        try:
            with path.open("rb") as fh:
                head = fh.read(16)
        except OSError as e:
            raise InputError(f"cannot read database file {str(path)!r}: {e.strerror or e}") from e
        if head and head != _SQLITE_MAGIC:
            raise InputError(f"{str(path)!r} exists and is not an SQLite database; refusing to touch it")
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise InputError(
                f"cannot create the folder for database {str(path)!r}: {e.strerror or e}"
            ) from e
    return URL.create("sqlite", database=str(path.resolve()))


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


# --------------------------------------------------------------------------- values


def _utc(value: datetime | None) -> datetime | None:
    """Aware UTC for the database (SQLite keeps no offset; naive means UTC here)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _from_db_time(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _clean_str(value: str) -> tuple[str, bool]:
    """Make text storable on both backends without moving offsets.

    PostgreSQL refuses NUL and neither backend can encode lone surrogates; each
    such character becomes U+FFFD, one for one, so spans stay valid.
    """
    changed = False
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
        changed = True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
        changed = True
    return value, changed


def clean_json(value: Any) -> Any:
    """``value`` as JSON the database takes: lone surrogates replaced, NaN/inf as null, other objects as text."""
    if isinstance(value, str):
        return _clean_str(value)[0]
    if isinstance(value, dict):
        return {_clean_str(str(k))[0]: clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _article_row(article: Article, seq: int, now: datetime) -> tuple[dict, dict, list[dict]]:
    warnings = list(article.warnings)
    values: dict[str, Any] = {}
    for name in ("source", "origin", "input_format", "url", "title", "byline", "language",
                 "external_id", "extractor", "text", "extracted_text"):
        value = getattr(article, name)
        if value is None:
            values[name] = None
            continue
        value, changed = _clean_str(str(value))
        if changed and name in ("text", "extracted_text"):
            warnings.append(f"store: NUL or invalid characters in {name} replaced by U+FFFD")
        limit = _LIMITS.get(name)
        if limit is not None and len(value) > limit:
            warnings.append(f"store: {name} cut to {limit} characters")
            value = value[:limit]
        values[name] = value
    if not values["source"]:
        values["source"] = "unknown"
    meta = clean_json(dict(article.metadata))
    published = article.published
    if published is not None and (published.tzinfo is None or published.utcoffset()):
        # keep the offset as written (or that it was unknown): the column holds UTC
        meta["_published"] = published.isoformat()
    status = article.status.value if isinstance(article.status, ArticleStatus) else str(article.status)
    row = {
        "id": article.id,
        "seq": seq,
        **values,
        "published": _utc(published),
        "status": status,
        "warnings": [_clean_str(str(w))[0] for w in warnings],
        "paragraphs": [[int(p.start), int(p.end)] for p in article.paragraphs],
        "meta": meta,
        "ingested_at": now,
    }
    raw = {"article_id": article.id, "raw": bytes(article.raw or b"")}
    removed = [
        {
            "article_id": article.id,
            "idx": i,
            "text": _clean_str(line.text)[0],
            "reason": _clean_str(line.reason)[0],
            "rule": _clean_str(line.rule)[0][:50],
            "start": int(line.start),
            "end": int(line.end),
        }
        for i, line in enumerate(article.removed)
    ]
    return row, raw, removed


def _article_from_row(row: Any, raw: bytes | None, removed: list[RemovedLine]) -> Article:
    meta = dict(row.meta or {})
    published = _from_db_time(row.published)
    original = meta.pop("_published", None)
    if isinstance(original, str):
        with contextlib.suppress(ValueError):
            published = datetime.fromisoformat(original)
    try:
        status = ArticleStatus(row.status)
    except ValueError:
        status = ArticleStatus.OK
    return Article(
        id=row.id,
        source=row.source,
        origin=row.origin,
        input_format=row.input_format,
        raw=raw if raw is not None else b"",
        text=row.text,
        extracted_text=row.extracted_text,
        url=row.url,
        title=row.title,
        byline=row.byline,
        published=published,
        language=row.language,
        external_id=row.external_id,
        extractor=row.extractor,
        status=status,
        warnings=list(row.warnings or []),
        paragraphs=[Span(int(s), int(e)) for s, e in (row.paragraphs or [])],
        removed=removed,
        metadata=meta,
        ingested_at=_from_db_time(row.ingested_at),
    )


# --------------------------------------------------------------------------- store


class Store:
    """A newsweave database. Open with :meth:`Store.open`; close with :meth:`close`."""

    def __init__(self, engine: Engine, url: URL) -> None:
        self.engine = engine
        self.url = url
        self._opening = False

    # ---- opening

    @classmethod
    def open(cls, url: str | None = None, *, migrate_to_head: bool = True) -> Store:
        """Open (creating and migrating as needed) the database at ``url``.

        ``url``: an SQLite file path, ``sqlite:///path``, ``sqlite://`` (memory) or
        ``postgresql://user:pass@host/db``; None reads ``NEWSWEAVE_DB``, else
        ``./newsweave.db``.
        """
        resolved = resolve_url(url)
        engine = _make_engine(resolved)
        store = cls(engine, resolved)
        try:
            if migrate_to_head:
                store._migrate()
        except BaseException:
            engine.dispose()
            raise
        return store

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def in_memory(self) -> bool:
        """An in-memory SQLite database: this process's alone, no other process can open it by its URL."""
        return self.dialect == "sqlite" and self.url.database is None

    @property
    def display_url(self) -> str:
        if self.dialect == "sqlite":
            return self.url.database or ":memory:"
        return self.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        self._opening = True
        try:
            with self.transaction() as conn:
                migrate.upgrade(conn)
        finally:
            self._opening = False

    # ---- connections

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction: commits on success, rolls back on any error.

        On SQLite it starts with ``BEGIN IMMEDIATE`` (the write lock up front, so two
        writers wait for each other instead of failing); on PostgreSQL it takes a
        transaction-level advisory lock so writers that assign ``seq`` serialise.
        Each one adds one to the change counter (:meth:`changes`) as it commits.
        """
        with self._errors("write"), self.engine.connect() as conn:
            conn = conn.execution_options(newsweave_write=True)
            with conn.begin():
                if self.dialect == "postgresql":
                    self._pg_write_lock(conn)
                yield conn
                if not self._opening:  # a migration may be creating the table right now
                    conn.execute(update(store_changes).values(counter=store_changes.c.counter + 1))

    def _pg_write_lock(self, conn: Connection) -> None:
        # bounded wait, like SQLite's busy timeout: a writer that never lets go (or a
        # transaction opened inside another one) gives a clear error instead of a hang
        deadline = time.monotonic() + _LOCK_WAIT_S
        pause = 0.01
        lock = text("SELECT pg_try_advisory_xact_lock(:k)")
        while not conn.execute(lock, {"k": _PG_LOCK_KEY}).scalar():
            if time.monotonic() > deadline:
                raise StoreError(
                    f"database {self.display_url} is busy: another writer held it for {_LOCK_WAIT_S} s"
                )
            time.sleep(pause)
            pause = min(pause * 2, 0.25)

    def changes(self) -> int:
        """How many write transactions this store has committed (any process, since revision 0006).

        Equal numbers read at two moments mean nothing was written in between, so a
        reader may keep what it derived from the store (the web app's page cache).
        """
        with self.connect() as conn:
            return int(conn.execute(select(store_changes.c.counter)).scalar() or 0)

    @contextlib.contextmanager
    def connect(self) -> Iterator[Connection]:
        """A read connection (its transaction is rolled back at the end)."""
        with self._errors("read"), self.engine.connect() as conn:
            yield conn

    @contextlib.contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except OperationalError as e:
            what = "open" if self._opening else what
            raise StoreError(f"cannot {what} database {self.display_url}: {_one_line(e)}") from e

    # ---- articles: write

    def add_articles(self, articles_: Iterable[Article], batch_size: int = DEFAULT_BATCH_SIZE) -> AddCounts:
        """Store articles not yet present, ``batch_size`` per transaction.

        Returns counts of stored / already present / failed (a record the
        database refused, e.g. a value of the wrong shape; the rest of its batch
        is stored).
        """
        if batch_size < 1:
            raise InputError(f"batch size must be at least 1, got {batch_size}")
        counts = AddCounts()
        batch: list[Article] = []
        for article in articles_:
            batch.append(article)
            if len(batch) >= batch_size:
                counts.add(self.add_batch(batch))
                batch = []
        if batch:
            counts.add(self.add_batch(batch))
        return counts

    def add_batch(self, batch: Sequence[Article]) -> BatchResult:
        """Store one batch in one transaction (insert-if-absent by id)."""
        try:
            return self._add_batch(batch)
        except DBAPIError as e:  # a record the database refused (connection errors are StoreErrors)
            if len(batch) == 1:
                return BatchResult(failed=[(batch[0], _failure(batch[0], e))])
        # one record spoiled the batch: store the rest one by one
        result = BatchResult()
        for article in batch:
            one = self.add_batch([article])
            result.stored.extend(one.stored)
            result.present.extend(one.present)
            result.failed.extend(one.failed)
        return result

    def _add_batch(self, batch: Sequence[Article]) -> BatchResult:
        result = BatchResult()
        if not batch:
            return result
        ids = list({a.id for a in batch})
        with self.transaction() as conn:
            existing = set(
                conn.execute(select(articles.c.id).where(articles.c.id.in_(ids))).scalars()
            )
            seq = conn.execute(select(func.coalesce(func.max(articles.c.seq), 0))).scalar_one()
            now = datetime.now(timezone.utc)
            rows, raws, removed = [], [], []
            for article in batch:
                if article.id in existing:
                    result.present.append(article)
                    continue
                try:
                    row, raw, rem = _article_row(article, seq + 1, now)
                except (TypeError, ValueError, AttributeError, OverflowError) as e:  # a malformed Article
                    result.failed.append((article, _failure(article, e)))
                    continue
                existing.add(article.id)
                seq += 1
                rows.append(row)
                raws.append(raw)
                removed.extend(rem)
                article.ingested_at = now
                result.stored.append(article)
            if rows:
                conn.execute(insert(articles), rows)
                conn.execute(insert(raw_inputs), raws)
                if removed:
                    conn.execute(insert(removed_lines), removed)
        return result

    # ---- articles: read

    def get_article(self, id_or_prefix: str, *, with_raw: bool = True) -> Article:
        """The article with this id, or the only one whose id starts with it."""
        key = (id_or_prefix or "").strip()
        if not key:
            raise InputError("give an article id (or a unique prefix of one)")
        with self.connect() as conn:
            row = conn.execute(select(articles).where(articles.c.id == key)).first()
            if row is None:
                pattern = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                rows = conn.execute(
                    select(articles).where(articles.c.id.like(pattern, escape="\\")).limit(6)
                ).all()
                if not rows:
                    raise NotFound(f"no article with id {key!r} (see `newsweave articles`)")
                if len(rows) > 1:
                    shown = ", ".join(r.id for r in rows[:5])
                    raise NotFound(f"id prefix {key!r} is ambiguous: matches {shown}{'…' if len(rows) > 5 else ''}")
                row = rows[0]
            return self._hydrate(conn, [row], with_raw=with_raw)[0]

    def iter_articles(
        self,
        source: str | Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        status: str | ArticleStatus | Sequence[str | ArticleStatus] | None = None,
        ids: Iterable[str] | None = None,
        *,
        with_raw: bool = True,
        limit: int | None = None,
        chunk_size: int = _READ_CHUNK,
    ) -> Iterator[Article]:
        """Stream articles in ``seq`` order, in pages (constant memory, short reads).

        ``since`` is inclusive and ``until`` exclusive, on ``published`` (articles
        without a date are left out when either is given).
        """
        conditions = self._filters(source, since, until, status)
        if limit is not None and limit <= 0:
            return
        remaining = limit
        if ids is not None:
            id_list = list(dict.fromkeys(ids))
            # ids may come in any order: page through them, then keep seq order per page
            for start in range(0, len(id_list), chunk_size):
                page = self._page(and_(*conditions, articles.c.id.in_(id_list[start : start + chunk_size])),
                                  chunk_size, with_raw)
                for _, article in page:
                    if remaining is not None:
                        if remaining <= 0:
                            return
                        remaining -= 1
                    yield article
            return
        last = 0
        while remaining is None or remaining > 0:
            size = chunk_size if remaining is None else min(chunk_size, remaining)
            page = self._page(and_(*conditions, articles.c.seq > last), size, with_raw)
            for _, article in page:
                yield article
            if len(page) < size:
                return
            last = page[-1][0]
            if remaining is not None:
                remaining -= len(page)

    def _page(self, where: Any, size: int, with_raw: bool) -> list[tuple[int, Article]]:
        with self.connect() as conn:
            rows = conn.execute(select(articles).where(where).order_by(articles.c.seq).limit(size)).all()
            hydrated = self._hydrate(conn, rows, with_raw=with_raw)
        return [(row.seq, article) for row, article in zip(rows, hydrated)]

    def count_articles(
        self,
        source: str | Sequence[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        status: str | ArticleStatus | Sequence[str | ArticleStatus] | None = None,
    ) -> int:
        conditions = self._filters(source, since, until, status)
        with self.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(articles).where(*conditions)).scalar_one())

    def _filters(self, source, since, until, status) -> list:
        conditions: list = []
        if source:
            sources = [source] if isinstance(source, str) else list(source)
            conditions.append(articles.c.source.in_(sources))
        if since is not None:
            conditions.append(articles.c.published >= _utc(since))
        if until is not None:
            conditions.append(articles.c.published < _utc(until))
        if status:
            statuses = [status] if isinstance(status, (str, ArticleStatus)) else list(status)
            values = []
            for s in statuses:
                value = s.value if isinstance(s, ArticleStatus) else str(s).lower()
                if value not in {m.value for m in ArticleStatus}:
                    choices = ", ".join(m.value for m in ArticleStatus)
                    raise InputError(f"unknown status {s!r}: choose from {choices}")
                values.append(value)
            conditions.append(articles.c.status.in_(values))
        return conditions

    def _hydrate(self, conn: Connection, rows: Sequence[Any], *, with_raw: bool) -> list[Article]:
        if not rows:
            return []
        ids = [r.id for r in rows]
        raws: dict[str, bytes] = {}
        if with_raw:
            raws = {
                r.article_id: bytes(r.raw)
                for r in conn.execute(select(raw_inputs).where(raw_inputs.c.article_id.in_(ids)))
            }
        removed: dict[str, list[RemovedLine]] = {i: [] for i in ids}
        query = select(removed_lines).where(removed_lines.c.article_id.in_(ids)).order_by(
            removed_lines.c.article_id, removed_lines.c.idx
        )
        for r in conn.execute(query):
            removed[r.article_id].append(RemovedLine(r.text, r.reason, r.rule, r.start, r.end))
        return [_article_from_row(r, raws.get(r.id) if with_raw else b"", removed[r.id]) for r in rows]

    # ---- annotations

    def put_annotation(self, article_id: str, kind: str, version: str, data: Any) -> None:
        """Cache a stage's result for an article (replaces an older one of that kind)."""
        data = clean_json(data)
        with self.transaction() as conn:
            key = and_(annotations_table.c.article_id == article_id, annotations_table.c.kind == kind)
            done = conn.execute(update(annotations_table).where(key).values(version=version, data=data))
            if done.rowcount == 0:
                if conn.execute(select(articles.c.id).where(articles.c.id == article_id)).first() is None:
                    raise NotFound(f"no article with id {article_id!r} to annotate")
                conn.execute(
                    insert(annotations_table).values(article_id=article_id, kind=kind, version=version, data=data)
                )

    def get_annotation(self, article_id: str, kind: str) -> tuple[str, Any] | None:
        """``(version, data)`` of a cached annotation, or None when there is none."""
        with self.connect() as conn:
            row = conn.execute(
                select(annotations_table.c.version, annotations_table.c.data).where(
                    annotations_table.c.article_id == article_id, annotations_table.c.kind == kind
                )
            ).first()
        return None if row is None else (row.version, row.data)


# --------------------------------------------------------------------------- engine


def _make_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        memory = not url.database
        kwargs: dict[str, Any] = {"connect_args": {"timeout": _LOCK_WAIT_S, "check_same_thread": False}}
        if memory:
            kwargs["poolclass"] = StaticPool
        engine = create_engine(url, **kwargs)
        _sqlite_events(engine, wal=not memory)
        return engine
    try:
        import psycopg  # noqa: F401
    except ImportError as e:
        raise MissingDependency("psycopg", "postgres", "PostgreSQL storage") from e
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})


def _sqlite_events(engine: Engine, *, wal: bool) -> None:
    # pysqlite's own transaction handling is off so that BEGIN is ours (BEGIN IMMEDIATE for writes)
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={_LOCK_WAIT_S * 1000}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("newsweave_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _one_line(error: BaseException) -> str:
    orig = getattr(error, "orig", None) or error
    return " ".join(str(orig).split())[:300]


def _failure(article: Article, error: Exception) -> Failure:
    what = "database refused the record" if isinstance(error, SQLAlchemyError) else "record cannot be stored"
    return Failure(str(article.origin or article.id), f"{what}: {_one_line(error)}")
