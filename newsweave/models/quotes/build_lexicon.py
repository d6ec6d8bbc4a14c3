"""Build the learned part of the cue lexicon from PolNeAR *train* (never dev/test).

A word form joins the lexicon when it is part of an annotated cue in at least
``min_count`` attributions and in at least ``min_ratio`` of its occurrences.
Function words are dropped: the dependency rules take care of auxiliaries.

    python -m newsweave.models.quotes.build_lexicon [TRAIN_JSONL]
"""

from __future__ import annotations

import collections
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "enrich" / "quotes" / "cues_learned.json"
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_STOP = set(
    "to has of a on about is for in the have also was are not with s t been out had as at an by his were "
    "would be it will and that from more up over now back no first her still like just even their this "
    "so then long off later last could can don all new one may into again once only most might never make "
    "do well some re since being must need take toward always its him ve much after during both under time "
    "year month week night monday tuesday wednesday thursday friday saturday sunday trump clinton".split()
)


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
        if word in _STOP or n < min_count:
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


if __name__ == "__main__":
    main()
