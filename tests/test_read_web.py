"""URL and feed reader against a local HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler
from typing import ClassVar

import pytest
from read_fixtures import article_html, local_http_server

from newsweave.model import Article, Failure
from newsweave.read import DEFAULT_USER_AGENT, ReadOptions, read_inputs

PAGE = article_html(site="Local Herald")
UNDATED = article_html(title="Undated story", published=None, site=None)


def rss(base: str) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{path}</guid>"
        f"<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate></item>"
        for title, path in [("One", "/article"), ("Two", "/undated"), ("Gone", "/missing")]
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Herald</title>'
            f"<link>{base}/</link>{items}</channel></rss>").encode()


class Handler(BaseHTTPRequestHandler):
    hits: ClassVar[dict[str, int]] = {}
    agents: ClassVar[list[str]] = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in extra:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # http.server API
        base = f"http://{self.headers['Host']}"
        Handler.hits[self.path] = Handler.hits.get(self.path, 0) + 1
        Handler.agents.append(self.headers.get("User-Agent", ""))
        routes = {
            "/robots.txt": lambda: self.send(200, b"User-agent: *\nDisallow: /private\n", "text/plain"),
            "/article": lambda: self.send(200, PAGE),
            "/undated": lambda: self.send(200, UNDATED),
            "/private/page": lambda: self.send(200, PAGE),
            "/redirect": lambda: self.send(302, b"", extra=[("Location", "/article")]),
            "/redirect-private": lambda: self.send(301, b"", extra=[("Location", f"{base}/private/page")]),
            "/loop": lambda: self.send(302, b"", extra=[("Location", "/loop")]),
            "/to-ftp": lambda: self.send(302, b"", extra=[("Location", "ftp://example.com/x")]),
            "/feed.xml": lambda: self.send(200, rss(base), "application/rss+xml"),
            "/feed-as-xml": lambda: self.send(200, rss(base), "text/xml"),
            "/pdf": lambda: self.send(200, b"%PDF-1.4 ...", "application/pdf"),
            "/empty-page": lambda: self.send(200, b"<html><body><nav>Home</nav></body></html>"),
        }
        if self.path in routes:
            routes[self.path]()
        elif self.path == "/big":
            self.send(200, b"<html><body>" + b"<p>word</p>" * 20000 + b"</body></html>")
        elif self.path == "/big-chunked":  # no Content-Length: the limit must hold while streaming
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"<p>" + b"x" * 4096 + b"</p>")
            self.close_connection = True
        elif self.path == "/slow":
            time.sleep(1.5)
            self.send(200, PAGE)
        elif self.path == "/flaky":
            if Handler.hits[self.path] == 1:
                self.send(503, b"busy")
            else:
                self.send(200, PAGE)
        elif self.path == "/always-500":
            self.send(500, b"broken")
        else:
            self.send(404, b"not found")


@pytest.fixture(scope="module")
def server():
    with local_http_server(Handler) as url:
        yield url


FAST = ReadOptions(timeout=0.5, retries=1, backoff=0.01)


def read(*urls, options=FAST):
    return list(read_inputs(list(urls), options))


def test_page_url_gives_an_article_with_a_real_user_agent(server):
    (article,) = read(f"{server}/article")
    assert isinstance(article, Article)
    assert article.url == f"{server}/article"
    assert article.source == "Local Herald"
    assert article.input_format == "url"
    assert article.raw == PAGE
    assert article.metadata["fetched_at"]
    assert DEFAULT_USER_AGENT.startswith("newsweave/") and "+http" in DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT in Handler.agents


def test_redirect_is_followed_and_final_url_kept(server):
    (article,) = read(f"{server}/redirect")
    assert article.url == f"{server}/article"
    assert article.origin == f"{server}/redirect"


def test_every_redirect_hop_is_checked(server):
    private, loop, ftp = read(f"{server}/redirect-private", f"{server}/loop", f"{server}/to-ftp")
    assert "disallowed by robots.txt" in private.reason
    assert "too many redirects" in loop.reason
    assert "unusable URL" in ftp.reason


def test_robots_txt_is_respected_and_can_be_turned_off(server):
    (failure,) = read(f"{server}/private/page")
    assert failure == Failure(f"{server}/private/page", "disallowed by robots.txt")
    (article,) = read(f"{server}/private/page", options=ReadOptions(respect_robots=False, timeout=0.5))
    assert isinstance(article, Article)


def test_404_non_html_empty_page_and_bad_urls_are_failures(server):
    results = read(f"{server}/nope", f"{server}/pdf", f"{server}/empty-page", "ftp://example.com/x",
                   "http://", "http://127.0.0.1:1/closed-port")
    assert all(isinstance(r, Failure) for r in results)
    reasons = [r.reason for r in results]
    assert reasons[0] == "HTTP 404"
    assert "not an HTML page" in reasons[1]
    assert reasons[2] == "no article text found"
    assert "scheme" in reasons[3]
    assert "no host" in reasons[4]
    assert "unreachable" in reasons[5]


def test_oversized_responses_are_refused_with_and_without_content_length(server):
    options = ReadOptions(max_bytes=50_000, timeout=2.0, retries=0)
    big, chunked = read(f"{server}/big", f"{server}/big-chunked", options=options)
    assert isinstance(big, Failure) and "too large" in big.reason
    assert isinstance(chunked, Failure) and "too large" in chunked.reason


def test_slow_server_times_out(server):
    started = time.monotonic()
    (failure,) = read(f"{server}/slow", options=ReadOptions(timeout=0.3, retries=0))
    assert failure.reason == "timed out"
    assert time.monotonic() - started < 1.4


def test_5xx_is_retried_with_backoff(server):
    (article,) = read(f"{server}/flaky")
    assert isinstance(article, Article)
    assert Handler.hits["/flaky"] == 2
    (failure,) = read(f"{server}/always-500")
    assert failure.reason == "HTTP 500"
    assert Handler.hits["/always-500"] == 2  # one try + one retry


@pytest.mark.parametrize("path", ["/feed.xml", "/feed-as-xml"])
def test_feed_yields_each_entry_page_and_entry_date_fills_in(server, path):
    robots_before = Handler.hits.get("/robots.txt", 0)
    results = read(f"{server}{path}")
    assert Handler.hits["/robots.txt"] == robots_before + 1  # cached per host for the whole run
    assert [type(r).__name__ for r in results] == ["Article", "Article", "Failure"]
    one, two, gone = results
    assert one.input_format == "feed" and one.metadata["feed_url"] == f"{server}{path}"
    assert one.published == datetime(2024, 3, 5, 13, 30, tzinfo=timezone.utc)  # the page's own timestamp
    assert two.published == datetime(2024, 3, 5, 10, 0, tzinfo=timezone.utc)  # from the feed entry
    assert gone == Failure(f"{server}/missing", "HTTP 404")
