"""The ingest-quality bench on a tiny made-up evaluation set (the real one is a bench, not a test)."""

from __future__ import annotations

import json

from read_fixtures import article_html

from newsweave.bench.extraction import Scores, evaluate, revision_check

KEEP = "The harbour council of Port Elin voted on Tuesday to rebuild the old pier before the summer season."
SENTENCES = [KEEP, "Councillor Mara Vell said the work would take four months to finish in all.",
             "Fishermen welcomed the decision after a decade of delays over the old structure.",
             "A public meeting on the design of the new pier is planned for the month of April.",
             "The council will publish the plans on its website next week for every resident."]


def test_scores_follow_the_snippet_rules():
    scores = Scores()
    scores.add("a b  c", keep=["a b", "x"], drop=["c", "y"])
    assert scores.as_dict()["tp"] == 1 and scores.as_dict()["fn"] == 1
    assert scores.as_dict()["fp"] == 1 and scores.as_dict()["tn"] == 1
    assert scores.as_dict()["f1"] == 0.5


def test_evaluate_and_revision_check_on_a_made_up_page(tmp_path):
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "pier.html").write_bytes(article_html(title="Pier to be rebuilt", paragraphs=SENTENCES))
    (tmp_path / "evaldata.json").write_text(json.dumps(
        {"https://port-elin.example.org/pier": {"file": "pier.html", "with": [KEEP], "without": ["Home World"]}}))
    result = evaluate(tmp_path)
    assert result["pages"] == 1 and result["newsweave"]["tp"] == 1 and result["newsweave"]["fp"] == 0
    assert result["with_snippets_removed"] == 0
    revisions = revision_check(tmp_path, pages=5)
    assert revisions == {"pages": 1, "right": 1, "wrong": []}
