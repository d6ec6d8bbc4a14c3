"""compare's flags are claims with evidence: each kind fires on a true case and not on its look-alike.

Every story here is fictional and built in the test.  Flags are suspected errors; differences
between outlets (an excerpt, a cut, an unnamed source) are information and never flags.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from newsweave.compare import DIFFERENCE_KINDS, FLAG_KINDS, compare_articles
from newsweave.model import Article


def make(aid: str, source: str, text: str, published: str | None = None) -> Article:
    return Article(
        id=aid, source=source, origin=f"{aid}.txt", input_format="text", raw=text.encode(), text=text,
        extracted_text=text,
        published=datetime.fromisoformat(published).replace(tzinfo=timezone.utc) if published else None,
    )


def flags_of(story: dict, kind: str) -> list[tuple[str, str]]:
    return [(f["article"], f["text"]) for f in story["flags"] if f["kind"] == kind]


def compare(*articles: Article) -> dict:
    return compare_articles(list(articles), method="lexical")


# ----------------------------------------------------------------------------- name_variant

_MAYOR = ("Mayor {first} {last} of Oldmere opened the new ferry terminal on Tuesday. {last} told reporters "
          "that the terminal would carry {n} passengers a day. Republicans on the council praised the plan, "
          "and the Republican leader thanked {last}. Democrats asked for a Democratic review of the costs. "
          "Trade with Iraq and Iran was not discussed.")


def test_name_misspelt_in_one_outlet_is_flagged_there_only():
    a = make("a", "one.example", _MAYOR.format(first="Marisol", last="Quintero", n=900))
    b = make("b", "two.example", _MAYOR.format(first="Marisol", last="Quintero", n=900))
    c = make("c", "three.example", _MAYOR.format(first="Marisol", last="Quinterro", n=900))
    story = compare(a, b, c)
    assert set(flags_of(story, "name_variant")) == {("c", "Quinterro")}
    flag = next(f for f in story["flags"] if f["kind"] == "name_variant")
    assert "2 articles write 'Quintero'" in flag["reason"]
    # word forms and different places are not spellings of one name
    assert all(f["data"]["label"] == "person" for f in story["flags"] if f["kind"] == "name_variant")


def test_correct_spelling_is_not_flagged_against_a_rarer_one():
    a = make("a", "one.example", _MAYOR.format(first="Reince", last="Priebus", n=900))
    b = make("b", "two.example", _MAYOR.format(first="Reince", last="Priebus", n=900))
    c = make("c", "three.example", _MAYOR.format(first="Reince", last="Preibus", n=900))
    flagged = flags_of(compare(a, b, c), "name_variant")
    assert ("c", "Preibus") in flagged and not [t for _, t in flagged if t == "Priebus"]


def test_plurals_adjectives_and_similar_places_are_not_name_variants():
    a = make("a", "one.example", _MAYOR.format(first="Marisol", last="Quintero", n=900))
    b = make("b", "two.example", _MAYOR.format(first="Marisol", last="Quintero", n=900)
             .replace("Republicans on", "Republican members of").replace("Democrats asked", "Democratic members asked"))
    assert flags_of(compare(a, b), "name_variant") == []


def test_a_second_person_with_a_similar_surname_is_not_a_misspelling():
    a = make("a", "one.example", "Mayor Marisol Quintero opened the terminal. Quintero thanked the crews.")
    b = make("b", "two.example", "Mayor Marisol Quintero opened the terminal. Quintero thanked the crews.")
    c = make("c", "three.example", "Mayor Marisol Quintero opened the terminal with her deputy, Pablo Quintera. "
                                   "Quintero thanked the crews.")
    assert flags_of(compare(a, b, c), "name_variant") == []


# ----------------------------------------------------------------------------- pronoun_gender

_CHIEF = ("Fire Chief Tomas Brenner said the depot was lost within the first hour. {p1} said the crews "
          "had worked through the night. “We kept it from spreading to the homes,” {p2} said. Brenner added "
          "that {p3} would ask the council for two more engines. Officials thanked him for his work.")


def test_wrong_gender_pronoun_for_a_quoted_speaker_is_flagged():
    a = make("a", "one.example", _CHIEF.format(p1="He", p2="he", p3="he"))
    b = make("b", "two.example", _CHIEF.format(p1="He", p2="he", p3="he"))
    c = make("c", "three.example", _CHIEF.format(p1="He", p2="she", p3="he"))
    flagged = flags_of(compare(a, b, c), "pronoun_gender")
    assert flagged == [("c", "she")]


def test_she_for_another_woman_in_the_sentence_is_not_flagged():
    text = ("Fire Chief Tomas Brenner said the depot was lost within the first hour. He said the crews had "
            "worked through the night. Brenner met council member Ana Duarte, and she said the city would pay "
            "for two more engines. He thanked the crews. Officials thanked him for his work.")
    a, b = make("a", "one.example", text), make("b", "two.example", text)
    c = make("c", "three.example", text.replace("council member Ana Duarte", "his wife"))
    assert flags_of(compare(a, b, c), "pronoun_gender") == []


_SHIFT = ("Mr. Brenner, the fire chief, spoke to reporters at the depot on Tuesday. “The roof went first and "
          "the walls held until noon,” Brenner said. {p} added, “We kept it from spreading to the homes.” "
          "{extra}Mr. Brenner will report to the council.")


def test_wrong_gender_cue_for_a_speaker_the_story_gives_by_honorifics_is_flagged():
    a = make("a", "one.example", _SHIFT.format(p="He", extra=""))
    b = make("b", "two.example", _SHIFT.format(p="He", extra=""))
    c = make("c", "three.example", _SHIFT.format(p="She", extra=""))
    assert flags_of(compare(a, b, c), "pronoun_gender") == [("c", "She")]


def test_she_after_a_woman_named_between_is_not_flagged():
    a = make("a", "one.example", _SHIFT.format(p="He", extra=""))
    b = make("b", "two.example", _SHIFT.format(p="He", extra=""))
    text = _SHIFT.format(p="She", extra="").replace(" Brenner said.", " Brenner said, and council member Ana "
                                                                       "Duarte nodded.")
    assert flags_of(compare(a, b, make("c", "three.example", text)), "pronoun_gender") == []


_PIECES = ("Harbour master Olaf Grint criticised the dredging plan on Monday. Grint called it a waste of money, "
           "and he said the channel was deep enough. He argued that the funds should go to the sea wall.\n\n"
           "“Nobody asked the pilots,” {p} told reporters. “We would have said no.”")


def test_a_cue_between_two_pieces_of_one_quotation_is_judged_as_the_writers():
    """The cue sits inside the quotation's overall span but between its pieces: it is the writer's word."""
    story = compare(make("a", "one.example", _PIECES.format(p="she")))
    assert flags_of(story, "pronoun_gender") == [("a", "she")]


def test_a_cue_between_two_pieces_after_a_woman_named_is_not_flagged():
    text = _PIECES.format(p="she").replace("He argued", "Pilot Marta Oyelaran agreed. He argued")
    assert flags_of(compare(make("a", "one.example", text)), "pronoun_gender") == []


_ROLE = ("Harbour spokeswoman Ana Duarte answered questions about the ferry on Tuesday.{extra} {p} said the ferry "
         "would run again on Sunday once the ramp was repaired.")


def test_a_gendered_role_before_the_name_settles_the_speakers_gender():
    """"spokeswoman Ana Duarte" says who she is as an honorific does; the cue pronoun alone is on trial."""
    story = compare(make("a", "one.example", _ROLE.format(extra="", p="He")),
                    make("b", "two.example", _ROLE.format(extra="", p="She")))
    assert flags_of(story, "pronoun_gender") == [("a", "He")]


def test_a_man_named_after_the_gendered_speaker_is_a_rival_referent():
    extra = " Duarte stood beside the mayor, Tomas Brenner."
    story = compare(make("a", "one.example", _ROLE.format(extra=extra, p="He")),
                    make("b", "two.example", _ROLE.format(extra="", p="She")))
    assert flags_of(story, "pronoun_gender") == []


def test_hashtags_handles_and_acronyms_are_not_people_a_pronoun_refers_to():
    from newsweave.compare.signals import _not_a_name

    text = "She posted #standfirm and tagged @HarbourNews; the NAACP replied to Duarte."
    assert [_not_a_name(text, text.index(w)) for w in ("standfirm", "HarbourNews", "NAACP", "Duarte")] == [
        True, True, True, False]


# ----------------------------------------------------------------------------- number_conflict

def test_two_amounts_in_one_sentence_are_not_paired_crosswise():
    a = make("a", "one.example", "The bill sets military spending at $716 billion, up from $700 billion last year, "
                                 "the committee said on Tuesday.")
    b = make("b", "two.example", "The bill sets military spending at $716 billion, up from $700 billion a year ago, "
                                 "the committee said Tuesday.")
    c = make("c", "three.example", "The committee said on Tuesday that the bill sets military spending at "
                                   "$716 billion for next year.")
    story = compare(a, b, c)
    assert flags_of(story, "number_conflict") == []


def test_one_amount_told_in_differently_worded_sentences_is_a_conflict():
    a = make("a", "one.example", "Talks stalled again on Friday. The mayor wants $5.7 million for the harbour seawall "
                                 "before winter. The council has offered $1.2 million for road repairs.")
    b = make("b", "two.example", "Negotiators left City Hall without a deal, as the mayor insisted on his demand of "
                                 "$6.7 million in funds for a harbour seawall. Road repairs would get $1.2 million.")
    assert [f[0] for f in flags_of(compare(a, b), "number_conflict")] == ["a", "b"]


def test_amounts_for_different_things_in_unlike_sentences_are_not_paired():
    a = make("a", "one.example", "Talks stalled again on Friday. The mayor wants $5.7 million for the harbour seawall "
                                 "before winter. The council has offered $1.2 million for road repairs.")
    b = make("b", "two.example", "Negotiators left City Hall without a deal. The school board separately asked "
                                 "for $6.7 million to rebuild a gymnasium. Road repairs would get $1.2 million.")
    assert flags_of(compare(a, b), "number_conflict") == []


_PIER = " The harbour board spent $2 million on the new pier."
_VOLK = ("Councillor Ines Volk, who chaired the harbour board for eleven years before the flood, said she would "
         "{what} to the reserve." + _PIER)


def test_one_amount_in_sentences_about_the_same_person_worded_differently_is_a_conflict():
    a = make("a", "one.example", _VOLK.format(what="repay the $94,000"))
    b = make("b", "two.example", "Volk has promised to repay the $84,000 taken from the reserve." + _PIER)
    assert sorted(flags_of(compare(a, b), "number_conflict")) == [("a", "$94,000"), ("b", "$84,000")]


def test_two_amounts_about_the_same_person_for_different_things_are_not_paired():
    a = make("a", "one.example", _VOLK.format(what="spend $94,000 on new street lamps").replace(" to the reserve", ""))
    b = make("b", "two.example", "Volk has promised to repay the $84,000 taken from the reserve." + _PIER)
    assert flags_of(compare(a, b), "number_conflict") == []


def test_a_figure_the_article_also_gives_is_another_claim_not_a_conflict():
    a = make("a", "one.example", "The program costs $800 billion over ten years, the budget office said. "
                                 "A smaller version would cost $500 billion.")
    b = make("b", "two.example", "A smaller version of the program would cost $500 billion over ten years, "
                                 "the budget office said.")
    assert flags_of(compare(a, b), "number_conflict") == []


def test_one_quantity_with_different_values_is_flagged_on_both_when_even():
    a = make("a", "one.example", "Officials evacuated 214 residents from the harbor district on Monday night.")
    b = make("b", "two.example", "Officials evacuated 241 residents from the harbor district on Monday night.")
    assert sorted(flags_of(compare(a, b), "number_conflict")) == [("a", "214 residents"), ("b", "241 residents")]


# ----------------------------------------------------------------------------- quotes: drift, excerpts, cuts

_QUOTE = "We will not let anyone return home until the air is safe to breathe. Our first duty is to the families"


def _quoted(aid: str, quote: str, who: str = "Mayor Petra Vantreck") -> Article:
    return make(aid, f"{aid}.example", f"The depot burned overnight in Oldmere.\n\n“{quote},” said {who}.\n\n"
                                       "Crews stayed at the site until dawn.")


def test_a_changed_word_inside_a_quotation_is_drift_on_the_changed_copy():
    story = compare(_quoted("a", _QUOTE), _quoted("b", _QUOTE), _quoted("c", _QUOTE.replace("safe", "clean")))
    drift = [f for f in story["flags"] if f["kind"] == "wording_drift"]
    assert [(f["article"], f["text"]) for f in drift] == [("c", "clean")]
    assert "'safe' → 'clean'" in drift[0]["reason"]


def test_an_excerpt_is_a_difference_not_drift():
    story = compare(_quoted("a", _QUOTE), _quoted("b", _QUOTE.split(". ")[0]))
    assert flags_of(story, "wording_drift") == []
    assert [(d["kind"], d["article"]) for d in story["differences"]] == [("quote_excerpt", "b")]
    group = next(g for g in story["quotes"] if len(g["articles"]) == 2)
    assert "excerpt" in group["flags"] and "wording_drift" not in group["flags"]


def test_a_cut_marked_by_an_ellipsis_is_an_omission_not_drift():
    cut = "We will not let anyone return home … Our first duty is to the families"
    story = compare(_quoted("a", _QUOTE), _quoted("b", _QUOTE), _quoted("c", cut))
    assert flags_of(story, "wording_drift") == []
    assert ("quote_omission", "c") in {(d["kind"], d["article"]) for d in story["differences"]}


def test_a_changed_word_where_the_other_version_goes_on_past_a_sentence_end_is_drift():
    """"… safe to breathe. Our first duty …" / "… safe to inhale": the changed last word, then an excerpt."""
    story = compare(_quoted("a", _QUOTE), _quoted("b", _QUOTE),
                    _quoted("c", "We will not let anyone return home until the air is safe to inhale"))
    assert flags_of(story, "wording_drift") == [("c", "inhale")]


def test_a_different_ending_away_from_any_boundary_is_an_excerpt_not_drift():
    story = compare(_quoted("a", _QUOTE), _quoted("b", _QUOTE),
                    _quoted("c", "We will not let anyone return home until the smoke clears"))
    assert flags_of(story, "wording_drift") == []
    assert ("quote_excerpt", "c") in {(d["kind"], d["article"]) for d in story["differences"]}


def test_a_changed_word_beside_a_passage_only_one_outlet_carries_is_drift():
    """The changed word ends a quoted piece; the passage after it, only this outlet's, is an omission elsewhere."""
    said = "Nobody goes home until the air is safe. Our first duty is to the families"
    c = make("c", "c.example", "The depot burned overnight in Oldmere.\n\n“Nobody goes home until the air is clean,” "
                               "said Mayor Petra Vantreck. “Crews will test it every day and every night. Our first "
                               "duty is to the families.”")
    story = compare(_quoted("a", said), _quoted("b", said), c)
    assert flags_of(story, "wording_drift") == [("c", "clean")]


