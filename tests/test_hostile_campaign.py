"""The hostile-input campaign (``newsweave.bench.hostile``) at full size, in a bounded subprocess.

2,040 generated cases, every class of issue 14 mixed with good records, one ingest
run: no good record lost or altered, each bad one reported once, the run ends
within 3 minutes and its peak RSS stays under 1 GB.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from newsweave.bench.hostile import CLASSES

ROOT = Path(__file__).resolve().parents[1]
CASES = 2040
MAX_SECONDS = 180
MAX_RSS_MB = 1024


def test_the_campaign_loses_nothing_hangs_never_and_stays_small(tmp_path):
    # the child reports its own peak (VmHWM): ru_maxrss would carry this pytest process's size across fork + exec
    done = subprocess.run([sys.executable, "-m", "newsweave.bench.hostile", str(tmp_path / "cases"), str(CASES), "14"],
                          check=False, capture_output=True, text=True, timeout=MAX_SECONDS, cwd=ROOT)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["problems"] == [], result["problems"][:10]
    assert result["cases"] == CASES and set(result["by_class"]) == set(CLASSES)
    for kind, tally in result["by_class"].items():
        assert tally["cases"] >= CASES // len(CLASSES), kind
        assert tally["handled"] == tally["cases"] and tally["good lost"] == tally["mangled"] == 0, (kind, tally)
        assert tally["bad reported"] >= tally["cases"], (kind, tally)
    assert result["peak_rss_mb"] < MAX_RSS_MB
    assert done.returncode == 0
