"""Read stage: files, directories, URLs and feeds → a stream of ``Article | Failure``.

>>> from newsweave.read import read_inputs, ReadOptions
>>> for item in read_inputs(["examples/corpus"], ReadOptions(respect_robots=True)):  # doctest: +SKIP
...     print(item.origin)

Every reader is a generator, so a multi-GB WARC is read in constant memory.
Bad input never raises out of :func:`read_inputs`: each unreadable record is a
:class:`~newsweave.model.Failure` naming it, and the run goes on. Each file and
URL is read in isolation (:func:`._common.guarded`): whatever its reader raises —
RecursionError, MemoryError, a native library's panic — ends that input only.
Only regular files are read: a FIFO, a device or a socket (or a link to one) is a
Failure, as is a folder that cannot be listed.

Dispatch: ``http(s)://`` → :mod:`.web` (page or RSS/Atom feed); a directory is
walked recursively in sorted order (hidden files skipped, ``name.json``
sidecars of ``name.txt``/``name.md`` not read as records); a file by extension
(``.txt .md .html .htm .json .jsonl .ndjson .jsonl.gz .warc .warc.gz .arc .arc.gz
.rss .atom .xml``), else by sniffing its first bytes. Feeds are told by content: a
``.json`` file holding a JSON Feed, or a file of any name opening with an RSS/Atom
root, is read as a feed. In a folder, a file that sniffs as no known format (an
image, a binary) or a saved page's asset (``.css``, ``.js``, ``.svg`` …) is a
:class:`~newsweave.model.Skipped` record, never dropped silently.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from newsweave.model import Article, Failure, Skipped
from newsweave.read._common import (
    DEFAULT_USER_AGENT,
    ReadOptions,
    ReadResult,
    guarded,
    not_a_regular_file,
    strip_credentials,
)

__all__ = ["DEFAULT_USER_AGENT", "EXTENSIONS", "READERS", "ReadOptions", "ReadResult", "folder_files", "format_of",
           "read_folder_entry", "read_inputs", "read_path"]

LOGGER = logging.getLogger("newsweave.read")

#: file name ending → format (a key of READERS); the longest ending that fits wins
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonl.gz": "jsonl",
    ".ndjson.gz": "jsonl",
    ".json": "json",
    ".warc": "warc",
    ".warc.gz": "warc",
    ".arc": "warc",
    ".arc.gz": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
}


#: What a saved page brings along (``page_files/``, a wget mirror): never an article, and the
#: text ones (CSS, scripts, SVG) would otherwise be read as plain text.
_PAGE_ASSETS = frozenset(
    ".css .js .mjs .map .svg .ico .png .jpg .jpeg .gif .webp .avif .bmp .woff .woff2 .ttf .otf .eot "
    ".mp3 .mp4 .webm .ogg .wav .pdf .zip".split()
)


def read_inputs(inputs: Iterable[str], options: ReadOptions | None = None) -> Iterator[Article | Failure]:
    """Read every input (file, directory, URL, feed URL) in order; yield Articles and Failures."""
    options = options or ReadOptions()
    fetcher = None
    try:
        for item in inputs:
            item = str(item)
            from newsweave.read.web import is_url

            if is_url(item):
                from newsweave.read.web import Fetcher, read_url

                if fetcher is None:
                    fetcher = Fetcher(options)
                yield from guarded(strip_credentials(item), read_url(item, options, fetcher=fetcher))
            else:
                yield from read_path(Path(item), options)
    finally:
        if fetcher is not None:
            fetcher.close()


def format_of(path: Path) -> str | None:
    """The reader for a path by its extension (``None`` when unknown)."""
    name = path.name.lower()
    for suffix in sorted(EXTENSIONS, key=len, reverse=True):
        if name.endswith(suffix):
            return EXTENSIONS[suffix]
    return None


def read_path(path: Path, options: ReadOptions | None = None) -> Iterator[Article | Failure]:
    """A file or a directory (walked recursively, sorted); each file read in isolation."""
    options = options or ReadOptions()
    if path.is_dir():
        yield from _read_directory(path, options)
        return
    if not path.exists():
        yield Failure(str(path), "no such file or directory")
        return
    yield from _read_file(path, options)


def _read_file(path: Path, options: ReadOptions, *, in_folder: bool = False) -> Iterator[Article | Failure]:
    """One file, refused unless regular (before anything opens it: a FIFO would hang the run);
    whatever its reader raises becomes a Failure and the run goes on. A binary file named on the
    command line is a failure; met in a folder walk it is skipped, with its reason."""
    problem = not_a_regular_file(path)
    if problem:
        yield Failure(str(path), problem)
        return
    fmt = _format_by_content(path)
    if fmt == "binary":
        if in_folder:
            yield Skipped(str(path), "not an article: binary file of no known format")
        else:
            yield Failure(str(path), "unsupported file type (binary; not text, Markdown, HTML, JSON, JSONL, "
                                     "a feed, WARC or ARC)")
        return
    yield from guarded(str(path), _reader(fmt)(path, options))


def _read_directory(root: Path, options: ReadOptions) -> Iterator[Article | Failure]:
    unlisted: list[Failure] = []
    for path in folder_files(root, unlisted):
        yield from unlisted
        unlisted.clear()
        yield from read_folder_entry(path, options)
    yield from unlisted


def folder_files(root: Path, unlisted: list[Failure] | None = None) -> Iterator[Path]:
    """The files a folder walk reads, sorted: hidden entries left out, and a ``name.json`` beside
    ``name.txt`` / ``name.md`` is that text's sidecar, not an input. A folder that cannot be listed
    is appended to ``unlisted`` as a Failure (never a silent gap)."""

    def on_error(error: OSError) -> None:
        if unlisted is not None:
            unlisted.append(Failure(str(error.filename), f"cannot list folder: {error.strerror or error}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        names = sorted(f for f in filenames if not f.startswith("."))
        stems_with_text = {Path(f).stem for f in names if format_of(Path(f)) in ("text", "markdown")}
        for filename in names:
            path = Path(dirpath) / filename
            if not (format_of(path) == "json" and path.stem in stems_with_text):
                yield path


def read_folder_entry(path: Path, options: ReadOptions | None = None) -> Iterator[Article | Failure]:
    """One file met in a folder walk: a saved page's asset or a binary is skipped with its reason."""
    options = options or ReadOptions()
    if path.suffix.lower() in _PAGE_ASSETS:
        yield Skipped(str(path), f"not an article: page asset ({path.suffix.lower()})")
        return
    yield from _read_file(path, options, in_folder=True)


