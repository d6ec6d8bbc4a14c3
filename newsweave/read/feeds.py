"""Feeds → Articles: RSS 0.9x / 1.0 / 2.0, Atom and JSON Feed, recognised by content.

A feed is recognised by what it *is* — an XML root ``<rss>``, ``<rdf:RDF>`` or ``<feed>``, or
a JSON object whose ``version`` names jsonfeed.org — never by its file extension or content
type alone (servers label feeds ``application/xml``, ``text/plain``, ``application/json`` …).
feedparser reads the XML kinds; JSON Feed is a plain JSON object read here.

Each entry ends as exactly one outcome:

* its own **content** (Atom ``<content>``, RSS ``content:encoded``, JSON ``content_html`` /
  ``content_text``) is the article → an Article from that content, no network;
* only a **summary** longer than :data:`FULL_TEXT_MIN_WORDS` (many RSS feeds put the whole
  story in ``<description>``) → an Article from the summary;
* a short summary → the linked page is fetched when a fetcher is given (a feed read from a
  URL): its Article, or a Failure naming the link when it is unreachable. A local feed file
  never touches the network, so there such an entry is *skipped* with the reason — a teaser
  is not the article.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from typing import Any, Protocol

from newsweave.model import UNKNOWN_OUTLET, Article, Failure, Skipped
from newsweave.read._common import (
    ReadOptions,
    finish_article,
    isolated,
    join_paragraphs,
    parse_datetime,
    registered_domain,
)

__all__ = ["FULL_TEXT_MIN_WORDS", "FeedEntry", "html_fragment_text", "is_feed", "parse_feed", "read_feed_bytes",
           "read_feed_file"]

#: A summary with at least this many words is taken as the full text (RSS <description>).
FULL_TEXT_MIN_WORDS = 150

_XML_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|RDF)[\s>]")
_JSON_FEED_VERSION = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/', re.IGNORECASE)


class PageFetcher(Protocol):
    """What the feed reader needs to fetch an entry's page (``newsweave.read.web``)."""

    def __call__(self, url: str, entry: FeedEntry, /) -> Article | Failure: ...


@dataclass(slots=True)
class FeedEntry:
    """One entry of any feed kind, in the shape the reader needs."""

    index: int
    link: str | None
    entry_id: str | None
    title: str | None
    author: str | None
    published: datetime | None
    content_html: str | None  # the entry's full content (HTML or escaped text)
    summary_html: str | None


def is_feed(data: bytes) -> bool:
    """Does ``data`` open like a feed (XML feed root or a JSON Feed object)?"""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        return _JSON_FEED_VERSION.search(head) is not None
    if not head.startswith(b"<"):
        return False
    # past an XML declaration, comments and processing instructions to the root element
    return _XML_FEED_ROOT.search(re.sub(rb"<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>]*>", b"", head, flags=re.S)) is not None


def parse_feed(data: bytes) -> tuple[dict[str, Any], list[FeedEntry]] | str:
    """(feed info, entries) or the reason the bytes are no usable feed."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return _parse_json_feed(data)
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = "feed has no entries"
        if getattr(parsed, "bozo", False) and getattr(parsed, "bozo_exception", None) is not None:
            reason += f" ({' '.join(str(parsed.bozo_exception).split())[:160]})"
        return reason
    info = parsed.feed or {}
    entries = [_xml_entry(i, e) for i, e in enumerate(parsed.entries)]
    return {"title": info.get("title"), "link": info.get("link"), "kind": parsed.get("version") or "xml"}, entries


def _xml_entry(index: int, entry: Any) -> FeedEntry:
    content = entry.get("content") or []
    # Atom may carry several; the HTML one is the richest
    best = max(content, key=lambda c: ("html" in (c.get("type") or ""), len(c.get("value") or "")), default=None)
    published = None
    for key in ("published_parsed", "updated_parsed"):
        value = entry.get(key)
        if value:
            published = datetime(*value[:6]).replace(tzinfo=timezone.utc)
            break
    return FeedEntry(index, entry.get("link"), entry.get("id"), entry.get("title"), entry.get("author"), published,
                     (best or {}).get("value") or None, entry.get("summary") or None)


def _parse_json_feed(data: bytes) -> tuple[dict[str, Any], list[FeedEntry]] | str:
    try:
        feed = json.loads(data)
    except ValueError as e:
        return f"not valid JSON: {e}"
    if not isinstance(feed, dict) or not isinstance(feed.get("items"), list):
        return "JSON Feed without an items list"
    if not feed["items"]:
        return "feed has no entries"
    entries = []
    for index, item in enumerate(feed["items"]):
        item = item if isinstance(item, dict) else {}
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        names = "; ".join(a["name"] for a in authors if isinstance(a, dict) and isinstance(a.get("name"), str))
        text = item.get("content_text")
        content = item.get("content_html") or (_text_as_html(text) if isinstance(text, str) else None)
        entries.append(FeedEntry(
            index, _str(item.get("url")) or _str(item.get("external_url")), _str(item.get("id")),
            _str(item.get("title")), names or None, parse_datetime(item.get("date_published")),
            content if isinstance(content, str) else None, _str(item.get("summary")),
        ))
    return {"title": feed.get("title"), "link": feed.get("home_page_url"), "kind": "json feed"}, entries


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _text_as_html(text: str) -> str:
    from html import escape

    return "".join(f"<p>{escape(block)}</p>" for block in re.split(r"\n\s*\n", text) if block.strip())


def html_fragment_text(fragment: str) -> str:
    """An entry's HTML (or plain) content → paragraphs separated by blank lines."""
    from lxml import html as lxml_html
    from lxml.etree import ParserError

    if "<" not in fragment:
        return join_paragraphs(re.split(r"\n\s*\n", fragment))
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return join_paragraphs(re.split(r"<[^>]+>", fragment))
    for bad in root.xpath(".//script|.//style"):
        bad.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    blocks = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "tr", "figcaption"}
    for element in root.iter():
        if element.tag in blocks:
            element.tail = "\n" + (element.tail or "")
            if element.text:
                element.text = "\n" + element.text
    return join_paragraphs(root.text_content().split("\n"))


