"""Reprint groups: which articles are (near-)verbatim copies of each other.

MinHash signatures (:mod:`newsweave.group.minhash`) are cut into LSH bands;
articles sharing a band are candidates. Each candidate pair is then checked
exactly: its **containment** is the share of the shorter article's shingles
(5-word windows) found in the longer one, so a wire story reprinted under a
new intro, or with its ending trimmed, still scores close to 1. Pairs at or
above ``threshold`` are linked; each connected group is named after its
earliest-published member.

Two entry points: :func:`find_reprints` for a batch (vectorised banding) and
:class:`ReprintIndex` for a stream (add one signature, get its matches).

Example::

    >>> wire = " ".join(f"word{i}" for i in range(60))
    >>> docs = [("wire", wire, None), ("copy", "Our own intro. " + wire[:300], None),
    ...         ("other", "nothing in common with the others at all, as it happens", None)]
    >>> {k: m.group_id for k, m in find_reprints(docs).items()}
    {'wire': 'wire', 'copy': 'wire', 'other': 'other'}
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from newsweave.group.minhash import DEFAULT_NUM_PERM, MinHasher, Signature
from newsweave.text.reprint import REPRINT_CONTAINMENT

__all__ = [
    "reprint_matches",
    "DEFAULT_THRESHOLD",
    "ReprintIndex",
    "ReprintMatch",
    "band_keys",
    "candidate_pairs",
    "containment",
    "find_reprints",
    "independent_sources",
]

DEFAULT_THRESHOLD = REPRINT_CONTAINMENT  # containment of the shorter text; calibrated in bench/reprints.py
# values per LSH band: 64 bands of 2 rows catch Jaccard 0.1 with p≈0.47, 0.2 with p≈0.93. Containment
# 0.5 of a short text in a long one can mean a Jaccard near 0.1, and a candidate costs only an exact
# check (~10 µs), so recall wins: on the bench, 64x2 finds 97% of true pairs, 42x3 90% (see bench/reprints.py).
DEFAULT_ROWS = 2
MIN_SHINGLES = 10  # a shorter text than this (about 14 words) is never called a reprint
BIG_BUCKET = 50  # an LSH bucket larger than this (boilerplate, mass reprints) pairs each member with
# its neighbour and the first member only: O(n) checks, and linked members still end up in one group

MAX_INDEX_BUCKET = 200  # ReprintIndex: members of one bucket checked per query (the earliest ones)

_U = np.uint64


@dataclass(frozen=True, slots=True)
class ReprintMatch:
    """An article's reprint group.

    ``group_id`` is the id of the group's earliest-published member (the
    article itself when it has no reprint); ``matched_article`` is the member
    it shares the most text with and ``containment`` that share (None alone).
    """

    article_id: str
    group_id: str
    matched_article: str | None = None
    containment: float | None = None

    @property
    def is_reprint(self) -> bool:
        """True for a member that is not its group's earliest article."""
        return self.group_id != self.article_id


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller shingle set found in the larger (sorted unique arrays)."""
    if len(a) > len(b):
        a, b = b, a
    if len(a) == 0:
        return 0.0
    pos = np.searchsorted(b, a)
    pos[pos == len(b)] = len(b) - 1
    return int(np.count_nonzero(b[pos] == a)) / len(a)


def _check_rows(num_perm: int, rows: int) -> int:
    if not isinstance(rows, int) or rows < 1 or rows > num_perm:
        raise ValueError(f"rows={rows!r}: use 1..num_perm values per band (2 suits containment ≥ 0.5)")
    return num_perm // rows


def band_keys(matrix: np.ndarray, rows: int = DEFAULT_ROWS) -> np.ndarray:
    """LSH band keys of a (n, num_perm) signature matrix: (n, bands) uint64."""
    n, k = matrix.shape
    bands = _check_rows(k, rows)
    m = matrix[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    key = np.zeros((n, bands), dtype=np.uint64)
    for r in range(rows):
        key = key * _U(0x100000001B3) + m[:, :, r] + _U(r + 1)
    key ^= key >> _U(29)
    key *= _U(0xBF58476D1CE4E5B9)
    key ^= key >> _U(32)
    # the band number goes into the key so one sort serves all bands
    key = key * _U(1021) + np.arange(bands, dtype=np.uint64)[None, :]
    return key


def candidate_pairs(matrix: np.ndarray, rows: int = DEFAULT_ROWS) -> np.ndarray:
    """Pairs (i, j), i < j, of rows sharing at least one LSH band: an (m, 2) int64 array."""
    n = matrix.shape[0]
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    keys = band_keys(matrix, rows).ravel()
    owner = np.repeat(np.arange(n, dtype=np.int64), keys.size // n)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    owner = owner[order]
    run_start = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    run_len = np.diff(np.append(run_start, keys.size))
    multi = run_len > 1
    pairs = []
    for length in np.unique(run_len[multi]).tolist():
        starts = run_start[multi & (run_len == length)]
        if length <= BIG_BUCKET:
            members = owner[starts[:, None] + np.arange(length)[None, :]]  # (buckets, length)
            iu, ju = np.triu_indices(length, k=1)
            pairs.append(np.stack([members[:, iu].ravel(), members[:, ju].ravel()], axis=1))
            continue
        for start in starts.tolist():
            members = np.sort(owner[start : start + length])
            pairs.append(np.stack([members[:-1], members[1:]], axis=1))
            pairs.append(np.stack([np.full(length - 1, members[0]), members[1:]], axis=1))
    if not pairs:
        return np.zeros((0, 2), dtype=np.int64)
    p = np.concatenate(pairs)
    p.sort(axis=1)
    p = p[p[:, 0] != p[:, 1]]
    code = np.unique(p[:, 0] * n + p[:, 1])  # one int64 per pair: a 1-d unique, sorted by (i, j)
    return np.stack([code // n, code % n], axis=1)


def _order_key(published: datetime | None, position: int) -> tuple:
    """Earliest first; unknown dates after known ones; then arrival order."""
    if published is None:
        return (1, 0.0, position)
    if published.tzinfo is None:
        published = published.replace(tzinfo=timezone.utc)
    return (0, published.timestamp(), position)


class _Groups:
    """Union-find whose root is the earliest member."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.key: dict[str, tuple] = {}

    def add(self, item: str, key: tuple) -> None:
        self.parent.setdefault(item, item)
        self.key[item] = key

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if self.key[rb] < self.key[ra]:
            ra, rb = rb, ra
        self.parent[rb] = ra


