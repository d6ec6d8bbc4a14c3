"""Quotes in the store and on the command line; the quotes benchmark's scoring."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timezone

import pytest
from conftest import make_article
from sqlalchemy import insert
from typer.testing import CliRunner

from newsweave.bench.quotes import default_data_path, gold_roles, run, score_article
from newsweave.cli import app
from newsweave.enrich.quotes import QuoteAnalysis, extract_quotes, quotes_for_article
from newsweave.enrich.quotes.roles import role_chars, roles_of
from newsweave.errors import InputError
from newsweave.store import Store
from newsweave.store.quotes import PEOPLE_KIND, iter_quotes, quotes_of, replace_quotes
from newsweave.store.schema import stories, story_assignments

runner = CliRunner()

TEXT = (
    "Mayor Ilse Brandt ordered the evacuation.\n\n"
    "“We will not let anyone return home until the air is safe,” she said.\n\n"
    "“Crews contained the fire before dawn,” said Dara Oko, director of emergency management."
)


@pytest.fixture(scope="module")
def nlp():
    from newsweave.enrich.quotes import _nlp

    return _nlp()


def _article(i: int):
    return make_article(i, text=TEXT, paragraphs=[], removed=[], extracted_text=TEXT)


def test_replace_and_iter_quotes(tmp_path, nlp):
    store = Store.open(f"sqlite:///{tmp_path / 'q.db'}")
    art = _article(1)
    store.add_articles([art])
    analysis = quotes_for_article(art, nlp=nlp)
    assert replace_quotes(store, art.id, analysis) == len(analysis.quotes) >= 2
    # replacing does not duplicate
    replace_quotes(store, art.id, analysis)
    rows = list(iter_quotes(store, every_act=True))
    assert len(rows) == len(analysis.quotes)
    assert [r.quote.act for r in iter_quotes(store)] == ["speech", "speech"]  # not "ordered the evacuation"
    assert {r.speaker for r in rows} >= {"Ilse Brandt", "Dara Oko"}
    she = next(r for r in rows if r.source_text == "she")
    assert she.speaker == "Ilse Brandt" and she.text.startswith("We will not let")
    assert [r.speaker for r in iter_quotes(store, speaker="oko")] == ["Dara Oko"]
    assert list(iter_quotes(store, article_ids=["nope"])) == []
    back = quotes_of(store, art.id)
    assert [(q.content, q.speaker, q.source) for q in back] == [
        (q.content, q.speaker, q.source) for q in analysis.quotes
    ]
    _, data = store.get_annotation(art.id, PEOPLE_KIND)
    assert any(p["name"] == "Ilse Brandt" and p["pronouns"].get("she") for p in data["people"])
    replace_quotes(store, art.id, QuoteAnalysis())
    assert quotes_of(store, art.id) == []
    store.close()


def test_cli_quotes_formats_and_filters(tmp_path):
    db = tmp_path / "cli.db"
    store = Store.open(str(db))
    a1, a2 = _article(2), _article(3)
    store.add_articles([a1, a2])
    now = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with store.transaction() as conn:
        conn.execute(insert(stories).values(id="s1", headline="h", created_at=now, updated_at=now, meta={}))
        conn.execute(
            insert(story_assignments).values(
                article_id=a1.id, story_id="s1", score=1.0, reason={}, method="auto", assigned_at=now
            )
        )
    store.close()
    env = {"COLUMNS": "200"}
    res = runner.invoke(app, ["--db", str(db), "quotes", "--format", "json"], env=env, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len({r["article"] for r in rows}) == 2
    res = runner.invoke(app, ["--db", str(db), "quotes", "--story", "s1", "--format", "csv", "--speaker", "brandt"], env=env)
    assert res.exit_code == 0, res.output
    got = list(csv.DictReader(io.StringIO(res.stdout)))
    assert got and {r["article"] for r in got} == {a1.id} and got[0]["speaker"] == "Ilse Brandt"
    res = runner.invoke(app, ["--db", str(db), "quotes"], env=env)
    assert res.exit_code == 0 and "Dara Oko" in res.stdout
    res = runner.invoke(app, ["--db", str(db), "quotes", "--story", "nope"], env=env)
    assert res.exit_code != 0
    res = runner.invoke(app, ["--db", str(db), "quotes", "--format", "json", "--min-confidence", "0.95"], env=env)
    assert res.exit_code == 0, res.output
    confident = json.loads(res.stdout)
    assert confident and all(r["confidence"] >= 0.95 for r in confident)
    assert len(confident) < len(rows)  # the pronoun-resolved quote is less sure than the named ones
    res = runner.invoke(app, ["--db", str(db), "quotes", "--min-confidence", "1.5"], env=env)
    assert res.exit_code != 0 and "min-confidence" in res.output


# --------------------------------------------------------------------------- benchmark scoring


def test_scoring_exact_overlap_and_marks(nlp):
    text = "“We are ready,” Ana Ruiz said. Ana Ruiz said that taxes will fall."
    rec = {
        "text": text,
        "attributions": [
            {"source": {"start": 16, "end": 24}, "cue": {"start": 25, "end": 29},
             "content": {"start": 0, "end": 15}},
            {"source": {"start": 31, "end": 39}, "cue": {"start": 40, "end": 44},
             "content": {"start": 45, "end": len(text) - 1}},
        ],
    }
    gold = gold_roles(text, rec)
    pred = roles_of(text, extract_quotes(text, nlp=nlp).quotes)
    counts = score_article(text, pred, gold)
    assert counts["source"]["tp"] == 2 and counts["cue"]["tp"] == 2
    assert counts["content"]["tp"] == 2  # direct content scored with its marks, as PolNeAR has it
    # a fragmented gold span equals the union of a prediction's pieces
    assert role_chars(text, [(0, 5), (5, 15)]) == role_chars(text, [(0, 15)])


def test_bench_skips_cleanly_when_default_data_is_absent(tmp_path, monkeypatch):
    import newsweave.bench.quotes as bench_quotes

    monkeypatch.setattr(bench_quotes, "default_data_path", lambda: tmp_path / "missing.jsonl")
    res = run(sample=False)
    assert "skipped" in res


def test_bench_named_data_file_missing_is_an_error_not_a_skip(tmp_path):
    with pytest.raises(InputError, match=r"missing\.jsonl"
):
        run(tmp_path / "missing.jsonl")


def test_bench_runs_on_a_tiny_file(tmp_path):
    text = "“We are ready,” Ana Ruiz said."
    rec = {"id": "t1", "text": text, "attributions": [
        {"source": {"start": 16, "end": 24}, "cue": {"start": 25, "end": 29}, "content": {"start": 0, "end": 15}}]}
    path = tmp_path / "tiny.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    res = run(path, peer=False, sample=False)
    assert res["newsweave"]["crashes"] == 0
    assert res["newsweave"]["scores"]["source"]["exact"]["f1"] == 100.0
    assert res["newsweave"]["scores"]["content"]["exact"]["f1"] == 100.0


@pytest.mark.slow
def test_bench_on_polnear_dev_meets_no_crash_target():
    if not default_data_path().exists():
        pytest.skip("PolNeAR dev not available")
    res = run(limit=10, sample=False)
    assert res["newsweave"]["crashes"] == 0


def test_extract_quotes_many_in_order():
    from newsweave.enrich.quotes import extract_quotes_many

    texts = ["“One thing,” said Ana Ruiz.", "", "“Two things,” said Tim Ward."]
    one = [a.quotes[0].speaker if a.quotes else None for a in extract_quotes_many(texts)]
    two = [a.quotes[0].speaker if a.quotes else None for a in extract_quotes_many(texts, processes=2)]
    assert one == two == ["Ana Ruiz", None, "Tim Ward"]


def test_quotes_step_for_the_ingest_pipeline(tmp_path):
    from types import SimpleNamespace

    from newsweave.enrich.stage import quotes_step

    store = Store.open(f"sqlite:///{tmp_path / 'step.db'}")
    art = _article(9)
    store.add_articles([art])
    quotes_step(SimpleNamespace(stored=[art]), store)
    quotes_step(SimpleNamespace(stored=[art]), store)  # idempotent
    assert len(quotes_of(store, art.id)) >= 2
    assert store.get_annotation(art.id, PEOPLE_KIND) is not None
    store.close()


def test_ensure_quotes_extracts_only_articles_without_current_quotes(tmp_path):
    from newsweave.enrich.stage import ensure_quotes

    store = Store.open(str(tmp_path / "q.db"))
    text = "“We are ready,” Ana Ruiz said on Monday at the harbour."
    art = make_article(7, text=text, extracted_text=text, paragraphs=[], removed=[])
    store.add_articles([art])
    assert ensure_quotes(store) == 1
    assert [q.speaker for q in quotes_of(store, art.id)] == ["Ana Ruiz"]
    assert ensure_quotes(store) == 0  # current quotes are not extracted again
    store.close()


MIXED_TEXT = (
    "Mayor Ilse Brandt said the harbour would reopen in May.\n\n"
    "Harbour officials felt that the storm wall was too low."
)


def test_store_keeps_every_act_and_lists_reported_speech_by_default(tmp_path, nlp):
    from newsweave.enrich.stage import analyses_for

    store = Store.open(f"sqlite:///{tmp_path / 'acts.db'}")
    art = make_article(7, text=MIXED_TEXT, paragraphs=[], removed=[], extracted_text=MIXED_TEXT)
    store.add_articles([art])
    replace_quotes(store, art.id, quotes_for_article(art, nlp=nlp))
    stored = quotes_of(store, art.id)
    assert {q.act for q in stored} == {"speech", "thought"}
    shown = list(iter_quotes(store))
    assert [r.quote.act for r in shown] == ["speech"] and shown[0].speaker == "Ilse Brandt"
    assert {r.quote.act for r in iter_quotes(store, every_act=True)} == {"speech", "thought"}
    assert {q.act for q in analyses_for(store, [art])[art.id].quotes} == {"speech", "thought"}
    store.close()


def test_cli_quotes_json_carries_act_type_and_spans(tmp_path):
    db = tmp_path / "spans.db"
    store = Store.open(str(db))
    art = make_article(8, text=MIXED_TEXT, paragraphs=[], removed=[], extracted_text=MIXED_TEXT)
    store.add_articles([art])
    store.close()
    res = runner.invoke(app, ["--db", str(db), "quotes", "--format", "json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert row["act"] == "speech" and row["speaker_type"] == "person" and row["kind"] == "indirect"
    assert MIXED_TEXT[slice(*row["speaker_span"])] == row["speaker_as_written"] == "Mayor Ilse Brandt"
    assert MIXED_TEXT[slice(*row["cue_span"])] == row["cue"] == "said"
    assert MIXED_TEXT[row["start"]:row["end"]] == row["text"]
    res = runner.invoke(app, ["--db", str(db), "quotes", "--format", "json", "--every-act"], catch_exceptions=False)
    assert {r["act"] for r in json.loads(res.stdout)} == {"speech", "thought"}
    res = runner.invoke(app, ["--db", str(db), "quotes", "--format", "csv", "--every-act"], catch_exceptions=False)
    got = list(csv.DictReader(io.StringIO(res.stdout)))
    assert {r["act"] for r in got} == {"speech", "thought"} and all(json.loads(r["cue_span"]) for r in got)
    res = runner.invoke(app, ["--db", str(db), "show", art.id], env={"COLUMNS": "250"}, catch_exceptions=False)
    assert res.exit_code == 0 and "speech / person" in res.stdout and "--every-act" in res.stdout
    res = runner.invoke(app, ["--db", str(db), "show", art.id, "--every-act"], env={"COLUMNS": "250"})
    assert "thought / group" in res.stdout
