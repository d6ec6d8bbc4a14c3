"""Revisions: the same article read again with edited text is one article with versions and a sentence diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.compare.revisions import sentence_diff
from newsweave.pipeline import IngestOptions, ingest
from newsweave.store import Store
from newsweave.store.versions import versions_of

OLD = [
    "The harbour council of Port Elin voted on Tuesday to rebuild the old pier at a cost of two million pounds.",
    '"We are ready to start," Councillor Mara Vell said after the vote. The work is planned for spring.',
    "Fishermen welcomed the decision, which ends a decade of delays over the crumbling structure.",
]
NEW = [
    "The harbour council of Port Elin voted on Tuesday to rebuild the old pier at a cost of three million pounds.",
    '"We are ready," Councillor Mara Vell said after the vote. The work is planned for spring.',
    "A public meeting on the design is set for April.",
]


def page(paragraphs: list[str], url: str = "https://port-elin.example.org/pier") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<html><head><title>Pier to be rebuilt</title><link rel="canonical" href="{url}">'
            f'<meta property="article:published_time" content="2024-03-05T10:00:00Z"></head>'
            f"<body><article><h1>Pier to be rebuilt</h1>{body}</article></body></html>").encode()


def run(store: Store, path: Path):
    return ingest([str(path)], store, IngestOptions(post_store=[]))


def test_diff_finds_added_deleted_and_edited_sentences_and_changed_quotes():
    old, new = "\n\n".join(OLD), "\n\n".join(NEW)
    diff = sentence_diff(old, new)
    assert diff.counts() == {"added": 1, "deleted": 1, "edited": 2, "quotes_changed": 1, "unchanged": 1}
    edited = [c for c in diff.changes if c.kind == "edited"]
    assert "two million" in edited[0].old.of(old) and "three million" in edited[0].new.of(new)
    assert edited[1].quote_changed and not edited[0].quote_changed
    (deleted,) = [c for c in diff.changes if c.kind == "deleted"]
    assert deleted.old.of(old).startswith("Fishermen") and deleted.new is None


def test_identical_texts_have_no_changes_and_reordering_is_not_an_edit():
    text = "\n\n".join(OLD)
    assert sentence_diff(text, text).changes == []
    moved = sentence_diff("A cat sat. A dog ran.", "A dog ran. A cat sat.")
    assert {c.kind for c in moved.changes} <= {"added", "deleted"} and moved.unchanged == 1


def test_edited_reingest_is_one_article_with_two_versions(tmp_path, db_url):
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    (tmp_path / "v1" / "pier.html").write_bytes(page(OLD))
    (tmp_path / "v2" / "pier.html").write_bytes(page(NEW))
    with Store.open(db_url) as store:  # SQLite, and PostgreSQL where NEWSWEAVE_TEST_PG_URL is set
        first = run(store, tmp_path / "v1")
        second = run(store, tmp_path / "v2")
        again = run(store, tmp_path / "v2")
        (article,) = list(store.iter_articles())
        history = versions_of(store, article.id)
    assert (first.stored, second.stored, second.revised) == (1, 0, 1)
    assert (again.revised, again.already_present) == (0, 1)  # re-running is a no-op
    assert "three million" in article.text and "two million" not in article.text  # the latest version
    assert article.metadata["versions"] == 2 and article.metadata["updated_at"]
    assert [v.version for v in history] == [1, 2]
    assert "two million" in history[0].text and history[0].diff is None
    assert history[1].diff["counts"] == {"added": 1, "deleted": 1, "edited": 2, "quotes_changed": 1, "unchanged": 1}
    assert history[0].fetched_at is not None and history[1].fetched_at >= history[0].fetched_at


def test_different_url_or_same_text_is_no_revision(tmp_path):
    (tmp_path / "a.html").write_bytes(page(OLD))
    (tmp_path / "b.html").write_bytes(page(OLD, url="https://port-elin.example.org/other"))
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.html").write_bytes(page(OLD).replace(b"<head>", b"<head><!-- ad slot 7 -->"))
    with Store.open("sqlite://") as store:
        summary = run(store, tmp_path)
        ids = [a.id for a in store.iter_articles()]
        assert all(versions_of(store, i) == [] for i in ids)
    assert summary.stored == 2 and summary.revised == 0 and summary.already_present == 1


def test_two_versions_in_one_batch(tmp_path):
    (tmp_path / "a.html").write_bytes(page(OLD))
    (tmp_path / "b.html").write_bytes(page(NEW))
    with Store.open("sqlite://") as store:
        summary = run(store, tmp_path)
        (article,) = list(store.iter_articles())
        assert len(versions_of(store, article.id)) == 2
    assert (summary.stored, summary.revised) == (1, 1)


@pytest.mark.parametrize("meta", ["url: https://port-elin.example.org/pier", "id: pier-1\nsource: Elin Post"])
def test_text_files_with_url_or_external_id_are_revised(tmp_path, meta):
    (tmp_path / "one.txt").write_text(f"---\n{meta}\n---\n" + "\n\n".join(OLD))
    (tmp_path / "two.txt").write_text(f"---\n{meta}\n---\n" + "\n\n".join(NEW))
    with Store.open("sqlite://") as store:
        run(store, tmp_path / "one.txt")
        summary = run(store, tmp_path / "two.txt")
        assert len(list(store.iter_articles())) == 1
    assert summary.revised == 1


def test_cli_ingest_reports_the_revision_and_show_lists_versions(tmp_path):
    from typer.testing import CliRunner

    from newsweave.cli import app

    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'news.db'}"
    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    (tmp_path / "v1" / "pier.html").write_bytes(page(OLD))
    (tmp_path / "v2" / "pier.html").write_bytes(page(NEW))
    assert runner.invoke(app, ["--db", db, "ingest", "--no-stories", str(tmp_path / "v1")]).exit_code == 0
    second = runner.invoke(app, ["--db", db, "ingest", "--no-stories", str(tmp_path / "v2")])
    assert second.exit_code == 0 and "revised" in second.output
    with Store.open(db) as store:
        (article,) = list(store.iter_articles())
    shown = runner.invoke(app, ["--db", db, "show", article.id, "--versions"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0, shown.output
    assert "version 1" in shown.output and "version 2" in shown.output
    assert "1 added · 1 deleted · 2 edited · 1 with changed quotes" in shown.output
    assert "+ A public meeting on the design is set for April." in shown.output
    assert "[quote changed]" in shown.output


def test_compare_uses_the_latest_version_and_says_it_was_updated(tmp_path):
    from newsweave.compare import compare_articles

    (tmp_path / "v1").mkdir()
    (tmp_path / "v2").mkdir()
    (tmp_path / "v1" / "pier.html").write_bytes(page(OLD))
    (tmp_path / "v2" / "pier.html").write_bytes(page(NEW))
    other = page(["A different outlet wrote that the harbour council of Port Elin voted to rebuild the pier."],
                 url="https://elin-post.example.com/pier")
    (tmp_path / "v1" / "other.html").write_bytes(other)
    with Store.open("sqlite://") as store:
        run(store, tmp_path / "v1")
        run(store, tmp_path / "v2")
        articles = list(store.iter_articles())
    story = compare_articles(articles)
    by_source = {a["source"]: a for a in story["articles"]}
    assert by_source["example.org"]["versions"] == 2 and "three million" in by_source["example.org"]["text"]
    assert by_source["example.com"]["versions"] == 1


def test_one_url_under_two_outlets_is_two_articles(tmp_path):
    import json

    records = [{"url": "https://wire.example.com/a", "source": "Wire One", "title": "Pier", "text": "\n\n".join(OLD)},
               {"url": "https://wire.example.com/a", "source": "Wire Two", "title": "Ferry", "text": "\n\n".join(NEW)}]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    with Store.open("sqlite://") as store:
        summary = run(store, tmp_path / "feed.jsonl")
    assert (summary.stored, summary.revised) == (2, 0)
