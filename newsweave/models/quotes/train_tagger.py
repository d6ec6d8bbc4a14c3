"""Train the attribution-role CRF (``newsweave/models/quotes/tagger.crfsuite``) on PolNeAR train.

    python -m newsweave.models.quotes.train_tagger [--train FILE] [--heldout N] [--eval FILE]
        [--c1 C1] [--c2 C2] [--iterations N] [--min-freq N] [--out PATH] [--processes N]

Runs the rule extractor over every train article once: its parse (the
sentences it parses, each masked quotation one token) gives the tagger's
tokens, its output the stacking features. Both are cached under
``~/.cache/newsweave/quotes_tagger/``, keyed by the data and the rules' code,
so later runs skip the parsing (~1.5 min on 2 cores). Gold roles become BIO
labels per token (``C-CON`` starts a further piece of an interrupted
content). ``--heldout N`` keeps the last N train articles out of training
and scores the shipped pipeline with the new model on them beside the rules
alone, with the benchmark's scorer; ``--eval FILE`` does the same on another
PolNeAR-format file (dev: for reporting only, never for choosing).
Deterministic: fixed order, L-BFGS with a fixed iteration count.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing as mp
import pickle
import sys
import time
from pathlib import Path
from typing import Any

from newsweave.bench.quotes import default_data_path, gold_attributions, gold_roles, load, score_article, summarise
from newsweave.enrich.quotes.extract import Tok
from newsweave.enrich.quotes.roles import ROLES, roles_of
from newsweave.enrich.quotes.tagger import MODEL_PATH, bio, features, owners, rule_labels

CACHE = Path.home() / ".cache" / "newsweave" / "quotes_tagger"


def _prepare(text: str) -> dict[str, Any]:
    """Run the rules (their parse gives the tagger's tokens): what training and evaluation need of one article."""
    from newsweave.enrich.quotes import _nlp
    from newsweave.enrich.quotes.extract import analyse_structure
    from newsweave.enrich.quotes.people import assemble

    parsed = analyse_structure(text, _nlp())
    quotes, _, _ = assemble(parsed, "")
    return {
        "paragraphs": parsed.paragraphs, "regions": parsed.regions, "direct": parsed.direct,
        "toks": parsed.tokens, "rules": roles_of(text, quotes),
    }


def prepared(path: Path, processes: int = 2) -> list[dict[str, Any]]:
    """:func:`_prepare` over every record of ``path``, cached by content hash (of the data and of the rules' code)."""
    h = hashlib.sha256(path.read_bytes())
    rules_dir = Path(__file__).resolve().parents[2] / "enrich" / "quotes"
    for code in sorted([*rules_dir.glob("*.py"), *rules_dir.glob("*.json")]):
        h.update(code.read_bytes())  # the rules' output is part of what is cached
    cache = CACHE / f"{path.stem}-{h.hexdigest()[:16]}.pkl"
    if cache.exists():
        with cache.open("rb") as fh:
            return pickle.load(fh)
    texts = [r["text"] for r in load(path)]
    t0 = time.perf_counter()
    if processes > 1:
        with mp.get_context("fork").Pool(processes) as pool:
            out = pool.map(_prepare, texts, chunksize=4)
    else:
        out = [_prepare(t) for t in texts]
    print(f"parsed {len(texts)} articles in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    CACHE.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as fh:
        pickle.dump(out, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return out


def gold_labels(text: str, rec: dict[str, Any], toks_per_para: list[list[Tok]]) -> list[list[str]]:
    """Gold BIO labels per paragraph; attributions claim characters in order, the first claim wins."""
    gold = gold_attributions(text, rec)
    own = owners((ai, role, chars) for ai, att in enumerate(gold) for role, chars in att.items())
    return [bio(toks, own) for toks in toks_per_para]


def sequences(recs: list[dict[str, Any]], preps: list[dict[str, Any]]):
    """(features, gold labels) per paragraph with parsed tokens."""
    for rec, prep in zip(recs, preps):
        gold = gold_labels(rec["text"], rec, prep["toks"])
        rl = rule_labels(prep["rules"], prep["toks"])
        for pi, toks in enumerate(prep["toks"]):
            if toks:
                yield features(toks, prep["regions"], prep["direct"], rl[pi]), gold[pi]


def train(recs, preps, out: Path, *, c1: float, c2: float, iterations: int, min_freq: int) -> float:
    """Fit the CRF (L-BFGS, elastic net) and write it to ``out``; returns the seconds it took."""
    import pycrfsuite

    t0 = time.perf_counter()
    trainer = pycrfsuite.Trainer(verbose=False)
    for xseq, yseq in sequences(recs, preps):
        trainer.append(xseq, yseq)
    trainer.set_params({
        "c1": c1, "c2": c2, "max_iterations": iterations, "feature.minfreq": min_freq,
        "feature.possible_transitions": True,
    })
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    return time.perf_counter() - t0


def evaluate(recs: list[dict[str, Any]], model: Path) -> dict[str, Any]:
    """The shipped pipeline with this model beside the rules alone, scored like ``bench quotes``."""
    from newsweave.enrich.quotes import _nlp, with_tagger
    from newsweave.enrich.quotes.extract import analyse_structure
    from newsweave.enrich.quotes.people import assemble

    nlp = _nlp()
    counts, rule_counts = [], []
    for rec in recs:
        text = rec["text"]
        gold = gold_roles(text, rec)
        parsed = analyse_structure(text, nlp)
        rules = assemble(parsed, "")
        rule_counts.append(score_article(text, roles_of(text, rules[0]), gold))
        quotes, _, _ = with_tagger(parsed, rules, model)
        counts.append(score_article(text, roles_of(text, quotes), gold))
    return {"tagger": summarise(counts), "rules": summarise(rule_counts)}


def _table(name: str, s: dict[str, Any]) -> str:
    return "".join(
        f"{name:<7} {r:<8} exact P/R/F1 {s[r]['exact']['p']:5.1f} {s[r]['exact']['r']:5.1f} {s[r]['exact']['f1']:5.1f}"
        f"  overlap F1 {s[r]['overlap']['f1']:5.1f}\n" for r in ROLES
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m newsweave.models.quotes.train_tagger", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("--train", default=str(default_data_path("train")))
    ap.add_argument("--heldout", type=int, default=0, help="keep the last N articles out and score on them")
    ap.add_argument("--eval", default=None, help="also score on this PolNeAR-format file (reporting only)")
    ap.add_argument("--c1", type=float, default=3.0, help="L1 weight (high: a small model that generalises)")
    ap.add_argument("--c2", type=float, default=1.0)
    ap.add_argument("--iterations", type=int, default=150)
    ap.add_argument("--min-freq", type=int, default=2)
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--processes", type=int, default=2)
    args = ap.parse_args(argv)
    path = Path(args.train)
    recs = load(path)
    preps = prepared(path, args.processes)
    n_train = len(recs) - args.heldout
    out = Path(args.out)
    secs = train(recs[:n_train], preps[:n_train], out, c1=args.c1, c2=args.c2, iterations=args.iterations,
                 min_freq=args.min_freq)
    print(f"trained on {n_train} articles in {secs:.0f}s -> {out} ({out.stat().st_size / 1e6:.2f} MB)")
    for name, sample in ((f"held-out train ({args.heldout} articles)", recs[n_train:]),
                         (args.eval, load(Path(args.eval)) if args.eval else [])):
        if sample:
            res = evaluate(sample, out)
            print(f"{name}:\n" + _table("tagger", res["tagger"]) + _table("rules", res["rules"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
