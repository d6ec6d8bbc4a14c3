"""newsweave CLI commands: stories, story (show / split / merge / move).

Thin: parse options, call :mod:`newsweave.group.stage` and :mod:`newsweave.store.stories`,
render with rich.
``story`` is a command group whose first argument, when it is not one of its
subcommands, is a story id to show (``newsweave story s1a2b3c4d5e6``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from newsweave.cli.app import app, console, err_console, state
from newsweave.store import Store

__all__ = ["STORY_PARAM_HELP", "stories_command", "story_app", "story_params"]

STORY_PARAM_HELP = ("Story clustering setting NAME=VALUE (e.g. threshold=0.7); repeatable. "
                    "See them with: newsweave stories --params.")


def story_params(items: list[str]) -> Any:
    """The story settings in force (defaults, NEWSWEAVE_STORY_* environment, then ``--story-param`` items)."""
    from newsweave.group.stories import StoryParams, parse_story_options

    return StoryParams.load(**parse_story_options(items))


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "–"


def _day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "–"


def _span(first: datetime | None, last: datetime | None) -> str:
    a, b = _day(first), _day(last)
    return a if a == b else f"{a} → {b}"


def _user() -> str | None:
    """Who records a correction from the command line: the login name."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a bare container)
        return None


def _short(value: str | None, width: int = 80) -> str:
    value = " ".join((value or "").split())
    return value if len(value) <= width else value[: width - 1] + "…"


# --------------------------------------------------------------------------- stories

_STORIES_EPILOG = """\
[b]Examples[/b]

  newsweave stories --update          (re-cluster after an ingest, then list)

  newsweave stories --min-articles 2 --limit 20

  newsweave stories --params          (the clustering settings in force, and where each came from)

  newsweave stories --update --story-param threshold=0.7

  newsweave story s3a114de9d6b1       (one story's articles, see `newsweave story --help`)

[i]independent[/i] counts reprint groups: a wire story reprinted by 40 outlets is 1.
Settings: --story-param NAME=VALUE or the environment, NEWSWEAVE_STORY_THRESHOLD=0.7.
"""


def _print_update(result: Any) -> None:
    line = (
        f"clustered {result.articles} articles into {result.stories} stories in {result.seconds:.1f}s "
        f"(signatures computed {result.signatures_computed}, features computed {result.features_computed}, "
        f"reprint groups {result.reprint_groups}, corrections applied {result.corrections_applied})"
    )
    err_console.print(line, highlight=False)
    for why in result.corrections_skipped:
        err_console.print(f"[yellow]skipped:[/] {escape(why)}", highlight=False)