def _format_by_content(path: Path) -> str:
    """The reader for a file: its extension, checked against its content where names lie
    (a ``.json`` JSON Feed), else sniffed; ``"binary"`` when nothing fits."""
    fmt = format_of(path)
    if fmt == "json":
        from newsweave.read.feeds import is_feed

        return "feed" if is_feed(_head(path)) else fmt
    return fmt or _sniff(path)


def _head(path: Path, size: int = 4096) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


#: format → (module, function) of its reader, imported on first use (a run of WARC files never
#: loads feedparser). A new format: a reader module, a row here, its extensions in EXTENSIONS.
READERS: dict[str, tuple[str, str]] = {
    "text": ("newsweave.read.text", "read_text_file"),
    "markdown": ("newsweave.read.text", "read_text_file"),
    "html": ("newsweave.read.html", "read_html_file"),
    "jsonl": ("newsweave.read.jsonl", "read_jsonl_file"),
    "json": ("newsweave.read.jsonl", "read_json_file"),
    "warc": ("newsweave.read.warc", "read_warc_file"),
    "feed": ("newsweave.read.feeds", "read_feed_file"),
}


def _reader(fmt: str) -> Callable[[Path, ReadOptions], Iterator[Article | Failure]]:
    if fmt not in READERS:
        raise ValueError(f"unknown input format {fmt!r}")
    module, function = READERS[fmt]
    return getattr(importlib.import_module(module), function)


def _sniff(path: Path) -> str:
    """Guess the format of a file with an unknown extension from its first bytes."""
    from newsweave.read._common import looks_binary
    from newsweave.read.feeds import is_feed
    from newsweave.read.warc import is_warc_file

    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return "text"  # let the text reader report the OS error
    if not head.strip():
        return "text"  # reported as an empty file
    if is_warc_file(path):
        return "warc"
    if is_feed(head):
        return "feed"
    if looks_binary(head):
        return "binary"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"<body" in start or b"<head" in start:
        return "html"
    if start.startswith(b"{"):
        first_line = start.split(b"\n", 1)[0].strip()
        return "jsonl" if first_line.endswith(b"}") and b"\n{" in head else "json"
    if start.startswith(b"["):
        return "json"
    return "text"  # the text reader reports binary / undecodable content
