"""Reprint benchmark: MinHash speed and LSH candidate quality, newsweave beside datasketch and rensa.

Run ``python -m newsweave.bench.reprints`` (``--json`` for one JSON object,
``--docs N`` for the throughput corpus size). Three parts, one run:

1. **Signature throughput** (documents/s, word normalisation and 5-word
   shingling included, 128 values): datasketch (``MinHash.bulk``), rensa
   (``RMinHash.digest_matrix_from_token_sets`` on regex-tokenised shingles,
   its bulk path), rensa's sketch alone fed with newsweave's shingle hashes
   (R-MinHash and the O(tokens) Rho sketch), and newsweave's numpy
   one-permutation MinHash on 1 thread and on the default threads.
2. **LSH candidate quality** on real news articles (``../shared/data/stories``)
   plus constructed reprints of some of them (new intro, trimmed ending, both,
   light word edits): the truth is every pair whose exact containment (share
   of the shorter text's shingles found in the longer) is ≥ 0.5, found by
   brute force. Per method: candidates produced, recall of true pairs, and
   how many candidates a pair-check must verify.
3. **Containment on Clough & Stevenson** (``../shared/data/reuse``): mean
   containment of each answer in its source text per category (cut, light,
   heavy, non) and how well it separates plagiarised from non-plagiarised
   answers (ROC AUC, accuracy at the shipped threshold and at the best one).

Parts 2 and 3 skip cleanly when the shared data is absent (part 1 then runs
on generated text).
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from newsweave.group.minhash import MinHasher
from newsweave.group.reprints import DEFAULT_ROWS, DEFAULT_THRESHOLD, candidate_pairs, find_reprints
from newsweave.text.reprint import SHINGLE_WORDS

__all__ = ["run", "render", "throughput", "lsh_quality", "clough_stevenson"]

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
NUM_PERM = 128
_WORD = re.compile(r"\w+")


def data_dir() -> Path:
    """``$NEWSWEAVE_SHARED_DATA`` or ``../shared/data`` next to the repository."""
    env = os.environ.get("NEWSWEAVE_SHARED_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


def _news_texts() -> list[str]:
    texts = []
    folder = data_dir() / "stories"
    for name in ("ecbplus.jsonl", "basil.jsonl", "allsides.jsonl"):
        path = folder / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                texts.append(((r.get("title") or "") + "\n" + (r.get("text") or "")).strip())
    return texts


def _generated_texts(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(5000)]
    return [" ".join(rng.choice(vocab) for _ in range(rng.randint(100, 600))) for _ in range(n)]


def _py_shingles(text: str, k: int = SHINGLE_WORDS) -> list[str]:
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds > 0 else float("inf")


class _Timer:
    """Wall and process-CPU time of a block (CPU time is steadier on a busy machine)."""

    def __enter__(self) -> _Timer:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def rates(self, n: int) -> dict[str, Any]:
        return {"docs_per_s": _rate(n, self.wall), "docs_per_cpu_s": _rate(n, self.cpu), "docs": n}


# --------------------------------------------------------------------------- 1. throughput


def throughput(n_docs: int = 20_000, peer_docs: int = 2_000) -> dict[str, Any]:
    """Signatures per second on ``n_docs`` news-length texts (peers on a ``peer_docs`` slice)."""
    base = _news_texts() or _generated_texts(2000)
    docs = [base[i % len(base)] for i in range(n_docs)]
    sample = docs[:peer_docs]
    out: dict[str, Any] = {
        "docs": n_docs,
        "mean_chars": round(sum(map(len, docs)) / max(1, len(docs)), 1),
        "cores": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "methods": {},
    }
    methods = out["methods"]
    hasher = MinHasher(NUM_PERM, SHINGLE_WORDS)
    hasher.matrix(docs[:500])  # warm up
    for label, workers in (("newsweave numpy OPH (1 thread)", 1), ("newsweave numpy OPH (default threads)", None)):
        with _Timer() as tm:
            hasher.matrix(docs, workers=workers)
        methods[label] = tm.rates(len(docs))
    try:
        from datasketch import MinHash

        with _Timer() as tm:
            MinHash.bulk(([s.encode("utf-8") for s in _py_shingles(d)] for d in sample), num_perm=NUM_PERM)
        methods["datasketch MinHash.bulk"] = tm.rates(len(sample))
    except ImportError:
        methods["datasketch MinHash.bulk"] = {"skipped": "datasketch not installed"}
    try:
        import rensa

        with _Timer() as tm:
            rensa.RMinHash.digest_matrix_from_token_sets([_py_shingles(d) for d in sample], NUM_PERM, 42)
        methods["rensa R-MinHash (regex shingles)"] = tm.rates(len(sample))
        rensa_docs = docs[: max(peer_docs, min(len(docs), 10_000))]
        with _Timer() as tm:
            flat, off = hasher.shingle_batch(rensa_docs)
            rensa.RMinHash.digest_matrix_from_flat_token_hashes(flat, off.astype(np.uint64), NUM_PERM, 42)
        methods["rensa R-MinHash on newsweave shingle hashes"] = tm.rates(len(rensa_docs))
        with _Timer() as tm:
            flat, off = hasher.shingle_batch(rensa_docs)
            rensa.RMinHash.digest_matrix_from_flat_token_hashes_rho(flat, off.astype(np.uint64), NUM_PERM, 42)
        methods["rensa Rho sketch on newsweave shingle hashes"] = tm.rates(len(rensa_docs))
    except ImportError:
        methods["rensa"] = {"skipped": "rensa not installed (pip install 'newsweave[bench]')"}
    t = time.perf_counter()
    for d in sample:
        _py_shingles(d)
    out["python_regex_shingling_only_docs_per_s"] = _rate(len(sample), time.perf_counter() - t)
    return out


# --------------------------------------------------------------------------- 2. LSH quality


def _constructed(texts: Sequence[str], n_base: int, seed: int = 11) -> tuple[list[str], list[tuple[int, int, str]]]:
    """Real texts plus reprints of ``n_base`` of them; returns (texts, [(variant, base, kind)])."""
    rng = random.Random(seed)
    long_ones = [i for i, t in enumerate(texts) if len(_WORD.findall(t)) >= 150]
    rng.shuffle(long_ones)
    out = list(texts)
    made = []
    intros = [t.split("\n")[-1][:300] for t in texts]
    for k, i in enumerate(long_ones[:n_base]):
        words = texts[i].split()
        kind = ("intro", "trimmed", "intro+trimmed", "edited")[k % 4]
        if kind == "intro":
            v = intros[rng.randrange(len(intros))] + "\n" + texts[i]
        elif kind == "trimmed":
            v = " ".join(words[: int(len(words) * rng.uniform(0.45, 0.8))])
        elif kind == "intro+trimmed":
            v = intros[rng.randrange(len(intros))] + "\n" + " ".join(words[: int(len(words) * rng.uniform(0.5, 0.8))])
        else:  # light edits: 3% of words replaced
            w = list(words)
            for j in rng.sample(range(len(w)), max(1, len(w) * 3 // 100)):
                w[j] = rng.choice(("said", "reported", "according", "officials", "local"))
            v = " ".join(w)
        made.append((len(out), i, kind))
        out.append(v)
    return out, made


def _truth(sets: Sequence[np.ndarray], threshold: float) -> set[tuple[int, int]]:
    """All pairs with exact containment ≥ threshold (sparse matrix product)."""
    from scipy import sparse

    n = len(sets)
    vocab, inverse = np.unique(np.concatenate(sets), return_inverse=True)
    rows = np.repeat(np.arange(n), [len(s) for s in sets])
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, inverse)), shape=(n, len(vocab)))
    inter = (m @ m.T).tocoo()
    sizes = np.array([len(s) for s in sets], dtype=np.float64)
    keep = inter.row < inter.col
    r, c, v = inter.row[keep], inter.col[keep], inter.data[keep]
    small = np.minimum(sizes[r], sizes[c])
    ok = (small >= 10) & (v / np.maximum(small, 1) >= threshold)
    return set(zip(r[ok].tolist(), c[ok].tolist()))


def _pairs(neighbours: Iterable[tuple[int, Iterable[int]]]) -> set[tuple[int, int]]:
    """Unordered candidate pairs from each document's LSH query result (itself left out)."""
    return {(min(i, j), max(i, j)) for i, found in neighbours for j in found if j != i}


