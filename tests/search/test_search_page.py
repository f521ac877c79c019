"""The /search/ page and its data files in a built site (parsed HTML, files on disk)."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
from pathlib import Path

import pytest
from facility_site.errors import FacilitySiteError
from facility_site.records.reader import load_facilities
from facility_site.records.vocab import DISABILITIES, PREFECTURES, REGIONS, SERVICES
from sitebuild import FIXTURES, ROOT, SAMPLE_FACILITIES, build_site, page, search_data

SEARCH_RECORDS = FIXTURES / "search"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("search-page")
    (root / "content").mkdir()
    return build_site(root / "output", SEARCH_RECORDS, root / "content")


def config(doc) -> dict:
    return json.loads(doc.find("script", id="search-config").string)


def text(element) -> str:
    return element.get_text("", strip=True)


def test_form_is_a_plain_get_form_with_labelled_controls(site):
    doc = page(site, "search/")
    form = doc.find("form", attrs={"data-search-form": True})
    assert form["method"] == "get"
    assert form["action"] == "../search/"
    box = form.find("input", attrs={"name": "q"})
    assert box["type"] == "search"
    assert text(form.find("label", attrs={"for": box["id"]})) == "キーワード"
    assert form.find("button", attrs={"type": "submit"})
    clear = form.find("a", attrs={"data-search-clear": True})
    assert clear["href"] == "../search/" and text(clear) == "条件をすべてクリア"


def test_prefectures_fold_under_their_region_with_its_count(site):
    doc = page(site, "search/")
    facet = doc.find("fieldset", attrs={"data-facet": "pref"})
    assert text(facet.legend).startswith("都道府県")
    groups = facet.find_all("details", attrs={"data-region": True})
    assert [text(g.find(class_="facet__region-name")) for g in groups] == list(REGIONS)
    assert not any(g.has_attr("open") for g in groups)  # folded; works without JavaScript
    kanto = groups[list(REGIONS).index("関東")]
    assert text(kanto.summary.find(attrs={"data-count-region": True})) == "（6件）"  # 東京都 3, 神奈川県 2, 千葉県 1
    values = [box["value"] for g in groups for box in g.find_all("input", attrs={"name": "pref"})]
    assert values == [p.slug for p in PREFECTURES]
    tokyo = facet.find("input", attrs={"value": "tokyo"}).parent
    assert text(tokyo) == "東京都（3件）"
    assert "choice--empty" not in tokyo["class"]
    aomori = facet.find("input", attrs={"value": "aomori"}).parent
    assert text(aomori) == "青森県（0件）"
    assert "choice--empty" in aomori["class"]  # marked, not disabled
    assert not facet.find("input", attrs={"disabled": True})


def test_disability_and_service_choices_with_counts(site):
    facilities = load_facilities(SEARCH_RECORDS)
    doc = page(site, "search/")
    dis = doc.find("fieldset", attrs={"data-facet": "dis"})
    assert "すべてに対応" in text(dis.legend)
    for d in DISABILITIES:
        label = dis.find("input", attrs={"value": d.slug}).parent
        assert text(label) == f"{d.short}（{sum(d in f.disabilities for f in facilities)}件）"
    assert "未確認の事業所（1件）" in text(dis)  # osaka-unchecked has no disability types
    svc = doc.find("fieldset", attrs={"data-facet": "svc"})
    assert [box["value"] for box in svc.find_all("input")] == [s.slug for s in SERVICES]
    assert text(svc.find("input", attrs={"value": "retention"}).parent) == "就労定着支援（4件）"


def test_walk_and_sort_selects(site):
    doc = page(site, "search/")
    walk = doc.find("select", attrs={"name": "walk"})
    assert [(o["value"], text(o)) for o in walk.find_all("option")] == [
        ("", "指定なし"),
        ("5", "5分以内（4件）"),
        ("10", "10分以内（7件）"),
        ("15", "15分以内（8件）"),
        ("20", "20分以内（9件）"),
        ("30", "30分以内（9件）"),
    ]
    sort = doc.find("select", attrs={"name": "sort"})
    assert [o["value"] for o in sort.find_all("option")] == ["relevance", "retention", "hires", "capacity", "stay", "walk", "name", "near"]  # near: issue 12
    assert sort.find("option", selected=True)["value"] == "name"


def test_result_hooks_and_the_no_javascript_notice(site):
    doc = page(site, "search/")
    results = doc.find(attrs={"data-results": True})
    assert results["aria-busy"] == "true" and results.has_attr("hidden")
    assert doc.find(attrs={"data-result-count": True})["aria-live"] == "polite"
    notice = doc.find(attrs={"data-search-nojs": True})
    links = {a["href"] for a in notice.find_all("a")}
    assert "../#prefectures" in links
    assert {f"../disability/{d.slug}/" for d in DISABILITIES} <= links


def test_no_inline_scripts_or_styles(site):
    doc = page(site, "search/")
    for script in doc.find_all("script"):
        assert script.get("src") or script.get("type") == "application/json"
    assert not doc.find(attrs={"style": True})
    assert doc.find("script", src="../theme/js/search/page.js")["type"] == "module"


def test_config_points_at_the_data_and_lunr(site):
    cfg = config(page(site, "search/"))
    assert cfg["data"] == "search/" and cfg["dataGroups"]["text"] > 1 and cfg["dataGroups"]["other"] > 1
    hashes = cfg["dataGroups"]["hashes"]
    assert len(hashes) == 10 * (cfg["dataGroups"]["text"] + cfg["dataGroups"]["other"]) and re.fullmatch("[0-9a-f]+", hashes)
    data = search_data(site)  # each file in its group's folder
    for name in ("facets.json", "name-order.json", "sort-retention.json", "text/chars.json", "cards/pref-tokyo.json"):
        assert data[name].is_file(), name
    assert len({path.relative_to(site / "search").parts[0] for path in data.values()}) > 10  # spread over the groups
    assert cfg["count"] == 9
    assert cfg["prefectures"] == [p.slug for p in PREFECTURES]
    lunr = (site / cfg["lunr"]).read_text(encoding="utf-8")
    assert lunr.rstrip().endswith("export default module.exports;")
    assert (ROOT / "node_modules" / "lunr" / "lunr.min.js").read_text(encoding="utf-8").strip() in lunr


def test_large_data_files_have_an_identical_gzip_twin(tmp_path, monkeypatch):
    from facility_site.search import page as search_page

    monkeypatch.setattr(search_page, "PRECOMPRESS_BYTES", 1000)  # the fixture's files are small
    (tmp_path / "content").mkdir()
    built = build_site(tmp_path / "out", SEARCH_RECORDS, tmp_path / "content")
    folder = built / config(page(built, "search/"))["data"]  # every group's folder
    twins = list(folder.rglob("*.json.gz"))
    assert len(twins) >= 2
    for twin in twins:
        assert gzip.decompress(twin.read_bytes()) == twin.with_suffix("").read_bytes()
    small = [p for p in folder.rglob("*.json") if p.stat().st_size < 1000]
    assert small and not any(p.with_name(p.name + ".gz").exists() for p in small)


def test_facets_file_matches_the_records(site):
    facets = json.loads(search_data(site)["facets.json"].read_text(encoding="utf-8"))
    assert facets["count"] == 9
    starts = facets["prefStarts"]
    assert len(starts) == 48 and starts[-1] == 9
    tokyo = next(p for p in PREFECTURES if p.slug == "tokyo")
    assert starts[tokyo.code] - starts[tokyo.code - 1] == 3


def test_same_records_same_files_and_new_records_new_version(tmp_path):
    (tmp_path / "content").mkdir()
    first = build_site(tmp_path / "one", SEARCH_RECORDS, tmp_path / "content")
    second = build_site(tmp_path / "two", SEARCH_RECORDS, tmp_path / "content")
    files = sorted(p.relative_to(first) for p in (first / "search").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in (second / "search").rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    other = build_site(tmp_path / "three", SAMPLE_FACILITIES, tmp_path / "content")
    assert config(page(other, "search/"))["dataGroups"] != config(page(first, "search/"))["dataGroups"]


def test_missing_lunr_js_stops_the_build_with_a_clear_message(tmp_path):
    (tmp_path / "content").mkdir()
    with pytest.raises(FacilitySiteError, match=r"lunr_js: cannot read .*nowhere/lunr.min.js .*run `npm ci`"):
        build_site(tmp_path / "out", SEARCH_RECORDS, tmp_path / "content", lunr_js=str(tmp_path / "nowhere" / "lunr.min.js"))


def test_condition_choices_with_counts(site):
    """The practical conditions (issue 11): one fieldset, name=opt, counted like the other facets."""
    doc = page(site, "search/")
    opt = doc.find("fieldset", attrs={"data-facet": "opt"})
    assert text(opt.legend) == "通うときの条件（選んだすべてがある）"
    assert [(box["name"], box["value"]) for box in opt.find_all("input")] == [
        ("opt", "remote"),
        ("opt", "lunch"),
        ("opt", "transport"),
        ("opt", "pickup"),
    ]
    labels = [text(box.parent) for box in opt.find_all("input")]
    assert labels == ["在宅訓練（3件）", "昼食の提供（3件）", "交通費の支援（1件）", "送迎（1件）"]
    # Placed like the service fieldset: right after it, before the selects.
    svc = doc.find("fieldset", attrs={"data-facet": "svc"})
    assert svc.find_next_sibling("fieldset") is opt
    cfg = config(doc)
    assert (cfg["options"], cfg["optionLabels"]) == (["remote", "lunch", "transport", "pickup"], ["在宅訓練", "昼食の提供", "交通費の支援", "送迎"])


def test_the_browser_finds_each_data_file_in_its_groups_folder(site):
    """data-url.js computes the same group as search/page.py data_group, for every file of the build and odd paths."""
    from facility_site.search.page import DATA_GROUPS, GROUP_HASH, TEXT_GROUPS, data_group

    cfg = config(page(site, "search/"))
    paths = sorted(search_data(site)) + ["text/p/3088-3053.json", "cards/pref-okinawa.json", "x", "text/"]
    script = (
        f"import {{ dataFileUrl }} from {json.dumps((ROOT / 'theme/static/js/search/data-url.js').as_uri())};"
        f"const groups = {json.dumps(cfg['dataGroups'])};"
        f"console.log(JSON.stringify({json.dumps(paths)}.map((p) => dataFileUrl('search/', groups, p))));"
    )
    run = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    hashes = cfg["dataGroups"]["hashes"]
    expected = [f"search/{hashes[data_group(p) * GROUP_HASH : (data_group(p) + 1) * GROUP_HASH]}/{p}" for p in paths]
    assert json.loads(run.stdout) == expected
    groups = [data_group(p) for p in paths]
    assert all(g < TEXT_GROUPS for p, g in zip(paths, groups, strict=True) if p.startswith("text/"))
    assert all(TEXT_GROUPS <= g < DATA_GROUPS for p, g in zip(paths, groups, strict=True) if not p.startswith("text/"))
    # Without dataGroups (a test's own data folder) the files are directly under the base.
    bare = subprocess.run(
        ["node", "--input-type=module", "-e", script.replace(f"const groups = {json.dumps(cfg['dataGroups'])};", "const groups = undefined;")],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert json.loads(bare.stdout) == [f"search/{p}" for p in paths]
