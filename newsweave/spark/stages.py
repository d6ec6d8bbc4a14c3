"""The Spark job's per-partition work, as plain Python over plain rows (no pyspark import here).

Every function calls the stage functions the local path uses — the readers, the cleaner,
:func:`newsweave.enrich.analyse.analyse_many`, the MinHasher, the reprint containment check,
:func:`newsweave.group.stories.cluster_stories` and :func:`newsweave.compare.compare_articles` —
so Spark only decides *where* they run. Rows are dicts whose keys are the Parquet columns
(:data:`ARTICLE_COLUMNS` …); lists and nested records travel as JSON text, so the tables are
readable by any Parquet reader and :mod:`newsweave.spark.load` rebuilds the typed records.
"""

from __future__ import annotations

import json
import logging
import math
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from newsweave.model import Article, ArticleStatus, Failure, RemovedLine, Skipped, Span

if TYPE_CHECKING:
    from newsweave.compare.records import StoryRecord

LOGGER = logging.getLogger("newsweave.spark")

#: Parquet columns (Spark DDL types) of each table the job writes.
ARTICLE_COLUMNS = (
    ("id", "string"), ("source", "string"), ("origin", "string"), ("input_format", "string"),
    ("url", "string"), ("title", "string"), ("byline", "string"), ("published", "timestamp"),
    ("published_as_written", "string"), ("language", "string"), ("external_id", "string"),
    ("extractor", "string"), ("status", "string"), ("text", "string"), ("extracted_text", "string"),
    ("warnings", "string"), ("paragraphs", "string"), ("removed", "string"), ("metadata", "string"),
    ("raw", "binary"), ("analysis_version", "string"), ("entities", "string"), ("story_features", "string"),
    ("story_features_version", "string"), ("quote_analysis", "string"), ("minhash", "binary"),
    ("shingles", "int"),
)
FAILURE_COLUMNS = (("origin", "string"), ("stage", "string"), ("reason", "string"))
QUOTE_COLUMNS = (
    ("article_id", "string"), ("idx", "int"), ("kind", "string"), ("start", "int"), ("end", "int"),
    ("speaker", "string"), ("confidence", "double"), ("reason", "string"), ("quote", "string"),
)
MEMBERSHIP_COLUMNS = (
    ("article_id", "string"), ("story_id", "string"), ("score", "double"), ("reason", "string"),
    ("reprint_group", "string"), ("matched_article", "string"), ("containment", "double"),
)
STORY_COLUMNS = (
    ("story_id", "string"), ("headline", "string"), ("articles", "int"), ("independent_sources", "int"),
    ("outlets", "string"), ("first_published", "timestamp"), ("last_published", "timestamp"),
)
FINDING_COLUMNS = (
    ("story_id", "string"), ("idx", "int"), ("kind", "string"), ("finding", "string"),
)
COMPARISON_COLUMNS = (("story_id", "string"), ("flags", "int"), ("report", "string"))

ANALYSIS_BATCH = 32  # articles per analyse_many call (each model runs once per batch)


def ddl(columns: Sequence[tuple[str, str]]) -> str:
    """A Spark schema string for ``columns``."""
    return ", ".join(f"`{name}` {kind}" for name, kind in columns)


def _struct(columns: Sequence[tuple[str, str]]) -> str:
    return "struct<" + ", ".join(f"`{name}`: {kind}" for name, kind in columns) + ">"


#: The map stage's one table: each record once, as an article (its quotes nested) or a failure.
MAP_COLUMNS = (("table", "string"), ("article", _struct(ARTICLE_COLUMNS)),
               ("quotes", f"array<{_struct(QUOTE_COLUMNS)}>"), ("failure", _struct(FAILURE_COLUMNS)))


