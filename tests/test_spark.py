"""The Spark job (newsweave.spark): its per-partition stages, and a local[2] run checked against the local path.

The stage tests need no Spark. The run tests need pyspark and Java; they skip without them,
except where NEWSWEAVE_REQUIRE_SPARK=1 (CI), where a missing Spark fails them.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timedelta, timezone
from itertools import combinations
from pathlib import Path

import pytest
from sqlalchemy import select

from newsweave.group.reprints import find_reprints
from newsweave.group.stories import StoryInput, cluster_stories, tokenize
from newsweave.model import Article, RemovedLine, Span
from newsweave.spark import spark_available, stages
from newsweave.spark.job import _merged_nodes

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "corpus"


# --------------------------------------------------------------------------- stages (no Spark)


def test_expand_inputs_walks_folders_as_the_readers_do_and_reads_manifests(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nBody", encoding="utf-8")
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")  # a.txt's sidecar, not an input
    (tmp_path / "b.jsonl").write_text("", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "notes.bin").write_bytes(b"\x00")
    manifest = tmp_path / "inputs.lst"
    manifest.write_text(f"# crawl\n{tmp_path / 'b.jsonl'}\nhdfs://nn/crawl/x.warc.gz\n", encoding="utf-8")
    # sidecars and hidden files are left out; the rest is read, and a binary becomes a skipped row
    assert stages.expand_inputs([str(tmp_path)]) == [str(tmp_path / name)
                                                     for name in ("a.txt", "b.jsonl", "inputs.lst", "notes.bin")]
    (row,) = stages.analyse_paths([str(tmp_path / "notes.bin")], frozenset())
    assert row["_table"] == "failures" and row["stage"] == "skipped" and "binary" in row["reason"]
    assert stages.expand_inputs([f"@{manifest}"]) == [str(tmp_path / "b.jsonl"), "hdfs://nn/crawl/x.warc.gz"]


def test_remote_paths_are_left_to_spark_but_web_urls_are_not() -> None:
    assert stages.is_remote("s3a://bucket/cc.warc.gz") and stages.is_remote("hdfs://nn/x.arc.gz")
    assert not stages.is_remote("/data/x.warc.gz") and not stages.is_remote("https://news.example/a")


def test_failures_are_counted_by_kind_not_by_their_numbers() -> None:
    assert stages.failure_kind("truncated WARC record (3338 of 3590 payload bytes)") == "truncated WARC record"
    assert stages.failure_kind("truncated WARC record (10 of 20 payload bytes)") == "truncated WARC record"
    assert stages.failure_kind("cleaning failed: ValueError: bad") == "cleaning failed"
    assert stages.failure_kind("line 17: invalid JSON") != stages.failure_kind("read error: OSError")


def test_article_row_round_trip_keeps_every_field() -> None:
    published = datetime(2025, 3, 14, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    article = Article(id="a1", source="Harbor Wire", origin="x.warc.gz#10", input_format="warc", raw=b"<p>x</p>",
                      text="Mara Quellwood said it.", extracted_text="Mara Quellwood said it.\n(Photo)",
                      url="https://harbor.example/a", title="A title", published=published,
                      warnings=["w"], paragraphs=[Span(0, 23)],
                      removed=[RemovedLine("(Photo)", "photo credit", "photo_credit", 24, 31)], metadata={"k": [1]})
    from newsweave.enrich.analyse import ArticleAnalysis
    from newsweave.enrich.quotes import QuoteAnalysis

    analysis = ArticleAnalysis("a1", "v", [("PERSON", 0, 14)], {"persons": ["mara quellwood"]}, QuoteAnalysis(), "v1")
    row = stages.article_row(article, analysis)
    back = stages.article_from_row(row)
    assert back == article and back.published.utcoffset() == timedelta(hours=2)
    again = stages.analysis_from_row(row)
    assert again.entities == [("PERSON", 0, 14)] and again.story_features == {"persons": ["mara quellwood"]}


def test_corpus_frequencies_give_the_batch_clustering() -> None:
    """A block clustered with frequencies counted elsewhere = the batch run when they are the batch's."""
    from collections import Counter

    day = datetime(2025, 5, 1, tzinfo=timezone.utc)
    docs = [StoryInput(f"d{i}", f"Tram line {i % 3} opens in Eastbrook" if i % 2 else f"Harbor fire {i % 4}",
                       f"The {'tram' if i % 2 else 'fire'} story number {i % 3} in Port Alden, officials said.",
                       day + timedelta(hours=i)) for i in range(12)]
    df = Counter(t for d in docs for t in set(tokenize(d.title or "")) | set(tokenize(d.text)))
    with_df = cluster_stories(docs, None, None, document_frequencies=(dict(df), len(docs)))
    batch = cluster_stories(docs)
    assert [a.story_key for a in with_df] == [a.story_key for a in batch]
    skewed = cluster_stories(docs, None, None, document_frequencies=({"tram": 10_000}, 10_001))
    assert [a.score for a in skewed] != [a.score for a in batch]  # the frequencies are really used


