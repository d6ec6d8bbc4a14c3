"""WARC / WARC.gz files → Articles, streamed with fastwarc (constant memory).

Only ``response`` records with an HTTP 200 HTML payload become articles; the
WARC-Target-URI is the article URL and WARC-Date the fetch time. fastwarc
stops quietly at a truncated record, so this reader checks every block's
length against its Content-Length and looks at what follows the last record:
a truncated or corrupt file yields a Failure naming the file and offset after
all the records before it.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from newsweave.model import Article, Failure
from newsweave.read._common import ReadOptions
from newsweave.read.html import article_from_html

__all__ = ["read_warc_file", "is_warc_file"]

LOGGER = logging.getLogger("newsweave.read.warc")

_GZIP_MAGIC = b"\x1f\x8b"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml+html")
#: a record tail larger than this is not re-read to check for truncation
_TAIL_CHECK_LIMIT = 64 * 1024 * 1024


def is_warc_file(path: Path) -> bool:
    """Sniff the first bytes: ``WARC/`` plain or inside a gzip member."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    if head.startswith(_GZIP_MAGIC):
        try:
            head = zlib.decompressobj(wbits=47).decompress(head, 16)
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


def read_warc_file(path: Path, options: ReadOptions | None = None) -> Iterator[Article | Failure]:
    """Stream the HTML responses of one WARC file as Articles; problems as Failures."""
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError as e:  # pragma: no cover - a declared dependency
        from newsweave.errors import MissingDependency

        raise MissingDependency("fastwarc", "warc", "Reading WARC files") from e

    options = options or ReadOptions()
    name = str(path)
    try:
        handle = open(path, "rb")
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
                origin = f"{name}#{pos}"
                declared = record.headers.get("Content-Length")
                if declared is None or not declared.strip().isdigit():
                    yield Failure(origin, "truncated or corrupt WARC record header (no Content-Length)")
                    return
                if record.record_type != WarcRecordType.response:
                    consumed = record.consume()
                    if consumed < int(declared):
                        yield Failure(origin, f"truncated WARC record ({consumed} of {declared} bytes)")
                        return
                    continue
                result, truncated = _response(record, origin, options)
                if result is not None:
                    yield result
                if truncated:
                    return
        except (OSError, ValueError, RuntimeError) as e:
            where = f"{name}#{last_pos}" if last_pos is not None else name
            yield Failure(where, f"corrupt WARC/gzip data after this record: {e}")
            return
        if records == 0:
            yield Failure(name, "no WARC records found (not a WARC file, or corrupt at offset 0)")
            return
        problem = _check_tail(handle, last_pos or 0, gzipped)
        if problem is not None:
            offset, reason = problem
            yield Failure(f"{name}#{offset}", reason)


def _response(record, origin: str, options: ReadOptions) -> tuple[Article | Failure | None, bool]:
    """(Article / Failure / None for a skipped record, whether the file is truncated here)."""
    try:
        record.parse_http(auto_decode="none")
    except (OSError, ValueError, RuntimeError) as e:
        return Failure(origin, f"corrupt HTTP headers in WARC record: {e}"), False
    expected = record.content_length
    body = record.reader.read()
    if len(body) < expected:
        return Failure(origin, f"truncated WARC record ({len(body)} of {expected} payload bytes)"), True
    headers = record.http_headers
    if headers is None or headers.status_code is None:
        return Failure(origin, "corrupt HTTP response in WARC record (no status line)"), False
    if headers.status_code != 200:
        return None, False
    content_type = (record.http_content_type or "").lower()
    if content_type and not content_type.startswith(_HTML_TYPES):
        return None, False
    if not content_type and not body.lstrip()[:1] == b"<":
        return None, False
    try:
        body = _decode_transfer(body, headers)
    except ValueError as e:
        return Failure(origin, str(e)), False
    url = record.headers.get("WARC-Target-URI")
    url = url.strip("<> ") if url else None
    try:
        fetched_at = record.record_date
    except (ValueError, OSError):
        fetched_at = None
    metadata = {
        "warc_file": origin.rsplit("#", 1)[0],
        "warc_record_id": record.record_id,
        "warc_date": fetched_at.isoformat() if fetched_at else None,
        "content_type": record.http_content_type,
    }
    article = article_from_html(
        body, origin=origin, url=url or None, fetched_at=fetched_at, input_format="warc",
        metadata={k: v for k, v in metadata.items() if v}, options=options,
    )
    return article, False


def _decode_transfer(body: bytes, headers) -> bytes:
    """Undo chunked transfer coding and gzip/deflate/brotli content coding."""
    transfer = (headers.get("Transfer-Encoding") or "").lower()
    if "chunked" in transfer:
        body = _dechunk(body)
    coding = (headers.get("Content-Encoding") or "").lower().strip()
    if coding in ("", "identity", "none", "utf-8"):
        return body
    try:
        if coding in ("gzip", "x-gzip"):
            return zlib.decompressobj(wbits=47).decompress(body)
        if coding == "deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -15)
        if coding == "br":
            try:
                import brotli  # type: ignore[import-not-found]
            except ImportError as e:
                raise ValueError("brotli-encoded body: pip install brotli") from e
            return brotli.decompress(body)
    except zlib.error as e:
        raise ValueError(f"corrupt {coding}-encoded HTTP body: {e}") from e
    # unknown coding: maybe already decoded by the crawler
    return body


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
