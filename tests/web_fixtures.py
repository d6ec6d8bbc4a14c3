"""A small fictional store for the web app's tests, with hostile strings where users cannot see them coming.

Three outlets tell one fictional fire (one a verbatim reprint, one with a
different count and a misspelt name), one tells an unrelated tram story.
Titles, outlet names and quoted words carry script, markup and template
syntax: the XSS corpus every page must render inert.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from newsweave.enrich.stage import ensure_quotes
from newsweave.group.stage import update_stories
from newsweave.group.stories import Assignment
from newsweave.model import Article, ArticleStatus, Span, article_id_for
from newsweave.store import Store

XSS = [
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=2">',
    "<svg onload=window.__xss=3>",
    "javascript:window.__xss=4",
    "{{ 7*7 }}{% raw %}",
    "</textarea><iframe srcdoc='<script>parent.__xss=5</script>'>",
]

_FIRE = (
    "Fire crews in Port Ellery evacuated {n} residents on Monday after a blaze at a resin warehouse, "
    "officials said.\n\n"
    "\u201cWe will not let anyone return home until the air is safe {payload},\u201d said {name}, "
    "the city's emergency director.\n\n"
    "The fire began shortly before midnight and burned for six hours. Investigators have not named a cause."
)
_TRAM = (
    "The tram extension to Oldmere will open next spring, the transit board said on Tuesday.\n\n"
    "\u201cThe line is on time and on budget,\u201d said Tobin Ashgrove, the board's chair.\n\n"
    "Work on the last two stations finishes in March."
)


def _article(n: int, source: str, title: str, text: str, topic: str, hours: int) -> Article:
    raw = f"{source}\n{title}\n{text}".encode()
    paragraphs, pos = [], 0
    for part in text.split("\n\n"):
        start = text.index(part, pos)
        paragraphs.append(Span(start, start + len(part)))
        pos = start + len(part)
    return Article(
        id=article_id_for(raw), source=source, origin=f"web-test:{n}", input_format="text", raw=raw,
        text=text, extracted_text=text, url=f"https://{n}.example/{XSS[3]}" if n == 1 else f"https://o{n}.example/a",
        title=title, byline=None, language="en" if topic == "fire" else "de",
        published=datetime(2025, 3, 10, 8, tzinfo=timezone.utc) + timedelta(hours=hours),
        status=ArticleStatus.OK, paragraphs=paragraphs, metadata={"topic": topic},
    )


def corpus() -> list[Article]:
    fire_a = _FIRE.format(n=214, payload=XSS[0], name="Mara Quellwood")
    fire_b = (
        "About 241 people had to leave their homes in Port Ellery overnight when a resin store caught fire.\n\n"
        f"\u201cWe will not let anyone return home until the air is safe {XSS[2]},\u201d said Mara Quelwood, "
        "who leads the city's emergency office.\n\n"
        "Neighbours described a column of black smoke over the harbour district until dawn on Tuesday."
    )
    return [
        _article(0, "Harbor Wire " + XSS[1], "Warehouse fire forces evacuation " + XSS[0], fire_a, "fire", 0),
        _article(1, "Bay Daily", "Evacuation after warehouse blaze " + XSS[4], fire_b, "fire", 3),
        _article(2, "Coast Reprints " + XSS[5], "Warehouse fire forces evacuation", fire_a, "fire", 5),
        _article(3, "Oldmere Courier", "Tram extension on schedule " + XSS[2], _TRAM, "tram", 1),
    ]


def by_topic(inputs, _params, _features):
    """A clusterer for tests: one story per fictional topic (the real one is tested elsewhere)."""
    topics = {a.id: a.metadata["topic"] for a in corpus()}
    return [Assignment(i.id, topics.get(i.id, i.id), 1.0, {"method": "test"}) for i in inputs]


def build(url: str) -> Store:
    """Open a store at ``url`` holding the corpus, its quotes and its two stories."""
    store = Store.open(url)
    store.add_articles(corpus())
    ensure_quotes(store)
    update_stories(store, cluster=by_topic, features=False)
    return store
