"""JSON / JSON Lines reader: news-please and trafilatura layouts, field mapping, bad lines."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from read_fixtures import article_html

from newsweave.model import Article, Failure
from newsweave.read import ReadOptions, read_inputs

NEWS_PLEASE = {
    "title": "Storm hits coast", "maintext": "First paragraph.\nSecond paragraph.",
    "description": "A storm.", "source_domain": "www.dailyplanet.example.com",
    "url": "https://www.dailyplanet.example.com/storm", "date_publish": "2024-03-05 14:30:00",
    "authors": ["Lois Lane", "Clark Kent"], "language": "en",
}
TRAFILATURA = {
    "title": "Flood", "text": "Para one.\n\nPara two.", "raw_text": "Para one. Para two.",
    "author": "Ann Smith", "hostname": "gazette.example.org", "sitename": "The Gazette",
    "date": "2024-03-06", "source": "https://gazette.example.org/flood", "id": "tf-1",
}


def write_lines(path, lines):
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_news_please_and_trafilatura_fields_without_configuration(tmp_path):
    path = write_lines(tmp_path / "feed.jsonl", [json.dumps(NEWS_PLEASE).encode(), json.dumps(TRAFILATURA).encode()])
    first, second = list(read_inputs([str(path)]))
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.text == "First paragraph.\n\nSecond paragraph."
    assert first.source == "example.com"
    assert first.byline == "Lois Lane; Clark Kent"
    assert first.published == datetime(2024, 3, 5, 14, 30, tzinfo=timezone.utc)
    assert first.language == "en"
    assert first.origin == f"{path}:1" and first.input_format == "jsonl"
    assert first.raw == json.dumps(NEWS_PLEASE).encode()
    assert second.text == "Para one.\n\nPara two."
    assert second.source == "The Gazette"
    assert second.url == "https://gazette.example.org/flood"
    assert second.external_id == "tf-1"
    assert second.byline == "Ann Smith"


def test_field_map_is_tried_first_and_reaches_nested_keys(tmp_path):
    record = {"body": "Custom body.", "meta": {"outlet": "Custom Times"}, "headline": "H"}
    path = write_lines(tmp_path / "c.jsonl", [json.dumps(record).encode()])
    (article,) = list(read_inputs([str(path)], ReadOptions(field_map={"text": "body", "source": "meta.outlet"})))
    assert article.text == "Custom body." and article.source == "Custom Times" and article.title == "H"


def test_malformed_lines_fail_and_the_run_goes_on(tmp_path):
    good = json.dumps({"text": "Fine.", "source": "S"}).encode()
    path = write_lines(tmp_path / "bad.jsonl", [good, b"{not json", b"", b"[1, 2]", b"\xff\xfe garbage", good,
                                                json.dumps({"title": "no text"}).encode()])
    results = list(read_inputs([str(path)]))
    kinds = [type(r).__name__ for r in results]
    assert kinds == ["Article", "Failure", "Failure", "Failure", "Article", "Failure"]
    assert results[1].origin == f"{path}:2" and results[1].reason.startswith("invalid JSON (")
    assert results[2].origin == f"{path}:4" and "not an object" in results[2].reason
    assert results[5].origin == f"{path}:7" and "no text" in results[5].reason


def test_record_with_html_goes_through_the_html_extractor(tmp_path):
    record = {"html": article_html().decode(), "url": "https://dailyplanet.example.com/s", "id": 42}
    line = json.dumps(record).encode()
    path = write_lines(tmp_path / "h.jsonl", [line])
    (article,) = list(read_inputs([str(path)]))
    assert article.extractor == "trafilatura"
    assert article.raw == line
    assert "Emergency crews" in article.text
    assert article.external_id == "42"


def test_json_array_object_and_single_record(tmp_path):
    (tmp_path / "arr.json").write_text(json.dumps([{"text": "A."}, {"text": "B."}, 3]))
    (tmp_path / "obj.json").write_text(json.dumps({"articles": [{"text": "C."}]}))
    (tmp_path / "one.json").write_text(json.dumps({"text": "D.", "source": "Solo"}))
    (tmp_path / "broken.json").write_text('{"text": ')
    results = list(read_inputs([str(tmp_path)]))
    texts = [r.text for r in results if isinstance(r, Article)]
    assert texts == ["A.", "B.", "C.", "D."]  # the folder's files in name order: arr, (broken), obj, one
    failures = [r for r in results if isinstance(r, Failure)]
    assert {f.origin for f in failures} == {f"{tmp_path / 'arr.json'}[2]", str(tmp_path / "broken.json")}


def test_gzipped_jsonl_and_truncated_gzip(tmp_path):
    import gzip

    data = gzip.compress(b"\n".join(json.dumps({"text": f"Line {i}."}).encode() for i in range(50)))
    (tmp_path / "ok.jsonl.gz").write_bytes(data)
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    ok = list(read_inputs([str(tmp_path / "ok.jsonl.gz")]))
    assert len(ok) == 50 and all(isinstance(r, Article) for r in ok)
    cut = list(read_inputs([str(tmp_path / "cut.jsonl.gz")]))
    assert isinstance(cut[-1], Failure)
