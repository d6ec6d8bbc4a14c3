"""Story-grouping benchmark: ``newsweave bench stories``.

Runs newsweave's clusterer and a TF-IDF + average-link baseline (scikit-learn)
on the JSONL files in ``../shared/data/stories`` (ECB+ dev — the headline — and
train, AllSides, BASIL) and the SemEval-2022 English pairs in
``../shared/data/similarity``, and prints per dataset: pairwise P/R/F1 (Miranda
et al. 2018), BCubed P/R/F1, ARI, V-measure, predicted vs gold number of
stories and throughput. ``--growth`` adds time and peak memory to cluster 1k,
10k and 100k generated articles (features excluded; they are timed separately
on the real data). ``--data FILE`` scores any JSONL file of the same format.

Undated corpora are streamed in an order given by a hash of the article id
(see :func:`newsweave.group.stories.stream_order`): line order and ids would
give the answer away.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from newsweave.group.stories import (
    FEATURE_VERSION,
    StoryInput,
    StoryParams,
    cluster_stories,
    pair_scores,
)

__all__ = ["run", "data_dir", "metrics", "baseline_tfidf", "load_story_file", "render", "growth", "singleton_mix",
           "singletons_kept"]

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
# cosine distance of the TF-IDF average-link baseline: best mean pairwise F1 on the same training sets as
# newsweave (ECB+ train, AllSides, BASIL)
BASELINE_THRESHOLD = 0.80

DATASETS = ("ecbplus_dev", "ecbplus_train", "allsides", "basil", "singletons", "semeval")


def data_dir() -> Path:
    """``$NEWSWEAVE_SHARED_DATA`` or ``../shared/data`` next to the repository."""
    env = os.environ.get("NEWSWEAVE_SHARED_DATA")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "data"


# --------------------------------------------------------------------------- loading


def _parse_date(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt


def load_story_file(path: Path, split: str | None = None) -> tuple[list[StoryInput], list[str]]:
    docs: list[StoryInput] = []
    gold: list[str] = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            rec = json.loads(line)
            if split is not None and rec.get("split") != split:
                continue
            docs.append(
                StoryInput(
                    id=str(rec["id"]),
                    title=rec.get("title"),
                    text=rec.get("text") or "",
                    published=_parse_date(rec.get("date")),
                    source=rec.get("source"),
                )
            )
            gold.append(str(rec["story"]))
    return docs, gold


def singleton_mix(ecb_split: str = "dev") -> tuple[list[StoryInput], list[str], list[int]] | None:
    """AllSides + ECB+ ``ecb_split`` topics + one undated BASIL article per event.

    A real stream is full of events only one outlet covers; the story files
    hold none, so they cannot tell how often a lone article is wrongly put
    into another story. The BASIL articles (2010–2019 events, one each, dates
    removed like AllSides') are such true singletons. Returns docs, gold and
    the singletons' indices; None when a file is absent.
    """
    base = data_dir() / "stories"
    paths = [base / "allsides.jsonl", base / "ecbplus.jsonl", base / "basil.jsonl"]
    if not all(path.exists() for path in paths):
        return None
    docs, gold = load_story_file(paths[0])
    ecb_docs, ecb_gold = load_story_file(paths[1], ecb_split)
    docs += ecb_docs
    gold += ["ecb+" + g for g in ecb_gold]
    seen: set[str] = set()
    singles: list[int] = []
    for doc, story in zip(*load_story_file(paths[2])):
        if story not in seen:
            seen.add(story)
            singles.append(len(docs))
            docs.append(StoryInput(id=doc.id, title=doc.title, text=doc.text, published=None, source=doc.source))
            gold.append("basil" + story)
    return docs, gold, singles


def singletons_kept(pred: Sequence[str], singles: Sequence[int]) -> float:
    """Share of the true singletons the clustering left alone."""
    sizes = Counter(pred)
    return sum(1 for i in singles if sizes[pred[i]] == 1) / len(singles) if singles else float("nan")


def load_pairs(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# --------------------------------------------------------------------------- metrics


def metrics(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Pairwise (Miranda et al.) and BCubed P/R/F1, ARI, V-measure, cluster counts."""
    from sklearn.metrics import adjusted_rand_score, homogeneity_completeness_v_measure

    n = len(gold)
    joint = Counter(zip(gold, pred))
    g_sizes = Counter(gold)
    p_sizes = Counter(pred)
    pairs = lambda c: c * (c - 1) / 2  # noqa: E731
    tp = sum(pairs(c) for c in joint.values())
    pred_pairs = sum(pairs(c) for c in p_sizes.values())
    gold_pairs = sum(pairs(c) for c in g_sizes.values())
    pp = tp / pred_pairs if pred_pairs else 1.0
    pr = tp / gold_pairs if gold_pairs else 1.0
    pf = 2 * pp * pr / (pp + pr) if pp + pr else 0.0
    # BCubed
    bp = sum(c * c / p_sizes[p] for (g, p), c in joint.items()) / n if n else 0.0
    br = sum(c * c / g_sizes[g] for (g, p), c in joint.items()) / n if n else 0.0
    bf = 2 * bp * br / (bp + br) if bp + br else 0.0
    _, _, v = homogeneity_completeness_v_measure(gold, pred)
    return {
        "pairwise_p": pp,
        "pairwise_r": pr,
        "pairwise_f1": pf,
        "bcubed_p": bp,
        "bcubed_r": br,
        "bcubed_f1": bf,
        "ari": float(adjusted_rand_score(gold, pred)),
        "v_measure": float(v),
        "pred_stories": len(p_sizes),
        "gold_stories": len(g_sizes),
    }


# --------------------------------------------------------------------------- baseline


def _doc_text(d: StoryInput) -> str:
    return f"{d.title}\n{d.text}" if d.title else d.text


def baseline_tfidf(docs: Sequence[StoryInput], threshold: float = BASELINE_THRESHOLD) -> list[str]:
    """TF-IDF (sublinear, English stop words) + average-link agglomeration on cosine distance."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(docs) < 2:
        return ["0"] * len(docs)
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(
        [_doc_text(d) for d in docs]
    )
    model = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
    )
    labels = model.fit_predict(matrix.toarray())
    return [str(x) for x in labels]


# --------------------------------------------------------------------------- features (cached)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsweave" / "story_features"


def _cache_key(docs: Sequence[StoryInput], what: str) -> str:
    h = hashlib.sha256(f"{FEATURE_VERSION}|{what}".encode())
    for d in docs:
        h.update(b"\x00" + (d.title or "").encode() + b"\x01" + d.text.encode())
    return h.hexdigest()[:24]


def compute_features(
    docs: Sequence[StoryInput], embedding_model: str | None, use_cache: bool = True
) -> tuple[list[dict[str, Any]], dict[str, float]]:
    """Entities + embeddings per doc, with the time each took (cached on disk)."""
    from newsweave.enrich.embeddings import embeddings_available, encode
    from newsweave.enrich.entities import entities_for_texts

    timings: dict[str, float] = {}
    cache = _cache_dir()
    feats: list[dict[str, Any]] = [{"version": FEATURE_VERSION} for _ in docs]

    def cached(what: str, make):
        path = cache / f"{what}-{_cache_key(docs, what)}.json"
        if use_cache and path.exists():
            data = json.loads(path.read_text())
            return data["value"], data["seconds"], True
        t0 = time.perf_counter()
        value = make()
        seconds = time.perf_counter() - t0
        if use_cache:
            cache.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"value": value, "seconds": seconds}))
        return value, seconds, False

    ents, secs, _ = cached("entities"
, lambda: entities_for_texts([_doc_text(d) for d in docs]))
    timings["entities_s"] = secs
    timings["entities_per_s"] = len(docs) / secs if secs else float("inf")
    for f, e in zip(feats, ents):
        f.update(e)
    if embedding_model and embeddings_available(embedding_model):
        def make():
            vecs = encode([d.title for d in docs], [d.text for d in docs], name=embedding_model)
            return [[round(float(x), 5) for x in v] for v in vecs]

        vecs, secs, _ = cached(f"emb_{embedding_model}", make)
        timings[f"embed_{embedding_model}_s"] = secs
        timings[f"embed_{embedding_model}_per_s"] = len(docs) / secs if secs else float("inf")
        for f, v in zip(feats, vecs):
            f["embedding"] = v
            f["embedding_model"] = embedding_model
    return feats, timings


# --------------------------------------------------------------------------- runs


def _run_story_set(
    name: str, docs: list[StoryInput], gold: list[str], params: StoryParams, use_cache: bool,
    singles: Sequence[int] = (),
) -> dict[str, Any]:
    feats, timings = compute_features(docs, params.embedding_model, use_cache)
    t0 = time.perf_counter()
    assignments = cluster_stories(docs, params, feats)
    secs = time.perf_counter() - t0
    pred = [a.story_key for a in assignments]
    res: dict[str, Any] = {"dataset": name, "docs": len(docs)}
    res["newsweave"] = metrics(gold, pred)
    res["newsweave"]["cluster_s"] = secs
    res["newsweave"]["articles_per_s"] = len(docs) / secs if secs else float("inf")
    res["newsweave"]["merged_articles"] = sum(1 for a in assignments if a.reason.get("method") in ("merged", "attached"))
    res["features"] = timings
    if singles:
        res["newsweave"]["singletons_kept"] = singletons_kept(pred, singles)
        res["newsweave"]["singletons"] = len(singles)
    t0 = time.perf_counter()
    base = baseline_tfidf(docs)
    bsecs = time.perf_counter() - t0
    res["baseline_tfidf_avglink"] = metrics(gold, base)
    if singles:
        res["baseline_tfidf_avglink"]["singletons_kept"] = singletons_kept(base, singles)
    res["baseline_tfidf_avglink"]["cluster_s"] = bsecs
    res["baseline_tfidf_avglink"]["articles_per_s"] = len(docs) / bsecs if bsecs else float("inf")
    # lexical-only ablation (no embeddings): what works without the embed extra
    lex = StoryParams(**{**params.to_dict(), "embedding_model": None})
    lex_feats = [{k: v for k, v in f.items() if k != "embedding"} for f in feats]
    lex_pred = [a.story_key for a in cluster_stories(docs, lex, lex_feats)]
    res["newsweave_lexical"] = metrics(gold, lex_pred)
    return res


def _pearson(x: Sequence[float] | np.ndarray, y: Sequence[float]) -> float:
    if len(x) < 2:
        return float("nan")
    return float(np.corrcoef(np.asarray(x, float), np.asarray(y, float))[0, 1])


def _run_pairs(name: str, pairs: list[dict[str, Any]], params: StoryParams, use_cache: bool) -> dict[str, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    a = [StoryInput(f"{p.get('pair_id', i)}#1", None, p["text1"], None) for i, p in enumerate(pairs)]
    b = [StoryInput(f"{p.get('pair_id', i)}#2", None, p["text2"], None) for i, p in enumerate(pairs)]
    gold = [-float(p["overall"]) for p in pairs]
    feats, timings = compute_features(a + b, params.embedding_model, use_cache)
    t0 = time.perf_counter()
    scores = pair_scores(list(zip(a, b)), params, list(zip(feats[: len(a)], feats[len(a) :])))
    secs = time.perf_counter() - t0
    res: dict[str, Any] = {"dataset": name, "pairs": len(pairs), "features": timings}
    res["newsweave"] = {"pearson": _pearson(scores, gold), "pairs_per_s": len(pairs) / secs if secs else float("inf")}
    if params.similarity_weights and params.embedding_model:
        # the shipped similarity model was fitted on these pairs: its cross-validated figure is the honest one
        cv = (params.calibration.get("similarity") or {}).get("cv_pearson_5x10fold")
        if cv is not None:
            res["newsweave"]["pearson_cv"] = float(cv)
    else:
        # the log-odds is the model's linear score: report it too (Pearson is scale sensitive)
        logit = [math.log(max(s, 1e-9) / max(1 - s, 1e-9)) for s in scores]
        res["newsweave"]["pearson_logit"] = _pearson(logit, gold)
    lex = StoryParams(**{**params.to_dict(), "embedding_model": None})
    lexical = [{k: v for k, v in f.items() if k != "embedding"} for f in feats]
    lex_scores = pair_scores(list(zip(a, b)), lex, list(zip(lexical[: len(a)], lexical[len(a) :])))
    res["newsweave_lexical"] = {"pearson": _pearson(lex_scores, gold)}
    vec = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit([d.text for d in a + b])
    ma, mb = vec.transform([d.text for d in a]), vec.transform([d.text for d in b])
    tfidf_cos = np.asarray(ma.multiply(mb).sum(axis=1)).ravel()
    res["baseline_tfidf_cosine"] = {"pearson": _pearson(tfidf_cos, gold)}
    if feats and feats[0].get("embedding") is not None:
        ea = np.asarray([f["embedding"] for f in feats[: len(a)]])
        eb = np.asarray([f["embedding"] for f in feats[len(a) :]])
        res[f"embedding_{params.embedding_model}_cosine"] = {"pearson": _pearson((ea * eb).sum(axis=1), gold)}
    return res


def _sniff(path: Path) -> str:
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                rec = json.loads(line)
                return "pairs" if "text1" in rec and "text2" in rec else "stories"
    return "stories"


def run(
    datasets: Sequence[str] | None = None,
    data: str | Path | None = None,
    params: StoryParams | None = None,
    growth_sizes: Sequence[int] | None = None,
    use_cache: bool = True,
) -> dict[str, Any]:
    """Run the benchmark; returns ``{"datasets": {...}, "skipped": [...], "growth": ...}``."""
    params = params or StoryParams.load()
    out: dict[str, Any] = {"params": {"embedding_model": params.embedding_model, "threshold": params.threshold,
                                      "merge_threshold": params.merge_threshold}, "datasets": {}, "skipped": []}
    if data is not None:
        path = Path(data)
        name = path.stem
        if _sniff(path) == "pairs":
            out["datasets"][name] = _run_pairs(name, load_pairs(path), params, use_cache)
        else:
            docs, gold = load_story_file(path)
            out["datasets"][name] = _run_story_set(name, docs, gold, params, use_cache)
    else:
        base = data_dir()
        wanted = list(datasets or DATASETS)
        files = {
            "ecbplus_dev": (base / "stories" / "ecbplus.jsonl", "dev"),
            "ecbplus_train": (base / "stories" / "ecbplus.jsonl", "train"),
            "allsides": (base / "stories" / "allsides.jsonl", None),
            "basil": (base / "stories" / "basil.jsonl", None),
            "singletons": (base / "stories", None),
            "semeval": (base / "similarity" / "semeval2022_en.jsonl", None),
        }
        for name in wanted:
            if name not in files:
                raise ValueError(f"unknown dataset {name!r}: choose from {', '.join(DATASETS)}")
            path, split = files[name]
            if not path.exists():
                out["skipped"].append(f"{name}: {path} not found")
                continue
            if name == "semeval":
                out["datasets"][name] = _run_pairs(name, load_pairs(path), params, use_cache)
            elif name == "singletons":
                mix = singleton_mix("dev")
                if mix is None:
                    out["skipped"].append(f"{name}: a story file under {base / 'stories'} is missing")
                    continue
                docs, gold, singles = mix
                out["datasets"][name] = _run_story_set(name, docs, gold, params, use_cache, singles)
            else:
                docs, gold = load_story_file(path, split)
                out["datasets"][name] = _run_story_set(name, docs, gold, params, use_cache)
    if growth_sizes:
        out["growth"] = growth(growth_sizes, params)
    return out


# --------------------------------------------------------------------------- growth


def generate_articles(n: int, seed: int = 7, with_gold: bool = False) -> Any:
    """Synthetic stream: ~n/4 stories over ~n/100 days, Zipfian background words."""
    rng = np.random.default_rng(seed)
    vocab_size = 50_000
    vocab = [f"w{i:05d}x" for i in range(vocab_size)]
    ranks = np.arange(1, vocab_size + 1)
    zipf = 1.0 / ranks**1.05
    zipf /= zipf.sum()
    n_stories = max(1, n // 4)
    days = max(1.0, n / 100.0)
    story_words = rng.integers(1000, vocab_size, size=(n_stories, 12))
    story_day = rng.uniform(0, days, size=n_stories)
    story_of = rng.integers(0, n_stories, size=n)
    t0 = datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp()
    background = rng.choice(vocab_size, size=(n, 110), p=zipf)
    specific = rng.integers(0, 12, size=(n, 30))
    docs = []
    for i in range(n):
        s = story_of[i]
        words = [vocab[w] for w in background[i]] + [vocab[story_words[s, k]] for k in specific[i]]
        rng.shuffle(words)
        title = " ".join(vocab[story_words[s, k]] for k in specific[i, :6])
        pub = t0 + (story_day[s] + rng.uniform(0, 2)) * 86400
        docs.append(StoryInput(f"g{i}", title, " ".join(words), datetime.fromtimestamp(pub, tz=timezone.utc)))
    if with_gold:
        return docs, [f"s{s}" for s in story_of.tolist()]
    return docs


_GROWTH_CHILD = r"""
import json, sys, time

from newsweave.bench.memory import current_rss_mb, peak_rss_mb
from newsweave.bench.stories import generate_articles, metrics
from newsweave.group.stories import StoryParams, cluster_stories
n = int(sys.argv[1])
docs, gold = generate_articles(n, with_gold=True)
rss0 = current_rss_mb()
params = StoryParams.load(embedding_model=None)
t0 = time.perf_counter()
res = cluster_stories(docs, params, None)
secs = time.perf_counter() - t0
peak = peak_rss_mb()
m = metrics(gold, [a.story_key for a in res])
print(json.dumps({"articles": n, "seconds": secs, "articles_per_s": n / secs, "stories": m["pred_stories"],
                  "gold_stories": m["gold_stories"], "pairwise_f1": m["pairwise_f1"],
                  "peak_rss_mb": peak, "rss_before_mb": rss0}))
"""


def growth(sizes: Sequence[int] = (1_000, 10_000, 100_000), params: StoryParams | None = None) -> list[dict[str, Any]]:
    """Time and peak memory to cluster generated articles (one fresh process per size)."""
    out = []
    for n in sizes:
        proc = subprocess.run(
            [sys.executable, "-c", _GROWTH_CHILD, str(n)], capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            out.append({"articles": n, "error": proc.stderr.strip().splitlines()[-1:] or ["failed"]})
            continue
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return out


# --------------------------------------------------------------------------- rendering


def render(result: dict[str, Any], console: Any = None) -> None:
    """Print the figures as rich tables."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    p = result.get("params", {})
    console.print(f"newsweave story clustering — embeddings: {p.get('embedding_model')}, threshold {p.get('threshold')}, "
                  f"merge {p.get('merge_threshold')}")
    table = Table(title="Story clustering (pairwise = Miranda et al. 2018)")
    columns = ("dataset", "system", "pair P", "pair R", "pair F1", "B³ P", "B³ R", "B³ F1", "ARI", "V",
               "stories pred/gold", "art/s")
    for col in columns:
        table.add_column(col, justify="right" if col not in ("dataset", "system") else "left")
    for name, res in result["datasets"].items():
        if "pairs" in res:
            continue
        for system in ("newsweave", "newsweave_lexical", "baseline_tfidf_avglink"):
            m = res.get(system)
            if not m:
                continue
            table.add_row(
                name, system,
                *(f"{m[k]:.3f}" for k in ("pairwise_p", "pairwise_r", "pairwise_f1", "bcubed_p", "bcubed_r", "bcubed_f1",
                                          "ari", "v_measure")),
                f"{m['pred_stories']}/{m['gold_stories']}",
                f"{m['articles_per_s']:.0f}" if "articles_per_s" in m else "",
            )
    console.print(table)
    for name, res in result["datasets"].items():
        for system in ("newsweave", "baseline_tfidf_avglink"):
            m = res.get(system) or {}
            if "singletons_kept" in m:
                console.print(f"{name}: {system} left {m['singletons_kept']:.0%} of the {res['newsweave']['singletons']} "
                              "true single-article stories alone")
    for name, res in result["datasets"].items():
        if "pairs" not in res:
            continue
        pt = Table(title=f"{name}: Pearson with −overall ({res['pairs']} pairs)")
        pt.add_column("system")
        pt.add_column("Pearson", justify="right")
        for system, m in res.items():
            if isinstance(m, dict) and "pearson" in m:
                pt.add_row(system, f"{m['pearson']:.3f}")
                if "pearson_logit" in m:
                    pt.add_row(system + " (log-odds)", f"{m['pearson_logit']:.3f}")
                if "pearson_cv" in m:
                    pt.add_row(system + " (5×10-fold cross-validated fit)", f"{m['pearson_cv']:.3f}")
        console.print(pt)
    ft = Table(title="Feature extraction (excluded from clustering throughput)")
    ft.add_column("dataset")
    ft.add_column("stage")
    ft.add_column("seconds", justify="right")
    ft.add_column("articles/s", justify="right")
    for name, res in result["datasets"].items():
        for key, value in res.get("features", {}).items():
            if key.endswith("_s") and not key.endswith("per_s"):
                rate = res["features"].get(key[:-2] + "_per_s", 0)
                ft.add_row(name, key[:-2], f"{value:.1f}", f"{rate:.0f}")
    console.print(ft)
    if result.get("growth"):
        gt = Table(title="Growth: clustering generated articles (no entities/embeddings)")
        for col in ("articles", "seconds", "articles/s", "stories pred/gold", "pair F1", "peak RSS MB", "RSS before MB"):
            gt.add_column(col, justify="right")
        for g in result["growth"]:
            if "error" in g:
                gt.add_row(str(g["articles"]), "error", str(g["error"]), "", "", "", "")
                continue
            gt.add_row(str(g["articles"]), f"{g['seconds']:.1f}", f"{g['articles_per_s']:.0f}",
                       f"{g['stories']}/{g.get('gold_stories', '?')}", f"{g.get('pairwise_f1', float('nan')):.3f}",
                       f"{g['peak_rss_mb']:.0f}", f"{g['rss_before_mb']:.0f}")
        console.print(gt)
    for s in result.get("skipped", []):
        console.print(f"skipped {s}")
