"""Write a synthetic news corpus of any size, deterministic by seed.

Used to measure ingest speed and to test that a killed ingest resumes into
exactly the database an uninterrupted run gives. Articles are made of
fictional outlets, people and places (no real ones), with the debris real
scraping leaves (photo credits, "Tags:" lines, related-story teasers), a few
byte-identical duplicates (re-ingest must skip them) and, on request, broken
records (each must become one listed failure).

    python -m newsweave.bench.generate out/corpus --n 10000 --seed 7
    python -m newsweave.bench.generate out/corpus --n 500 --format text

JSONL records use news-please field names (``maintext``, ``source_domain``,
``date_publish``, ``authors`` …); text files put the headline on the first line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

__all__ = ["SyntheticArticle", "generate", "synthetic_articles"]

_OUTLETS = [
    "harborgazette.example", "northvalepost.example", "thelanterndaily.example",
    "rivermouthherald.example", "ashfordwire.example", "coppercoasttimes.example",
    "millbrookledger.example", "eastmarchsentinel.example",
]
_FIRST = ["Mara", "Tobin", "Ilse", "Oren", "Priya", "Dario", "Wren", "Kasimir", "Lena", "Joss", "Amara", "Felix"]
_LAST = ["Quellwood", "Ashgrove", "Vantreck", "Morrow", "Ibsely", "Calder", "Fenwright", "Oduya", "Strand", "Kettleby"]
_PLACES = ["Port Ellery", "Northvale", "Harrowgate Bay", "Lindmoor", "Caskton", "Brevick Falls", "Oldmere"]
_TOPICS = [
    ("bridge", "the new harbour bridge", "construction"),
    ("budget", "the city budget", "spending"),
    ("flood", "the spring floods", "relief"),
    ("school", "the school closure plan", "education"),
    ("transit", "the tram extension", "transport"),
    ("hospital", "the hospital merger", "health"),
    ("festival", "the river festival", "culture"),
    ("port", "the port strike", "labour"),
]
_VERBS = ["said", "told reporters", "said in a statement", "added", "argued", "warned"]
_CLAIMS = [
    "the plan would cost {n} million crowns over {k} years",
    "{n} families had been affected so far",
    "work would begin within {k} weeks",
    "the council had approved {n} new posts",
    "about {n} people attended the meeting on {day}",
]
_FILLER = [
    "Officials in {place} met on {day} to discuss {topic}.",
    "Residents have raised concerns about {topic} for months.",
    "The debate over {topic} has divided the council since last year.",
    "Critics say the process has been rushed and poorly explained.",
    "Supporters argue that delay would only raise the final cost.",
    "A public consultation on {topic} closes at the end of the month.",
    "Local businesses in {place} say they are watching closely.",
    "The regional authority is expected to publish its review next week.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True, slots=True)
class SyntheticArticle:
    key: str
    outlet: str
    url: str
    title: str
    author: str
    published: datetime
    paragraphs: tuple[str, ...]

    def record(self) -> dict:
        return {
            "id": self.key,
            "url": self.url,
            "title": self.title,
            "authors": [self.author],
            "date_publish": self.published.isoformat(),
            "source_domain": self.outlet,
            "language": "en",
            "maintext": "\n\n".join(self.paragraphs),
        }

    def as_text(self) -> str:
        return self.title + "\n\n" + "\n\n".join(self.paragraphs) + "\n"


def synthetic_articles(n: int, seed: int = 0) -> Iterator[SyntheticArticle]:
    """Yield ``n`` synthetic articles (same ``seed`` → same articles, byte for byte)."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = random.Random(seed)
    start = datetime(2024, 3, 1, 6, 0, tzinfo=timezone.utc)
    for i in range(n):
        outlet = rng.choice(_OUTLETS)
        place = rng.choice(_PLACES)
        slug, topic, section = rng.choice(_TOPICS)
        person = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        author = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        day = rng.choice(_DAYS)
        fill = {"place": place, "topic": topic, "day": day}
        paragraphs = [rng.choice(_FILLER).format(**fill)]
        for _ in range(rng.randint(3, 7)):
            claim = rng.choice(_CLAIMS).format(n=rng.randint(2, 900), k=rng.randint(2, 12), day=day)
            paragraphs.append(f"\u201c{claim[0].upper()}{claim[1:]},\u201d {person} {rng.choice(_VERBS)}.")
            paragraphs.append(rng.choice(_FILLER).format(**fill))
        debris = rng.random()
        if debris < 0.25:
            paragraphs.insert(1, f"({rng.choice(_FIRST)} {rng.choice(_LAST)} / {outlet.split('.')[0].title()})")
        elif debris < 0.45:
            paragraphs.append(f"Tags: {section}, {place}, {slug}")
        elif debris < 0.6:
            paragraphs.append(f"Related: {place} reacts to {rng.choice(_TOPICS)[1]}")
            paragraphs.append(f"{rng.choice(['March', 'April', 'May'])} {rng.randint(1, 28)}, 2024")
        published = start + timedelta(minutes=37 * i + rng.randint(0, 30))
        title = f"{person} on {topic} in {place}"
        yield SyntheticArticle(
            key=f"syn-{seed}-{i:07d}",
            outlet=outlet,
            url=f"https://{outlet}/{section}/{published:%Y/%m/%d}/{slug}-{i}",
            title=title,
            author=author,
            published=published,
            paragraphs=tuple(paragraphs),
        )


