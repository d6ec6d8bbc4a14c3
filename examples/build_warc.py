"""Build ``corpus/crawl.warc.gz`` from the HTML pages in ``warc_src/``.

The WARC imitates a small crawl: a ``warcinfo`` record, then for each page a
``request`` and an HTML ``response`` (with the page's URL as WARC-Target-URI and
the crawl time as WARC-Date), plus one non-HTML response (``robots.txt``,
``text/plain``) that readers must skip.  The output is deterministic (fixed
record ids and dates), so rebuilding it gives the same bytes.

Run:  .venv/bin/python examples/build_warc.py
"""

from __future__ import annotations

import hashlib
import uuid
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
SRC = HERE / "warc_src"
OUT = HERE / "corpus" / "crawl.warc.gz"

# (file in warc_src, target URI, WARC-Date of the capture)
PAGES = [
    (
        "bayline-radio-shelter.html",
        "https://baylineradio.example/news/2025/03/14/harlow-street-shelter-northgate-evacuees",
        "2025-03-14T12:02:31Z",
    ),
    (
        "lakeshore-metro-tram.html",
        "https://lakeshoremetro.example/city/2025/03/14/westfield-tram-green-light",
        "2025-03-14T12:04:10Z",
    ),
]
ROBOTS = ("https://baylineradio.example/robots.txt", "2025-03-14T12:02:30Z", b"User-agent: *\nDisallow: /donate\n")


def _record_id(*parts: str) -> str:
    """A stable ``<urn:uuid:…>`` derived from the parts (deterministic output)."""
    digest = hashlib.sha256("\x00".join(parts).encode()).digest()[:16]
    return f"<urn:uuid:{uuid.UUID(bytes=digest)}>"


def _write_exchange(writer: WARCWriter, uri: str, date: str, body: bytes, content_type: str) -> None:
    host = uri.split("/")[2]
    path = "/" + uri.split("/", 3)[3]
    req_headers = StatusAndHeaders(
        f"GET {path} HTTP/1.1",
        [("Host", host), ("User-Agent", "newsweave-example-crawler/0.1"), ("Accept", "*/*")],
        is_http_request=True,
    )
    response_id = _record_id("response", uri)
    request = writer.create_warc_record(
        uri,
        "request",
        payload=BytesIO(b""),
        http_headers=req_headers,
        warc_headers_dict={
            "WARC-Date": date,
            "WARC-Record-ID": _record_id("request", uri),
            "WARC-Concurrent-To": response_id,
        },
    )
    http_headers = StatusAndHeaders(
        "200 OK",
        [("Content-Type", content_type), ("Content-Length", str(len(body)))],
        protocol="HTTP/1.1",
    )
    response = writer.create_warc_record(
        uri,
        "response",
        payload=BytesIO(body),
        http_headers=http_headers,
        warc_headers_dict={"WARC-Date": date, "WARC-Record-ID": response_id},
    )
    writer.write_record(response)
    writer.write_record(request)


def build(out: Path = OUT) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        info = writer.create_warcinfo_record(
            "crawl.warc.gz",
            {"software": "newsweave examples/build_warc.py", "description": "newsweave example crawl"},
        )
        info.rec_headers.replace_header("WARC-Date", "2025-03-14T12:02:00Z")
        info.rec_headers.replace_header("WARC-Record-ID", _record_id("warcinfo"))
        writer.write_record(info)
        uri, date, body = ROBOTS
        _write_exchange(writer, uri, date, body, "text/plain")
        for name, uri, date in PAGES:
            _write_exchange(writer, uri, date, (SRC / name).read_bytes(), "text/html; charset=utf-8")
    return out


if __name__ == "__main__":
    print(build())
