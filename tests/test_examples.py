"""The example corpus is well-formed and documented (other stages' tests rely on it)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
CORPUS = EXAMPLES / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="examples/corpus missing")


def test_text_files_have_sidecars():
    txts = sorted(CORPUS.glob("*.txt"))
    assert len(txts) >= 2
    for p in txts:
        meta = json.loads(p.with_suffix(".json").read_text(encoding="utf-8"))
        assert {"source", "url", "published", "title"} <= set(meta), p.name
        assert datetime.fromisoformat(meta["published"]).tzinfo is not None
        assert p.read_text(encoding="utf-8").splitlines()[0] == meta["title"]


def test_html_pages_carry_a_full_timestamp():
    pages = sorted(CORPUS.glob("*.html")) + sorted((EXAMPLES / "warc_src").glob("*.html"))
    assert len(pages) == 4
    for p in pages:
        html = p.read_text(encoding="utf-8")
        assert re.search(r'"datePublished":\s*"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d"', html) or re.search(
            r'property="article:published_time" content="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[+-]\d\d:\d\d|Z)"', html
        ), p.name


def test_jsonl_has_two_news_please_records():
    records = [json.loads(line) for line in (CORPUS / "news-please-feed.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2
    for rec in records:
        assert {"id", "title", "maintext", "source_domain", "url", "date_publish", "authors"} <= set(rec)
        datetime.strptime(rec["date_publish"], "%Y-%m-%d %H:%M:%S")
    assert len({rec["id"] for rec in records}) == 2


def test_warc_is_reproducible_and_holds_two_html_responses(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_warc", EXAMPLES / "build_warc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rebuilt = module.build(tmp_path / "crawl.warc.gz")
    assert rebuilt.read_bytes() == (CORPUS / "crawl.warc.gz").read_bytes(), "run examples/build_warc.py"

    from fastwarc.warc import ArchiveIterator, WarcRecordType

    kinds = []
    with (CORPUS / "crawl.warc.gz").open("rb") as fh:
        for rec in ArchiveIterator(fh, record_types=WarcRecordType.response):
            kinds.append((rec.http_headers.get("Content-Type").split(";")[0], rec.headers.get("WARC-Target-URI")))
    assert [k for k, _ in kinds] == ["text/plain", "text/html", "text/html"]
    assert all(uri.startswith("https://") and ".example/" in uri for _, uri in kinds)


def test_everything_is_fictional_and_documented():
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for p in CORPUS.iterdir():
        assert p.name.split(".")[0] in readme or p.name in readme, f"{p.name} not documented"
    for p in list(CORPUS.iterdir()) + list((EXAMPLES / "warc_src").iterdir()):
        if p.suffix == ".gz":
            continue
        for url in re.findall(r"https?://([^/\s\"'<>]+)", p.read_text(encoding="utf-8")):
            assert url.endswith(".example") or url == "schema.org", (p.name, url)


def test_article_lengths():
    """News-length articles (350–700 words) except the paywall stub."""
    trafilatura = pytest.importorskip("trafilatura")
    lengths = {}
    for p in CORPUS.glob("*.txt"):
        lengths[p.name] = len(p.read_text(encoding="utf-8").split())
    for p in CORPUS.glob("*.html"):
        lengths[p.name] = len((trafilatura.extract(p.read_text(encoding="utf-8")) or "").split())
    for p in (EXAMPLES / "warc_src").glob("*.html"):
        lengths[p.name] = len((trafilatura.extract(p.read_text(encoding="utf-8")) or "").split())
    for line in (CORPUS / "news-please-feed.jsonl").read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        lengths[rec["id"]] = len(rec["maintext"].split())
    stub = lengths.pop("meridian-business-journal-kestrel-shares.txt")
    assert stub < 80
    assert all(350 <= n <= 700 for n in lengths.values()), lengths
