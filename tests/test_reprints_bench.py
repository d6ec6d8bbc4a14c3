"""The reprint benchmark runs (small sizes) and its containment scoring separates copies from originals."""

from __future__ import annotations

import pytest

from newsweave.bench import reprints as bench


def test_throughput_small_run_reports_every_method():
    result = bench.throughput(n_docs=300, peer_docs=20)
    methods = result["methods"]
    assert methods["newsweave numpy OPH (1 thread)"]["docs_per_s"] > 0
    assert any(name.startswith("datasketch") for name in methods)
    assert any(name.startswith("rensa") for name in methods)


def test_clough_stevenson_containment_orders_categories():
    if not (bench.data_dir() / "reuse" / "clough_stevenson.jsonl").exists():
        pytest.skip("shared data absent")
    result = bench.clough_stevenson()
    means = result["mean_containment"]
    assert means["cut"] > means["light"] > means["heavy"] > means["non"]
    assert result["auc_plagiarised_vs_non"] > 0.9


def test_auc_helper():
    assert bench._auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert bench._auc([0.5], [0.5]) == 0.5
