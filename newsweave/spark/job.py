"""The main job on Apache Spark: read → clean → analyse → reprints → stories → compare, to Parquet.

Stages (each a Spark stage over :mod:`newsweave.spark.stages`, the local path's functions):

1. **map** — the input files are spread one per partition (as cc-pyspark spreads WARC files);
   each partition reads, cleans, analyses and signs its records. A record an earlier run
   wrote (same article id) is skipped, so a grown input adds only new rows to ``articles``
   and ``quotes``; a bad record becomes a ``failures`` row and is counted by reason.
2. **reprints** — MinHash LSH banding as a shuffle: band key → bucket → candidate pairs →
   exact containment of the two shingle sets (each article's computed once); the verified pairs give
   the groups (earliest member root).
3. **stories** — blocking by publication time: the local clusterer (same model, thresholds and
   corpus-wide IDF) runs on each ``block_days`` block, whose candidate index already limits
   scoring to articles that share evidence (rare terms, entities, vectors). An article in the
   last ``window_days`` of a block is clustered in the next block as well; two stories that
   such articles tie together as each other's best match are merged, so a story grows across
   blocks. The default block is a year wide: the local answers for any shorter corpus.
4. **compare** — each story of two or more articles, in parallel.

Tables under ``out``: articles, quotes, failures, membership, stories, comparisons, findings
(Parquet), and ``run.json`` (counts, failures per reason, seconds per stage).
"""

from __future__ import annotations

import heapq
import json
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from newsweave.errors import InputError, NewsweaveError
from newsweave.spark import stages

__all__ = ["SparkOptions", "SparkRunSummary", "run_spark", "spark_session"]

TABLES = ("articles", "quotes", "failures", "membership", "stories", "comparisons", "findings")


@dataclass(slots=True)
class SparkOptions:
    """How the job runs: ``master`` (None: spark-submit's, else ``local[*]``), block width, compare method."""

    master: str | None = None
    block_days: float = 366.0  # one block a year: the local answers on corpora under a year (docs/spark.md)
    method: str = "auto"
    partitions: int | None = None  # shuffle partitions (None: 2 × the default parallelism)
    executor_memory: str | None = None
    conf: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.block_days > 0:
            raise InputError(f"block days must be > 0, got {self.block_days!r}")


