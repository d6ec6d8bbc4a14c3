"""Ingest: read → clean → store, as steps over a stream of articles.

The flow for one run (every stage a generator, so a multi-GB input streams)::

    read_inputs(inputs)                  Article | Failure, one record at a time
      └─ batches of ``batch_size``
           ├─ skip ids already stored    (a re-run neither re-cleans nor re-stores them)
           ├─ ARTICLE_STEPS              generator in → generator out (default: clean)
           ├─ store.add_batch            one transaction per batch, insert-if-absent
           ├─ store.versions.revise      the same URL / id with new text: a new version
           └─ IngestOptions.post_store   step(batch, store) after each committed batch

Later stages hook in per run through ``IngestOptions.post_store`` (the per-article
analysis: :func:`newsweave.workflow.ingest_job`). A
post-store step runs after its batch committed, so a kill can land between
the two: on the re-run the same articles come back in ``batch.present_ids``.
A step must therefore be idempotent and should check ``present_ids`` for work it
has not done yet (e.g. an annotation with its current version).

>>> from newsweave.store import Store
>>> summary = ingest(["examples/corpus"], Store.open("sqlite://"))   # doctest: +SKIP
>>> summary.stored, summary.already_present, summary.failures         # doctest: +SKIP
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import select

from newsweave.batches import batched
from newsweave.errors import InputError, NewsweaveError
from newsweave.model import Article, ArticleStatus, Failure, Skipped
from newsweave.store import DEFAULT_BATCH_SIZE, Store
from newsweave.store.schema import articles as articles_table
from newsweave.store.versions import split_revisions

__all__ = [
    "ARTICLE_STEPS",
    "ArticleStep",
    "IngestOptions",
    "IngestSummary",
    "PostStoreStep",
    "StoredBatch",
    "clean_step",
    "ingest",
]

LOGGER = logging.getLogger("newsweave.pipeline")

Item = Article | Failure
#: A step over the article stream before storing: generator in → generator out.
#: It may transform articles, or turn one into a Failure (with the reason).
ArticleStep = Callable[[Iterator[Item]], Iterator[Item]]


@dataclass(slots=True)
class StoredBatch:
    """What a post-store step receives: one committed batch."""

    number: int  # 1-based batch number in this run
    stored: list[Article]  # newly stored in this batch (clean, with ingested_at)
    present_ids: list[str]  # read again but already in the store (a re-run, a duplicate)
    failed: list[Failure]


class PostStoreStep(Protocol):
    """``step(batch, store)`` after each committed batch; must be idempotent."""

    def __call__(self, batch: StoredBatch, store: Store, /) -> None: ...


def clean_step(stream: Iterator[Item]) -> Iterator[Item]:
    """Clean each article (``newsweave.clean.clean_article``); a crash becomes a Failure."""
    clean_article = _cleaner()
    for item in stream:
        if isinstance(item, Failure):
            yield item
            continue
        try:
            yield clean_article(item)
        except Exception as e:  # one bad record must not stop the run
            LOGGER.exception("cleaning %s failed", item.origin)
            yield Failure(item.origin, f"cleaning failed: {type(e).__name__}: {_one_line(e)}")


#: Steps over the article stream before storing, in order.
ARTICLE_STEPS: list[ArticleStep] = [clean_step]


@dataclass(slots=True)
class IngestOptions:
    """Options of one ingest run (shared by the Python API and the CLI)."""

    batch_size: int = DEFAULT_BATCH_SIZE
    read_options: Any = None  # newsweave.read.ReadOptions; None = defaults
    article_steps: Sequence[ArticleStep] | None = None  # None = ARTICLE_STEPS
    post_store: Sequence[PostStoreStep] = ()  # run after each committed batch, in order
    reader: Callable[[list[str], Any], Iterable[Item]] | None = None  # None = read_inputs

    def __post_init__(self) -> None:
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise InputError(f"batch size must be a whole number >= 1, got {self.batch_size!r}")


@dataclass(slots=True)
class IngestSummary:
    """Counts of one run; ``failures`` names every record that could not be used."""

    read: int = 0  # articles read (records that became an Article)
    stored: int = 0  # newly stored, any status
    revised: int = 0  # stored articles read again with changed text: a new version of each
    already_present: int = 0
    failures: list[Failure] = field(default_factory=list)
    #: records read fine that are not articles (a WARC request, an image, a feed teaser)
    skipped: list[Skipped] = field(default_factory=list)
    flagged: Counter = field(default_factory=Counter)  # stored but not story material: status -> n
    batches: int = 0
    elapsed: float = 0.0

    @property
    def failed(self) -> int:
        return len(self.failures)

    def skipped_by_reason(self) -> Counter:
        """Skipped records counted by reason (a crawl skips thousands for a handful of reasons)."""
        return Counter(_reason_kind(s.reason) for s in self.skipped)

    @property
    def stored_ok(self) -> int:
        """Stored articles that take part in stories (status ok)."""
        return self.stored - sum(self.flagged.values())

    def exit_code(self, strict: bool = False) -> int:
        """Non-zero when nothing could be read, or with ``strict`` when anything failed."""
        if self.read == 0:
            return 1
        if strict and self.failures:
            return 1
        return 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "stored": self.stored,
            "already_present": self.already_present,
            "revised": self.revised,
            "failed": self.failed,
            "flagged": dict(self.flagged),
            "failures": [{"origin": f.origin, "reason": f.reason} for f in self.failures],
            "skipped": len(self.skipped),
            "skipped_by_reason": dict(self.skipped_by_reason()),
            "batches": self.batches,
            "elapsed_s": round(self.elapsed, 3),
        }


def ingest(
    inputs: Iterable[str],
    store: Store,
    options: IngestOptions | None = None,
    progress: Callable[[IngestSummary], None] | None = None,
) -> IngestSummary:
    """Read, clean and store ``inputs`` (paths, directories, URLs) into ``store``.

    Idempotent: running it again on the same inputs stores nothing new, and a
    run that was killed is finished by running it again. ``progress`` is called
    with the running summary now and then (every few records and each batch).
    """
    options = options or IngestOptions()
    inputs = [str(i) for i in inputs]
    if not inputs:
        raise InputError("nothing to ingest: give at least one path or URL")
    reader = options.reader or _reader()
    steps = list(ARTICLE_STEPS if options.article_steps is None else options.article_steps)
    post_store = list(options.post_store)
    summary = IngestSummary()
    started = time.perf_counter()

    def tick() -> None:
        summary.elapsed = time.perf_counter() - started
        if progress is not None:
            progress(summary)

    def counted(stream: Iterable[Item]) -> Iterator[Article]:
        for item in stream:
            if isinstance(item, Skipped):
                summary.skipped.append(item)
            elif isinstance(item, Failure):
                summary.failures.append(item)
            else:
                summary.read += 1
                if summary.read % 25 == 0:
                    tick()
                yield item

    for batch in batched(counted(reader(inputs, options.read_options)), options.batch_size):
        summary.batches += 1
        present = _present_ids(store, [a.id for a in batch])
        fresh = [a for a in batch if a.id not in present]
        present_ids = [a.id for a in batch if a.id in present]
        stream: Iterator[Item] = iter(fresh)
        for step in steps:
            stream = step(stream)
        to_store: list[Article] = []
        batch_failures: list[Failure] = []
        for item in stream:
            if isinstance(item, Failure):
                batch_failures.append(item)
            else:
                to_store.append(item)
        to_store, versions = split_revisions(store, to_store)
        result = store.add_batch(to_store)
        revised = _store_versions(store, versions, present_ids, batch_failures)
        summary.revised += len(revised)
        batch_failures.extend(f for _, f in result.failed)
        present_ids.extend(a.id for a in result.present)
        summary.failures.extend(batch_failures)
        summary.stored += len(result.stored)
        summary.already_present += len(present_ids)
        for article in result.stored:
            if article.status is not ArticleStatus.OK:
                summary.flagged[ArticleStatus(article.status).value] += 1
        # a revised article is handed on as stored: post-store steps redo their work on its new text
        done = StoredBatch(summary.batches, result.stored + revised, present_ids, batch_failures)
        for after in post_store:
            _run_post_store(after, done, store, summary)
        tick()
    tick()
    return summary


def _store_versions(store: Store, versions: list[tuple[str | None, Article]], present_ids: list[str],
                    failures: list[Failure]) -> list[Article]:
    """Each article that is a version of a stored one: a new version, or present when unchanged."""
    from newsweave.store.versions import revise, same_article_id

    revised: list[Article] = []
    for stored_id, article in versions:
        if stored_id is None:  # its first version came earlier in this batch
            with store.connect() as conn:
                stored_id = same_article_id(conn, article)
        if stored_id is None:
            failures.append(Failure(article.origin, "revision lost its first version (store refused it)"))
            continue
        outcome = revise(store, stored_id, article)
        if outcome.version:
            revised.append(outcome.article)
        else:
            present_ids.append(outcome.article.id)
    return revised


def _run_post_store(step: PostStoreStep, batch: StoredBatch, store: Store, summary: IngestSummary) -> None:
    name = getattr(step, "__name__", type(step).__name__)
    try:
        step(batch, store)
    except NewsweaveError:
        raise
    except Exception as e:  # the articles are stored; say what was not done
        LOGGER.exception("post-store step %s failed on batch %d", name, batch.number)
        summary.failures.append(
            Failure(f"batch {batch.number} ({len(batch.stored)} articles)",
                    f"{name} failed: {type(e).__name__}: {_one_line(e)}")
        )


def _present_ids(store: Store, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    from newsweave.store.versions import known_content_ids

    with store.connect() as conn:
        present = set(conn.execute(select(articles_table.c.id).where(articles_table.c.id.in_(set(ids)))).scalars())
        return present | known_content_ids(conn, ids)


def _reader() -> Callable[[list[str], Any], Iterable[Item]]:
    try:
        from newsweave.read import read_inputs
    except ImportError as e:
        raise NewsweaveError(f"the readers (newsweave.read.read_inputs) cannot be loaded: {e}") from e
    return read_inputs


def _cleaner() -> Callable[[Article], Article]:
    try:
        from newsweave.clean import clean_article
    except ImportError as e:
        raise NewsweaveError(f"the cleaner (newsweave.clean.clean_article) cannot be loaded: {e}") from e
    return clean_article


def _reason_kind(reason: str) -> str:
    """A skip reason without the URL or size that makes each one unique ("… for http://…")."""
    return reason.split(" for ", 1)[0].split("; ", 1)[0]


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300]
