"""The story benchmark harness: metrics, --data files, skipping absent data."""

from __future__ import annotations

import json

import pytest

from newsweave.bench import stories as bench
from newsweave.group.stories import StoryParams


def test_pairwise_and_bcubed_metrics():
    gold = ["a", "a", "a", "b", "b"]
    pred = ["x", "x", "y", "y", "y"]
    m = bench.metrics(gold, pred)
    # gold pairs: 3 + 1 = 4; predicted pairs: 1 + 3 = 4; shared: (0,1) and (3,4) = 2
    assert m["pairwise_p"] == pytest.approx(0.5)
    assert m["pairwise_r"] == pytest.approx(0.5)
    assert m["pred_stories"] == 2 and m["gold_stories"] == 2
    perfect = bench.metrics(gold, gold)
    assert perfect["pairwise_f1"] == 1.0 and perfect["bcubed_f1"] == 1.0 and perfect["ari"] == 1.0


def _write(path, records):
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")


def test_run_on_a_stories_file_and_a_pairs_file(tmp_path):
    stories = tmp_path / "mini.jsonl"
    _write(
        stories,
        [
            {"id": "1", "story": "s1", "title": "Flood hits river town",
             "text": "The river flooded the town of Millbrook on Monday, forcing hundreds from their homes.",
             "date": "2024-05-06"},
            {"id": "2", "story": "s1", "title": "Millbrook flood forces evacuations",
             "text": "Hundreds left their homes in Millbrook after the river flooded the town.", "date": "2024-05-06"},
            {"id": "3", "story": "s2", "title": "City council approves budget",
             "text": "The council approved next year's budget after a long debate over school funding.", "date": "2024-05-07"},
        ],
    )
    params = StoryParams.load(embedding_model=None)
    result = bench.run(data=stories, params=params, use_cache=False)
    res = result["datasets"]["mini"]
    for system in ("newsweave", "baseline_tfidf_avglink"):
        for key in ("pairwise_f1", "bcubed_f1", "ari", "pred_stories", "gold_stories"):
            assert key in res[system]
    assert res["newsweave"]["gold_stories"] == 2
    json.dumps(result, default=float)

    pairs = tmp_path / "pairs.jsonl"
    _write(
        pairs,
        [
            {"pair_id": "p1", "text1": "Flood hits Millbrook. The river flooded the town.",
             "text2": "Millbrook flood: the river flooded the town.", "overall": 1.0},
            {"pair_id": "p2", "text1": "Flood hits Millbrook. The river flooded the town.",
             "text2": "Council approves budget after debate.", "overall": 4.0},
            {"pair_id": "p3", "text1": "Council approves budget after debate.",
             "text2": "Budget approved by the council.", "overall": 1.5},
        ],
    )
    result = bench.run(data=pairs, params=params, use_cache=False)
    assert "pearson" in result["datasets"]["pairs"]["newsweave"]


def test_missing_shared_data_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSWEAVE_SHARED_DATA", str(tmp_path / "nowhere"))
    result = bench.run(params=StoryParams.load(embedding_model=None), use_cache=False)
    assert result["datasets"] == {}
    assert len(result["skipped"]) == len(bench.DATASETS)


def test_generated_articles_are_deterministic():
    a = bench.generate_articles(50)
    b = bench.generate_articles(50)
    assert [(d.id, d.text, d.published) for d in a] == [(d.id, d.text, d.published) for d in b]


def test_singletons_kept_counts_true_singletons_left_alone():
    pred = ["s1", "s1", "s2", "s3", "s3"]
    assert bench.singletons_kept(pred, [2]) == 1.0
    assert bench.singletons_kept(pred, [1, 2]) == 0.5  # article 1 was put into another story


def test_singleton_mix_is_skipped_without_the_story_files(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSWEAVE_SHARED_DATA", str(tmp_path))
    assert bench.singleton_mix("dev") is None
    result = bench.run(datasets=["singletons"], params=StoryParams.load())
    assert not result["datasets"] and "singletons" in result["skipped"][0]


@pytest.mark.skipif(not (bench.data_dir() / "stories" / "basil.jsonl").exists(), reason="../shared/data absent")
def test_singleton_mix_adds_one_undated_article_per_event():
    docs, gold, singles = bench.singleton_mix("dev")
    assert len(docs) == len(gold) and singles
    assert all(docs[i].published is None for i in singles)
    assert len({gold[i] for i in singles}) == len(singles)  # each a story of its own
    assert all(gold.count(gold[i]) == 1 for i in singles[:5])