@dataclass(slots=True)
class SparkRunSummary:
    """What one run did (also written to ``out/run.json``)."""

    inputs: int = 0
    new_articles: int = 0
    articles_total: int = 0
    failures: int = 0
    failures_by_reason: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # records read fine that are no articles (rows of stage "skipped" in the failures table)
    skipped_by_reason: dict[str, int] = field(default_factory=dict)
    reprinted_articles: int = 0
    stories: int = 0
    stories_compared: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    master: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def spark_session(options: SparkOptions) -> Any:
    """A Spark session for the job (pyspark is the ``spark`` extra)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise NewsweaveError("Spark is not installed: pip install 'newsweave[spark]' (pyspark 4, Java 17)") from e
    import os
    import sys

    # the Python workers run this interpreter (its packages), unless the cluster names its own
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("newsweave")
    if options.master:
        builder = builder.master(options.master)
    settings = {"spark.sql.session.timeZone": "UTC", "spark.python.worker.reuse": "true",
                "spark.ui.showConsoleProgress": "false", "spark.sql.parquet.compression.codec": "zstd"}
    if options.executor_memory:
        settings["spark.executor.memory"] = options.executor_memory
    settings.update(options.conf)
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("WARN")
    return session


def run_spark(inputs: Sequence[str], out: str | Path, options: SparkOptions | None = None,
              session: Any = None) -> SparkRunSummary:
    """Run the main job on Spark over ``inputs`` (files, directories, ``@manifest``, HDFS/S3 URLs) into ``out``."""
    from newsweave.compare.statements import check_method

    options = options or SparkOptions()
    check_method(options.method)
    out = Path(out)
    paths = stages.expand_inputs(inputs)
    if not paths:
        raise InputError("nothing to run on: give at least one file, folder, @manifest or URL")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"output folder {str(out)!r}: cannot create it ({e.strerror or e})") from e
    spark = session or spark_session(options)
    summary = SparkRunSummary(inputs=len(paths), master=spark.sparkContext.master)
    clock = _Clock(summary)
    _map_stage(spark, paths, out, summary)
    clock.lap("read_clean_analyse")
    articles = spark.read.parquet(str(out / "articles"))
    summary.articles_total = articles.count()
    material = articles.where(articles.status == "ok").select(
        "id", "title", "text", "published", "published_as_written", "source", "story_features",
        "minhash", "shingles").persist()
    reprints = _reprint_stage(spark, material, summary)
    clock.lap("reprints")
    membership = _story_stage(spark, material, reprints, options, out, summary)
    clock.lap("stories")
    _compare_stage(spark, articles, membership, options, out, summary)
    clock.lap("compare")
    material.unpersist()
    (out / "run.json").write_text(json.dumps(summary.as_dict(), indent=2) + "\n", encoding="utf-8")
    return summary


class _Clock:
    def __init__(self, summary: SparkRunSummary) -> None:
        self.summary = summary
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.summary.seconds[name] = round(now - self.last, 2)
        self.last = now


def _known_ids(spark: Any, out: Path) -> frozenset[str]:
    if not (out / "articles").is_dir():
        return frozenset()
    return frozenset(r.id for r in spark.read.parquet(str(out / "articles")).select("id").toLocalIterator())


def _map_stage(spark: Any, paths: list[str], out: Path, summary: SparkRunSummary) -> None:
    """Read → clean → analyse → sign, one input file per partition; append new articles and quotes."""
    from pyspark.sql import functions as F

    sc = spark.sparkContext
    known = sc.broadcast(_known_ids(spark, out))
    local = [p for p in paths if not stages.is_remote(p)]
    remote = [p for p in paths if stages.is_remote(p)]
    rdds = []
    if local:
        rdds.append(sc.parallelize(local, len(local)).mapPartitions(
            lambda part: stages.analyse_paths(part, known.value, _task_cpus())))
    if remote:
        rdds.append(sc.binaryFiles(",".join(remote)).mapPartitions(
            lambda part: stages.analyse_remote(part, known.value, _task_cpus())))
    rows = rdds[0] if len(rdds) == 1 else sc.union(rdds)
    table = spark.createDataFrame(rows.map(stages.map_row), schema=stages.ddl(stages.MAP_COLUMNS))
    table = table.persist(_disk_and_memory())
    articles = table.where(F.col("table") == "articles")
    articles.select("article.*").dropDuplicates(["id"]).write.mode("append").parquet(str(out / "articles"))
    # counted on the written table (Parquet metadata): an id is stored once, so the rows before
    # the append are the known ids
    summary.new_articles = spark.read.parquet(str(out / "articles")).count() - len(known.value)
    quotes = articles.select(F.explode("quotes").alias("quote")).select("quote.*")
    quotes.write.mode("append").parquet(str(out / "quotes"))
    failures = table.where(F.col("table") == "failures").select("failure.*")
    failures.write.mode("overwrite").parquet(str(out / "failures"))
    table.unpersist()
    _count_failures(spark.read.parquet(str(out / "failures")), summary)


def _count_failures(failures: Any, summary: SparkRunSummary) -> None:
    """Failures per kind of reason and skipped records per reason, aggregated in one Spark job."""
    counts: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    for r in failures.groupBy("stage", "reason").count().collect():
        if r["stage"] == "skipped":
            skipped[r["reason"]] += r["count"]
        else:
            counts[stages.failure_kind(r["reason"])] += r["count"]
    summary.failures = sum(counts.values())
    summary.failures_by_reason = _most_first(counts)
    summary.skipped = sum(skipped.values())
    summary.skipped_by_reason = _most_first(skipped)


def _most_first(counts: Counter[str]) -> dict[str, int]:
    """Counts by descending number, ties by name (the order Spark collects in is not fixed)."""
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _task_cpus() -> int:
    """The cores a task may use (``spark.task.cpus``), read inside the task; 1 outside one."""
    from pyspark import TaskContext

    context = TaskContext.get()
    return int(context.cpus()) if context is not None else 1


def _disk_and_memory() -> Any:
    from pyspark import StorageLevel

    return StorageLevel.MEMORY_AND_DISK


def _frame(spark: Any, rdd: Any, columns: Sequence[tuple[str, str]]) -> Any:
    names = [name for name, _ in columns]
    return spark.createDataFrame(rdd.map(lambda r: tuple(r.get(n) for n in names)), schema=stages.ddl(columns))


def _reprint_stage(spark: Any, material: Any, summary: SparkRunSummary) -> dict[str, Any]:
    """LSH banding as a shuffle, exact containment on the candidate pairs; returns id -> ReprintMatch.

    Python computes each article's band keys and shingle set once (``stages.reprint_rows``);
    bucketing, the pair rule, both joins and the containment are DataFrame operations, so no
    shingle set is pickled once per pair.
    """
    from pyspark.sql import functions as F

    from newsweave.group.reprints import DEFAULT_THRESHOLD, reprint_matches

    columns = material.select("id", "text", "minhash", "shingles", "published", "published_as_written")
    table = spark.createDataFrame(columns.rdd.mapPartitions(stages.reprint_rows),
                                  schema=stages.ddl(stages.REPRINT_COLUMNS)).persist(_disk_and_memory())
    pairs = _reprint_pairs(table.select("id", "undated", "ts", F.explode("bands").alias("band")))
    sets = table.select("id", "shingle_set")
    first, second = sets.alias("first"), sets.alias("second")
    smaller = F.least(F.size("first.shingle_set"), F.size("second.shingle_set"))
    shared = F.size(F.array_intersect("first.shingle_set", "second.shingle_set"))
    verified = (pairs.join(first, pairs.earlier == F.col("first.id")).join(second, pairs.later == F.col("second.id"))
                .select("earlier", "later", F.when(smaller > 0, shared / smaller).otherwise(0.0).alias("containment"))
                .where(F.col("containment") >= DEFAULT_THRESHOLD).collect())
    order = sorted((r.undated, r.ts, r.id) for r in table.select("id", "undated", "ts").collect())
    table.unpersist()
    matches = reprint_matches([key[2] for key in order], order, [tuple(r) for r in verified])
    summary.reprinted_articles = sum(1 for m in matches.values() if m.is_reprint)
    return matches


def _reprint_pairs(entries: Any) -> Any:
    """Candidate pairs ``(earlier, later)`` from ``(id, undated, ts, band)`` rows: the local ``candidate_pairs`` rule.

    Within a bucket (one band key) members are taken in arrival order. A bucket of up to
    ``BIG_BUCKET`` members pairs every member with every later one; a larger bucket
    (boilerplate, mass reprints) pairs each member with the next and the first with every
    other, so it costs O(n) rows, never n².
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from newsweave.group.reprints import BIG_BUCKET

    bucket = Window.partitionBy("band")
    ranked = (entries.withColumn("pos", F.row_number().over(bucket.orderBy("undated", "ts", "id")))
              .withColumn("members", F.count("*").over(bucket)).select("band", "id", "pos", "members"))
    small, big = ranked.where(F.col("members") <= BIG_BUCKET), ranked.where(F.col("members") > BIG_BUCKET)
    a, b = small.alias("a"), small.alias("b")
    within = a.join(b, (F.col("a.band") == F.col("b.band")) & (F.col("a.pos") < F.col("b.pos")))
    a, b = big.alias("a"), big.withColumn("pos", F.col("pos") - 1).alias("b")
    neighbours = a.join(b, (F.col("a.band") == F.col("b.band")) & (F.col("a.pos") == F.col("b.pos")))
    a, b = big.where(F.col("pos") == 1).alias("a"), big.where(F.col("pos") >= 3).alias("b")
    to_first = a.join(b, F.col("a.band") == F.col("b.band"))
    pick = [F.col("a.id").alias("earlier"), F.col("b.id").alias("later")]
    return within.select(pick).union(neighbours.select(pick)).union(to_first.select(pick)).distinct()


