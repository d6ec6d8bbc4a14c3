"""newsweave CLI command: ``watch`` — poll feeds and ingest what is new or edited."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.text import Text

from newsweave.cli.app import app, console, state
from newsweave.store import Store

_WATCH_EPILOG = """\
[b]Examples[/b]

  newsweave watch https://example.org/rss.xml --every 15m

  newsweave watch https://a.example/feed.atom https://b.example/feed.json --every 30m --times 4
"""


@app.command("watch", epilog=_WATCH_EPILOG)
def watch_command(
    feeds: list[str] = typer.Argument(..., metavar="FEED_URL...", help="RSS, Atom or JSON Feed URLs."),
    every: str = typer.Option("15m", "--every", help="Time between polls: 30s, 15m, 1h …"),
    times: int = typer.Option(None, "--times", min=1, help="Stop after this many polls (default: until Ctrl-C)."),
    stories: bool = typer.Option(True, "--stories/--no-stories", help="Assign new articles to stories after a poll."),
    timeout: float = typer.Option(10.0, "--timeout", help="HTTP: seconds before a request is abandoned."),
    robots: bool = typer.Option(True, "--robots/--ignore-robots", help="HTTP: respect robots.txt."),
) -> None:
    """Poll feeds every so often (conditional GET: ETag / Last-Modified) and ingest new and edited entries.

    One line per feed and poll: not modified, or stored / revised / already present / skipped / failed.
    """
    from newsweave.pipeline import IngestOptions
    from newsweave.read import ReadOptions
    from newsweave.watch import parse_interval, watch

    interval = parse_interval(every)
    options = IngestOptions(read_options=ReadOptions(timeout=timeout, respect_robots=robots))
    with Store.open(state.db) as store:

        def report(number: int, polls) -> None:
            stamp = datetime.now().astimezone().isoformat(timespec="seconds")
            new = 0
            for poll in polls:
                if poll.summary is None:
                    detail = poll.status + (f": {poll.reason}" if poll.reason else "")
                else:
                    s = poll.summary
                    new += s.stored + s.revised
                    detail = (f"stored {s.stored} · revised {s.revised} · already present {s.already_present} · "
                              f"skipped {len(s.skipped)} · failed {s.failed}")
                    for failure in s.failures:
                        console.print(Text(f"  failed: {failure.origin}: {failure.reason}"))
                console.print(Text(f"[{stamp}] poll {number} · {poll.feed} · {detail}"))
            if stories and new:
                from newsweave.group.stage import update_stories

                update_stories(store)

        try:
            watch(feeds, store, every=interval, times=times, options=options, on_poll=report)
        except KeyboardInterrupt:
            console.print("stopped")
