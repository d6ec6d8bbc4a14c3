"""The labelled-sample scorer: matching, speaker check, default-output precision, calibration bands."""

from __future__ import annotations

from newsweave.bench.quote_sample import HELD_OUT_PATH, LABELS_PATH, load_labels, score, speaker_right
from newsweave.model import Quote, Span

TEXT = "Mayor Ilse Brandt said the pier would reopen. Harbour officials felt that the wall was too low."


def _q(content, source, speaker, act, confidence, speaker_type="person"):
    return Quote(article_id="a", kind="indirect", content=Span(*content), source=Span(*source), speaker=speaker,
                 act=act, speaker_type=speaker_type, confidence=confidence)


def test_labels_files_hold_offsets_and_labels_only():
    for path in (LABELS_PATH, HELD_OUT_PATH):
        labels = load_labels(path)
        assert labels
        for rec in labels:
            assert set(rec) == {"article", "corpus", "content", "cue", "act", "speaker"}
            assert rec["act"] in {"speech", "writing", "thought", "nominal", "other"}
            assert rec["content"][0] < rec["content"][1]
    assert len(load_labels(LABELS_PATH)) + len(load_labels(HELD_OUT_PATH)) >= 300


def test_speaker_right_by_span_or_by_name():
    q = _q((23, 44), (0, 17), "Ilse Brandt", "speech", 0.95)
    assert speaker_right(TEXT, q, [6, 17])
    pronoun = Quote(article_id="a", kind="indirect", content=Span(23, 44), source=Span(60, 62), speaker="Ilse Brandt")
    assert speaker_right(TEXT, pronoun, [0, 17])  # "Mayor Ilse Brandt": same surname and first name
    assert not speaker_right(TEXT, _q((23, 44), (46, 62), "Dara Brandt", "speech", 0.9), [0, 17])
    assert not speaker_right(TEXT, q, None)


def test_score_counts_the_default_output_and_bands():
    said = TEXT.index("the pier"), TEXT.index(" Harbour")
    felt = TEXT.index("that the wall"), len(TEXT) - 1
    labels = [
        {"article": "a", "corpus": "x", "content": list(said), "cue": None, "act": "speech", "speaker": [0, 17]},
        {"article": "a", "corpus": "x", "content": list(felt), "cue": None, "act": "thought", "speaker": None},
    ]
    quotes = {"a": [_q(said, (0, 17), "Ilse Brandt", "speech", 0.95),
                    _q(felt, (46, 62), None, "thought", 0.27, "group")]}
    res = score(labels, {"a": TEXT}, quotes)
    assert res["default_output"] == {"quotes": 1, "precision": 100.0}
    assert res["whole_output"] == {"quotes": 2, "precision": 50.0}
    assert res["at_least_0.8"] == {"quotes": 1, "correct": 100.0}
    bands = {b["band"]: b for b in res["calibration"]}
    assert bands["0.0–0.3"]["quotes"] == 1 and bands["0.0–0.3"]["correct"] == 0.0
    quotes["a"][1].act = "speech"  # the belief wrongly listed: precision drops
    assert score(labels, {"a": TEXT}, quotes)["default_output"]["precision"] == 50.0


def test_polnear_bench_without_peer_or_sample_has_both_views(tmp_path):
    import json

    from newsweave.bench.quotes import format_table, run

    text = "“We are ready,” Ana Ruiz said. Officials felt that the plan was too risky."
    rec = {"id": "t1", "text": text, "attributions": [
        {"source": {"start": 16, "end": 24}, "cue": {"start": 25, "end": 29}, "content": {"start": 0, "end": 15}},
        {"source": {"start": 31, "end": 40}, "cue": {"start": 41, "end": 45}, "content": {"start": 46, "end": 73}}]}
    path = tmp_path / "tiny.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    res = run(path, peer=False, sample=False)
    assert res["gold_attributions"] == 2 and res["gold_speech_attributions"] == 1
    assert res["newsweave"]["speech_only"]["source"]["exact"]["f1"] == 100.0
    assert "speech-only view" in format_table(res) and "textacy" not in res