def _story_stage(spark: Any, material: Any, reprints: dict[str, Any], options: SparkOptions, out: Path,
                 summary: SparkRunSummary) -> Any:
    """Blocks by time, the local clusterer in each, stories merged across neighbouring blocks."""
    from newsweave.group.stories import StoryParams, tokenize

    sc = spark.sparkContext
    docs = material.rdd.map(lambda r: (r.id, r.title, r.text or "", stages.published_of(r), r.source, r.story_features))
    # the passes that need no text read only the columns they use (a pass over ``docs`` turns
    # every text into Python again)
    frequencies = material.select("title", "text").rdd.flatMap(
        lambda r: set(tokenize(r.title or "")) | set(tokenize(r.text or ""))).map(
        lambda t: (t, 1)).reduceByKey(lambda a, b: a + b).collectAsMap()
    idf = sc.broadcast((dict(frequencies), material.count()))
    width, overlap = options.block_days, StoryParams.load().window_days
    dates = material.select("published", "published_as_written").rdd.map(stages.published_of).filter(
        lambda d: d is not None).persist()
    # blocks start at the corpus' first day, not the epoch: a corpus shorter than a block is one
    # block, clustered as the local job clusters it (epoch-aligned blocks split a 257-day corpus in two)
    origin = stages.first_day(dates.map(lambda d: d.timestamp()).fold(math.inf, min))
    dated_blocks = set(dates.map(lambda d: stages.block_of(d, width, origin)).distinct().collect())
    dates.unpersist()
    lone_block = next(iter(dated_blocks)) if len(dated_blocks) == 1 else None  # one block: undated join it

    def placed(d: tuple) -> list[tuple[Any, tuple]]:
        block = stages.block_of(d[3], width, origin)
        home = lone_block if block is None and lone_block is not None else ("undated" if block is None else block)
        copies = [(home, (*d, True))]
        if isinstance(home, int) and stages.overlaps_next(d[3], width, min(overlap, width), origin):
            copies.append((home + 1, (*d, False)))
        return copies

    assigned = (docs.flatMap(placed).groupByKey(numPartitions=_partitions(sc, options))
                .flatMap(lambda kv: stages.cluster_block(kv[0], list(kv[1]), idf.value)).persist())
    links = assigned.map(lambda a: (a["article_id"], (not a["home"], a["node"]))).groupByKey().mapValues(sorted).filter(
        lambda kv: len(kv[1]) > 1).map(lambda kv: (kv[1][0][1], kv[1][1][1])).collect()
    roots = _merged_nodes(links)
    home = assigned.filter(lambda a: a["home"]).collect()
    membership = _membership(home, roots, reprints, material)
    assigned.unpersist()
    frame = _frame(spark, sc.parallelize(membership, _partitions(sc, options)), stages.MEMBERSHIP_COLUMNS)
    frame.write.mode("overwrite").parquet(str(out / "membership"))
    return spark.read.parquet(str(out / "membership"))


