"""Calibrate the story clusterer on the training files; writes the record ``params.json``.

The values found become the clusterer's settings once they are copied into the defaults of
``StoryParams`` (``newsweave/group/stories/params.py``, the one source of truth);
``tests/test_story_params.py`` fails until the defaults and the record agree.

Run from the repository root (needs ../shared/data and the ``embed`` extra)::

    python -m newsweave.models.stories.calibrate [--out newsweave/models/stories/params.json]

Training data: ECB+ *train* topics (dev topics 2, 5, 12, 18, 21, 23, 34, 35 are
never used here), AllSides (even roundups, as given) and BASIL (as given).

1. **Weights.** Each training set is streamed in arrival order with the gold
   stories built up as it goes ("teacher forcing"); every article is scored
   against the candidate stories the index returns, exactly as at run time,
   and a logistic regression learns the feature weights from (article,
   candidate story, same story?) examples — one model with embeddings, one
   lexical-only model for installs without the ``embed`` extra.
2. **Thresholds.** The join and merge thresholds are grid-searched by
   running the real clusterer and maximising the mean pairwise F1 over the
   training sets (terms seen in one article of a batch are dropped:
   ``--min-df 2``, +0.015 ECB+ train, +0.009 AllSides); then the merge
   threshold and the lower bar at which a lone article joins its best story
   (``attach_threshold``) are searched together at the chosen join threshold,
   among the bars that leave true single-article stories alone about as often
   as no attach step does (``singleton_guard``: the training files hold none).
3. **Pair similarity** (``pair_scores``): a ridge model of the SemEval-2022
   "overall" score over MiniLM cosine and √(TF-IDF cosine), fitted on the 161
   English pairs; its 5×10-fold cross-validated Pearson is stored beside it.
   ``--similarity-only`` refits just this part in an existing params file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import replace
from typing import Any

import numpy as np

from newsweave.group.stories import FEATURES, PARAMS_PATH, StoryClusterer, StoryParams, cluster_stories, stream_order

LEXICAL_FEATURES = tuple(f for f in FEATURES if f != "emb")
CONFLICTS = ("person_conflict", "place_conflict", "year_conflict")


def training_sets(embedding_model: str | None) -> dict[str, tuple[list, list, list]]:
    from newsweave.bench.stories import compute_features, data_dir, load_story_file

    base = data_dir() / "stories"
    sets = {}
    for name, file, split in (
        ("ecbplus_train", "ecbplus.jsonl", "train"),
        ("allsides", "allsides.jsonl", None),
        ("basil", "basil.jsonl", None),
    ):
        path = base / file
        if not path.exists():
            print(f"skip {name}: {path} missing", file=sys.stderr)
            continue
        docs, gold = load_story_file(path, split)
        feats, _ = compute_features(docs, embedding_model)
        sets[name] = (docs, gold, feats)
    return sets


#: (features, label, has_emb), one each per example
Examples = tuple[list[dict[str, float]], list[int], list[bool]]


def teacher_forced_examples(
    docs: list, gold: list[str], feats: list[dict], params: StoryParams
) -> tuple[Examples, Examples]:
    """(features, label, has_emb) for every (article, candidate story) the index proposes, and
    the same for every (article, member of a candidate story) pair."""
    c = StoryClusterer(params)
    if params.prefit_idf:
        c.fit_idf(docs)
    story_of_gold: dict[str, int] = {}
    X, y, E = [], [], []
    PX, Py, PE = [], [], []
    recall_hits = recall_total = 0
    for i in stream_order(docs):
        d = c._prepare(docs[i], feats[i])
        idx = len(c._docs)
        c._docs.append(d)
        g = gold[i]
        cands = c._candidates(d)
        for s in cands:
            st = c.stories[s]
            X.append(c._features(d, st))
            y.append(int(story_of_gold.get(g) == s))
            E.append(d.emb is not None and st.emb is not None)
            for m in st.members[-params.max_members :]:
                PX.append(c._pair_features(d, m))
                Py.append(int(story_of_gold.get(g) == s))
                PE.append(d.emb is not None and c._docs[m].emb is not None)
        if g in story_of_gold:
            recall_total += 1
            recall_hits += int(story_of_gold[g] in cands)
            st = c.stories[story_of_gold[g]]
            c._absorb(st, idx, d)
        else:
            st = c._new_story(idx, d)
            story_of_gold[g] = st.idx
        c._doc_story.append(st.idx)
    print(f"  candidate recall {recall_hits}/{recall_total}", file=sys.stderr)
    return (X, y, E), (PX, Py, PE)


def fit_weights(X: list[dict[str, float]], y: list[int], names: tuple[str, ...], C: float = 1.0) -> dict[str, float]:
    from sklearn.linear_model import LogisticRegression

    A = np.asarray([[x.get(n, 0.0) for n in names] for x in X])
    model = LogisticRegression(C=C, max_iter=2000, class_weight=None)
    model.fit(A, np.asarray(y))
    w = {n: round(float(v), 4) for n, v in zip(names, model.coef_[0])}
    w["bias"] = round(float(model.intercept_[0]), 4)
    # sign constraint: a mismatch of when/where/who may only count against a match
    for n in CONFLICTS:
        if n in w and w[n] > 0:
            w[n] = 0.0
    return w


SIMILARITY_FEATURES = ("emb", "terms_sqrt")


def similarity_examples(embedding_model: str = "minilm", min_df: int = 1) -> tuple[list[dict[str, float]], list[float]]:
    """Pair features and gold (−overall) of the SemEval-2022 English pairs."""
    from newsweave.bench.stories import compute_features, data_dir, load_pairs
    from newsweave.group.stories import StoryInput

    path = data_dir() / "similarity" / "semeval2022_en.jsonl"
    if not path.exists():
        return [], []
    pairs = load_pairs(path)
    a = [StoryInput(f"{p.get('pair_id', i)}#1", None, p["text1"], None) for i, p in enumerate(pairs)]
    b = [StoryInput(f"{p.get('pair_id', i)}#2", None, p["text2"], None) for i, p in enumerate(pairs)]
    feats, _ = compute_features(a + b, embedding_model)
    c = StoryClusterer(StoryParams(embedding_model=embedding_model, min_df=min_df))
    c.fit_idf(a + b)
    X = []
    for i in range(len(a)):
        da = c._prepare(a[i], feats[i])
        db = c._prepare(b[i], feats[len(a) + i])
        c._docs = [da]
        c._shadows = {}
        f = c._features(db, c._shadow(0))
        f["terms_sqrt"] = float(np.sqrt(max(f.get("terms", 0.0), 0.0)))
        X.append(f)
    return X, [-float(p["overall"]) for p in pairs]


def fit_similarity(
    X: list[dict[str, float]], y: list[float], names: tuple[str, ...] = SIMILARITY_FEATURES, alpha: float = 0.3
) -> tuple[dict[str, float], dict[str, Any]]:
    """Ridge model of −overall; returns (weights, report with 5×10-fold cross-validated Pearson)."""
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import KFold, cross_val_predict

    A = np.asarray([[x.get(n, 0.0) for n in names] for x in X])
    t = np.asarray(y)
    cv = []
    for seed in range(5):
        pred = cross_val_predict(Ridge(alpha=alpha), A, t, cv=KFold(10, shuffle=True, random_state=seed))
        cv.append(float(np.corrcoef(pred, t)[0, 1]))
    model = Ridge(alpha=alpha).fit(A, t)
    w = {n: round(float(v), 4) for n, v in zip(names, model.coef_)}
    w["bias"] = round(float(model.intercept_), 4)
    report = {
        "data": "SemEval-2022 Task 8 en-en pairs (../shared/data/similarity), target -overall",
        "pairs": len(y),
        "features": list(names),
        "cv_pearson_5x10fold": round(float(np.mean(cv)), 4),
        "train_pearson": round(float(np.corrcoef(model.predict(A), t)[0, 1]), 4),
    }
    return w, report


def pairwise_f1(gold: list[str], pred: list[str]) -> float:
    from newsweave.bench.stories import metrics

    return metrics(gold, pred)["pairwise_f1"]


def evaluate(params: StoryParams, sets: dict, lexical: bool = False) -> dict[str, float]:
    out = {}
    for name, (docs, gold, feats) in sets.items():
        if lexical:
            feats = [{k: v for k, v in f.items() if k != "embedding"} for f in feats]
        pred = [a.story_key for a in cluster_stories(docs, params, feats)]
        out[name] = pairwise_f1(gold, pred)
    return out


# The training files hold no single-article stories, so on them a lower attach bar only ever helps;
# in a real stream it also pulls events one outlet alone covers into other stories. A bar is allowed
# only while it keeps this share of true singletons alone, at most, fewer than no attach step does.
MAX_SINGLETON_LOSS = 0.05


def singleton_guard(embedding_model: str | None):
    """``params -> share of true singletons left alone`` on AllSides + ECB+ train + lone BASIL articles."""
    from newsweave.bench.stories import compute_features, singleton_mix, singletons_kept

    mix = singleton_mix("train")
    if mix is None:
        return None
    docs, _gold, singles = mix
    feats, _ = compute_features(docs, embedding_model)

    shares: dict[tuple[float, float, bool, float], float] = {}  # the search asks again for bars it has scored

    def kept(params: StoryParams) -> float:
        key = (params.threshold, params.merge_threshold, params.merge, params.attach_threshold)
        if key not in shares:
            shares[key] = singletons_kept([a.story_key for a in cluster_stories(docs, params, feats)], singles)
            print(f"  attach {params.attach_threshold:.2f} merge {params.merge_threshold:.2f}: "
                  f"{shares[key]:.1%} singletons kept", file=sys.stderr)
        return shares[key]

    return kept


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=str(PARAMS_PATH))
    ap.add_argument("--embedding-model", default="minilm")
    ap.add_argument("--link", default="average", choices=("average", "centroid"))
    ap.add_argument("--thresholds", type=float, nargs="+", default=[0.5, 0.6, 0.65, 0.7, 0.8])
    ap.add_argument("--merge-thresholds", type=float, nargs="+", default=[0.4, 0.45, 0.5, 1.01])
    ap.add_argument("--attach-thresholds", type=float, nargs="+", default=[0.1, 0.15, 0.2, 0.3])
    ap.add_argument("--min-df", type=int, default=2, help="Drop terms in fewer documents of the batch (pre-fitted IDF).")
    ap.add_argument("--similarity-only", action="store_true", help="Refit only the pair-similarity model (SemEval) in --out.")
    args = ap.parse_args(argv)
    model = None if args.embedding_model == "none" else args.embedding_model
    min_df = StoryParams.load(args.out).min_df if args.similarity_only else args.min_df
    sim_X, sim_y = similarity_examples(model, min_df) if model else ([], [])
    sim_weights, sim_report = fit_similarity(sim_X, sim_y) if sim_X else (None, {})
    if sim_report:
        print("similarity", json.dumps(sim_weights), json.dumps(sim_report), file=sys.stderr)
    if args.similarity_only:
        current = StoryParams.load(args.out)
        cal = dict(current.calibration)
        cal["similarity"] = sim_report
        replace(current, similarity_weights=sim_weights, calibration=cal).save(args.out)
        print(f"wrote {args.out}: similarity model only", file=sys.stderr)
        return 0
    base = StoryParams(embedding_model=model, link=args.link, min_df=args.min_df)
    sets = training_sets(model)
    params, examples = fit_all_weights(base, sets, model)  # 1. weights
    mean, params, scores, kept = search_thresholds(params, sets, args, model)  # 2. thresholds
    lex_scores = evaluate(params, sets, lexical=True)  # the lexical model's scores are reported
    params = replace(
        params,
        calibration={
            "data": "ECB+ train topics, AllSides (even roundups), BASIL — ../shared/data/stories",
            "objective": "mean pairwise F1 over the training sets",
            "train_pairwise_f1": {k: round(v, 4) for k, v in scores.items()},
            "train_pairwise_f1_lexical": {k: round(v, 4) for k, v in lex_scores.items()},
            "examples": examples,
            "singletons_kept_train": round(kept(params), 4) if kept else None,
            "similarity": sim_report,
        },
        similarity_weights=sim_weights,
    )
    params.save(args.out)
    print(f"wrote {args.out}: threshold {params.threshold}, merge {params.merge_threshold}, mean F1 {mean:.4f}", file=sys.stderr)
    print("copy the values into the StoryParams defaults (newsweave/group/stories/params.py)", file=sys.stderr)
    return 0


def fit_all_weights(base: StoryParams, sets: dict, model: str | None) -> tuple[StoryParams, int]:
    """``base`` with the four weight sets fitted on teacher-forced examples; and how many examples."""
    X, y, E = [], [], []
    PX, Py, PE = [], [], []
    for name, (docs, gold, feats) in sets.items():
        print(f"examples from {name}", file=sys.stderr)
        (xs, ys, es), (pxs, pys, pes) = teacher_forced_examples(docs, gold, feats, base)
        X += xs
        y += ys
        E += es
        PX += pxs
        Py += pys
        PE += pes
    print(f"{len(X)} examples, {sum(y)} positive", file=sys.stderr)
    lex_X = [{k: v for k, v in x.items() if k != "emb"} for x in X]
    weights_lexical = fit_weights(lex_X, y, LEXICAL_FEATURES)
    weights = dict(weights_lexical)
    if model and any(E):
        Xe = [x for x, e in zip(X, E) if e]
        ye = [v for v, e in zip(y, E) if e]
        weights = fit_weights(Xe, ye, FEATURES)
    print("weights", json.dumps(weights), file=sys.stderr)
    print("weights_lexical", json.dumps(weights_lexical), file=sys.stderr)
    pair_weights_lexical = fit_weights([{k: v for k, v in x.items() if k != "emb"} for x in PX], Py, LEXICAL_FEATURES)
    pair_weights = dict(pair_weights_lexical)
    if model and any(PE):
        pair_weights = fit_weights([x for x, e in zip(PX, PE) if e], [v for v, e in zip(Py, PE) if e], FEATURES)
    print("pair_weights", json.dumps(pair_weights), file=sys.stderr)
    print("pair_weights_lexical", json.dumps(pair_weights_lexical), file=sys.stderr)
    params = replace(
        base,
        weights=weights,
        weights_lexical=weights_lexical,
        pair_weights=pair_weights,
        pair_weights_lexical=pair_weights_lexical,
    )
    return params, len(X)


def search_thresholds(params: StoryParams, sets: dict, args: argparse.Namespace,
                      model: str | None) -> tuple[float, StoryParams, dict, Any]:
    """The join and merge thresholds, then merge and attach bars together under the singleton guard.

    Returns (mean F1, best params, their scores per set, the guard or None).
    """
    best: tuple[float, Any, dict] | None = None

    def search(trials: list[tuple[float, float, float]]) -> None:
        nonlocal best
        for thr, mthr, athr in trials:
            trial = replace(params, threshold=thr, merge_threshold=mthr, merge=mthr <= 1.0, attach_threshold=athr)
            scores = evaluate(trial, sets)
            mean = float(np.mean(list(scores.values())))
            rounded = json.dumps({k: round(v, 4) for k, v in scores.items()})
            print(f"  thr {thr:.2f} merge {mthr:.2f} attach {athr:.2f}: mean {mean:.4f} {rounded}", file=sys.stderr)
            if best is None or mean > best[0]:
                best = (mean, trial, scores)

    search([(t, m, 1.01) for t, m in itertools.product(args.thresholds, args.merge_thresholds)])
    assert best is not None
    thr = best[1].threshold
    kept = singleton_guard(model)
    floor = kept(best[1]) - MAX_SINGLETON_LOSS if kept else 0.0
    search([
        (thr, m, a) for m, a in itertools.product(args.merge_thresholds, args.attach_thresholds)
        if m <= 1.0 and a <= 1.0
        and (not kept or kept(replace(params, threshold=thr, merge_threshold=m, attach_threshold=a)) >= floor)
    ])
    mean, best_params, scores = best
    return mean, best_params, scores, kept


if __name__ == "__main__":
    raise SystemExit(main())
