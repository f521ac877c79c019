"""A real build: ruby on every page type, names from name_kana, the override file, search data untouched."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sitebuild import ROOT, SAMPLE_CONTENT, SAMPLE_FACILITIES, build_site, page

# 若葉 reads わかば to the analyser; this record says もくよう, and the record wins.
NAMED_BY_KANA = """\
name: 若葉ワークス新宿
name_kana: もくようわーくすしんじゅく
prefecture: 東京都
city: 新宿区
services: [就労移行支援]
disabilities: [精神]
catchphrase: 落ち着いた雰囲気の事業所
updated: 2026-11-01
"""

OVERRIDES = """\
# A reading no dictionary gives, so the test can see the override win.
雰囲気: ふいんき
流山おおたかの森: 流山《ながれやま》おおたかの森《もり》
"""


def page_with_ruby(site: Path, url: str):
    return page(site, url, ruby=True)


def readings(element) -> list[tuple[str, str]]:
    return [("".join(r.find_all(string=True, recursive=False)), r.rt["data-r"]) for r in element.find_all("ruby")]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("furigana")
    facilities = root / "facilities"
    shutil.copytree(SAMPLE_FACILITIES, facilities)
    (facilities / "wakaba.yaml").write_text(NAMED_BY_KANA, encoding="utf-8")
    content = root / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    (content / "furigana.yaml").write_text(OVERRIDES, encoding="utf-8")
    return build_site(root / "output", facilities, content)


def test_facility_page_has_ruby_over_its_own_text(site):
    doc = page_with_ruby(site, "facilities/pinto/")
    assert readings(doc.h1)[:2] == [("就労", "しゅうろう"), ("移行", "いこう")]
    assert doc.h1.get_text() == "就労移行支援事業所 Pinto"  # the text itself is unchanged
    assert ("土台", "どだい") in readings(doc.main)


def test_facility_names_take_name_kana(site):
    doc = page_with_ruby(site, "facilities/wakaba/")
    assert readings(doc.h1) == [("若葉", "もくよう"), ("新宿", "しんじゅく")]


def test_overrides_win_over_the_analyser(site):
    doc = page_with_ruby(site, "facilities/wakaba/")
    assert ("雰囲気", "ふいんき") in readings(doc.main)
    pinto = page_with_ruby(site, "facilities/pinto/")
    assert ("森", "もり") in readings(pinto.main) and ("流山", "ながれやま") in readings(pinto.main)


@pytest.mark.parametrize("url", ["", "pref/tokyo/", "compare/", "articles/", "articles/teichaku-shien-guide/", "404.html"])
def test_every_page_type_has_ruby_in_header_and_main(site, url):
    doc = page_with_ruby(site, url)
    nav = doc.select_one(".site-nav")
    assert ("都道府県", "とどうふけん") in readings(nav)
    assert readings(doc.main), f"no ruby in <main> of {url or 'home'}"
    assert doc.select_one("button[data-furigana-toggle]")["aria-pressed"] == "false"


def test_the_search_page_gets_its_ruby_in_the_browser_from_readings_json(site):
    """The search page's HTML stays as without ふりがな; its text's readings are in readings.json."""
    html = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert "<ruby>" not in html and "<rt" not in html
    doc = page_with_ruby(site, "search/")
    init = [s for s in doc.select("head script[src]") if "furigana-init" in s["src"]]
    assert len(init) == 1 and init[0]["data-furigana-readings"].endswith("/furigana/readings.json")
    assert doc.select_one("button[data-furigana-toggle]")["aria-pressed"] == "false"
    entries = readings_file(site, "readings.json")
    assert "都道府県《とどうふけん》" in entries  # the header's 都道府県から探す
    assert any(entry.startswith("障害《しょうがい》") for entry in entries)  # the form's 障害の種類
    # Every other page still carries its ruby (tested above); pages that do are not marked.
    assert "data-furigana-readings" not in (site / "facilities" / "pinto" / "index.html").read_text(encoding="utf-8")


def test_article_body_has_ruby_inside_its_links(site):
    doc = page_with_ruby(site, "articles/teichaku-shien-guide/")
    linked = [a for a in doc.main.find_all("a") if a.find("ruby")]
    assert linked, "no link in the article has ruby"
    assert ("期間", "きかん") in readings(doc.main)


def test_head_attributes_and_data_are_left_alone(site):
    doc = page_with_ruby(site, "facilities/pinto/")
    assert doc.title.find("ruby") is None and "就労移行支援事業所 Pinto" in doc.title.get_text()
    assert "<ruby>" not in doc.find("meta", attrs={"name": "description"})["content"]
    for script in doc.find_all("script"):
        assert "<ruby>" not in script.get_text()
    for path in site.rglob("*.json"):
        assert "<rt" not in path.read_text(encoding="utf-8"), path


def run_build(tmp_path: Path, overrides: str) -> subprocess.CompletedProcess:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    (content / "furigana.yaml").write_text(overrides, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "facility_site.build", "-s", str(ROOT / "pelicanconf.py"), "-o", str(tmp_path / "out")],
        cwd=tmp_path,
        env={"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin", "CONTENT": str(content), "FACILITIES": str(SAMPLE_FACILITIES), "FACILITY_CACHE": ""},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_malformed_override_file_reports_every_entry_and_writes_nothing(tmp_path):
    bad = textwrap.dedent(
        """\
        雰囲気: ふんいき
        カレント: かれんと
        新宿: Shinjuku
        日本橋: 日本《にほん》
        雰囲気: ふいんき
        御徒町: 御徒町《おかちまち
        流山: ながれやまながれやまながれやま
        """
    )
    result = run_build(tmp_path, bad)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "facility_site: build failed: 6 problem(s) in furigana.yaml; nothing was written:",
        "content/furigana.yaml:2: カレント: has no kanji; only kanji get a reading",
        "content/furigana.yaml:3: 新宿: 'Shinjuku' is not a reading: write it in hiragana, or as 漢字《かんじ》",
        "content/furigana.yaml:4: 日本橋: the ruby '日本《にほん》' spells '日本', not the phrase",
        "content/furigana.yaml:5: 雰囲気: given twice (first on line 1)",
        "content/furigana.yaml:6: 御徒町: unmatched ｜, 《 or 》 in '御徒町《おかちまち'",
        "content/furigana.yaml:7: 流山: the reading 'ながれやまながれやまながれやま' does not fit the phrase; "
        "write it as 漢字《かんじ》 to show where each part goes",
    ]
    assert not (tmp_path / "out").exists()


def test_override_file_that_is_not_yaml_is_a_file_line_error(tmp_path):
    result = run_build(tmp_path, "雰囲気: ふんいき\n新宿: しんじゅく: じゅく\n")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[1].startswith("content/furigana.yaml:2: file: not valid YAML")
    assert not (tmp_path / "out").exists()


def readings_file(site: Path, path: str) -> list[str]:
    import json

    entries = json.loads((site / "furigana" / path).read_text(encoding="utf-8"))
    assert entries == sorted(set(entries)), path
    return entries


def card_chunk_of(site: Path, facility_id: str) -> str:
    """The search card file (cards/doc-<k>.json) that holds a facility's card."""
    import json

    for path in sorted(site.glob("search/*/cards/doc-*.json")):
        if any(row[0] == facility_id for row in json.loads(path.read_text(encoding="utf-8"))):
            return path.relative_to(site).as_posix()
    raise AssertionError(f"no card for {facility_id}")


