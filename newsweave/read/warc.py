"""WARC / WARC.gz files → Articles, streamed with fastwarc (constant memory).

Only ``response`` records with an HTTP 200 HTML payload become articles; the
WARC-Target-URI is the article URL and WARC-Date the fetch time. fastwarc
stops quietly at a truncated record, so this reader checks every block's
length against its Content-Length and looks at what follows the last record:
a truncated or corrupt file yields a Failure naming the file and offset after
all the records before it. A record whose ``WARC-Payload-Digest`` does not match its
payload is a Failure; a record (or a content-encoded HTTP body, once decoded) larger
than ``ReadOptions.max_file_bytes`` is skipped as a Failure without being held in
memory; whatever one record raises, a native panic included, ends that record only.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from newsweave.model import Article, Failure
from newsweave.read._common import ReadOptions, failure_for, is_input_error
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
                result, stop = _one_record(record, f"{name}#{pos}", options, WarcRecordType.response)
                if result is not None:
                    yield result
                if stop:
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


def _one_record(record, origin: str, options: ReadOptions, response_type) -> tuple[Article | Failure | None, bool]:
    """(Article / Failure / None for a skipped record, whether reading the file must stop here).

    A record other than a response, or larger than ``max_file_bytes``, is skipped
    unread (``consume`` streams past it); a response is read in isolation.
    """
    declared = record.headers.get("Content-Length")
    if declared is None or not declared.strip().isdigit():
        return Failure(origin, "truncated or corrupt WARC record header (no Content-Length)"), True
    too_large = int(declared) > options.max_file_bytes
    if record.record_type == response_type and not too_large:
        return _isolated_response(record, origin, options)
    consumed = record.consume()
    if consumed < int(declared):
        return Failure(origin, f"truncated WARC record ({consumed} of {declared} bytes)"), True
    if too_large:
        return Failure(origin, f"WARC record too large ({declared} bytes > {options.max_file_bytes}); skipped"), False
    return None, False


def _isolated_response(record, origin: str, options: ReadOptions) -> tuple[Article | Failure | None, bool]:
    """:func:`_response`, with whatever one record raises turned into that record's Failure."""
    try:
        return _response(record, origin, options)
    except BaseException as e:
        if not is_input_error(e):
            raise
        return failure_for(origin, e), False


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
    problem = payload_digest_problem(record.headers.get("WARC-Payload-Digest"), body)
    if problem:
        return Failure(origin, problem), False
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
        body = _decode_transfer(body, headers, options.max_file_bytes)
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
                import brotli  # type: ignore[import-not-found]
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
