"""`newsweave compare PATH… --format json|md|html` ingests into a temporary store and compares."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from newsweave.cli import app
from newsweave.errors import InputError

WIRE = (
    "Flood waters forced 300 residents from the river district on Monday, officials said.\n\n"
    "“We will not let anyone return home until the water has receded,” Mayor Lena Okonkwo said.\n\n"
    "Engineers from the state agency found two breaches in the levee near the old mill.\n"
)
LOCAL = (
    "Flood waters forced 350 residents out of the river district on Monday, officials said.\n\n"
    "“We won't let anyone go home until the water has receded,” Mayor Lena Okonkwo said.\n\n"
    "A bakery on Quay Street handed out bread to volunteers filling sandbags all night.\n"
)


def _write(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "wire.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "in" / "local.txt").write_text(LOCAL, encoding="utf-8")
    return tmp_path / "in"


def test_compare_paths_json(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = _write(tmp_path)
    result = CliRunner().invoke(app, ["compare", str(folder), "--format", "json", "--method", "lexical"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    story = data["stories"][0]
    assert len(story["articles"]) == 2
    assert any(f["kind"] == "number_conflict" for f in story["flags"])
    assert any("wording_drift" in g["flags"] for g in story["quotes"])
    assert not (tmp_path / "newsweave.db").exists()  # a temporary store, not the default one


def test_compare_paths_html_and_md_to_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = _write(tmp_path)
    out = tmp_path / "out" / "report.html"
    result = CliRunner().invoke(app, ["compare", str(folder), "--format", "html", "--out", str(out),
                                      "--method", "lexical"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    md = CliRunner().invoke(app, ["compare", str(folder / "wire.txt"), str(folder / "local.txt"),
                                  "--format", "md", "--method", "lexical"])
    assert md.exit_code == 0 and md.stdout.startswith("# Story")


def test_compare_bad_arguments(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = _write(tmp_path)
    bad = CliRunner().invoke(app, ["compare", str(folder), "--format", "pdf"])
    assert bad.exit_code != 0


def test_compare_missing_path_is_named_not_taken_for_a_story_id(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["compare", str(tmp_path / "nowhere" / "a.txt")])
    assert isinstance(result.exception, InputError) and "no such file or directory" in str(result.exception)


def test_run_rejects_unknown_method_and_unusable_out_before_reading(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = _write(tmp_path)
    bad_method = CliRunner().invoke(app, ["--db", str(tmp_path / "n.db"), "run", str(folder),
                                          "--out", str(tmp_path / "out"), "--method", "fast"])
    assert isinstance(bad_method.exception, InputError) and "unknown method 'fast'" in str(bad_method.exception)
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    bad_out = CliRunner().invoke(app, ["--db", str(tmp_path / "n.db"), "run", str(folder), "--out", str(blocker)])
    assert isinstance(bad_out.exception, InputError) and "cannot create the report folder" in str(bad_out.exception)
    from newsweave.store import Store

    with Store.open(str(tmp_path / "n.db")) as store:
        assert store.count_articles() == 0  # refused before anything was read


def test_compare_rejects_unknown_method_before_reading(tmp_path, monkeypatch):
    import newsweave.pipeline as pipeline
    import newsweave.workflow as workflow

    monkeypatch.chdir(tmp_path)
    folder = _write(tmp_path)

    def no_reading(*_args, **_kwargs):
        raise AssertionError("read or loaded before the method was checked")

    monkeypatch.setattr(pipeline, "ingest", no_reading)
    monkeypatch.setattr(workflow, "ingest", no_reading)
    monkeypatch.setattr(workflow, "load_story_set", no_reading)
    for args in ([str(folder)], [str(folder), "--save"], ["s0123456789ab"]):
        result = CliRunner().invoke(app, ["--db", str(tmp_path / "n.db"), "compare", *args, "--method", "fast"])
        assert isinstance(result.exception, InputError), (args, result.exception)
        assert "unknown method 'fast'" in str(result.exception)
        assert "\n" not in str(result.exception)
