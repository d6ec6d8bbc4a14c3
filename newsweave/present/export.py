"""Export articles as JSON Lines, CSV or Parquet — streaming, no row caps.

Rows are read in ``seq`` order a page at a time (keyset pagination), so memory
stays flat on any store size; Parquet is written one row group per page.
Each row carries the article's ``story_id`` and ``reprint_group`` when those
stages have run (empty otherwise).

>>> from newsweave.store import Store
>>> with open("articles.jsonl", "w") as fh:                       # doctest: +SKIP
...     export_articles(Store.open("newsweave.db"), "jsonl", fh)
"""

from __future__ import annotations

import csv
import errno
import json
import os
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from sqlalchemy import and_, select

from newsweave.errors import InputError
from newsweave.model import ArticleStatus
from newsweave.store import Store
from newsweave.store.schema import articles, reprints, story_assignments

__all__ = ["FORMATS", "COLUMNS", "atomic_output", "csv_cell", "export_articles", "export_to_path", "iter_export_rows",
           "write_csv"]

FORMATS = ("jsonl", "csv", "parquet")
#: Exported columns, in order; ``text`` and ``paragraphs`` only with text=True.
COLUMNS = (
    "id", "seq", "external_id", "source", "url", "title", "byline", "published", "language",
    "status", "input_format", "origin", "extractor", "story_id", "reprint_group", "warnings",
    "metadata", "ingested_at",
)
TEXT_COLUMNS = ("text", "paragraphs")
_PAGE = 2000


def iter_export_rows(
    store: Store,
    *,
    text: bool = True,
    source: str | Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    status: str | ArticleStatus | Sequence[str | ArticleStatus] | None = None,
    page_size: int = _PAGE,
) -> Iterator[dict[str, Any]]:
    """Yield one plain dict per article (``published``/``ingested_at`` as aware datetimes)."""
    conditions = store._filters(source, since, until, status)  # same filters as `articles`
    cols = [
        articles.c.id, articles.c.seq, articles.c.external_id, articles.c.source, articles.c.url,
        articles.c.title, articles.c.byline, articles.c.published, articles.c.language,
        articles.c.status, articles.c.input_format, articles.c.origin, articles.c.extractor,
        story_assignments.c.story_id, reprints.c.group_id.label("reprint_group"),
        articles.c.warnings, articles.c.meta, articles.c.ingested_at,
    ]
    if text:
        cols += [articles.c.text, articles.c.paragraphs]
    joined = articles.outerjoin(story_assignments, story_assignments.c.article_id == articles.c.id).outerjoin(
        reprints, reprints.c.article_id == articles.c.id
    )
    last = 0
    while True:
        query = (
            select(*cols)
            .select_from(joined)
            .where(and_(*conditions, articles.c.seq > last))
            .order_by(articles.c.seq)
            .limit(page_size)
        )
        with store.connect() as conn:
            rows = conn.execute(query).all()
        for row in rows:
            yield _row_dict(row, text)
        if len(rows) < page_size:
            return
        last = rows[-1].seq


def _row_dict(row: Any, text: bool) -> dict[str, Any]:
    meta = dict(row.meta or {})
    published = _aware(row.published)
    original = meta.pop("_published", None)
    if isinstance(original, str):
        with suppress(ValueError):
            published = datetime.fromisoformat(original)
    out = {
        "id": row.id,
        "seq": row.seq,
        "external_id": row.external_id,
        "source": row.source,
        "url": row.url,
        "title": row.title,
        "byline": row.byline,
        "published": published,
        "language": row.language,
        "status": row.status,
        "input_format": row.input_format,
        "origin": row.origin,
        "extractor": row.extractor,
        "story_id": row.story_id,
        "reprint_group": row.reprint_group,
        "warnings": list(row.warnings or []),
        "metadata": meta,
        "ingested_at": _aware(row.ingested_at),
    }
    if text:
        out["text"] = row.text
        out["paragraphs"] = [list(p) for p in (row.paragraphs or [])]
    return out


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def export_articles(
    store: Store, fmt: str, out: IO[str] | IO[bytes] | str | Path, *, text: bool = True, **filters: Any
) -> int:
    """Write every (filtered) article to ``out`` in ``fmt``; return the row count.

    ``out``: a text stream for jsonl/csv, a binary stream or a path for parquet
    (a path works for every format).
    """
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}: choose from {', '.join(FORMATS)}")
    if isinstance(out, (str, Path)):
        return export_to_path(store, fmt, out, text=text, **filters)
    rows = iter_export_rows(store, text=text, **filters)
    if fmt == "jsonl":
        return _write_jsonl(rows, out)  # type: ignore[arg-type]
    if fmt == "csv":
        return _write_csv(rows, out, text)  # type: ignore[arg-type]
    return _write_parquet(rows, out, text)