def read_feed_bytes(data: bytes, origin: str, options: ReadOptions, *, feed_url: str | None = None,
                    fetch_page: PageFetcher | None = None) -> Iterator[Article | Failure]:
    """Every entry of one feed as an Article, a Skipped or a Failure."""
    parsed = parse_feed(data)
    if isinstance(parsed, str):
        yield Failure(origin, parsed)
        return
    info, entries = parsed
    if options.max_feed_entries is not None:
        entries = entries[: options.max_feed_entries]
    for entry in entries:
        yield isolated(f"{origin}#entry{entry.index}",
                       partial(_entry_outcome, entry, info, origin, feed_url, options, fetch_page))


def _entry_outcome(entry: FeedEntry, info: dict[str, Any], origin: str, feed_url: str | None,
                   options: ReadOptions, fetch_page: PageFetcher | None) -> Article | Failure:
    where = f"{origin}#entry{entry.index}"
    content = html_fragment_text(entry.content_html) if entry.content_html else ""
    summary = html_fragment_text(entry.summary_html) if entry.summary_html else ""
    if content and (len(content.split()) >= len(summary.split()) or not summary):
        return _entry_article(entry, content, "content", info, where, feed_url)
    if len(summary.split()) >= FULL_TEXT_MIN_WORDS:
        return _entry_article(entry, summary, "summary", info, where, feed_url)
    if not entry.link:
        return Skipped(where, f"not an article: feed entry with only a {len(summary.split())}-word summary and no link")
    if fetch_page is None:
        return Skipped(where, f"not an article: feed entry with only a {len(summary.split())}-word summary; "
                              f"its page {entry.link} is not fetched for a local feed file (ingest that URL)")
    return fetch_page(entry.link, entry)  # an unreachable page is a Failure: the article was not read


def _entry_article(entry: FeedEntry, text: str, part: str, info: dict[str, Any], origin: str,
                   feed_url: str | None) -> Article:
    """An Article from the entry's own text; raw = the entry's content, so an edit is a new id."""
    raw = (entry.content_html if part == "content" else entry.summary_html) or ""
    link = entry.link if entry.link and entry.link.lower().startswith(("http://", "https://")) else None
    home = info.get("link") if isinstance(info.get("link"), str) else None
    source = registered_domain(link) if link else (registered_domain(home) if home else None)
    metadata = {"feed_url": feed_url, "feed_title": info.get("title"), "feed_kind": info.get("kind"),
                "feed_entry_id": entry.entry_id, "text_from": f"feed entry {part}",
                "entry_digest": hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:16]}
    return finish_article(
        raw=raw.encode("utf-8", "surrogatepass"), text=text, origin=origin, input_format="feed",
        source=source or info.get("title"), fallback_source=UNKNOWN_OUTLET, url=link, title=entry.title,
        byline=entry.author, published=entry.published, external_id=entry.entry_id, extractor=f"feed-{part}",
        metadata={k: v for k, v in metadata.items() if v},
    )


def read_feed_file(path: Any, options: ReadOptions | None = None) -> Iterator[Article | Failure]:
    """A local feed file (any extension); entry pages are never fetched for a local file."""
    from newsweave.read._common import read_file_bytes

    options = options or ReadOptions()
    data = read_file_bytes(path, options)
    if isinstance(data, Failure):
        yield data
        return
    if not is_feed(data):
        # a sitemap, an OPML list, a config file: read fine, just no article in it
        yield Skipped(str(path), "not an article: XML that is not a feed (no <rss>, <rdf:RDF> or <feed> root)")
        return
    yield from read_feed_bytes(data, str(path), options)
