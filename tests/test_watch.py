"""``watch``: a local HTTP server on 127.0.0.1 serves a feed that changes between polls (bounded)."""

from __future__ import annotations

from email.utils import formatdate
from typing import ClassVar

import pytest
from read_fixtures import SiteWithoutRobots, local_http_server

from newsweave.errors import InputError
from newsweave.pipeline import IngestOptions
from newsweave.read import ReadOptions
from newsweave.store import Store
from newsweave.store.versions import versions_of
from newsweave.watch import parse_interval, watch

PARA = ("The harbour council of Port Elin voted on Tuesday to rebuild the old pier before the summer. "
        "Councillor Mara Vell said the work would take four months and cost two million pounds. ") * 4


def atom(entries: list[tuple[str, str]]) -> bytes:
    items = "".join(
        f'<entry><title>{title}</title><link href="http://elin.example.org/{key}"/><id>tag:elin,{key}</id>'
        f"<updated>2024-03-05T10:00:00Z</updated><content type=\"html\">&lt;p&gt;{body}&lt;/p&gt;</content></entry>"
        for key, (title, body) in enumerate(entries)
    )
    return (f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Elin</title>'
            f'<link href="http://elin.example.org/"/><id>tag:elin</id><updated>2024-03-05T10:00:00Z</updated>'
            f"{items}</feed>").encode()


class FeedState:
    version = 0
    requests: ClassVar[list[dict[str, str]]] = []
    bodies: ClassVar[dict[int, str]] = {
        0: atom([("Pier vote", PARA)]),
        1: atom([("Pier vote", PARA), ("Ferry timetable", PARA.replace("pier", "ferry"))]),
        2: atom([("Pier vote", PARA.replace("two million", "three million")),
                 ("Ferry timetable", PARA.replace("pier", "ferry"))]),
    }


class Handler(SiteWithoutRobots):
    def page(self):
        FeedState.requests.append({k: v for k, v in self.headers.items() if k.startswith("If-")})
        etag = f'"v{FeedState.version}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        body = FeedState.bodies[FeedState.version]
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", formatdate(1709632800 + FeedState.version, usegmt=True))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def feed_url():
    FeedState.version = 0
    FeedState.requests = []
    with local_http_server(Handler) as url:
        yield f"{url}/feed"


def test_watch_ingests_new_and_edited_entries_and_honours_etag(feed_url):
    def change_between_polls(seconds: float) -> None:
        assert seconds <= 0.05  # the interval, less the time the poll took
        if len(FeedState.requests) in (2, 3):  # after the 2nd and 3rd poll: a new entry, then an edit
            FeedState.version += 1

    options = IngestOptions(read_options=ReadOptions(timeout=2, retries=0), post_store=[])
    with Store.open("sqlite://") as store:
        rounds = watch([feed_url], store, every=0.05, times=4, options=options, sleep=change_between_polls)
        articles = {a.title: a for a in store.iter_articles()}
        pier_versions = versions_of(store, articles["Pier vote"].id)
    statuses = [r[0].status for r in rounds]
    assert statuses == ["changed", "not modified", "changed", "changed"]
    assert FeedState.requests[0] == {}  # the first poll is unconditional
    assert FeedState.requests[1]["If-None-Match"] == '"v0"' and "If-Modified-Since" in FeedState.requests[1]
    assert [(r[0].summary.stored, r[0].summary.revised) for r in rounds if r[0].summary] == [(1, 0), (1, 0), (0, 1)]
    assert set(articles) == {"Pier vote", "Ferry timetable"}
    assert [v.version for v in pier_versions] == [1, 2] and pier_versions[1].diff["counts"]["edited"] == PARA.count("two million")


def test_unreachable_feed_is_a_failed_poll_not_a_crash():
    options = IngestOptions(read_options=ReadOptions(timeout=0.5, retries=0, respect_robots=False), post_store=[])
    with Store.open("sqlite://") as store:
        (round_,) = watch(["http://127.0.0.1:9/feed"], store, every=1, times=1, options=options)
    assert round_[0].status == "failed" and round_[0].reason


@pytest.mark.parametrize("bad", ["", "0s", "15 minutes", "-1m"])
def test_bad_intervals_are_refused(bad):
    with pytest.raises(InputError):
        parse_interval(bad)


def test_cli_watch_prints_one_line_per_poll(feed_url, tmp_path):
    from typer.testing import CliRunner

    from newsweave.cli import app

    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'w.db'}", "watch", feed_url, "--every", "50ms",
                                      "--times", "2", "--no-stories", "--ignore-robots"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "poll" in line]
    assert len(lines) == 2
    assert "poll 1" in lines[0] and "stored 1" in lines[0]
    assert "poll 2" in lines[1] and "not modified" in lines[1]
