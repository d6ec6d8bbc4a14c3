"""Write a synthetic news corpus of any size, deterministic by seed.

Used to measure the main job, ingest and Spark at sizes no labelled real set reaches, and to test
that a killed ingest resumes into exactly the database an uninterrupted run gives. The corpus is
coverage of events, as a news stream is: each event (a topic in a place, the people who speak on
it, the figures they give) is reported by one to a dozen outlets within a day and a half, each in
its own words, some by reprinting the first outlet's copy, a few with a figure misreported. Every
record carries its event as ``story``, the gold label the story benchmarks score against.

Everything is fictional (outlets, people, places), with the debris real scraping leaves (photo
credits, "Tags:" lines, related-story teasers), a few byte-identical duplicates (re-ingest must
skip them) and, on request, broken records (each must become one listed failure).

    python -m newsweave.bench.generate out/corpus --n 10000 --seed 7
    python -m newsweave.bench.generate out/corpus --n 500 --format text

JSONL records use news-please field names (``maintext``, ``source_domain``, ``date_publish``,
``authors`` …) plus ``story``; text files put the headline on the first line.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

__all__ = ["SyntheticArticle", "generate", "synthetic_articles"]

_OUTLETS = [
    "harborgazette.example", "northvalepost.example", "thelanterndaily.example",
    "rivermouthherald.example", "ashfordwire.example", "coppercoasttimes.example",
    "millbrookledger.example", "eastmarchsentinel.example", "quayside-news.example",
    "thefenlandcourier.example", "westreachobserver.example", "dailyridgeline.example",
    "saltmarshtribune.example", "ironbridgechronicle.example", "newsfeedhub.example",
    "bayleafreport.example",
]
_FIRST = ["Mara", "Tobin", "Ilse", "Oren", "Priya", "Dario", "Wren", "Kasimir", "Lena", "Joss", "Amara", "Felix",
          "Noor", "Bastian", "Odile", "Ruairi", "Sefa", "Milo", "Hedda", "Anouk", "Tariq", "Yelena", "Corin", "Esme",
          "Idris", "Maren", "Piet", "Saoirse", "Teodor", "Vida"]
_SURNAME = (["Quell", "Ash", "Vant", "Mor", "Ibs", "Cald", "Fen", "Odu", "Strand", "Kettle", "Brack", "Dun", "Hal",
             "Ivers", "Lom", "Pell", "Rad", "Sel", "Thorn", "Wex", "Garr", "Nix", "Orm", "Tull"],
            ["wood", "grove", "reck", "row", "sley", "er", "wright", "ya", "by", "ham", "ston", "ford", "ley",
             "mere", "well", "hart"])
_PLACE = (["Ell", "North", "Harrow", "Lind", "Cask", "Brev", "Old", "Wick", "Sand", "Marl", "Thrush", "Kel", "Dray",
           "Fallow", "Gren", "Holm", "Rook", "Tam", "Vell", "Yarl"],
          ["ery", "vale", "gate", "moor", "ton", "field", "mouth", "haven", "stead", "bridge", "wick", "by"])
_ROLES = ["the mayor", "a council spokesperson", "the opposition leader", "the regional director",
          "a union representative", "the project manager", "a local business owner", "the health minister"]
_TOPICS = [  # (slug, section, subject, claims, background)
    ("bridge", "construction", "the new harbour bridge",
     ["the bridge would cost {n} million crowns", "the first span would open within {k} months",
      "{n} workers were on site each day", "inspectors had found {k} faults in the steelwork"],
     ["Traffic on the old crossing has doubled in a decade.", "The tender was awarded after a long dispute."]),
    ("budget", "politics", "the city budget",
     ["the budget cut {n} million crowns from road repairs", "{n} new posts would be created",
      "the deficit had fallen for {k} years in a row", "property tax would rise by {k} percent"],
     ["The finance committee meets again next week.", "Last year's budget passed by a single vote."]),
    ("flood", "weather", "the spring floods",
     ["{n} homes had been evacuated", "the river rose {k} metres overnight",
      "relief payments had reached {n} families", "{k} roads were still closed"],
     ["Sandbags were handed out at the fire station.", "Forecasters expect more rain over the weekend."]),
    ("school", "education", "the school closure plan",
     ["{n} pupils would have to change schools", "{k} schools would close by next autumn",
      "the plan would save {n} thousand crowns a year", "{n} parents had signed the petition"],
     ["Parents gathered outside the town hall.", "Teachers' groups asked for a delay."]),
    ("transit", "transport", "the tram extension",
     ["the extension would add {k} stops", "{n} thousand passengers would use it each day",
      "the line had run {k} months behind schedule", "fares would rise by {k} percent"],
     ["Construction has closed two lanes of the main road.", "The old depot will be demolished."]),
    ("hospital", "health", "the hospital merger",
     ["{n} beds would be moved to the new site", "waiting times had grown by {k} weeks",
      "{n} nurses had signed a letter of protest", "the merger would be complete in {k} years"],
     ["Patients' groups have asked for a public hearing.", "The emergency ward will stay open."]),
    ("festival", "culture", "the river festival",
     ["about {n} people attended on the opening night", "the festival had cost {n} thousand crowns",
      "{k} stages were set up along the quay", "ticket sales were up {k} percent"],
     ["Stalls lined the quay from early morning.", "Organisers thanked the volunteers."]),
    ("port", "labour", "the port strike",
     ["{n} dockworkers had walked out", "{k} ships were waiting to unload",
      "the strike was costing {n} thousand crowns a day", "talks would resume in {k} days"],
     ["Pickets gathered at the main gate before dawn.", "Shipping firms have diverted some cargo."]),
    ("fire", "emergencies", "the warehouse fire",
     ["{k} fire crews fought the blaze", "{n} residents were told to keep windows shut",
      "damage was estimated at {n} thousand crowns", "the fire burned for {k} hours"],
     ["Smoke could be seen across the estuary.", "The cause of the fire is under investigation."]),
    ("housing", "housing", "the housing development",
     ["{n} new flats would be built", "{k} percent of them would be affordable",
      "the developer had paid {n} thousand crowns for the land", "work would start in {k} weeks"],
     ["Neighbours fear the loss of the green.", "The planning board approved the outline last spring."]),
    ("water", "environment", "the water contamination",
     ["{n} households were told to boil water", "tests found {k} times the safe level",
      "bottled water was handed out at {k} sites", "{n} people had reported stomach illness"],
     ["The water company has apologised.", "Schools in the area stayed open."]),
    ("election", "politics", "the by-election",
     ["turnout was {k} percent lower than last time", "the winner took {n} votes",
      "{k} candidates stood for the seat", "counting took {k} hours"],
     ["The count was held at the sports hall.", "Campaigning focused on local services."]),
]
_VERBS = ["said", "told reporters", "said in a statement", "added", "argued", "warned"]
_FILLER = [
    "Officials in {place} met on {day} to discuss {subject}.",
    "Residents of {place} have raised concerns about {subject} for months.",
    "Critics say the process has been rushed and poorly explained.",
    "A public consultation on {subject} closes at the end of the month.",
    "Local businesses in {place} say they are watching closely.",
    "The regional authority is expected to publish its review next week.",
    "Supporters argue that delay would only raise the final cost.",
    "The debate over {subject} has divided opinion in {place} since last year.",
    "A further meeting is planned for next {day}, when more details are expected.",
    "Several residents who spoke to reporters on {day} asked not to be named.",
    "Figures released on {day} have not yet been independently checked.",
    "The council has said it will publish the full report once it is complete.",
]
_DETAILS = [  # what makes one event's coverage its own: its organisation and its site
    "The {org} said it would respond in full once it had seen the figures.",
    "Work around {site} has been suspended until further notice.",
    "Representatives of the {org} met residents near {site} on {day}.",
    "The {org} has been involved in {subject} from the start.",
    "Access to {site} in {place} remains restricted.",
]
_ORG_KINDS = ["Holdings", "Trust", "Group", "Partnership", "Institute", "Foundation", "Alliance", "Cooperative"]
_SITE_KINDS = ["Street", "Road", "Quay", "Park", "Lane", "Square", "Wharf", "Terrace"]
_TITLES = ["{person} on {subject} in {place}", "{Place}: what we know about {subject}",
           "{subject_cap} in {place}: {person} speaks", "{place} reacts to {subject}",
           "Questions over {subject} in {place}"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_COVERAGE = [(1, 0.40), (2, 0.20), (3, 0.15), (4, 0.10), (6, 0.10), (12, 0.05)]  # outlets per event (upper bound)
_EVENT_SPAN = timedelta(hours=36)  # coverage of an event appears within this after its first article
_SPACING_MIN = 37  # minutes between consecutive articles of the stream
_CONTINUE_SHARE = 0.65  # articles that cover an open event rather than start a new one
_REPRINT_SHARE = 0.15  # later coverage that reprints the event's first article
_MISREPORT_SHARE = 0.04  # claims whose figure one outlet gets wrong


@dataclass(frozen=True, slots=True)
class SyntheticArticle:
    key: str
    outlet: str
    url: str
    title: str
    author: str
    published: datetime
    paragraphs: tuple[str, ...]
    story: str  # the event this article reports (gold label)

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
            "story": self.story,
        }

    def as_text(self) -> str:
        return self.title + "\n\n" + "\n\n".join(self.paragraphs) + "\n"


@dataclass(slots=True)
class _Event:
    """One event: what every outlet covering it draws on."""

    key: str
    start: datetime
    slots: int
    slug: str
    section: str
    subject: str
    place: str
    org: str
    site: str
    day: str
    speakers: list[tuple[str, str]]  # (name, role)
    claims: list[tuple[str, int, int]]  # (template, n, k)
    background: list[str]  # the event's own angle: its topic's lines and a draw of the common ones
    outlets: list[str] = field(default_factory=list)
    first: tuple[str, tuple[str, ...]] | None = None  # (title, paragraphs) of the first article


def _surname(rng: random.Random) -> str:
    return f"{rng.choice(_SURNAME[0])}{rng.choice(_SURNAME[1])}"


def _name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {_surname(rng)}"


def _new_event(rng: random.Random, key: str, start: datetime) -> _Event:
    slug, section, subject, claims, background = rng.choice(_TOPICS)
    bound = rng.choices([c for c, _ in _COVERAGE], weights=[w for _, w in _COVERAGE])[0]
    place = f"{rng.choice(_PLACE[0])}{rng.choice(_PLACE[1])}"
    speakers = [(_name(rng), rng.choice(_ROLES)) for _ in range(rng.randint(1, 3))]
    return _Event(key=key, start=start, slots=rng.randint(max(1, bound // 2), bound), slug=slug, section=section,
                  subject=subject, place=place, org=f"{_surname(rng)} {rng.choice(_ORG_KINDS)}",
                  site=f"{_surname(rng)} {rng.choice(_SITE_KINDS)}", day=rng.choice(_DAYS), speakers=speakers,
                  claims=[(c, rng.randint(2, 900), rng.randint(2, 12)) for c in claims],
                  background=background + rng.sample(_FILLER, 4) + rng.sample(_DETAILS, 3))


def _claim_paragraph(rng: random.Random, event: _Event, claim: tuple[str, int, int]) -> str:
    template, n, k = claim
    if rng.random() < _MISREPORT_SHARE:
        n, k = n + rng.choice([-1, 1]) * max(1, n // 10), k + 1
    text = template.format(n=n, k=k)
    name, role = rng.choice(event.speakers)
    form = rng.random()
    if form < 0.55:
        return f"\u201c{text[0].upper()}{text[1:]},\u201d {name} {rng.choice(_VERBS)}."
    if form < 0.8:
        return f"{name}, {role}, said {text}."
    return f"According to {role} {name}, {text}."


def _rewrite(rng: random.Random, event: _Event) -> tuple[str, list[str]]:
    """An outlet's own article on the event: its headline, lead, a choice of the claims, background."""
    fill = {"place": event.place, "subject": event.subject, "day": event.day, "org": event.org, "site": event.site}
    person = event.speakers[0][0]
    title = rng.choice(_TITLES).format(person=person, subject=event.subject, place=event.place,
                                       Place=event.place, subject_cap=event.subject[0].upper() + event.subject[1:])
    paragraphs = [" ".join(rng.sample(event.background, 2)).format(**fill)]
    for claim in rng.sample(event.claims, rng.randint(2, len(event.claims))):
        paragraphs.append(_claim_paragraph(rng, event, claim))
        context = rng.sample(event.background, rng.randint(1, 3))
        paragraphs.append(" ".join(line.format(**fill) for line in context))
    return title, paragraphs


