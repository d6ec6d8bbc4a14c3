"""Resident memory of this process, as benchmarks and the hostile campaign report it.

Why not ``resource.getrusage(RUSAGE_SELF).ru_maxrss``: Linux carries the peak across
``fork`` + ``exec``, so a benchmark started from a large parent (pytest after loading spaCy and
MiniLM, say) reports the *parent's* size. ``VmHWM`` in ``/proc/self/status`` belongs to the
process's own address space and starts again at ``exec``; ``ru_maxrss`` is the fallback where
``/proc`` is absent.
"""

from __future__ import annotations

import resource
from pathlib import Path

__all__ = ["current_rss_mb", "peak_rss_mb"]


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def peak_rss_mb() -> float:
    """Peak resident memory of this process since it was started (exec), in MiB."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """Resident memory of this process now, in MiB (the peak where ``/proc`` is absent)."""
    now = _status_mb("VmRSS")
    return now if now is not None else peak_rss_mb()
