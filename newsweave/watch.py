"""Watch feeds: poll each one every so often and ingest what is new or edited.

Each poll is a conditional GET: the ``ETag`` and ``Last-Modified`` a feed sent last time go
back as ``If-None-Match`` / ``If-Modified-Since``, so an unchanged feed costs a 304 and no
parsing. A changed feed goes through the ordinary ingest pipeline — entries already stored
are "already present", edited ones become a new version (:mod:`newsweave.store.versions`),
new ones are stored — so watching is exactly ``ingest`` repeated, never a second code path.
The validators live as long as the watcher (one ``newsweave watch`` process): a new process
starts with one unconditional GET per feed, which stores nothing twice.

>>> from newsweave.watch import parse_interval
>>> parse_interval("15m"), parse_interval("90s"), parse_interval("1h")
(900.0, 90.0, 3600.0)
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from newsweave.errors import InputError
from newsweave.model import Failure
from newsweave.pipeline import IngestOptions, IngestSummary, ingest

if TYPE_CHECKING:
    from newsweave.store import Store

__all__ = ["FeedPoll", "FeedWatcher", "failures_of", "parse_interval", "watch"]

_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$", re.IGNORECASE)
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_interval(value: str) -> float:
    """"15m", "30s", "1h", "250ms" or plain seconds → seconds (> 0)."""
    match = _INTERVAL.match(value or "")
    if not match:
        raise InputError(f"invalid interval {value!r}: use a number with s, m or h, e.g. 15m")
    seconds = float(match.group(1)) * _UNIT_SECONDS[(match.group(2) or "s").lower()]
    if seconds <= 0:
        raise InputError(f"interval must be > 0, got {value!r}")
    return seconds


@dataclass(slots=True)
class FeedPoll:
    """What one poll of one feed did."""

    feed: str
    status: str  # "changed" | "not modified" | "failed"
    summary: IngestSummary | None = None
    reason: str | None = None


@dataclass(slots=True)
class _Validators:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass
class FeedWatcher:
    """Polls a fixed list of feeds into one store, remembering each feed's validators."""

    feeds: Sequence[str]
    store: Store
    options: IngestOptions = field(default_factory=IngestOptions)
    _validators: dict[str, _Validators] = field(default_factory=dict)

    def poll(self) -> list[FeedPoll]:
        """One conditional GET per feed; the changed ones are ingested."""
        from newsweave.read import ReadOptions
        from newsweave.read.web import Fetcher

        read_options = self.options.read_options or ReadOptions()
        with Fetcher(read_options) as fetcher:
            return [self._poll_one(feed, fetcher, read_options) for feed in self.feeds]

    def _poll_one(self, feed: str, fetcher: Any, read_options: Any) -> FeedPoll:
        from newsweave.read.feeds import is_feed
        from newsweave.read.web import FetchError, read_feed_response

        known = self._validators.setdefault(feed, _Validators())
        try:
            response = fetcher.fetch(feed, headers=known.headers())
        except FetchError as e:
            return FeedPoll(feed, "failed", reason=str(e))
        if response.status == 304:
            return FeedPoll(feed, "not modified")
        if not is_feed(response.body):
            return FeedPoll(feed, "failed", reason=f"not a feed (content type {response.content_type or 'none'})")
        known.etag, known.last_modified = response.etag, response.last_modified

        def reader(_inputs: list[str], options: Any):
            return read_feed_response(feed, response, fetcher, options or read_options)

        options = IngestOptions(batch_size=self.options.batch_size, read_options=read_options,
                                article_steps=self.options.article_steps, post_store=self.options.post_store,
                                reader=reader)
        return FeedPoll(feed, "changed", summary=ingest([feed], self.store, options))


def watch(feeds: Sequence[str], store: Store, *, every: float, times: int | None = None,
          options: IngestOptions | None = None, on_poll: Callable[[int, list[FeedPoll]], None] | None = None,
          sleep: Callable[[float], None] = time.sleep) -> list[list[FeedPoll]]:
    """Poll ``feeds`` every ``every`` seconds, ``times`` times (None: until interrupted)."""
    if not feeds:
        raise InputError("nothing to watch: give at least one feed URL")
    if times is not None and times < 1:
        raise InputError(f"times must be >= 1, got {times}")
    watcher = FeedWatcher(list(feeds), store, options or IngestOptions())
    rounds: list[list[FeedPoll]] = []
    number = 0
    while times is None or number < times:
        started = time.monotonic()
        polls = watcher.poll()
        number += 1
        if times is not None:
            rounds.append(polls)
        if on_poll is not None:
            on_poll(number, polls)
        if times is None or number < times:
            sleep(max(0.0, every - (time.monotonic() - started)))
    return rounds


def failures_of(polls: list[FeedPoll]) -> list[Failure]:
    """Every failure of one round: feeds that could not be polled, records that could not be read."""
    out: list[Failure] = []
    for poll in polls:
        if poll.status == "failed":
            out.append(Failure(poll.feed, poll.reason or "failed"))
        elif poll.summary is not None:
            out.extend(poll.summary.failures)
    return out
