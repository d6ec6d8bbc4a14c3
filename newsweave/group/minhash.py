"""MinHash signatures over word shingles, computed in bulk with numpy.

One structure, :class:`MinHasher`: it turns texts into sets of hashed word
shingles (:meth:`MinHasher.shingles`) and into fixed-size MinHash signatures
(:meth:`MinHasher.signatures`), many texts at a time.

How it stays fast (no Python loop per word):

* words are found on UTF-8 bytes: ASCII letters are lower-cased and ASCII
  punctuation, typographic quotes/dashes and no-break spaces become spaces
  with ``bytes.translate``/``bytes.replace`` (same length, so offsets hold);
  Latin-1 capitals (``É``) are folded too. A word is a run of non-space
  bytes, i.e. ``\\w+`` on the folded text;
* each word is hashed from its bytes read eight at a time through a strided
  ``uint64`` view, then a shingle hash combines ``shingle`` consecutive word
  hashes of the same document;
* the signature is a *one permutation hash* (Li, Owen & Zhang 2012): the top
  bits of a shingle hash pick one of ``num_perm`` bins, the low 32 bits are the
  value, a bin keeps its minimum; empty bins are filled by rotation
  densification (Shrivastava & Li 2014). Cost is O(shingles), not
  O(shingles × num_perm), and two signatures agree in a bin with probability
  close to the Jaccard similarity of the two shingle sets.

Hashes are fixed functions of the bytes (no per-process salt), so signatures
can be stored and compared across runs and machines.

Example::

    >>> hasher = MinHasher(num_perm=64)
    >>> a, b = hasher.signatures(["the cat sat on the mat today", "The cat sat on the mat today!"])
    >>> a.jaccard(b)
    1.0
"""

from __future__ import annotations

import os
import struct
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from newsweave.text.reprint import SHINGLE_WORDS

__all__ = ["MinHasher", "Signature", "DEFAULT_NUM_PERM", "DEFAULT_SHINGLE", "SIGNATURE_FORMAT"]

DEFAULT_NUM_PERM = 128
SIGNATURE_FORMAT = 1  # bump when word folding, hashing or binning changes: stored signatures are recomputed
DEFAULT_SHINGLE = SHINGLE_WORDS

_M64 = 0xFFFFFFFFFFFFFFFF
_EMPTY = np.uint64(0xFFFFFFFF)
_U = np.uint64

# ASCII folding table: letters lower-cased, digits kept, '_' kept (\w), every
# other ASCII byte (punctuation, controls, whitespace) becomes a space; bytes
# >= 0x80 (UTF-8 sequences) are kept as word material.
_table = bytearray(b" " * 256)
for _c in range(256):
    _ch = chr(_c)
    if _c >= 0x80:
        _table[_c] = _c
    elif _ch.isalnum() or _ch == "_":
        _table[_c] = ord(_ch.lower())
_TABLE = bytes(_table)

_C2_SEPARATORS = np.zeros(256, dtype=bool)  # U+0080..U+00BF that separate words
for _c in (0xA0, 0xA1, 0xAB, 0xAD, 0xB7, 0xBB, 0xBF, 0xA7, 0xB6):
    _C2_SEPARATORS[_c] = True


def _fold_utf8(a: np.ndarray) -> tuple[np.ndarray, bytes]:
    """Blank multi-byte punctuation/spaces and fold Latin-1 capitals, in place of a copy.

    General punctuation U+2000..U+206F (typographic quotes, dashes, ellipsis,
    thin spaces) and a few Latin-1 signs (no-break space, guillemets, soft
    hyphen) become spaces of the same byte length; ``À``..``Þ`` (not ``×``)
    become ``à``..``þ``.
    """
    a = a.copy()
    lead = np.flatnonzero(a[:-2] >= 0xC2)  # lead bytes of 2/3/4-byte sequences (and continuations)
    if len(lead):
        b0 = a[lead]
        b1 = a[lead + 1]
        e2 = lead[(b0 == 0xE2) & ((b1 == 0x80) | (b1 == 0x81))]
        a[e2] = 32
        a[e2 + 1] = 32
        a[e2 + 2] = 32
        c2 = lead[(b0 == 0xC2) & _C2_SEPARATORS[b1]]
        a[c2] = 32
        a[c2 + 1] = 32
        up = lead[(b0 == 0xC3) & (b1 >= 0x80) & (b1 <= 0x9E) & (b1 != 0x97)] + 1
        a[up] += 0x20
    return a, a.tobytes()


