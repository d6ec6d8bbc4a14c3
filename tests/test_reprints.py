"""MinHash signatures, containment and reprint groups on constructed pairs."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from newsweave.group.minhash import MinHasher, Signature
from newsweave.group.reprints import (
    ReprintIndex,
    candidate_pairs,
    containment,
    find_reprints,
    independent_sources,
)

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
_rng = random.Random(7)
_VOCAB = [f"{a}{b}" for a in ("ka", "lo", "mi", "nu", "pe", "ro", "su", "ta") for b in
          ("bar", "den", "fix", "gul", "hom", "jin", "kep", "lum", "mor", "nix", "pod", "rat")]


def story(n: int = 300, seed: int = 0) -> str:
    rng = random.Random(seed)
    words = [rng.choice(_VOCAB) for _ in range(n)]
    return " ".join(w.capitalize() + "." if i % 17 == 16 else w for i, w in enumerate(words))


BASE = story(300, 1)
UNRELATED = story(300, 2)
WITH_INTRO = "A local outlet adds its own opening paragraph about the region. " + BASE
TRIMMED = BASE[: int(len(BASE) * 0.55)]


def test_words_are_normalised():
    h = MinHasher(num_perm=64)
    a, b = h.signatures(["The “cat” sat — on the mat, today!", "the \"CAT\" sat on THE mat today"])
    assert a == b and a.size == 3
    assert h.signature("Élan vital") == h.signature("élan  VITAL")


def test_shingles_match_a_plain_python_reference():
    import re

    h = MinHasher()
    texts = [BASE, "short text", "", "one two three four five six", "x " * 3 + "end"]
    flat = h.shingles(texts)
    for text, got in zip(texts, flat):
        words = re.findall(r"\w+", text.lower())
        want = {tuple(words[i : i + 5]) for i in range(len(words) - 4)} or ({tuple(words)} if words else set())
        assert len(got) == len(want)


def test_signatures_deterministic_and_batch_independent():
    h = MinHasher()
    texts = [story(200, s) for s in range(30)]
    m1, s1 = h.matrix(texts, batch=7, workers=3)
    m2, s2 = h.matrix(texts, batch=100, workers=1)
    assert np.array_equal(m1, m2) and np.array_equal(s1, s2)
    assert MinHasher(seed=2).signature(texts[0]) != h.signature(texts[0])


def test_signature_bytes_round_trip():
    sig = MinHasher().signature(BASE)
    back = Signature.from_bytes(sig.to_bytes())
    assert back == sig and back.jaccard(sig) == 1.0
    with pytest.raises(ValueError):
        Signature.from_bytes(b"abc")


def test_jaccard_estimate_is_close():
    h = MinHasher(num_perm=256)
    a, b = h.shingles([BASE, TRIMMED])
    exact = len(np.intersect1d(a, b)) / len(np.union1d(a, b))
    sa, sb = h.signatures([BASE, TRIMMED])
    assert abs(sa.jaccard(sb) - exact) < 0.1
    assert abs(sa.containment(sb) - 1.0) < 0.15


def test_containment_counts_reprints_with_intro_or_trimmed_ending():
    h = MinHasher()
    base, intro, trimmed, other = h.shingles([BASE, WITH_INTRO, TRIMMED, UNRELATED])
    assert containment(base, intro) == 1.0
    assert containment(base, trimmed) == 1.0
    assert containment(base, other) < 0.05
    assert containment(base, np.zeros(0, np.uint64)) == 0.0


def test_find_reprints_groups_by_earliest():
    docs = [
        ("intro", WITH_INTRO, T0 + timedelta(hours=2)),
        ("orig", BASE, T0),
        ("trim", TRIMMED, T0 + timedelta(hours=5)),
        ("other", UNRELATED, T0 + timedelta(hours=1)),
        ("tiny", "too short", T0),
    ]
    res = find_reprints(docs)
    assert {a: m.group_id for a, m in res.items()} == {
        "intro": "orig", "orig": "orig", "trim": "orig", "other": "other", "tiny": "tiny"
    }
    assert res["trim"].containment == 1.0 and res["trim"].matched_article in {"orig", "intro"}
    assert res["other"].matched_article is None and not res["other"].is_reprint
    assert res["intro"].is_reprint
    assert independent_sources(res.values()) == 3
    # same input, any order: same groups
    again = find_reprints(list(reversed(docs)))
    assert {a: m.group_id for a, m in again.items()} == {a: m.group_id for a, m in res.items()}


def test_find_reprints_undated_and_threshold():
    docs = [("a", BASE, None), ("b", TRIMMED, None)]
    assert find_reprints(docs)["b"].group_id == "a"
    half = " ".join(BASE.split()[:150]) + " " + " ".join(UNRELATED.split()[:150])
    res = find_reprints([("a", BASE, None), ("h", half, None)], threshold=0.9)
    assert res["h"].group_id == "h"
    with pytest.raises(ValueError):
        find_reprints(docs, threshold=0)


def test_candidate_pairs_recall_on_near_duplicates():
    h = MinHasher()
    texts = [story(250, s) for s in range(40)]
    variants = [" ".join(t.split()[20:]) + " closing words here" for t in texts]
    matrix, _ = h.matrix(texts + variants)
    pairs = {tuple(p) for p in candidate_pairs(matrix).tolist()}
    assert all((i, i + 40) in pairs for i in range(40))
    assert len(pairs) < 80


def test_reprint_index_incremental_matches_batch():
    h = MinHasher()
    texts = {"orig": BASE, "intro": WITH_INTRO, "trim": TRIMMED, "other": UNRELATED}
    index = ReprintIndex()
    for i, (aid, text) in enumerate(texts.items()):
        matches = index.add(aid, h.signature(text), T0 + timedelta(hours=i), shingles=h.shingles([text])[0])
        if aid == "trim":
            assert {m for m, _ in matches} == {"orig", "intro"}
    assert index.match("trim").group_id == "orig"
    assert index.match("other").group_id == "other"
    assert len(index) == 4 and "orig" in index
    with pytest.raises(ValueError):
        index.add("orig", h.signature(BASE))
    with pytest.raises(ValueError):
        index.add("x", MinHasher(num_perm=64).signature(BASE))


def test_reprint_index_without_shingles_estimates():
    h = MinHasher()
    index = ReprintIndex()
    index.add("orig", h.signature(BASE))
    assert [m for m, _ in index.add("intro", h.signature(WITH_INTRO))] == ["orig"]
    assert index.add("other", h.signature(UNRELATED)) == []


def test_bad_parameters_say_how_to_fix():
    with pytest.raises(ValueError, match="num_perm"):
        MinHasher(num_perm=3)
    with pytest.raises(ValueError, match="shingle"):
        MinHasher(shingle=0)
    with pytest.raises(ValueError, match="threshold"):
        ReprintIndex(threshold=1.5)


def test_empty_and_mass_duplicates_stay_cheap():
    docs = [(f"e{i}", "", None) for i in range(300)]
    docs += [(f"d{i}", BASE, T0 + timedelta(minutes=i)) for i in range(300)]
    res = find_reprints(docs)
    assert {res[f"e{i}"].group_id for i in range(300)} == {f"e{i}" for i in range(300)}
    assert {res[f"d{i}"].group_id for i in range(300)} == {"d0"}
    assert find_reprints([]) == {}


def test_index_group_id_follows_earliest_publication_not_arrival():
    h = MinHasher()
    index = ReprintIndex()
    index.add("late", h.signature(TRIMMED), T0 + timedelta(days=1))
    index.add("early", h.signature(BASE), T0)
    assert index.match("late").group_id == "early"
    assert index.matches()["early"].group_id == "early"


def test_stored_signature_of_another_format_or_seed_is_refused():
    import struct

    sig = MinHasher().signature(BASE)
    data = sig.to_bytes(seed=1)
    with pytest.raises(ValueError, match="seed"):
        Signature.from_bytes(data, seed=2)
    with pytest.raises(ValueError, match="format"):
        Signature.from_bytes(struct.pack("<H", 99) + data[2:])
