"""Benchmark: can a user trust compare's flags?  False alarms on real coverage, planted errors caught.

Two halves, one run (``newsweave bench findings``; ``python -m newsweave.bench.findings``):

1. **False alarms.** Real, professionally edited coverage — BASIL (100 events × Fox / NYT /
   HuffPost) and the AllSides roundups of ``../shared/data/stories`` — goes the user's way:
   ingested into a store, quotes extracted and stored, each gold story compared.  None of
   these articles is machine-translated or misspells the people it covers, so every
   suspected-error flag is a candidate false alarm.  Counted per kind and per story, with
   the machine-translation verdicts per article.  ``--sample-out`` writes a fixed-seed sample
   of flags (ids, offsets, the flagged text and reason) to read and classify by hand.
2. **Planted errors.** One error is planted into one real BASIL article of a story, its span
   recorded, and the story compared again: a person's surname misspelt consistently (one
   letter), the "he"/"she" of a quote's cue swapped, a figure another outlet also reports
   changed, one word changed inside a quotation another outlet also carries, a quotation
   given to another person of the story (a direct quotation another outlet carries and attributes
   to the same speaker).  Recall per kind = share of plants caught by a flag
   of the matching kind on the planted article that overlaps the planted span.  The
   planted texts are made at run time from the shared data (fixed seed) and never stored.

The figures measured before issue 10 changed compare (``findings_before.json``) are printed
beside the current ones.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.bench.stories import data_dir
from newsweave.model import Article, Span
from newsweave.text.stopwords import STOPWORDS

if TYPE_CHECKING:
    from newsweave.compare.records import QuoteVariantRecord, StoryRecord
    from newsweave.store import Store

__all__ = ["PLANT_KINDS", "Plant", "plant_error", "false_alarms", "planted_recall", "run", "render", "main"]

DATASETS = {"basil": "stories/basil.jsonl", "allsides": "stories/allsides.jsonl"}
#: suspected-error kinds with a false-alarm target (≤ 0.1 per story)
TARGET_KINDS = ("name_variant", "pronoun_gender", "number_conflict", "speaker_mismatch")
#: plant kind -> the flag kind that must catch it
PLANT_KINDS = {"name": "name_variant", "pronoun": "pronoun_gender", "number": "number_conflict",
               "quote_word": "wording_drift", "speaker": "speaker_mismatch"}
BEFORE_PATH = Path(__file__).with_name("findings_before.json")


@dataclass(slots=True)
class ComparedStory:
    """One gold story of a data set, compared the user's way (stored quote analyses reused)."""

    story_id: str
    articles: list[Article]
    analyses: dict[str, Any]
    result: StoryRecord
    seconds: float


@dataclass(slots=True)
class Plant:
    """One planted error: the changed article and the span(s) a flag must overlap."""

    kind: str
    article: Article
    spans: list[Span]
    note: str


def _stories_of(path: Path, store: Store) -> list[tuple[str, list[Article], dict[str, Any]]]:
    """Ingest ``path`` into ``store``; each gold story (the record's ``story``) with its stored quote analyses."""
    from newsweave.enrich.stage import analyses_for
    from newsweave.pipeline import IngestOptions, StoredBatch, ingest

    ids: list[str] = []

    def remember(batch: StoredBatch, _store: Store) -> None:
        ids.extend(a.id for a in batch.stored)
        ids.extend(batch.present_ids)

    ingest([str(path)], store, IngestOptions(post_store=[remember]))
    by_story: dict[str, list[Article]] = defaultdict(list)
    for article in store.iter_articles(ids=ids):
        story = article.metadata.get("story")
        if story is not None and article.status.is_story_material:
            by_story[str(story)].append(article)
    out = []
    for sid in sorted(by_story):
        articles = sorted(by_story[sid], key=lambda a: str(a.metadata.get("id") or a.id))
        if len(articles) >= 2:
            out.append((sid, articles, analyses_for(store, articles)))
    return out


