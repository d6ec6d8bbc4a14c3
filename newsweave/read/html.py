"""HTML pages → Articles: trafilatura for text and metadata, our own full timestamp.

trafilatura gives the publication *day* only, so the full timestamp is read
from JSON-LD ``datePublished``, ``<meta property="article:published_time">``
(and kin) and ``<time datetime>``. When trafilatura finds no text, jusText's
paragraph classifier is the fallback; ``Article.extractor`` says which ran.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from lxml import etree

from newsweave.model import Article, Failure
from newsweave.read._common import (
    ReadOptions,
    decode_text,
    finish_article,
    join_paragraphs,
    looks_binary,
    parse_datetime,
    read_file_bytes,
    source_from_value,
)

if TYPE_CHECKING:
    from trafilatura.settings import Document

__all__ = ["article_from_html", "read_html_file"]

LOGGER = logging.getLogger("newsweave.read.html")

#: below this many characters of extracted text a page counts as "no article text"
MIN_TEXT_CHARS = 40

_META_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "sailthru.date",
    "parsely-pub-date",
    "dc.date.issued",
    "dcterms.created",
    "date",
)


def read_html_file(path: Path, options: ReadOptions | None = None) -> Iterator[Article | Failure]:
    """One HTML file → one Article or Failure."""
    options = options or ReadOptions()
    origin = str(path)
    data = read_file_bytes(path, options)
    if isinstance(data, Failure):
        yield data
        return
    meta: dict[str, Any] = {}
    yield article_from_html(
        data, origin=origin, url=None, fetched_at=None, input_format="html", metadata=meta,
        options=options, fallback_source=path.stem,
    )


def article_from_html(
    html: bytes,
    *,
    origin: str,
    url: str | None = None,
    fetched_at: datetime | None = None,
    input_format: str = "html",
    metadata: dict[str, Any] | None = None,
    options: ReadOptions | None = None,
    fallback_source: str | None = None,
    defaults: dict[str, Any] | None = None,
    charset: str | None = None,
) -> Article | Failure:
    """Extract one article from an HTML page; never raises on bad input.

    ``metadata`` is kept on the Article (extra keys from the page are added).
    ``defaults`` fill what the page lacks: ``title``, ``byline``, ``published``
    (a datetime), ``source``, ``external_id``, ``language`` (feeds and JSON records use it).
    ``charset``: the one an HTTP header named, used when the bytes are not UTF-8.
    """
    options = options or ReadOptions()
    defaults = defaults or {}
    meta: dict[str, Any] = dict(metadata or {})
    if not html or not html.strip():
        return Failure(origin, "empty HTML page")
    if looks_binary(html) and b"<" not in html[:2048]:
        return Failure(origin, "binary data, not an HTML page")
    try:
        return _extract(html, origin=origin, url=url, fetched_at=fetched_at, input_format=input_format,
                        meta=meta, options=options, fallback_source=fallback_source, defaults=defaults,
                        charset=charset)
    except (ValueError, TypeError, LookupError, RecursionError, AttributeError, etree.LxmlError) as e:
        LOGGER.debug("HTML extraction failed for %s", origin, exc_info=True)
        return Failure(origin, f"HTML extraction failed: {type(e).__name__}: {str(e)[:120]}")


def _extract(html: bytes, *, origin, url, fetched_at, input_format, meta, options, fallback_source,
             defaults, charset) -> Article | Failure:
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    warnings: list[str] = []
    markup = decode_html(html, warnings, declared=charset)
    tree = load_html(markup, options.max_file_bytes)
    if tree is None:
        return Failure(origin, "not parseable as HTML")
    extracted = bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=options.include_tables,
        favor_precision=options.favor_precision,
        favor_recall=options.favor_recall,
    )
    doc = cast("Document | None", extracted)  # as_dict is left False: a Document, never a dict
    text = ""
    extractor = "trafilatura"
    if doc is not None and doc.text:
        text = join_paragraphs(doc.text.split("\n"))
    if len(text) < MIN_TEXT_CHARS:
        fallback = _justext_paragraphs(markup)
        if len(fallback) >= MIN_TEXT_CHARS and len(fallback) > len(text):
            text, extractor = fallback, "justext"
    if len(text) < MIN_TEXT_CHARS:
        return Failure(origin, "no article text found")

    page = _page_metadata(tree)
    published = _published(page, doc, defaults, warnings)
    title = (doc.title if doc is not None else None) or page["title"] or defaults.get("title")
    # structured metadata first: trafilatura's byline heuristics can swallow "· Published March …"
    byline = (page["jsonld_author"] or page["author"] or (doc.author if doc is not None else None)
              or defaults.get("byline"))
    source = (
        source_from_value(page["site_name"])
        or source_from_value(doc.sitename if doc is not None else None)
        or source_from_value(defaults.get("source"))
    )
    page_url = url or (doc.url if doc is not None and doc.url else None) or page["canonical"]
    _keep_page_metadata(meta, doc, page, fetched_at)
    return finish_article(
        raw=html,
        text=text,
        origin=origin,
        input_format=input_format,
        source=source,
        fallback_source=fallback_source or Path(origin).stem,
        name_as_outlet=options.outlet_from_filename,
        url=page_url,
        title=title,
        byline=byline,
        published=published,
        language=defaults.get("language"),
        external_id=defaults.get("external_id"),
        extractor=extractor,
        warnings=warnings,
        metadata=meta,
    )


def _published(page: dict[str, Any], doc: Document | None, defaults: dict[str, Any],
               warnings: list[str]) -> datetime | None:
    """The page's own dates first, then the caller's, then trafilatura's day (noted as day-only)."""
    for candidate in page["dates"]:
        published = parse_datetime(candidate, warnings)
        if published is not None:
            return published
    if defaults.get("published") is not None:
        return defaults["published"]
    if doc is not None and doc.date:
        published = parse_datetime(doc.date, None)
        if published is not None:
            warnings.append(f"only the publication day is known ({doc.date}); time set to 00:00 UTC")
        return published
    return None


