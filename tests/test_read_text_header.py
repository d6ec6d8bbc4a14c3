"""Outlet, byline and date from the top of a plain text; nothing guessed from look-alikes."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsweave.read import read_path
from newsweave.read.text import header_facts


def read_one(tmp_path, text: str, name: str = "story.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (article,) = list(read_path(path))
    return article


def test_byline_with_outlet_and_published_stamp(tmp_path):
    text = ("Pier to be rebuilt\n\nBy Jane Roe, The Harbour Times\n\nPublished March 5, 2024 10:30 GMT\n\n"
            "The harbour council of Port Elin voted on Tuesday to rebuild the old pier.\n")
    article = read_one(tmp_path, text)
    assert (article.source, article.byline) == ("The Harbour Times", "Jane Roe")
    assert article.published == datetime(2024, 3, 5, 10, 30, tzinfo=timezone.utc)
    evidence = article.metadata["from_text"]["outlet"]
    body = article.extracted_text
    assert body[evidence["start"]:evidence["end"]] == "By Jane Roe, The Harbour Times"
    assert evidence["rule"] == "byline"


def test_wire_dateline_gives_outlet_and_date(tmp_path):
    article = read_one(tmp_path, "Storm closes road\n\nPORT ELIN, March 5, 2024 (Harbor Wire) — A storm closed "
                                 "the coast road on Tuesday.\n\nMore text.\n")
    assert article.source == "Harbor Wire"
    assert article.published.date().isoformat() == "2024-03-05"


def test_byline_with_a_date(tmp_path):
    article = read_one(tmp_path, "Headline here\n\nBy Ilse Marrow · Updated 6 March 2024\n\nBody text of it.\n")
    assert article.byline == "Ilse Marrow" and article.published.date().isoformat() == "2024-03-06"
    assert article.source == "unknown"


@pytest.mark.parametrize("text", [
    "No header here\n\nThe council met by the harbour on Tuesday. By Friday, 2024 plans were set.\n",
    "Headline\n\nBy the harbour, fishermen waited for news of the vote on the pier repairs in the spring.\n",
    "Headline\n\nOne.\n\nTwo.\n\nThree.\n\nFour.\n\nFive.\n\nPublished March 5, 2024\n",  # too deep to be a header
    "Headline\n\nMarch 5\n\nA date without a year is not a publication date.\n",
])
def test_look_alikes_give_nothing(tmp_path, text):
    article = read_one(tmp_path, text)
    assert article.source == "unknown" and article.published is None
    assert "outlet" not in article.metadata.get("from_text", {})


def test_metadata_wins_over_the_text(tmp_path):
    article = read_one(tmp_path, "---\nsource: Elin Post\ndate: 2024-01-02T00:00:00Z\n---\nHeadline\n\n"
                                 "By Jane Roe, The Harbour Times\n\nPublished March 5, 2024\n\nBody.\n")
    assert article.source == "Elin Post" and article.published.date().isoformat() == "2024-01-02"
    assert article.byline == "Jane Roe"


def test_header_facts_spans_index_the_body():
    body = "By Jane Roe | Harbour Times\nText."
    facts = header_facts(body)
    value, rule, start, end = facts["outlet"]
    assert (value, rule, body[start:end]) == ("Harbour Times", "byline", "By Jane Roe | Harbour Times")


def test_two_unlabeled_files_are_two_outlets_in_compare(tmp_path):
    from newsweave.clean import clean_article
    from newsweave.compare import compare_articles

    shared = "The harbour council of Port Elin voted on Tuesday to rebuild the old pier before summer."
    one = read_one(tmp_path, f"Pier vote\n\n{shared}\n\nFishermen in the port welcomed the long awaited decision.\n",
                   "one.txt")
    two = read_one(tmp_path, f"Council backs pier\n\n{shared}\n\nThe work is set to cost two million pounds in all.\n",
                   "two.txt")
    assert one.source == two.source == "unknown"
    story = compare_articles([clean_article(one), clean_article(two)])
    (group,) = [g for g in story["statements"] if len(g["articles"]) == 2]
    assert group["unique"] is False  # told by both, though neither outlet is known
