"""MiniLM in bfloat16 where the CPU has bf16 arithmetic: on by default, off on request, same vectors."""

from __future__ import annotations

import numpy as np
import pytest

from newsweave.enrich import embeddings

_SENTENCES = [
    "Mayor Marisol Quintero opened the ferry terminal in Oldmere on Tuesday.",
    "The new terminal will carry 900 passengers a day, the council said.",
    "Fire Chief Tomas Brenner said the hall met every safety rule.",
    "Storms closed the coast road for a week.",
]


@pytest.mark.parametrize("value", ["0", "false", "off", " NO "])
def test_the_user_can_keep_float32(monkeypatch, value):
    monkeypatch.setenv("NEWSWEAVE_MINILM_BF16", value)
    assert embeddings.bf16_native() is False


def test_bf16_follows_the_cpu_when_not_opted_out(monkeypatch):
    torch = pytest.importorskip("torch")
    monkeypatch.delenv("NEWSWEAVE_MINILM_BF16", raising=False)
    hardware = torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported()
    assert embeddings.bf16_native() is bool(hardware)


def test_bf16_vectors_match_float32_ones(monkeypatch):
    if not embeddings.embeddings_available("minilm"):
        pytest.skip("the embed extra is not installed")
    model = embeddings.get_embedder("minilm")
    monkeypatch.setattr(model, "bf16", False)
    exact = model.encode(_SENTENCES)
    monkeypatch.setattr(model, "bf16", True)  # emulated where the CPU lacks bf16: slower, same numbers
    fast = model.encode(_SENTENCES)
    assert fast.dtype == np.float32 and fast.shape == exact.shape
    assert np.all((exact * fast).sum(axis=1) > 0.999)
    assert not np.array_equal(exact, fast)  # bf16 did run: the products were rounded
    # the order of similarities, what grouping reads, is unchanged
    assert np.array_equal(np.argsort(exact @ exact.T, axis=1), np.argsort(fast @ fast.T, axis=1))


_OTHERS = [
    "Talks resume.",
    "The port authority will publish the full schedule of the ferry crossings, with fares and times, next month.",
    " ".join(["Council members argued late into the night over the harbour budget and its many amendments."] * 30),
]


@pytest.mark.parametrize("bf16", [False, True])
def test_a_texts_vector_does_not_depend_on_the_texts_beside_it(monkeypatch, bf16):
    """The same article must get the same vector from a local worker and a Spark task that batch it differently."""
    if not embeddings.embeddings_available("minilm"):
        pytest.skip("the embed extra is not installed")
    model = embeddings.get_embedder("minilm")
    monkeypatch.setattr(model, "bf16", bf16)
    together = model.encode(_SENTENCES + _OTHERS, batch_size=3)
    alone = np.vstack([model.encode([text]) for text in _SENTENCES + _OTHERS])
    shuffled = model.encode(list(reversed(_OTHERS + _SENTENCES)), batch_size=64)[::-1]
    assert np.array_equal(together, alone)
    assert np.array_equal(together, np.vstack([shuffled[len(_OTHERS):], shuffled[: len(_OTHERS)]]))


def test_vectors_are_the_models_sentence_embeddings(monkeypatch):
    """Padding per text changes rounding, not the vector: float32 rows match sentence-transformers' own encode."""
    if not embeddings.embeddings_available("minilm"):
        pytest.skip("the embed extra is not installed")
    model = embeddings.get_embedder("minilm")
    monkeypatch.setattr(model, "bf16", False)
    texts = _SENTENCES + _OTHERS
    ours = model.encode(texts)
    theirs = model._model.encode(texts, convert_to_numpy=True, normalize_embeddings=True)
    assert np.all((ours * theirs).sum(axis=1) > 0.99999)
