"""Property tests: no input crashes the readers (random bytes, text, JSON lines, truncated WARCs)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from read_fixtures import article_html, write_warc

from newsweave.model import Article, Failure
from newsweave.read import read_inputs
from newsweave.read.html import article_from_html
from newsweave.read.jsonl import article_from_record

FUZZ = settings(max_examples=int(os.environ.get("NEWSWEAVE_FUZZ_EXAMPLES", "40")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
SUFFIXES = [".txt", ".md", ".html", ".json", ".jsonl", ".warc", ".warc.gz", ".dat"]


def check(results):
    assert all(isinstance(r, (Article, Failure)) for r in results)
    for r in results:
        if isinstance(r, Article):
            assert r.text == r.extracted_text and r.id and r.source
            assert r.published is None or r.published.tzinfo is not None
        else:
            assert r.origin and r.reason and "\n" not in r.reason
            assert not r.reason.startswith("read error:"), r  # a reader raised: a bug, not bad input


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_crash(data, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        check(list(read_inputs([str(path)])))


@FUZZ
@given(text=st.text(max_size=2000), suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_random_text_never_crashes(text, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        check(list(read_inputs([str(path)])))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
known_keys = st.sampled_from(["text", "maintext", "title", "date", "date_publish", "authors", "source",
                              "source_domain", "url", "id", "html", "language", "sitename", "hostname"])
records = st.dictionaries(known_keys, json_values, max_size=8)


@FUZZ
@given(lines=st.lists(st.one_of(records.map(json.dumps), st.text(max_size=60).filter(lambda s: "\n" not in s)),
                      max_size=8))
def test_random_json_lines_never_crash(lines):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        results = list(read_inputs([str(path)]))
        check(results)


@FUZZ
@given(record=records)
def test_random_records_never_crash(record):
    check([article_from_record(record, raw=b"{}", origin="r:1", input_format="jsonl")])


@FUZZ
@given(html=st.binary(max_size=2000) | st.text(max_size=2000).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_random_html_never_crashes(html):
    check([article_from_html(html, origin="h")])


_WARC_CACHE: dict[bool, bytes] = {}


def _warc_bytes(gzip: bool) -> bytes:
    if gzip not in _WARC_CACHE:
        with tempfile.TemporaryDirectory() as tmp:
            pages = [(f"https://site{i}.example.com/a", article_html(title=f"T{i}")) for i in range(3)]
            _WARC_CACHE[gzip] = write_warc(Path(tmp) / "w.warc", pages, gzip=gzip).read_bytes()
    return _WARC_CACHE[gzip]


@FUZZ
@given(gzip=st.booleans(), cut=st.floats(min_value=0, max_value=1), flip=st.none() | st.integers(0, 10_000))
def test_truncated_or_damaged_warc_never_crashes(gzip, cut, flip):
    data = bytearray(_warc_bytes(gzip))
    data = data[: int(len(data) * cut)]
    if flip is not None and data:
        data[flip % len(data)] ^= 0xFF
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("w.warc.gz" if gzip else "w.warc")
        path.write_bytes(bytes(data))
        results = list(read_inputs([str(path)]))
        check(results)
        near_boundary = any(0 <= b - len(data) <= 4 for b in _record_boundaries(gzip))
        if flip is None and not near_boundary:  # cut inside a record: the last thing said is a failure
            assert results and isinstance(results[-1], Failure)


def _record_boundaries(gzip: bool) -> list[int]:
    """Offsets where a record (or gzip member) starts, plus the end of the file."""
    import re
    import zlib

    data = _warc_bytes(gzip)
    if not gzip:
        return [0] + [m.start() + 4 for m in re.finditer(rb"\r\n\r\nWARC/1\.", data)] + [len(data)]
    offsets, pos = [0], 0
    while pos < len(data):
        decomp = zlib.decompressobj(wbits=31)
        decomp.decompress(data[pos:])
        pos = len(data) - len(decomp.unused_data)
        offsets.append(pos)
    return offsets
