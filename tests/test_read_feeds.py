"""Feeds by content: RSS 0.91 / 1.0 / 2.0, Atom, JSON Feed; entry content used without the network."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from read_fixtures import article_html, local_http_server

from newsweave.model import Article, Skipped
from newsweave.read import ReadOptions, read_inputs
from newsweave.read.feeds import is_feed

SHARED_FEED = Path(__file__).resolve().parents[2] / "shared" / "data" / "crawl" / "feeds" / "large_atom_feed.xml"

BODY = ("The harbour council of Port Elin voted on Tuesday to rebuild the old pier. "
        "Councillor Mara Vell said the work would start in spring. ") * 12
PARAGRAPHS = "".join(f"<p>{BODY}</p>" for _ in range(2))


def rss2(base: str = "http://port-elin.example.org") -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f"<channel><title>Port Elin Gazette</title><link>{base}/</link>"
            f"<item><title>Pier to be rebuilt</title><link>{base}/pier</link><guid>pier-1</guid>"
            f"<description>Short teaser.</description><content:encoded><![CDATA[{PARAGRAPHS}]]></content:encoded>"
            f"<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>"
            f"<item><title>Teaser only</title><link>{base}/teaser</link><guid>t-2</guid>"
            f"<description>Council meets again.</description></item></channel></rss>").encode()


RSS091 = (b'<?xml version="1.0"?><!DOCTYPE rss><rss version="0.91"><channel><title>Elin Weekly</title>'
          b"<link>http://elin-weekly.example.net/</link><item><title>Ferry timetable</title>"
          b"<link>http://elin-weekly.example.net/ferry</link><description>"
          + ("The ferry between Port Elin and Arden will sail twice a day from May. " * 25).encode()
          + b"</description></item></channel></rss>")

RSS10 = (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
         b'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="http://elin.example.com/"><title>Elin</title>'
         b"<link>http://elin.example.com/</link></channel><item rdf:about=\"http://elin.example.com/market\">"
         b"<title>Market day</title><link>http://elin.example.com/market</link><description>"
         + ("The Saturday market in Port Elin returns to the square after repairs. " * 25).encode()
         + b"</description></item></rdf:RDF>")


def json_feed(base: str = "http://arden-post.example.com") -> bytes:
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Arden Post", "home_page_url": f"{base}/",
        "items": [{"id": "a-1", "url": f"{base}/bridge", "title": "Bridge reopens",
                   "content_text": BODY + "\n\n" + BODY, "date_published": "2024-03-05T09:00:00+01:00",
                   "authors": [{"name": "Ilse Marrow"}]}],
    }).encode()


def atom() -> bytes:
    return (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Arden</title>'
            b'<link href="http://arden.example.org/"/><id>tag:arden</id><updated>2024-03-05T10:00:00Z</updated>'
            b'<entry><title>Storm closes road</title><link href="http://arden.example.org/storm"/>'
            b"<id>tag:arden,1</id><updated>2024-03-05T10:00:00Z</updated><summary>Road closed.</summary>"
            b'<content type="html">' + PARAGRAPHS.replace("<", "&lt;").encode() + b"</content></entry></feed>")


def _articles(items):
    return [i for i in items if isinstance(i, Article)]


def test_feeds_are_told_by_content_not_name():
    assert is_feed(rss2()) and is_feed(RSS091) and is_feed(RSS10) and is_feed(atom()) and is_feed(json_feed())
    # look-alikes: an HTML page, an XML sitemap, plain JSON and a JSON object naming another version
    assert not is_feed(article_html())
    assert not is_feed(b'<?xml version="1.0"?><urlset><url><loc>http://x.example/</loc></url></urlset>')
    assert not is_feed(b'{"items": [], "version": "2"}')


@pytest.mark.parametrize("name,data", [("feed.rss", rss2()), ("weekly.xml", RSS091), ("rdf.xml", RSS10),
                                       ("arden.atom", atom()), ("feed.json", json_feed()), ("noext", rss2())])
def test_local_feed_files_store_entry_content_without_the_network(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    results = list(read_inputs([str(path)]))
    articles = _articles(results)
    assert articles, results
    first = articles[0]
    assert first.input_format == "feed"
    assert ("Port Elin" in first.text or "Arden" in first.text) and "<p>" not in first.text
    assert first.url and first.url.startswith("http://")
    assert first.source == first.url.split("/")[2].split(".", 1)[1]  # the link's domain, not the file name
    # a long description (RSS 0.91 / 1.0) is the article; otherwise the entry's content is
    assert first.metadata["text_from"] == ("feed entry summary" if name in ("weekly.xml", "rdf.xml")
                                           else "feed entry content")


def test_rss2_teaser_entry_is_skipped_with_its_reason_in_a_local_file(tmp_path):
    (tmp_path / "feed.rss").write_bytes(rss2())
    article, teaser = read_inputs([str(tmp_path)])  # inside a folder too
    assert article.title == "Pier to be rebuilt" and article.metadata["text_from"] == "feed entry content"
    assert article.external_id == "pier-1" and article.published is not None
    assert isinstance(teaser, Skipped) and teaser.origin.endswith("#entry1")
    assert "summary" in teaser.reason and "/teaser" in teaser.reason


def test_json_feed_fields(tmp_path):
    (tmp_path / "feed.json").write_bytes(json_feed())
    (article,) = read_inputs([str(tmp_path / "feed.json")])
    assert article.byline == "Ilse Marrow" and article.external_id == "a-1"
    assert article.published.isoformat() == "2024-03-05T09:00:00+01:00"
    assert article.text.count("\n\n") == 1  # content_text paragraphs kept


def test_an_xml_file_that_is_no_feed_is_skipped_with_a_reason(tmp_path):
    (tmp_path / "sitemap.xml").write_bytes(b'<?xml version="1.0"?><urlset><url><loc>x</loc></url></urlset>')
    (skipped,) = read_inputs([str(tmp_path / "sitemap.xml")])
    assert isinstance(skipped, Skipped) and skipped.reason.startswith("not an article: XML that is not a feed")


@pytest.mark.skipif(not SHARED_FEED.is_file(), reason="shared crawl data absent")
def test_shared_atom_feed_all_entries_from_their_own_content():
    results = list(read_inputs([str(SHARED_FEED)]))
    articles = _articles(results)
    assert len(results) == len(articles) == 15
    assert all(a.metadata["text_from"] == "feed entry content" and a.url and a.published for a in articles)
    assert len({a.id for a in articles}) == 15


class FeedHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):  # http.server API
        base = f"http://{self.headers['Host']}"
        routes = {
            "/robots.txt": (b"", "text/plain"),
            "/x-rss": (rss2(base), "application/x-rss+xml"),
            "/feed.json": (json_feed(base), "application/json"),
            "/plain-atom": (atom(), "text/plain"),
            "/teaser": (article_html(title="Council meets again"), "text/html"),
        }
        body, ctype = routes.get(self.path, (b"missing", "text/plain"))
        self.send_response(200 if self.path in routes else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    with local_http_server(FeedHandler) as url:
        yield url


FAST = ReadOptions(timeout=2, retries=0)


@pytest.mark.parametrize("path", ["/x-rss", "/feed.json", "/plain-atom"])
def test_served_feeds_whatever_their_content_type(server, path):
    results = list(read_inputs([server + path], FAST))
    assert _articles(results), results
    assert all(a.input_format == "feed" for a in _articles(results))


def test_served_rss_uses_content_and_fetches_only_the_teaser_page(server):
    article, page = read_inputs([server + "/x-rss"], FAST)
    assert article.extractor == "feed-content"
    assert isinstance(page, Article) and page.url.endswith("/teaser") and page.extractor != "feed-content"
