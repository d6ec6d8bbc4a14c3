"""WARC and ARC files (plain or gzipped) → Articles; every record accounted for.

WARC is streamed with fastwarc (constant memory, several times faster than warcio);
ARC, which fastwarc does not read, with warcio. What each record becomes:

=============================  ==============================================================
``response`` 200, HTML          an Article (WARC-Target-URI = URL, WARC-Date = fetch time)
``resource``, HTML              an Article (a page saved without its HTTP exchange)
``revisit``                     Skipped: the same page again; its content is an earlier record's
``response`` other status/type  Skipped, naming the status or content type
``request`` ``warcinfo`` …      Skipped, naming the record type
truncated / malformed           a Failure naming the file, the offset and the reason
=============================  ==============================================================

fastwarc stops quietly at a truncated record, so this reader checks every block's length
against its Content-Length and looks at what follows the last record: a truncated or
corrupt file yields a Failure naming the file and offset after all the records before it.
A record whose ``WARC-Payload-Digest`` does not match its payload is a Failure; a record
(or a content-encoded HTTP body, once decoded) larger than ``ReadOptions.max_file_bytes``
is a Failure without being held in memory; whatever one record raises, a native panic
included, ends that record only.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import re
import zlib
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from newsweave.model import Article, Failure, Skipped
from newsweave.read._common import ReadOptions, is_input_error, isolated
from newsweave.read.html import article_from_html

__all__ = ["read_warc_file", "is_warc_file", "is_arc_file"]

LOGGER = logging.getLogger("newsweave.read.warc")

_GZIP_MAGIC = b"\x1f\x8b"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml+html")
#: a record tail larger than this is not re-read to check for truncation
_TAIL_CHECK_LIMIT = 64 * 1024 * 1024


def _head(path: Path) -> bytes:
    """The first bytes of a file, gunzipped when it is gzip (b"" when unreadable)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return b""
    if head.startswith(_GZIP_MAGIC):
        try:
            head = zlib.decompressobj(wbits=47).decompress(head, 64)
        except zlib.error:
            return b""
    return head


def is_warc_file(path: Path) -> bool:
    """Sniff the first bytes: ``WARC/`` or an ARC ``filedesc://`` header, plain or gzipped."""
    head = _head(path)
    return head.startswith(b"WARC/") or head.startswith(b"filedesc://")


def is_arc_file(path: Path) -> bool:
    """An ARC file (Internet Archive's pre-WARC format) opens with a ``filedesc://`` record."""
    return _head(path).startswith(b"filedesc://")


def read_warc_file(path: Path, options: ReadOptions | None = None) -> Iterator[Article | Failure]:
    """Every record of one WARC or ARC file as an Article, a Skipped or a Failure."""
    options = options or ReadOptions()
    if is_arc_file(path):
        yield from _read_arc(path, options)
        return
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError as e:  # pragma: no cover - a declared dependency
        from newsweave.errors import MissingDependency

        raise MissingDependency("fastwarc", None, "Reading WARC files") from e

    name = str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - entered below, once the open error is told
    except OSError as e:
        yield Failure(name, f"cannot read file: {e.strerror or e}")
        return
    with handle:
        head = handle.read(2)
        handle.seek(0)
        if not head:
            yield Failure(name, "empty file")
            return
        gzipped = head == _GZIP_MAGIC
        last_pos: int | None = None
        records = 0
        try:
            iterator = ArchiveIterator(handle, record_types=WarcRecordType.any_type, parse_http=False)
            for record in iterator:
                records += 1
                pos = record.stream_pos
                last_pos = pos
                result, truncated = _record(record, f"{name}#{pos}", options)
                yield result
                if truncated:
                    return
        except BaseException as e:  # fastwarc's panics are BaseExceptions; the records before are kept
            if not is_input_error(e):
                raise
            where = f"{name}#{last_pos}" if last_pos is not None else name
            yield Failure(where, f"corrupt WARC/gzip data after this record: {type(e).__name__}: "
                                 f"{' '.join(str(e).split())[:160]}")
            return
        if records == 0:
            yield Failure(name, "no WARC records found (not a WARC file, or corrupt at offset 0)")
            return
        problem = _check_tail(handle, last_pos or 0, gzipped)
        if problem is not None:
            offset, reason = problem
            yield Failure(f"{name}#{offset}", reason)


