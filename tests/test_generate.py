"""The generated corpus is coverage of events: labelled, several outlets per event, reprints, singletons."""

from __future__ import annotations

from collections import defaultdict

from newsweave.bench.generate import generate, synthetic_articles
from newsweave.bench.run import gold_stories


def _by_event(n: int, seed: int) -> dict[str, list]:
    events: dict[str, list] = defaultdict(list)
    for article in synthetic_articles(n, seed):
        events[article.story].append(article)
    return events


def test_events_are_covered_by_several_outlets_within_a_day_and_a_half():
    events = _by_event(600, seed=4)
    sizes = sorted(len(members) for members in events.values())
    assert sizes[0] == 1 and sizes[-1] >= 5, "singletons and widely covered events both occur"
    assert 1.5 < 600 / len(events) < 4
    for members in events.values():
        span = max(a.published for a in members) - min(a.published for a in members)
        assert span.total_seconds() <= 36 * 3600 + 30 * 60
        outlets = [a.outlet for a in members]
        assert len(set(outlets)) == len(outlets), "no outlet covers one event twice while others are free"


def test_some_coverage_reprints_the_first_outlets_copy_and_the_rest_is_rewritten():
    reprints = rewrites = 0
    for members in _by_event(600, seed=4).values():
        first = set(members[0].paragraphs)
        for later in members[1:]:
            shared = len(first & set(later.paragraphs)) / len(later.paragraphs)
            reprints += shared >= 0.8
            rewrites += shared < 0.5
    assert reprints >= 10 and rewrites > 4 * reprints


def test_the_labels_travel_in_the_records_and_are_read_back_past_broken_lines(tmp_path):
    files = generate(tmp_path, 120, seed=9, per_file=50, broken=3)
    gold = gold_stories(files)
    expected = {a.key: a.story for a in synthetic_articles(120, seed=9)}
    assert gold == expected