def compare_set(path: Path, store: Store, method: str, limit: int | None = None) -> list[ComparedStory]:
    """Every gold story of one data set compared; time is compare alone (quotes come from the store)."""
    from newsweave.compare import compare_articles

    out = []
    for sid, articles, analyses in _stories_of(path, store)[:limit]:
        started = time.perf_counter()
        result = compare_articles(articles, story_id=sid, analyses=analyses, method=method)
        out.append(ComparedStory(sid, articles, analyses, result, time.perf_counter() - started))
    return out


def false_alarms(stories: Sequence[ComparedStory]) -> dict[str, Any]:
    """Flags per kind (total and per story), differences kept as information, and MT verdicts."""
    flags = Counter(f["kind"] for s in stories for f in s.result["flags"])
    differences = Counter(d["kind"] for s in stories for d in s.result.get("differences", []))
    articles = sum(len(s.articles) for s in stories)
    verdicts = sum(1 for s in stories for sig in s.result["signals"] if sig["likely_machine_translated_or_spun"])
    n = max(1, len(stories))
    return {
        "stories": len(stories), "articles": articles,
        "flags": dict(sorted(flags.items())),
        "flags_per_story": {k: round(v / n, 3) for k, v in sorted(flags.items())},
        "differences": dict(sorted(differences.items())),
        "mt_verdicts": verdicts, "mt_verdict_rate": round(verdicts / max(1, articles), 4),
        "compare_seconds_per_story": round(statistics.fmean(s.seconds for s in stories), 3) if stories else 0.0,
    }


def flag_sample(stories: Sequence[ComparedStory], per_kind: int, seed: int) -> list[dict[str, Any]]:
    """A fixed-seed sample of flags per kind, with what a reader needs to judge each one."""
    by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s in stories:
        for f in s.result["flags"]:
            by_kind[f["kind"]].append({"story": s.story_id, "id": f["id"], "kind": f["kind"], "article": f["article"],
                                       "start": f["start"], "end": f["end"], "text": f["text"], "reason": f["reason"]})
    rng = random.Random(seed)
    return [f for kind in sorted(by_kind) for f in rng.sample(by_kind[kind], min(per_kind, len(by_kind[kind])))]


# -- planting -----------------------------------------------------------------------------------

def _replace(article: Article, edits: list[tuple[int, int, str]]) -> tuple[Article, list[Span]]:
    """The article with non-overlapping ``(start, end, new)`` edits applied, and the new spans."""
    text: list[str] = []
    spans: list[Span] = []
    shift, last = 0, 0
    for start, end, new in sorted(edits):
        text.append(article.text[last:start])
        spans.append(Span(start + shift, start + shift + len(new)))
        text.append(new)
        shift += len(new) - (end - start)
        last = end
    text.append(article.text[last:])
    changed = "".join(text)
    return dataclasses.replace(article, text=changed, extracted_text=changed, paragraphs=[]), spans


def _misspell(word: str, rng: random.Random) -> str:
    """One letter changed inside the word (never the first): a vowel swapped, a letter dropped or doubled."""
    inner = list(range(1, len(word) - 1))
    vowels = [i for i in inner if word[i] in "aeiou"]
    how = rng.choice(("vowel", "drop", "double")) if vowels else rng.choice(("drop", "double"))
    if how == "vowel":
        i = rng.choice(vowels)
        return word[:i] + rng.choice([v for v in "aeiou" if v != word[i]]) + word[i + 1:]
    i = rng.choice(inner)
    return word[:i] + word[i + 1:] if how == "drop" else word[:i] + word[i] + word[i:]


def _plant_name(story: ComparedStory, article: Article, rng: random.Random) -> Plant | None:
    for name in story.result["names"]:
        surname = name["name"].split()[-1] if name["label"] == "person" else ""
        if len(name["name"].split()) < 2 or len(surname) < 5 or not surname.isalpha() or len(name["articles"]) < 2:
            continue
        if article.id not in name["articles"]:
            continue
        hits = [(m.start(), m.end()) for m in re.finditer(rf"\b{re.escape(surname)}\b", article.text)]
        if hits:
            wrong = _misspell(surname, rng)
            changed, spans = _replace(article, [(s, e, wrong) for s, e in hits])
            return Plant("name", changed, spans, f"{surname} → {wrong} ({len(hits)}×)")
    return None