def test_the_browser_gets_readings_for_the_text_it_renders(site):
    from facility_site.pages.facility_data import chunk_of, chunk_path

    # The site's file: the scripts' own words (search/page.js: 「…件の事業所が見つかりました」),
    # the vocabularies of the pages that render in the browser (prefecture names).
    site_entries = readings_file(site, "readings.json")
    assert any(entry.startswith("件《けん》の事業《じぎょう》所《しょ》が見《み》") for entry in site_entries)
    assert "神奈川県《かながわけん》" in site_entries or "神奈川《かながわ》" in site_entries
    # … but not the facilities' own text: that is in the file of the chunk that holds it.
    assert "流山《ながれやま》おおたかの森《もり》" not in site_entries
    assert not [entry for entry in site_entries if "もくよう" in entry]

    # A search card's chunk: stations with the kana between their kanji, numbers with their
    # counters, facility names as name_kana reads them, the overrides.
    pinto_cards = readings_file(site, card_chunk_of(site, "pinto"))
    assert "流山《ながれやま》おおたかの森《もり》" in pinto_cards
    assert "2分《ふん》" in pinto_cards
    wakaba_cards = readings_file(site, card_chunk_of(site, "wakaba"))
    assert "若葉《もくよう》" in wakaba_cards
    # The comparison data of a facility-data chunk: the catchphrase with the override.
    chunks = len(list((site / "facility-data").glob("*.json")))
    wakaba_data = readings_file(site, chunk_path(chunk_of("wakaba", chunks)))
    assert "雰囲気《ふいんき》" in wakaba_data and "若葉《もくよう》" in wakaba_data
    # Every data chunk has its readings file; the search cards by prefecture have none (same rows).
    data_chunks = {p.relative_to(site).as_posix() for p in site.glob("facility-data/*.json")}
    data_chunks |= {p.relative_to(site).as_posix() for p in site.glob("search/*/cards/doc-*.json")}
    written = {p.relative_to(site / "furigana").as_posix() for p in (site / "furigana").rglob("*.json")}
    assert written == data_chunks | {"readings.json", "words.json"}
    # A number and counter alone is no word (1日 is ついたち only after a month).
    for path in written:
        assert not [entry for entry in readings_file(site, path) if entry.startswith("｜1日")], path


def test_furigana_false_builds_without_ruby_switch_or_readings(tmp_path):
    """FACILITY_SITE furigana: False (to fit a host's size limit) leaves no trace of ふりがな in the output."""
    off = build_site(tmp_path / "off", furigana=False)
    on = build_site(tmp_path / "on")
    for url in ("", "facilities/pinto/", "search/", "compare/"):
        doc_off = page(off, url, ruby=True)
        doc_on = page(on, url, ruby=True)
        assert doc_on.select("[data-furigana-toggle]"), url
        assert (doc_on.find("ruby") is not None) is (url != "search/"), url  # the search page gets its ruby in the browser
        assert doc_off.find("ruby") is None, url
        assert not doc_off.select("[data-furigana-toggle]"), url
        assert not [s for s in doc_off.select("script[src]") if "furigana-init" in s["src"]], url
    assert (on / "furigana" / "readings.json").exists()
    assert not (off / "furigana").exists()
    smaller = (off / "facilities" / "pinto" / "index.html").stat().st_size
    assert smaller < (on / "facilities" / "pinto" / "index.html").stat().st_size


def test_furigana_setting_must_be_a_boolean():
    from facility_site.errors import SettingsError
    from facility_site.settings import resolve

    with pytest.raises(SettingsError, match="furigana must be True or False"):
        resolve({"FACILITY_SITE": {"furigana": "no"}})
