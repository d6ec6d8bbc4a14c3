"""Build the learned part of the cue lexicon from PolNeAR *train* (never dev/test).

A word form joins the lexicon when it is part of an annotated cue in at least
``min_count`` attributions and in at least ``min_ratio`` of its occurrences.
Function words are dropped: the dependency rules take care of auxiliaries.

    python -m newsweave.models.quotes.build_lexicon [TRAIN_JSONL]               # word forms
    python -m newsweave.models.quotes.build_lexicon --structural [TRAIN_JSONL]  # cue word x rule family

The structural pass runs the extraction rules over train with *every* verb as a
possible cue and counts, per cue word and rule family (quotation, ``ccomp``,
``xcomp``, object, preposition, parenthetical, ``according to``, noun), how
often the cue found is a gold cue; ``lexicon.structural_ok`` keeps a pair
whose precision is at least ``lexicon.THRESHOLD``. CPU only, ~1.5 min.
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

from newsweave.text.stopwords import CUE_LEXICON_STOPWORDS

OUT = Path(__file__).resolve().parents[2] / "enrich" / "quotes" / "cues_learned.json"
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")


def build(train: Path, min_count: int = 4, min_ratio: float = 0.4) -> dict[str, float]:
    total: collections.Counter[str] = collections.Counter()
    cue: collections.Counter[str] = collections.Counter()
    with train.open(encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            for m in _WORD.finditer(rec["text"]):
                total[m.group().lower()] += 1
            for att in rec["attributions"]:
                c = att.get("cue")
                if not c:
                    continue
                for frag in c.get("fragments", [c]):
                    for m in _WORD.finditer(frag["text"]):
                        cue[m.group().lower()] += 1
    out = {}
    for word, n in cue.items():
        if word in CUE_LEXICON_STOPWORDS or n < min_count:
            continue
        ratio = n / total[word]
        if ratio >= min_ratio:
            out[word] = round(ratio, 3)
    return dict(sorted(out.items()))


def main() -> None:
    default = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "quotes" / "polnear_train.jsonl"
    train = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    lex = build(train)
    OUT.write_text(json.dumps(lex, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(lex)} cue forms -> {OUT}")


def build_structural(train: Path, limit: int | None = None) -> dict[str, dict[str, list[int]]]:
    """Run the rules with every verb as a possible cue over train; count, per cue word and
    rule family, how often the found cue is a gold cue."""
    from newsweave.enrich.quotes import _nlp
    from newsweave.enrich.quotes.extract import analyse_structure

    nlp = _nlp()
    stats: dict[str, dict[str, list[int]]] = {}
    with train.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit and n >= limit:
                break
            rec = json.loads(line)
            text = rec["text"]
            gold = []
            for att in rec["attributions"]:
                c = att.get("cue")
                if c:
                    for f in c.get("fragments", [c]):
                        gold.append((f["start"], f["end"]))
            parsed = analyse_structure(text, nlp, permissive=True)
            for a in parsed.attributions:
                if a.cue is None or not a.cue_head:
                    continue
                hit = any(a.cue.start < e and s < a.cue.end for s, e in gold)
                g = stats.setdefault(a.cue_head, {}).setdefault(a.group or "other", [0, 0])
                g[0] += int(hit)
                g[1] += 1
    # keep what carries information
    return {
        form: groups
        for form, groups in sorted(stats.items())
        if sum(v[1] for v in groups.values()) >= 2
    }


def main_structural() -> None:
    default = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "quotes" / "polnear_train.jsonl"
    train = Path(sys.argv[2]) if len(sys.argv) > 2 else default
    out = OUT.with_name("cues_structural.json")
    stats = build_structural(train)
    out.write_text(json.dumps(stats, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(stats)} cue words -> {out}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--structural":
        main_structural()
    else:
        main()