def _record(record, origin: str, options: ReadOptions) -> tuple[Article | Failure, bool]:
    """One fastwarc record → (its outcome, whether the file is truncated here).

    A response or resource no larger than ``max_file_bytes`` is read in isolation; any other
    record, or a larger one, is streamed past unread (``consume``) and reported.
    """
    from fastwarc.warc import WarcRecordType

    declared = record.headers.get("Content-Length")
    if declared is None or not declared.strip().isdigit():
        return Failure(origin, "truncated or corrupt WARC record header (no Content-Length)"), True
    size = int(declared)
    readable = record.record_type in (WarcRecordType.response, WarcRecordType.resource)
    if readable and size <= options.max_file_bytes:
        return _isolated(record, origin, size, options)
    consumed = record.consume()
    if consumed < size:
        return Failure(origin, f"truncated WARC record ({consumed} of {size} bytes)"), True
    if size > options.max_file_bytes:
        return Failure(origin, f"WARC record too large ({size} bytes > {options.max_file_bytes}); skipped"), False
    type_name = (record.headers.get("WARC-Type") or "unknown").strip().lower()
    uri = _target(record.headers.get("WARC-Target-URI"))
    if type_name == "revisit":
        return Skipped(origin, _revisit_reason(record.headers.get("WARC-Refers-To-Target-URI") or uri,
                                               record.headers.get("WARC-Profile"))), False
    return Skipped(origin, f"not an article: WARC {type_name} record" + (f" for {uri}" if uri else "")), False


def _isolated(record, origin: str, size: int, options: ReadOptions) -> tuple[Article | Failure, bool]:
    """A response or resource record, with whatever it raises turned into that record's Failure."""
    outcome = isolated(origin, lambda: _response_or_resource(record, origin, size, options))
    return outcome if isinstance(outcome, tuple) else (outcome, False)


def _response_or_resource(record, origin: str, size: int, options: ReadOptions) -> tuple[Article | Failure, bool]:
    from fastwarc.warc import WarcRecordType

    if record.record_type == WarcRecordType.response:
        return _response(record, origin, options)
    body = record.reader.read()
    if len(body) < size:
        return Failure(origin, f"truncated WARC record ({len(body)} of {size} bytes)"), True
    return _resource(record, body, origin, options), False


def _revisit_reason(uri: str | None, profile: str | None) -> str:
    why = "server said not modified" if profile and "not-modified" in profile else "identical payload"
    return (f"not an article: WARC revisit record for {_target(uri) or 'an earlier capture'} "
            f"({why}: its text is the earlier capture's)")


def _target(value: str | None) -> str | None:
    """A WARC-Target-URI without the ``<…>`` some writers put around it."""
    value = (value or "").strip().strip("<>").strip()
    return value or None


