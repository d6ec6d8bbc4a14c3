"""The text rules (newsweave.text): their examples, and the layering that keeps them one home."""

from __future__ import annotations

import ast
import doctest
from pathlib import Path

import pytest

import newsweave
from newsweave.text import fold, reprint, sentences, stem, stopwords, titles, words

PACKAGE = Path(newsweave.__file__).parent


@pytest.mark.parametrize("module", [fold, sentences, stem, words], ids=lambda m: m.__name__)
def test_docstring_examples_hold(module):
    assert doctest.testmod(module).failed == 0


def test_stemmers_join_inflections_and_keep_apart_what_they_should():
    assert stem.stem("arrived") == stem.stem("arriving") == stem.stem("arrives")
    assert stem.stem("Minors") == stem.stem("minor")
    assert stem.stem("said") != stem.stem("says")  # an irregular form stays apart
    assert stem.plural_stem("cities") == "city" and stem.plural_stem("migrants") == "migrant"
    assert stem.plural_stem("press") == "press" and stem.plural_stem("virus") == "virus"
    assert stem.plural_stem("arrived") == "arrived"  # the clusterer's stemmer leaves tenses alone


def test_the_two_folds_agree_on_quotes_and_dashes_and_differ_as_documented():
    text = "“It’s — ok”"
    assert fold.fold(text) == fold.for_matching(text, casefold=True) == "\"it's - ok\""
    assert fold.fold("a\u2212b") == "a\u2212b" and fold.for_matching("a\u2212b") == "a-b"  # the minus sign
    assert fold.for_matching("  a \n b ") == "a b" and fold.fold(" a \n b") == " a \n b"


def test_sentence_rules_keep_titles_and_initialisms_inside_a_sentence():
    text = "Sen. Ann Reyes spoke in the U.S. on Monday. Prices rose."
    assert [text[s.start : s.end] for s in sentences.split_sentences(text)] == [
        "Sen. Ann Reyes spoke in the U.S. on Monday.", "Prices rose."]


def test_word_rules():
    assert [t for t, _, _ in words.word_tokens("Don't go to the U.S. now")] == ["Don't", "go", "to", "the", "U.S", "now"]
    assert "said" in stopwords.STOPWORDS and "week" in stopwords.STORY_STOPWORDS and "week" not in stopwords.STOPWORDS


def test_title_lists_hold_the_forms_news_text_writes():
    for name in ("gov.", "sen.", "rep."):
        for rule in (titles.NAME_LINK_TITLES, titles.DESCRIPTION_TITLES, titles.NAME_RUN_TITLES, titles.SURNAME_KEY_TITLES):
            assert name in rule
    assert all(word == word.lower() for rule in (titles.DESCRIPTION_TITLES, titles.NAME_RUN_TITLES) for word in rule)
    assert 0 < reprint.REPRINT_CONTAINMENT < reprint.STORY_REPRINT_CONTAINMENT <= 1


def _imports(folder: str) -> dict[str, set[str]]:
    """Module path -> the newsweave modules it imports (at the top or inside functions)."""
    found: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[str(path.relative_to(PACKAGE))] = {n for n in names if n.startswith("newsweave")}
    return found


def test_text_rules_depend_on_nothing_but_the_model():
    for module, imported in _imports("text").items():
        assert all(n == "newsweave.model" or n.startswith("newsweave.text") for n in imported), (module, imported)


def test_enrich_does_not_reach_into_compare():
    for module, imported in _imports("enrich").items():
        assert not any(n.startswith("newsweave.compare") for n in imported), (module, imported)


def test_benchmarks_do_not_register_cli_commands():
    """The shell imports the benchmarks, never the reverse (hostile.py renders with the CLI's console, to test it)."""
    for module, imported in _imports("bench").items():
        cli = {n for n in imported if n.startswith("newsweave.cli")}
        assert cli <= ({"newsweave.cli.app"} if module == "bench/hostile.py" else set()), (module, cli)
