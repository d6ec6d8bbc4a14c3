"""Fixture builders shared by the tests/test_read_*.py files (HTML pages, WARCs)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PARAGRAPHS = [
    "A powerful storm struck the northern coast of Veloria on Tuesday, flooding streets and cutting "
    "power to thousands of homes, officials said.",
    "\u201cWe have never seen water this high,\u201d said Mayor Ann Smith, who urged residents to stay indoors.",
    "Emergency crews worked through the night to restore electricity to 12,000 households.",
]


def article_html(
    title: str = "Storm hits coast",
    paragraphs: list[str] | None = None,
    *,
    site: str | None = "Daily Planet",
    published: str | None = "2024-03-05T14:30:00+01:00",
    jsonld_date: str | None = None,
    time_tag: str | None = None,
    author: str | None = "Lois Lane",
) -> bytes:
    paragraphs = PARAGRAPHS if paragraphs is None else paragraphs
    head = [f"<title>{title} | {site or 'News'}</title>"]
    if site:
        head.append(f'<meta property="og:site_name" content="{site}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    if author:
        head.append(f'<meta name="author" content="{author}">')
    if jsonld_date:
        head.append('<script type="application/ld+json">{"@context":"https://schema.org",'
                    f'"@type":"NewsArticle","headline":"{title}","datePublished":"{jsonld_date}"}}</script>')
    time_html = f'<time datetime="{time_tag}">then</time>' if time_tag else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">" + "".join(head) + "</head><body>"
        "<nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>"
        f"<article><h1>{title}</h1>{time_html}{body}</article>"
        "<footer>Copyright Daily Planet.</footer></body></html>"
    )
    return page.encode("utf-8")


def write_warc(path: Path, pages: list[tuple[str, bytes]], *, gzip: bool = True,
               extra: list[tuple[str, bytes, str, str]] | None = None) -> Path:
    """A WARC with a warcinfo record, then (request, response) per page, plus ``extra``
    (url, body, status line, content type) responses."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "newsweave-tests"}))
        items = [(url, body, "200 OK", "text/html; charset=utf-8") for url, body in pages] + list(extra or [])
        for url, body, status, ctype in items:
            request = writer.create_warc_record(url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
            writer.write_record(request)
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
    return path


class SiteWithoutRobots(BaseHTTPRequestHandler):
    """A test site that logs nothing and has no robots.txt (404); subclasses answer the rest in ``page``."""

    def log_message(self, *args):
        pass

    def do_GET(self):  # http.server API
        if self.path == "/robots.txt":
            self.send_response(404)
            self.end_headers()
            return
        self.page()

    def page(self) -> None:
        raise NotImplementedError


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # clients hanging up early are expected
        pass


@contextmanager
def local_http_server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """A threaded HTTP server on 127.0.0.1 (a free port) for the tests; yields its base URL."""
    httpd = QuietServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