_SWAP = {"he": "she", "she": "he", "He": "She", "She": "He"}


def _plant_pronoun(story: ComparedStory, article: Article, rng: random.Random) -> Plant | None:
    cues = [q for q in story.analyses[article.id].quotes
            if q.source is not None and q.speaker and article.text[q.source.start:q.source.end] in _SWAP]
    if not cues:
        return None
    q = rng.choice(cues)
    written = article.text[q.source.start:q.source.end]
    changed, spans = _replace(article, [(q.source.start, q.source.end, _SWAP[written])])
    return Plant("pronoun", changed, spans, f"'{written}' for {q.speaker} → '{_SWAP[written]}'")


def _plant_number(story: ComparedStory, article: Article, rng: random.Random) -> Plant | None:
    shared = [m for entry in story.result["numbers"] if entry["kind"] in ("count", "money", "percent")
              and len(set(entry["articles"])) >= 2
              for m in entry["mentions"] if m["article"] == article.id
              and any(o["article"] != article.id and o["value"] == m["value"] for o in entry["mentions"])]
    rng.shuffle(shared)
    for m in shared:
        digits = re.search(r"[1-9]", article.text[m["start"]:m["end"]])
        if digits:
            at = m["start"] + digits.start()
            d = int(article.text[at])
            changed, spans = _replace(article, [(at, at + 1, str(d + 1 if d < 9 else d - 1))])
            return Plant("number", changed, spans, f"'{m['text']}': digit {d} changed")
    return None


def _multi_outlet_variants(story: ComparedStory, article: Article) -> list[QuoteVariantRecord]:
    return [v for g in story.result["quotes"] if len({a for a in g["articles"]}) >= 2
            for v in g["variants"] if v["article"] == article.id]


def _carried_elsewhere(story: ComparedStory, variant: QuoteVariantRecord) -> set[str]:
    """Lower-case words of the other outlets' versions of the quotation holding ``variant``."""
    group = next(g for g in story.result["quotes"] if variant in g["variants"])
    return {w.lower() for v in group["variants"] if v["article"] != variant["article"]
            for w in re.findall(r"[A-Za-z]+", v["text"])}


def _plant_quote_word(story: ComparedStory, article: Article, rng: random.Random) -> Plant | None:
    from newsweave.enrich.quotes.marks import find_regions

    variants = _multi_outlet_variants(story, article)
    rng.shuffle(variants)
    outside = [w for w in re.findall(r"\b[a-z]{5,9}\b", article.text) if w not in STOPWORDS]
    marked = find_regions(article.text)  # a partial quote's piece holds reported speech around its marks
    for v in variants:
        words = [(m.start() + p["start"], m.end() + p["start"], m.group(0)) for p in v["pieces"]
                 for m in re.finditer(r"\b[A-Za-z]{4,}\b", article.text[p["start"]:p["end"]])
                 if any(r.start <= m.start() + p["start"] < r.end for r in marked)]
        elsewhere = _carried_elsewhere(story, v)  # the word must lie in the part another outlet carries
        words = [w for w in words[1:-1] if w[2].lower() not in STOPWORDS and w[2].lower() in elsewhere]
        if not words:
            continue
        start, end, word = rng.choice(words)
        choices = [w for w in outside if w.lower() != word.lower()]
        if not choices:
            continue
        new = rng.choice(choices)
        new = new.capitalize() if word[0].isupper() else new
        changed, spans = _replace(article, [(start, end, new)])
        return Plant("quote_word", changed, spans, f"'{word}' → '{new}' inside a quote")
    return None


def _attributed_elsewhere(story: ComparedStory, article: Article) -> list[tuple[int, int, str]]:
    """Spans of this article's variants of quotations another outlet carries and gives to a speaker."""
    out: list[tuple[int, int, str]] = []
    for g in story.result["quotes"]:
        for v in g["variants"]:
            if v["article"] == article.id:
                out.extend((v["start"], v["end"], o["speaker"]) for o in g["variants"]
                           if o["article"] != article.id and o["speaker"])
    return out