_PARTIAL = ("Mayor Petra Vantreck said on Tuesday that the crews had “worked through the night to save the depot” "
            "before the roof fell at dawn.")


def test_reported_speech_around_a_partial_quote_is_not_compared_as_quoted_words():
    story = compare(make("a", "a.example", _PARTIAL), make("b", "b.example", _PARTIAL),
                    _quoted("c", "The crews worked through the night to save the depot"))
    assert flags_of(story, "wording_drift") == []


def test_a_changed_word_inside_a_partial_quote_is_drift():
    story = compare(make("a", "a.example", _PARTIAL), make("b", "b.example", _PARTIAL.replace("night", "day")),
                    _quoted("c", "The crews worked through the night to save the depot"))
    assert flags_of(story, "wording_drift") == [("b", "day")]


def test_punctuation_only_differences_are_not_drift():
    hyphen = _QUOTE.replace("first duty", "first-duty")
    story = compare(_quoted("a", _QUOTE), _quoted("b", hyphen))
    assert flags_of(story, "wording_drift") == []


def test_an_identical_variant_shows_its_punctuation():
    story = compare(_quoted("a", _QUOTE), _quoted("b", _QUOTE))
    group = next(g for g in story["quotes"] if len(g["articles"]) == 2)
    for variant in group["variants"]:
        assert [op["op"] for op in variant["diff"]] == ["equal"]
        assert "breathe." in variant["diff"][0]["variant"]