def lsh_quality(n_base: int = 400, threshold: float = DEFAULT_THRESHOLD) -> dict[str, Any]:
    texts = _news_texts()
    if not texts:
        return {"skipped": f"no story files in {data_dir() / 'stories'}"}
    corpus, made = _constructed(texts, n_base)
    hasher = MinHasher(NUM_PERM, SHINGLE_WORDS)
    sets = hasher.shingles(corpus)
    truth = _truth(sets, threshold)
    made_pairs = {(min(v, b), max(v, b)) for v, b, _ in made}
    out: dict[str, Any] = {
        "docs": len(corpus),
        "constructed_reprints": len(made),
        "true_pairs": len(truth),
        "true_pairs_beyond_constructed": len(truth - made_pairs),
        "threshold": threshold,
        "methods": {},
    }
    methods = out["methods"]

    def score(name: str, cands: set[tuple[int, int]], seconds: float, note: str = "") -> None:
        found = cands & truth
        methods[name] = {
            "candidates": len(cands),
            "recall": round(len(found) / max(1, len(truth)), 4),
            "true_share_of_candidates": round(len(found) / max(1, len(cands)), 4),
            "seconds": round(seconds, 3),
        }
        if note:
            methods[name]["note"] = note

    matrix, _sizes = hasher.matrix(corpus)
    for rows in (2, 3, 4):
        t = time.perf_counter()
        pairs = candidate_pairs(matrix, rows)
        score(f"newsweave banding {NUM_PERM // rows}x{rows}", {tuple(p) for p in pairs.tolist()},
              time.perf_counter() - t, "default" if rows == DEFAULT_ROWS else "")
    out["find_reprints"] = _grouping_figures(corpus, made, threshold, hasher)
    token_sets = [_py_shingles(t) for t in corpus]
    _datasketch_figures(token_sets, threshold, score, methods)
    _rensa_figures(token_sets, threshold, score, methods)
    return out