def _debris(rng: random.Random, event: _Event, outlet: str, paragraphs: list[str]) -> None:
    debris = rng.random()
    if debris < 0.25:
        paragraphs.insert(1, f"({_name(rng)} / {outlet.split('.')[0].title()})")
    elif debris < 0.45:
        paragraphs.append(f"Tags: {event.section}, {event.place}, {event.slug}")
    elif debris < 0.6:
        paragraphs.append(f"Related: {event.place} reacts to {rng.choice(_TOPICS)[2]}")
        paragraphs.append(f"{rng.choice(['March', 'April', 'May'])} {rng.randint(1, 28)}, 2024")


def _event_for(rng: random.Random, active: list[_Event], published: datetime, seed: int, made: int) -> _Event:
    """An open event to cover next, or a new one (events close when covered or after their span)."""
    active[:] = [e for e in active if e.slots > 0 and published - e.start < _EVENT_SPAN]
    if active and rng.random() < _CONTINUE_SHARE:
        return rng.choice(active)
    event = _new_event(rng, f"ev-{seed}-{made:07d}", published)
    active.append(event)
    return event


def synthetic_articles(n: int, seed: int = 0) -> Iterator[SyntheticArticle]:
    """Yield ``n`` synthetic articles (same ``seed`` → same articles, byte for byte)."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    rng = random.Random(seed)
    start = datetime(2024, 3, 1, 6, 0, tzinfo=timezone.utc)
    active: list[_Event] = []
    events = 0
    for i in range(n):
        published = start + timedelta(minutes=_SPACING_MIN * i + rng.randint(0, 30))
        event = _event_for(rng, active, published, seed, events)
        events += event.first is None
        event.slots -= 1
        unused = [o for o in _OUTLETS if o not in event.outlets]
        outlet = rng.choice(unused or _OUTLETS)
        event.outlets.append(outlet)
        if event.first is not None and rng.random() < _REPRINT_SHARE:
            title, paragraphs = event.first[0], list(event.first[1])
        else:
            title, paragraphs = _rewrite(rng, event)
            if event.first is None:
                event.first = (title, tuple(paragraphs))
        _debris(rng, event, outlet, paragraphs)
        yield SyntheticArticle(
            key=f"syn-{seed}-{i:07d}",
            outlet=outlet,
            url=f"https://{outlet}/{event.section}/{published:%Y/%m/%d}/{event.slug}-{i}",
            title=title,
            author=_name(rng),
            published=published,
            paragraphs=tuple(paragraphs),
            story=event.key,
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