_MASKS = np.array([(1 << (8 * n)) - 1 if n < 8 else _M64 for n in range(9)], dtype=np.uint64)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser, element-wise on uint64 (wraps mod 2**64)."""
    x = x ^ (x >> _U(30))
    x *= _U(0xBF58476D1CE4E5B9)
    x ^= x >> _U(27)
    x *= _U(0x94D049BB133111EB)
    x ^= x >> _U(31)
    return x


def _distinct_counts(flat: np.ndarray, doc: np.ndarray, n_docs: int) -> np.ndarray:
    """Number of distinct hashes per document (hashes compared on their top 40 bits)."""
    if len(flat) == 0:
        return np.zeros(n_docs, dtype=np.int64)
    key = (doc.astype(np.uint64) << _U(40)) | (flat >> _U(24))
    key.sort()
    first = np.empty(len(key), dtype=bool)
    first[0] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    return np.bincount((key[first] >> _U(40)).astype(np.int64), minlength=n_docs)


@dataclass(frozen=True)
class Signature:
    """A MinHash signature: ``values`` (uint32, one per bin) and the shingle-set size.

    ``size`` (the number of shingles) turns an estimated Jaccard
    similarity into an estimated containment; ``to_bytes``/``from_bytes`` give
    the stored form.
    """

    values: np.ndarray
    size: int

    def jaccard(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two shingle sets."""
        if len(self.values) != len(other.values):
            raise ValueError(
                f"signatures differ in length ({len(self.values)} vs {len(other.values)}): "
                "compute both with the same num_perm"
            )
        if self.size == 0 or other.size == 0:
            return 0.0
        return float(np.count_nonzero(self.values == other.values)) / len(self.values)

    def containment(self, other: Signature) -> float:
        """Estimated share of the smaller set found in the larger one."""
        j = self.jaccard(other)
        small = min(self.size, other.size)
        if small == 0:
            return 0.0
        inter = j * (self.size + other.size) / (1.0 + j)
        return min(1.0, inter / small)

    def to_bytes(self, seed: int = 1) -> bytes:
        """Stored form: format version, hasher seed, size, then the values (little-endian)."""
        header = struct.pack("<HHI", SIGNATURE_FORMAT, seed & 0xFFFF, self.size)
        return header + np.ascontiguousarray(self.values, dtype="<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, seed: int | None = None) -> Signature:
        """Read a stored signature; ValueError when it was made by another format or seed (recompute it)."""
        if len(data) < 8 or (len(data) - 8) % 4:
            raise ValueError(f"not a stored signature ({len(data)} bytes): recompute it")
        version, stored_seed, size = struct.unpack_from("<HHI", data)
        if version != SIGNATURE_FORMAT:
            raise ValueError(f"signature format {version}, this version reads {SIGNATURE_FORMAT}: recompute it")
        if seed is not None and stored_seed != seed & 0xFFFF:
            raise ValueError(f"signature made with seed {stored_seed}, not {seed}: recompute it")
        return cls(np.frombuffer(data, dtype="<u4", offset=8).astype(np.uint32), size)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Signature)
            and self.size == other.size
            and np.array_equal(self.values, other.values)
        )

    __hash__ = None  # type: ignore[assignment]


