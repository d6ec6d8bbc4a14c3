"""Helpers shared by the readers: options, outlet names, dates, decoding.

Nothing here touches the network: the registered-domain lookup uses only
tldextract's bundled public-suffix snapshot.
"""

from __future__ import annotations

import logging
import math
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

from newsweave.model import UNKNOWN_OUTLET, Article, Failure, article_id_for

T = TypeVar("T")

__all__ = [
    "DEFAULT_USER_AGENT",
    "ReadOptions",
    "ReadResult",
    "EARLIEST_DATE",
    "LATEST_DATE",
    "decode_text",
    "finish_article",
    "failure_for",
    "guarded",
    "isolated",
    "identity_key",
    "is_input_error",
    "looks_binary",
    "not_a_regular_file",
    "parse_datetime",
    "read_file_bytes",
    "registered_domain",
    "source_from_value",
    "strip_credentials",
]

LOGGER = logging.getLogger("newsweave.read")

ReadResult = Article | Failure

PROJECT_URL = "https://github.com/newsweave/newsweave"


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("newsweave")
    except Exception:  # noqa: BLE001 - not installed (running from a checkout)
        return "0.1.0"


DEFAULT_USER_AGENT = f"newsweave/{_version()} (+{PROJECT_URL})"


@dataclass(slots=True)
class ReadOptions:
    """Every knob the readers have; the Python API and the CLI share this one object.

    >>> ReadOptions(timeout=5.0, respect_robots=False).max_bytes
    10485760
    """

    #: JSON/JSONL: Article field -> record key, tried before the built-in
    #: news-please / trafilatura names, e.g. ``{"text": "body", "source": "outlet"}``.
    field_map: dict[str, str] = field(default_factory=dict)
    #: HTTP: seconds for connect/read/write/pool each.
    timeout: float = 10.0
    #: HTTP: a response body larger than this is abandoned (streamed, not buffered).
    max_bytes: int = 10 * 1024 * 1024
    user_agent: str = DEFAULT_USER_AGENT
    #: HTTP: extra attempts after a 5xx / 429 / connection error / timeout.
    retries: int = 2
    #: HTTP: first retry waits this many seconds, doubling each time.
    backoff: float = 0.5
    respect_robots: bool = True
    max_redirects: int = 5
    #: Feeds: at most this many entries per feed (None: all).
    max_feed_entries: int | None = None
    #: Local files: force this encoding instead of detecting it.
    encoding: str | None = None
    #: Local files without an outlet in their metadata or text: use the file name as the
    #: outlet (off: the outlet stays "unknown" — a file name is rarely an outlet).
    outlet_from_filename: bool = False
    #: Local files larger than this are refused; the same cap bounds one record once
    #: decompressed (a JSONL line, a WARC record, a gzip-encoded HTTP body), so a small
    #: compressed file cannot expand without limit. A WARC or JSONL file as a whole is streamed.
    max_file_bytes: int = 50 * 1024 * 1024
    #: HTTP: seconds one URL may take in all (connect, slow bodies, retries, redirects).
    deadline: float = 60.0
    #: HTML: passed to trafilatura.
    favor_precision: bool = False
    favor_recall: bool = False
    include_tables: bool = True

    def __post_init__(self) -> None:
        for name in ("timeout", "deadline", "backoff"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"{name} must be a finite number of seconds, got {value!r}")
        if self.timeout <= 0:
            raise ValueError(f"timeout must be > 0 seconds, got {self.timeout!r}")
        if self.deadline <= 0:
            raise ValueError(f"deadline must be > 0 seconds, got {self.deadline!r}")
        if self.max_file_bytes <= 0:
            raise ValueError(f"max_file_bytes must be > 0, got {self.max_file_bytes!r}")
        if self.max_bytes <= 0:
            raise ValueError(f"max_bytes must be > 0, got {self.max_bytes!r}")
        if self.retries < 0:
            raise ValueError(f"retries must be >= 0, got {self.retries!r}")
        if self.backoff < 0:
            raise ValueError(f"backoff must be >= 0 seconds, got {self.backoff!r}")
        if not isinstance(self.field_map, Mapping):
            raise TypeError("field_map must map Article field names to record keys, e.g. {'text': 'body'}")