def test_blocks_and_their_overlap() -> None:
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    block = stages.block_of(start, 28.0)
    end_of_block = datetime.fromtimestamp((block + 1) * 28 * 86400 - 3600, tz=timezone.utc)
    assert stages.block_of(end_of_block, 28.0) == block and stages.overlaps_next(end_of_block, 28.0, 7.0)
    early = datetime.fromtimestamp(block * 28 * 86400 + 3600, tz=timezone.utc)
    assert not stages.overlaps_next(early, 28.0, 7.0)
    assert stages.block_of(None, 28.0) is None and not stages.overlaps_next(None, 28.0, 7.0)


def test_stories_continue_across_blocks_by_mutual_best_link() -> None:
    links = [("1/s1", "2/s7")] * 3 + [("2/s7", "3/s2")] * 2 + [("5/s1", "6/s1")]
    links += [("1/s4", "2/s7")]  # one article placed differently does not chain 1/s4 in
    roots = _merged_nodes(links)
    assert roots["1/s1"] == roots["2/s7"] == roots["3/s2"]  # a story grows over three blocks
    assert roots["5/s1"] == roots["6/s1"] != roots["1/s1"]
    assert roots.get("1/s4", "1/s4") != roots["1/s1"]


# --------------------------------------------------------------------------- a local[2] run


def _spark_or_skip() -> None:
    if spark_available() and shutil.which("java"):
        return
    if os.environ.get("NEWSWEAVE_REQUIRE_SPARK") == "1":
        pytest.fail("NEWSWEAVE_REQUIRE_SPARK=1 but pyspark or Java is missing (pip install 'newsweave[spark]')")
    pytest.skip("pyspark and Java are needed for the Spark run (the spark extra)")


@pytest.fixture(scope="module")
def spark_run(tmp_path_factory: pytest.TempPathFactory):
    """The example corpus plus a truncated WARC, on local[2]; the same inputs through the local job."""
    _spark_or_skip()
    from newsweave.spark.job import SparkOptions, run_spark, spark_session
    from newsweave.store import Store
    from newsweave.workflow import run_job

    root = tmp_path_factory.mktemp("spark")
    inputs = root / "in"
    shutil.copytree(EXAMPLES, inputs)
    shutil.move(str(inputs / "news-please-feed.jsonl"), root / "later.jsonl")  # the input grows later
    (inputs / "broken.warc.gz").write_bytes((EXAMPLES / "crawl.warc.gz").read_bytes()[:3000])
    options = SparkOptions(master="local[2]", partitions=4)
    session = spark_session(options)
    out = root / "out"
    first = run_spark([str(inputs)], out, options, session=session)
    with Store.open(str(root / "local.db")) as store:
        run_job([str(inputs)], store, root / "local-out", workers=1)
    yield {"root": root, "inputs": inputs, "out": out, "first": first, "options": options, "session": session}
    session.stop()


@pytest.mark.timeout(1200)  # the module's Spark session, the Spark run and the local run start here
def test_spark_run_reads_everything_and_names_the_broken_archive(spark_run) -> None:
    import pyarrow.parquet as pq

    out, first = spark_run["out"], spark_run["first"]
    rows = pq.read_table(out / "failures").to_pylist()
    failures = [r for r in rows if r["stage"] != "skipped"]
    assert [f["origin"].split("#")[0].endswith("broken.warc.gz") for f in failures] == [True]
    skipped = [r for r in rows if r["stage"] == "skipped"]  # the archives' request / warcinfo records
    assert skipped and all(r["reason"].startswith("not an article") for r in skipped)
    assert first.skipped == len(skipped)
    assert failures[0]["stage"] == "read" and "truncated" in failures[0]["reason"]
    assert first.failures_by_reason == {stages.failure_kind(failures[0]["reason"]): 1}
    articles = pq.read_table(out / "articles", columns=["id", "status"]).to_pylist()
    assert first.new_articles == len(articles) == len({a["id"] for a in articles}) > 0
    for table in ("quotes", "membership", "stories", "comparisons", "findings"):
        assert (out / table).is_dir(), table
    assert json.loads((out / "run.json").read_text())["articles_total"] == len(articles)


