"""Sparse and dense vectors of articles and stories, and the arithmetic the clusterer does on them.

``_Doc`` is one article prepared for scoring (TF-IDF terms, headline terms, entity counts,
years, months, figures, weekdays, a unit sentence vector, its index keys); ``_Story`` is a
story's running sums of the same, with cached norms. Both are private to the package: the
clusterer and its merge step build and read them.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timezone
from operator import itemgetter

import numpy as np

from newsweave.group.stories.evidence import _ENT_TYPES


def _key_for(article_id: str) -> str:
    return "st-" + hashlib.blake2b(article_id.encode("utf-8"), digest_size=6).hexdigest()


def _days(published: datetime | None) -> float | None:
    if published is None:
        return None
    if published.tzinfo is None:
        published = published.replace(tzinfo=timezone.utc)
    return published.timestamp() / 86400.0


_second = itemgetter(1)


def _by_weight(kv: tuple[str, float]) -> tuple[float, str]:
    return (kv[1], kv[0])


def _top(weights: dict[str, float], k: int) -> dict[str, float]:
    if len(weights) <= k:
        return weights
    keep = sorted(weights.items(), key=_by_weight, reverse=True)[:k]
    return dict(keep)


def _normalised(weights: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in weights.values()))
    if norm == 0:
        return {}
    return {k: v / norm for k, v in weights.items()}


def _dot(small: dict[str, float], big: dict[str, float]) -> float:
    if len(small) > len(big):
        small, big = big, small
    shared = small.keys() & big.keys()  # C-level intersection: usually a few terms
    if not shared:
        return 0.0
    return sum([small[k] * big[k] for k in shared])


def _counter_cos(a: dict[str, float], b: dict[str, float], na: float, nb: float) -> float:
    if not a or not b or na == 0 or nb == 0:
        return 0.0
    return _dot(a, b) / (na * nb)


def _norm(d: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in d.values()))


class _Doc:
    __slots__ = (
        "id", "t", "terms", "title_terms", "ents", "ent_norms", "years", "main_year", "emb", "index_keys", "published",
        "brevity", "months", "numbers", "weekdays",
    )

    def __init__(self) -> None:
        self.id = ""
        self.t: float | None = None
        self.published: datetime | None = None
        self.terms: dict[str, float] = {}
        self.title_terms: dict[str, float] = {}
        self.ents: dict[str, dict[str, float]] = {}
        self.ent_norms: dict[str, float] = {}
        self.years: dict[int, float] = {}
        self.main_year: int | None = None
        self.emb: np.ndarray | None = None
        self.index_keys: list[str] = []
        self.brevity = 0.0  # 1 for an empty article, 0 from 50 content words up
        self.months: dict[str, float] = {}
        self.numbers: dict[str, float] = {}
        self.weekdays: dict[str, float] = {}


class _Story:
    __slots__ = (
        "idx", "key", "members", "terms", "title_terms", "ents", "years", "main_years", "emb", "emb_n",
        "first_t", "last_t", "_norm", "_tnorm", "_enorms", "_emb_norm", "alive", "first_published", "brevity", "months",
        "numbers", "weekdays",
    )

    def __init__(self, idx: int, key: str) -> None:
        self.idx = idx
        self.key = key
        self.members: list[int] = []
        self.terms: dict[str, float] = {}
        self.title_terms: dict[str, float] = {}
        self.ents: dict[str, dict[str, float]] = {t: {} for t in _ENT_TYPES}
        self.years: dict[int, float] = {}
        self.main_years: dict[int, int] = {}
        self.emb: np.ndarray | None = None
        self.emb_n = 0
        self.first_t: float | None = None
        self.last_t: float | None = None
        self._norm: float | None = None
        self._tnorm: float | None = None
        self._enorms: dict[str, float] | None = None
        self._emb_norm: float | None = None  # of ``emb``; whoever replaces ``emb`` resets it
        self.alive = True
        self.first_published: datetime | None = None
        self.brevity = 0.0
        self.months: dict[str, float] = {}
        self.numbers: dict[str, float] = {}
        self.weekdays: dict[str, float] = {}

    def norm(self) -> float:
        if self._norm is None:
            self._norm = _norm(self.terms)
        return self._norm

    def tnorm(self) -> float:
        if self._tnorm is None:
            self._tnorm = _norm(self.title_terms)
        return self._tnorm

    def emb_norm(self) -> float:
        if self._emb_norm is None:
            self._emb_norm = 0.0 if self.emb is None else float(np.linalg.norm(self.emb))
        return self._emb_norm

    def enorms(self) -> dict[str, float]:
        if self._enorms is None:
            self._enorms = {t: _norm(self.ents[t]) for t in _ENT_TYPES}
        return self._enorms


def _match_conflict(mine: dict[str, float], theirs: dict[str, float]) -> tuple[float, float]:
    """Share of the article's named months/days the story names too; 1.0 conflict when both name some, none alike."""
    if not mine or not theirs:
        return 0.0, 0.0
    shared = len(mine.keys() & theirs.keys())
    return shared / len(mine), 0.0 if shared else 1.0


def _one_article_story(d: _Doc) -> _Story:
    """A story of one article that views the article's own vectors: only ever read, never indexed."""
    st = _Story(-1, d.id)
    st.terms = d.terms
    st._norm = 1.0 if d.terms else 0.0
    st.title_terms = d.title_terms
    st._tnorm = 1.0 if d.title_terms else 0.0
    for etype, values in d.ents.items():
        st.ents[etype] = values
    st._enorms = {t: d.ent_norms.get(t, 0.0) for t in _ENT_TYPES}
    st.years = d.years
    if d.main_year is not None:
        st.main_years = {d.main_year: 1}
    st.emb = d.emb
    st.first_t = st.last_t = d.t
    st.brevity = d.brevity
    st.months = d.months
    st.numbers = d.numbers
    st.weekdays = d.weekdays
    return st


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)