def _resource(record, body: bytes, origin: str, options: ReadOptions) -> Article | Failure:
    """A ``resource`` record: the saved file itself, with its own Content-Type."""
    content_type = (record.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type and not content_type.startswith(_HTML_TYPES):
        return Skipped(origin, f"not an article: {content_type} resource")
    if not content_type and body.lstrip()[:1] != b"<":
        return Skipped(origin, "not an article: resource without a content type that is not markup")
    return _html_article(body, origin, _target(record.headers.get("WARC-Target-URI")),
                         _record_date(record), record.record_id, content_type, options)


def _record_date(record) -> datetime | None:
    try:
        return record.record_date
    except (ValueError, OSError):
        return None


def _html_article(body: bytes, origin: str, uri: str | None, fetched_at: datetime | None, record_id: str | None,
                  content_type: str | None, options: ReadOptions) -> Article | Failure:
    url = uri if uri and uri.lower().startswith(("http://", "https://")) else None
    metadata = {
        "warc_file": origin.rsplit("#", 1)[0],
        "warc_record_id": record_id,
        "warc_target_uri": uri if uri != url else None,
        "warc_date": fetched_at.isoformat() if fetched_at else None,
        "content_type": content_type,
    }
    return article_from_html(
        body, origin=origin, url=url, fetched_at=fetched_at, input_format="warc",
        metadata={k: v for k, v in metadata.items() if v}, options=options,
    )


def _response(record, origin: str, options: ReadOptions) -> tuple[Article | Failure, bool]:
    """(the response's outcome, whether the file is truncated here)."""
    try:
        record.parse_http(auto_decode="none")
    except (OSError, ValueError, RuntimeError) as e:
        return Failure(origin, f"corrupt HTTP headers in WARC record: {e}"), False
    expected = record.content_length
    body = record.reader.read()
    if len(body) < expected:
        return Failure(origin, f"truncated WARC record ({len(body)} of {expected} payload bytes)"), True
    problem = payload_digest_problem(record.headers.get("WARC-Payload-Digest"), body)
    if problem:
        return Failure(origin, problem), False
    headers = record.http_headers
    if headers is None or headers.status_code is None:
        return Failure(origin, "corrupt HTTP response in WARC record (no status line)"), False
    content_type = (record.http_content_type or "").lower()
    skip = _not_an_article(headers.status_code, content_type, body)
    if skip:
        return Skipped(origin, skip), False
    try:
        body = _decode_transfer(body, headers, options.max_file_bytes)
    except ValueError as e:
        return Failure(origin, str(e)), False
    return _html_article(body, origin, _target(record.headers.get("WARC-Target-URI")), _record_date(record),
                         record.record_id, record.http_content_type, options), False


def _not_an_article(status: int, content_type: str, body: bytes) -> str | None:
    """Why an HTTP response is not an article page (None when it may be one)."""
    if status != 200:
        return f"not an article: HTTP {status} response"
    if content_type and not content_type.startswith(_HTML_TYPES):
        return f"not an article: {content_type.split(';')[0].strip()} response"
    if not content_type and body.lstrip()[:1] != b"<":
        return "not an article: response without a content type that is not markup"
    return None


# ---------------------------------------------------------------- ARC (warcio)


def _read_arc(path: Path, options: ReadOptions) -> Iterator[Article | Failure]:
    """An ARC file through warcio (which converts each record to its WARC form)."""
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError as e:  # pragma: no cover - a declared dependency
        from newsweave.errors import MissingDependency

        raise MissingDependency("warcio", None, "Reading ARC files") from e
    name = str(path)
    offset = 0
    try:
        with open(path, "rb") as handle:
            iterator = ArchiveIterator(handle, arc2warc=True)
            for record in iterator:
                offset = iterator.offset
                yield isolated(f"{name}#{offset}", partial(_arc_record, record, f"{name}#{offset}", options))
    except OSError as e:
        yield Failure(f"{name}#{offset}", f"cannot read ARC file: {e.strerror or e}")
    except (ArchiveLoadFailed, ValueError, EOFError, zlib.error, gzip.BadGzipFile) as e:
        yield Failure(f"{name}#{offset}", f"corrupt ARC data after this record: {_one_line(e)}")


def _arc_record(record: Any, origin: str, options: ReadOptions) -> Article | Failure:
    headers = record.rec_headers
    uri = _target(headers.get_header("WARC-Target-URI"))
    if record.rec_type != "response":
        return Skipped(origin, f"not an article: ARC {'file header' if record.rec_type == 'warcinfo' else record.rec_type}"
                               " record")
    body = record.content_stream().read()
    status = record.http_headers.get_statuscode() if record.http_headers else None
    declared = (headers.get_header("Content-Length") or "").strip()
    if not status or not str(status).isdigit():
        return Failure(origin, f"malformed ARC record for {uri or 'an unknown URL'}: no HTTP response "
                               f"(declared length {declared or 'missing'}, {len(body)} bytes read)")
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    skip = _not_an_article(int(status), content_type, body)
    if skip:
        return Skipped(origin, skip)
    return _html_article(body, origin, uri, _arc_date(headers.get_header("WARC-Date")), None,
                         record.http_headers.get_header("Content-Type"), options)


def _arc_date(value: str | None) -> datetime | None:
    from newsweave.read._common import parse_datetime

    return parse_datetime(value) if value else None


def _one_line(error: object) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _decode_transfer(body: bytes, headers, limit: int) -> bytes:
    """Undo chunked transfer coding and gzip/deflate/brotli content coding, to at most ``limit`` bytes."""
    transfer = (headers.get("Transfer-Encoding") or "").lower()
    if "chunked" in transfer:
        body = _dechunk(body)
    coding = (headers.get("Content-Encoding") or "").lower().strip()
    if coding in ("", "identity", "none", "utf-8"):
        return body
    try:
        if coding in ("gzip", "x-gzip"):
            return _inflate(zlib.decompressobj(wbits=47), body, limit, coding)
        if coding == "deflate":
            try:
                return _inflate(zlib.decompressobj(), body, limit, coding)
            except zlib.error:
                return _inflate(zlib.decompressobj(-15), body, limit, coding)
        if coding == "br":
            try:
                import brotli
            except ImportError as e:
                raise ValueError("brotli-encoded body: pip install brotli") from e
            out = brotli.Decompressor().process(body, output_buffer_limit=limit + 1)
            if len(out) > limit:
                raise ValueError(f"br-encoded HTTP body expands past {limit} bytes; skipped")
            return out
    except zlib.error as e:
        raise ValueError(f"corrupt {coding}-encoded HTTP body: {e}") from e
    # unknown coding: maybe already decoded by the crawler
    return body


def _inflate(decomp, body: bytes, limit: int, coding: str) -> bytes:
    """Decompress at most ``limit`` bytes: a small body that expands without end is refused, not held."""
    out = decomp.decompress(body, limit + 1)
    if len(out) > limit or decomp.unconsumed_tail:
        raise ValueError(f"{coding}-encoded HTTP body expands past {limit} bytes; skipped")
    return out


def payload_digest_problem(declared: str | None, body: bytes) -> str | None:
    """Why ``body`` does not match its ``WARC-Payload-Digest`` (``sha1:BASE32`` or hex), else None.

    The digest is taken over the body as stored; crawlers differ on whether
    chunked transfer coding is removed first, so either reading passes.
    An unknown algorithm is not checked.
    """
    if not declared or ":" not in declared:
        return None
    algorithm, _, expected = declared.strip().partition(":")
    algorithm = algorithm.lower().replace("-", "")
    if algorithm not in ("sha1", "sha256", "sha512", "md5"):
        return None
    expected = expected.strip()
    candidates = [body]
    if body[:20].split(b"\r\n", 1)[0].strip().isalnum():
        candidates.append(_dechunk(body))
    for candidate in candidates:
        digest = hashlib.new(algorithm, candidate).digest()
        if expected.upper() in (base64.b32encode(digest).decode(), digest.hex().upper()):
            return None
    return f"WARC payload digest mismatch ({algorithm}): the record is corrupt"


def _dechunk(body: bytes) -> bytes:
    out = bytearray()
    pos = 0
    while pos < len(body):
        end = body.find(b"\r\n", pos)
        if end < 0:
            return body if not out else bytes(out)
        size_field = body[pos:end].split(b";", 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            return body if not out else bytes(out)  # not chunked after all
        if size == 0:
            break
        out += body[end + 2 : end + 2 + size]
        pos = end + 2 + size + 2
    return bytes(out)


def _drain(decomp, data: memoryview, chunk: int = 1 << 20) -> int:
    """Decompress ``data`` to the end of its first gzip member, discarding the output;
    returns how many bytes of ``data`` that member took (all of them when it never ends)."""
    for start in range(0, len(data), chunk):
        piece = data[start : start + chunk]
        decomp.decompress(piece, chunk * 4)
        while decomp.unconsumed_tail and not decomp.eof:
            decomp.decompress(decomp.unconsumed_tail, chunk * 4)
        if decomp.eof:
            return start + len(piece) - len(decomp.unused_data)
    return len(data)


_CONTENT_LENGTH = re.compile(rb"\r?\nContent-Length:[ \t]*(\d+)", re.IGNORECASE)


def _check_tail(handle, last_pos: int, gzipped: bool) -> tuple[int, str] | None:
    """After the iterator stops: is everything from the last record on one whole record?"""
    try:
        handle.seek(0, 2)
        size = handle.tell()
        if size - last_pos > _TAIL_CHECK_LIMIT:
            return None
        handle.seek(last_pos)
        tail = handle.read()
    except OSError as e:
        return last_pos, f"cannot re-read WARC tail: {e}"
    if gzipped:
        if not tail.startswith(_GZIP_MAGIC):
            return None  # one gzip stream for the whole file: member boundaries unknown
        offset = 0
        members = 0
        while offset < len(tail):
            if not tail[offset:].strip(b"\x00\r\n "):
                break
            if not tail.startswith(_GZIP_MAGIC, offset):
                return last_pos + offset, "corrupt data after the last WARC record (not gzip)"
            decomp = zlib.decompressobj(wbits=31)
            try:
                used = _drain(decomp, memoryview(tail)[offset:])
            except zlib.error as e:
                return last_pos + offset, f"corrupt gzip member: {e}"
            if not decomp.eof:
                return last_pos + offset, "truncated gzip member (file cut short)"
            members += 1
            if members > 1:
                return last_pos + offset, "unreadable WARC record (corrupt header)"
            offset += used
        return None
    head_end = tail.find(b"\r\n\r\n")
    if head_end < 0:
        return last_pos, "truncated WARC record header"
    match = _CONTENT_LENGTH.search(tail[:head_end + 2])
    if not match:
        return last_pos, "corrupt WARC record: no Content-Length header"
    declared = int(match.group(1))
    end = head_end + 4 + declared + 4
    if end - 4 > len(tail):  # the closing blank line alone may be missing
        return last_pos, f"truncated WARC record ({len(tail) - head_end - 4} of {declared} bytes)"
    rest = tail[end:]
    if rest.strip(b"\r\n \x00"):
        return last_pos + end, "unreadable data after the last WARC record (corrupt header)"
    return None