def test_two_different_quotations_of_one_speaker_are_two_groups():
    first = "We will open the terminal to every ferry company that meets the safety rules by the summer"
    second = "The safety of the families on the harbor will always come first for the city and for me"
    story = compare(_quoted("a", first), _quoted("b", second))
    assert all(len(g["articles"]) == 1 for g in story["quotes"])
    assert flags_of(story, "wording_drift") == []


# ----------------------------------------------------------------------------- speakers

def test_a_quotation_given_to_another_named_person_is_flagged_on_that_outlet():
    story = compare(_quoted("a", _QUOTE), _quoted("b", _QUOTE), _quoted("c", _QUOTE, "Fire Chief Jalen Osei"))
    flagged = [f for f in story["flags"] if f["kind"] == "speaker_mismatch"]
    assert [f["article"] for f in flagged] == ["c"]
    assert "Jalen Osei" in flagged[0]["reason"] and "Petra Vantreck" in flagged[0]["reason"]


def _he_said(aid: str) -> Article:
    return make(aid, f"{aid}.example", "Fire Chief Jalen Osei said the depot was lost within the first hour. "
                                       f"“{_QUOTE},” he said.\n\nCrews stayed at the site until dawn.")


def test_a_quotation_another_outlet_gives_by_a_resolved_pronoun_is_flagged_on_the_renamed_one():
    story = compare(_he_said("a"), _he_said("b"), _quoted("c", _QUOTE))
    assert [f["article"] for f in story["flags"] if f["kind"] == "speaker_mismatch"] == ["c"]


