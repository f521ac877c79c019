"""tools/synth.py: the synthetic national data set loads cleanly and is reproducible."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections import Counter

import pytest
from facility_site.records.reader import load_facilities
from facility_site.records.vocab import PREFECTURES
from sitebuild import ROOT

SYNTH = ROOT / "tools" / "synth.py"


def _synth_module():
    spec = importlib.util.spec_from_file_location("synth", SYNTH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_synth(count: int, out, seed: int | None = None) -> subprocess.CompletedProcess:
    args = [sys.executable, str(SYNTH), "--count", str(count), "--out", str(out)]
    if seed is not None:
        args += ["--seed", str(seed)]
    return subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    """470 records: ten per prefecture on average, through the command line."""
    out = tmp_path_factory.mktemp("synth470")
    run_synth(470, out)
    return out, load_facilities(out)


def test_small_set_loads_without_problems(tmp_path):
    run_synth(60, tmp_path)
    facilities = load_facilities(tmp_path)  # raises RecordError listing every problem
    assert [f.id for f in facilities] == [f"sample-{n:05d}" for n in range(1, 61)]
    assert all(f.name.startswith(f"サンプル事業所 {f.id[-5:]}") for f in facilities)


def test_every_prefecture_is_covered_in_population_order(national):
    _, facilities = national
    counts = Counter(f.prefecture.name for f in facilities)
    assert set(counts) == {p.name for p in PREFECTURES}
    assert counts["東京都"] > counts["大阪府"] > counts["京都府"] > counts["鳥取県"]


def test_records_mix_services_disabilities_and_metric_notations(national):
    folder, facilities = national
    services = Counter(s.label for f in facilities for s in f.services)
    assert services["就労移行支援"] > len(facilities) / 2
    assert services["就労定着支援"] > 0 and services["就労継続支援A型"] > 0 and services["就労継続支援B型"] > 0
    assert {len(f.disabilities) for f in facilities} >= {1, 2, 3, 5}
    # Missing metrics (shown as 非公開) and open ranges both occur.
    assert any(f.retention_rate is None for f in facilities)
    assert any(f.retention_rate is not None and f.retention_rate.high is None for f in facilities)
    assert any(f.hires_last_year is not None and f.hires_last_year.low is None for f in facilities)
    raw = "\n".join(p.read_text(encoding="utf-8") for p in folder.glob("*.yaml"))
    for notation in ("90%以上", "80％以上", "10~14名", "1〜5人", "6-9名", "12-18か月", "min:", "未満"):
        assert notation in raw, notation
    assert any(not f.access for f in facilities) and any(len(f.access) > 1 for f in facilities)
    assert any(s.line for f in facilities for s in f.access)


def test_places_include_the_search_traps():
    synth = _synth_module()
    cities = {(pref, city) for pref, spec in synth.PLACES.items() for city, _ in synth.parse_places(spec)}
    green_wards = {city for _, city in cities if city.endswith("緑区")}
    assert {"横浜市緑区", "相模原市緑区"} <= green_wards
    assert ("東京都", "府中市") in cities and ("広島県", "府中市") in cities
    assert sum(1 for _, city in cities if city.endswith("中央区")) >= 5
    assert len(cities) >= 300
    records = [record for _, record in synth.generate(3000, seed=1)]
    trap = [r for r in records if r["prefecture"] == "京都府" and "東京" in r.get("catchphrase", "")]
    assert trap, "京都府 records mentioning 東京 are the 東京都/京都 trap"


def test_same_seed_gives_identical_files_and_another_seed_differs(tmp_path):
    first, again, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    run_synth(120, first, seed=7)
    run_synth(120, again, seed=7)
    run_synth(120, other, seed=8)
    files = sorted(p.name for p in first.iterdir())
    assert files == sorted(p.name for p in again.iterdir())
    assert all((first / n).read_bytes() == (again / n).read_bytes() for n in files)
    assert any((first / n).read_bytes() != (other / n).read_bytes() for n in files)


def test_rerun_with_fewer_records_replaces_the_earlier_set(tmp_path):
    run_synth(50, tmp_path)
    run_synth(10, tmp_path)
    assert len(load_facilities(tmp_path)) == 10


def test_apportion_keeps_the_total_and_the_minimum():
    synth = _synth_module()
    weights = [pop for _, pop in synth.POPULATION]
    for count in (47, 48, 470, 1000, 30000):
        shares = synth.apportion(count, weights, minimum=1)
        assert sum(shares) == count and min(shares) >= 1
    assert synth.apportion(10, [1, 1, 2]) == [3, 2, 5]  # ties go to the earlier prefecture
