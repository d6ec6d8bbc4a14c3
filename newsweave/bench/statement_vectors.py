"""Cheaper statement vectors for compare: what each costs and how far its alignment moves.

MiniLM statement vectors are most of the main job's CPU (docs/benchmarks.md, main job). This
measures the candidates on a labelled story file, story by story, against the MiniLM alignment
compare ships (the reference: no human labels of statement pairs exist in the shared data):

- ``static``: the story clusterer's distilled model2vec model, at compare's threshold and at
  each threshold of a grid (the best of which is chosen on the same stories: optimistic);
- ``minilm-bf16``: MiniLM with its matrix products in bfloat16 (what the product runs on a CPU
  with bf16 arithmetic, :func:`newsweave.enrich.embeddings.bf16_native`; the reference is float32);
- ``minilm-int8``: MiniLM with its linear layers quantised to int8 (PyTorch dynamic quantisation);
- ``lexical``: compare without vectors.

Per candidate: CPU seconds and CPU-ms per statement (one thread), the statement pairs it groups,
and precision / recall / F1 of those pairs against MiniLM's; for bf16 and int8, the cosine between a
statement's candidate vector and its MiniLM vector. Statements are split as compare splits them
(quotes found by the quotes stage left out).

    python -m newsweave.bench.statement_vectors ../shared/data/stories/basil.jsonl --stories 40
"""

from __future__ import annotations

import argparse
import copy
import json
import resource
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from newsweave.compare.records import StatementGroupRecord

__all__ = ["grouped_pairs", "pair_agreement", "measure"]

#: thresholds tried for the static model (compare's own is 0.5 for MiniLM)
STATIC_THRESHOLDS = (0.5, 0.55, 0.6, 0.65, 0.7)


def _given(vectors: np.ndarray) -> Callable[[Any], np.ndarray]:
    """An ``embed`` for align_statements that hands back vectors computed beforehand."""
    return lambda _statements: vectors


def grouped_pairs(groups: Iterable[StatementGroupRecord]) -> set[tuple[tuple[str, int], tuple[str, int]]]:
    """Every pair of statements (article id, start) that one statement group holds."""
    pairs: set[tuple[tuple[str, int], tuple[str, int]]] = set()
    for group in groups:
        members = sorted((m["article"], m["start"]) for m in group["members"])
        pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


def pair_agreement(found: set, reference: set) -> dict[str, float | int]:
    """Precision, recall and F1 of ``found`` pairs against ``reference`` pairs (1.0 where both are empty)."""
    hits = len(found & reference)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(reference) if reference else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"pairs": len(found), "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _encoders() -> dict[str, Callable[[list[str]], np.ndarray]]:
    """Unit vectors of texts by each candidate; MiniLM first (the reference)."""
    import torch

    from newsweave.enrich.embeddings import _normalise, get_embedder

    torch.set_num_threads(1)  # as the analysis workers run it
    minilm = get_embedder("minilm")._model  # type: ignore[attr-defined]  # the SentenceTransformer the product uses
    int8 = torch.ao.quantization.quantize_dynamic(copy.deepcopy(minilm), {torch.nn.Linear}, dtype=torch.qint8)

    def run(model: Any, bf16: bool = False) -> Callable[[list[str]], np.ndarray]:
        def encode(texts: list[str]) -> np.ndarray:
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                return _normalise(model.encode(texts, batch_size=64, show_progress_bar=False))
        return encode

    return {"minilm": run(minilm), "minilm-bf16": run(minilm, bf16=True), "static": get_embedder("static").encode,
            "minilm-int8": run(int8)}


def _story_statements(rows: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    from newsweave.enrich.quotes import quotes_for_article
    from newsweave.enrich.statements import split_statements, statement_quote_spans
    from newsweave.model import Article

    articles = [Article(id=r["id"], source=r["source"], origin=r["id"], input_format="text", raw=b"",
                        title=r.get("title", ""), text=r["text"]) for r in rows]
    statements = [s for a in articles for s in split_statements(a, statement_quote_spans(a, quotes_for_article(a)))]
    return articles, statements


def measure(path: Path, stories: int | None = None) -> dict[str, Any]:
    """The figures above over the first ``stories`` stories of ``path`` (JSONL with ``story``)."""
    from newsweave.compare.statements import align_statements

    by_story: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            by_story[row["story"]].append(row)
    encoders = _encoders()
    cpu: dict[str, float] = defaultdict(float)
    found: dict[str, set] = defaultdict(set)
    cosines: dict[str, list[float]] = defaultdict(list)
    count = 0
    for rows in list(by_story.values())[:stories]:
        articles, statements = _story_statements(rows)
        if len(statements) < 2:
            continue
        count += len(statements)
        vectors = {}
        for name, encode in encoders.items():
            start = _cpu()
            vectors[name] = encode([s.text for s in statements])
            cpu[name] += _cpu() - start
            if name.startswith("minilm-"):  # the same space as MiniLM's (the static model's is not)
                cosines[name].extend((vectors[name] * vectors["minilm"]).sum(axis=1).tolist())
        runs: dict[str, tuple[np.ndarray, tuple[float, float] | None]] = {
            name: (vectors[name], None) for name in ("minilm", "minilm-bf16", "minilm-int8")}
        runs.update({f"static@{t}": (vectors["static"], (0.3, t)) for t in STATIC_THRESHOLDS})
        for name, (vecs, threshold) in runs.items():
            groups = align_statements(articles, statements, method="embed", threshold=threshold,
                                      embed=_given(vecs))[0]
            found[name] |= grouped_pairs(groups)
        found["lexical"] |= grouped_pairs(align_statements(articles, statements, method="lexical")[0])
    reference = found.pop("minilm")
    result: dict[str, Any] = {"file": path.name, "statements": count, "minilm_pairs": len(reference), "candidates": {}}
    for name, pairs in found.items():
        model = name.split("@")[0]
        row = pair_agreement(pairs, reference)
        if model in cpu:
            row.update(cpu_s=round(cpu[model], 2), cpu_ms_per_statement=round(1000 * cpu[model] / max(count, 1), 2))
        if cosines[model]:
            row.update(cosine_to_minilm_mean=round(float(np.mean(cosines[model])), 4),
                       cosine_to_minilm_p1=round(float(np.percentile(cosines[model], 1)), 4))
        result["candidates"][name] = row
    result["minilm_cpu_s"] = round(cpu["minilm"], 2)
    result["minilm_cpu_ms_per_statement"] = round(1000 * cpu["minilm"] / max(count, 1), 2)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsweave.bench.statement_vectors",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="a story JSONL file (id, story, source, title, text)")
    parser.add_argument("--stories", type=int, default=None, help="only the first N stories")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        parser.error(f"{args.data}: no such file")
    print(json.dumps(measure(args.data, args.stories), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
