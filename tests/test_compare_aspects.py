"""compare's typed contract and its aspects: every record has the fields of its TypedDict, and a new
aspect registered alone (here, in the test) reaches the story, its flags, the reports and the web page."""

from __future__ import annotations

import typing
from datetime import datetime, timezone

import pytest

from newsweave import compare
from newsweave.compare import compare_articles
from newsweave.compare.aspect import PreparedStory, Section
from newsweave.compare.records import StoryRecord, story_fields
from newsweave.model import Article, Finding, RemovedLine


def _article(aid: str, source: str, text: str, hour: int, **kw) -> Article:
    return Article(id=aid, source=source, origin=f"{aid}.txt", input_format="text", raw=text.encode(), text=text,
                   extracted_text=text, published=datetime(2025, 5, 2, hour, tzinfo=timezone.utc), **kw)


ARTICLES = [
    _article("a", "north.example", (
        "Governor Maria Castellano said on Tuesday that 214 families had been moved out of the valley.\n\n"
        "“We will rebuild every home that the river took from these families,” Castellano said at the depot.\n\n"
        "Crews from the state agency cleared the main road near the old quarry on Tuesday afternoon."), 8),
    _article("b", "south.example", (
        "Governor Maria Castellano said on Tuesday that 241 families had been moved out of the valley.\n\n"
        "“We will rebuild every house that the river took from these families,” Castellano said at the depot.\n\n"
        "Crews of the state agency cleared the main road near the old quarry on Tuesday , officials said ."), 9,
        removed=[RemovedLine("Share this story", "share buttons", "share_prompt", 0, 16)]),
    _article("c", "east.example", (
        "Governor Maria Castellano said on Tuesday that 214 families had been moved out of the valley.\n\n"
        "“We will rebuild every home that the river took,” Castellano said on Tuesday.\n\n"
        "The school in the valley will stay closed until the end of the month, the district said."), 10),
]


@pytest.fixture(scope="module")
def story() -> StoryRecord:
    return compare_articles(ARTICLES, story_id="valley", method="lexical")


def _check(value: typing.Any, hint: typing.Any, path: str) -> None:
    """``value`` has the shape ``hint`` names: a TypedDict's fields (no more, none missing), recursively."""
    if typing.is_typeddict(hint):
        assert isinstance(value, dict), path
        fields = typing.get_type_hints(hint)
        assert hint.__required_keys__ <= set(value) <= set(fields), (path, sorted(value), sorted(fields))
        for key in value:
            _check(value[key], fields[key], f"{path}.{key}")
        return
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.NotRequired:
        _check(value, args[0], path)
    elif origin is list:
        assert isinstance(value, list), path
        for n, item in enumerate(value):
            _check(item, args[0], f"{path}[{n}]")
    elif origin is dict:
        assert isinstance(value, dict), path
        for key, item in value.items():
            _check(item, args[1], f"{path}[{key!r}]")
    elif args and type(None) in args and value is not None:  # X | None
        _check(value, next(a for a in args if a is not type(None)), path)


def test_every_record_has_the_fields_of_its_typed_record(story):
    assert story["quotes"] and story["numbers"] and story["flags"] and story["differences"]
    assert any(s["debris"] for s in story["signals"]) and any(g["variants"][1:] for g in story["quotes"])
    _check(story, StoryRecord, "story")


def test_story_fields_in_the_contract_order(story):
    assert list(story) == [f for f in story_fields() if f != "headline"]


def test_each_builtin_aspect_fills_its_own_field(story):
    names = [aspect.name for aspect in compare.ASPECTS]
    assert len(set(names)) == len(names) and set(names) <= set(story_fields())
    assert set(names) <= set(story["timings"])


class Exclamations:
    """A toy aspect: exclamation marks per article, each one a flag; it reads the statements aligned before it."""

    name = "exclamations"

    def compare(self, story: PreparedStory) -> Section[list[dict[str, typing.Any]]]:
        statements = story.sections["statements"].records
        records = [{"article": a.id, "count": a.text.count("!"),
                    "statements": sum(a.id in g["articles"] for g in statements)} for a in story.articles]
        flags = [Finding("exclamation", a.id, i, i + 1, 0.2, "an exclamation mark in a news report")
                 for a in story.articles for i in [a.text.find("!")] if i >= 0]
        return Section(records, flags, method="count")


def test_a_new_aspect_registered_alone_reaches_story_flags_and_pages(monkeypatch):
    from newsweave.present.report import render
    from newsweave.web.view import other_sections

    monkeypatch.setattr(compare, "ASPECTS", [*compare.ASPECTS, Exclamations()])
    shouting = _article("d", "loud.example", ARTICLES[0].text.replace("the depot.", "the depot!"), 11)
    story = compare_articles([*ARTICLES, shouting], story_id="loud", method="lexical")

    by_article = {r["article"]: r for r in story["exclamations"]}
    assert by_article["d"]["count"] == 1 and by_article["a"]["count"] == 0
    assert by_article["d"]["statements"] == by_article["a"]["statements"] > 0
    keys = list(story)
    assert keys.index("timeline") < keys.index("exclamations") < keys.index("method")
    assert story["method"]["exclamations"] == "count" and "exclamations" in story["timings"]
    flag = next(f for f in story["flags"] if f["kind"] == "exclamation")
    assert (flag["article"], flag["source"], flag["text"]) == ("d", "loud.example", "!")
    assert flag["id"] == f"f{len(story['flags'])}"  # a kind compare does not know is numbered last
    assert "exclamations" in [s["name"] for s in other_sections(story)]  # the web page shows it as a table
    assert "exclamation" in render({"stories": [story]}, "html")  # and the HTML report lists its flag


def test_without_the_toy_aspect_the_story_is_unchanged(story):
    assert "exclamations" not in story and not any(f["kind"] == "exclamation" for f in story["flags"])


def test_finding_round_trips_through_its_dict():
    f = Finding("name_variant", "a", 3, 9, 0.8, "misspelt", {"variant": "Kamla"})
    assert Finding.from_dict(f.to_dict()) == f
    stored = {k: v for k, v in f.to_dict().items() if k != "article_id"}  # as stored before it carried its id
    assert Finding.from_dict(stored, "a") == f
    assert Finding.from_dict({**f.to_dict(), "data": None}, "b") == Finding("name_variant", "b", 3, 9, 0.8, "misspelt")
