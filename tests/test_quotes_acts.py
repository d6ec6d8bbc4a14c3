"""What a quote reports (act), who its source is (speaker type), and the default filter.

Each false-quote class seen on real news has a case that must not reach the
default output; the true look-alikes next to them must stay. Fictional names only.
"""

from __future__ import annotations

import json

import pytest

from newsweave.enrich.quotes import extract_quotes, quote_from_dict, quote_to_dict
from newsweave.enrich.quotes.acts import act_of_words, cue_act
from newsweave.model import Quote, Span


@pytest.fixture(scope="module")
def nlp():
    from newsweave.enrich.quotes import _nlp

    return _nlp()


def _quotes(text: str, nlp) -> list[Quote]:
    return extract_quotes(text, nlp=nlp).quotes


def _shown(text: str, nlp) -> list[Quote]:
    return [q for q in _quotes(text, nlp) if q.is_listed]


# --------------------------------------------------------------------------- false quotes: not shown by default


@pytest.mark.parametrize("text", [
    "Mayor Ilse Brandt went against the council by withdrawing the bridge plan.",
    "Councillor Tomas Ardent is challenging Mayor Ilse Brandt in the spring election.",
    "Mayor Ilse Brandt fired the harbour director last week.",
    "Asked about the budget, Mayor Ilse Brandt smiled.",
    "Mayor Ilse Brandt declined to comment on whether the bridge would reopen.",
])
def test_verbs_that_report_nothing_are_not_shown(text, nlp):
    assert _shown(text, nlp) == []
    assert all(q.act == "other" for q in _quotes(text, nlp))


@pytest.mark.parametrize("text", [
    "Ardenville voted on Tuesday.\n\nREAD MORE: Council says the budget is balanced",
    "The mayor visited the harbour.\n\nPHOTO: Mayor Ilse Brandt said the harbour is safe, in Ardenville on Monday.",
])
def test_captions_and_link_lines_are_not_shown(text, nlp):
    quotes = [q for q in _quotes(text, nlp) if q.cue is not None and q.cue.of(text) in ("says", "said")]
    assert quotes, "the rules still find the attribution; it is labelled, not lost"
    assert _shown(text, nlp) == []
    assert all(q.act == "other" and "caption" in q.reason for q in quotes)


@pytest.mark.parametrize("text", [
    "Harbour officials felt that the storm wall was too low.",
    "Mayor Ilse Brandt believes that the storm wall is too low.",
])
def test_beliefs_and_feelings_are_thoughts_not_shown(text, nlp):
    quotes = _quotes(text, nlp)
    assert quotes and all(q.act == "thought" for q in quotes)
    assert _shown(text, nlp) == []
    assert all(q.confidence < 0.5 for q in quotes)


@pytest.mark.parametrize("text", [
    "The finding that rents rose surprised economists.",
    "Councillor Tomas Ardent rejected the claim that the harbour was unsafe.",
])
def test_a_noun_with_a_that_clause_is_nominal_not_shown(text, nlp):
    quotes = _quotes(text, nlp)
    assert quotes and all(q.act == "nominal" for q in quotes)
    assert _shown(text, nlp) == []


def test_a_light_verb_with_a_saying_noun_is_speech(nlp):
    text = "Councillor Tomas Ardent made the claim that the harbour was unsafe."
    shown = _shown(text, nlp)
    assert len(shown) == 1 and shown[0].act == "speech" and shown[0].speaker == "Tomas Ardent"


def test_a_dateline_is_not_the_speaker(nlp):
    text = "ARDENVILLE — Mayor Ilse Brandt said on Sunday that the bridge would reopen in May."
    shown = _shown(text, nlp)
    assert len(shown) == 1
    q = shown[0]
    assert q.speaker == "Ilse Brandt" and q.speaker_type == "person"
    assert "ARDENVILLE" not in q.source.of(text)


def test_the_noun_a_participle_belongs_to_is_the_speaker(nlp):
    text = "The parole board decision allowing his release said the inmate had shown remorse."
    quotes = _quotes(text, nlp)
    assert len(quotes) == 1
    q = quotes[0]
    assert q.source.of(text).startswith("The parole board decision")
    assert q.speaker_type == "document" and q.act == "writing" and q.is_reported


def test_an_unresolved_pronoun_speaker_is_kept_but_not_shown(nlp):
    text = "He said the bridge would reopen in May."
    quotes = _quotes(text, nlp)
    assert quotes and quotes[0].act == "speech" and quotes[0].speaker_type == "unresolved"
    assert _shown(text, nlp) == []


# --------------------------------------------------------------------------- true look-alikes: shown


def test_said_he_knows_is_speech_by_the_sayer(nlp):
    text = "Mayor Ilse Brandt said she knows the harbour better than anyone."
    shown = _shown(text, nlp)
    assert len(shown) == 1
    q = shown[0]
    assert q.act == "speech" and q.speaker == "Ilse Brandt" and q.speaker_type == "person"
    assert q.content.of(text).startswith("she knows") and q.cue.of(text) == "said"
    assert q.confidence >= 0.9


def test_wrote_in_a_statement_that_is_writing_by_an_organisation(nlp):
    text = "The harbour authority wrote in a statement that it would appeal the ruling."
    shown = _shown(text, nlp)
    assert len(shown) == 1
    q = shown[0]
    assert q.act == "writing" and q.speaker_type == "organisation"
    assert q.source.of(text) == "The harbour authority" and q.confidence >= 0.8