def test_a_resolved_pronoun_does_not_outvote_outlets_that_name_another_speaker():
    story = compare(_he_said("a"), _quoted("c", _QUOTE), _quoted("d", _QUOTE))
    assert [f for f in story["flags"] if f["kind"] == "speaker_mismatch"] == []


def _unattributed(aid: str) -> Article:
    return make(aid, f"{aid}.example", f"The depot burned overnight in Oldmere.\n\n“{_QUOTE}.”\n\n"
                                       "Crews stayed at the site until dawn.")


def test_a_named_speaker_against_a_resolved_pronoun_on_a_tie_is_flagged_saying_nothing_settles_it():
    """One outlet names Vantreck, another's "he said" is Osei, a third gives no speaker: the named cue
    is flagged with the disagreement, whichever side the tie-break took."""
    for first in ("a", "c"):
        arts = {"a": _he_said("a"), "c": _quoted("c", _QUOTE), "u": _unattributed("u")}
        story = compare(arts[first], *[a for k, a in arts.items() if k != first])
        flagged = [f for f in story["flags"] if f["kind"] == "speaker_mismatch"]
        assert [f["article"] for f in flagged] == ["c"]
        assert "Jalen Osei" in flagged[0]["reason"] and "Petra Vantreck" in flagged[0]["reason"]