def map_row(row: dict[str, Any]) -> tuple:
    """One record of the map stage as a row of :data:`MAP_COLUMNS`.

    The map's Python rows cross into the JVM once, in this form; the articles, quotes and
    failures tables are then selected from it without another pass through Python.
    """
    if row["_table"] == "articles":
        quotes = [tuple(q[name] for name, _ in QUOTE_COLUMNS) for q in quote_rows(row)]
        return ("articles", tuple(row.get(name) for name, _ in ARTICLE_COLUMNS), quotes, None)
    return ("failures", None, [], tuple(row.get(name) for name, _ in FAILURE_COLUMNS))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


# --------------------------------------------------------------------------- inputs


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Local files (directories walked, sorted) and remote URLs, one entry per partition-able file.

    A manifest (``*.txt``/``*.lst`` named with ``@``, e.g. ``@inputs.txt``) lists one path or URL
    a line. Directories are listed by the readers' own walk (:func:`newsweave.read.folder_files`), and
    each local file is read as a folder entry is (:func:`newsweave.read.read_folder_entry`: page
    assets and binaries are skipped rows with their reason).
    """
    from newsweave.read import folder_files

    out: list[str] = []
    for item in inputs:
        item = str(item)
        if item.startswith("@"):
            out.extend(expand_inputs(_manifest(Path(item[1:]))))
        elif is_remote(item) or not Path(item).is_dir():
            out.append(item)
        else:
            out.extend(str(path) for path in folder_files(Path(item)))
    return out


def _manifest(path: Path) -> list[str]:
    from newsweave.errors import InputError

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise InputError(f"manifest {str(path)!r}: cannot read it ({e.strerror or e})") from e
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def is_remote(path: str) -> bool:
    """Whether Spark (Hadoop) reads this path: ``s3a://``, ``hdfs://``, ``gs://``, ``abfs://`` …"""
    scheme = path.split("://", 1)[0].lower() if "://" in path else ""
    return scheme not in ("", "file", "http", "https")


# --------------------------------------------------------------------------- map: read → clean → analyse


def analyse_paths(paths: Iterable[str], known_ids: frozenset[str] | set[str], threads: int = 1) -> Iterator[dict[str, Any]]:
    """Every record of local ``paths`` as an article row or a failure row (``row["_table"]``).

    Records whose id is in ``known_ids`` (an earlier run's output) are skipped before cleaning;
    the models run on ``threads`` threads (the task's cores).
    """
    from newsweave.enrich.analyse import limit_model_threads
    from newsweave.pipeline import clean_step
    from newsweave.read import read_folder_entry, read_inputs

    limit_model_threads(threads)

    batch: list[Article] = []
    for path in paths:
        try:
            records = read_folder_entry(Path(path)) if Path(path).is_file() else read_inputs([path])
            for item in clean_step(r for r in records if isinstance(r, Failure) or r.id not in known_ids):
                if isinstance(item, Skipped):  # read fine, not an article: kept, counted apart from failures
                    yield failure_row(item, "skipped")
                    continue
                if isinstance(item, Failure):
                    yield failure_row(item, "read" if not item.reason.startswith("cleaning") else "clean")
                    continue
                batch.append(item)
                if len(batch) >= ANALYSIS_BATCH:
                    yield from analyse_batch(batch)
                    batch = []
        except Exception as e:  # one bad input never fails the job
            LOGGER.warning("reading %s failed", path, exc_info=True)
            yield failure_row(Failure(path, f"read error: {type(e).__name__}: {_one_line(e)}"), "read")
    yield from analyse_batch(batch)


def analyse_remote(files: Iterable[tuple[str, bytes]], known_ids: frozenset[str] | set[str],
                   threads: int = 1) -> Iterator[dict[str, Any]]:
    """:func:`analyse_paths` over ``(url, content)`` pairs Spark read (``binaryFiles``) from HDFS/S3."""
    for url, content in files:
        suffix = "".join(Path(url.split("://", 1)[-1]).suffixes[-2:])
        with tempfile.TemporaryDirectory(prefix="newsweave-spark-") as tmp:
            local = Path(tmp) / f"input{suffix}"
            local.write_bytes(content)
            for row in analyse_paths([str(local)], known_ids, threads):
                row["origin"] = row["origin"].replace(str(local), url)  # name the record by its URL
                yield row