def test_a_direct_quotation_with_a_named_speaker_is_speech(nlp):
    text = "“We will rebuild the pier,” said Dara Oko, director of the port."
    shown = _shown(text, nlp)
    assert len(shown) == 1 and shown[0].act == "speech" and shown[0].speaker == "Dara Oko"


def test_a_report_that_found_is_writing_a_person_who_found_is_thought():
    found = [("found", "VBD", "ROOT")]
    assert cue_act(found, "A new harbour study") == "writing"
    assert cue_act(found, "Mayor Ilse Brandt") == "thought"
    assert cue_act([("revealed", "VBD", "ROOT")], "Mayor Ilse Brandt") == "speech"


@pytest.mark.parametrize("words, act", [
    ([("did", "VBD", "aux"), ("not", "RB", "neg"), ("back", "VB", "ROOT"), ("down", "RP", "prt"), (",", ",", "punct"),
      ("saying", "VBG", "advcl")], "speech"),
    ([("declined", "VBD", "ROOT"), ("to", "TO", "aux"), ("comment", "VB", "xcomp")], "other"),
    ([("was", "VBD", "auxpass"), ("charged", "VBN", "ROOT")], "other"),
    ([("tweeted", "VBN", "ROOT")], "writing"),
    ([("said", "VBD", "ROOT"), ("Saturday", "NNP", "npadvmod")], "speech"),
    ([("had", "VBD", "aux"), ("blamed", "VBN", "ROOT")], "speech"),
    ([("according", "VBG", "prep"), ("to", "IN", "prep")], "speech"),
    ([("made", "VBD", "ROOT"), ("sweeping", "JJ", "amod"), ("statements", "NNS", "dobj")], "speech"),
    ([("questions", "NNS", "nsubj"), ("about", "IN", "prep")], "nominal"),
    ([("tweeted", "VBD", "ROOT")], "writing"),
    ([("knows", "VBZ", "ROOT")], "thought"),
    ([("loves", "VBZ", "ROOT")], "other"),
])
def test_act_of_cue_words(words, act):
    assert act_of_words(words)[0] == act


def test_act_and_speaker_type_round_trip_through_dicts():
    q = Quote(article_id="a", kind="indirect", content=Span(10, 20), cue=Span(5, 9), source=Span(0, 4),
              act="thought", speaker_type="group")
    d = json.loads(json.dumps(quote_to_dict(q)))
    assert d["act"] == "thought" and d["speaker_type"] == "group" and d["cue"] == [5, 9] and d["source"] == [0, 4]
    assert quote_from_dict(d) == q


def test_compare_groups_only_reported_speech_and_writing():
    from datetime import datetime, timezone

    from newsweave.compare import compare_articles
    from newsweave.enrich.quotes import QuoteAnalysis
    from newsweave.model import Article

    text = ("“The pier will reopen in May,” said Dara Oko, the port director.\n\n"
            "PHOTO: “A view of the harbour from the old lighthouse at dawn”")
    said = Span(1, text.index("May") + 4)
    caption = Span(text.index("A view"), text.rindex("dawn") + 4)
    articles, analyses = [], {}
    for aid, outlet in (("x1", "north.example"), ("x2", "south.example")):
        articles.append(Article(id=aid, source=outlet, origin=f"{aid}.txt", input_format="text", raw=text.encode(),
                                text=text, extracted_text=text, published=datetime(2025, 4, 1, tzinfo=timezone.utc)))
        analyses[aid] = QuoteAnalysis(quotes=[
            Quote(article_id=aid, kind="direct", content=said, speaker="Dara Oko", confidence=0.95,
                  act="speech", speaker_type="person"),
            Quote(article_id=aid, kind="direct", content=caption, confidence=0.1, act="other"),
        ])
    groups = compare_articles(articles, analyses=analyses, method="lexical")["quotes"]
    texts = [v["text"] for g in groups for v in g["variants"]]
    assert any("pier will reopen" in t for t in texts)
    assert not any("lighthouse" in t for t in texts)


def test_said_with_a_day_before_the_that_clause_stays_speech(nlp):
    text = "Harbour officials said Saturday that the storm wall held."
    shown = _shown(text, nlp)
    assert len(shown) == 1 and shown[0].act == "speech" and shown[0].speaker_type == "group"


def test_a_photo_credit_does_not_swallow_the_quote_beside_it(nlp):
    text = 'The harbour reopened. (Photo: Tomas Ardent/Harbour Post) "We are ready," Mayor Ilse Brandt said.'
    shown = _shown(text, nlp)
    assert len(shown) == 1 and "We are ready" in shown[0].content.of(text)
    assert shown[0].speaker == "Ilse Brandt" and shown[0].act == "speech"


def test_a_photo_label_is_never_a_source(nlp):
    text = 'Ilse Brandt speaks to supporters in Ardenville, Iowa. (Photo: John Roe/AP) "We are ready," she said.'
    quotes = _quotes(text, nlp)
    assert not any(q.source is not None and q.source.of(text) == "Photo" for q in quotes)
    assert any(q.cue is not None and q.cue.of(text) == "said" and "We are ready" in q.content.of(text) for q in quotes)


def test_said_in_a_statement_that_is_writing_not_a_noun_clause(nlp):
    text = "Kestrel Polymers, which employs 140 people, said in a statement that it regretted the disruption."
    shown = _shown(text, nlp)
    assert len(shown) == 1 and shown[0].act == "writing" and shown[0].speaker_type == "organisation"