def _keep_page_metadata(meta: dict[str, Any], doc: Document | None, page: dict[str, Any],
                        fetched_at: datetime | None) -> None:
    """What trafilatura and the page head say beyond the article fields, kept in ``meta`` (the caller's wins)."""
    if doc is not None:
        for key in ("description", "hostname", "categories", "tags", "image", "pagetype"):
            value = getattr(doc, key, None)
            if value:
                meta.setdefault(key, value)
        if doc.sitename:
            meta.setdefault("sitename", doc.sitename)
        if doc.date:
            meta.setdefault("date", doc.date)
    if page["lang"]:
        meta.setdefault("html_lang", page["lang"])
    if fetched_at is not None:
        meta.setdefault("fetched_at", fetched_at.isoformat())


_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)


def decode_html(html: bytes, warnings: list[str], declared: str | None = None) -> bytes | str:
    """Bytes trafilatura may decode itself (valid UTF-8), else the page decoded here.

    A charset the page (or the HTTP header, ``declared``) names is used; without
    one the page is decoded like a text file (:func:`decode_text`): mostly-UTF-8
    stays UTF-8 with the bad bytes replaced and counted, and windows-1252 wins
    over rarer Latin code pages, which trafilatura's own guess would often pick.
    """
    try:
        html.decode("utf-8")
        return html
    except UnicodeDecodeError:
        pass
    match = _DECLARED_CHARSET.search(html[:4096])
    named = declared or (match and (match.group(1) or match.group(2)).decode("ascii", "replace"))
    if named and named.strip().lower().replace("_", "-") in ("utf-8", "utf8"):
        named = None  # declared UTF-8 but not valid: count the bad bytes, or find the page's real code page
    if named:
        try:
            return html.decode(named, "replace")
        except LookupError:
            warnings.append(f"unknown charset {named[:40]!r} declared; detected instead")
    try:
        text, encoding = decode_text(html, None, warnings)
    except ValueError:
        return html  # trafilatura's destructive fallback is all that is left
    if encoding != "utf-8":
        warnings.append(f"decoded as {encoding} (detected: no usable charset declared)")
    return text


def _justext_paragraphs(html: bytes | str) -> str:
    try:
        import justext
    except ImportError:  # optional: trafilatura alone still works
        return ""
    try:
        paragraphs = justext.justext(html, justext.get_stoplist("English"))
    except Exception:  # jusText raises assorted parser errors on junk input
        LOGGER.debug("justext failed", exc_info=True)
        return ""
    return join_paragraphs([p.text for p in paragraphs if not p.is_boilerplate])


# ---------------------------------------------------------------- page metadata


def _page_metadata(tree) -> dict[str, Any]:
    """Dates (best first), title, author, site name, canonical URL, lang from the raw tree."""
    dates: list[str] = []
    found: dict[str, Any] = {"title": None, "author": None, "site_name": None, "canonical": None, "lang": None,
                             "jsonld_author": None}
    # 1. JSON-LD
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, TypeError):
            continue
        for node in _jsonld_nodes(data):
            value = node.get("datePublished") or node.get("dateCreated")
            if isinstance(value, str):
                dates.append(value)
            if found["jsonld_author"] is None and _is_article_node(node):
                found["jsonld_author"] = _jsonld_names(node.get("author"))
            if found["site_name"] is None:
                publisher = node.get("publisher")
                if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                    found["site_name"] = publisher["name"]
    # 2. meta tags
    meta_dates: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if not key or not content:
            continue
        if key in _META_DATE_KEYS:
            meta_dates.setdefault(key, content)
        elif key == "og:site_name" and not found["site_name"]:
            found["site_name"] = content
        elif key == "og:title" and not found["title"]:
            found["title"] = content
        elif key in ("author", "article:author") and not found["author"] and "://" not in content:
            found["author"] = content
    dates.extend(meta_dates[k] for k in _META_DATE_KEYS if k in meta_dates)
    # 3. <time datetime>: one marked pubdate / itemprop first
    times = [t for t in tree.iterfind(".//time") if t.get("datetime")]
    times.sort(key=lambda t: 0 if (t.get("pubdate") is not None or t.get("itemprop") == "datePublished") else 1)
    dates.extend(t.get("datetime") for t in times)
    for link in tree.iterfind(".//link"):
        if (link.get("rel") or "").lower() == "canonical" and (link.get("href") or "").startswith("http"):
            found["canonical"] = link.get("href")
            break
    title = tree.find(".//title")
    if not found["title"] and title is not None and title.text:
        found["title"] = title.text.strip()
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    found["lang"] = (root.get("lang") or "").strip() or None
    found["dates"] = dates
    return found


def _is_article_node(node: dict[str, Any]) -> bool:
    kinds = node.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and (k.endswith("Article") or k in ("BlogPosting", "Report")) for k in kinds)


def _jsonld_names(value: Any) -> str | None:
    """``{"name": …}``, a string, or a list of either → "A; B"."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:10]:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip() and "://" not in name:
            names.append(" ".join(name.split()))
    return "; ".join(names) or None


def _jsonld_nodes(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _jsonld_nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _jsonld_nodes(graph, depth + 1)
