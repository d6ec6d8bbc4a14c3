"""read_inputs dispatch: directories in sorted order, sidecars, sniffing, errors never raised."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from read_fixtures import article_html, write_warc

from newsweave.model import Article, Failure, Skipped
from newsweave.read import ReadOptions, format_of, read_inputs

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "data" / "seeds"


def test_directory_is_walked_recursively_in_sorted_order_and_sidecars_are_metadata(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.txt").write_text("Alpha text.\n")
    (tmp_path / "a.json").write_text(json.dumps({"source": "Alpha Post"}))
    (tmp_path / "b" / "c.html").write_bytes(article_html())
    (tmp_path / "b" / "d.jsonl").write_text(json.dumps({"text": "Delta."}) + "\n")
    write_warc(tmp_path / "b" / "e.warc.gz", [("https://e.example.com/1", article_html(site=None))])
    (tmp_path / ".hidden" / "x.txt").write_text("hidden\n")
    (tmp_path / "notes").write_text("A saved page without an extension is read by its content.\n")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    (tmp_path / "blob").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "style.css").write_text("body { margin: 0 }\n")
    everything = list(read_inputs([str(tmp_path)]))
    results = [r for r in everything if isinstance(r, Article)]
    skipped = {Path(r.origin.split("#")[0]).name: r.reason for r in everything if isinstance(r, Skipped)}
    assert not [r for r in everything if isinstance(r, Failure) and not isinstance(r, Skipped)]
    assert [Path(r.origin.split("#")[0].rsplit(":", 1)[0] if r.input_format == "jsonl" else
                 r.origin.split("#")[0]).name for r in results] == ["a.txt", "notes", "c.html", "d.jsonl", "e.warc.gz"]
    assert results[0].source == "Alpha Post"
    assert [r.input_format for r in results] == ["text", "text", "html", "jsonl", "warc"]
    # nothing is dropped silently: the image and the WARC's request record are named with a reason
    assert skipped["blob"] == "not an article: binary file of no known format"
    assert skipped["photo.jpg"] == "not an article: page asset (.jpg)"
    assert skipped["style.css"] == "not an article: page asset (.css)"
    assert skipped["e.warc.gz"].startswith("not an article: WARC request record")


def test_reading_twice_gives_the_same_ids(tmp_path):
    (tmp_path / "a.txt").write_text("Alpha text.\n")
    (tmp_path / "p.html").write_bytes(article_html())
    first = [r.id for r in read_inputs([str(tmp_path)])]
    assert first == [r.id for r in read_inputs([str(tmp_path)])]


def test_missing_path_and_unknown_explicit_file(tmp_path):
    (tmp_path / "data.bin").write_bytes(bytes(range(256)))
    missing, binary = read_inputs([str(tmp_path / "nope.txt"), str(tmp_path / "data.bin")])
    assert missing == Failure(str(tmp_path / "nope.txt"), "no such file or directory")
    assert isinstance(binary, Failure) and "binary" in binary.reason


def test_unknown_extension_sniffing(tmp_path):
    (tmp_path / "page.asp").write_bytes(article_html())
    (tmp_path / "rec.dat").write_text(json.dumps({"text": "One."}) + "\n" + json.dumps({"text": "Two."}) + "\n")
    page, one, two = read_inputs([str(tmp_path / "page.asp"), str(tmp_path / "rec.dat")])
    assert page.input_format == "html" and one.text == "One." and two.text == "Two."


def test_format_of():
    assert format_of(Path("x.WARC.GZ")) == "warc"
    assert format_of(Path("x.jsonl.gz")) == "jsonl"
    assert format_of(Path("x.md")) == "markdown"
    assert format_of(Path("x.gz")) is None


def test_options_are_validated():
    with pytest.raises(ValueError, match="timeout"):
        ReadOptions(timeout=0)


def test_a_reader_bug_becomes_a_failure(tmp_path, monkeypatch):
    import newsweave.read.text as text_module

    def broken(path, options):
        raise KeyError("boom")
        yield  # pragma: no cover

    monkeypatch.setattr(text_module, "read_text_file", broken)
    (tmp_path / "a.txt").write_text("x\n")
    (tmp_path / "b.html").write_bytes(article_html())
    results = list(read_inputs([str(tmp_path / "a.txt"), str(tmp_path / "b.html")]))
    assert isinstance(results[0], Failure) and "KeyError" in results[0].reason
    assert isinstance(results[1], Article)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/data/seeds not present")
def test_seed_files_are_read():
    results = list(read_inputs([str(SEEDS)]))
    assert len(results) == 2 and all(isinstance(r, Article) for r in results)
    # one seed opens with its headline line: it becomes the title and leaves the body
    titled = [r for r in results if r.title]
    assert len(titled) == 1 and titled[0].title not in titled[0].text
    for article in results:
        assert article.text and "\n\n" in article.text


def test_field_mapping_errors_name_the_item_without_cli_flags():
    from newsweave.errors import InputError
    from newsweave.read.jsonl import parse_field_map

    assert parse_field_map(["text=body", "id=uuid"]) == {"text": "body", "external_id": "uuid"}
    with pytest.raises(InputError, match=r"^field mapping 'text': expected FIELD=KEY, e\.g\. text=body$"):
        parse_field_map(["text"])
    with pytest.raises(InputError, match=r"^field mapping 'colour=c': unknown field 'colour'; use one of "):
        parse_field_map(["colour=c"])
