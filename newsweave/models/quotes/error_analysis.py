"""Error analysis of the quote extractor on PolNeAR *train* (never tune on dev).

    python -m newsweave.models.quotes.error_analysis [TRAIN_JSONL] [--limit N] [--processes 2] [--top 25]
        [--examples BUCKET]

Runs :func:`newsweave.enrich.quotes.extract_quotes` over the file, pairs each
gold attribution with the predicted one whose content shares most words with
it, and buckets what differs:

* ``boundary``: per role, the text the prediction has in excess or lacks at the
  left / right edge ("content R-missing ." = the gold content ends in a period
  the prediction leaves out; "source L-excess the"), normalised so that
  conventions add up (long differences become ``<N words>``);
* ``missed``: gold attributions with no overlapping prediction, by gold cue
  word (and whether the content is a quotation);
* ``spurious``: predictions overlapping no gold attribution, by cue word;
* ``no_source`` / ``no_cue``: paired, but one role absent on one side.

Prints counts, largest first; ``--examples`` prints instances of one bucket.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path
from typing import Any

from newsweave.bench.quotes import default_data_path, gold_attributions
from newsweave.enrich.quotes.roles import ROLES, quote_roles, roles_of

_WORD = re.compile(r"\w+")


def _pred_atts(text: str, analysis: Any) -> list[dict[str, frozenset[int]]]:
    out = []
    for q in analysis.quotes:
        d = quote_roles(text, q)
        d["_kind"] = q.kind
        out.append(d)
    return out


def _norm(s: str) -> str:
    s = " ".join(s.split())
    words = _WORD.findall(s)
    if len(words) > 3:
        return f"<{'4-9' if len(words) < 10 else '10+'} words, first '{words[0].lower()}'>"
    return s.lower()


def _edge_diff(text: str, pred: frozenset[int], gold: frozenset[int]) -> list[str]:
    """Keys describing how pred differs from gold at the left and right edges."""
    keys = []
    ps, pe = min(pred), max(pred) + 1
    gs, ge = min(gold), max(gold) + 1
    if ps < gs:
        keys.append("L-excess " + _norm(text[ps:gs]))
    elif gs < ps:
        keys.append("L-missing " + _norm(text[gs:ps]))
    if pe > ge:
        keys.append("R-excess " + _norm(text[ge:pe]))
    elif ge > pe:
        keys.append("R-missing " + _norm(text[pe:ge]))
    if not keys:
        keys.append("inner gap")
    return keys


def _words(text: str, chars: frozenset[int]) -> set[int]:
    return {m.start() for m in _WORD.finditer(text) if any(i in chars for i in range(m.start(), m.end()))}


def _span_text(text: str, chars: frozenset[int] | None) -> str:
    if not chars:
        return "-"
    return " ".join(text[min(chars) : max(chars) + 1].split())[:160]


def analyse(recs: list[dict[str, Any]], analyses: list[Any]) -> dict[str, Any]:
    buckets: dict[str, collections.Counter[str]] = {
        "boundary": collections.Counter(), "missed": collections.Counter(), "spurious": collections.Counter(),
        "role_absent": collections.Counter(), "missed_lexicon": collections.Counter(),
    }
    from newsweave.enrich.quotes.lexicon import cue_forms

    forms = cue_forms()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    totals: collections.Counter[str] = collections.Counter()
    for rec, an in zip(recs, analyses):
        text = rec["text"]
        gold = gold_attributions(text, rec)
        pred = _pred_atts(text, an) if an is not None else []
        gw = [_words(text, g.get("content", frozenset())) for g in gold]
        pw = [_words(text, p.get("content", frozenset())) for p in pred]
        pairs = []
        for pi, a in enumerate(pw):
            for gi, b in enumerate(gw):
                n = len(a & b)
                if n:
                    pairs.append((n / len(a | b), pi, gi))
        pairs.sort(reverse=True)
        up: dict[int, int] = {}
        ug: dict[int, int] = {}
        for _, pi, gi in pairs:
            if pi in up or gi in ug:
                continue
            up[pi] = gi
            ug[gi] = pi
        for gi, g in enumerate(gold):
            totals["gold"] += 1
            if gi not in ug:
                cue = _span_text(text, g.get("cue")).lower()
                quoted = any(text[i] in "“”\"" for i in g.get("content", ()))
                key = f"{'direct' if quoted else 'indirect'} cue={cue[:30]}"
                buckets["missed"][key] += 1
                cw = _WORD.findall(cue)
                lex = "no cue" if not cw else ("in lexicon" if any(w in forms for w in cw) else "not in lexicon")
                lk = f"{'direct' if quoted else 'indirect'} cue {lex}"
                buckets["missed_lexicon"][lk] += 1
                examples[lk].append(examples["missed " + key][-1] if examples["missed " + key] else key)
                examples["missed " + key].append(
                    f"{rec['id']}: [{_span_text(text, g.get('source'))}] <{cue}> {_span_text(text, g.get('content'))}"
                )
                continue
            p = pred[ug[gi]]
            for role in ROLES:
                gr, pr = g.get(role), p.get(role)
                if gr is None and pr is None:
                    continue
                if gr is None or pr is None:
                    key = f"{role} {'pred-only' if gr is None else 'gold-only'}"
                    buckets["role_absent"][key] += 1
                    examples[key].append(f"{rec['id']}: gold [{_span_text(text, gr)}] pred [{_span_text(text, pr)}]")
                    continue
                if gr == pr:
                    totals[f"{role} exact"] += 1
                    continue
                for key in _edge_diff(text, pr, gr):
                    k = f"{role} {key}"
                    buckets["boundary"][k] += 1
                    examples[k].append(f"{rec['id']}: gold [{_span_text(text, gr)}]\n      pred [{_span_text(text, pr)}]")
        for pi, p in enumerate(pred):
            totals["pred"] += 1
            if pi not in up:
                cue = _span_text(text, p.get("cue")).lower()
                key = f"{p.get('_kind')} cue={cue[:30]}"
                buckets["spurious"][key] += 1
                examples["spurious " + key].append(
                    f"{rec['id']}: [{_span_text(text, p.get('source'))}] <{cue}> {_span_text(text, p.get('content'))}"
                )
    return {"totals": totals, "buckets": buckets, "examples": examples}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", nargs="?", default=None)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--examples", action="append", default=[], help="print up to 8 examples of this bucket key")
    args = ap.parse_args(argv)
    path = Path(args.data) if args.data else default_data_path("train")
    if "dev" in path.name or "test" in path.name:
        print("error analysis is for train data only (dev/test are for measuring)", file=sys.stderr)
    recs = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                recs.append(json.loads(line))
            if args.limit and len(recs) >= args.limit:
                break
    from newsweave.enrich.quotes import extract_quotes_many

    analyses = list(extract_quotes_many([r["text"] for r in recs], processes=args.processes))
    res = analyse(recs, analyses)
    from newsweave.bench.quotes import gold_roles, score_article, summarise

    counts = [score_article(r["text"], roles_of(r["text"], a.quotes), gold_roles(r["text"], r)) for r, a in zip(recs, analyses)]
    summary = summarise(counts)
    print("exact F1 (bench scoring):", {role: summary[role]["exact"]["f1"] for role in ROLES},
          "overlap F1:", {role: summary[role]["overlap"]["f1"] for role in ROLES})
    print("totals:", dict(res["totals"]))
    for name, counter in res["buckets"].items():
        print(f"\n== {name} ({sum(counter.values())})")
        for key, n in counter.most_common(args.top):
            print(f"{n:6d}  {key}")
    for key in args.examples:
        print(f"\n-- examples: {key}")
        for ex in res["examples"].get(key, [])[:8]:
            print("   ", ex)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