_Score = Callable[[str, set[tuple[int, int]], float], None]


def _grouping_figures(corpus: list[str], made: list[tuple[int, int, str]], threshold: float,
                      hasher: MinHasher) -> dict[str, Any]:
    """How ``find_reprints`` (the store's grouping) groups each constructed reprint with its source, by kind."""
    t = time.perf_counter()
    res = find_reprints([(str(i), corpus[i], None) for i in range(len(corpus))], threshold, hasher=hasher)
    seconds = time.perf_counter() - t
    groups: dict[str, list[int]] = {}
    for k, m in res.items():
        groups.setdefault(m.group_id, []).append(int(k))
    same = sum(1 for v, b, _ in made if res[str(v)].group_id == res[str(b)].group_id)
    return {
        "seconds": round(seconds, 3),
        "constructed_reprints_grouped_with_source": round(same / max(1, len(made)), 4),
        "by_kind": {
            kind: round(
                sum(1 for v, b, k in made if k == kind and res[str(v)].group_id == res[str(b)].group_id)
                / max(1, sum(1 for _, _, k in made if k == kind)), 4)
            for kind in ("intro", "trimmed", "intro+trimmed", "edited")
        },
        "reprint_groups": sum(1 for g in groups.values() if len(g) > 1),
    }


def _datasketch_figures(token_sets: list[list[str]], threshold: float, score: _Score, methods: dict[str, Any]) -> None:
    """datasketch's MinHashLSH (two Jaccard thresholds) and MinHashLSHEnsemble (containment) as peers."""
    try:
        from datasketch import MinHash, MinHashLSH, MinHashLSHEnsemble

        mhs = MinHash.bulk(([s.encode("utf-8") for s in ts] for ts in token_sets), num_perm=NUM_PERM)
        for jt in (0.3, 0.2):
            t = time.perf_counter()
            lsh = MinHashLSH(threshold=jt, num_perm=NUM_PERM)
            for i, m in enumerate(mhs):
                lsh.insert(i, m)
            cands = _pairs((i, lsh.query(m)) for i, m in enumerate(mhs))
            score(f"datasketch MinHashLSH (Jaccard {jt})", cands, time.perf_counter() - t)
        t = time.perf_counter()
        ens = MinHashLSHEnsemble(threshold=threshold, num_perm=NUM_PERM, num_part=16)
        ens.index([(i, m, max(1, len(set(token_sets[i])))) for i, m in enumerate(mhs)])
        cands = _pairs((i, ens.query(m, max(1, len(set(token_sets[i]))))) for i, m in enumerate(mhs))
        score(f"datasketch MinHashLSHEnsemble (containment {threshold})", cands, time.perf_counter() - t)
    except ImportError:
        methods["datasketch"] = {"skipped": "datasketch not installed"}


