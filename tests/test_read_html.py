"""HTML reader: trafilatura text + metadata, full timestamps, fallback, no-article pages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from read_fixtures import PARAGRAPHS, article_html

from newsweave.model import Article, Failure
from newsweave.read import ReadOptions, read_inputs
from newsweave.read.html import article_from_html


def test_text_title_author_site_and_full_timestamp(tmp_path):
    path = tmp_path / "storm.html"
    path.write_bytes(article_html())
    (article,) = list(read_inputs([str(path)]))
    assert isinstance(article, Article)
    assert article.extractor == "trafilatura"
    assert article.title == "Storm hits coast"
    assert article.byline == "Lois Lane"
    assert article.source == "Daily Planet"
    assert article.published == datetime(2024, 3, 5, 14, 30, tzinfo=timezone(timedelta(hours=1)))
    # paragraphs separated by one blank line, curly quotes kept, navigation and footer gone
    for paragraph in PARAGRAPHS:
        assert paragraph in article.text.split("\n\n")
    assert "Home" not in article.text and "Copyright" not in article.text
    assert article.raw == path.read_bytes()
    assert article.text == article.extracted_text
    assert article.input_format == "html"


def test_jsonld_date_wins_and_time_tag_is_a_fallback():
    page = article_html(published=None, jsonld_date="2024-03-05T09:15:00Z", time_tag="2020-01-01T00:00:00Z")
    article = article_from_html(page, origin="p")
    assert article.published == datetime(2024, 3, 5, 9, 15, tzinfo=timezone.utc)
    page = article_html(published=None, time_tag="2024-03-06T07:00:00-05:00")
    assert article_from_html(page, origin="p").published == datetime(2024, 3, 6, 12, 0, tzinfo=timezone.utc)


def test_source_falls_back_to_registered_domain_then_unknown():
    page = article_html(site=None)
    article = article_from_html(page, origin="x.html", url="https://news.bbc.example.co.uk/story")
    assert article.source == "example.co.uk"
    assert article.url == "https://news.bbc.example.co.uk/story"
    assert article_from_html(page, origin="/tmp/outlet-page.html").source == "unknown"
    named = article_from_html(page, origin="/tmp/outlet-page.html", options=ReadOptions(outlet_from_filename=True))
    assert named.source == "outlet-page"


def test_identical_bytes_at_two_urls_are_two_articles():
    page = article_html(site=None)
    a = article_from_html(page, origin="a", url="https://one.example.com/x")
    b = article_from_html(page, origin="b", url="https://two.example.org/x")
    assert a.id != b.id
    assert article_from_html(page, origin="a", url="https://one.example.com/x").id == a.id


def test_page_without_article_text_is_a_failure():
    page = b"<html><head><title>Index</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    assert article_from_html(page, origin="idx.html") == Failure("idx.html", "no article text found")
    assert article_from_html(b"", origin="e.html").reason == "empty HTML page"


def test_fallback_extractor_is_recorded(monkeypatch):
    import trafilatura

    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *a, **k: None)
    page = b"<html><body>" + b"".join(
        b"<p>" + p.encode() + b" More words so this is a real paragraph of prose with stop words in it.</p>"
        for p in PARAGRAPHS) + b"</body></html>"
    article = article_from_html(page, origin="f.html")
    assert isinstance(article, Article)
    assert article.extractor == "justext"
    assert "Emergency crews" in article.text


def test_day_only_date_gives_midnight_utc_with_warning():
    page = article_html(published=None).replace(
        b"</head>", b'<meta name="date" content="2024-03-05"></head>')
    article = article_from_html(page, origin="d.html")
    assert article.published == datetime(2024, 3, 5, tzinfo=timezone.utc)
    assert article.warnings


def test_jsonld_author_beats_a_messy_byline_line():
    page = article_html(author=None, paragraphs=["By Harbor Wire \u00b7 Published March 13, 2025", *PARAGRAPHS])
    page = page.replace(b"</head>", b'<script type="application/ld+json">{"@type": "NewsArticle", '
                        b'"author": [{"@type": "Person", "name": "Ann Smith"}, {"name": "Bo Lee"}]}</script></head>')
    assert article_from_html(page, origin="a.html").byline == "Ann Smith; Bo Lee"


def test_windows_1252_page_is_decoded():
    text = "Le caf\u00e9 \u00e9tait tr\u00e8s bon, dit le gar\u00e7on, \u201cet tout le monde \u00e9tait content.\u201d"
    page = ('<html><head><meta charset="windows-1252"><title>Caf\u00e9</title></head><body><article>'
            f"<p>{text}</p><p>{PARAGRAPHS[0]}</p></article></body></html>").encode("cp1252")
    article = article_from_html(page, origin="w.html")
    assert text in article.text
    assert article.raw == page