# ---------------------------------------------------------------- outlet names


@lru_cache(maxsize=1)
def _extractor():
    import tldextract

    # suffix_list_urls=() → only the snapshot bundled with tldextract, never the network
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def registered_domain(url_or_host: str) -> str | None:
    """``https://www.news.example.co.uk/a`` → ``example.co.uk``; None when there is none."""
    if not url_or_host:
        return None
    value = url_or_host.strip()
    if "://" not in value:
        value = "http://" + value
    try:
        host = urlsplit(value).hostname
    except ValueError:
        return None
    if not host:
        return None
    ext = _extractor()(host)
    if ext.domain and ext.suffix:
        return f"{ext.domain}.{ext.suffix}".lower()
    if ext.domain and re.fullmatch(r"[\d.]+", host) is None and "." not in host:
        return ext.domain.lower()  # "localhost"-style names
    return host.lower() if host else None


_HOSTLIKE = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+/?$", re.IGNORECASE)


def source_from_value(value: Any) -> str | None:
    """An outlet name given in metadata; a bare host name becomes its registered domain."""
    if value is None:
        return None
    if isinstance(value, Mapping):  # JSON-LD publisher {"name": …}
        value = value.get("name")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    if not value:
        return None
    if _HOSTLIKE.match(value) or value.lower().startswith(("http://", "https://")):
        return registered_domain(value) or value.lower()
    return value


# ---------------------------------------------------------------- dates

#: Publication dates outside this range are dropped with a warning: news archives reach
#: back to the 1800s, and anything later than 2100 is a placeholder or an overflow, never a date
#: (``9999-12-31T23:00-14:00`` cannot even be turned into UTC).
EARLIEST_DATE = datetime(1800, 1, 1, tzinfo=timezone.utc)
LATEST_DATE = datetime(2100, 1, 1, tzinfo=timezone.utc)


def parse_datetime(value: Any, warnings: list[str] | None = None, what: str = "published") -> datetime | None:
    """A timezone-aware datetime from ISO strings, RFC 822 strings, epoch numbers or datetimes.

    A value without a time zone is taken as UTC and a warning is appended; a
    value outside ``EARLIEST_DATE``..``LATEST_DATE`` is dropped with a warning.
    """
    if value is None or value == "":
        return None
    try:
        result = _parse_any_datetime(value)
    except (ValueError, OverflowError, TypeError, OSError):  # OSError: an epoch the C library refuses
        result = None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            _warn(warnings, f"{what} date {value!s:.40} is out of range; dropped")
    if result is None:
        return None
    if result.tzinfo is None or result.utcoffset() is None:
        _warn(warnings, f"{what} date {value!s:.40} has no time zone; assumed UTC")
        result = result.replace(tzinfo=timezone.utc)
    try:
        in_range = EARLIEST_DATE <= result.astimezone(timezone.utc) < LATEST_DATE
    except (OverflowError, ValueError):  # year 1 at +05:00 is before year 1 in UTC
        in_range = False
    if not in_range:
        _warn(warnings, f"{what} date {value!s:.40} is outside {EARLIEST_DATE.year}-{LATEST_DATE.year}; dropped")
        return None
    return result


def _parse_any_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000.0
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        if not text or len(text) > 100:
            return None
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            from dateutil import parser as dateparser

            return dateparser.parse(text)
    return None


def _warn(warnings: list[str] | None, message: str) -> None:
    if warnings is not None:
        warnings.append(message)


# ---------------------------------------------------------------- isolation

#: What may end a run: the user (Ctrl-C), the interpreter, a closed generator. Everything
#: else raised while reading one input — RecursionError, MemoryError, a native library's
#: panic (fastwarc raises pyo3's PanicException, a BaseException) — is that input's problem.
_NOT_INPUT_ERRORS = (KeyboardInterrupt, SystemExit, GeneratorExit)


def is_input_error(error: BaseException) -> bool:
    """True when ``error`` came from bad input (or a reader bug on it), not from the user or a setup problem."""
    from newsweave.errors import NewsweaveError

    return not isinstance(error, (*_NOT_INPUT_ERRORS, NewsweaveError))


