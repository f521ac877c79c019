"""The engine scores matches without lunr.js (issue 17), and its scores are lunr.js's, bit for bit.

Until issue 17 the page fetched lunr.js (8.4 KiB of gzip) before it could
rank a keyword's matches, and so before it could ask for their cards: on a
phone network lunr.js was the last file of its wave. The engine now computes
lunr's score of each score signature itself (engine.js rankSignatures). This
compares those scores with lunr.js 2.3.9 scoring the very same signatures the
way the engine did before (tests/js/rank_parity.mjs), on made-up signatures
over the site's real fields: same float, not merely the same order, so ties
and the engine's rounding of scores come out the same.
"""

from __future__ import annotations

import json
import subprocess

from facility_site.search.index import FIELD_NAMES
from sitebuild import ROOT

RANK_PARITY = ROOT / "tests" / "js" / "rank_parity.mjs"


def rank_both(seed: int, cases: int) -> list[dict]:
    args = json.dumps({"seed": seed, "cases": cases, "fields": list(FIELD_NAMES)})
    run = subprocess.run(["node", str(RANK_PARITY), args], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_scores_equal_lunr_js_bit_for_bit():
    results = rank_both(seed=17, cases=300)
    # Enough variety to mean something: several words, many signatures, some scores shared.
    assert {len(r["words"]) for r in results} == {1, 2, 3, 4}
    assert sum(r["signatures"] for r in results) > 10_000
    assert any(len(set(r["lunr"])) < r["signatures"] for r in results)  # equal scores (ties) occur
    for r in results:
        assert r["ours"] == r["lunr"], r["words"]

