"""Plain-text and Markdown files → Articles.

Metadata comes from a sidecar ``name.json`` (same stem) or a front-matter
block (``---`` … ``---``) of ``key: value`` lines: source, url, title,
published/date, author/byline, id, language. The title is the first line when
it looks like a headline (short, no closing period, followed by a blank line)
or a Markdown ``# heading``.

What metadata lacks is read from the top of the text, where a newspaper prints it
(:func:`header_facts`): a byline ("By Jane Roe, Harbour Times" / "By Jane Roe · March 5,
2024"), a "Published …" / "Updated …" stamp, a lone date line, or a wire dateline
("PORT ELIN, March 5, 2024 (Harbor Wire) —"). Each fact found is kept with the rule and the
character span it came from in ``metadata["from_text"]``. Without any, the outlet is
"unknown" (the file name only with ``ReadOptions.outlet_from_filename``) and the date empty.
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
    source, byline, published = _outlet_byline_date(meta, body, warnings)
    yield finish_article(
        raw=raw,
        text=body,
        origin=origin,
        input_format="markdown" if markdown else "text",
        source=source,
        fallback_source=path.stem,
        name_as_outlet=options.outlet_from_filename,
        url=_url(meta),
        title=title,
        byline=byline,
        published=published,
        language=_first(meta, "language", "lang"),
        external_id=_first(meta, "id"),
        extractor="markdown" if markdown else "text",
        warnings=warnings,
        metadata={k: v for k, v in meta.items() if _jsonable(v)},
    )


#: Only the first lines are a page's header; a date deeper in is part of the story.
HEADER_LINES = 5
_BYLINE = re.compile(r"^by\s+(?P<names>[A-ZÀ-Þ][^|·•,–—\d]{1,80}?)(?:\s*[|·•,–—]\s*(?P<rest>.{2,80}))?$", re.IGNORECASE)
_STAMP = re.compile(r"^(?:published|posted|updated|last\s+updated|first\s+published)(?:\s+on)?\s*:?\s+(?P<date>.{6,60})$",
                    re.IGNORECASE)
_DATELINE = re.compile(
    r"^(?P<place>[A-ZÀ-Þ][A-ZÀ-Þ .'’-]{1,40}?)\s*(?:,\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?))?\s*"
    r"\((?P<outlet>[A-ZÀ-Þ][\w .&'’-]{1,40})\)\s*[-–—]"
)
_OUTLET_LIKE = re.compile(r"^(?:the\s+)?[A-ZÀ-Þ][\w&'’.-]*(?:\s+[A-ZÀ-Þ][\w&'’.-]*){0,5}$")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def header_facts(body: str) -> dict[str, tuple[str, str, int, int]]:
    """Outlet, byline and date printed at the top of a text: {fact: (value, rule, start, end)}.

    Only lines shaped like a byline, a publication stamp, a lone date or a wire dateline
    count, and only among the first :data:`HEADER_LINES` lines; a date needs its year.
    """
    from newsweave.clean.rules import is_date_only

    facts: dict[str, tuple[str, str, int, int]] = {}
    for number, line in enumerate(re.finditer(r"[^\n]+", body)):
        if number >= HEADER_LINES:
            break
        text, start = line.group().strip(), line.start() + len(line.group()) - len(line.group().lstrip())
        end = start + len(text)
        if number == 0 and (dateline := _DATELINE.match(text)):
            facts.setdefault("outlet", (dateline["outlet"].strip(), "dateline", start, end))
            if dateline["date"] and _YEAR.search(dateline["date"]):
                facts.setdefault("published", (dateline["date"], "dateline", start, end))
        elif (byline := _BYLINE.match(text)) and len(byline["names"].split()) <= 8:
            facts.setdefault("byline", (byline["names"].strip(), "byline", start, end))
            rest = (byline["rest"] or "").strip()
            if _YEAR.search(rest):
                facts.setdefault("published", (_STAMP.sub(r"\g<date>", rest), "byline date", start, end))
            elif rest and _OUTLET_LIKE.match(rest):
                facts.setdefault("outlet", (rest, "byline", start, end))
        elif (stamp := _STAMP.match(text)) and _YEAR.search(stamp["date"]):
            facts.setdefault("published", (stamp["date"], "'Published …' line", start, end))
        elif is_date_only(text) and _YEAR.search(text):
            facts.setdefault("published", (text, "date line", start, end))
    return facts


def _outlet_byline_date(meta: dict[str, Any], body: str, warnings: list[str]) -> tuple[Any, Any, Any]:
    """Outlet, byline and date: the metadata's, else what the top of the text says
    (recorded with rule and span in ``meta["from_text"]``)."""
    published = None
    for key in ("published", "date_publish", "date", "datePublished", "published_at"):
        if meta.get(key):
            published = parse_datetime(meta[key], warnings)
            if published is not None:
                break
    source = source_from_value(_first(meta, "source", "outlet", "sitename", "source_domain"))
    byline = _first(meta, "byline", "author", "authors")
    known = {"outlet": source, "byline": byline, "published": published}
    found = {k: v for k, v in header_facts(body).items() if known[k] is None}
    if not found:
        return source, byline, published
    meta["from_text"] = {k: {"value": str(v[0]), "rule": v[1], "start": v[2], "end": v[3]} for k, v in found.items()}
    if "published" in found:
        published = parse_datetime(found["published"][0], warnings)
    return (source or found.get("outlet", (None,))[0], byline or found.get("byline", (None,))[0], published)


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
