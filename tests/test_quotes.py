"""Quotation extraction and attribution (issue 4): typography, speakers, pronouns, people."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsweave.enrich.quotes import QuoteAnalysis, extract_quotes, quotes_for_article
from newsweave.enrich.quotes.marks import find_regions
from newsweave.model import Article

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "seeds"


@pytest.fixture(scope="session")
def nlp():
    from newsweave.enrich.quotes import _nlp

    return _nlp()


@pytest.fixture(scope="session")
def ex(nlp):
    def run(text: str) -> QuoteAnalysis:
        return extract_quotes(text, nlp=nlp)

    return run


def _q(text: str, analysis: QuoteAnalysis, needle: str):
    hits = [q for q in analysis.quotes if needle in text[q.content.start : q.content.end]]
    assert hits, f"no quote containing {needle!r}: {[text[q.content.start:q.content.end] for q in analysis.quotes]}"
    return hits[0]


def _pieces(text: str, q) -> list[str]:
    return [text[f.start : f.end] for f in (q.fragments or [q.content])]


def _roles(text: str, q) -> dict[str, str | None]:
    """The quote's source, cue and content as the text reads them."""
    roles = (("source", q.source), ("cue", q.cue), ("content", q.content))
    return {role: span.of(text) if span else None for role, span in roles}


def _assert_quote(text: str, analysis: QuoteAnalysis, needle: str, pieces: list[str], speaker: str):
    """The quote containing ``needle`` has exactly these pieces and this speaker."""
    q = _q(text, analysis, needle)
    assert _pieces(text, q) == pieces
    assert q.speaker == speaker
    return q


# --------------------------------------------------------------------------- typography


@pytest.mark.parametrize(
    "text, inner",
    [
        ("“We are ready for the storm,” Jane Doe said.", "We are ready for the storm,"),
        ('"We are ready for the storm," Jane Doe said.', "We are ready for the storm,"),
        ("«We are ready for the storm», Jane Doe said.", "We are ready for the storm"),
        ("„We are ready for the storm“, Jane Doe said.", "We are ready for the storm"),
        ("»We are ready for the storm«, Jane Doe said.", "We are ready for the storm"),
        ("“He told me ‘never again’ and left,” Jane Doe said.", "He told me ‘never again’ and left,"),
    ],
)
def test_typographic_conventions(ex, text, inner):
    q = _q(text, ex(text), inner[:10])
    assert _roles(text, q) == {"source": "Jane Doe", "cue": "said", "content": inner}
    assert q.kind == "direct" and q.speaker == "Jane Doe"


def test_content_excludes_marks_and_spans_index_the_string(ex):
    text = "Intro line.\n\n“Taxes will fall next year,” said Finance Minister Ana Ruiz."
    a = ex(text)
    q = _q(text, a, "Taxes")
    assert text[q.content.start - 1] == "“"
    assert q.content.of(text) == "Taxes will fall next year,"
    assert q.speaker == "Ana Ruiz"
    assert "Finance Minister" in (q.speaker_description or "")
    assert all(q.article_id == "" for q in a.quotes)


def test_interrupted_quote_has_fragments(ex):
    text = "“The bridge is safe,” Mayor Tom Hale said on Monday, “and it will reopen soon.”"
    _assert_quote(text, ex(text), "bridge", ["The bridge is safe,", "and it will reopen soon."], "Tom Hale")


def test_follow_on_quote_sentence_joins_the_quote(ex):
    text = "“The plan works,” said Rosa Lind, an engineer. “We tested it twice.”"
    a = ex(text)
    q = _q(text, a, "plan works")
    assert _pieces(text, q)[-1] == "We tested it twice."
    assert q.speaker == "Rosa Lind"
    assert "engineer" in q.speaker_description


def test_multi_paragraph_quote_english_style(ex):
    text = (
        "The company issued a statement.\n\n"
        "“We are deeply sorry for what happened to our neighbours last night.\n\n"
        "“We will pay for every hotel room,” said spokesperson Nadia Ferro."
    )
    regions = find_regions(text)
    assert len(regions) == 1 and len(regions[0].pieces) == 2
    pieces = ["We are deeply sorry for what happened to our neighbours last night.", "We will pay for every hotel room,"]
    _assert_quote(text, ex(text), "deeply sorry", pieces, "Nadia Ferro")


def test_orphan_closing_mark_opens_at_paragraph_start(ex):
    text = "Thank you for trusting me. This is a hard task, ”Maria Stone said Tuesday."
    a = ex(text)
    q = _q(text, a, "Thank you")
    assert q.content.of(text).startswith("Thank you for trusting me")
    assert q.speaker == "Maria Stone"


