"""The quotes stage on the fictional example corpus: the same machinery as on the seeds and PolNeAR."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.enrich.quotes import extract_quotes

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="examples/corpus missing")


@pytest.fixture(scope="module")
def articles():
    from newsweave.clean import clean_article
    from newsweave.model import Article
    from newsweave.read import read_inputs

    out = {}
    for item in read_inputs([str(CORPUS)]):
        if isinstance(item, Article):
            art = clean_article(item)
            out[art.source] = art
    return out


@pytest.fixture(scope="module")
def nlp():
    from newsweave.enrich.quotes import _nlp

    return _nlp()


def _find(articles, needle_source: str):
    """The corpus article of this outlet; the corpus ships with the repository, so a missing one fails."""
    for source, art in articles.items():
        if needle_source.lower() in source.lower():
            return art
    raise AssertionError(f"no article from {needle_source!r} in the corpus: {sorted(articles)}")


def _q(text, analysis, needle):
    hits = [q for q in analysis.quotes if needle in text[q.content.start : q.content.end]]
    assert hits, (needle, [text[q.content.start : q.content.end][:40] for q in analysis.quotes])
    return hits[0]


def test_wire_speakers_after_before_and_previous_sentence(articles, nlp):
    art = _find(articles, "Harbor Wire")
    text = art.text
    a = extract_quotes(text, nlp=nlp)
    assert _q(text, a, "Crews contained the fire").speaker == "Dara Okafor"
    assert _q(text, a, "We will not let anyone").speaker == "Ilse Brandvold"
    roof = _q(text, a, "The roof went")
    assert roof.speaker == "Tomas Reyes-Hall" and roof.cue is None  # named in the previous sentence
    sorry = _q(text, a, "deeply sorry")
    assert sorry.speaker == "Nadia Ferrant" and len(sorry.fragments) >= 2  # multi-paragraph
    official = _q(text, a, "sprinkler system")
    assert official.speaker is None and "official" in (official.speaker_description or "")


def test_courier_straight_quotes_and_pronouns(articles, nlp):
    art = _find(articles, "Courier")
    text = art.text
    a = extract_quotes(text, nlp=nlp)
    assert _q(text, a, "I grabbed my insulin").speaker == "Paulo Mendes"
    q = _q(text, a, "We won't let anyone")
    assert q.source.of(text) == "she" and q.speaker == "Ilse Brandvold"


def test_machine_translated_copy_he_for_the_mayor(articles, nlp):
    art = _find(articles, "continental")
    text = art.text
    a = extract_quotes(text, nlp=nlp)
    q = _q(text, a, "We will not allow anyone")
    assert q.source.of(text) == "he"
    assert q.speaker is not None and q.speaker.endswith("Brandvold")
    person = a.person(q.speaker)
    assert {"Ilsa Brandvold", "Ilse Brandvold"} <= set(person.variants)
    assert person.pronouns.get("he") and not person.pronouns.get("she")
    assert any(f.kind == "name_variant" for f in a.findings)
