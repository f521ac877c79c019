"""The engine stays exact on the peer query set of `make bench-peers` (tools/peers/queries.py).

Readings and everyday words widen what a word matches; on the queries derived
from synthetic records (kana brand names, one kana, 発達 + a station, 定着 + a
city …) the results must still be exactly the reference matcher's.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from facility_site.records.reader import load_facilities
from search_helpers import write_synthetic_records
from sitebuild import ROOT, build_site

sys.path.insert(0, str(ROOT / "tools"))
from peers.queries import ReferenceMatcher, derive_queries  # noqa: E402


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    root = tmp_path_factory.mktemp("peer-queries")
    records = write_synthetic_records(root / "records", 200, seed=2)
    (root / "content").mkdir()
    return build_site(root / "output", records, root / "content"), load_facilities(records)


def test_every_peer_query_gives_exactly_the_reference_ids(synthetic):
    site, facilities = synthetic
    queries = derive_queries(facilities)
    searches = [{"state": {"q": q.text}} for q in queries]
    run = subprocess.run(["node", str(ROOT / "tests" / "js" / "run_engine.mjs"), str(site), json.dumps(searches)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    matcher = ReferenceMatcher(facilities)
    wrong = [(q.text, r["total"]) for q, r in zip(queries, json.loads(run.stdout), strict=True) if set(r["ids"]) != set(matcher.match(q.text))]
    assert wrong == []
    assert len(queries) >= 40
    assert any(q.kind == "kana variant" for q in queries)
    assert "つ" in {q.text for q in queries}  # one kana: the first sound of 津, 鶴岡, 土浦 … in the readings
