"""Benchmark: time to compare one story of 5, 50, 200 generated articles.

The generator writes one fictional event covered by ``n`` outlets: each carries a
random subset of the event's facts (some reworded, some with a changed figure),
two to four of its quotes (some drifted: a word swapped, a sentence dropped, a
shorter excerpt), a few facts only it reports, and now and then a misspelt name
or a "he" for a woman.  Deterministic by seed.

    python -m newsweave.bench.compare --sizes 5 50 200 --method lexical
    newsweave bench compare --sizes 5 50 --method auto
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from newsweave.compare.statements import METHODS, check_method
from newsweave.model import Article

__all__ = ["story_articles", "run", "main"]

_FACTS = [
    ("A fire destroyed a {n1}-storey depot of the Brindle Freight company in the Saltmarsh district of Oldmere late on Tuesday.",
     "Late on Tuesday a fire gutted the {n1}-storey Brindle Freight depot in Oldmere's Saltmarsh district."),
    ("Officials evacuated {n2} residents from the streets around the depot shortly after midnight.",
     "About {n2} people living near the depot were moved out of their homes after midnight, officials said."),
    ("Firefighters from {n3} stations fought the flames until dawn, the fire service said.",
     "Crews from {n3} fire stations battled the blaze through the night."),
    ("Mayor Petra Vantreck said the city would open the Carrow Street sports hall as a shelter.",
     "The Carrow Street sports hall was opened as a shelter, Mayor Petra Vantreck said."),
    ("Air samples taken near the depot showed smoke levels about {n4}% above the normal range.",
     "Smoke readings near the site were roughly {n4} percent higher than usual, according to air samples."),
    ("The company said it stored paper, textiles and cleaning products at the site.",
     "Brindle Freight kept paper, textiles and cleaning supplies in the building, the firm said."),
    ("Investigators from the county fire marshal will examine the site once it has cooled.",
     "The cause is unknown and the county fire marshal's investigators will begin work when the ruins cool."),
    ("The city council will meet on Thursday to approve ${n5} million in emergency aid.",
     "Councillors are expected to vote Thursday on an emergency package of ${n5} million."),
    ("Two firefighters were treated for smoke inhalation and released from hospital.",
     "Two members of the fire crews received treatment for breathing in smoke and went home."),
    ("Schools in the Saltmarsh district will stay closed until Friday, the education office said.",
     "The education office kept Saltmarsh schools shut until Friday."),
    ("Brindle Freight employs around {n6} people at its Oldmere operations.",
     "The company has roughly {n6} workers in Oldmere."),
    ("Traffic on the harbour ring road was diverted for most of Wednesday.",
     "Drivers faced diversions on the harbour ring road through Wednesday."),
]
_QUOTES = [
    ("Petra Vantreck", "she",
     "We will not let anyone go back until the air is safe. Our first duty is to the families of Saltmarsh,"),
    ("Jalen Osei", "he", "The roof came down within the first hour. After that it was a matter of keeping it from spreading,"),
    ("Marit Holm", "she", "We are deeply sorry for what our neighbours went through tonight and we will cover every hotel bill,"),
    ("Tobias Renn", "he", "If an inspection warning can sit in a drawer for two years, the system is broken,"),
    ("Petra Vantreck", "she",
     "This is the worst night this district has had in twenty years, and we will get through it together,"),
]
_SWAPS = {"let": "allow", "safe": "clean", "duty": "obligation", "first": "initial", "broken": "failing",
          "within": "inside", "deeply": "truly", "worst": "hardest", "cover": "pay"}
_UNIQUE = [
    "A bakery on {street} handed out bread and coffee to the evacuated families.",
    "Residents of {street} said they had complained about late-night deliveries at the depot.",
    "A local choir sang for children at the shelter on {street} on Wednesday evening.",
    "The depot had been sold to a logistics investor from {place} last spring.",
    "Volunteers from {place} drove blankets and camp beds to the shelter.",
    "A cat rescued from {street} was reunited with its owners at the sports hall.",
]
_BACKGROUND = [
    "{who} of {place} said the {thing} had worried residents for {n} years before the fire.",
    "The {thing} near {street} was inspected in {year}, according to records seen by reporters.",
    "{who}, who lives on {street}, said the smoke reached the {thing} within minutes.",
    "Insurance experts in {place} estimated that claims could take {n} months to settle.",
    "The district, home to about {n}00 families, grew around the {thing} in the {year}s.",
    "Neighbours on {street} described a loud bang followed by a column of black smoke.",
    "{who} urged the city to publish the inspection reports for the {thing}.",
    "A spokesperson for the port authority in {place} said shipping was not affected.",
]
_WHO = ["Anneke Sorel", "Dmitri Vale", "Ruth Okafor", "Colm Bexley", "Hana Ristov", "Ines Marlow", "Pavel Dorn"]
_THINGS = ["warehouse", "loading yard", "storage tanks", "old rail spur", "recycling plant", "fuel depot"]
_STREETS = ["Quay Street", "Linden Row", "Mason Lane", "Fenwick Road", "Otter Walk", "Sable Court"]
_PLACES = ["Harrowgate Bay", "Lindmoor", "Caskton", "Brevick Falls", "Northvale"]


def _drift(quote: str, rng: random.Random) -> str:
    words = quote.split()
    r = rng.random()
    if r < 0.3:
        return quote
    if r < 0.55:
        return " ".join(_SWAPS.get(w, w) if rng.random() < 0.5 else w for w in words)
    if r < 0.8 and ". " in quote:
        return quote.split(". ")[0] + ","
    cut = max(6, len(words) * 2 // 3)
    return " ".join(words[:cut]) + ","


def _background_pool(rng: random.Random, size: int = 80) -> list[str]:
    return [rng.choice(_BACKGROUND).format(
        who=rng.choice(_WHO), place=rng.choice(_PLACES), thing=rng.choice(_THINGS), street=rng.choice(_STREETS),
        n=rng.randint(2, 40), year=rng.choice([1970, 1980, 1990, 2005, 2012, 2019])) for _ in range(size)]


def story_articles(n: int, seed: int = 7, background: int = 20) -> list[Article]:
    """``n`` articles covering one fictional event (deterministic by ``seed``).

    Each has about ``background`` extra sentences drawn from a story-wide pool (so some are
    shared by several outlets), which brings it to the length of a real article (~600 words).
    """
    rng = random.Random(seed)
    pool = _background_pool(rng)
    base = {"n1": 3, "n2": 214, "n3": 4, "n4": 40, "n5": 2.5, "n6": 140}
    start = datetime(2025, 5, 6, 6, 0, tzinfo=timezone.utc)
    out = []
    for i in range(n):
        values = dict(base)
        if rng.random() < 0.15:
            values["n2"] = rng.choice([241, 250, 300])
        facts = rng.sample(range(len(_FACTS)), k=rng.randint(6, len(_FACTS)))
        paragraphs = []
        for f in sorted(facts):
            template = _FACTS[f][1 if rng.random() < 0.4 else 0]
            paragraphs.append(template.format(**values))
        for q in rng.sample(range(len(_QUOTES)), k=rng.randint(2, 4)):
            speaker, pronoun, text = _QUOTES[q]
            if rng.random() < 0.1:
                pronoun = "he" if pronoun == "she" else "she"
            name = speaker
            if rng.random() < 0.08:
                first, last = speaker.split()
                name = first[:-1] + first[-1:].replace("a", "e").replace("n", "m") + " " + last
            cue = f"“{_drift(text, rng)}” {name} said." if rng.random() < 0.5 else \
                f"{name} spoke to reporters at the scene. “{_drift(text, rng)}” {pronoun} said."
            paragraphs.insert(rng.randint(1, len(paragraphs)), cue)
        for _ in range(rng.randint(1, 3)):
            paragraphs.append(rng.choice(_UNIQUE).format(street=rng.choice(_STREETS), place=rng.choice(_PLACES)))
        extra = rng.sample(pool, k=min(len(pool), max(0, background + rng.randint(-5, 5)))) if background else []
        for k in range(0, len(extra), 2):
            paragraphs.insert(rng.randint(1, len(paragraphs)), " ".join(extra[k : k + 2]))
        text = "\n\n".join(paragraphs)
        out.append(Article(
            id=f"gen{seed}-{i:04d}", source=f"outlet{i:03d}.example", origin=f"generated:{i}", input_format="text",
            raw=text.encode(), text=text, extracted_text=text, title=f"Depot fire in Oldmere ({i})",
            published=start + timedelta(minutes=37 * i),
        ))
    return out


def run(sizes: Sequence[int] = (5, 50, 200), method: str = "lexical", seed: int = 7, background: int = 20) -> dict[str, Any]:
    """Wall time of :func:`newsweave.compare.compare_articles` per story size (models warmed first)."""
    from newsweave.compare import compare_articles

    check_method(method)  # before the warm-up loads models
    compare_articles(story_articles(3, seed=seed + 1), method=method)  # load models once, outside the timing
    rows = []
    for n in sizes:
        articles = story_articles(n, seed=seed, background=background)
        words = sum(len(a.text.split()) for a in articles) / max(1, n)
        started = time.perf_counter()
        story = compare_articles(articles, method=method)
        elapsed = time.perf_counter() - started
        rows.append({
            "articles": n,
            "words_per_article": round(words),
            "seconds": round(elapsed, 2),
            "per_article_ms": round(1000 * elapsed / n, 1),
            "quote_groups": len(story["quotes"]),
            "statement_groups": len(story["statements"]),
            "flags": len(story["flags"]),
            "stages": story["timings"],
            "method": story["method"],
        })
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"method": method, "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "seed": seed, "load_average": load, "rows": rows}


def render(result: dict[str, Any]) -> str:
    lines = [f"compare benchmark (method={result['method']}, {result['cpus']} CPUs, seed {result['seed']}, "
             f"load average {result.get('load_average') or 0:.1f} at the end)",
             "| articles | words/article | seconds | ms/article | quote groups | statement groups | flags | slowest stages |",
             "|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in result["rows"]:
        slow = ", ".join(f"{k} {v:.2f}s" for k, v in sorted(r["stages"].items(), key=lambda kv: -kv[1])[:3])
        lines.append(f"| {r['articles']} | {r['words_per_article']} | {r['seconds']} | {r['per_article_ms']} | "
                     f"{r['quote_groups']} | {r['statement_groups']} | {r['flags']} | {slow} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 200])
    parser.add_argument("--method", choices=METHODS, default="lexical")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--background", type=int, default=20, help="extra sentences per article (0: short articles)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    result = run(args.sizes, method=args.method, seed=args.seed, background=args.background)
    print(json.dumps(result, indent=2) if args.json else render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