def _partitions(sc: Any, options: SparkOptions) -> int:
    return options.partitions or max(2, 2 * sc.defaultParallelism)


def _merged_nodes(links: list[tuple[str, str]]) -> dict[str, str]:
    """Story nodes (block/story) of neighbouring blocks that continue each other, to one representative each.

    ``links``: ``(node in its home block, node in the next block)``, one per article clustered in
    both. A story continues into the next block's story that most of its shared articles joined,
    when that story's shared articles came mostly from it too (mutual best): one article that the
    two blocks placed differently does not chain two stories together.
    """
    counts = Counter(links)
    best_next: dict[str, tuple[int, str]] = {}
    best_previous: dict[str, tuple[int, str]] = {}
    for (earlier, later), n in counts.items():
        best_next[earlier] = max(best_next.get(earlier, (0, "")), (n, later))
        best_previous[later] = max(best_previous.get(later, (0, "")), (n, earlier))
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for earlier, (_n, later) in best_next.items():
        if best_previous[later][1] == earlier:
            parent[find(later)] = find(earlier)
    return {node: find(node) for node in list(parent)}


def _membership(home: list[dict[str, Any]], roots: dict[str, str], reprints: dict[str, Any],
                material: Any) -> list[dict[str, Any]]:
    """Membership rows with story ids named as the store names them (after the earliest article)."""
    from newsweave.store.stories import stable_story_ids

    order = {i: k for i, k in material.select("id", "published", "published_as_written").rdd.map(
        lambda r: (r.id, stages.order_key(stages.published_of(r), r.id))).collect()}
    clusters: dict[str, list[str]] = {}
    for a in home:
        clusters.setdefault(roots.get(a["node"], a["node"]), []).append(a["article_id"])
    story_ids = stable_story_ids(clusters, {}, order)
    rows = []
    for a in home:
        match = reprints.get(a["article_id"])
        rows.append({"article_id": a["article_id"], "story_id": story_ids[roots.get(a["node"], a["node"])],
                     "score": a["score"], "reason": _named_reason(a, roots, story_ids),
                     "reprint_group": match.group_id if match else a["article_id"],
                     "matched_article": match.matched_article if match else None,
                     "containment": match.containment if match else None})
    return rows


