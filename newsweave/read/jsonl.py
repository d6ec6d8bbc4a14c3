"""JSON Lines and JSON files → Articles, one per record.

Field names of news-please (``maintext``, ``source_domain``, ``date_publish``,
``authors`` …) and of trafilatura's JSON output (``text``, ``raw_text``,
``hostname``, ``sitename``, ``date`` …) work without configuration;
``ReadOptions.field_map`` maps any other layout (``{"text": "body"}``).
A record carrying ``html`` instead of text goes through the HTML extractor.
"""

from __future__ import annotations

import gzip
import json
import logging
import zlib
from collections.abc import Iterable, Iterator
from functools import partial
from io import BufferedIOBase
from pathlib import Path
from typing import Any

from newsweave.errors import InputError
from newsweave.model import Article, Failure, article_id_for
from newsweave.read._common import (
    ReadOptions,
    finish_article,
    identity_key,
    isolated,
    parse_datetime,
    read_file_bytes,
    source_from_value,
)

__all__ = ["DEFAULT_FIELDS", "article_from_record", "parse_field_map", "read_json_file", "read_jsonl_file"]

LOGGER = logging.getLogger("newsweave.read.jsonl")

#: Article field -> record keys tried in order (after ReadOptions.field_map).
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("maintext", "text", "raw_text", "body", "content", "article", "article_text"),
    "html": ("html", "raw_html", "content_html"),
    "title": ("title", "headline"),
    "source": ("source", "outlet", "sitename", "site_name", "publisher", "source_domain", "hostname", "domain"),
    "url": ("url", "link", "canonical_url", "source_url", "source"),  # trafilatura: source = URL
    "published": ("date_publish", "published", "published_at", "datePublished", "date", "pubdate"),
    "byline": ("authors", "author", "byline"),
    "language": ("language", "lang"),
    "external_id": ("id", "_id", "record_id", "uuid", "fingerprint"),
    "description": ("description", "summary"),
}

_FIELD_ALIASES = {"id": "external_id", "date": "published", "author": "byline"}


def parse_field_map(items: Iterable[str]) -> dict[str, str]:
    """``["text=body", "id=uuid"]`` → a ``ReadOptions.field_map``; a bad item is an InputError naming it.

    Lets the CLI's ``--field`` and a config file share one check of the field names.
    """
    mapping: dict[str, str] = {}
    for item in items:
        name, sep, key = item.partition("=")
        name = _FIELD_ALIASES.get(name.strip(), name.strip())
        if not sep or not key.strip():
            raise InputError(f"field mapping {item!r}: expected FIELD=KEY, e.g. text=body")
        if name not in DEFAULT_FIELDS:
            raise InputError(f"field mapping {item!r}: unknown field {name!r}; use one of {', '.join(DEFAULT_FIELDS)}")
        mapping[name] = key.strip()
    return mapping


def read_jsonl_file(path: Path, options: ReadOptions | None = None) -> Iterator[Article | Failure]:
    """Stream a .jsonl/.ndjson (optionally .gz) file: one Article or Failure per non-blank line.

    Each line is read in isolation and bounded: a line longer than ``max_file_bytes``
    (decompressed) is skipped as a Failure without being held in memory. Of a gzip
    file only records inside members whose CRC checked out are used (a first pass
    decompresses it, keeping nothing): text decompressed before damage, or before a
    cut, cannot be told from altered text, so the rest of the file is one Failure.
    """
    options = options or ReadOptions()
    gzipped = path.suffix.lower() == ".gz"
    verified, problem = _gzip_verified_prefix(path) if gzipped else (None, None)
    try:
        handle = gzip.open(path, "rb") if gzipped else open(path, "rb")  # noqa: SIM115 - entered below, once the open error is told
    except OSError as e:
        yield Failure(str(path), f"cannot read file: {e.strerror or e}")
        return
    lineno = offset = seen = 0
    with handle:
        try:
            for lineno, raw, size in _bounded_lines(handle, options.max_file_bytes):
                offset += size
                if verified is not None and offset > verified:
                    break  # past the last whole, checked gzip member
                if raw is not None and not raw.strip():
                    continue
                seen += 1
                origin = f"{path}:{lineno}"
                if raw is None:
                    yield Failure(origin, f"record too large ({size} bytes > {options.max_file_bytes}); skipped")
                    continue
                yield _isolated_record(raw.rstrip(b"\r\n"), origin, path, options)
        except (OSError, EOFError, zlib.error) as e:  # a read error part-way, in the line after the last
            lineno += 1
            problem = problem or f"cannot read further: {_short(e)}"
    if problem:
        yield Failure(f"{path}:{lineno}" if seen else str(path), problem)
    elif seen == 0:
        yield Failure(str(path), "empty file")


