"""The statement-vector bench's agreement figures: pairs a grouping holds, scored against a reference."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.bench.statement_vectors import grouped_pairs, main, pair_agreement


def _group(*members: tuple[str, int]) -> dict:
    return {"members": [{"article": a, "start": s} for a, s in members]}


def test_grouped_pairs_are_every_pair_inside_a_group_and_none_across():
    pairs = grouped_pairs([_group(("b", 10), ("a", 0), ("c", 5)), _group(("a", 40)), _group(("b", 70), ("c", 90))])
    assert pairs == {(("a", 0), ("b", 10)), (("a", 0), ("c", 5)), (("b", 10), ("c", 5)), (("b", 70), ("c", 90))}


def test_pair_agreement_counts_extra_and_missing_pairs():
    reference = {(("a", 0), ("b", 0)), (("a", 9), ("b", 9))}
    found = {(("a", 0), ("b", 0)), (("a", 0), ("c", 0)), (("a", 5), ("c", 5)), (("a", 7), ("c", 7))}
    assert pair_agreement(found, reference) == {"pairs": 4, "precision": 0.25, "recall": 0.5, "f1": 0.333}
    assert pair_agreement(set(), set())["f1"] == 1.0
    assert pair_agreement(set(), reference) == {"pairs": 0, "precision": 1.0, "recall": 0.0, "f1": 0.0}


def test_a_missing_data_file_is_a_clear_error(tmp_path: Path, capsys):
    with pytest.raises(SystemExit):
        main([str(tmp_path / "none.jsonl")])
    assert "no such file" in capsys.readouterr().err
