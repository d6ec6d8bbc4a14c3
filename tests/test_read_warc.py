"""WARC reader (fastwarc): HTML 200 responses become articles, every other record is reported; truncated /
corrupt files."""

from __future__ import annotations

import pytest
from read_fixtures import article_html, write_warc

from newsweave.model import Article, Failure, Skipped
from newsweave.read import read_inputs
from newsweave.read.warc import read_warc_file

PAGES = [(f"https://www.outlet{i}.example.com/story-{i}", article_html(title=f"Story {i}", site=None))
         for i in range(3)]
EXTRA = [
    ("https://www.outlet0.example.com/missing", b"<html><body>not found</body></html>", "404 Not Found", "text/html"),
    ("https://www.outlet0.example.com/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "200 OK", "image/png"),
]


@pytest.mark.parametrize("gzip", [True, False])
def test_html_responses_become_articles_with_uri_and_date(tmp_path, gzip):
    path = write_warc(tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc"), PAGES, gzip=gzip, extra=EXTRA)
    everything = list(read_inputs([str(path)]))
    results = [r for r in everything if isinstance(r, Article)]
    skipped = [r.reason for r in everything if isinstance(r, Skipped)]
    assert len(results) + len(skipped) == len(everything), everything  # nothing failed
    assert "not an article: HTTP 404 response" in skipped
    assert "not an article: image/png response" in skipped
    assert [r.url for r in results] == [url for url, _ in PAGES]
    first = results[0]
    assert first.raw == PAGES[0][1]
    assert first.source == "example.com"
    assert first.input_format == "warc"
    assert first.origin.startswith(f"{path}#")
    assert first.metadata["warc_date"]
    assert first.published is not None and first.published.tzinfo is not None
    assert len({r.id for r in results}) == 3


@pytest.mark.parametrize("gzip", [True, False])
def test_truncated_warc_yields_records_before_then_a_failure_with_offset(tmp_path, gzip):
    path = write_warc(tmp_path / ("c.warc.gz" if gzip else "c.warc"), PAGES, gzip=gzip)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 200])
    results = list(read_warc_file(path))
    articles = [r for r in results if isinstance(r, Article)]
    assert len(articles) == 2
    assert isinstance(results[-1], Failure)
    assert results[-1].origin.startswith(f"{path}#")
    offset = int(results[-1].origin.rsplit("#", 1)[1])
    assert 0 < offset < len(data)


def test_corrupt_gzip_member_is_a_failure(tmp_path):
    path = write_warc(tmp_path / "x.warc.gz", PAGES)
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 40] = b"A" * 40
    path.write_bytes(bytes(data))
    results = list(read_warc_file(path))
    assert isinstance(results[-1], Failure)
    assert any(isinstance(r, Article) for r in results)


def test_not_a_warc_and_empty(tmp_path):
    (tmp_path / "junk.warc").write_bytes(b"hello, this is not a warc file at all\n" * 3)
    (tmp_path / "empty.warc.gz").write_bytes(b"")
    results = {r.origin: r for r in read_inputs([str(tmp_path)])}
    assert isinstance(results[str(tmp_path / "empty.warc.gz")], Failure)
    assert any(isinstance(r, Failure) and "junk.warc" in r.origin for r in results.values())


def test_unknown_extension_is_sniffed_as_warc(tmp_path):
    path = write_warc(tmp_path / "crawl.bin", PAGES[:1])
    (article,) = [r for r in read_inputs([str(path)]) if isinstance(r, Article)]
    assert article.url == PAGES[0][0]