_REPORTED = ("The depot burned overnight in Oldmere. {who} told reporters that {quote} and that crews would stay "
             "at the site until dawn.")


def test_a_quoted_passage_in_reported_speech_given_to_another_person_is_flagged():
    passage = "“no family will return home until the air is safe to breathe again”"
    story = compare(make("a", "a.example", _REPORTED.format(who="Mayor Petra Vantreck", quote=passage)),
                    make("b", "b.example", _REPORTED.format(who="Mayor Petra Vantreck", quote=passage)),
                    _quoted("c", "No family will return home until the air is safe to breathe again", "Jalen Osei"))
    assert [f["article"] for f in story["flags"] if f["kind"] == "speaker_mismatch"] == ["c"]


def test_a_short_phrase_in_reported_speech_from_two_people_is_not_a_mismatch():
    phrase = "the plan was “a reckless power grab”"
    story = compare(make("a", "a.example", _REPORTED.format(who="Mayor Petra Vantreck", quote=phrase)),
                    make("b", "b.example", _REPORTED.format(who="Mayor Petra Vantreck", quote=phrase)),
                    _quoted("c", "It is a reckless power grab", "Jalen Osei"))
    assert [f for f in story["flags"] if f["kind"] == "speaker_mismatch"] == []


def test_a_changed_speaker_in_a_copy_is_flagged_on_the_copy_not_the_original():
    original = _quoted("orig", _QUOTE, "Fire Chief Jalen Osei")
    original.text = original.text + "\n\nThe city will publish the inspection reports for the depot next week."
    copy = make("copy", "copy.example", original.text.replace("Fire Chief Jalen Osei", "Mayor Petra Vantreck")
                .rsplit("\n\n", 1)[0])
    # the copy (a partial one) is dated earlier, yet it is the one that changed the quotation's speaker
    original.published = datetime(2025, 5, 6, 9, tzinfo=timezone.utc)
    copy.published = datetime(2025, 5, 6, 8, tzinfo=timezone.utc)
    story = compare(copy, original)
    assert [f["article"] for f in story["flags"] if f["kind"] == "speaker_mismatch"] == ["copy"]


def test_a_document_as_source_is_neither_a_flag_nor_an_unresolved_speaker():
    text = ("The depot burned overnight in Oldmere.\n\n“The operator ignored four inspection warnings,” "
            "the indictment said.\n\nCrews stayed at the site until dawn.")
    story = compare(make("a", "one.example", text), make("b", "two.example", text))
    assert not [d for d in story["differences"] if d["kind"] == "speaker_unresolved"]
    assert not story["flags"]


# ----------------------------------------------------------------------------- direction and signals