def _isolated_record(raw: bytes, origin: str, path: Path, options: ReadOptions) -> Article | Failure:
    """One JSON line → Article or Failure; nothing it holds can raise past this record."""
    try:
        record = json.loads(raw)
    except (ValueError, RecursionError) as e:  # UnicodeDecodeError included
        return Failure(origin, _json_error(e))
    return isolated(origin, lambda: article_from_record(record, raw=raw, origin=origin, input_format="jsonl",
                                                        options=options, fallback_source=path.stem))


def _bounded_lines(handle: BufferedIOBase, cap: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, the line — None when longer than ``cap`` —, its length in bytes).

    An over-long line is read past in pieces, so memory stays under ``cap`` whatever a line holds.
    """
    lineno = 0
    while True:
        line = handle.readline(cap + 1)
        if not line:
            return
        lineno += 1
        if len(line) <= cap or line.endswith(b"\n"):
            yield lineno, line, len(line)
            continue
        size = len(line)
        while line and not line.endswith(b"\n"):
            line = handle.readline(1 << 20)
            size += len(line)
        yield lineno, None, size


def _gzip_verified_prefix(path: Path) -> tuple[int, str | None]:
    """(decompressed bytes covered by whole gzip members whose CRC and length checked out,
    why the rest cannot be used — None when the whole file is sound).

    Decompresses member by member in bounded pieces and keeps nothing, so a bomb
    costs time, not memory.
    """
    decomp, started = zlib.decompressobj(wbits=31), False
    produced = verified = 0
    pending = b""
    try:
        with open(path, "rb") as handle:
            while True:
                data = decomp.unconsumed_tail or pending or handle.read(1 << 20)
                pending = b""
                if not started:
                    data = data.lstrip(b"\0")  # padding between members, as gzip allows
                if not data:
                    if started and not decomp.eof:  # drain what the last input still holds
                        out = decomp.decompress(b"", 1 << 22)
                        produced += len(out)
                        if out:
                            continue
                    break
                started = True
                produced += len(decomp.decompress(data, 1 << 22))
                if decomp.eof:  # the member's CRC and length were checked by zlib
                    verified, pending = produced, decomp.unused_data
                    decomp, started = zlib.decompressobj(wbits=31), False
    except zlib.error as e:
        reason = str(e).rpartition(": ")[2]
        reason = {"incorrect data check": "CRC check failed",
                  "incorrect length check": "length check failed"}.get(reason, reason)
        return verified, f"corrupt gzip data, no record after the last sound member kept ({reason})"
    except OSError as e:
        return verified, f"cannot read file: {e.strerror or e}"
    if started:
        return verified, "file cut short inside a gzip member; its records are not kept (no checksum to trust)"
    return verified, None


def read_json_file(path: Path, options: ReadOptions | None = None) -> Iterator[Article | Failure]:
    """A .json file: an array of records, an object with a list of records, or one record."""
    options = options or ReadOptions()
    origin = str(path)
    data = read_file_bytes(path, options, hint="; use JSON Lines")
    if isinstance(data, Failure):
        yield data
        return
    if not data.strip():
        yield Failure(origin, "empty file")
        return
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as e:
        # maybe it is JSON Lines under a .json name
        if isinstance(e, ValueError) and not isinstance(e, UnicodeDecodeError) \
                and data.lstrip().startswith(b"{") and b"\n" in data.strip():
            yield from read_jsonl_file(path, options)
            return
        yield Failure(origin, _json_error(e))
        return
    records: list[Any]
    if isinstance(document, list):
        records = document
    elif isinstance(document, dict):
        listed = next((v for k, v in document.items() if k in ("articles", "items", "records", "data", "results")
                       and isinstance(v, list)), None)
        records = listed if listed is not None else [document]
    else:
        yield Failure(origin, f"JSON holds a {type(document).__name__}, not records")
        return
    if not records:
        yield Failure(origin, "no records (an empty JSON list)")
        return
    single = len(records) == 1 and records[0] is document
    for index, record in enumerate(records):
        rec_origin = origin if single else f"{origin}[{index}]"
        yield isolated(rec_origin, partial(_record_from_json, record, data if single else None, rec_origin, options, path.stem))


def article_from_record(
    record: Any,
    *,
    raw: bytes,
    origin: str,
    input_format: str,
    options: ReadOptions | None = None,
    fallback_source: str = "",
) -> Article | Failure:
    """One decoded JSON record → Article (or Failure when it holds no text)."""
    options = options or ReadOptions()
    if not isinstance(record, dict):
        return Failure(origin, f"record is a JSON {type(record).__name__}, not an object")
    get = _getter(record, options.field_map)
    warnings: list[str] = []
    published_value = get("published")
    published = parse_datetime(published_value, warnings) if published_value is not None else None
    url = get("url")
    url = url.strip() if isinstance(url, str) and url.strip().startswith(("http://", "https://")) else None
    external_id = get("external_id")
    source = _source(record, options.field_map)
    title = _as_text(get("title"))
    byline = _names(get("byline"))
    language = _as_text(get("language"))
    metadata = {k: v for k, v in record.items()
                if k not in ("text", "maintext", "raw_text", "html", "raw_html", "content", "body", "content_html")
                and isinstance(v, (str, int, float, bool, list, dict, type(None)))}

    text = get("text")
    if not (isinstance(text, str) and text.strip()):
        html = get("html")
        if isinstance(html, str) and html.strip():
            from newsweave.read.html import article_from_html

            result = article_from_html(
                html.encode("utf-8"), origin=origin, url=url, input_format=input_format, metadata=metadata,
                options=options, fallback_source=fallback_source,
                defaults={"title": title, "byline": byline, "published": published, "source": source,
                          "external_id": external_id, "language": language},
            )
            if isinstance(result, Article):  # raw is the record, byte for byte, not the HTML inside it
                if source:
                    result.source = source
                result.raw = raw
                result.id = article_id_for(raw, identity_key(result.url, source))
            return result
        return Failure(origin, "record has no text (looked for " + ", ".join(_keys("text", options)) + ")")
    return finish_article(
        raw=raw,
        text=_paragraphs(text),
        origin=origin,
        input_format=input_format,
        source=source,
        fallback_source=fallback_source,
        name_as_outlet=options.outlet_from_filename,
        url=url,
        title=title,
        byline=byline,
        published=published,
        language=language,
        external_id=None if external_id is None else str(external_id),
        extractor=input_format,
        warnings=warnings,
        metadata=metadata,
        fallback_in_id=False,
    )


def _record_from_json(record: Any, raw: bytes | None, origin: str, options: ReadOptions,
                      fallback_source: str) -> Article | Failure:
    """One record of a JSON document; ``raw`` is the document when it is the only record, else the
    record itself is serialised (sorted keys: the same record gives the same bytes and id)."""
    raw = raw if raw is not None else json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return article_from_record(record, raw=raw, origin=origin, input_format="json",
                               options=options, fallback_source=fallback_source)


def _source(record: dict[str, Any], field_map: dict[str, str]) -> str | None:
    """The first outlet name; a URL-valued key (trafilatura's ``source``) only as a last resort."""
    keys = ([field_map["source"]] if field_map.get("source") else []) + list(DEFAULT_FIELDS["source"])
    url_fallback = None
    for key in keys:
        value = _lookup(record, key)
        if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
            url_fallback = url_fallback or value
            continue
        found = source_from_value(value)
        if found:
            return found
    return source_from_value(url_fallback)


def _keys(field: str, options: ReadOptions) -> list[str]:
    mapped = options.field_map.get(field)
    return ([mapped] if mapped else []) + list(DEFAULT_FIELDS.get(field, ()))


def _getter(record: dict[str, Any], field_map: dict[str, str]):
    def get(field: str) -> Any:
        mapped = field_map.get(field)
        if mapped:
            value = _lookup(record, mapped)
            if value not in (None, "", []):
                return value
        for key in DEFAULT_FIELDS.get(field, ()):
            value = record.get(key)
            if value not in (None, "", []):
                return value
        return None

    return get


def _lookup(record: dict[str, Any], dotted: str) -> Any:
    """``"meta.source"`` reaches into nested objects."""
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _names(value: Any) -> str | None:
    """Authors as a string, a list of strings, or {"name": …} objects → "A; B"."""
    items = value if isinstance(value, list) else [value]
    names = [_as_text(item) for item in items[:20]]
    return "; ".join(" ".join(n.split()) for n in names if n and n.strip()) or None


def _as_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        value = value.get("name")
        return value if isinstance(value, str) else None
    return None


def _paragraphs(text: str) -> str:
    """Normalise line ends; a record's single newlines between paragraphs become blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\n\n" in text:
        import re

        return "\n\n".join(b.strip() for b in re.split(r"\n[ \t]*\n", text) if b.strip())
    return "\n\n".join(line.strip() for line in text.split("\n") if line.strip())


def _json_error(error: ValueError | RecursionError) -> str:
    """The one-line reason a record is not JSON (bad bytes say where)."""
    if isinstance(error, RecursionError):
        return "invalid JSON (nested too deeply)"
    if isinstance(error, UnicodeDecodeError):
        return f"invalid JSON (not UTF-8: {error.reason} at byte {error.start})"
    return f"invalid JSON ({_short(error)})"


def _short(error: BaseException) -> str:
    message = str(error)
    return message if len(message) <= 100 else message[:97] + "..."
