"""warcio's own test archives (read at run time from ../shared/data/crawl/warcio): every record
ends as an Article, a Skipped with its reason, or a Failure naming the record — never silence."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.model import Article, Failure, Skipped
from newsweave.read import read_path

WARCIO = Path(__file__).resolve().parents[2] / "shared" / "data" / "crawl" / "warcio"
pytestmark = pytest.mark.skipif(not WARCIO.is_dir(), reason="shared crawl data absent")


def outcomes(name: str) -> tuple[list[Article], list[Skipped], list[Failure]]:
    items = list(read_path(WARCIO / name))
    articles = [i for i in items if isinstance(i, Article)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    failed = [i for i in items if isinstance(i, Failure) and not isinstance(i, Skipped)]
    assert len(articles) + len(skipped) + len(failed) == len(items)
    return articles, skipped, failed


@pytest.mark.parametrize("name", ["example.warc", "example.warc.gz", "example.arc", "example.arc.gz",
                                  "example-iana.org-chunked.warc", "example-wget-bad-target-uri.warc.gz",
                                  "example-wrong-chunks.warc.gz", "example-bad-non-chunked.warc.gz"])
def test_one_page_stored_from_its_response(name):
    articles, skipped, failed = outcomes(name)
    assert len(articles) == 1 and not failed
    (page,) = articles
    assert page.url.startswith("http://") and page.input_format == "warc"
    assert "WARC/" not in page.extracted_text and "HTTP/1." not in page.extracted_text
    assert "<" not in page.extracted_text[:200]
    assert all(s.reason.startswith("not an article: ") for s in skipped)


def test_revisit_is_reported_as_the_earlier_capture():
    _, skipped, _ = outcomes("example.warc.gz")
    (revisit,) = [s for s in skipped if "revisit" in s.reason]
    assert "http://example.com/" in revisit.reason and "identical payload" in revisit.reason


def test_resource_record_with_html_is_an_article():
    articles, skipped, failed = outcomes("example-resource.warc.gz")
    assert [a.url for a in articles] == ["http://example.com/"] and not failed
    assert [s.reason for s in skipped] == ["not an article: WARC warcinfo record"] * 2


def test_non_html_resource_and_json_responses_are_skipped_with_their_type():
    _, skipped, _ = outcomes("example-space-in-target-uri.warc.gz")
    assert "not an article: image/png resource" in [s.reason for s in skipped]
    articles, skipped, _ = outcomes("post-test.warc.gz")
    assert not articles
    assert [s.reason for s in skipped].count("not an article: application/json response") == 3


def test_request_only_archive_is_not_silent():
    articles, skipped, failed = outcomes("example-digest.warc")
    assert not articles and not failed and len(skipped) == 4
    assert all(s.reason.startswith("not an article: WARC request record") for s in skipped)


def test_space_in_url_arc_keeps_the_url_and_stores_no_headers():
    (page,), _, failed = outcomes("example-space-in-url.arc")
    assert not failed and " " not in page.url and "EmailTitle" in page.url
    assert "filedesc://" not in page.extracted_text


def test_bad_arc_reports_each_malformed_record():
    articles, _, failed = outcomes("bad.arc")
    assert not articles and len(failed) == 3
    assert all(f.reason.startswith("malformed ARC record") and "#" in f.origin for f in failed)
    assert len({f.origin for f in failed}) == 3


def test_truncated_warc_reports_the_damaged_page_and_names_the_cut():
    # the response's block is damaged (warcio's own digest check fails on it too), then the file is cut
    articles, _, failed = outcomes("example-trunc.warc")
    assert not articles and len(failed) == 2
    assert "payload digest mismatch" in failed[0].reason
    assert all(f.origin.startswith(str(WARCIO / "example-trunc.warc#")) for f in failed)


def test_bad_suffix_warc_is_sniffed_and_read():
    articles, skipped, failed = outcomes("example-bad.warc.gz.bad")
    assert len(articles) == 1 and not failed
    assert "not an article: HTTP 302 response" in [s.reason for s in skipped]


def test_ingest_summary_counts_skipped_records_by_reason():
    from newsweave.pipeline import IngestOptions, ingest
    from newsweave.store import Store

    with Store.open("sqlite://") as store:
        summary = ingest([str(WARCIO / "example.warc.gz")], store, IngestOptions(post_store=[]))
    assert summary.read == 1 and summary.stored == 1 and not summary.failures
    by_reason = summary.skipped_by_reason()
    assert by_reason["not an article: WARC request record"] == 2
    assert by_reason["not an article: WARC revisit record"] == 1
    assert summary.as_dict()["skipped"] == 5


def test_cli_summary_counts_skipped_and_strict_lists_each(tmp_path):
    from typer.testing import CliRunner

    from newsweave.cli import app

    runner = CliRunner()
    args = ["--db", f"sqlite:///{tmp_path / 'n.db'}", "ingest", "--no-stories", str(WARCIO / "example.warc.gz")]
    plain = runner.invoke(app, args, env={"COLUMNS": "250"})
    assert plain.exit_code == 0, plain.output
    assert "skipped: not an article: WARC request record (2 records)" in plain.output
    strict = runner.invoke(app, [*args, "--strict"], env={"COLUMNS": "250"})
    assert strict.exit_code == 0  # skipped records are no failures
    lines = [line for line in strict.output.splitlines() if line.startswith("skipped: ")]
    assert len(lines) == 5 and all("example.warc.gz#" in line for line in lines)