@pytest.mark.parametrize(
    "text",
    [
        "“Unclosed quote at the end, he said",
        'He said "one" and then "two and "three',
        "”””“““",
        "« » « »»",
        "“\n\n“\n\n”",
        "'",
        "",
        "   \n\n  ",
        "a ” b “ c ” d “",
    ],
)
def test_unbalanced_marks_do_not_raise(ex, text):
    a = ex(text)
    for q in a.quotes:
        assert 0 <= q.content.start <= q.content.end <= len(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            ["“", "”", '"', "'", "‘", "’", "«", "»", "„", " ", "\n\n", "said", "Anna Berg", "he", "she", ".", ",",
             "We won", "Yes", ":", "according to", "Mr.", "—", "x"]
        ),
        max_size=40,
    ).map(" ".join)
    | st.text(max_size=200)
)
def test_no_input_raises(ex, text):
    a = ex(text)
    n = len(text)
    for q in a.quotes:
        for sp in [q.content, q.cue, q.source, *q.fragments]:
            if sp is not None:
                assert 0 <= sp.start <= sp.end <= n


# --------------------------------------------------------------------------- attribution


def test_speaker_before_quote_with_colon(ex):
    text = "Senator Lea Moor said: “The vote is a disgrace and I will appeal it.”"
    a = ex(text)
    q = _q(text, a, "vote is a disgrace")
    assert q.speaker == "Lea Moor"


def test_said_name_comma_description(ex):
    text = "“The problem is old,” said Ben Rohr, director for border security at the council."
    a = ex(text)
    q = _q(text, a, "problem is old")
    assert q.source.of(text).startswith("Ben Rohr")
    assert q.speaker == "Ben Rohr"
    assert "director for border security" in q.speaker_description


def test_name_said_weekday(ex):
    text = "“We can do both things at once,” Carla Diaz said Wednesday."
    q = _q(text, ex(text), "both things")
    assert q.speaker == "Carla Diaz" and q.cue.of(text) == "said"


def test_indirect_and_according_to(ex):
    text = (
        "Carla Diaz said that the budget would be balanced by next spring. "
        "According to Tim Ward, the deficit is much larger than reported. "
        "Tim Ward told reporters the numbers were wrong."
    )
    a = ex(text)
    q1 = _q(text, a, "budget would be balanced")
    assert q1.kind == "indirect" and q1.speaker == "Carla Diaz"
    assert q1.content.of(text).startswith("that the budget")
    q2 = _q(text, a, "deficit is much larger")
    assert q2.speaker == "Tim Ward"
    assert q2.cue.of(text).lower() == "according to"
    q3 = _q(text, a, "numbers were wrong")
    assert q3.speaker == "Tim Ward"


def test_mixed_quote(ex):
    text = "Governor Ray Holt called the plan “a betrayal of every family in this state.”"
    a = ex(text)
    q = _q(text, a, "betrayal")
    assert q.kind == "mixed" and q.speaker == "Ray Holt"


def test_unnamed_source_keeps_description(ex):
    text = "“The talks have stalled,” a senior administration official said Wednesday."
    q = _q(text, ex(text), "talks have stalled")
    assert q.speaker is None
    assert q.speaker_description == "a senior administration official"
    assert "unnamed" in q.reason


def test_name_set_beside_the_source_head_is_the_speaker(ex):
    text = (
        "The university welcomed the vote. Its president, Amira Solberg, said students on the east bank "
        "spend up to an hour a day on buses."
    )
    q = _q(text, ex(text), "east bank")
    assert q.speaker == "Amira Solberg" and q.speaker_description == "Its president"
    assert q.confidence == 0.85 and "beside" in q.reason
    # a name after a preposition is whom the source speaks for, not the source
    text = "A spokeswoman for Mayor Ilse Brandvold said the evacuation order would stay in force until Friday."
    q = _q(text, ex(text), "evacuation order")
    assert q.speaker is None and q.speaker_description.startswith("A spokeswoman for")


def test_names_with_diacritics_are_names(ex):
    text = (
        "“We will rebuild the quay,” said Łukasz Wróbel, the harbour master. "
        "Dr. Helena Asztó, the county's deputy health officer, said residents should stay indoors. "
        "Later, Wróbel said the ferry would sail on Friday."
    )
    analysis = ex(text)
    assert _q(text, analysis, "rebuild the quay").speaker == "Łukasz Wróbel"
    assert _q(text, analysis, "stay indoors").speaker == "Helena Asztó"
    assert _q(text, analysis, "ferry would sail").speaker == "Łukasz Wróbel"