def _partition(store) -> dict[str, str]:
    from newsweave.store.schema import story_assignments

    with store.connect() as conn:
        return dict(conn.execute(select(story_assignments.c.article_id, story_assignments.c.story_id)).all())


def _pairs(assign: dict[str, str]) -> set[tuple[str, str]]:
    return {(a, b) for a, b in combinations(sorted(assign), 2) if assign[a] == assign[b]}


def _quotes(store) -> list[tuple]:
    from newsweave.store.schema import quotes

    cols = [quotes.c.article_id, quotes.c.idx, quotes.c.kind, quotes.c.start, quotes.c.end,
            quotes.c.speaker, quotes.c.confidence, quotes.c.reason]
    with store.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(*cols)))


@pytest.mark.timeout(1200)
def test_loaded_run_equals_the_local_path(spark_run) -> None:
    """Stories (pairwise F1 between the two runs ≥ 0.99), quotes and compare's findings (identical) after `load`."""
    from newsweave.spark.load import load_run
    from newsweave.store import Store
    from newsweave.store.stories import list_stories

    root = spark_run["root"]
    with Store.open(str(root / "spark.db")) as spark_store, Store.open(str(root / "local.db")) as local_store:
        summary = load_run(spark_run["out"], spark_store)
        assert summary.articles_stored == summary.articles_read > 0 and summary.failures_in_run == 1
        spark_assign, local_assign = _partition(spark_store), _partition(local_store)
        assert set(spark_assign) == set(local_assign)
        spark_pairs, local_pairs = _pairs(spark_assign), _pairs(local_assign)
        assert local_pairs, "the example corpus has multi-article stories"
        agree = len(spark_pairs & local_pairs)
        f1 = 2 * agree / (len(spark_pairs) + len(local_pairs))
        assert f1 >= 0.99
        assert _quotes(spark_store) == _quotes(local_store) and _quotes(spark_store)
        from newsweave.bench.spark import agreement

        findings = agreement(root / "local.db", root / "spark.db", spark_run["out"])  # compare's flags, bit for bit
        assert findings["findings_identical"] and findings["findings"] > 0
        stories = {s.id: (s.articles, s.independent_sources) for s in list_stories(spark_store)}
        assert stories == {s.id: (s.articles, s.independent_sources) for s in list_stories(local_store)}
        again = load_run(spark_run["out"], spark_store)  # loading twice stores nothing twice
        assert again.articles_stored == 0 and again.already_present == summary.articles_read


@pytest.mark.timeout(1200)
def test_reprint_pairs_follow_the_local_candidate_rule(spark_run) -> None:
    from newsweave.group.reprints import BIG_BUCKET
    from newsweave.spark.job import _reprint_pairs

    small = [(f"a{i}", 0, float(i), 7) for i in range(4)]
    big = [(f"b{i:03d}", 0, float(i), 9) for i in reversed(range(BIG_BUCKET + 5))]  # arrival order is rebuilt
    undated = [("u0", 1, 0.0, 11), ("d0", 0, 5.0, 11)]  # undated after dated
    entries = spark_run["session"].createDataFrame(small + big + undated, "id string, undated int, ts double, band bigint")
    pairs = {(r.earlier, r.later) for r in _reprint_pairs(entries).collect()}
    assert {p for p in pairs if p[0].startswith("a")} == {(f"a{i}", f"a{j}") for i, j in combinations(range(4), 2)}
    assert ("b000", "b001") in pairs and ("b000", f"b{BIG_BUCKET + 4:03d}") in pairs
    assert ("b003", "b004") in pairs and ("b003", "b005") not in pairs  # neighbours and the earliest only
    assert len([p for p in pairs if p[0].startswith("b")]) == 2 * (BIG_BUCKET + 4) - 1
    assert ("d0", "u0") in pairs