_PERSON_NAME = re.compile(r"[A-Z][a-z]+(?: [A-Z]\.)*(?: [A-Z][a-z'’-]+){1,2}")


def _plant_speaker(story: ComparedStory, article: Article, rng: random.Random) -> Plant | None:
    """A direct quotation another outlet also carries, and gives to the same speaker, given to
    another person the story names (a real full name: not a twitter handle or a cue's debris)."""
    from newsweave.compare.quotes import same_person

    people = sorted({n["name"] for n in story.result["names"] if n["label"] == "person"
                     and _PERSON_NAME.fullmatch(n["name"])})
    carried = _attributed_elsewhere(story, article)
    quotes = [q for q in story.analyses[article.id].quotes
              if q.source is not None and q.speaker and q.kind == "direct"
              and any(q.content.start < e and s < q.content.end and same_person(q.speaker, who) for s, e, who in carried)
              and q.speaker.split()[-1] in article.text[q.source.start:q.source.end]]
    rng.shuffle(quotes)
    for q in quotes:
        others = [p for p in people if not same_person(p, q.speaker)]
        if not others:
            continue
        other = rng.choice(others)
        written = article.text[q.source.start:q.source.end]
        new = other if len(written.split()) > 1 else other.split()[-1]
        changed, spans = _replace(article, [(q.source.start, q.source.end, new)])
        shift = len(new) - len(written) if q.content.start > q.source.start else 0
        spans.append(Span(q.content.start + shift, q.content.end + shift))
        return Plant("speaker", changed, spans, f"quote of {q.speaker} given to {other}")
    return None


_PLANTERS: dict[str, Callable[[ComparedStory, Article, random.Random], Plant | None]] = {
    "name": _plant_name, "pronoun": _plant_pronoun, "number": _plant_number,
    "quote_word": _plant_quote_word, "speaker": _plant_speaker,
}


def plant_error(kind: str, story: ComparedStory, rng: random.Random) -> Plant | None:
    """Plant one error of ``kind`` into one article of the story (tried in a seeded order); None if none fits."""
    articles = list(story.articles)
    rng.shuffle(articles)
    for article in articles:
        plant = _PLANTERS[kind](story, article, rng)
        if plant is not None:
            return plant
    return None


def caught(plant: Plant, result: StoryRecord) -> bool:
    """A flag of the plant's matching kind on the planted article, overlapping a planted span."""
    want = PLANT_KINDS[plant.kind]
    return any(f["kind"] == want and f["article"] == plant.article.id and f["start"] < s.end and s.start < f["end"]
               for f in result["flags"] for s in plant.spans)


def planted_recall(stories: Sequence[ComparedStory], per_kind: int, seed: int, method: str) -> dict[str, Any]:
    """Recall per plant kind over up to ``per_kind`` plants each (one per story, fixed seed)."""
    from newsweave.compare import compare_articles

    out: dict[str, Any] = {}
    for kind in PLANT_KINDS:
        rng = random.Random(f"{seed}:{kind}")
        order = list(stories)
        rng.shuffle(order)
        hits, tried, missed = 0, 0, []
        for story in order:
            if tried >= per_kind:
                break
            plant = plant_error(kind, story, rng)
            if plant is None:
                continue
            articles = [plant.article if a.id == plant.article.id else a for a in story.articles]
            analyses = {k: v for k, v in story.analyses.items() if k != plant.article.id}
            result = compare_articles(articles, story_id=story.story_id, analyses=analyses, method=method)
            tried += 1
            if caught(plant, result):
                hits += 1
            else:
                missed.append({"story": story.story_id, "article": plant.article.id,
                               "spans": [[s.start, s.end] for s in plant.spans], "note": plant.note})
        out[kind] = {"flag": PLANT_KINDS[kind], "planted": tried, "caught": hits,
                     "recall": round(hits / tried, 3) if tried else None, "missed": missed}
    return out