def test_speaker_named_in_previous_sentence(ex):
    text = (
        "Fire Chief Tomas Reyes-Hall described a building lost within the first hour. "
        "“The roof went before our second engine arrived.”"
    )
    q = _q(text, ex(text), "roof went")
    assert q.speaker == "Tomas Reyes-Hall"
    assert q.cue is None and q.source is None


def test_continuation_paragraph_inherits_speaker(ex):
    text = "“Prices will rise,” said economist Ada Kern.\n\n“Nobody can stop that now.”"
    a = ex(text)
    q = _q(text, a, "Nobody can stop")
    assert q.speaker == "Ada Kern"


# --------------------------------------------------------------------------- pronouns and people


def test_pronoun_resolves_to_previous_speaker(ex):
    text = (
        "“We will rebuild the school,” said Mayor Ilse Brandt.\n\n"
        "Council member Rafael Dun disagreed with the timetable.\n\n"
        "“It will take two years at least,” he said."
    )
    a = ex(text)
    q = _q(text, a, "two years")
    assert q.speaker == "Rafael Dun"


def test_she_added_after_named_quote(ex):
    text = "Maria Stone said she would visit the harbour. “The river crossing comes first,” she added."
    q = _q(text, ex(text), "river crossing")
    assert q.speaker == "Maria Stone"


def test_salience_beats_gender_and_flags_it(ex):
    """'he said' right after a woman's statement resolves to her (no other person near) and is flagged."""
    text = (
        "Vice President Maria Stone will lead the effort, officials said. She spoke on Monday.\n\n"
        "Stone said earlier in an interview that the council was impatient.\n\n"
        "“Listen, we have been on the job for less than a month,” he said."
    )
    a = ex(text)
    q = _q(text, a, "Listen, we have")
    assert q.speaker == "Maria Stone"
    p = a.person("Maria Stone")
    assert p is not None
    assert p.pronouns.get("she") and p.pronouns.get("he")
    flags = [f for f in a.findings if f.kind == "pronoun_gender"]
    assert flags and flags[0].data["person"] == "Maria Stone"
    assert flags[0].data["he"] and flags[0].data["she"]


def test_gender_breaks_ties_between_candidates(ex):
    text = (
        "President Joe Bright said nobody should doubt that Maria Stone speaks for him. "
        "Maria Stone said she would travel soon."
    )
    a = ex(text)
    stone = a.person("Maria Stone")
    assert stone is not None and "he" not in stone.pronouns
    assert not [f for f in a.findings if f.kind == "pronoun_gender"]


def test_fuzzy_name_variant_is_a_mention(ex):
    text = (
        "Deputy Mayor Marisol Quintero spoke on Monday. Officials said Marisol Quintero would travel. "
        "Officials said Ardent chose Marsol Quintero because of trust."
    )
    a = ex(text)
    p = a.person("Marisol Quintero")
    assert p is not None
    i = text.index("Marsol Quintero")
    assert any(m.start == i for m in p.mentions)
    assert "Marsol Quintero" in p.variants
    assert any(f.kind == "name_variant" for f in a.findings)


def test_role_phrase_and_surname_are_mentions(ex):
    text = (
        "Mayor Marisol Quintero will lead the effort. Quintero said she was ready. "
        "The mayor added that help was coming."
    )
    a = ex(text)
    p = a.person("Marisol Quintero")
    got = {text[m.start : m.end] for m in p.mentions}
    assert {"Marisol Quintero", "Quintero", "The mayor", "she"} <= got


def test_unresolved_speaker_finding(ex):
    text = "The report landed on Monday.\n\n“Nobody saw this coming at all.”"
    a = ex(text)
    q = _q(text, a, "Nobody saw")
    assert q.speaker is None
    f = [f for f in a.findings if f.kind == "speaker_unresolved"]
    assert f and "candidates" in f[0].data and f[0].data["why"]


def test_quotes_for_article_fills_ids(nlp):
    text = "“It works,” said Ada Kern. “Really.”"
    art = Article(id="abc123", source="x", origin="x", input_format="text", raw=b"", text=text)
    a = quotes_for_article(art, nlp=nlp)
    assert a.quotes and all(q.article_id == "abc123" for q in a.quotes)


def test_analysis_round_trips_through_dict(ex):
    text = "“It works,” said Ada Kern. She smiled."
    a = ex(text)
    b = QuoteAnalysis.from_dict(a.to_dict())
    assert [(q.content, q.speaker) for q in b.quotes] == [(q.content, q.speaker) for q in a.quotes]
    assert [p.name for p in b.people] == [p.name for p in a.people]


# --------------------------------------------------------------------------- seeds (skip when absent)