def _named_reason(assigned: dict[str, Any], roots: dict[str, str], story_ids: dict[str, str]) -> str:
    """The clusterer's reason with the block's story keys it names turned into story ids."""
    reason = json.loads(assigned["reason"])
    block = assigned["node"].split("/", 1)[0]
    for key in ("matched_story", "merged_from", "nearest_story"):
        if key in reason:
            node = f"{block}/{reason[key]}"
            reason[key] = story_ids.get(roots.get(node, node), reason[key])
    return json.dumps(reason, ensure_ascii=False)


_STORY_COST = 60  # a story's fixed compare cost, in articles' worth (see _balanced_slots)


def _balanced_slots(stories: Any, parallelism: int) -> dict[str, int]:
    """Story id -> compare task, for every story of two or more articles (``stories``: the written
    stories table), the tasks balanced by cost.

    A story's compare costs a fixed part and a little per article (1,000 generated articles:
    0.7 s at 12 articles, 1.2 s at 57; the statement alignment is nearly all of it), so the cost
    is counted as ``_STORY_COST`` article units plus its articles. Hashing stories into tasks left
    one core waiting on the task that drew most; the largest-first greedy rule over four tasks a
    core keeps the tasks within about one story's cost of each other, and Spark hands the next
    task to whichever core is free.
    """
    sizes = [(r["story_id"], r["articles"]) for r in stories.where("articles >= 2").select("story_id", "articles").collect()]
    tasks = max(1, min(len(sizes), 4 * parallelism))
    load = [(0, task) for task in range(tasks)]
    slots: dict[str, int] = {}
    for story_id, n in sorted(sizes, key=lambda kv: (-kv[1], kv[0])):
        cost, task = heapq.heappop(load)
        slots[story_id] = task
        heapq.heappush(load, (cost + _STORY_COST + n, task))
    return slots


def _compare_stage(spark: Any, articles: Any, membership: Any, options: SparkOptions, out: Path,
                   summary: SparkRunSummary) -> None:
    """Stories (summary rows) and each story of two or more articles compared, in parallel."""
    from pyspark.sql import functions as F

    joined = articles.drop("raw").join(membership, articles.id == membership.article_id)
    stories = joined.groupBy("story_id").agg(
        F.count("*").alias("articles"), F.countDistinct("reprint_group").alias("independent_sources"),
        F.to_json(F.sort_array(F.collect_set("source"))).alias("outlets"),
        F.min("published").alias("first_published"), F.max("published").alias("last_published"),
        F.min_by("title", F.struct(F.col("reprint_group") != F.col("id"), F.col("title").isNull(),
                                   F.coalesce(F.col("published"), F.lit("9999-12-31").cast("timestamp")),
                                   F.col("id"))).alias("headline"))
    stories.select([name for name, _ in stages.STORY_COLUMNS]).write.mode("overwrite").parquet(str(out / "stories"))
    written = spark.read.parquet(str(out / "stories"))
    summary.stories = written.count()
    method = options.method
    slots = _balanced_slots(written, spark.sparkContext.defaultParallelism)
    slot_of = spark.sparkContext.broadcast(slots)
    compared = (joined.rdd.map(lambda r: (r.story_id, r)).filter(lambda kv: kv[0] in slot_of.value)
                .groupByKey(numPartitions=max(1, len(set(slots.values()))), partitionFunc=lambda k: slot_of.value[k])
                .map(lambda kv: (kv[0], stages.compare_story(kv[0], kv[1], method, _task_cpus()))).persist())
    reports = compared.map(lambda kv: {"story_id": kv[0], "flags": len(kv[1].get("flags", [])),
                                       "report": json.dumps(kv[1], ensure_ascii=False, default=str)})
    _frame(spark, reports, stages.COMPARISON_COLUMNS).write.mode("overwrite").parquet(str(out / "comparisons"))
    findings = compared.flatMap(lambda kv: stages.finding_rows(kv[0], kv[1]))
    _frame(spark, findings, stages.FINDING_COLUMNS).write.mode("overwrite").parquet(str(out / "findings"))
    summary.stories_compared = spark.read.parquet(str(out / "comparisons")).count()
    compared.unpersist()
