"""The shared facility data chunks: Python and the browser put an id in the same chunk; chunk sizes stay small."""

from __future__ import annotations

import json
import subprocess

import pytest
from facility_site.pages.facility_data import CHUNK_TARGET, chunk_count, chunk_of
from sitebuild import ROOT

IDS = ["a", "current", "coco-color", "access-job-saitama", "0", "z-9", "constructor", "proto", *(f"synth-{n:05d}" for n in range(0, 3000, 37))]


@pytest.mark.parametrize("chunks", [1, 2, 64, 2048])
def test_browser_computes_the_same_chunk_as_the_build(chunks):
    script = f"""
import {{ chunkOf }} from "./theme/static/js/compare/ids.js";
const ids = {json.dumps(IDS)};
console.log(JSON.stringify(ids.map((id) => chunkOf(id, {chunks}))));
"""
    run = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert json.loads(run.stdout) == [chunk_of(i, chunks) for i in IDS]


def test_chunk_count_is_a_power_of_two_near_the_target():
    assert chunk_count(0) == chunk_count(1) == chunk_count(CHUNK_TARGET) == 1
    assert chunk_count(CHUNK_TARGET + 1) == 2
    assert chunk_count(30_000) == 2048


def test_ids_spread_evenly_over_the_chunks():
    ids = [f"office-{n}" for n in range(30_000)]
    sizes = [0] * chunk_count(len(ids))
    for facility_id in ids:
        sizes[chunk_of(facility_id, len(sizes))] += 1
    assert max(sizes) <= 3 * CHUNK_TARGET and min(sizes) >= 1
