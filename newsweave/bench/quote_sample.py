"""Quotes a reader can use: precision and calibration on a hand-labelled sample of real news.

``quote_labels.jsonl`` (next to this file) holds 305 quotes drawn at random
(fixed seed) from the extractor's whole output (quotes-4, every act) on
``../shared/data/stories`` BASIL + AllSides, each read in its article and
labelled by hand: the act the span really reports (speech / writing /
thought / nominal / other = not a report at all) and a character span of a
mention of the true speaker. ``quote_labels_heldout.jsonl`` holds 80 more
(another seed) labelled after the act rules were written, to show how much
of the figure is fitted to the first sample. No article text is stored:
offsets index each record's ``text`` field, so cleaning changes elsewhere
cannot shift them.

A predicted quote is **correct** when its label says speech or writing and
its speaker is right: the predicted source span overlaps the labelled speaker
mention, or the resolved speaker's surname is the mention's (its first name,
when both have one, must be in the mention). Each label is matched to the predicted quote of its
article whose content covers most of the labelled content (at least half).

Reported: precision of the default output (``Quote.is_listed``) and of the
whole output over the labelled quotes it contains; how many labelled real quotes
the default output keeps; a calibration table (confidence band -> share
correct) over the whole output.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from newsweave.model import Quote
from newsweave.text.titles import LABEL_NAME_TITLES

__all__ = ["LABELS_PATH", "HELD_OUT_PATH", "BANDS", "load_labels", "score", "run", "format_table"]

LABELS_PATH = Path(__file__).with_name("quote_labels.jsonl")
HELD_OUT_PATH = Path(__file__).with_name("quote_labels_heldout.jsonl")
BANDS = ((0.0, 0.3), (0.3, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 1.01))


def load_labels(path: Path = LABELS_PATH) -> list[dict[str, Any]]:
    """The labelled quotes (the first line describes the file and is skipped)."""
    with path.open(encoding="utf-8") as fh:
        return [rec for rec in map(json.loads, filter(str.strip, fh)) if "article" in rec]


def stories_path(corpus: str) -> Path:
    return Path(__file__).resolve().parents[2].parent / "shared" / "data" / "stories" / f"{corpus}.jsonl"


def _texts(labels: list[dict[str, Any]]) -> dict[str, str]:
    wanted = {rec["article"] for rec in labels}
    texts: dict[str, str] = {}
    for corpus in sorted({rec["corpus"] for rec in labels}):
        with stories_path(corpus).open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec["id"] in wanted:
                    texts[rec["id"]] = rec["text"]
    return texts


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _name_words(name: str) -> list[str]:
    return [w for w in name.replace("’s", "").replace("'s", "").split() if w.lower() not in LABEL_NAME_TITLES]


def speaker_right(text: str, quote: Quote, gold: list[int] | None) -> bool:
    """The predicted speaker is the labelled one (see the module docstring)."""
    if gold is None:
        return False
    if quote.source is not None and _overlap((quote.source.start, quote.source.end), (gold[0], gold[1])) > 0:
        return True
    if not quote.speaker:
        return False
    said, mention = _name_words(quote.speaker), _name_words(text[gold[0]:gold[1]])
    if not said or not mention or said[-1].lower() != mention[-1].lower():
        return False
    return len(said) < 2 or len(mention) < 2 or said[0].lower() in {w.lower() for w in mention[:-1]}


def _match(label: dict[str, Any], quotes: list[Quote]) -> Quote | None:
    start, end = label["content"]
    best, best_cover = None, 0.0
    for q in quotes:
        cover = sum(_overlap((p.start, p.end), (start, end)) for p in q.pieces) / max(1, end - start)
        if cover > best_cover:
            best, best_cover = q, cover
    return best if best_cover >= 0.5 else None


def score(labels: list[dict[str, Any]], texts: dict[str, str], quotes: dict[str, list[Quote]]) -> dict[str, Any]:
    """Precision of the default and whole output, real quotes kept, calibration, over the labels."""
    judged: list[tuple[Quote | None, bool, bool]] = []
    for label in labels:
        q = _match(label, quotes.get(label["article"], []))
        real = label["act"] in ("speech", "writing")
        if q is None:
            judged.append((None, real, False))
            continue
        judged.append((q, real, real and speaker_right(texts[label["article"]], q, label["speaker"])))
    found = [(q, ok) for q, _, ok in judged if q is not None]
    shown = [ok for q, ok in found if q.is_listed]
    real_right = [q for q, _, ok in judged if ok and q is not None]
    bands = []
    for lo, hi in BANDS:
        inside = [ok for q, ok in found if lo <= q.confidence < hi]
        bands.append({"band": f"{lo:.1f}–{min(hi, 1.0):.1f}", "quotes": len(inside),
                      "correct": round(100 * sum(inside) / len(inside), 1) if inside else None})
    high = [ok for q, ok in found if q.confidence >= 0.8]
    return {
        "labels": len(labels),
        "matched": len(found),
        "real_quotes_labelled": sum(1 for _, real, _ in judged if real),
        "default_output": {"quotes": len(shown), "precision": _pct(shown)},
        "whole_output": {"quotes": len(found), "precision": _pct([ok for _, ok in found])},
        "real_and_right_kept_by_default": f"{sum(1 for q in real_right if q.is_listed)} of {len(real_right)}",
        "at_least_0.8": {"quotes": len(high), "correct": _pct(high)},
        "calibration": bands,
    }


def _pct(oks: Iterable[bool]) -> float | None:
    oks = list(oks)
    return round(100 * sum(oks) / len(oks), 1) if oks else None


def run(paths: tuple[Path, ...] = (LABELS_PATH, HELD_OUT_PATH), processes: int = 1) -> dict[str, Any]:
    """Extract the labelled articles' quotes with the current code; score each label file and all together."""
    sets = {path.stem: load_labels(path) for path in paths}
    labels = [rec for recs in sets.values() for rec in recs]
    missing = sorted({rec["corpus"] for rec in labels if not stories_path(rec["corpus"]).is_file()})
    if missing:
        return {"skipped": f"no story data for {', '.join(missing)} under {stories_path('x').parent}"}
    from newsweave.enrich.quotes import extract_quotes_many

    texts = _texts(labels)
    ids = sorted(texts)
    analyses = extract_quotes_many([texts[i] for i in ids], processes=processes)
    quotes = {i: a.quotes for i, a in zip(ids, analyses)}
    result = {name: score(recs, texts, quotes) for name, recs in sets.items()}
    if len(sets) > 1:
        result["all"] = score(labels, texts, quotes)
    return result | {"articles": len(ids)}


def format_table(result: dict[str, Any]) -> str:
    """Plain-text report of :func:`run`."""
    if "skipped" in result:
        return f"labelled sample: skipped: {result['skipped']}"
    lines = [f"labelled samples ({result['articles']} articles; correct = reported speech or writing "
             "with the right speaker)"]
    for name, part in result.items():
        if not isinstance(part, dict):
            continue
        d, w, h = part["default_output"], part["whole_output"], part["at_least_0.8"]
        lines += [
            f"  {name}: {part['labels']} labels, {part['matched']} found, {part['real_quotes_labelled']} real",
            f"    default output: precision {d['precision']}% of {d['quotes']}; whole output: "
            f"{w['precision']}% of {w['quotes']}; real quotes with the right speaker kept by default: "
            f"{part['real_and_right_kept_by_default']}",
            f"    confidence >= 0.8: {h['correct']}% correct of {h['quotes']}; by band: "
            + ", ".join(f"{b['band']} {b['correct'] if b['correct'] is not None else '–'}% of {b['quotes']}"
                        for b in part["calibration"]),
        ]
    return "\n".join(lines)
