"""One analysis pass per article: everything later stages need of its language, computed once.

:func:`analyse` is a pure function Article → :class:`ArticleAnalysis` (a Spark job can map
it over partitions); :func:`analyse_many` is the same over a batch, with each model run
batched. One pass costs:

- **one NER run** over the clean text (and the title, a few words): the spans compare links
  into names, and the persons/places/organisations the story clusterer weighs;
- **the quotes stage**, which parses only the sentences that may carry a quotation
  (a quotation mark or a speech verb), not the whole text;
- **one lead vector** (title + first sentences) for the story clusterer;

Not in the pass: **statement vectors** (MiniLM, one thread a worker, bfloat16 where the CPU has
it) for compare's statement alignment, the costliest model by far (~12 CPU-ms a statement in
float32, about half in bfloat16; ~30 statements an article). Only the stories compare aligns
need them, and grouping decides which those are: an article alone in its story (most of a
crawl) is never compared. The main job has the same workers embed them after grouping
(:meth:`AnalysisPool.embed_statements`); a Spark job embeds them in its per-story compare.

Sentences, numbers and years are regular expressions over the text, cheaper to recompute than
to read back, so they are not part of the record.

>>> from newsweave.model import Article
>>> a = Article(id="a1", source="one.example", origin="a.txt", input_format="text", raw=b"",
...             title="Bridge opens", text='"We are ready," Mara Quellwood said in Port Ellery.')
>>> result = analyse(a)                                                  # doctest: +SKIP
>>> [(label, a.text[s:e]) for label, s, e in result.entities]           # doctest: +SKIP
[('PERSON', 'Mara Quellwood'), ('GPE', 'Port Ellery')]
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsweave.model import Article

__all__ = ["VERSION", "AnalysisPool", "ArticleAnalysis", "default_workers", "analyse", "analyse_many", "analysis_version",
           "limit_model_threads", "load_models"]

#: Bump when what :func:`analyse` stores changes; the store re-analyses older rows.
VERSION = "analysis-2"  # 2: MiniLM vectors padded per text (batch-invariant), embeddings._MiniLM.encode

# the story clusterer reads entities in the title and the first characters of the text
_STORY_HEAD_CHARS = 3000
_STATEMENT_CHUNK = 128  # statements a worker embeds per task: MiniLM batches of 64, little to ship back


@dataclass(slots=True)
class ArticleAnalysis:
    """What one pass found in one article; every span indexes ``article.text``."""

    article_id: str
    version: str
    entities: list[tuple[str, int, int]]  # every NER span: (spaCy label, start, end)
    story_features: dict[str, Any] | None  # the clusterer's evidence (newsweave.group.stories)
    quotes: Any  # newsweave.enrich.quotes.QuoteAnalysis
    story_features_version: str = ""


def analysis_version() -> str:
    """This analyser's version with the quote extractor's and the story features' it embeds."""
    from newsweave.enrich.quotes import VERSION as QUOTES_VERSION
    from newsweave.group.stories import FEATURE_VERSION

    return f"{VERSION}+{QUOTES_VERSION}+features-v{FEATURE_VERSION}"


def load_models(embeddings: str | None = "auto") -> None:
    """Load every model a pass uses (once per process; a worker calls this when it starts)."""
    from newsweave.enrich.entities import NER_DISABLED
    from newsweave.enrich.quotes import _nlp as quotes_nlp
    from newsweave.nlp import load_english

    load_english(disable=NER_DISABLED)
    quotes_nlp()
    model = _embedding_model(embeddings)
    if model:
        from newsweave.enrich.embeddings import get_embedder

        get_embedder(model)


def _embedding_model(embeddings: str | None) -> str | None:
    if embeddings != "auto":
        return embeddings
    from newsweave.enrich.embeddings import embeddings_available
    from newsweave.group.stories import StoryParams

    model = StoryParams.load().embedding_model
    return model if model and embeddings_available(model) else None


def analyse(article: Article, *, embeddings: str | None = "auto") -> ArticleAnalysis:
    """The analysis of one article (see the module docstring)."""
    return analyse_many([article], embeddings=embeddings)[0]


def analyse_many(articles: Sequence[Article], *, embeddings: str | None = "auto",
                 batch_size: int = 32) -> list[ArticleAnalysis]:
    """:func:`analyse` over a batch, in order; each model runs once over the whole batch.

    ``embeddings``: the lead-vector model ("minilm", "static"), None for none, or "auto"
    (the story clusterer's shipped model when its extra is installed).
    """
    from newsweave.enrich.entities import NER_DISABLED, features_from_mentions
    from newsweave.enrich.quotes import QuoteAnalysis, quotes_for_article
    from newsweave.nlp import load_english

    if not articles:
        return []
    version = analysis_version()
    ner = load_english(disable=NER_DISABLED)
    texts = [a.text or "" for a in articles]
    titles = [(a.title or "").strip() for a in articles]
    text_docs = ner.pipe(texts, batch_size=batch_size)
    title_docs = ner.pipe(titles, batch_size=batch_size)
    results = []
    for article, text, title, text_doc, title_doc in zip(articles, texts, titles, text_docs, title_docs):
        spans = [(e.label_, e.start_char, e.end_char) for e in text_doc.ents]
        head = max(0, _STORY_HEAD_CHARS - (len(title) + 2 if title else 0))
        mentions = [(e.label_, e.text) for e in title_doc.ents]
        mentions += [(label, text[s:e]) for label, s, e in spans if e <= head]
        combined = f"{title}.\n{text}" if title else text
        features = {"version": _feature_version(), **features_from_mentions(mentions, combined)}
        material = article.status.is_story_material
        quotes = quotes_for_article(article) if material else QuoteAnalysis()
        results.append(ArticleAnalysis(article.id, version, spans, features, quotes,
                                       story_features_version=f"v{_feature_version()}"))
    _add_lead_vectors(articles, results, _embedding_model(embeddings))
    return results


