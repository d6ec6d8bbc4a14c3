"""CLI: ingest, articles, show, export (jsonl/csv/parquet round trip), exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import make_article
from sqlalchemy import insert
from typer.testing import CliRunner

from newsweave.bench.generate import generate
from newsweave.cli import app
from newsweave.errors import NewsweaveError
from newsweave.model import ArticleStatus
from newsweave.store import Store
from newsweave.store.schema import quotes, reprints, stories, story_assignments

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def run(db: Path | str, *args: str):
    result = runner.invoke(app, ["--db", str(db), *args], catch_exceptions=False, env={"COLUMNS": "200"})
    return result


def cli(*args: str, db: str | None = None) -> subprocess.CompletedProcess:
    """The real console entry point in a subprocess (how users see errors)."""
    env = dict(os.environ, COLUMNS="200", PYTHONPATH=str(ROOT))
    if db is not None:
        args = ("--db", db, *args)
    return subprocess.run([sys.executable, "-c", "from newsweave.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    generate(root, 30, seed=2, per_file=20, broken=1)
    return root


@pytest.fixture
def filled_db(tmp_path) -> Path:
    """A database with hand-made articles, a story, a reprint group and quotes."""
    db = tmp_path / "filled.db"
    store = Store.open(str(db))
    arts = [make_article(i) for i in range(5)]
    arts[3].status = ArticleStatus.BOILERPLATE
    store.add_articles(arts)
    now = datetime(2024, 6, 1, tzinfo=timezone.utc)
    text0 = arts[0].text
    q = text0.index("A quote,")
    with store.transaction() as conn:
        conn.execute(insert(stories).values(id="story1", headline="H", created_at=now, updated_at=now, meta={}))
        conn.execute(insert(story_assignments).values(
            article_id=arts[0].id, story_id="story1", score=0.9, reason={}, method="auto", assigned_at=now))
        conn.execute(insert(reprints).values(article_id=arts[1].id, group_id=arts[0].id,
                                             matched_article=arts[0].id, containment=0.97))
        conn.execute(insert(quotes).values(
            article_id=arts[0].id, idx=0, kind="direct", start=q, end=q + len("A quote,"), fragments=[],
            cue_start=None, cue_end=None, source_start=None, source_end=None, speaker="Jo Quellwood",
            speaker_description="mayor", confidence=0.8, reason="named speaker", act="speech", speaker_type="person"))
    from newsweave.enrich.quotes import VERSION
    from newsweave.store.quotes import PEOPLE_KIND

    store.put_annotation(arts[0].id, PEOPLE_KIND, VERSION, {"people": [], "findings": []})  # current: show keeps it
    store.close()
    return db


# --------------------------------------------------------------------------- ingest


def test_ingest_summary_and_reingest(tmp_path, corpus):
    db = tmp_path / "n.db"
    first = run(db, "ingest", str(corpus), "--batch-size", "7", "--workers", "1")
    assert first.exit_code == 0, first.output
    assert "stored" in first.output and "30" in first.output
    assert "invalid JSON" in first.output  # the failure is listed with its reason
    assert str(db) in first.output
    again = run(db, "ingest", str(corpus))
    assert again.exit_code == 0
    lines = {line.split("│")[1].strip(): line.split("│")[2].strip()
             for line in again.output.splitlines() if line.count("│") >= 3}
    assert lines["stored"] == "0" and lines["already present"] == "30"
    assert run(db, "ingest", str(corpus), "--strict").exit_code == 1  # one record failed


def test_ingest_exit_code_when_nothing_read(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    result = run(tmp_path / "n.db", "ingest", str(bad))
    assert result.exit_code == 1
    assert "nothing could be read" in result.output


# --------------------------------------------------------------------------- articles / show


def test_articles_list_and_filters(filled_db):
    store = Store.open(str(filled_db))
    arts = list(store.iter_articles())
    store.close()
    out = run(filled_db, "articles").output
    assert "articles (5)" in out and all(a.id in out for a in arts)
    out = run(filled_db, "articles", "--source", "outlet1.example").output
    assert "articles (2)" in out and arts[1].id in out and arts[0].id not in out
    out = run(filled_db, "articles", "--status", "boilerplate").output
    assert "articles (1)" in out and arts[3].id in out
    # published = 2024-05-01 06:00 UTC + i hours
    out = run(filled_db, "articles", "--since", "2024-05-01T08:00+00:00", "--until", "2024-05-01").output
    assert "articles (3)" in out and arts[2].id in out and arts[1].id not in out
    out = run(filled_db, "articles", "--limit", "2").output
    assert "3 more" in out


def test_show_text_debris_quotes(filled_db):
    store = Store.open(str(filled_db))
    art = next(store.iter_articles())
    store.close()
    out = run(filled_db, "show", art.id[:8]).output
    assert f"id {art.id}" in " ".join(out.split())
    assert "[1] Headline number 0" in out and "[3] “A quote,” she said." in out
    assert "(Photo: Someone / Agency)" in out and "photo_credit" in out
    assert "Jo Quellwood, mayor" in out and "A quote," in out
    assert "story1" in out


# --------------------------------------------------------------------------- export


def test_export_jsonl_csv_parquet_round_trip(filled_db, tmp_path):
    store = Store.open(str(filled_db))
    arts = list(store.iter_articles())
    store.close()
    ids = [a.id for a in arts]

    result = run(filled_db, "export", "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == ids
    assert rows[0]["story_id"] == "story1" and rows[1]["reprint_group"] == ids[0]
    assert rows[0]["external_id"] == "ext-0" and rows[0]["text"] == arts[0].text
    assert rows[0]["published"] == arts[0].published.isoformat()
    assert rows[0]["paragraphs"] == [[p.start, p.end] for p in arts[0].paragraphs]

    out_csv = tmp_path / "a.csv"
    assert run(filled_db, "export", "--format", "csv", "--out", str(out_csv), "--no-text").exit_code == 0
    with out_csv.open(newline="", encoding="utf-8") as fh:
        crow = list(csv.DictReader(fh))
    assert [r["id"] for r in crow] == ids and "text" not in crow[0]
    assert crow[0]["story_id"] == "story1" and crow[2]["story_id"] == ""
    assert json.loads(crow[0]["warnings"]) == ["a warning"]

    import pyarrow.parquet as pq

    out_pq = tmp_path / "a.parquet"
    assert run(filled_db, "export", "--format", "parquet", "--out", str(out_pq)).exit_code == 0
    table = pq.read_table(out_pq)
    assert table.column("id").to_pylist() == ids
    assert table.column("reprint_group").to_pylist()[1] == ids[0]
    assert table.column("text").to_pylist()[0] == arts[0].text
    assert table.column("published").to_pylist()[0] == arts[0].published
    assert not list(tmp_path.glob(".*.part"))  # no temp files left behind


def test_csv_cells_cannot_run_as_spreadsheet_formulas():
    from newsweave.present.export import csv_cell, write_csv

    assert csv_cell('=HYPERLINK("http://x.example","y")') == "'" + '=HYPERLINK("http://x.example","y")'
    cells = [csv_cell(v) for v in ("+1", "-2", "@SUM(A1)", "\tx", "plain", None, 3)]
    assert cells == ["'+1", "'-2", "'@SUM(A1)", "'\tx", "plain", "", 3]
    buf = io.StringIO()
    assert write_csv([{"text": "=1+1", "n": 1}], ["text", "n"], buf) == 1
    assert list(csv.DictReader(io.StringIO(buf.getvalue()))) == [{"text": "'=1+1", "n": "1"}]


def test_export_streams_in_pages_and_row_groups(tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    from newsweave.present import export

    store = Store.open(str(tmp_path / "big.db"))
    store.add_articles(make_article(i) for i in range(23))
    buf = io.StringIO()
    monkeypatch.setattr(export, "_PAGE", 5)
    n = export.export_articles(store, "jsonl", buf)
    assert n == 23 and len(buf.getvalue().splitlines()) == 23
    rows = list(export.iter_export_rows(store, page_size=4, source="outlet0.example"))
    assert len(rows) == 8
    path = tmp_path / "x.parquet"
    assert export._write_parquet(export.iter_export_rows(store, text=False), str(path), False, row_group=5) == 23
    assert pq.ParquetFile(path).num_row_groups == 5
    store.close()


# --------------------------------------------------------------------------- errors


def test_errors_are_one_line(tmp_path, filled_db):
    result = cli("show", "nope", db=str(filled_db))
    assert result.returncode == 2
    assert result.stderr.strip() == "error: no article with id 'nope' (see `newsweave articles`)"
    assert "Traceback" not in result.stderr
    result = cli("articles", db=str(tmp_path))  # a directory is no database
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "is a directory" in result.stderr
    for args, message in ((["export", "--format", "xml"], "unknown --format 'xml'"),
                          (["export", "--format", "parquet"], "needs --out"),
                          (["articles", "--since", "yesterday"], "--since 'yesterday' is not a date"),
                          (["articles", "--status", "great"], "unknown status 'great'")):
        result = runner.invoke(app, ["--db", str(filled_db), *args])
        assert isinstance(result.exception, NewsweaveError) and message in str(result.exception)
        assert "\n" not in str(result.exception)
    debug = cli("--debug", "show", "nope", db=str(filled_db))
    assert debug.returncode != 0 and "Traceback" in debug.stderr


def test_help_has_examples():
    for command in ("ingest", "articles", "show", "export"):
        result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        assert "Examples" in result.output and f"newsweave {command}" in result.output


def test_ingest_field_mapping_reads_custom_json_keys(tmp_path):
    records = tmp_path / "custom.jsonl"
    body = "The harbour authority reopened the north pier on Tuesday after repairs. " * 6
    records.write_text(json.dumps({"headline": "Pier reopens", "body": body, "outlet": "Quay Times",
                                   "ref": "qt-1"}) + "\n", encoding="utf-8")
    db = tmp_path / "f.db"
    result = run(db, "ingest", "--no-stories", "--field", "text=body", "--field", "title=headline",
                 "--field", "source=outlet", "--field", "id=ref", str(records))
    assert result.exit_code == 0, result.output
    with Store.open(str(db)) as store:
        (article,) = list(store.iter_articles())
    assert (article.title, article.source, article.external_id) == ("Pier reopens", "Quay Times", "qt-1")
    assert article.text.startswith("The harbour authority")


def test_ingest_rejects_malformed_field_mapping_in_one_line(tmp_path):
    proc = cli("ingest", "--field", "textbody", str(tmp_path), db=str(tmp_path / "x.db"))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "FIELD=KEY" in proc.stderr


def test_show_marks_quoted_words_in_the_text(filled_db, monkeypatch):
    from rich.console import Console

    import newsweave.cli.articles as articles_cli

    terminal = Console(force_terminal=True, color_system="standard", width=200, file=io.StringIO())
    monkeypatch.setattr(articles_cli, "console", terminal)
    store = Store.open(str(filled_db))
    art = next(store.iter_articles())
    store.close()
    run(filled_db, "show", art.id)
    output = terminal.file.getvalue()
    paragraph = next(line for line in output.splitlines() if "she said." in line and "[3]" in line)
    # the quoted words carry the quote style (italic green); the words around them do not
    assert "\x1b[3;32mA quote,\x1b[0m" in paragraph
    assert "\x1b[3;32m" not in paragraph.split("A quote,")[1]