def _rensa_figures(token_sets: list[list[str]], threshold: float, score: _Score, methods: dict[str, Any]) -> None:
    """rensa's RMinHashLSH (64 and 32 bands) as a peer."""
    try:
        import rensa

        rms = rensa.RMinHash.from_token_sets(token_sets, NUM_PERM, 42)
        for bands in (64, 32):
            t = time.perf_counter()
            lsh = rensa.RMinHashLSH(threshold, NUM_PERM, bands)
            for i, m in enumerate(rms):
                lsh.insert(i, m)
            cands = _pairs((i, lsh.query(m)) for i, m in enumerate(rms))
            score(f"rensa RMinHashLSH ({bands} bands)", cands, time.perf_counter() - t)
    except ImportError:
        methods["rensa"] = {"skipped": "rensa not installed"}


# --------------------------------------------------------------------------- 3. Clough & Stevenson


def _auc(pos: Sequence[float], neg: Sequence[float]) -> float:
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def clough_stevenson(threshold: float = DEFAULT_THRESHOLD, shingle: int = SHINGLE_WORDS) -> dict[str, Any]:
    path = data_dir() / "reuse" / "clough_stevenson.jsonl"
    if not path.exists():
        return {"skipped": f"{path} is absent"}
    records = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    by_id = {r["id"]: r for r in records}
    answers = [r for r in records if r.get("category") != "orig"]
    hasher = MinHasher(NUM_PERM, shingle)
    texts = [r["text"] for r in answers] + [by_id[r["source_id"]]["text"] for r in answers]
    sets = hasher.shingles(texts)
    n = len(answers)
    scores: dict[str, list[float]] = {}
    for r, a, s in zip(answers, sets[:n], sets[n:]):
        # share of the answer found in the source (the answer is the suspected copy)
        c = float(np.intersect1d(a, s, assume_unique=True).size / len(a)) if len(a) else 0.0
        scores.setdefault(r["category"], []).append(c)
    pos = [c for cat in ("cut", "light", "heavy") for c in scores.get(cat, [])]
    neg = scores.get("non", [])

    def accuracy(th: float) -> float:
        right = sum(c >= th for c in pos) + sum(c < th for c in neg)
        return right / max(1, len(pos) + len(neg))

    best = max(sorted(set(pos + neg)), key=lambda th: (accuracy(th), -th)) if pos and neg else threshold
    return {
        "answers": n,
        "shingle": shingle,
        "share_at_or_above_threshold": {
            cat: round(float(np.mean([c >= threshold for c in v])), 4) for cat, v in sorted(scores.items())
        },
        "mean_containment": {cat: round(float(np.mean(v)), 4) for cat, v in sorted(scores.items())},
        "auc_plagiarised_vs_non": round(_auc(pos, neg), 4),
        "accuracy_at_threshold": {"threshold": threshold, "accuracy": round(accuracy(threshold), 4)},
        "best_threshold": {"threshold": round(float(best), 4), "accuracy": round(accuracy(best), 4)},
        "cut_light_vs_rest_auc": round(
            _auc([c for cat in ("cut", "light") for c in scores.get(cat, [])], scores.get("heavy", []) + neg), 4),
    }


# --------------------------------------------------------------------------- run + render