@app.command("stories", epilog=_STORIES_EPILOG)
def stories_command(
    update: bool = typer.Option(False, "--update", help="Re-cluster first: signatures, reprints, stories, corrections."),
    lexical: bool = typer.Option(
        False, "--lexical", help="With --update: skip entities and embeddings (terms only, fastest)."
    ),
    min_articles: int = typer.Option(1, "--min-articles", min=1, help="Only stories with at least this many articles."),
    limit: int = typer.Option(None, "--limit", min=1, help="Show at most this many stories."),
    params: bool = typer.Option(False, "--params", help="Show the clustering settings in force and exit."),
    story_param: list[str] = typer.Option([], "--story-param", metavar="NAME=VALUE", help=STORY_PARAM_HELP),
) -> None:
    """List stories: headline, articles, independent sources, outlets, first/last publication."""
    from newsweave.group.stage import update_stories
    from newsweave.store.stories import list_stories

    if params:
        _print_params(story_param)
        return
    settings = story_params(story_param) if update else None
    with Store.open(state.db) as store:
        if update:
            with err_console.status("updating stories…"):
                result = update_stories(store, settings, features=not lexical)
            _print_update(result)
        rows = list_stories(store, min_articles=min_articles, limit=limit)
    if not rows:
        console.print("no stories yet: ingest articles, then run `newsweave stories --update`")
        return
    table = Table(title=f"{len(rows)} stories", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("story", style="cyan", no_wrap=True)
    table.add_column("headline", overflow="fold", min_width=16, ratio=3)
    table.add_column("arts", justify="right", no_wrap=True)
    table.add_column("indep", justify="right", no_wrap=True)
    table.add_column("outlets", overflow="ellipsis", ratio=1, min_width=10)
    table.add_column("first → last", overflow="fold", min_width=10)
    for s in rows:
        outlets = ", ".join(s.outlets[:3]) + (f" +{len(s.outlets) - 3}" if len(s.outlets) > 3 else "")
        head = Text(_short(s.headline, 90) or "(untitled)")
        if s.manual:
            head.append(" ✎", style="yellow")
        table.add_row(
            s.id, head, str(s.articles), str(s.independent_sources), Text(outlets),
            _span(s.first_published, s.last_published),
        )
    console.print(table)
    console.print("arts: articles · indep: independent sources (reprint groups)", style="dim")


def _print_params(items: list[str]) -> None:
    """The settings table: name, value, where it came from, what it means."""
    import json

    from newsweave.group.stories import parse_story_options, story_settings

    table = Table(title="story clustering settings", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("setting", style="cyan", no_wrap=True)
    table.add_column("value", overflow="fold", ratio=2)
    table.add_column("from", no_wrap=True)
    table.add_column("meaning", overflow="fold", ratio=3)
    for s in story_settings(parse_story_options(items)):
        value = "none" if s.value is None else json.dumps(s.value) if isinstance(s.value, (dict, bool)) else str(s.value)
        table.add_row(s.name, Text(value), s.source, Text(s.meaning))
    console.print(table)
    console.print("defaults: the calibrated values (newsweave/group/stories/params.py); "
                  "override with --story-param NAME=VALUE or NEWSWEAVE_STORY_<NAME>=VALUE", style="dim")


# --------------------------------------------------------------------------- story group


class StoryGroup(TyperGroup):
    """A group whose unknown first argument is a story id for ``show``."""

    # ctx is typer's Context: click's, or the copy of click newer typer releases vendor, so it is typed Any here
    def resolve_command(self, ctx: Any, args: list[str]):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return "show", self.commands["show"], args
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx: Any) -> list[str]:
        return [c for c in super().list_commands(ctx) if c != "show"]


_STORY_HELP = """\
Show one story, or correct the clustering.

[b]newsweave story ID[/b] shows a story's articles with their reprint groups, scores
and reasons (ID may be a unique prefix). The subcommands record a correction;
corrections are replayed after every re-clustering, so they survive
`newsweave stories --update` and new ingests.
"""

_STORY_EPILOG = """\
[b]Examples[/b]

  newsweave story s3a114de9d6b1                        (show a story)

  newsweave story split s3a114de9d6b1 9f2c41d0 77ab03e1  (those articles become a story of their own)

  newsweave story merge s3a114de9d6b1 s0c9e2f7a1b44     (the second story joins the first)

  newsweave story move 9f2c41d0 s0c9e2f7a1b44          (one article changes story)
"""

story_app = typer.Typer(
    cls=StoryGroup,
    subcommand_metavar="ID | COMMAND [ARGS]...",
    help=_STORY_HELP,
    epilog=_STORY_EPILOG,
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(story_app, name="story")


@story_app.command("show", hidden=True)
def show_command(story_id: str = typer.Argument(..., metavar="ID", help="Story id or unique prefix.")) -> None:
    """Show a story's articles with reprint groups, scores and reasons."""
    from newsweave.store.stories import story_detail

    with Store.open(state.db) as store:
        detail = story_detail(store, story_id)
    _render_detail(detail)


def _reason_text(reason: dict[str, Any]) -> str:
    parts = []
    method = reason.get("method")
    if method:
        parts.append(str(method))
    if reason.get("auto_story"):
        parts.append(f"clusterer said {reason['auto_story']}")
    terms = reason.get("shared_terms") or []
    if terms:
        parts.append("terms: " + ", ".join(map(str, terms[:5])))
    ents = reason.get("shared_entities") or []
    if ents:
        parts.append("entities: " + ", ".join(map(str, ents[:4])))
    return "; ".join(parts)


def _render_detail(detail: Any) -> None:
    s = detail.summary
    console.print(f"[bold]{escape(s.headline or '(untitled)')}[/]", highlight=False)
    console.print(
        f"story [cyan]{s.id}[/] · {s.articles} articles · {s.independent_sources} independent sources · "
        f"{len(s.outlets)} outlets · {_when(s.first_published)} → {_when(s.last_published)}",
        highlight=False,
    )
    table = Table(show_lines=False)
    table.add_column("article", style="cyan", no_wrap=True)
    table.add_column("outlet")
    table.add_column("published", no_wrap=True)
    table.add_column("title", overflow="fold")
    table.add_column("reprint group", no_wrap=True)
    table.add_column("score", justify="right")
    table.add_column("why", overflow="fold")
    for a in detail.articles:
        if a.is_reprint:
            group = Text(f"{a.reprint_group[:10]} ({a.containment:.0%})", style="magenta")
        elif a.matched_article:
            group = Text(f"{a.id[:10]} original", style="green")
        else:
            group = Text("–")
        why = _reason_text(a.reason)
        if a.method == "manual":
            why = "[manual] " + why
        title = Text(_short(a.title, 70))
        if a.versions > 1:
            title.append(f" (updated: {a.versions} versions, latest shown)", style="yellow")
        table.add_row(a.id, Text(a.source), _when(a.published), title, group, f"{a.score:.2f}", Text(why))
    console.print(table)


@story_app.command("split", epilog="""\
[b]Examples[/b]

  newsweave story split s3a114de9d6b1 9f2c41d0 77ab03e1   (those two articles become a story of their own)
""")
def split_command(
    story_id: str = typer.Argument(..., metavar="ID", help="The story to split."),
    article_ids: list[str] = typer.Argument(..., metavar="ARTICLE...", help="Articles that leave it for a new story."),
) -> None:
    """Move some articles of a story into a new story of their own."""
    from newsweave.store.stories import record_correction

    with Store.open(state.db) as store:
        stored = record_correction(store, "split", {"story": story_id, "articles": article_ids}, who=_user())
    console.print(
        f"split {len(stored['articles'])} article(s) from {stored['story']} into new story [cyan]{stored['new_story']}[/]",
        highlight=False,
    )


@story_app.command("merge", epilog="""\
[b]Examples[/b]

  newsweave story merge s3a114de9d6b1 s0c9e2f7a1b44   (the second story joins the first)
""")
def merge_command(
    story_ids: list[str] = typer.Argument(..., metavar="ID ID...", help="Stories to merge; all join the first."),
) -> None:
    """Merge stories: the later ones join the first."""
    from newsweave.store.stories import record_correction

    with Store.open(state.db) as store:
        stored = record_correction(store, "merge", {"stories": story_ids}, who=_user())
    others = ", ".join(stored["stories"][1:])
    console.print(f"merged {others} into [cyan]{stored['stories'][0]}[/]", highlight=False)


@story_app.command("move", epilog="""\
[b]Examples[/b]

  newsweave story move 9f2c41d0 s0c9e2f7a1b44   (article 9f2c41d0 now belongs to that story)
""")
def move_command(
    article_id: str = typer.Argument(..., metavar="ARTICLE", help="The article to move."),
    story_id: str = typer.Argument(..., metavar="STORY_ID", help="The story it belongs to."),
) -> None:
    """Move one article to another story."""
    from newsweave.store.stories import record_correction

    with Store.open(state.db) as store:
        stored = record_correction(store, "move", {"article": article_id, "story": story_id}, who=_user())
    console.print(f"moved {stored['article']} to [cyan]{stored['story']}[/]", highlight=False)


@story_app.command("corrections", epilog="""\
[b]Examples[/b]

  newsweave story corrections                (every correction, web ones included, with who and when)

  newsweave story undo 7                     (correction 7 stops applying; it stays listed)
""")
def corrections_command(
    kind: str = typer.Option(None, "--kind", help="Only this kind: split, merge, move, flag, speaker."),
) -> None:
    """List corrections (story, flag verdicts, speaker fixes) with who made them, when, and any undo."""
    from newsweave.store.stories import list_corrections

    with Store.open(state.db) as store:
        items = list_corrections(store, [kind] if kind else None)
    table = Table(box=box.SIMPLE_HEAVY, header_style="bold")
    for column in ("id", "when", "who", "kind", "what", "undone"):
        table.add_column(column)
    for c in items:
        what = ", ".join(f"{k}={v}" for k, v in c["payload"].items() if k != "members")
        table.add_row(str(c["id"]), _when(c["created_at"]), Text(c["who"] or "–"), c["kind"], Text(_short(what, 90)),
                      _when(c["undone_at"]) if c["undone_at"] else "")
    console.print(table)


@story_app.command("undo")
def undo_command(correction_id: int = typer.Argument(..., metavar="CORRECTION_ID", help="From `story corrections`.")) -> None:
    """Undo a correction of any kind (the stories are rebuilt without it)."""
    from newsweave.store.stories import undo_correction

    with Store.open(state.db) as store:
        undone = undo_correction(store, correction_id, who=_user())
    console.print(f"undid correction {undone['id']} ({undone['kind']})", highlight=False)
