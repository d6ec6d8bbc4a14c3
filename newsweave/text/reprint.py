"""What makes one article a reprint of another: shared word shingles, as containment.

A reprint is measured by **containment**: the share of the shorter text's 5-word shingles
found in the longer one, so a wire story reprinted under a new intro, or with its ending
trimmed, still scores close to 1 (Jaccard similarity would fall with every added line).

Two thresholds, for two places the question is asked:

- :data:`REPRINT_CONTAINMENT` (0.5) — the grouping stage over a whole store
  (``group.reprints``: MinHash/LSH candidates, then exact containment; the Spark job too).
  Calibrated on the reprint benchmark (``newsweave bench reprints``, docs/benchmarks.md):
  it catches partial reprints of long wire copy;
- :data:`STORY_REPRINT_CONTAINMENT` (0.7) — compare's own grouping, used only when the
  articles come without the store's groups (``newsweave compare PATHS``, tests, benches):
  exact shingles of compare's folded word tokens over a handful of articles. It was set
  when compare was written and has no calibration of its own.

The two differ (in threshold and in how words are split), so the same pair of texts can
be reprints in the store and not in a one-off comparison. Unifying them changes compare's
output and is a decision to make with compare's benchmark, not a refactor.
"""

from __future__ import annotations

__all__ = ["SHINGLE_WORDS", "REPRINT_CONTAINMENT", "STORY_REPRINT_CONTAINMENT"]

#: Words per shingle: long enough that common phrases ("said on Monday that the") rarely
#: make a shared shingle, short enough that an edited sentence still shares some.
SHINGLE_WORDS = 5

#: Containment of the shorter text at or over which the grouping stage links two articles.
REPRINT_CONTAINMENT = 0.5

#: Containment compare asks for when it groups reprints itself (no groups from the store).
STORY_REPRINT_CONTAINMENT = 0.7