def test_original_is_decided_by_containment_before_dates():
    full = make("full", "full.example", " ".join(
        f"Paragraph {n} of the report describes the ferry terminal works in the harbor district in detail."
        for n in range(1, 13)), "2025-05-06T10:00:00")
    partial = make("partial", "partial.example", full.text[: len(full.text) * 3 // 4], "2025-05-06T09:00:00")
    story = compare(partial, full)
    reprint = {t["article"]: t["reprint_of"] for t in story["timeline"]}
    assert reprint == {"partial": "full", "full": None}


def test_signs_of_one_kind_in_a_professional_article_are_not_flags():
    text = "He said “yes ” to the plan, and the council agreed on Tuesday. The ferry will run from May."
    story = compare(make("a", "one.example", text), make("b", "two.example", text.replace(" ”", "”")))
    assert flags_of(story, "mt_signal") == []
    reasons = {r["signal"] for s in story["signals"] for r in s["reasons"]}
    assert "space_before_closing_quote" in reasons  # still listed as information


def test_flag_and_difference_kinds_do_not_overlap():
    assert not set(FLAG_KINDS) & set(DIFFERENCE_KINDS)
    assert "speaker_unresolved" in DIFFERENCE_KINDS


@pytest.mark.parametrize("kind", ["name_variant", "pronoun_gender", "number_conflict", "speaker_mismatch",
                                  "wording_drift"])
def test_every_flag_kind_is_listed(kind):
    assert kind in FLAG_KINDS


def test_independent_outlets_evenly_split_are_both_flagged():
    # two outlets in their own words (not copies of one text): nothing says which wording is right
    other = make("b", "b.example", "Firefighters fought a blaze at a freight depot in Oldmere through Tuesday night, "
                                   "and hundreds of families spent the night in a sports hall.\n\n"
                                   f"“{_QUOTE.replace('safe', 'clean')},” Mayor Petra Vantreck told reporters.")
    story = compare(_quoted("a", _QUOTE), other)
    drift = sorted((f["article"], f["text"]) for f in story["flags"] if f["kind"] == "wording_drift")
    assert drift == [("a", "safe"), ("b", "clean")]


def test_an_excerpt_without_the_changed_part_does_not_outvote_a_two_outlet_disagreement():
    """Two outlets differ on one word; the third carries only the quotation's first sentence: nothing
    settles which wording is right, so both sides are flagged."""
    other = make("b", "b.example", "Firefighters fought a blaze at a freight depot in Oldmere through Tuesday night.\n\n"
                                   f"“{_QUOTE.replace('families', 'workers')},” Mayor Petra Vantreck told reporters.")
    story = compare(_quoted("a", _QUOTE), other, _quoted("c", _QUOTE.split(". ")[0]))
    drift = sorted((f["article"], f["text"]) for f in story["flags"] if f["kind"] == "wording_drift")
    assert drift == [("a", "families"), ("b", "workers")]


def test_accents_and_another_person_after_a_title_are_not_name_variants():
    base = "President Jovenel Moise of Haiti met aide Matt Mika on Tuesday. Moise thanked Mika for his work."
    a, b = make("a", "one.example", base), make("b", "two.example", base)
    c = make("c", "three.example", base.replace("Moise", "Moïse") + " Rep. Mike Doyle praised the meeting.")
    assert flags_of(compare(a, b, c), "name_variant") == []


def test_ranks_and_truncated_amounts_are_not_number_conflicts():
    a = make("a", "one.example", "Democrats re-elected Steny Hoyer to the No. 2 position on Tuesday. "
                                 "The Clintons paid $43 million in federal taxes since 2007, the returns show.")
    b = make("b", "two.example", "Democrats re-elected Steny Hoyer on Tuesday, and Jim Clyburn kept the No. 3 position. "
                                 "The Clintons paid $43,885,310 in federal taxes since 2007, the returns show.")
    assert flags_of(compare(a, b), "number_conflict") == []


def test_cue_debris_opening_with_a_clause_word_is_not_a_person():
    from newsweave.compare.quotes import _person_like

    assert [_person_like(n) for n in ("After Biden", "When Osei", "Jalen Osei", "Osei")] == [False, False, True, True]


def test_an_abbreviations_period_is_no_lowercase_sentence_start():
    """"Trump Jr. said" is house style, not a sign of machine translation; "the vote. then" is one."""
    from newsweave.compare.signals import _pattern_findings

    text = "Harbour master Olaf Grint Jr. said the pier was safe. Sen. ines Volk agreed. The vote passed. then it rained."
    found = [text[f.start:f.end] for f in _pattern_findings(make("a", "one.example", text))
             if f.data["signal"] == "lowercase_sentence_start"]
    assert found == ["then"]
