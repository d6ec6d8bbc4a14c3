"""Plain-text and Markdown files → Articles.

Metadata comes from a sidecar ``name.json`` (same stem) or a front-matter
block (``---`` … ``---``) of ``key: value`` lines: source, url, title,
published/date, author/byline, id, language. The title is the first line when
it looks like a headline (short, no closing period, followed by a blank line)
or a Markdown ``# heading``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsweave.model import Article, Failure
from newsweave.read._common import (
    ReadOptions,
    decode_text,
    finish_article,
    looks_binary,
    parse_datetime,
    read_file_bytes,
    source_from_value,
)

__all__ = ["read_text_file", "split_title", "parse_front_matter", "SIDECAR_SUFFIX"]

SIDECAR_SUFFIX = ".json"
MAX_TITLE_CHARS = 200
MAX_TITLE_WORDS = 30

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.DOTALL)
_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*)$")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$")


def read_text_file(path: Path, options: ReadOptions | None = None) -> Iterator[Article | Failure]:
    """One .txt/.md file → one Article or a Failure naming the file and the reason."""
    options = options or ReadOptions()
    origin = str(path)
    markdown = path.suffix.lower() in (".md", ".markdown")
    raw = read_file_bytes(path, options)
    if isinstance(raw, Failure):
        yield raw
        return
    if not raw.strip():
        yield Failure(origin, "empty file")
        return
    if looks_binary(raw):
        yield Failure(origin, "binary file, not text")
        return
    warnings: list[str] = []
    try:
        text, encoding = decode_text(raw, options.encoding, warnings)
    except ValueError as e:
        yield Failure(origin, str(e))
        return
    if encoding.replace("_", "-").lower() not in ("utf-8", "ascii"):
        warnings.append(f"decoded as {encoding} (detected)" if not options.encoding else f"decoded as {encoding}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")

    meta: dict[str, Any] = {}
    text, front = parse_front_matter(text)
    meta.update(front)
    sidecar = path.with_suffix(SIDECAR_SUFFIX)
    if sidecar != path and sidecar.exists():
        sidecar_bytes = read_file_bytes(sidecar, options)
        try:
            if isinstance(sidecar_bytes, Failure):
                raise ValueError(sidecar_bytes.reason)
            loaded = json.loads(sidecar_bytes)
        except (ValueError, RecursionError) as e:
            warnings.append(f"sidecar {sidecar.name} ignored: {str(e)[:120]}")
        else:
            if isinstance(loaded, dict):
                meta.update(loaded)
            else:
                warnings.append(f"sidecar {sidecar.name} ignored: not a JSON object")

    title, body = split_title(text, markdown=markdown)
    title = _first(meta, "title", "headline") or title
    body = _paragraphs(body)
    if not body.strip():
        yield Failure(origin, "no text after the title" if title else "empty file")
        return
    published = None
    for key in ("published", "date_publish", "date", "datePublished", "published_at"):
        if meta.get(key):
            published = parse_datetime(meta[key], warnings)
            if published is not None:
                break
    yield finish_article(
        raw=raw,
        text=body,
        origin=origin,
        input_format="markdown" if markdown else "text",
        source=source_from_value(_first(meta, "source", "outlet", "sitename", "source_domain")),
        fallback_source=path.stem,
        url=_url(meta),
        title=title,
        byline=_first(meta, "byline", "author", "authors"),
        published=published,
        language=_first(meta, "language", "lang"),
        external_id=_first(meta, "id"),
        extractor="markdown" if markdown else "text",
        warnings=warnings,
        metadata={k: v for k, v in meta.items() if _jsonable(v)},
    )


def parse_front_matter(text: str) -> tuple[str, dict[str, Any]]:
    """Split off a leading ``---`` block of ``key: value`` lines; (rest, metadata)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return text, {}
    meta: dict[str, Any] = {}
    for line in match.group(1).splitlines():
        kv = _KEY_VALUE.match(line.strip())
        if not kv:
            continue
        value = kv.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        if value:
            meta[kv.group(1)] = value
    if not meta:  # a horizontal rule, not front matter
        return text, {}
    return text[match.end():], meta


def split_title(text: str, *, markdown: bool = False) -> tuple[str | None, str]:
    """(title, rest) when the first line looks like a headline, else (None, text)."""
    stripped = text.lstrip("\n")
    first, sep, rest = stripped.partition("\n")
    line = first.strip()
    if not line:
        return None, text
    heading = _MD_HEADING.match(line) if markdown else None
    if heading:
        return heading.group(1).strip(), rest
    followed_by_blank = not sep or rest.startswith("\n") or rest.lstrip(" \t").startswith("\n")
    looks_like_headline = (
        len(line) <= MAX_TITLE_CHARS
        and len(line.split()) <= MAX_TITLE_WORDS
        and line[-1] not in ".!?;:,…\"”’"
        and followed_by_blank
        and rest.strip() != ""
    )
    if looks_like_headline:
        return line, rest
    return None, text


def _paragraphs(text: str) -> str:
    """Blank-line-separated blocks joined by exactly one blank line; lines inside a block kept."""
    blocks = re.split(r"\n[ \t]*\n", text)
    cleaned = ("\n".join(line.rstrip() for line in block.strip("\n").split("\n")).strip() for block in blocks)
    return "\n\n".join(b for b in cleaned if b)


def _first(meta: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = meta.get(key)
        if value not in (None, "", []):
            return value
    return None


def _url(meta: dict[str, Any]) -> str | None:
    value = _first(meta, "url", "link", "canonical_url")
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return value.strip()
    return None


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return False
    return True