def export_to_path(store: Store, fmt: str, path: str | Path, *, text: bool = True, **filters: Any) -> int:
    """Export into a file, atomically: a partial export never replaces an old file."""
    fmt = (fmt or "").lower()
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}: choose from {', '.join(FORMATS)}")
    with atomic_output(Path(path), binary=fmt == "parquet") as fh:
        rows = iter_export_rows(store, text=text, **filters)
        if fmt == "jsonl":
            return _write_jsonl(rows, fh)
        if fmt == "csv":
            return _write_csv(rows, fh, text)
        return _write_parquet(rows, fh, text)


@contextmanager
def atomic_output(path: Path, *, binary: bool = False) -> Iterator[Any]:
    """A file handle whose content replaces ``path`` only when the block succeeds.

    Readers never see a half-written file, and a failed write leaves an old one
    in place. The folder is created; a directory at ``path``, or an OSError while
    writing, is an InputError naming the path (one line, no traceback). ``..`` is resolved
    by name first, so ``out/cmp/../f.html`` writes ``out/f.html`` without creating ``out/cmp``.
    """
    path = Path(os.path.normpath(path))
    if path.is_dir():
        raise InputError(f"output path {str(path)!r} is a directory; give a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temp_beside(path)
    except OSError as e:
        raise _cannot_write(path, e) from e
    try:
        mode = "wb" if binary else "w"
        kwargs: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException as e:
        with suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise _cannot_write(path, e) from e
        raise


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new hidden file next to ``path``, created with mode 0o666 so the umask decides, as for a plain open().

    (``tempfile.mkstemp`` would make every report and export owner-only.)
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = str(path.parent / f".{path.name}.{secrets.token_hex(6)}.part")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


def _cannot_write(path: Path, e: OSError) -> InputError:
    return InputError(f"cannot write {str(path)!r}: {e.strerror or e}")


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _iso(v) if isinstance(v, datetime) else v for k, v in row.items()}


def _write_jsonl(rows: Iterator[dict[str, Any]], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(_jsonable(row), ensure_ascii=False))
        out.write("\n")
        n += 1
    out.flush()
    return n


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """One CSV cell, safe to open in a spreadsheet.

    Article text is untrusted: a cell starting with ``=``, ``+``, ``-``, ``@``
    or a tab/CR would run as a formula in Excel or LibreOffice (CSV injection),
    so it gets a leading apostrophe, as OWASP advises. JSONL and Parquet keep
    the text unchanged.
    """
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(rows: Iterable[dict[str, Any]], fields: list[str], out: IO[str]) -> int:
    """Rows as CSV with a header, every cell through :func:`csv_cell`."""
    writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow({key: csv_cell(value) for key, value in row.items()})
        n += 1
    out.flush()
    return n


def _write_csv(rows: Iterator[dict[str, Any]], out: IO[str], text: bool) -> int:
    return write_csv(rows, list(COLUMNS) + (list(TEXT_COLUMNS) if text else []), out)


def _parquet_schema(text: bool):
    import pyarrow as pa

    fields = [
        ("id", pa.string()), ("seq", pa.int64()), ("external_id", pa.string()), ("source", pa.string()),
        ("url", pa.string()), ("title", pa.string()), ("byline", pa.string()),
        ("published", pa.timestamp("us", tz="UTC")), ("language", pa.string()), ("status", pa.string()),
        ("input_format", pa.string()), ("origin", pa.string()), ("extractor", pa.string()),
        ("story_id", pa.string()), ("reprint_group", pa.string()), ("warnings", pa.list_(pa.string())),
        ("metadata", pa.string()), ("ingested_at", pa.timestamp("us", tz="UTC")),
    ]
    if text:
        fields += [("text", pa.string()), ("paragraphs", pa.list_(pa.list_(pa.int64())))]
    return pa.schema(fields)


def _write_parquet(rows: Iterator[dict[str, Any]], out: Any, text: bool, row_group: int = _PAGE) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _parquet_schema(text)
    names = schema.names
    n = 0
    buffer: dict[str, list] = {name: [] for name in names}
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:

        def flush() -> None:
            if buffer["id"]:
                writer.write_table(pa.table(buffer, schema=schema), row_group_size=row_group)
                for values in buffer.values():
                    values.clear()

        for row in rows:
            for name in names:
                value = row.get(name)
                if name == "metadata":
                    value = json.dumps(value or {}, ensure_ascii=False)
                elif isinstance(value, datetime):
                    value = value.astimezone(timezone.utc)
                buffer[name].append(value)
            n += 1
            if len(buffer["id"]) >= row_group:
                flush()
        flush()
    return n
