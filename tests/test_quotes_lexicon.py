"""The cue lexicon (issue 16): a cue added by hand is used, a missing cue file is a clear error."""

from __future__ import annotations

import pytest

from newsweave.enrich.quotes import extract_quotes, lexicon
from newsweave.enrich.quotes.lexicon import CueLexiconError
from newsweave.errors import NewsweaveError

# "grumble" is in neither the hand list nor the statistics learned from PolNeAR train, and
# "grumbled about X" takes prepositional content, a family the statistics do not trust by default
TEXT = "The mayor grumbled about the budget cuts on Tuesday."


@pytest.fixture(scope="module")
def nlp():
    from newsweave.enrich.quotes import _nlp

    return _nlp()


def _clear_caches() -> None:
    for f in (lexicon.cue_forms, lexicon.structural, lexicon.hand_forms):
        f.cache_clear()


@pytest.fixture
def fresh_lexicon(monkeypatch):
    """Patches to the lexicon's module state take effect, and leave no cached lexicon behind."""
    _clear_caches()
    yield monkeypatch
    _clear_caches()


def test_grumble_is_not_a_cue_until_added(nlp, fresh_lexicon):
    assert "grumbled" not in lexicon.cue_forms() and "grumbled" not in lexicon.structural()
    assert [q for q in extract_quotes(TEXT, nlp=nlp).quotes if q.cue is not None] == []


def test_a_lemma_added_by_hand_is_used_in_an_untrusted_family(nlp, fresh_lexicon):
    fresh_lexicon.setattr(lexicon, "SPEECH_LEMMAS", [*lexicon.SPEECH_LEMMAS, "grumble"])
    quotes = extract_quotes(TEXT, nlp=nlp).quotes
    assert len(quotes) == 1
    q = quotes[0]
    assert q.cue is not None and q.cue.of(TEXT) == "grumbled about"
    assert q.content.of(TEXT).startswith("the budget cuts")
    assert q.source is not None and q.source.of(TEXT) == "The mayor"


def test_structural_ok_keeps_hand_forms_without_statistics(fresh_lexicon):
    fresh_lexicon.setattr(lexicon, "SPEECH_LEMMAS", [*lexicon.SPEECH_LEMMAS, "grumble"])
    assert lexicon.structural_ok("grumbles", "object", lexicon.cue_forms()["grumbles"])
    assert lexicon.may_take_any_content("grumbles", lexicon.cue_forms()["grumbles"])
    # a form neither listed nor learned stays out of the untrusted families
    assert not lexicon.structural_ok("muttered", "object", 0.4)
    assert not lexicon.may_take_any_content("muttered", 0.4)


@pytest.mark.parametrize("which", ["LEARNED_PATH", "STRUCTURAL_PATH"])
def test_a_missing_cue_file_is_an_error_naming_it(tmp_path, fresh_lexicon, which):
    missing = tmp_path / "gone" / "cues.json"
    fresh_lexicon.setattr(lexicon, which, missing)
    with pytest.raises(CueLexiconError, match="missing") as err:
        lexicon.cue_forms()
    assert str(missing) in str(err.value)
    assert isinstance(err.value, NewsweaveError)  # the CLI shows it as one line


def test_a_missing_cue_file_stops_extraction(tmp_path, nlp, fresh_lexicon):
    fresh_lexicon.setattr(lexicon, "STRUCTURAL_PATH", tmp_path / "cues_structural.json")
    with pytest.raises(CueLexiconError, match=r"cues_structural\.json"):
        extract_quotes("“We are ready,” Jane Doe said.", nlp=nlp)


def test_an_unreadable_cue_file_is_an_error_naming_it(tmp_path, fresh_lexicon):
    bad = tmp_path / "cues_learned.json"
    bad.write_text("{not json", encoding="utf-8")
    fresh_lexicon.setattr(lexicon, "LEARNED_PATH", bad)
    with pytest.raises(CueLexiconError, match="cannot be read") as err:
        lexicon.cue_forms()
    assert str(bad) in str(err.value)
    listed = tmp_path / "list.json"
    listed.write_text("[]", encoding="utf-8")
    fresh_lexicon.setattr(lexicon, "LEARNED_PATH", listed)
    with pytest.raises(CueLexiconError, match="not a JSON object"):
        lexicon.cue_forms()
