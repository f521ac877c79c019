"""Keep `make bench-peers` from rotting: run it at a tiny size, and check its reference matcher.

No figure is asserted against a limit here (speed is for the benchmark
output); the test checks that every system was built and measured and that
the query set has what issue #5 asks for.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sitebuild import ROOT

TOOLS = ROOT / "tools"
sys.path.insert(0, str(TOOLS))

from facility_site.records.model import Facility, Station  # noqa: E402
from facility_site.records.reader import load_facilities  # noqa: E402
from facility_site.records.vocab import DISABILITY_BY_LABEL, PREFECTURE_BY_NAME, SERVICE_BY_LABEL  # noqa: E402
from peers.queries import ReferenceMatcher, derive_queries, fold, to_half_width_katakana  # noqa: E402

SMOKE_SIZE = 60
SEARCH_TEMPLATE = ROOT / "theme" / "templates" / "search.html"


def facility(fid: str, name: str, prefecture: str, city: str, station: str = "", catchphrase: str | None = None, kana: str | None = None) -> Facility:
    import datetime as dt

    return Facility(
        id=fid,
        name=name,
        name_kana=kana,
        prefecture=PREFECTURE_BY_NAME[prefecture],
        city=city,
        services=(SERVICE_BY_LABEL["就労移行支援"],),
        capacity=10,
        disabilities=(DISABILITY_BY_LABEL["精神"],),
        updated=dt.date(2026, 11, 1),
        source_path=f"{fid}.yaml",
        access=(Station(station, 3.0),) if station else (),
        catchphrase=catchphrase,
    )


def test_reference_matcher_folds_width_case_and_kana_and_keeps_words_whole():
    records = [
        facility("current", "カレント", "東京都", "新宿区", "新宿御苑前", kana="かれんと"),
        facility("kyoto-trap", "サンプル ＩＴ", "京都府", "京都市下京区", "京都", catchphrase="東京の本社と連携"),
        facility("midori", "みどり", "神奈川県", "相模原市緑区", "橋本"),
    ]
    match = ReferenceMatcher(records).match
    assert match("かれんと") == ["current"] and match("ｶﾚﾝﾄ") == ["current"]
    assert match("it") == ["kyoto-trap"] and match("ＩＴ") == ["kyoto-trap"]
    assert match("御苑") == ["current"] and match("新宿御苑前駅") == ["current"]
    # 東京 and 京都 sit in different fields of the Kyoto record: no match for 東京都.
    assert match("東京都") == ["current"]
    assert match("京都") == ["current", "kyoto-trap"]  # 東京都 contains 京都
    assert match("東京 京都") == ["current", "kyoto-trap"]  # each word in one field
    assert match("緑区 橋本") == ["midori"] and match("緑区 新宿") == []
    assert match("   ") == []
    assert fold("ＡＢＣ　カナ") == "abc かな" and to_half_width_katakana("ジョブ") == "ｼﾞｮﾌﾞ"


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    work = tmp_path_factory.mktemp("bench-peers")
    args = [sys.executable, str(TOOLS / "bench_peers.py"), "--sizes", str(SMOKE_SIZE), "--work", str(work), "--repeats", "1", "--quick", "--no-doc"]
    run = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    return work, run.stdout, json.loads((work / "bench-peers-results.json").read_text(encoding="utf-8"))


def test_query_set_is_derived_from_the_records_with_every_kind(smoke):
    work, _, payload = smoke
    (result,) = payload["results"]
    facilities = load_facilities(work / f"synth-{SMOKE_SIZE}")
    queries = derive_queries(facilities)
    assert [q["text"] for q in result["queries"]] == [q.text for q in queries]
    assert len(queries) >= 40
    kinds = {q.kind for q in queries}
    assert {"partial name", "partial station", "kana variant", "half-width", "one character", "multi-word", "trap"} <= kinds
    assert {"東京都", "京都", "京都府"} <= {q.text for q in queries}
    matcher = ReferenceMatcher(facilities)
    assert [q["expected"] for q in result["queries"]] == [len(matcher.match(q.text)) for q in queries]


def test_every_peer_is_built_and_measured(smoke):
    _, stdout, payload = smoke
    (result,) = payload["results"]
    builds = result["builds"]
    assert builds["pelican"] > 0 and builds["pagefind"] > builds["pelican"] and builds["lunr"] > builds["pelican"]
    assert isinstance(builds["hugo"], float) or builds["hugo"].startswith("not measured")
    for key in ("pagefind", "lunr"):
        system = result["systems"][key]
        assert system["status"] == "ok"
        quality = system["quality"]
        assert quality["queries"] == len(result["queries"]) and 0 <= quality["exact_rate"] <= 1
        for scenario in ("a", "b", "c"):
            assert system[scenario]["bytes"] > 0, (key, scenario, system[scenario])
            assert system[scenario]["page_errors"] == []
        assert system["latency"]["cold_samples"] and system["latency"]["keys_without_update"] == 0
    pagefind_paths = [path for path, *_ in result["systems"]["pagefind"]["a"]["resources"]]
    assert any(p.startswith("/pagefind/") and p.endswith(".pf_filter") for p in pagefind_paths)
    assert f"### {SMOKE_SIZE} facilities" in stdout and "Goals (issue #5)" in stdout


def test_this_project_and_pagefind_are_measured_on_the_throttled_phone_profile(smoke):
    _, stdout, payload = smoke
    (result,) = payload["results"]
    for key in ("ours", "pagefind"):
        for protocol in ("h2", "h1"):
            throttled = result["systems"][key]["throttled"][protocol]
            for scenario in ("a", "b", "c"):
                run = throttled[scenario]
                assert "error" not in run, (key, protocol, scenario, run)
                assert run["first_result_ms"] > 150 and run["requests"]
                # Cards need data after the page's own wave; a keyword none of whose characters is in the
                # shard directory (preloaded with the page) finds nothing without another file (no lunr.js).
                assert run["waves"] >= (2 if run["cards_shown"] else 1), (key, protocol, scenario, run["requests"])
            assert throttled["typing"]["keys"] == len("緑区")
    assert "lunr" not in result["systems"] or "throttled" not in result["systems"]["lunr"]
    assert "Throttled phone profile" in stdout and "≤ 4 waves before the first results" in stdout


def test_this_project_is_measured_once_its_search_page_exists(smoke):
    _, _, payload = smoke
    ours = payload["results"][0]["systems"]["ours"]
    assert isinstance(ours["build"], float)
    if SEARCH_TEMPLATE.is_file():
        assert ours["status"] == "ok"
        assert ours["quality"]["queries"] >= 40
        assert all(ours[s]["bytes"] > 0 for s in ("a", "b", "c"))
    else:
        assert ours["status"].startswith("search page not found")
