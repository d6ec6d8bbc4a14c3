"""URLs and RSS/Atom feeds over HTTP → Articles.

Polite by default: a real User-Agent, robots.txt respected (cached per host),
timeouts, a response size limit enforced while streaming, and retries with
exponential backoff on 5xx / 429 / connection errors. A feed is told by its
content, whatever its content type (see :mod:`newsweave.read.feeds`): an entry
whose own content is the article is stored from it; a summary's page is fetched
and extracted, the entry's date filling in when the page has none.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from newsweave.model import Article, Failure
from newsweave.read._common import ReadOptions, isolated, strip_credentials
from newsweave.read.html import article_from_html

__all__ = ["Fetcher", "FetchError", "Response", "is_url", "read_feed_response", "read_url", "validate_url"]

LOGGER = logging.getLogger("newsweave.read.web")

_HTML_TYPES = ("text/html", "application/xhtml+xml")


_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def is_url(value: str) -> bool:
    """Looks like a URL (has a scheme), whether or not we can fetch it."""
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", value) is not None


def validate_url(url: str) -> str | None:
    """None when fetchable, else the reason: http/https only, with a host."""
    scheme = _SCHEME.match(url)
    if scheme and scheme.group(1).lower() not in ("http", "https"):  # data:, file:, javascript: …
        return f"unsupported URL scheme '{scheme.group(1).lower()}' (http and https only)"
    try:
        parts = urlsplit(url)
    except ValueError as e:
        return f"invalid URL: {e}"
    if parts.scheme.lower() not in ("http", "https"):
        return f"unsupported URL scheme '{parts.scheme}' (http and https only)"
    if not parts.hostname:
        return "invalid URL: no host"
    if any(c.isspace() for c in url):
        return "invalid URL: contains whitespace"
    return None


class FetchError(Exception):
    """A fetch that failed for a reason the user can act on (one line)."""


@dataclass(slots=True)
class Response:
    url: str  # after redirects, without credentials
    status: int
    content_type: str
    body: bytes
    fetched_at: datetime
    location: str | None = None
    etag: str | None = None  # validators for a conditional re-fetch (newsweave.read.watch)
    last_modified: str | None = None
    charset: str | None = None  # as the Content-Type header names it


class Fetcher:
    """One polite HTTP client: robots.txt cache, size limit, retries. Use as a context manager."""

    def __init__(self, options: ReadOptions | None = None, *, client: Any = None) -> None:
        import httpx

        self.options = options or ReadOptions()
        self._own_client = client is None
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(self.options.timeout),
            follow_redirects=False,  # followed by hand: every hop is validated and checked against robots.txt
            event_hooks={"response": [_refuse_unusable_redirect]},
            headers={"User-Agent": self.options.user_agent, "Accept": "text/html,application/xhtml+xml,"
                     "application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5"},
        )
        self._robots: dict[str, RobotFileParser | None] = {}
        self._deadline = float("inf")  # time.monotonic() by which the current URL must be done

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    # -------------------------------------------------------------- robots.txt

    def allowed(self, url: str) -> bool:
        if not self.options.respect_robots:
            return True
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}".lower()
        if key not in self._robots:
            self._robots[key] = self._load_robots(key)
        parser = self._robots[key]
        return True if parser is None else parser.can_fetch(self.options.user_agent, url)

    def _load_robots(self, base: str) -> RobotFileParser | None:
        """Per RFC 9309: 4xx → no rules; 401/403 → disallow all; unreachable → no rules (logged)."""
        parser = RobotFileParser(base + "/robots.txt")
        try:
            response = self._get(base + "/robots.txt", retries=0, limit=512 * 1024)
        except FetchError as e:
            LOGGER.info("robots.txt of %s unavailable (%s); fetching without rules", base, e)
            return None
        if response.status in (401, 403):
            parser.disallow_all = True  # type: ignore[attr-defined]  # RobotFileParser's own flag, missing from typeshed
        elif response.status >= 400:
            return None
        else:
            parser.parse(response.body.decode("utf-8", "replace").splitlines())
        return parser

    # -------------------------------------------------------------- fetching

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Response:
        """GET with robots.txt, retries and the size limit; FetchError on anything unusable.

        ``headers`` are sent with the request (``If-None-Match`` / ``If-Modified-Since``
        for a conditional GET, answered 304 when nothing changed). The whole fetch —
        robots.txt, redirects, retries, a body trickling in — must finish within
        ``ReadOptions.deadline`` seconds; ``timeout`` bounds each wait.
        """
        problem = validate_url(url)
        if problem:
            raise FetchError(problem)
        self._deadline = time.monotonic() + self.options.deadline
        try:
            if not self.allowed(url):
                raise FetchError("disallowed by robots.txt")
            response = self._get(url, retries=self.options.retries, limit=self.options.max_bytes,
                                 check_robots=True, headers=headers)
        finally:
            self._deadline = float("inf")
        if response.status >= 400:
            raise FetchError(f"HTTP {response.status}")
        return response

    def _time_left(self) -> float:
        """Seconds left for the current URL; FetchError when none are."""
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise FetchError(f"timed out (more than {self.options.deadline:g} s in all)")
        return left

    def _get(self, url: str, *, retries: int, limit: int, check_robots: bool = False,
             headers: dict[str, str] | None = None) -> Response:
        import httpx

        attempt = 0
        while True:
            try:
                response = self._get_once(url, limit, check_robots=check_robots, headers=headers)
            except (httpx.TimeoutException, httpx.TransportError) as e:
                reason = "timed out" if isinstance(e, httpx.TimeoutException) else f"unreachable ({_one_line(e)})"
                if attempt >= retries:
                    raise FetchError(reason) from e
            except httpx.TooManyRedirects as e:
                raise FetchError("too many redirects") from e
            except httpx.HTTPError as e:  # unsupported protocol, decoding error …
                raise FetchError(_one_line(e)) from e
            except (httpx.InvalidURL, UnicodeError, ValueError) as e:  # e.g. a host name IDNA cannot encode
                raise FetchError(f"invalid URL ({_one_line(e)})") from e
            else:
                if (response.status >= 500 or response.status == 429) and attempt < retries:
                    LOGGER.info("HTTP %s from %s; retrying", response.status, url)
                else:
                    return response
            time.sleep(min(self.options.backoff * (2**attempt), self._time_left()))
            attempt += 1

    def _get_once(self, url: str, limit: int, *, check_robots: bool = False,
                  headers: dict[str, str] | None = None) -> Response:
        """One GET, following up to ``max_redirects`` redirects (each hop validated)."""
        for _hop in range(self.options.max_redirects + 1):
            response = self._get_single(url, limit, headers)
            if response.status not in (301, 302, 303, 307, 308) or not response.location:
                return response
            target = urljoin(url, response.location)
            problem = validate_url(target)
            if problem:
                raise FetchError(f"redirect to an unusable URL ({problem})")
            if check_robots and not self.allowed(target):
                raise FetchError(f"redirect target {target} disallowed by robots.txt")
            url = target
        raise FetchError(f"too many redirects (more than {self.options.max_redirects})")

    def _get_single(self, url: str, limit: int, headers: dict[str, str] | None = None) -> Response:
        import httpx

        wait = min(self.options.timeout, self._time_left())
        with self.client.stream("GET", url, headers=headers, timeout=httpx.Timeout(wait)) as response:
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit and response.status_code < 400:
                raise FetchError(f"response too large ({declared} bytes > limit {limit})")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"response too large (more than {limit} bytes)")
                chunks.append(chunk)
                self._time_left()  # a body trickling in byte by byte ends here
            content_type = response.headers.get("content-type", "")
            return Response(
                url=strip_credentials(str(response.url)),
                status=response.status_code,
                content_type=content_type.split(";")[0].strip().lower(),
                body=b"".join(chunks),
                fetched_at=datetime.now(timezone.utc),
                location=response.headers.get("location"),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                charset=response.charset_encoding,
            )


def _refuse_unusable_redirect(response: Any) -> None:
    """Name the scheme of a ``data:`` / ``file:`` / ``javascript:`` redirect before httpx,
    which builds the next request even when not following it, fails on it as an "invalid URL"."""
    location = (response.headers.get("location") or "").strip() if response.is_redirect else ""
    scheme = _SCHEME.match(location)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        raise FetchError(f"redirect to an unusable URL ({validate_url(location)})")


def read_url(url: str, options: ReadOptions | None = None, *, fetcher: Fetcher | None = None
             ) -> Iterator[Article | Failure]:
    """A page URL → one Article; a feed URL → one Article per entry. Failures, never exceptions."""
    options = options or ReadOptions()
    own = fetcher is None
    fetcher = fetcher or Fetcher(options)
    origin = strip_credentials(url)  # a password in the URL is used for the fetch, never kept or shown
    try:
        try:
            response = fetcher.fetch(url)
        except FetchError as e:
            yield Failure(origin, str(e))
            return
        if _is_feed(response):
            yield from read_feed_response(origin, response, fetcher, options)
            return
        yield _page_article(origin, response, options, input_format="url")
    finally:
        if own:
            fetcher.close()


def _is_feed(response: Response) -> bool:
    """By content: feeds are served as application/rss+xml, text/xml, application/json,
    text/plain … so the label alone decides nothing; an HTML page is never a feed."""
    from newsweave.read.feeds import is_feed

    return response.content_type not in _HTML_TYPES and is_feed(response.body)


def _page_article(origin: str, response: Response, options: ReadOptions, *, input_format: str,
                  defaults: dict[str, Any] | None = None, metadata: dict[str, Any] | None = None
                  ) -> Article | Failure:
    content_type = response.content_type
    if content_type and content_type not in _HTML_TYPES:
        return Failure(origin, f"not an HTML page (content type {content_type})")
    if not content_type and response.body.lstrip()[:1] != b"<":
        return Failure(origin, "not an HTML page (no content type, not markup)")
    meta = dict(metadata or {})
    if response.url != origin:
        meta["requested_url"] = origin
    return article_from_html(
        response.body, origin=origin, url=response.url, fetched_at=response.fetched_at,
        input_format=input_format, metadata=meta, options=options, defaults=defaults, charset=response.charset,
    )


def read_feed_response(feed_url: str, response: Response, fetcher: Fetcher, options: ReadOptions
                       ) -> Iterator[Article | Failure]:
    """Entries whose own content is the article need no fetch; a summary's page is fetched."""
    from newsweave.read.feeds import FeedEntry, read_feed_bytes

    def fetch_page(link: str, entry: FeedEntry) -> Article | Failure:
        origin = strip_credentials(link)
        return isolated(origin, lambda: _entry_page(origin, link, entry))  # one entry's page costs that entry only

    def _entry_page(origin: str, link: str, entry: FeedEntry) -> Article | Failure:
        try:
            page = fetcher.fetch(link)
        except FetchError as e:
            return Failure(origin, str(e))
        return _page_article(
            origin, page, options, input_format="feed",
            defaults={"title": entry.title, "byline": entry.author, "published": entry.published,
                      "external_id": entry.entry_id},
            metadata={k: v for k, v in {"feed_url": feed_url, "feed_entry_id": entry.entry_id}.items() if v},
        )

    yield from read_feed_bytes(response.body, feed_url, options, feed_url=feed_url, fetch_page=fetch_page)


def _one_line(error: object) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 160 else text[:157] + "..."
