"""compare on the example corpus (examples/README.md lists what it must show) and on the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.model import Article, ArticleStatus

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
SEEDS = ROOT.parent / "shared" / "data" / "seeds"


def _read(path: Path) -> list[Article]:
    from newsweave.clean import clean_article
    from newsweave.read import read_inputs

    out = []
    for item in read_inputs([str(path)]):
        if isinstance(item, Article):
            article = clean_article(item)
            if article.status is ArticleStatus.OK:
                out.append(article)
    return out


@pytest.fixture(scope="module")
def fire():
    if not CORPUS.is_dir():
        pytest.skip("examples/corpus missing")
    from newsweave.compare import compare_articles

    articles = [a for a in _read(CORPUS) if "Kestrel" in a.text or "Brandvold" in a.text]
    story = compare_articles(articles, story_id="fire", method="lexical")
    story["_by_source"] = {a.source: a.id for a in articles}
    return story


@pytest.fixture(scope="module")
def seeds():
    if not SEEDS.is_dir():
        pytest.skip("../shared/data/seeds missing")
    from newsweave.compare import compare_articles

    articles = _read(SEEDS)
    story = compare_articles(articles, method="lexical")
    copy = next(a for a in articles if a.title is None or "Categorized" in a.extracted_text)
    original = next(a for a in articles if a is not copy)
    story["_copy"], story["_orig"] = copy.id, original.id
    return story


def _source_id(story, fragment):
    return next(i for s, i in story["_by_source"].items() if fragment.lower() in s.lower())


def test_corpus_quote_drift_and_speakers(fire):
    assert len(fire["articles"]) == 5
    g = next(g for g in fire["quotes"] if "return home" in g["canonical"] or "go home" in g["canonical"])
    assert "wording_drift" in g["flags"]
    assert len(g["variants"]) >= 4
    assert g["speaker"].endswith("Brandvold")
    dispatch = _source_id(fire, "continental")
    variant = next(v for v in g["variants"] if v["article"] == dispatch)
    assert variant["speaker_as_written"] == "he"
    # resolution is the quotes stage's job; whatever it says, a disagreement must be flagged
    if variant["speaker"] is None:
        assert "speaker_unresolved" in variant["flags"]
    elif not variant["speaker"].endswith("Brandvold"):
        assert "speaker_mismatch" in variant["flags"] and "speaker_mismatch" in g["flags"]
    assert any(op["op"] == "replace" and "allow" in op["variant"] for op in variant["diff"])


def test_corpus_single_outlet_quotes(fire):
    singles = [g for g in fire["quotes"] if "single_outlet" in g["flags"]]
    texts = " ".join(g["canonical"] for g in singles)
    assert "insulin" in texts and "drawer" in texts and "own bed" in texts


def test_corpus_flags(fire):
    dispatch = _source_id(fire, "continental")
    kinds = {(f["kind"], f["article"]) for f in fire["flags"]}
    assert ("name_variant", dispatch) in kinds
    assert ("pronoun_gender", dispatch) in kinds
    assert next(f for f in fire["flags"] if f["kind"] == "name_variant")["text"] == "Ilsa"
    conflict = [f for f in fire["flags"] if f["kind"] == "number_conflict"]
    assert {f["text"] for f in conflict} == {"214 residents", "241 residents"}
    signals = {s["article"]: s for s in fire["signals"]}
    assert signals[dispatch]["likely_machine_translated_or_spun"]
    assert max(s["machine_translation_score"] for a, s in signals.items() if a != dispatch) < 0.5


def test_corpus_statements(fire):
    multi = [s for s in fire["statements"] if len(s["articles"]) > 1]
    cause = [s for s in multi if any("cause" in m["text"] or "started the blaze" in m["text"] for m in s["members"])]
    assert cause and len(cause[0]["articles"]) >= 3
    unique = " ".join(s["text"] for s in fire["statements"] if s["unique"])
    assert "fire exits" in unique or "blocked" in unique
    assert "Red Lantern" in unique
    # debris (captions, teasers, share buttons) never becomes a statement
    everything = " ".join(m["text"] for s in fire["statements"] for m in s["members"])
    assert "Share on Facebook" not in everything and "Tags:" not in everything


def test_corpus_timeline_reprint(fire):
    gazette, wire = _source_id(fire, "gazette"), _source_id(fire, "wire")
    entry = next(t for t in fire["timeline"] if t["article"] == gazette)
    assert entry["reprint_group"] == next(t for t in fire["timeline"] if t["article"] == wire)["reprint_group"]
    assert fire["timeline"][0]["article"] == wire


def test_seeds_done_when(seeds):
    copy, orig = seeds["_copy"], seeds["_orig"]
    assert len(seeds["articles"]) == 2
    look = next(g for g in seeds["quotes"] if any(v["text"].startswith("Look, we") for v in g["variants"]))
    assert {v["article"] for v in look["variants"]} == {copy, orig}
    assert "wording_drift" in look["flags"]
    assert all(v["speaker"] == "Kamala Harris" for v in look["variants"])
    asked = next(g for g in seeds["quotes"] if g["canonical"].startswith("I asked her"))
    assert asked["articles"] == [copy] and "single_outlet" in asked["flags"]
    for speaker in ("Ducey", "Teixeira", "Barankin", "Rohrbaugh"):
        groups = [g for g in seeds["quotes"] if (g["speaker"] or "").endswith(speaker)]
        assert groups and all(g["articles"] == [orig] for g in groups), speaker
    kinds = {(f["kind"], f["article"], f["text"]) for f in seeds["flags"]}
    assert ("name_variant", copy, "Kamla") in kinds
    assert any(k == "pronoun_gender" and a == copy for k, a, _ in kinds)
    aligned = [s for s in seeds["statements"] if len(s["articles"]) == 2]
    assert any(any("2014" in m["text"] and "Obama" in m["text"] for m in s["members"])
               and all("2014" in m["text"] for m in s["members"]) for s in aligned)
    volcano = [s for s in seeds["statements"] if "volcano" in s["text"]]
    assert volcano and volcano[0]["articles"] == [orig]
    assert not [m for s in seeds["statements"] for m in s["members"] if "15,000" in m["text"]]


def test_corpus_quote_only_in_wire_and_its_reprint(fire):
    sorry = next(g for g in fire["quotes"] if "deeply sorry" in g["canonical"])
    assert set(sorry["articles"]) == {_source_id(fire, "wire"), _source_id(fire, "gazette")}
    assert "reprint_only" in sorry["flags"]
