"""「現在地から近い順」 in the search engine (Node, over a real build) and the page's data and markup."""

from __future__ import annotations

import gzip
import json
import subprocess
from pathlib import Path

import pytest
from facility_site.geo.distance import distance_label, quantise
from facility_site.records.reader import load_facilities
from facility_site.search.data import doc_order
from near_helpers import SHINJUKU, expected_near
from search_helpers import write_synthetic_records
from sitebuild import ROOT, build_site, page, search_data
from test_search_engine import run_engine


@pytest.fixture(scope="module")
def records(tmp_path_factory) -> Path:
    return write_synthetic_records(tmp_path_factory.mktemp("near-records"), 400, seed=12)


@pytest.fixture(scope="module")
def site(tmp_path_factory, records) -> Path:
    return build_site(tmp_path_factory.mktemp("near-site") / "output", records, tmp_path_factory.mktemp("content"))


def data_folder(site: Path) -> dict[str, Path]:
    return search_data(site)


def test_distance_order_matches_python_distances_with_unlocated_last(site, records):
    (result,) = run_engine(site, [{"state": {"sort": "near"}, "position": SHINJUKU}])
    order, metres = expected_near(records, SHINJUKU)
    assert result["sort"] == "near"
    assert result["ids"] == order
    for key, shown in zip(result["ids"], result["distances"], strict=True):
        assert shown == (None if metres[key] is None else pytest.approx(metres[key], abs=0.01))
    unlocated = sum(1 for m in metres.values() if m is None)
    assert unlocated > 0 and result["noLocation"] == unlocated
    assert result["ids"][-unlocated:] == [key for key in order if metres[key] is None]


def test_distance_order_keeps_every_other_filter(site, records):
    state = {"sort": "near", "pref": ["tokyo", "kanagawa"], "dis": ["mental"], "svc": ["transition"]}
    (result,) = run_engine(site, [{"state": state, "position": SHINJUKU}])

    def keep(f):
        chosen = f.prefecture.slug in ("tokyo", "kanagawa") and any(d.slug == "mental" for d in f.disabilities)
        return chosen and any(s.slug == "transition" for s in f.services)

    order, _ = expected_near(records, SHINJUKU, keep)
    assert len(order) > 5
    assert result["ids"] == order


def test_within_keeps_only_offices_that_close_and_counts_the_unlocated_left_out(site, records):
    searches = [{"state": {"sort": "near", "within": km}, "position": SHINJUKU} for km in (5, 20)]
    searches.append({"state": {"within": 20, "sort": "name"}, "position": SHINJUKU})
    five, twenty, by_name = run_engine(site, searches)
    order5, metres = expected_near(records, SHINJUKU, within_km=5)
    order20, _ = expected_near(records, SHINJUKU, within_km=20)
    assert 0 < len(order5) < len(order20)
    assert five["ids"] == order5 and twenty["ids"] == order20
    assert all(m <= 5000 for m in five["distances"])
    unlocated = sum(1 for m in metres.values() if m is None)
    assert five["excludedNoLocation"] == unlocated
    # The counts of every other choice include the distance filter.
    assert sum(five["counts"]["pref"]) == len(order5)
    # A distance filter with another order: the same offices, in that order.
    assert sorted(by_name["ids"]) == sorted(order20) and by_name["ids"] != order20
    # Nothing within 1 km of the sea south of Tokyo: the advice offers to drop the distance.
    (empty,) = run_engine(site, [{"state": {"sort": "near", "within": 1}, "position": {"lat": 34.9, "lng": 139.8}}])
    assert empty["total"] == 0
    assert {"kind": "within", "count": 400} in empty["relax"]


def test_without_a_position_the_default_order_is_used(site):
    plain, near, near_text = run_engine(
        site, [{"state": {}}, {"state": {"sort": "near"}}, {"state": {"sort": "near", "q": "サンプル"}}]
    )
    assert near["sort"] == "name" and near["ids"] == plain["ids"]
    assert "distances" not in near
    assert near_text["sort"] == "relevance"


def test_coordinate_files_decode_to_the_records_and_fit_the_budget(site, records):
    folder = data_folder(site)
    docs = doc_order(load_facilities(records))
    national = json.loads((folder["geo/all.json"]).read_text(encoding="utf-8"))

    def decode(file):
        out, lat, lng, k = {}, 0, 0, 0
        for offset in range(file["count"]):
            if offset in file["none"]:
                out[file["start"] + offset] = None
                continue
            lat, lng, k = lat + file["lat"][k], lng + file["lng"][k], k + 1
            out[file["start"] + offset] = (lat, lng)
        return out

    assert decode(national) == {n: (quantise(f.location) if f.location else None) for n, f in enumerate(docs)}
    tokyo = json.loads((folder["geo/pref-tokyo.json"]).read_text(encoding="utf-8"))
    assert decode(tokyo) == {n: v for n, v in decode(national).items() if docs[n].prefecture.slug == "tokyo"}
    # Far below the budget of issue 12 (≤ 40 KiB a prefecture, ≤ 250 KiB national at 30,000; bench_near.py measures that).
    assert len(gzip.compress((folder["geo/all.json"]).read_bytes())) < 250 * 1024 * 400 / 30000


def test_js_labels_and_order_match_python(tmp_path):
    metres = [0, 49.9, 50, 1200, 1249.9, 1250, 9949.9, 9950, 12_400, 99_999, 1_234_500]
    script = tmp_path / "labels.mjs"
    script.write_text(
        f'import {{ distanceLabel, orderByDistance }} from "{(ROOT / "theme/static/js/search/geo.js").as_uri()}";\n'
        f"const m = {json.dumps(metres)};\n"
        "const byDoc = Float64Array.from([5000, NaN, 12.4, 5000, 0.4, NaN, 7]);\n"
        "const { ordered, unknown } = orderByDistance(Int32Array.from([0, 1, 2, 3, 4, 5, 6]), byDoc);\n"
        "console.log(JSON.stringify({ labels: m.map(distanceLabel), ordered: Array.from(ordered), unknown }));\n",
        encoding="utf-8",
    )
    run = subprocess.run(["node", str(script)], capture_output=True, text=True, check=True)
    out = json.loads(run.stdout)
    assert out["labels"] == [distance_label(m / 1000) for m in metres]
    # Nearest first to the metre, ties in doc order, unknown (NaN) last in doc order.
    assert out["ordered"] == [4, 6, 2, 0, 3, 1, 5] and out["unknown"] == 2


def test_search_page_offers_the_order_and_says_what_happens_to_the_position(site):
    html = page(site, "search/")
    sort = html.select_one("[data-search-sort]")
    assert sort.select_one('option[value="near"]').get_text() == "現在地から近い順"
    panel = html.select_one("[data-near-panel]")
    assert panel.has_attr("hidden")
    privacy = panel.select_one("[data-near-privacy]").get_text()
    assert "アドレス（URL）に入れたりしません" in privacy and "リンクを人に送っても" in privacy
    within = html.select_one("select[data-near-within]")
    assert within["form"] == "search-form" and within["name"] == "within"
    assert [o["value"] for o in within.select("option")] == ["", "1", "2", "5", "10", "20"]
    assert html.select_one("[data-near-status]")["role"] == "status"
    config = json.loads(html.select_one("#search-config").string)
    assert config["withinOptions"] == [1, 2, 5, 10, 20]