def run(n_docs: int = 20_000, peer_docs: int = 2_000, n_base: int = 400) -> dict[str, Any]:
    """All three parts; a JSON-able dict."""
    started = time.perf_counter()
    out: dict[str, Any] = {
        "throughput": throughput(n_docs, peer_docs),
        "lsh": lsh_quality(n_base),
        "clough_stevenson": clough_stevenson(),
        "clough_stevenson_shingle3": clough_stevenson(shingle=3),
    }
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out


def render(result: dict[str, Any], console: Any = None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    tp = result["throughput"]
    t = Table(title=f"MinHash signatures/s ({NUM_PERM} values, {SHINGLE_WORDS}-word shingles, "
                    f"mean {tp['mean_chars']:.0f} chars/doc, {tp['cores']} cores, "
                    f"load before {tp.get('load_average_before')})", title_justify="left")
    t.add_column("method")
    t.add_column("docs/s", justify="right")
    t.add_column("docs/CPU-s", justify="right")
    t.add_column("docs", justify="right")
    for name, m in tp["methods"].items():
        if "docs_per_s" not in m:
            t.add_row(name, m.get("skipped", ""), "", "")
            continue
        t.add_row(name, f"{m['docs_per_s']:,.0f}", f"{m['docs_per_cpu_s']:,.0f}", str(m["docs"]))
    t.add_row("(python regex shingling alone)", f"{tp['python_regex_shingling_only_docs_per_s']:,.0f}", "", "")
    console.print(t)
    lsh = result["lsh"]
    if "skipped" in lsh:
        console.print(f"LSH quality: skipped ({lsh['skipped']})")
    else:
        t = Table(title=f"LSH candidates: {lsh['docs']} docs ({lsh['constructed_reprints']} constructed reprints), "
                        f"{lsh['true_pairs']} pairs with containment ≥ {lsh['threshold']}", title_justify="left")
        for col in ("method", "candidates", "recall", "true share", "seconds"):
            t.add_column(col, justify="left" if col == "method" else "right")
        for name, m in lsh["methods"].items():
            if "skipped" in m:
                t.add_row(name, m["skipped"], "", "", "")
                continue
            t.add_row(name + (f" ({m['note']})" if m.get("note") else ""), f"{m['candidates']:,}",
                      f"{m['recall']:.3f}", f"{m['true_share_of_candidates']:.3f}", f"{m['seconds']:.2f}")
        console.print(t)
        fr = lsh["find_reprints"]
        console.print(
            f"find_reprints: {fr['constructed_reprints_grouped_with_source']:.1%} of constructed reprints grouped "
            f"with their source ({', '.join(f'{k} {v:.0%}' for k, v in fr['by_kind'].items())}); "
            f"{fr['reprint_groups']} reprint groups; {fr['seconds']:.2f}s", highlight=False)
    for key in ("clough_stevenson", "clough_stevenson_shingle3"):
        cs = result.get(key) or {}
        if "skipped" in cs:
            console.print(f"Clough & Stevenson: skipped ({cs['skipped']})")
            continue
        means = ", ".join(f"{k} {v:.3f}" for k, v in cs["mean_containment"].items())
        console.print(
            f"Clough & Stevenson ({cs['answers']} answers, {cs['shingle']}-word shingles): mean containment {means}; "
            f"AUC plagiarised vs non {cs['auc_plagiarised_vs_non']:.3f}; accuracy "
            f"{cs['accuracy_at_threshold']['accuracy']:.1%} at {cs['accuracy_at_threshold']['threshold']}, "
            f"{cs['best_threshold']['accuracy']:.1%} at best {cs['best_threshold']['threshold']}; "
            f"AUC cut+light vs heavy+non {cs['cut_light_vs_rest_auc']:.3f}; share ≥ "
            f"{cs['accuracy_at_threshold']['threshold']}: "
            + ", ".join(f"{k} {v:.0%}" for k, v in cs["share_at_or_above_threshold"].items()),
            highlight=False,
        )


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m newsweave.bench.reprints", description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000, help="throughput corpus size (default 20000)")
    parser.add_argument("--peer-docs", type=int, default=2_000, help="docs for the slow peers (default 2000)")
    parser.add_argument("--base", type=int, default=400, help="constructed reprints for LSH quality (default 400)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    result = run(args.docs, args.peer_docs, args.base)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        render(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