def failure_for(origin: str, error: BaseException) -> Failure:
    """The Failure for an exception a reader raised on ``origin`` (traceback kept in the log)."""
    LOGGER.warning("reader error on %s", origin, exc_info=(type(error), error, error.__traceback__))
    message = " ".join(str(error).split())[:160]
    return Failure(origin, f"read error: {type(error).__name__}" + (f": {message}" if message else ""))


def isolated(origin: str, make: Callable[[], T]) -> T | Failure:
    """``make()``, or the Failure naming ``origin`` for any input error it raises (a native panic
    included): one record, however broken, costs that record only."""
    try:
        return make()
    except BaseException as e:
        if not is_input_error(e):
            raise
        return failure_for(origin, e)


def guarded(origin: str, stream: Iterator[Article | Failure]) -> Iterator[Article | Failure]:
    """``stream`` with any input error turned into one Failure naming ``origin``; reading goes on after it."""
    try:
        yield from stream
    except BaseException as e:
        if not is_input_error(e):
            raise
        yield failure_for(origin, e)


# ---------------------------------------------------------------- bytes → text


def read_file_bytes(path: Path, options: ReadOptions, hint: str = "") -> bytes | Failure:
    """A local file's bytes, or a Failure naming it when it is unreadable, not a regular file
    or over ``max_file_bytes``.

    Never reads more than the cap, whatever the file claims: a device or a file
    that grows while being read cannot make it read on.
    ``hint`` follows the size reason (how to read a file that large instead).
    """
    origin = str(path)
    problem = not_a_regular_file(path)
    if problem:
        return Failure(origin, problem)
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > options.max_file_bytes:
                return Failure(origin, f"file too large ({size} bytes > {options.max_file_bytes}){hint}")
            data = handle.read(options.max_file_bytes + 1)
    except OSError as e:
        return Failure(origin, f"cannot read file: {e.strerror or e}")
    if len(data) > options.max_file_bytes:
        return Failure(origin, f"file too large (more than {options.max_file_bytes} bytes){hint}")
    return data