class ReprintIndex:
    """Incremental reprint detection: add signatures one at a time, get matches back.

    ``threshold`` is the containment above which two articles are reprints.
    Give ``shingles`` (from :meth:`MinHasher.shingles`) to :meth:`add` for an
    exact containment; without them it is estimated from the signatures.
    Memory: one bucket entry per band per article (64 with the defaults),
    about 5 KB an article in Python dicts; for whole stores use
    :func:`find_reprints`, which bands with numpy sorts instead.

    Example::

        >>> hasher = MinHasher()
        >>> index = ReprintIndex()
        >>> text = " ".join(f"w{i}" for i in range(80))
        >>> index.add("a", hasher.signature(text), shingles=hasher.shingles([text])[0])
        []
        >>> reprint = "A new intro. " + text
        >>> index.add("b", hasher.signature(reprint), shingles=hasher.shingles([reprint])[0])
        [('a', 1.0)]
    """

    def __init__(
        self,
        threshold: float = DEFAULT_THRESHOLD,
        num_perm: int = DEFAULT_NUM_PERM,
        rows: int = DEFAULT_ROWS,
        min_shingles: int = MIN_SHINGLES,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold={threshold!r}: use a containment in (0, 1], e.g. 0.5")
        self.threshold = threshold
        self.num_perm = num_perm
        self.rows = rows
        self.bands = _check_rows(num_perm, rows)
        self.min_shingles = min_shingles
        self._buckets: list[dict[int, list[str]]] = [{} for _ in range(self.bands)]
        self._sigs: dict[str, Signature] = {}
        self._shingles: dict[str, np.ndarray] = {}
        self._groups = _Groups()
        self._best: dict[str, tuple[float, str]] = {}
        self._count = 0

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._sigs

    def _keys(self, signature: Signature) -> np.ndarray:
        if len(signature.values) != self.num_perm:
            raise ValueError(
                f"signature has {len(signature.values)} values, the index {self.num_perm}: "
                "compute signatures with the index's num_perm"
            )
        return band_keys(signature.values[None, :], self.rows)[0]

    def candidates(self, signature: Signature) -> list[str]:
        """Indexed articles sharing at least one band with ``signature``, in insertion order."""
        seen: dict[str, None] = {}
        for band, key in enumerate(self._keys(signature).tolist()):
            for other in self._buckets[band].get(key, ())[:MAX_INDEX_BUCKET]:
                seen.setdefault(other, None)
        return list(seen)

    def score(self, a: str, b: str) -> float:
        """Containment of two indexed articles (exact when both have shingles)."""
        if a in self._shingles and b in self._shingles:
            return containment(self._shingles[a], self._shingles[b])
        return self._sigs[a].containment(self._sigs[b])

    def add(
        self,
        article_id: str,
        signature: Signature,
        published: datetime | None = None,
        shingles: np.ndarray | None = None,
    ) -> list[tuple[str, float]]:
        """Index an article; return its reprint partners among earlier ones as (id, containment)."""
        if article_id in self._sigs:
            raise ValueError(f"article {article_id!r} is already in the reprint index")
        keys = self._keys(signature)
        found = self.candidates(signature) if signature.size >= self.min_shingles else []
        self._sigs[article_id] = signature
        if shingles is not None:
            self._shingles[article_id] = shingles
        self._groups.add(article_id, _order_key(published, self._count))
        self._count += 1
        for band, key in enumerate(keys.tolist()):
            self._buckets[band].setdefault(key, []).append(article_id)
        matches = []
        for other in found:
            if self._sigs[other].size < self.min_shingles:
                continue
            c = self.score(article_id, other)
            if c >= self.threshold:
                matches.append((other, round(float(c), 4)))
        for other, c in matches:
            self._link(article_id, other, c)
        return matches

    def _link(self, a: str, b: str, c: float) -> None:
        self._groups.union(a, b)
        for x, y in ((a, b), (b, a)):
            best = self._best.get(x)
            if best is None or (c, y) > best:  # ties: a fixed order
                self._best[x] = (c, y)

    def match(self, article_id: str) -> ReprintMatch:
        """The current reprint group of an indexed article."""
        best = self._best.get(article_id)
        return ReprintMatch(
            article_id,
            self._groups.find(article_id),
            best[1] if best else None,
            best[0] if best else None,
        )

    def matches(self) -> dict[str, ReprintMatch]:
        """Every indexed article's reprint group."""
        return {a: self.match(a) for a in self._sigs}


def find_reprints(
    docs: Sequence[tuple[str, str, datetime | None]],
    threshold: float = DEFAULT_THRESHOLD,
    *,
    hasher: MinHasher | None = None,
    signatures: Sequence[Signature] | None = None,
    rows: int = DEFAULT_ROWS,
    min_shingles: int = MIN_SHINGLES,
) -> dict[str, ReprintMatch]:
    """Reprint group of every document in ``docs`` = ``[(id, text, published), …]``.

    ``signatures`` (one per doc, e.g. loaded from the store) skip the MinHash
    step; shingle sets are computed only for the candidate pairs' texts.
    Deterministic: the same docs give the same groups in any order, except
    that ties in publication time go to the earlier position.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold={threshold!r}: use a containment in (0, 1], e.g. 0.5")
    hasher = hasher or MinHasher()
    ids = [d[0] for d in docs]
    if len(set(ids)) != len(ids):
        raise ValueError("find_reprints: article ids must be unique")
    if signatures is None:
        matrix, sizes = hasher.matrix([d[1] for d in docs])
    else:
        if len(signatures) != len(docs):
            raise ValueError(f"got {len(signatures)} signatures for {len(docs)} docs: give one per doc")
        matrix = (
            np.stack([s.values for s in signatures]) if signatures else np.zeros((0, hasher.num_perm), np.uint32)
        )
        sizes = np.array([s.size for s in signatures], dtype=np.int64)
    eligible = np.flatnonzero(sizes >= min_shingles)  # empty and tiny texts never enter the buckets
    pairs = candidate_pairs(matrix[eligible], rows) if len(eligible) > 1 else np.zeros((0, 2), np.int64)
    pairs = eligible[pairs] if len(pairs) else pairs
    verified: list[tuple[str, str, float]] = []
    if len(pairs):
        involved = np.unique(pairs)
        sets = dict(zip(involved.tolist(), hasher.shingles([docs[i][1] for i in involved])))
        for i, j in pairs.tolist():
            c = containment(sets[i], sets[j])
            if c >= threshold:
                verified.append((ids[i], ids[j], float(c)))
    order = [_order_key(published, pos) for pos, (_id, _text, published) in enumerate(docs)]
    return reprint_matches(ids, order, verified)


def reprint_matches(
    ids: Sequence[str], order_keys: Sequence[tuple], verified: Iterable[tuple[str, str, float]]
) -> dict[str, ReprintMatch]:
    """Reprint groups from verified pairs ``(a, b, containment)`` (each at or over the threshold).

    ``order_keys`` (one per id, smaller = earlier) pick each group's root: its earliest member.
    :func:`find_reprints` and the Spark job (whose shuffle finds and verifies the pairs) share it.
    """
    groups = _Groups()
    for aid, key in zip(ids, order_keys):
        groups.add(aid, key)
    best: dict[str, tuple[float, str]] = {}
    for a, b, c in verified:
        c = round(float(c), 4)
        groups.union(a, b)
        for x, y in ((a, b), (b, a)):
            cur = best.get(x)
            if cur is None or (c, y) > cur:
                best[x] = (c, y)
    out = {}
    for aid in ids:
        top = best.get(aid)
        out[aid] = ReprintMatch(aid, groups.find(aid), top[1] if top else None, top[0] if top else None)
    return out


def independent_sources(matches: Iterable[ReprintMatch]) -> int:
    """Number of distinct reprint groups among ``matches`` (a wire story reprinted 40 times is 1)."""
    return len({m.group_id for m in matches})
