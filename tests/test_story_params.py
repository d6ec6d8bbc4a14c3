"""Story clustering settings: calibrated defaults, validation, option and environment overrides."""

from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from newsweave.cli import app, main
from newsweave.errors import InputError
from newsweave.group.stories import PARAMS_PATH, StoryClusterer, StoryParams, parse_story_options, story_settings

runner = CliRunner(env={"COLUMNS": "200"})


@pytest.fixture(autouse=True)
def _no_story_env(monkeypatch):
    """Settings from the caller's shell must not leak into these tests."""
    import os

    for key in list(os.environ):
        if key.startswith("NEWSWEAVE_STORY_"):
            monkeypatch.delenv(key)


def test_the_defaults_are_the_calibrated_values():
    record = json.loads(PARAMS_PATH.read_text(encoding="utf-8"))
    defaults = StoryParams().to_dict()
    assert set(defaults) == set(record), "params.json and StoryParams name different settings"
    differing = {k: (defaults[k], record[k]) for k in record if defaults[k] != record[k]}
    assert not differing, f"StoryParams defaults differ from the calibration record params.json: {differing}"
    # similarity_score sums its weights in order: the order is part of the value
    assert list(defaults["similarity_weights"]) == list(record["similarity_weights"])
    assert StoryParams.load() == StoryParams()
    assert StoryClusterer().params == StoryParams()


@pytest.mark.parametrize("overrides, words", [
    ({"threshold": 7}, ["threshold=7", "probability from 0 to 1", "0.8", "--story-param", "NEWSWEAVE_STORY_THRESHOLD"]),
    ({"link": "avrage"}, ["link='avrage'", "average, centroid", "did you mean average"]),
    ({"treshold": 0.7}, ["unknown story setting 'treshold'", "did you mean threshold"]),
    ({"max_members": 0}, ["max_members=0", "whole number of 1 or more"]),
    ({"merge": "yes"}, ["merge='yes'", "true or false"]),
    ({"embedding_model": "bert"}, ["minilm, static, none"]),
    ({"weights": {"terms": 1.0, "colour": 2.0}}, ["unknown features colour"]),
])
def test_a_bad_value_or_a_typo_fails_with_a_message_that_says_how_to_fix_it(overrides, words):
    with pytest.raises(InputError) as caught:
        StoryParams.load(**overrides)
    for word in words:
        assert word in str(caught.value)


def test_construction_validates_too():
    with pytest.raises(InputError, match=r"threshold=1\.5"):
        StoryParams(threshold=1.5)
    assert StoryParams(attach_threshold=1.01).attach_threshold == 1.01  # 1.01 switches the step off


def test_a_params_file_with_an_unknown_key_fails(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"threshold": 0.7, "treshold": 0.6}))
    with pytest.raises(InputError, match="did you mean threshold"):
        StoryParams.load(path)


def test_the_environment_overrides_the_defaults_and_options_override_the_environment(monkeypatch):
    monkeypatch.setenv("NEWSWEAVE_STORY_THRESHOLD", "0.7")
    monkeypatch.setenv("NEWSWEAVE_STORY_LINK", "centroid")
    monkeypatch.setenv("NEWSWEAVE_STORY_EMBEDDING_MODEL", "none")
    monkeypatch.setenv("NEWSWEAVE_STORY_MERGE", "off")
    params = StoryParams.load()
    assert (params.threshold, params.link, params.embedding_model, params.merge) == (0.7, "centroid", None, False)
    assert StoryParams.load(**parse_story_options(["threshold=0.6", "max-members=5"])).threshold == 0.6
    rows = {s.name: s for s in story_settings(parse_story_options(["max_members=5"]))}
    assert (rows["threshold"].value, rows["threshold"].source) == (0.7, "NEWSWEAVE_STORY_THRESHOLD")
    assert (rows["max_members"].value, rows["max_members"].source) == (5, "option")
    assert rows["merge_threshold"].source == "default" and rows["merge_threshold"].meaning


def test_a_bad_or_unknown_environment_variable_fails_naming_it(monkeypatch):
    monkeypatch.setenv("NEWSWEAVE_STORY_THRESHOLD", "high")
    with pytest.raises(InputError, match="from NEWSWEAVE_STORY_THRESHOLD"):
        StoryParams.load()
    monkeypatch.delenv("NEWSWEAVE_STORY_THRESHOLD")
    monkeypatch.setenv("NEWSWEAVE_STORY_TRESHOLD", "0.7")
    with pytest.raises(InputError, match="did you mean threshold"):
        StoryParams.load()


def test_option_syntax_errors():
    with pytest.raises(InputError, match="NAME=VALUE"):
        parse_story_options(["threshold"])
    with pytest.raises(InputError, match="provenance"):
        parse_story_options(["calibration={}"])


def test_cli_shows_the_settings_in_force(monkeypatch):
    monkeypatch.setenv("NEWSWEAVE_STORY_WINDOW_DAYS", "3")
    result = runner.invoke(app, ["stories", "--params", "--story-param", "threshold=0.7"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines() if line.strip()}
    assert lines["threshold"][1:3] == ["0.7", "option"]
    assert lines["window_days"][1:3] == ["3.0", "NEWSWEAVE_STORY_WINDOW_DAYS"]
    assert lines["merge_threshold"][1:3] == ["0.45", "default"]


def test_cli_refuses_a_typo_before_any_work(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["newsweave", "run", str(tmp_path / "nothing"), "--out", str(tmp_path / "out"),
                                      "--story-param", "link=avrage"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    assert "did you mean average" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_option_and_the_environment_reach_the_clusterer(tmp_path, monkeypatch):
    """``stories --update`` clusters with the settings given: a join bar of 1 keeps every article alone."""
    from newsweave.store import Store
    from newsweave.store.stories import list_stories
    from tests.test_cli_stories import OTHER, WIRE, _article, _store_with

    db = _store_with(tmp_path / "news.db", monkeypatch, [
        _article(WIRE, "wire.example", 0, "Warehouse fire near harbour"),
        _article("From our correspondent. " + WIRE, "paper.example", 1, "Harbour blaze"),
        _article(OTHER, "city.example", 2, "Tram line approved"),
    ])

    def stories_after(*args: str) -> int:
        result = runner.invoke(app, ["stories", "--update", "--lexical", *args])
        assert result.exit_code == 0, result.output
        with Store.open(db) as store:
            return len(list_stories(store))

    assert stories_after() == 2
    apart = ["--story-param", "threshold=1", "--story-param", "attach_threshold=1.01"]
    assert stories_after(*apart, "--story-param", "merge=false") == 3
    monkeypatch.setenv("NEWSWEAVE_STORY_MERGE", "false")
    assert stories_after(*apart) == 3
