"""Debris rules fire only on the shape they were written for; body-like lines become candidates."""

from __future__ import annotations

import pytest

from newsweave.clean import clean_text, rules

BODY = ("The harbour council of Port Elin met on Tuesday evening and agreed, after a long debate, "
        "to fund the repair of the old pier before the summer season begins.")


@pytest.mark.parametrize("line", ["Tomas Lindgren / Northern Press", "(Tomas Lindgren / Northern Press)",
                                  "(Jon Ekberg / The Calder Courier)", "(AP Photo/Jane Roe)"])
def test_real_credits_still_fire(line):
    assert rules.photo_credit(line)


@pytest.mark.parametrize("line", ["Leasing / Financing", "Deputy Director / Sports Coordinator",
                                  "(Norway/France)", "Comments / Trackbacks", "Contact / Imprint"])
def test_slash_look_alikes_are_no_credits(line):
    assert rules.photo_credit(line) is None


def test_a_results_paragraph_ending_in_countries_is_no_caption():
    line = ("In the doubles the pair lost on Tuesday to the seeded team in three sets, "
            "6:4, 3:6, 7:10 (Norway/France).")
    assert not rules.ends_with_credit(line)
    assert rules.ends_with_credit("Crews at the pier on Thursday. (Jane Roe / Example Photo)")


def test_table_rows_are_no_captions():
    assert not rules.caption_like("| Total difference (saving with leasing) |  | 72 |")
    text = "Intro line of the page.\n| Total difference |  | 72 |\nJane Roe / Example Photo\nMore text follows."
    result = clean_text(text)
    assert "| Total difference |  | 72 |" in result.text


def test_body_like_line_matched_by_a_rule_is_a_candidate_not_a_removal():
    labelled = ("Analysis: the vote shows how far the council has moved since last year, when it refused "
                "to spend any money at all on the harbour and told fishermen to wait for national funds.")
    text = "\n".join([BODY, BODY, labelled, BODY, BODY])
    result = clean_text(text)
    assert labelled in result.text and not result.removed
    (warning,) = [w for w in result.warnings if "candidate" in w]
    assert "related_teaser" in warning
    start = text.index(labelled)
    assert f"chars {start}-{start + len(labelled)}" in warning


def test_short_labelled_teaser_in_the_middle_is_still_removed():
    teaser = "Read also: Council to review harbour plans"
    result = clean_text("\n".join([BODY, BODY, teaser, BODY, BODY]))
    assert [r.rule for r in result.removed] == ["related_teaser"]


def test_long_line_at_the_edge_is_judged_by_its_rule():
    notice = ("We use cookies to give you the best experience on our site and to show you relevant "
              "advertising; by continuing to browse you accept our cookie policy and terms of use.")
    result = clean_text("\n".join([BODY, BODY, BODY, notice]))
    assert [r.rule for r in result.removed] == ["cookie_notice"]


@pytest.mark.parametrize("line", ["Video-Podcast on the harbour plans", "Live-Ticker from the council vote"])
def test_a_compound_word_is_no_teaser_label(line):
    assert rules.related_label(line) is None


@pytest.mark.parametrize("line", ["Video - Council votes on the pier", "Read also: Council to review plans",
                                  "WATCH — The pier at dawn"])
def test_teaser_labels_still_fire(line):
    assert rules.related_label(line)


def test_a_byline_above_a_photo_credit_is_no_caption():
    result = clean_text("Written by: Ilse Marrow\nPhoto: Jane Roe\n\n" + BODY)
    assert "Written by: Ilse Marrow" in result.text
    assert [r.rule for r in result.removed] == ["photo_credit"]