class MinHasher:
    """Word-shingle MinHash in bulk.

    ``num_perm`` is the number of signature values (bins), ``shingle`` the
    number of consecutive words in a shingle, ``seed`` varies the hash family.
    Same parameters, same signatures, on any machine.

    A signature's ``size`` is the number of shingles, repeats included (news
    text hardly repeats a 5-word window, and counting is 15% faster than
    sorting); ``exact_sizes=True`` counts distinct shingles instead.
    """

    def __init__(
        self,
        num_perm: int = DEFAULT_NUM_PERM,
        shingle: int = DEFAULT_SHINGLE,
        seed: int = 1,
        exact_sizes: bool = False,
    ) -> None:
        if not isinstance(num_perm, int) or not 8 <= num_perm <= 4096:
            raise ValueError(f"num_perm={num_perm!r}: use an integer from 8 to 4096 (128 is a good default)")
        if not isinstance(shingle, int) or not 1 <= shingle <= 16:
            raise ValueError(f"shingle={shingle!r}: use a number of words from 1 to 16 (5 suits news text)")
        self.num_perm = num_perm
        self.shingle = shingle
        self.seed = seed
        self.exact_sizes = exact_sizes
        self._seed64 = _mix(np.array([seed & _M64], dtype=np.uint64))[0]

    def __repr__(self) -> str:
        return f"MinHasher(num_perm={self.num_perm}, shingle={self.shingle}, seed={self.seed})"

    # -- words and shingles -------------------------------------------------

    def _word_hashes(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Hash every word of every text: (word hashes, per-text word offsets)."""
        encoded = [t.encode("utf-8", "replace") for t in texts]
        lengths = np.fromiter((len(e) + 1 for e in encoded), dtype=np.int64, count=len(encoded))
        doc_starts = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum(lengths, out=doc_starts[1:])
        buf = b" ".join(encoded) + b" " * 9
        ascii_only = buf.isascii()
        buf = buf.translate(_TABLE)
        a = np.frombuffer(buf, dtype=np.uint8)
        if not ascii_only:
            a, buf = _fold_utf8(a)
        isw = np.zeros(len(a) + 1, dtype=np.bool_)
        np.not_equal(a, 32, out=isw[1:])
        edge_at = np.flatnonzero(isw[1:] != isw[:-1])  # word starts and ends, alternating (bool ops: fast)
        starts = edge_at[0::2]
        ends = edge_at[1::2]
        n_words = len(starts)
        view = np.ndarray((len(a) - 8,), dtype="<u8", buffer=buf, strides=(1,))
        lens = (ends - starts).astype(np.int64)
        h = view[starts] & _MASKS[np.minimum(lens, 8)]
        long_idx = np.flatnonzero(lens > 8)
        off = 8
        while len(long_idx):
            rest = lens[long_idx] - off
            block = view[starts[long_idx] + off] & _MASKS[np.minimum(rest, 8)]
            h[long_idx] = _mix(h[long_idx] ^ self._seed64) + block
            off += 8
            long_idx = long_idx[rest > 8]
        h = _mix(h ^ (lens.astype(np.uint64) * _U(0x9E3779B97F4A7C15)) ^ self._seed64)
        word_offsets = np.searchsorted(starts, doc_starts) if n_words else np.zeros(len(doc_starts), np.int64)
        return h, word_offsets.astype(np.int64)

    def _shingle_hashes(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """All shingle hashes (with repeats) and per-text offsets into them."""
        h, woff = self._word_hashes(texts)
        k = self.shingle
        n_docs = len(texts)
        counts = np.diff(woff)
        if k == 1:
            return h, woff
        n = len(h)
        if n >= k:
            s = h[: n - k + 1].copy()
            for j in range(1, k):
                s = s * _U(0x100000001B3) + h[j : n - k + 1 + j]
            s = _mix(s)
        else:
            s = np.zeros(0, dtype=np.uint64)
        # shingle i is valid when words i..i+k-1 lie in the same text
        sh_counts = np.maximum(counts - k + 1, 0)
        short = np.flatnonzero((counts > 0) & (counts < k))
        if len(short) == 0 and len(s):
            valid = np.ones(len(s), dtype=bool)
            # invalid where a text boundary falls inside the window
            bounds = woff[1:-1]
            for j in range(1, k):
                idx = bounds - j
                idx = idx[(idx >= 0) & (idx < len(s))]
                valid[idx] = False
            out = s[valid]
            soff = np.zeros(n_docs + 1, dtype=np.int64)
            np.cumsum(sh_counts, out=soff[1:])
            return out, soff
        # general path: texts shorter than k words get one shingle of all their words
        pieces = []
        sizes = np.zeros(n_docs, dtype=np.int64)
        for d in range(n_docs):
            lo, hi = woff[d], woff[d + 1]
            if hi - lo >= k:
                piece = s[lo : hi - k + 1]
            elif hi > lo:
                acc = _U(0)
                for x in h[lo:hi]:
                    acc = _U((int(acc) * 0x100000001B3 + int(x)) & _M64)
                piece = _mix(np.array([acc], dtype=np.uint64))
            else:
                piece = np.zeros(0, dtype=np.uint64)
            pieces.append(piece)
            sizes[d] = len(piece)
        soff = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(sizes, out=soff[1:])
        out = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.uint64)
        return out, soff

    def shingles(self, texts: Sequence[str], batch: int = 2000) -> list[np.ndarray]:
        """Each text's set of shingle hashes, as a sorted unique uint64 array.

        The hashes keep their top 40 bits (one sort serves a whole batch);
        two different shingles of a pair of texts collide with odds of about
        one in a million even for long articles.
        """
        out: list[np.ndarray] = []
        for lo in range(0, len(texts), batch):
            part = texts[lo : lo + batch]
            flat, off = self._shingle_hashes(part)
            n = len(part)
            if len(flat) == 0:
                out.extend(np.zeros(0, dtype=np.uint64) for _ in range(n))
                continue
            doc = np.repeat(np.arange(n, dtype=np.uint64), np.diff(off))
            key = (doc << _U(40)) | (flat >> _U(24))
            key.sort()
            keep = np.empty(len(key), dtype=bool)
            keep[0] = True
            np.not_equal(key[1:], key[:-1], out=keep[1:])
            key = key[keep]
            bounds = np.searchsorted(key >> _U(40), np.arange(n + 1, dtype=np.uint64))
            values = key & _U((1 << 40) - 1)
            out.extend(values[bounds[i] : bounds[i + 1]] for i in range(n))
        return out

    def shingle_batch(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """All shingle hashes, flat (repeats kept), and the (n+1) offsets of each text."""
        return self._shingle_hashes(texts)

    # -- signatures ---------------------------------------------------------

    def matrix(
        self, texts: Sequence[str], batch: int = 500, workers: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Signatures of many texts: a (n, num_perm) uint32 matrix and the shingle-set sizes.

        Batches run on ``workers`` threads (numpy releases the GIL in its
        loops); the default uses up to 4 threads when there are several batches.
        Results do not depend on ``batch`` or ``workers``.
        """
        n = len(texts)
        out = np.empty((n, self.num_perm), dtype=np.uint32)
        sizes = np.zeros(n, dtype=np.int64)
        bounds = [(lo, min(n, lo + batch)) for lo in range(0, n, batch)]

        def work(bound: tuple[int, int]) -> None:
            lo, hi = bound
            flat, off = self._shingle_hashes(texts[lo:hi])
            out[lo:hi], sizes[lo:hi] = self.matrix_from_hashes(flat, off)

        if workers is None:
            workers = min(4, os.cpu_count() or 1)
        if workers > 1 and len(bounds) > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(work, bounds))
        else:
            for bound in bounds:
                work(bound)
        return out, sizes

    def matrix_from_hashes(self, flat: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One-permutation MinHash of pre-hashed shingles (flat uint64 + offsets)."""
        k = self.num_perm
        n_docs = len(offsets) - 1
        counts = np.diff(offsets)
        doc = np.repeat(np.arange(n_docs, dtype=np.int64), counts)
        hi = flat >> _U(32)
        bins = ((hi * _U(k)) >> _U(32)).astype(np.int64)
        vals = flat & _U(0xFFFFFFFF)
        sig: np.ndarray = np.full(n_docs * k, _EMPTY, dtype=np.uint64)
        np.minimum.at(sig, doc * k + bins, vals)
        sig = sig.reshape(n_docs, k)
        sizes = _distinct_counts(flat, doc, n_docs) if self.exact_sizes else counts.astype(np.int64)
        self._densify(sig, counts)
        return sig.astype(np.uint32), sizes

    @staticmethod
    def _densify(sig: np.ndarray, counts: np.ndarray) -> None:
        """Fill each empty bin from the next non-empty bin to its right (circular), offset by distance."""
        empty = sig == _EMPTY
        rows = np.flatnonzero(empty.any(axis=1) & (counts > 0))
        if len(rows) == 0:
            return
        sub = sig[rows]
        k = sig.shape[1]
        full = ~empty[rows]
        cols = np.arange(2 * k, dtype=np.int64)
        pos = np.where(np.concatenate([full, full], axis=1), cols, 4 * k)
        nxt = np.minimum.accumulate(pos[:, ::-1], axis=1)[:, ::-1][:, :k]  # next full column (>= own)
        dist = nxt - cols[:k]
        src = np.take_along_axis(sub, nxt % k, axis=1)
        filled = (src + _U(0x9E3779B1) * dist.astype(np.uint64)) & _U(0xFFFFFFFE)
        sig[rows] = np.where(full, sub, filled)

    def signatures(self, texts: Sequence[str]) -> list[Signature]:
        """One :class:`Signature` per text."""
        mat, sizes = self.matrix(texts)
        return [Signature(mat[i].copy(), int(sizes[i])) for i in range(len(texts))]

    def signature(self, text: str) -> Signature:
        return self.signatures([text])[0]
