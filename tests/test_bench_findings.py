"""The planted-error generator of ``newsweave bench findings``: exact plants, recorded spans, fixed seed."""

from __future__ import annotations

import random

import pytest

from newsweave.bench.findings import PLANT_KINDS, ComparedStory, caught, plant_error
from newsweave.compare import compare_articles, quote_analyses
from newsweave.model import Article

_TEXT = ("Mayor Marisol Quintero of Oldmere opened the ferry terminal on Tuesday. Quintero said the terminal "
         "would carry 900 passengers a day.\n\n“We will not let anyone wait in the rain for a ferry again. "
         "The new hall is warm and it is open all night,” Quintero said.\n\nFire Chief Tomas Brenner inspected "
         "the hall. He said it met every rule. “The exits are wide and well marked,” he said.")


def _story() -> ComparedStory:
    articles = [Article(id=k, source=f"{k}.example", origin=k, input_format="text", raw=b"", text=_TEXT,
                        extracted_text=_TEXT) for k in ("a", "b", "c")]
    analyses = quote_analyses(articles)
    result = compare_articles(articles, story_id="s", analyses=analyses, method="lexical")
    return ComparedStory("s", articles, analyses, result, 0.0)


@pytest.fixture(scope="module")
def story() -> ComparedStory:
    return _story()


@pytest.mark.parametrize("kind", sorted(PLANT_KINDS))
def test_each_plant_changes_one_article_at_its_recorded_spans(story, kind):
    plant = plant_error(kind, story, random.Random(1))
    assert plant is not None and plant.kind == kind
    original = next(a for a in story.articles if a.id == plant.article.id)
    assert plant.article.text != original.text
    for span in plant.spans:
        assert 0 <= span.start < span.end <= len(plant.article.text)
    # the plant is deterministic by seed
    again = plant_error(kind, story, random.Random(1))
    assert again.article.text == plant.article.text and again.spans == plant.spans


def test_a_planted_misspelling_is_caught_and_a_clean_story_is_not(story):
    plant = plant_error("name", story, random.Random(3))
    articles = [plant.article if a.id == plant.article.id else a for a in story.articles]
    result = compare_articles(articles, story_id="s", method="lexical")
    assert caught(plant, result)
    assert not caught(plant, story.result)  # the unchanged story has no flag there


def test_a_changed_quote_word_is_planted_inside_the_quotation_marks():
    """A partial quote's piece holds the reported speech around its marks: the plant changes a quoted word."""
    from newsweave.enrich.quotes.marks import find_regions

    text = ("Mayor Marisol Quintero of Oldmere opened the ferry terminal on Tuesday. Quintero told reporters that "
            "the waiting hall would stay “warm and open all night for anyone stranded by storms” during winter.")
    articles = [Article(id=k, source=f"{k}.example", origin=k, input_format="text", raw=b"", text=text,
                        extracted_text=text) for k in ("a", "b", "c")]
    analyses = quote_analyses(articles)
    result = compare_articles(articles, story_id="s", analyses=analyses, method="lexical")
    story = ComparedStory("s", articles, analyses, result, 0.0)
    for seed in range(6):
        plant = plant_error("quote_word", story, random.Random(seed))
        assert plant is not None
        (span,) = plant.spans
        assert any(r.start <= span.start and span.end <= r.end for r in find_regions(plant.article.text))