def analyse_batch(batch: Sequence[Article]) -> Iterator[dict[str, Any]]:
    """Analyse a batch (one model run each) and sign it; a batch that fails is retried one by one."""
    if not batch:
        return
    from newsweave.enrich.analyse import analyse_many

    try:
        results = analyse_many(list(batch))
    except Exception:  # find the article that fails, keep the others
        LOGGER.warning("analysing a batch of %d failed; retrying one by one", len(batch), exc_info=True)
        for article in batch:
            try:
                yield from _signed([article], analyse_many([article]))
            except Exception as e:  # noqa: BLE001
                yield failure_row(Failure(article.origin, f"analysis failed: {type(e).__name__}: {_one_line(e)}"),
                                  "analyse")
        return
    yield from _signed(batch, results)


def _signed(batch: Sequence[Article], results: Sequence[Any]) -> Iterator[dict[str, Any]]:
    from newsweave.group.minhash import MinHasher

    hasher = MinHasher()
    for article, result, signature in zip(batch, results, hasher.signatures([a.text or "" for a in batch])):
        row = article_row(article, result)
        row["minhash"] = signature.to_bytes(seed=hasher.seed)
        row["shingles"] = int(signature.size)
        yield row


def failure_row(failure: Failure, stage: str) -> dict[str, Any]:
    return {"_table": "failures", "origin": failure.origin, "stage": stage, "reason": failure.reason}


def failure_kind(reason: str) -> str:
    """What a failure is counted under: its reason up to the first colon ("read error", "cleaning failed" …)."""
    head = re.sub(r"\(.*", "", reason.split(":", 1)[0])  # "truncated WARC record (3338 of 3590 …)"
    return re.sub(r"\d+", "N", head).strip()[:80] or "unknown"


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300]


# --------------------------------------------------------------------------- article rows


def article_row(article: Article, analysis: Any) -> dict[str, Any]:
    """An analysed article as an ``articles`` row (``minhash``/``shingles`` are added by the caller)."""
    published = article.published
    utc = None
    if published is not None:
        utc = (published if published.tzinfo else published.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)
    status = article.status.value if isinstance(article.status, ArticleStatus) else str(article.status)
    return {
        "_table": "articles", "id": article.id, "source": article.source, "origin": article.origin,
        "input_format": article.input_format, "url": article.url, "title": article.title,
        "byline": article.byline, "published": utc,  # aware: Spark converts it without the worker's local zone
        "published_as_written": published.isoformat() if published else None, "language": article.language,
        "external_id": article.external_id, "extractor": article.extractor, "status": status,
        "text": article.text, "extracted_text": article.extracted_text, "warnings": _dumps(list(article.warnings)),
        "paragraphs": _dumps([[p.start, p.end] for p in article.paragraphs]),
        "removed": _dumps([[r.text, r.reason, r.rule, r.start, r.end] for r in article.removed]),
        "metadata": _dumps(article.metadata), "raw": bytes(article.raw or b""),
        "analysis_version": analysis.version, "entities": _dumps([list(e) for e in analysis.entities]),
        "story_features": _dumps(analysis.story_features) if analysis.story_features is not None else None,
        "story_features_version": analysis.story_features_version,
        "quote_analysis": _dumps(analysis.quotes.to_dict()), "minhash": b"", "shingles": 0,
    }


