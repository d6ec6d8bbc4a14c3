"""Plain-text / Markdown reader: titles, sidecars, front matter, encodings, bad files."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from newsweave.model import Article, Failure
from newsweave.read import ReadOptions, read_inputs
from newsweave.read.text import read_text_file, split_title


def one(path: Path) -> Article | Failure:
    (result,) = list(read_text_file(path))
    return result


def test_headline_first_line_becomes_title_and_paragraphs_are_blank_line_separated(tmp_path):
    path = tmp_path / "storm.txt"
    path.write_bytes(b"Storm hits coast\n\nFirst paragraph.\nA caption line\n\n\n\nSecond paragraph.\n")
    article = one(path)
    assert isinstance(article, Article)
    assert article.title == "Storm hits coast"
    assert article.text == "First paragraph.\nA caption line\n\nSecond paragraph."
    assert article.extracted_text == article.text
    assert article.raw == path.read_bytes()
    assert article.source == "unknown" and article.input_format == "text" and article.extractor == "text"
    # the file name is the outlet only when asked for
    (named,) = list(read_text_file(path, ReadOptions(outlet_from_filename=True)))
    assert named.source == "storm" and named.id == article.id


def test_first_line_that_is_a_sentence_is_not_a_title(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("The storm struck on Tuesday, officials said.\n\nMore text.\n")
    article = one(path)
    assert article.title is None
    assert article.text.startswith("The storm struck")


def test_split_title_needs_a_blank_line_after_it():
    assert split_title("Headline\nbody continues\n") == (None, "Headline\nbody continues\n")
    assert split_title("# Heading\nbody", markdown=True) == ("Heading", "body")


def test_sidecar_json_gives_metadata_and_url_domain(tmp_path):
    (tmp_path / "piece.txt").write_text("Headline here\n\nBody text of the article.\n")
    (tmp_path / "piece.json").write_text(json.dumps({
        "url": "https://www.example.co.uk/news/1", "published": "2024-05-01T08:00:00+02:00",
        "author": "Jo Doe", "id": "abc-1"}))
    article = one(tmp_path / "piece.txt")
    assert article.source == "example.co.uk"
    assert article.url == "https://www.example.co.uk/news/1"
    assert article.published == datetime(2024, 5, 1, 6, 0, tzinfo=timezone.utc)
    assert article.byline == "Jo Doe" and article.external_id == "abc-1"


def test_front_matter_in_markdown(tmp_path):
    path = tmp_path / "b.md"
    path.write_text('---\ntitle: "Quoted Title"\nsource: Wire Service\ndate: 2024-01-02\n---\n# Ignored heading\n\nBody.\n')
    article = one(path)
    assert article.title == "Quoted Title"
    assert article.source == "Wire Service"
    assert article.published == datetime(2024, 1, 2, tzinfo=timezone.utc)
    assert any("no time zone" in w for w in article.warnings)
    assert article.input_format == "markdown"


def test_naive_date_is_utc_with_warning(tmp_path):
    (tmp_path / "n.txt").write_text("Body only, a sentence.\n")
    (tmp_path / "n.json").write_text('{"date": "2024-02-03 10:11:12"}')
    article = one(tmp_path / "n.txt")
    assert article.published == datetime(2024, 2, 3, 10, 11, 12, tzinfo=timezone.utc)
    assert article.warnings


def test_cp1252_file_is_detected(tmp_path):
    path = tmp_path / "latin.txt"
    text = "Le caf\u00e9 \u00e9tait tr\u00e8s bon, dit le gar\u00e7on. \u201cOui,\u201d r\u00e9pondit-il."
    path.write_bytes(text.encode("cp1252"))
    article = one(path)
    assert article.text == text
    assert any("cp1252" in w for w in article.warnings)


def test_empty_and_binary_files_fail_with_a_reason(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\n ")
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 4)
    results = {Path(r.origin).name: r for r in read_inputs([str(tmp_path)])}
    assert results["empty.txt"] == Failure(str(tmp_path / "empty.txt"), "empty file")
    assert results["blank.txt"].reason == "empty file"
    assert "binary" in results["bin.txt"].reason


def test_same_bytes_same_name_same_id_but_other_outlet_differs(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for d in ("a", "b"):
        (tmp_path / d / "x.txt").write_text("Same body text.\n")
    (tmp_path / "b" / "y.txt").write_text("Same body text.\n")
    first = one(tmp_path / "a" / "x.txt")
    assert one(tmp_path / "a" / "x.txt").id == first.id  # re-reading: same id
    assert one(tmp_path / "b" / "x.txt").id == first.id  # same file content and outlet
    assert one(tmp_path / "b" / "y.txt").id != first.id  # another outlet (file stem)
