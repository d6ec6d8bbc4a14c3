"""CLI smoke tests: stories, story ID, story split/merge/move."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from newsweave.cli import app, main
from newsweave.model import Article, ArticleStatus, article_id_for
from newsweave.store import Store
from newsweave.store.stories import list_stories, story_detail

T0 = datetime(2025, 5, 2, 9, 0, tzinfo=timezone.utc)
WIRE = (
    "Firefighters battled a large blaze at a timber warehouse near the harbour on Friday night, "
    "sending thick smoke over the old town. Nobody was hurt, the fire brigade said, but residents "
    "were told to keep windows closed. The cause of the fire is not yet known and investigators "
    "will examine the site once the building has cooled down, a spokesperson for the brigade said "
    "on Saturday morning, adding that the warehouse had been empty for several years."
)
OTHER = (
    "The city council approved a new tram line linking the university with the main railway station. "
    "Construction is due to start next spring and will take about three years, the mayor said, with "
    "most of the cost covered by a national infrastructure fund and the rest by a local bond."
)


def _article(text, source, hours, title):
    raw = f"{source}|{text}".encode()
    return Article(id=article_id_for(raw), source=source, origin=source, input_format="text", raw=raw,
                   text=text, extracted_text=text, title=title, published=T0 + timedelta(hours=hours),
                   status=ArticleStatus.OK)


def _store_with(path, monkeypatch, articles) -> str:
    """A store at ``path`` holding ``articles``, made the CLI's default database."""
    monkeypatch.setenv("NEWSWEAVE_DB", str(path))
    with Store.open(str(path)) as store:
        store.add_articles(articles)
    return str(path)


@pytest.fixture()
def db(tmp_path, monkeypatch):
    return _store_with(tmp_path / "news.db", monkeypatch, [
        _article(WIRE, "wire.example", 0, "Warehouse fire near harbour"),
        _article("From our correspondent. " + WIRE, "paper.example", 1, "Harbour blaze"),
        _article(OTHER, "city.example", 2, "Tram line approved"),
    ])


runner = CliRunner(env={"COLUMNS": "200"})


def _stories(db):
    store = Store.open(db)
    try:
        return list_stories(store), store
    finally:
        store.close()


def test_stories_update_and_show(db):
    result = runner.invoke(app, ["stories", "--update", "--lexical"])
    assert result.exit_code == 0, result.output
    assert "Warehouse fire near harbour" in result.output
    assert "Tram line approved" in result.output
    rows, _ = _stories(db)
    fire = next(s for s in rows if s.headline == "Warehouse fire near harbour")
    assert fire.articles == 2 and fire.independent_sources == 1
    shown = runner.invoke(app, ["story", fire.id[:6]])
    assert shown.exit_code == 0, shown.output
    assert "paper.example" in shown.output and "independent" in shown.output


def test_story_help_documents_id_form():
    result = runner.invoke(app, ["story", "--help"])
    assert result.exit_code == 0
    assert "newsweave story ID" in result.output and "split" in result.output
    assert "newsweave story s3a114de9d6b1" in result.output


def test_split_merge_move(db):
    assert runner.invoke(app, ["stories", "--update", "--lexical"]).exit_code == 0
    rows, _ = _stories(db)
    fire = next(s for s in rows if s.articles == 2)
    tram = next(s for s in rows if s.articles == 1)
    store = Store.open(db)
    paper = next(a.id for a in story_detail(store, fire.id).articles if a.source == "paper.example")
    store.close()
    out = runner.invoke(app, ["story", "split", fire.id, paper])
    assert out.exit_code == 0, out.output
    assert "new story" in out.output
    assert len(_stories(db)[0]) == 3
    out = runner.invoke(app, ["story", "move", paper, tram.id])
    assert out.exit_code == 0, out.output
    out = runner.invoke(app, ["story", "merge", fire.id, tram.id])
    assert out.exit_code == 0, out.output
    rows, _ = _stories(db)
    assert [s.articles for s in rows] == [3]
    # corrections survive a re-clustering
    assert runner.invoke(app, ["stories", "--update", "--lexical"]).exit_code == 0
    assert [s.articles for s in _stories(db)[0]] == [3]


def test_errors_are_one_line(db, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["newsweave", "story", "nosuchstory"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err and "Traceback" not in err


def test_story_with_rich_markup_in_its_headline_shows_as_text(tmp_path, monkeypatch):
    path = _store_with(tmp_path / "markup.db", monkeypatch, [
        _article(WIRE, "wire.example", 0, "Fire [/b] at the [red]harbour"),
        _article("From our correspondent. " + WIRE, "paper [x].example", 1, "Harbour blaze [/]"),
    ])
    listed = runner.invoke(app, ["stories", "--update", "--lexical"])
    assert listed.exit_code == 0, listed.output
    story_id = _stories(path)[0][0].id
    shown = runner.invoke(app, ["story", story_id])
    assert shown.exit_code == 0, shown.output
    assert "Fire [/b] at the [red]harbour" in shown.output and "paper [x].example" in shown.output


def test_corrections_list_who_and_undo(db, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "ines")
    assert runner.invoke(app, ["stories", "--update", "--lexical"]).exit_code == 0
    rows, _ = _stories(db)
    fire = next(s for s in rows if s.articles == 2)
    store = Store.open(db)
    paper = next(a.id for a in story_detail(store, fire.id).articles if a.source == "paper.example")
    store.close()
    assert runner.invoke(app, ["story", "split", fire.id, paper]).exit_code == 0
    listed = runner.invoke(app, ["story", "corrections"])
    assert listed.exit_code == 0 and "ines" in listed.output and "split" in listed.output
    undone = runner.invoke(app, ["story", "undo", "1"])
    assert undone.exit_code == 0, undone.output
    assert len(_stories(db)[0]) == 2  # the split no longer applies
    again = runner.invoke(app, ["story", "undo", "1"])
    assert again.exit_code != 0 and "already undone" in str(again.exception or again.output)
