"""Helpers shared by the readers: options, outlet names, dates, decoding.

Nothing here touches the network: the registered-domain lookup uses only
tldextract's bundled public-suffix snapshot.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsweave.model import UNKNOWN_OUTLET, Article, Failure, article_id_for

__all__ = [
    "DEFAULT_USER_AGENT",
    "ReadOptions",
    "ReadResult",
    "decode_text",
    "finish_article",
    "looks_binary",
    "parse_datetime",
    "read_file_bytes",
    "registered_domain",
    "source_from_value",
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
    #: Local files larger than this are refused (a WARC is streamed and exempt).
    max_file_bytes: int = 50 * 1024 * 1024
    #: HTML: passed to trafilatura.
    favor_precision: bool = False
    favor_recall: bool = False
    include_tables: bool = True

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ValueError(f"timeout must be > 0 seconds, got {self.timeout!r}")
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


def parse_datetime(value: Any, warnings: list[str] | None = None, what: str = "published") -> datetime | None:
    """A timezone-aware datetime from ISO strings, RFC 822 strings, epoch numbers or datetimes.

    A value without a time zone is taken as UTC and a warning is appended.
    """
    if value is None or value == "":
        return None
    result: datetime | None = None
    try:
        if isinstance(value, datetime):
            result = value
        elif isinstance(value, date):
            result = datetime(value.year, value.month, value.day)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            seconds = float(value)
            if seconds > 1e11:  # milliseconds
                seconds /= 1000.0
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        elif isinstance(value, str):
            text = value.strip()
            if not text or len(text) > 100:
                return None
            try:
                result = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
            except ValueError:
                from dateutil import parser as dateparser

                result = dateparser.parse(text)
        else:
            return None
    except (ValueError, OverflowError, TypeError):
        return None
    if result is None:
        return None
    if result.tzinfo is None or result.utcoffset() is None:
        if warnings is not None:
            warnings.append(f"{what} date {value!s:.40} has no time zone; assumed UTC")
        result = result.replace(tzinfo=timezone.utc)
    return result


# ---------------------------------------------------------------- bytes → text


def read_file_bytes(path: Path, options: ReadOptions, hint: str = "") -> bytes | Failure:
    """A local file's bytes, or a Failure naming it when it is unreadable or over ``max_file_bytes``.

    ``hint`` follows the size reason (how to read a file that large instead).
    """
    origin = str(path)
    try:
        size = path.stat().st_size
        if size > options.max_file_bytes:
            return Failure(origin, f"file too large ({size} bytes > {options.max_file_bytes}){hint}")
        return path.read_bytes()
    except OSError as e:
        return Failure(origin, f"cannot read file: {e.strerror or e}")


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KiB (UTF-16/32 BOMs excepted)."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return bool(head) and controls / len(head) > 0.05


def decode_text(data: bytes, forced: str | None = None) -> tuple[str, str]:
    """Decode bytes: the forced encoding, else UTF-8, else charset-normalizer's best guess.

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
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise ValueError("undecodable bytes (no text encoding fits)")
    # Short Western texts score the same in several Latin code pages; windows-1252 is by
    # far the most common of them in news, so it wins a tie.
    tied = [m for m in results if m.chaos <= best.chaos + 0.005 and m.coherence >= best.coherence - 0.005]
    for match in [best, *tied]:
        if "cp1252" in (match.encoding, *match.could_be_from_charset):
            try:
                return data.decode("cp1252"), "cp1252"
            except UnicodeDecodeError:
                break
    return str(best), best.encoding


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
) -> Article:
    """Build an Article with the shared rules for ``source`` and ``id``.

    ``source``: metadata, else the URL's registered domain, else "unknown" — or
    ``fallback_source`` (the file name stem) when ``name_as_outlet`` asks for it. ``id``
    hashes the raw bytes with the URL (or, without one, the outlet, the file stem standing
    in for an unknown one) so identical bytes served at two URLs stay two articles while
    re-reading the same file gives the same id.
    """
    known = source or (registered_domain(url) if url else None)
    outlet = known or (fallback_source if name_as_outlet else None) or UNKNOWN_OUTLET
    origin_key = url or f"source:{known or fallback_source or 'unknown'}"
    return Article(
        id=article_id_for(raw, origin_key),
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
        warnings=list(warnings or []),
        metadata=dict(metadata or {}),
    )


def _clean_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value if v)
    value = " ".join(str(value).split())
    return value or None


def join_paragraphs(lines: list[str]) -> str:
    """Non-empty stripped lines, one paragraph each, separated by a blank line."""
    return "\n\n".join(s for s in (line.strip() for line in lines) if s)