def _seeds(nlp) -> list[tuple[str, QuoteAnalysis]]:
    texts = [f.read_text(encoding="utf-8") for f in sorted(SEEDS.glob("*.txt"))] if SEEDS.exists() else []
    if len(texts) < 2:
        pytest.skip("seed articles not available (../shared/data/seeds)")
    from newsweave.clean import clean_text

    cleaned = [clean_text(t).text for t in texts]  # quotes run on clean text, as in the pipeline
    return [(t, extract_quotes(t, nlp=nlp)) for t in cleaned]


def _gender_flags(a: QuoteAnalysis) -> list:
    return [f for f in a.findings if f.kind == "pronoun_gender"]


def _direct_regions(text: str) -> list[tuple[int, int]]:
    """Quoted passages of at least six words: the seeds' direct quotations."""
    return [(r.start, r.end) for r in find_regions(text) if len(text[r.start : r.end].split()) >= 6]


def _check_every_direct_quote_attributed(text: str, a: QuoteAnalysis) -> None:
    """Every quoted passage is a quote whose speaker is a person of the article, or a described role."""
    names = {p.name for p in a.people}
    for start, end in _direct_regions(text):
        quote = next((q for q in a.quotes if q.kind != "indirect" and q.content.start < end and start < q.content.end),
                     None)
        assert quote is not None, text[start:end][:40]
        if quote.speaker is not None:
            assert quote.speaker in names
            # a named speaker is a real mention in the text, near the quote (same or previous paragraphs)
            person = a.person(quote.speaker)
            assert any(m.start < quote.content.start + 2000 for m in person.mentions)
        else:
            # anonymous speakers ("a senior official", "one, who requested anonymity") keep their words
            assert quote.source is not None and quote.source.of(text).strip()
        if quote.source is not None and quote.speaker is not None and quote.source.of(text)[:1].isupper():
            written = quote.source.of(text)
            if written.lower() not in {"she", "he", "they"}:
                # a speaker written as a name resolves to the person carrying that name
                assert written.split()[-1].strip(",") in quote.speaker or quote.speaker.split()[-1] in written


def test_seeds_every_direct_quote_is_attributed(ex, nlp):
    for text, a in _seeds(nlp):
        assert len(_direct_regions(text)) >= 8
        _check_every_direct_quote_attributed(text, a)


def test_seed_machine_translated_copy_pronoun_and_variant(nlp):
    flagged = [(t, a) for t, a in _seeds(nlp) if _gender_flags(a)]
    # exactly one seed (the machine-translated copy) swaps a person's pronouns
    assert len(flagged) == 1
    text, a = flagged[0]
    flag = _gender_flags(a)[0]
    person = a.person(flag.data["person"])
    assert person is not None and flag.data["she"] and flag.data["he"]
    # the person is a woman in most references, and a quote attributed with "he" still resolves to her
    assert len(person.pronouns["she"]) > len(person.pronouns["he"])
    he_quotes = [q for q in a.quotes if q.source is not None and q.source.of(text) == "he"
                 and q.speaker == person.name and q.kind == "direct"]
    assert he_quotes
    assert any([q.source.start, q.source.end] in flag.data["he"] for q in he_quotes)
    # a misspelt form of her name is one of her mentions
    written = {text[m.start : m.end] for m in person.mentions}
    assert any(w != person.name and len(w.split()) == len(person.name.split()) and w.split()[-1] == person.name.split()[-1]
               for w in written)


# --- cue spans and continuation paragraphs (PolNeAR conventions)


def test_also_said_keeps_adverb_in_cue(ex):
    text = "The mayor also said that the budget would be balanced by June."
    q = _q(text, ex(text), "budget")
    assert _roles(text, q) == {"source": "The mayor", "cue": "also said", "content": "that the budget would be balanced by June"}


def test_added_colon_cue(ex):
    text = "Jane Doe, the city treasurer, added: “We will not raise taxes this year.”"
    a = ex(text)
    q = _q(text, a, "raise taxes")
    assert q.kind == "direct"
    assert q.cue.of(text) == "added:"
    assert q.speaker == "Jane Doe"


def test_continuation_paragraph_merged_into_previous_quote(ex):
    text = (
        "“We have been planning this for months,” said Jane Doe, the city treasurer.\n\n"
        "“The money is there. The roads will be fixed before winter.”\n\n"
        "The council meets on Monday."
    )
    a = ex(text)
    pieces = ["We have been planning this for months,", "The money is there. The roads will be fixed before winter."]
    _assert_quote(text, a, "planning this", pieces, "Jane Doe")
    assert len([x for x in a.quotes if "roads" in text[x.content.start : x.content.end]]) == 1