def not_a_regular_file(path: Path) -> str | None:
    """Why ``path`` must not be read (a FIFO, a device, a socket — or a link to one), else None.

    Opening a FIFO blocks until a writer comes and a device such as ``/dev/zero``
    never ends, so both are refused before they are opened.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as e:
        return f"cannot read file: {e.strerror or e}"
    if stat.S_ISDIR(mode):
        return "is a directory"
    if not stat.S_ISREG(mode):
        return "not a regular file (a FIFO, device or socket)"
    return None


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KiB (UTF-16/32 BOMs excepted)."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


def decode_text(data: bytes, forced: str | None = None, warnings: list[str] | None = None) -> tuple[str, str]:
    """Decode bytes: the forced encoding, else UTF-8, else the most likely legacy code page.

    Text that is mostly UTF-8 (at least as many valid multi-byte characters as
    invalid bytes) stays UTF-8: each invalid byte becomes U+FFFD and ``warnings``
    says how many, so one bad byte never re-decodes a whole file in a legacy code
    page. Otherwise charset-normalizer guesses, and windows-1252 (by far the most
    common legacy page in news) wins over another Latin-script page unless it reads worse.
    Returns (text, encoding). Raises ValueError with a one-line reason when nothing fits.
    """
    if forced:
        try:
            return data.decode(forced), forced
        except (LookupError, UnicodeDecodeError) as e:
            raise ValueError(f"cannot decode as {forced}: {e}") from e
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    escaped = data.decode("utf-8", "surrogateescape")
    invalid = sum(1 for c in escaped if "\udc80" <= c <= "\udcff")
    multibyte = sum(1 for c in escaped if c > "\x7f") - invalid
    if multibyte >= invalid:
        _warn(warnings, f"{invalid} byte(s) not valid UTF-8 replaced by U+FFFD")
        return data.decode("utf-8", "replace"), "utf-8"
    return _legacy_decode(data)


def _legacy_decode(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        try:  # charset-normalizer gives up on some short texts that windows-1252 reads fine
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ValueError("undecodable bytes (no text encoding fits)") from None
        return text, "cp1252"
    guess = str(best)
    if best.encoding != "cp1252" and _cp1252_reads_as_well(data, guess):
        return data.decode("cp1252"), "cp1252"
    return guess, best.encoding


def _cp1252_reads_as_well(data: bytes, guess: str) -> bool:
    """windows-1252 over a guessed Latin-script page unless it puts more symbols inside words."""
    try:
        latin = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    for char in guess:
        if char > "\x7f" and char.isalpha() and not unicodedata.name(char, "").startswith("LATIN"):
            return False  # Cyrillic, Greek, …: a real non-Latin page
    return _symbols_inside_words(latin) <= _symbols_inside_words(guess)


def _symbols_inside_words(text: str) -> int:
    """Non-ASCII non-letters between two letters (``Za¿ó³æ``); apostrophes are not counted."""
    count = 0
    for i in range(1, len(text) - 1):
        char = text[i]
        if char > "\x7f" and char not in "\u2019\u2018\u00b7" and not char.isalpha() \
                and text[i - 1].isalpha() and text[i + 1].isalpha():
            count += 1
    return count


# ---------------------------------------------------------------- assembling articles


def finish_article(
    *,
    raw: bytes,
    text: str,
    origin: str,
    input_format: str,
    source: str | None,
    fallback_source: str,
    url: str | None = None,
    title: str | None = None,
    byline: str | None = None,
    published: datetime | None = None,
    language: str | None = None,
    external_id: str | None = None,
    extractor: str | None = None,
    warnings: list[str] | None = None,
    metadata: dict[str, Any] | None = None,
    name_as_outlet: bool = False,
    fallback_in_id: bool = True,
) -> Article:
    """Build an Article with the shared rules for ``source`` and ``id``.

    ``source``: metadata, else the URL's registered domain, else "unknown" — or
    ``fallback_source`` (the file name stem) when ``name_as_outlet`` asks for it. ``id``
    hashes the raw bytes with the URL (or, without one, the outlet, the file stem standing
    in for an unknown one) so identical bytes served at two URLs stay two articles while
    re-reading the same file gives the same id. ``fallback_in_id=False`` leaves the file
    name out of the id (a JSON record without outlet: the same record in a renamed file is
    the same article); two identical text files of unknown outlets stay two articles.
    """
    known = source or (registered_domain(url) if url else None)
    outlet = known or (fallback_source if name_as_outlet else None) or UNKNOWN_OUTLET
    warnings = list(warnings or [])
    url = strip_credentials(url) if url else None
    origin = strip_credentials(origin)
    text, replaced = _without_surrogates(text)
    if replaced:
        warnings.append(f"{replaced} lone surrogate(s) in the text replaced by U+FFFD")
    if published is not None:  # a default from a feed or a caller: the same range as parsed dates
        published = parse_datetime(published, warnings)
    return Article(
        id=article_id_for(raw, identity_key(url, known or (fallback_source if fallback_in_id else None))),
        source=outlet,
        origin=origin,
        input_format=input_format,
        raw=raw,
        text=text,
        extracted_text=text,
        url=url or None,
        title=_clean_str(title),
        byline=_clean_str(byline),
        published=published,
        language=_clean_str(language),
        external_id=None if external_id is None else str(external_id),
        extractor=extractor,
        warnings=warnings,
        metadata=dict(metadata or {}),
    )


def strip_credentials(url: str) -> str:
    """``http://user:secret@host/a`` → ``http://host/a``: a URL as it may be stored, shown and exported."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def identity_key(url: str | None, source: str | None) -> str:
    """What an article id hashes beside the raw bytes: the URL, else the outlet named in the input.

    Never the file name: the same record read from a renamed or copied file is the same article.
    """
    return url or f"source:{source or 'unknown'}"


def _without_surrogates(text: str) -> tuple[str, int]:
    """Lone surrogates (JSON ``"\\ud800"``) → U+FFFD, one for one, so no later stage meets unencodable text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        count = sum(1 for c in text if "\ud800" <= c <= "\udfff")
        return "".join("\ufffd" if "\ud800" <= c <= "\udfff" else c for c in text), count
    return text, 0


def _clean_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value if v)
    value = " ".join(_without_surrogates(str(value))[0].split())
    return value or None


def join_paragraphs(lines: list[str]) -> str:
    """Non-empty stripped lines, one paragraph each, separated by a blank line."""
    return "\n\n".join(s for s in (line.strip() for line in lines) if s)
