"""Keep tools/bench_near.py (issue 12's figures) from rotting: run it on a small synthetic set."""

from __future__ import annotations

import json
import subprocess
import sys

from sitebuild import ROOT


def test_bench_near_reports_every_figure(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "tools" / "synth.py"), "--count", "200", "--out", str(tmp_path / "records")], check=True, capture_output=True)
    records = tmp_path / "records"
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "bench_near.py"), "--records", str(records), "--runs", "3", "--build-cpu", "30"],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )
    lines = run.stdout.splitlines()
    assert lines[0].startswith("bench_near: 200 facilities, ")
    labels = ("近くの事業所", "search coordinate files", "share of a full build", "largest prefecture", "national (geo/all.json)")
    labels += ("decode national file", "distances + order of 200", "load average")
    for label in labels:
        assert any(label in line for line in lines), label
    figures = json.loads(lines[-1])
    assert figures["sizes"]["national"][1] > 0 and figures["sort"]["median_ms"] >= 0