def generate(
    out_dir: str | Path,
    n: int,
    seed: int = 0,
    *,
    fmt: str = "jsonl",
    per_file: int = 1000,
    duplicates: float = 0.0,
    broken: int = 0,
) -> list[Path]:
    """Write ``n`` articles under ``out_dir`` and return the files written.

    ``fmt``: "jsonl" (``per_file`` records a file) or "text" (one file each).
    ``duplicates``: share of records written a second time, byte-identical.
    ``broken``: number of malformed JSON lines mixed in (jsonl only).
    """
    if fmt not in ("jsonl", "text"):
        raise ValueError(f"format must be 'jsonl' or 'text', got {fmt!r}")
    if per_file < 1:
        raise ValueError(f"per_file must be >= 1, got {per_file}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed ^ 0x5EED)
    written: list[Path] = []
    if fmt == "text":
        width = max(6, len(str(n)))
        for i, art in enumerate(synthetic_articles(n, seed)):
            path = out / f"{i:0{width}d}-{art.outlet.split('.')[0]}.txt"
            path.write_text(art.as_text(), encoding="utf-8")
            written.append(path)
        return written
    handle = None
    broken_at = set(rng.sample(range(max(n, 1)), min(broken, n))) if broken else set()
    try:
        for i, art in enumerate(synthetic_articles(n, seed)):
            if i % per_file == 0:
                if handle is not None:
                    handle.close()
                path = out / f"part-{i // per_file:05d}.jsonl"
                handle = path.open("w", encoding="utf-8")
                written.append(path)
            assert handle is not None  # opened at i == 0
            line = json.dumps(art.record(), ensure_ascii=False)
            handle.write(line + "\n")
            if duplicates and rng.random() < duplicates:
                handle.write(line + "\n")
            if i in broken_at:
                handle.write(f'{{"id": "broken-{i}", "maintext": "unterminated\n')
    finally:
        if handle is not None:
            handle.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newsweave.bench.generate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("out", help="folder to write into")
    parser.add_argument("--n", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--format", dest="fmt", choices=["jsonl", "text"], default="jsonl")
    parser.add_argument("--per-file", type=int, default=1000, help="records per JSONL file")
    parser.add_argument("--duplicates", type=float, default=0.0, help="share written twice (0-1)")
    parser.add_argument("--broken", type=int, default=0, help="malformed JSON lines to add")
    args = parser.parse_args(argv)
    files = generate(args.out, args.n, args.seed, fmt=args.fmt, per_file=args.per_file,
                     duplicates=args.duplicates, broken=args.broken)
    print(f"wrote {args.n} articles in {len(files)} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
