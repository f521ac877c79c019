"""Keep tools/bench_rebuild.py (issue 15's figures) from rotting: run it on a small synthetic set."""

from __future__ import annotations

import subprocess
import sys

from sitebuild import ROOT


def test_bench_rebuild_reports_the_median_of_several_one_record_edits(tmp_path):
    command = [sys.executable, str(ROOT / "tools" / "bench_rebuild.py"), "--size", "300", "--work", str(tmp_path), "--edits", "3"]
    command += ["--no-serial", "--no-plain", "--no-devserver", "--no-doc"]
    run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ") for line in lines if line.startswith("| ") and not line.startswith("| build")}
    assert {"clean build, default workers", "rebuild, nothing changed", "one record edited", "one article edited"} <= rows.keys()
    listed = next(line for line in lines if line.startswith("One record edited: 3 edits"))
    walls = [float(wall) for wall in listed.split("(")[1].split(" s wall")[0].split(", ")]
    assert len(walls) == 3
    assert float(rows["one record edited"][1]) == sorted(walls)[1]  # the table's row is the median run
    # The median edit's rebuild wrote what the edit reached (its page, its lists, the search data), not nothing.
    assert int(rows["one record edited"][-1].split(" file(s) new or changed")[0].split()[-1]) > 0
