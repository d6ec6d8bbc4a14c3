"""The store on SQLite and PostgreSQL: URLs, migrations, batched idempotent writes, reads."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import make_article
from sqlalchemy import func, insert, select, text

from newsweave.errors import InputError, NotFound
from newsweave.model import ArticleStatus
from newsweave.store import Store, StoreError, migrate, resolve_url
from newsweave.store.schema import annotations, articles, metadata, raw_inputs, removed_lines

# --------------------------------------------------------------------------- URLs


def test_bare_path_is_sqlite_file(tmp_path):
    url = resolve_url(str(tmp_path / "sub" / "x.db"))
    assert url.drivername == "sqlite"
    assert url.database == str((tmp_path / "sub" / "x.db").resolve())
    assert (tmp_path / "sub").is_dir()  # missing parent folders are created


def test_default_and_env(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NEWSWEAVE_DB", raising=False)
    assert resolve_url(None).database == str(tmp_path / "newsweave.db")
    monkeypatch.setenv("NEWSWEAVE_DB", str(tmp_path / "env.db"))
    assert resolve_url(None).database == str(tmp_path / "env.db")


@pytest.mark.parametrize("given", ["postgresql://u:p@h/db", "postgres://u@h:5433/db", "postgresql+psycopg://u@h/db"])
def test_postgres_urls_use_psycopg3(given):
    assert resolve_url(given).drivername == "postgresql+psycopg"


def test_bad_locations_are_one_line_input_errors(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        resolve_url(str(tmp_path))
    not_db = tmp_path / "notes.txt"
    not_db.write_text("hello, not a database")
    with pytest.raises(InputError, match="not an SQLite database"):
        Store.open(str(not_db))
    assert not_db.read_text() == "hello, not a database"
    with pytest.raises(InputError, match="unsupported database"):
        resolve_url("mysql://u@h/db")
    with pytest.raises(InputError, match="unsupported PostgreSQL driver"):
        resolve_url("postgresql+asyncpg://u@h/db")


def test_unreachable_postgres_is_a_store_error():
    with pytest.raises(StoreError, match=r"cannot open database .*nobody:\*\*\*@"):
        Store.open("postgresql://nobody:secret@127.0.0.1:9/nowhere?connect_timeout=2")


def test_memory_store():
    store = Store.open("sqlite://")
    assert store.add_articles([make_article(1)]).stored == 1
    assert store.count_articles() == 1


# --------------------------------------------------------------------------- migrations


def test_migrated_database_matches_schema(db_url):
    store = Store.open(db_url)
    with store.connect() as conn:
        assert migrate.schema_diff(conn) == []
        assert migrate.current_revision(conn) == migrate.head_revision()
        tables = set(conn.dialect.get_table_names(conn))
    assert set(metadata.tables) <= tables
    store.close()
    # opening again is a no-op
    with Store.open(db_url) as again, again.transaction() as conn:
        assert migrate.upgrade(conn) is False


def test_sqlite_wal_and_foreign_keys(tmp_path):
    store = Store.open(str(tmp_path / "x.db"))
    with store.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    with pytest.raises(Exception), store.transaction() as conn:  # noqa: B017 - FK violation
        conn.execute(insert(raw_inputs).values(article_id="nope", raw=b"x"))
    store.close()


def test_migrations_check_cli():
    assert migrate._main(["check"]) == 0


def test_head_scan_agrees_with_alembic():
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(migrate.alembic_config()).get_heads() == [migrate.head_revision()]


# --------------------------------------------------------------------------- writes


def _dump(store: Store) -> dict[str, list]:
    out = {}
    with store.connect() as conn:
        for table in (articles, raw_inputs, removed_lines, annotations):
            cols = [c for c in table.c if c.name != "ingested_at"]
            rows = conn.execute(select(*cols).order_by(*table.primary_key.columns)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def test_round_trip_every_field(db_url):
    store = Store.open(db_url)
    original = [make_article(i) for i in range(3)]
    original[1].published = datetime(2024, 5, 1, 8, 30)  # naive: zone unknown, kept as written
    original[2].published = None
    counts = store.add_articles(original)
    assert (counts.stored, counts.present, counts.failed) == (3, 0, [])
    for art in original:
        back = store.get_article(art.id)
        assert back.ingested_at is not None and back.ingested_at.tzinfo is not None
        back.ingested_at = art.ingested_at
        assert back == art
    store.close()


def test_reingest_is_a_noop_and_seq_follows_ingest_order(db_url):
    store = Store.open(db_url)
    batch = [make_article(i) for i in range(10)]
    first = store.add_articles(batch, batch_size=3)
    assert (first.stored, first.present, first.batches) == (10, 0, 4)
    before = _dump(store)
    again = store.add_articles([*batch, batch[0]], batch_size=4)
    assert (again.stored, again.present) == (0, 11)
    assert _dump(store) == before
    more = store.add_articles([make_article(10), make_article(10), make_article(3)])
    assert (more.stored, more.present) == (1, 2)  # a duplicate inside one batch is stored once
    with store.connect() as conn:
        seqs = conn.execute(select(articles.c.id, articles.c.seq).order_by(articles.c.seq)).all()
    assert [s for _, s in seqs] == list(range(1, 12))
    assert [i for i, _ in seqs] == [a.id for a in batch] + [make_article(10).id]
    store.close()


def test_a_refused_record_fails_alone(db_url):
    store = Store.open(db_url)
    bad = make_article(2, origin=None)  # NOT NULL column: the database refuses it
    weird = make_article(3, paragraphs=[object()])  # not a span at all
    counts = store.add_articles([make_article(1), bad, weird, make_article(4)], batch_size=10)
    assert counts.stored == 2
    assert sorted(f.reason.split(":")[0] for f in counts.failed) == [
        "database refused the record", "record cannot be stored"]
    assert store.count_articles() == 2
    store.close()


def test_unstorable_characters_are_replaced_one_for_one(db_url):
    store = Store.open(db_url)
    art = make_article(1, text="NUL\x00here \ud800 lone", paragraphs=[], source="s" * 400,
                        metadata={"k\x00": "v\x00", "nan": float("nan")})
    store.add_articles([art])
    back = store.get_article(art.id)
    assert back.text == "NUL\ufffdhere \ufffd lone"
    assert len(back.text) == len(art.text)
    assert len(back.source) == 300
    assert back.metadata == {"k\ufffd": "v\ufffd", "nan": None}
    assert any("U+FFFD" in w for w in back.warnings)
    assert back.raw == art.raw  # raw bytes are kept byte for byte, NULs included
    store.close()


def test_failed_transaction_leaves_nothing(db_url):
    store = Store.open(db_url)
    store.add_articles([make_article(1)])
    before = _dump(store)
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute(articles.delete())
        raise RuntimeError("boom")
    assert _dump(store) == before
    store.close()


def test_every_committed_write_moves_the_change_counter(db_url):
    store, other = Store.open(db_url), Store.open(db_url)  # another process would see what `other` sees
    start = other.changes()
    store.add_articles([make_article(i) for i in range(5)], batch_size=2)  # three transactions
    assert other.changes() == start + 3
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute(articles.delete())
        raise RuntimeError("boom")
    assert other.changes() == start + 3  # rolled back: nothing changed
    store.count_articles()
    assert store.changes() == start + 3  # reads leave it alone
    store.close()
    other.close()


# --------------------------------------------------------------------------- reads


@pytest.fixture
def filled(db_url):
    store = Store.open(db_url)
    arts = [make_article(i) for i in range(12)]
    arts[5].status = ArticleStatus.PAYWALL
    store.add_articles(arts, batch_size=5)
    yield store, arts
    store.close()


def test_get_article_by_prefix(filled):
    store, arts = filled
    art = arts[4]
    prefix = next(art.id[:n] for n in range(1, 17) if sum(a.id.startswith(art.id[:n]) for a in arts) == 1)
    assert store.get_article(prefix).id == art.id
    with pytest.raises(NotFound, match="no article"):
        store.get_article("zzzz")
    with pytest.raises(NotFound, match="no article"):
        store.get_article("%")  # LIKE wildcards are taken literally
    with pytest.raises(InputError):
        store.get_article("  ")


def test_ambiguous_prefix(db_url):
    store = Store.open(db_url)
    a, b = make_article(1, id="abc1"), make_article(2, id="abc2")
    store.add_articles([a, b])
    with pytest.raises(NotFound, match="ambiguous: matches abc1, abc2"):
        store.get_article("abc")
    assert store.get_article("abc2").id == "abc2"
    store.close()


def test_iter_articles_filters_and_order(filled):
    store, arts = filled
    ids = [a.id for a in arts]
    assert [a.id for a in store.iter_articles(chunk_size=5)] == ids  # pages of 5, seq order
    assert [a.id for a in store.iter_articles(limit=7, chunk_size=3)] == ids[:7]
    assert [a.id for a in store.iter_articles(source="outlet1.example")] == ids[1::3]
    assert store.count_articles(source=["outlet1.example", "outlet2.example"]) == 8
    assert [a.id for a in store.iter_articles(status="paywall")] == [ids[5]]
    assert store.count_articles(status=ArticleStatus.OK) == 11
    # published = 2024-05-01 06:00 UTC + i hours; since inclusive, until exclusive
    since = datetime(2024, 5, 1, 9, tzinfo=timezone.utc)
    until = datetime(2024, 5, 1, 13, 0, tzinfo=timezone(timedelta(hours=2)))  # 11:00 UTC
    assert [a.id for a in store.iter_articles(since=since, until=until)] == ids[3:5]
    assert store.count_articles(since=since, until=until) == 2
    picked = [ids[7], ids[2], "missing", ids[2]]
    assert [a.id for a in store.iter_articles(ids=picked)] == [ids[2], ids[7]]
    assert all(a.raw == b"" for a in store.iter_articles(with_raw=False))
    with pytest.raises(InputError, match="unknown status"):
        list(store.iter_articles(status="nonsense"))


def test_annotations(filled):
    store, arts = filled
    assert store.get_annotation(arts[0].id, "entities") is None
    store.put_annotation(arts[0].id, "entities", "v1", {"people": ["A"]})
    store.put_annotation(arts[0].id, "entities", "v2", {"people": ["A", "B"]})
    assert store.get_annotation(arts[0].id, "entities") == ("v2", {"people": ["A", "B"]})
    with pytest.raises(NotFound):
        store.put_annotation("nope", "entities", "v1", {})


def test_concurrent_writers_do_not_collide(tmp_path):
    """Two stores on one SQLite file writing interleaved batches keep seq unique."""
    path = str(tmp_path / "two.db")
    one, two = Store.open(path), Store.open(path)
    for i in range(0, 20, 2):
        one.add_articles([make_article(i)])
        two.add_articles([make_article(i + 1), make_article(i)])
    assert one.count_articles() == 20
    with sqlite3.connect(path) as conn:
        seqs = [r[0] for r in conn.execute("SELECT seq FROM articles ORDER BY seq")]
    assert seqs == list(range(1, 21))
    one.close()
    two.close()


def test_delete_cascades(db_url):
    store = Store.open(db_url)
    art = make_article(1)
    store.add_articles([art])
    store.put_annotation(art.id, "x", "1", [1])
    with store.transaction() as conn:
        conn.execute(articles.delete().where(articles.c.id == art.id))
    with store.connect() as conn:
        for table in (raw_inputs, removed_lines, annotations):
            assert conn.execute(select(func.count()).select_from(table)).scalar() == 0
        assert conn.execute(text("SELECT 1")).scalar() == 1
    store.close()


def test_path_object_accepted(tmp_path):
    store = Store.open(str(Path(tmp_path) / "p.db"))
    assert store.display_url.endswith("p.db")
    store.close()


def test_a_writer_waiting_too_long_gets_a_clear_error(db_url, monkeypatch):
    from newsweave.store import repository

    monkeypatch.setattr(repository, "_LOCK_WAIT_S", 1)
    store = Store.open(db_url)
    with store.transaction(), pytest.raises(StoreError, match=r"busy|locked"
), store.transaction():
        pass
    store.add_articles([make_article(1)])  # the lock is free again
    store.close()