def _feature_version() -> int:
    from newsweave.group.stories import FEATURE_VERSION

    return FEATURE_VERSION


def _add_lead_vectors(articles: Sequence[Article], results: list[ArticleAnalysis], model: str | None) -> None:
    """The clusterer's lead vector (title + first sentences), in the form it caches."""
    if not model:
        return
    from newsweave.enrich.embeddings import encode

    vectors = encode([a.title for a in articles], [a.text or "" for a in articles], name=model)
    for result, vector in zip(results, vectors):
        features = result.story_features
        assert features is not None  # analyse_many gives every result its features before the vectors
        features["embedding"] = [round(float(x), 5) for x in vector]
        features["embedding_model"] = model


def default_workers() -> int:
    """The cores this process may use."""
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class AnalysisPool:
    """:func:`analyse_many` over batches in ``workers`` processes (in this one when ``workers`` is 1).

    Each worker loads the models once, when it starts; batches come back in order, so one
    writer (the caller) stores them. Workers are spawned (a fresh interpreter, never a fork
    of a process whose model threads run) and are this process's children, so their CPU
    time and memory show in its ``RUSAGE_CHILDREN`` once the pool is closed.
    """

    def __init__(self, workers: int = 1, embeddings: str | None = "auto", chunk: int = 16) -> None:
        if not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a whole number >= 1, got {workers!r}")
        self.workers = workers
        self.embeddings = embeddings
        self.chunk = chunk
        self._pool: Any = None

    def __enter__(self) -> AnalysisPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def map_batches(self, articles: Sequence[Article]) -> Iterator[list[ArticleAnalysis]]:
        """The analyses of ``articles``, one list per chunk, in order."""
        chunks = [list(articles[lo : lo + self.chunk]) for lo in range(0, len(articles), self.chunk)]
        if self.workers == 1 or not chunks:  # nothing to do never starts the workers
            for part in chunks:
                yield analyse_many(part, embeddings=self.embeddings)
            return
        # the raw input bytes are not analysed: do not ship them to the workers
        jobs = [([dataclasses.replace(a, raw=b"") for a in part], self.embeddings) for part in chunks]
        yield from self._started().imap(_worker_analyse, jobs)

    def embed_statements(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors of statement texts, in order, made by the workers (by this process when it is the one).

        The texts go out sorted by length, so each MiniLM batch pads little: on BASIL statements,
        tasks of 128 in arrival order cost 1.4x the CPU of the same tasks sorted.
        """
        from newsweave.enrich.statements import embed_statements

        if self.workers == 1 or not texts:
            return embed_statements(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        chunks = [[texts[i] for i in order[lo : lo + _STATEMENT_CHUNK]] for lo in range(0, len(order), _STATEMENT_CHUNK)]
        by_length = np.vstack(list(self._started().imap(_worker_embed, chunks)))
        vectors = np.empty_like(by_length)
        vectors[order] = by_length
        return vectors

    @property
    def started(self) -> bool:
        """Whether the worker processes are running (they start, and load the models, at the first batch)."""
        return self._pool is not None

    def imap(self, func: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Any]:
        """``func`` over ``items`` in the workers (in this process when it is the one), results in order.

        For work the models' processes do between analyses (the main job compares stories in
        them): ``func`` must be a module-level function and ``items`` picklable.
        """
        if self.workers == 1:
            yield from map(func, items)
            return
        yield from self._started().imap(func, items)

    def _started(self) -> Any:
        if self._pool is None:
            import multiprocessing as mp

            self._pool = mp.get_context("spawn").Pool(self.workers, initializer=_worker_start,
                                                     initargs=(self.embeddings,))
        return self._pool


def limit_model_threads(threads: int) -> None:
    """Run the models and numpy's BLAS on ``threads`` threads in this process (a worker's or a
    Spark task's cores).

    Torch, and the OpenBLAS under numpy, otherwise start a thread per core in every worker
    process; the workers, which are the parallelism, then fight over the cores, and OpenBLAS's
    idle threads spin while they wait for work.
    """
    from threadpoolctl import threadpool_limits

    threads = max(1, threads)
    try:
        import torch  # first, so that the limit below reaches its OpenMP pool as well

        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
    except ImportError:
        pass
    threadpool_limits(limits=threads)  # every BLAS / OpenMP pool loaded; kept (its restore is never called)


def _worker_start(embeddings: str | None) -> None:
    """One thread per worker (the workers are the parallelism), then every model, once."""
    limit_model_threads(1)
    load_models(embeddings)


def _worker_embed(texts: list[str]) -> np.ndarray:
    from newsweave.enrich.statements import embed_statements

    return embed_statements(texts)


def _worker_analyse(job: tuple[list[Article], str | None]) -> list[ArticleAnalysis]:
    articles, embeddings = job
    return analyse_many(articles, embeddings=embeddings)