def test_spark_reprint_stage_agrees_with_find_reprints(spark_run) -> None:
    """Band → bucket → verify → reprint_matches on Spark gives find_reprints' groups."""
    from newsweave.group.minhash import MinHasher
    from newsweave.spark.job import SparkRunSummary, _reprint_stage

    wire = " ".join(f"word{i} item{i % 7}" for i in range(80))
    texts = {"wire": wire, "copy": "Our own intro here. " + wire, "other": " ".join(f"else{i}" for i in range(90)),
             "tiny": "too short", "late": wire + " A correction was appended."}
    day = datetime(2025, 1, 1, tzinfo=timezone.utc)
    published = {"wire": day, "copy": day + timedelta(hours=3), "other": day, "tiny": None, "late": None}
    hasher = MinHasher()
    rows = []
    for aid, text in texts.items():
        sig = hasher.signature(text)
        rows.append((aid, text, sig.to_bytes(seed=hasher.seed), sig.size, published[aid], None))
    material = spark_run["session"].createDataFrame(rows, "id string, text string, minhash binary, shingles int, "
                                                          "published timestamp, published_as_written string")
    summary = SparkRunSummary()
    on_spark = _reprint_stage(spark_run["session"], material, summary)
    ids = sorted(texts, key=lambda a: (published[a] is None, published[a] or day, a))
    local = find_reprints([(a, texts[a], published[a]) for a in ids])
    assert {a: (m.group_id, m.matched_article, m.containment) for a, m in on_spark.items()} == \
        {a: (m.group_id, m.matched_article, m.containment) for a, m in local.items()}
    assert on_spark["copy"].group_id == "wire" and on_spark["late"].group_id == "wire"
    assert on_spark["other"].group_id == "other" and summary.reprinted_articles == 2


def test_rerun_over_a_grown_input_adds_only_the_new_articles(spark_run) -> None:
    import pyarrow.parquet as pq

    from newsweave.spark.job import run_spark

    inputs, out = spark_run["inputs"], spark_run["out"]
    before = pq.read_table(out / "articles", columns=["id"]).column("id").to_pylist()
    shutil.move(str(spark_run["root"] / "later.jsonl"), inputs / "later.jsonl")
    grown = run_spark([str(inputs)], out, spark_run["options"], session=spark_run["session"])
    after = pq.read_table(out / "articles", columns=["id"]).column("id").to_pylist()
    assert grown.new_articles == len(after) - len(before) > 0
    assert len(after) == len(set(after)) and set(before) <= set(after)
    members = pq.read_table(out / "membership", columns=["article_id"]).column("article_id").to_pylist()
    assert len(members) == len(set(members)) and grown.failures == 1


@pytest.mark.timeout(1200)
def test_cli_loads_the_run_and_lists_its_stories(spark_run, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsweave.cli import app

    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    loaded = runner.invoke(app, ["--db", db, "load", str(spark_run["out"])])
    assert loaded.exit_code == 0, loaded.output
    assert "stories" in loaded.output and "could not read 1 records" in loaded.output
    listed = runner.invoke(app, ["--db", db, "stories"])
    from newsweave.store import Store
    from newsweave.store.stories import list_stories

    with Store.open(db) as store:
        ids = [s.id for s in list_stories(store, min_articles=2)]
    assert listed.exit_code == 0 and ids and all(i in listed.output for i in ids)


def test_a_missing_spark_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from newsweave.errors import NewsweaveError
    from newsweave.spark.job import SparkOptions, spark_session

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(NewsweaveError, match=r"newsweave\[spark\]"):
        spark_session(SparkOptions(master="local[1]"))


def test_load_names_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    from newsweave.errors import InputError
    from newsweave.spark.load import load_run
    from newsweave.store import Store

    with Store.open(str(tmp_path / "x.db")) as store, pytest.raises(InputError, match="articles/ is missing"):
        load_run(tmp_path, store)


def test_blocks_start_at_the_corpus_first_day() -> None:
    # a 100-day corpus that an epoch-aligned 366-day block boundary cuts in two (2025-01-01 is
    # day 20,089 since the epoch; 55 × 366 = 20,130 falls on 2025-02-11)
    first, last = datetime(2025, 1, 1, 9, tzinfo=timezone.utc), datetime(2025, 4, 11, 17, tzinfo=timezone.utc)
    assert stages.block_of(first, 366.0) != stages.block_of(last, 366.0)
    origin = stages.first_day(min(first.timestamp(), last.timestamp()))
    assert origin == 20089.0
    assert stages.block_of(first, 366.0, origin) == stages.block_of(last, 366.0, origin) == 0
    assert not stages.overlaps_next(last, 366.0, 7.0, origin)
    assert stages.first_day(float("inf")) == 0.0  # nothing dated
