"""Ingest: idempotent re-runs, failures listed, and a killed run resumed into the same database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import make_article
from sqlalchemy import func, select

from newsweave.bench.generate import generate, synthetic_articles
from newsweave.errors import InputError
from newsweave.model import Article, ArticleStatus, Failure
from newsweave.pipeline import IngestOptions, IngestSummary, StoredBatch, ingest
from newsweave.store import Store
from newsweave.store.schema import annotations, articles, raw_inputs, removed_lines

ROOT = Path(__file__).resolve().parents[1]


def _dump(store: Store) -> dict[str, list]:
    """Every row of the article tables, ignoring ingested_at timestamps."""
    out = {}
    with store.connect() as conn:
        for table in (articles, raw_inputs, removed_lines, annotations):
            cols = [c for c in table.c if c.name != "ingested_at"]
            out[table.name] = [tuple(r) for r in conn.execute(select(*cols).order_by(*table.primary_key.columns))]
    return out


def _assert_consistent(store: Store) -> int:
    """Whole batches only: every article has its raw input, seq has no gaps, no orphans."""
    with store.connect() as conn:
        n = conn.execute(select(func.count()).select_from(articles)).scalar_one()
        assert conn.execute(select(func.count()).select_from(raw_inputs)).scalar_one() == n
        seqs = list(conn.execute(select(articles.c.seq).order_by(articles.c.seq)).scalars())
        assert seqs == list(range(1, n + 1))
        orphans = conn.execute(
            select(func.count()).select_from(removed_lines).where(
                removed_lines.c.article_id.not_in(select(articles.c.id)))
        ).scalar_one()
        assert orphans == 0
    return n


# --------------------------------------------------------------------------- generator


def test_generator_is_deterministic(tmp_path):
    a = generate(tmp_path / "a", 50, seed=3, per_file=20, duplicates=0.1, broken=2)
    b = generate(tmp_path / "b", 50, seed=3, per_file=20, duplicates=0.1, broken=2)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert len(a) == 3
    assert [x.title for x in synthetic_articles(5, 1)] != [x.title for x in synthetic_articles(5, 2)]
    texts = generate(tmp_path / "t", 5, seed=3, fmt="text")
    assert len(texts) == 5 and texts[0].read_text().startswith(next(synthetic_articles(1, 3)).title)


# --------------------------------------------------------------------------- pipeline (in process)


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("small")
    generate(root, 120, seed=11, per_file=50, duplicates=0.05, broken=2)
    (root / "empty.jsonl").write_bytes(b"")
    return root


def test_ingest_then_reingest_is_a_noop(small_corpus, db_url):
    store = Store.open(db_url)
    first = ingest([str(small_corpus)], store, IngestOptions(batch_size=16))
    assert first.read >= 120
    assert first.stored == 120
    assert first.already_present == first.read - 120  # the byte-identical duplicates
    reasons = sorted(f.reason for f in first.failures)
    assert len(reasons) == 3 and sum("invalid JSON" in r for r in reasons) == 2
    assert any("empty" in r for r in reasons)
    assert all(f.origin for f in first.failures)
    before = _dump(store)
    again = ingest([str(small_corpus)], store, IngestOptions(batch_size=7))
    assert (again.stored, again.already_present, again.read) == (0, first.read, first.read)
    assert _dump(store) == before
    assert first.exit_code() == 0 and first.exit_code(strict=True) == 1
    store.close()


def _fake_reader(items):
    def read(inputs, options):
        yield from items
    return read


def test_flagged_statuses_failures_and_post_store_steps(tmp_path):
    store = Store.open(str(tmp_path / "x.db"))
    arts = [make_article(i) for i in range(6)]
    arts[1].status = ArticleStatus.PAYWALL
    arts[2].status = ArticleStatus.BOILERPLATE
    items = [arts[0], Failure("feed.jsonl:3", "invalid JSON"), *arts[1:], arts[0]]

    def boom_on_4(stream):
        for item in stream:
            if isinstance(item, Article) and item.id == arts[4].id:
                raise_it = Failure(item.origin, "step said no")
                yield raise_it
            else:
                yield item

    seen: list[StoredBatch] = []

    def record(batch, store_):
        seen.append(batch)

    def broken(batch, store_):
        raise ValueError("enrichment bug")

    summary = ingest(["ignored"], store, IngestOptions(
        batch_size=3, reader=_fake_reader(items), article_steps=[boom_on_4], post_store=[record, broken]))
    assert summary.read == 7
    assert summary.stored == 5
    assert summary.stored_ok == 3
    assert dict(summary.flagged) == {"paywall": 1, "boilerplate": 1}
    assert summary.already_present == 1
    origins = [f.origin for f in summary.failures]
    assert "feed.jsonl:3" in origins and arts[4].origin in origins
    assert sum("broken failed: ValueError: enrichment bug" in f.reason for f in summary.failures) == 3
    assert [len(b.stored) for b in seen] == [3, 2, 0]
    assert seen[-1].present_ids == [arts[0].id]
    assert store.get_article(arts[1].id).status is ArticleStatus.PAYWALL
    store.close()


def test_cleaner_crash_is_a_record_failure(tmp_path, monkeypatch):
    import newsweave.clean as clean

    def crash(article):
        if article.origin == "test:1":
            raise RuntimeError("bad bytes")
        return article

    monkeypatch.setattr(clean, "clean_article", crash)
    store = Store.open(str(tmp_path / "x.db"))
    summary = ingest(["x"], store, IngestOptions(reader=_fake_reader([make_article(0), make_article(1)])))
    assert summary.stored == 1
    assert [f.reason for f in summary.failures] == ["cleaning failed: RuntimeError: bad bytes"]
    store.close()


def test_nothing_read_and_bad_options(tmp_path):
    store = Store.open(str(tmp_path / "x.db"))
    summary = ingest([str(tmp_path / "missing.jsonl")], store)
    assert summary.read == 0 and summary.failed >= 1 and summary.exit_code() == 1
    assert IngestSummary(read=0).exit_code() == 1
    with pytest.raises(InputError):
        ingest([], store)
    with pytest.raises(InputError):
        IngestOptions(batch_size=0)
    store.close()


# --------------------------------------------------------------------------- kill and resume

CHILD = """
import json, sys
from newsweave.pipeline import IngestOptions, ingest
from newsweave.store import Store
url, corpus, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = Store.open(url)
summary = ingest([corpus], store, IngestOptions(batch_size=batch))
store.close()
print(json.dumps(summary.as_dict()))
"""
KILL_N = 500
KILL_BATCH = 10


@pytest.fixture(scope="module")
def large_corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("large")
    generate(root, KILL_N, seed=5, per_file=400, duplicates=0.02, broken=3)
    return root


def _child(url: str, corpus: Path) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, url, str(corpus), str(KILL_BATCH)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )


def _finish(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.slow
def test_killed_ingest_resumes_to_the_same_database(large_corpus, db_factory):
    # reference: one uninterrupted run
    with Store.open(db_factory()) as ref:
        full = ingest([str(large_corpus)], ref, IngestOptions(batch_size=KILL_BATCH)).as_dict()
        reference = _dump(ref)
    assert full["stored"] == KILL_N and full["failed"] == 3

    # a run killed (SIGKILL) halfway, checked, then the same command again
    url = db_factory()
    watcher = Store.open(url)
    proc = _child(url, large_corpus)
    deadline = time.monotonic() + 180
    while watcher.count_articles() < KILL_N // 2:
        assert proc.poll() is None, "ingest ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    killed_at = _assert_consistent(watcher)
    assert KILL_N // 2 <= killed_at < KILL_N

    resumed = _finish(_child(url, large_corpus))
    assert resumed["stored"] == KILL_N - killed_at
    assert resumed["already_present"] == full["already_present"] + killed_at
    assert _assert_consistent(watcher) == KILL_N
    _assert_same(_dump(watcher), reference)
    watcher.close()


def _assert_same(got: dict[str, list], want: dict[str, list]) -> None:
    for table, rows in want.items():
        assert len(got[table]) == len(rows), f"{table}: {len(got[table])} rows, want {len(rows)}"
        for a, b in zip(got[table], rows):
            assert a == b, f"{table}: first differing row\n got  {a!r:.500}\n want {b!r:.500}"