def run(method: str = "lexical", per_kind: int = 30, seed: int = 10, sample: int = 0, db: str | None = None,
        limit: int | None = None) -> dict[str, Any]:
    """Both halves over the shared data (``../shared/data``); skips a data set that is absent."""
    from newsweave.store import Store

    root = data_dir()
    result: dict[str, Any] = {"method": method, "seed": seed, "false_alarms": {}, "planted": None, "sample": []}
    with tempfile.TemporaryDirectory(prefix="newsweave-findings-") as tmp:
        with Store.open(db or str(Path(tmp) / "findings.db")) as store:
            compared: dict[str, list[ComparedStory]] = {}
            for name, rel in DATASETS.items():
                if (root / rel).exists():
                    compared[name] = compare_set(root / rel, store, method, limit)
                    result["false_alarms"][name] = false_alarms(compared[name])
            if sample:
                result["sample"] = flag_sample([s for ss in compared.values() for s in ss], sample, seed)
            if per_kind and compared.get("basil"):
                result["planted"] = planted_recall(compared["basil"], per_kind, seed, method)
    return result


def _before() -> dict[str, Any]:
    return json.loads(BEFORE_PATH.read_text()) if BEFORE_PATH.exists() else {}


def render(result: dict[str, Any], before: dict[str, Any] | None = None) -> str:
    """Both halves as Markdown tables, each figure beside the one measured before issue 10."""
    before = before if before is not None else _before()
    lines = [f"findings benchmark (method={result['method']}, seed {result['seed']}); before = {before.get('code', '—')}"]
    for name, fa in result["false_alarms"].items():
        old = before.get("false_alarms", {}).get(name, {})
        lines += ["", f"### false alarms: {name} — {fa['stories']} stories, {fa['articles']} articles",
                  "| flag kind | flags | per story | target | before (per story) |", "|---|---:|---:|---:|---:|"]
        for kind in sorted(set(fa["flags"]) | set(old.get("flags", {})) | set(TARGET_KINDS)):
            target = "≤ 0.1" if kind in TARGET_KINDS else ""
            lines.append(f"| {kind} | {fa['flags'].get(kind, 0)} | {fa['flags_per_story'].get(kind, 0.0)} | {target} | "
                         f"{old.get('flags_per_story', {}).get(kind, '—') if old else '—'} |")
        was = f"{old['mt_verdict_rate']:.1%} of articles" if old else "—"
        lines.append(f"| MT verdicts | {fa['mt_verdicts']} | {fa['mt_verdict_rate']:.1%} of articles | ≤ 1 % | {was} |")
        if fa["differences"]:
            lines.append("differences (information, not flags): "
                         + ", ".join(f"{k} {v}" for k, v in fa["differences"].items()))
        lines.append(f"compare time per story: {fa['compare_seconds_per_story']} s"
                     + (f" (before {old['compare_seconds_per_story']} s)" if old else ""))
    if result.get("planted"):
        old = before.get("planted") or {}
        lines += ["", "### planted errors (BASIL, one per story)",
                  "| plant | flag | planted | caught | recall (target ≥ 0.9) | before |", "|---|---|---:|---:|---:|---:|"]
        for kind, row in result["planted"].items():
            was = old.get(kind, {}).get("recall", "—")
            lines.append(f"| {kind} | {row['flag']} | {row['planted']} | {row['caught']} | {row['recall']} | {was} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--method", choices=("auto", "embed", "lexical"), default="lexical")
    parser.add_argument("--per-kind", type=int, default=30, help="plants per kind (0: skip the planted half)")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--sample", type=int, default=0, help="flags per kind to sample for reading")
    parser.add_argument("--sample-out", type=Path, help="write the sample here as JSON")
    parser.add_argument("--db", help="store to ingest into (reused: quotes are extracted once); default: temporary")
    parser.add_argument("--limit", type=int, help="compare only the first N stories of each data set")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    result = run(args.method, args.per_kind, args.seed, args.sample, args.db, args.limit)
    if args.sample_out:
        args.sample_out.write_text(json.dumps(result["sample"], indent=1, ensure_ascii=False))
    print(json.dumps(result, indent=1) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