def published_of(row: Any) -> datetime | None:
    """The publication time as written (offset kept), else the stored UTC time, else None."""
    written = _get(row, "published_as_written")
    if written:
        return datetime.fromisoformat(written)
    value = _get(row, "published")
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _get(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


def article_from_row(row: Any, *, with_raw: bool = True) -> Article:
    """The :class:`Article` an ``articles`` row holds (a dict or a Spark ``Row``)."""
    g = lambda name: _get(row, name)  # noqa: E731 - a short accessor
    return Article(
        id=g("id"), source=g("source"), origin=g("origin"), input_format=g("input_format"),
        raw=bytes(g("raw") or b"") if with_raw else b"", text=g("text") or "", extracted_text=g("extracted_text") or "",
        url=g("url"), title=g("title"), byline=g("byline"), published=published_of(row), language=g("language"),
        external_id=g("external_id"), extractor=g("extractor"), status=ArticleStatus(g("status")),
        warnings=json.loads(g("warnings") or "[]"),
        paragraphs=[Span(s, e) for s, e in json.loads(g("paragraphs") or "[]")],
        removed=[RemovedLine(*r) for r in json.loads(g("removed") or "[]")],
        metadata=json.loads(g("metadata") or "{}"),
    )


def analysis_from_row(row: Any) -> Any:
    """The :class:`~newsweave.enrich.analyse.ArticleAnalysis` an ``articles`` row holds."""
    from newsweave.enrich.analyse import ArticleAnalysis
    from newsweave.enrich.quotes import QuoteAnalysis

    features = _get(row, "story_features")
    return ArticleAnalysis(
        article_id=_get(row, "id"), version=_get(row, "analysis_version"),
        entities=[tuple(e) for e in json.loads(_get(row, "entities") or "[]")],
        story_features=json.loads(features) if features else None,
        quotes=QuoteAnalysis.from_dict(json.loads(_get(row, "quote_analysis") or "{}")),
        story_features_version=_get(row, "story_features_version") or "",
    )


def quote_rows(row: Any) -> Iterator[dict[str, Any]]:
    """The ``quotes`` rows of one article row (the readable table; ``quote`` holds the full record)."""
    from newsweave.enrich.quotes import quote_to_dict

    for idx, quote in enumerate(analysis_from_row(row).quotes.quotes):
        yield {"article_id": _get(row, "id"), "idx": idx, "kind": quote.kind, "start": quote.content.start,
               "end": quote.content.end, "speaker": quote.speaker, "confidence": float(quote.confidence),
               "reason": quote.reason or "", "quote": _dumps(quote_to_dict(quote))}


def order_key(published: datetime | None, article_id: str) -> tuple:
    """Arrival order as the store gives it: earliest first, undated last, then the id."""
    if published is None:
        return (1, 0.0, article_id)
    return (0, published.timestamp(), article_id)


# --------------------------------------------------------------------------- reprints


#: One row per article for the reprint stage: its arrival order, LSH band keys and shingle set.
REPRINT_COLUMNS = (("id", "string"), ("undated", "int"), ("ts", "double"), ("bands", "array<bigint>"),
                   ("shingle_set", "array<bigint>"))


def reprint_rows(rows: Iterable[Any]) -> Iterator[tuple]:
    """:data:`REPRINT_COLUMNS` rows for a partition of article rows (``id``, ``text``, ``minhash``,
    ``shingles``, publication fields).

    Each article's shingle set is computed once here, as the local ``find_reprints`` caches it;
    the pairs, the joins and the exact containment then run in the JVM (``job._reprint_pairs``).
    Band keys are unsigned 64-bit and shingle hashes 40-bit: both travel as ``bigint`` (the band
    key's bits reinterpreted), which keeps equal keys equal. A tiny text enters no band.
    """
    from newsweave.group.minhash import MinHasher, Signature
    from newsweave.group.reprints import MIN_SHINGLES, band_keys

    hasher = MinHasher()
    part = list(rows)
    for row, values in zip(part, hasher.shingles([_get(r, "text") or "" for r in part])):
        undated, ts, _id = order_key(published_of(row), _get(row, "id"))
        minhash = _get(row, "minhash")
        bands: list[int] = []
        if _get(row, "shingles") >= MIN_SHINGLES and minhash:
            signature = Signature.from_bytes(bytes(minhash), seed=hasher.seed).values
            bands = band_keys(signature[None, :])[0].view(np.int64).tolist()
        yield _get(row, "id"), undated, ts, bands, values.astype(np.int64).tolist()


# --------------------------------------------------------------------------- stories


def block_of(published: datetime | None, block_days: float, origin_day: float = 0.0) -> int | None:
    """The time block of a publication time, ``block_days`` wide from ``origin_day`` (days since the
    epoch: the job passes the corpus' first day, so a corpus shorter than a block is one block); None
    when undated."""
    if published is None:
        return None
    return math.floor((published.timestamp() / 86400.0 - origin_day) / block_days)


def overlaps_next(published: datetime | None, block_days: float, overlap_days: float, origin_day: float = 0.0) -> bool:
    """Whether an article falls in the last ``overlap_days`` of its block (so it is clustered in the next too)."""
    if published is None:
        return False
    days = published.timestamp() / 86400.0 - origin_day
    return days >= (math.floor(days / block_days) + 1) * block_days - overlap_days


def first_day(earliest: float) -> float:
    """The whole day (since the epoch) of the earliest publication timestamp; 0 when nothing is dated (inf)."""
    return float(math.floor(earliest / 86400.0)) if math.isfinite(earliest) else 0.0


def cluster_block(block: Any, docs: Sequence[tuple[str, str | None, str, datetime | None, str, str | None, bool]],
                  frequencies: tuple[dict[str, int], int]) -> Iterator[dict[str, Any]]:
    """The local clusterer over one block, with the corpus' IDF; one row per article.

    ``docs``: ``(id, title, text, published, source, story features JSON, home)``; ``home`` is
    False for an article clustered here only because it is near the block's start (it links
    this block's story to the previous block's).
    """
    from newsweave.group.stories import StoryInput, cluster_stories

    docs = sorted(docs, key=lambda d: d[0])
    inputs = [StoryInput(d[0], d[1], d[2] or "", d[3], d[4]) for d in docs]
    features = [json.loads(d[5]) if d[5] else None for d in docs]
    assignments = cluster_stories(inputs, None, features, document_frequencies=frequencies)
    for doc, a in zip(docs, assignments):
        yield {"article_id": a.article_id, "node": f"{block}/{a.story_key}", "home": doc[6],
               "score": float(a.score), "reason": _dumps(a.reason or {})}


# --------------------------------------------------------------------------- compare


def compare_story(story_id: str, rows: Iterable[Any], method: str = "auto", threads: int = 1) -> StoryRecord:
    """Compare one story (its article rows with ``reprint_group``) as the local job does (models on ``threads``)."""
    from newsweave.compare import compare_articles
    from newsweave.compare.names import entities_from_spans
    from newsweave.enrich.analyse import limit_model_threads

    limit_model_threads(threads)

    rows = sorted(rows, key=lambda r: order_key(published_of(r), _get(r, "id")))
    articles = [article_from_row(r, with_raw=False) for r in rows]
    analyses = {a.id: analysis_from_row(r) for a, r in zip(articles, rows)}
    groups = {_get(r, "id"): _get(r, "reprint_group") or _get(r, "id") for r in rows}
    entities = {a.id: entities_from_spans(a, analyses[a.id].entities) for a in articles}
    return compare_articles(articles, story_id=story_id, analyses={k: v.quotes for k, v in analyses.items()},
                            reprint_groups=groups, method=method, entities=entities)


def finding_rows(story_id: str, report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One ``findings`` row per flag of a story's comparison (``finding``: the flag's JSON record)."""
    for idx, flag in enumerate(report.get("flags", [])):
        yield {"story_id": story_id, "idx": idx, "kind": str(flag.get("kind", flag.get("type", ""))),
               "finding": _dumps(flag)}
