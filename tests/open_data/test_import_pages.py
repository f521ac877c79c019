"""Issue 19, honest pages for imported data: real CSVs imported, a real build, assertions on the pages."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from facility_site.open_data import run_import
from fixtures.opendata.csvdata import CURRENT_MAIN, CURRENT_SATELLITE, HACHIOJI, YOKOHAMA, row, to_csv
from sitebuild import build_site, facility_data, page, search_data

IMPORT_DAY = dt.date(2026, 11, 1)
CREDIT = "出典：障害福祉サービス等情報公表システム（WAM NET）のオープンデータを加工して作成"


def write_csv(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_csv(rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("issue19-site")
    folder = work / "facilities"
    files = [
        write_csv(work / "csv" / "csvdownload060.csv", [
            row(service="60", **CURRENT_MAIN),
            row(service="60", **CURRENT_SATELLITE),
            row(service="60", **dict(HACHIOJI, capacity="")),  # a day service that publishes no 定員
        ]),
        write_csv(work / "csv" / "csvdownload062.csv", [
            row(service="62", **dict(CURRENT_MAIN, capacity="")),
            row(service="62", **dict(YOKOHAMA, capacity="")),  # 定着支援 only: no 定員 at all
        ]),
    ]
    run_import(files, folder, today=IMPORT_DAY)
    # The operator checked カレント by hand on 11月20日.
    record = folder / "1310400123.yaml"
    text = record.read_text(encoding="utf-8").replace("updated: 2026-11-01\n", "updated: 2026-11-20\n", 1)
    record.write_text(text.replace("\ncapacity: 20\n", "\ncapacity: 20\ndisabilities: [精神]\n"), encoding="utf-8")
    content = work / "content"
    content.mkdir()
    return build_site(work / "output", facilities=folder, content=content)


def capacity_shown(doc) -> str:
    (dd,) = [div.dd for div in doc.select("dl.metrics > div") if div.dt.get_text(strip=True) == "定員"]
    return dd.get_text(strip=True)


def test_capacity_left_out_reads_as_no_capacity_for_retention_only_and_as_not_published_otherwise(site):
    assert capacity_shown(page(site, "facilities/1410000005/")) == "定員なし（定着支援）"
    assert capacity_shown(page(site, "facilities/1310500002/")) == "未掲載"
    assert capacity_shown(page(site, "facilities/1310400123/")) == "20名"
    cards = {c["data-facility-id"]: capacity_shown(c) for c in page(site, "pref/tokyo/").select("article.card")}
    assert cards["1310500002"] == "未掲載"


def test_missing_capacity_sorts_last_and_the_comparison_gives_it_no_rank(site):
    data = search_data(site)
    sort = json.loads(data["sort-capacity.json"].read_text(encoding="utf-8"))["ranks"]
    ranks = sort.get("plain") or [sort["values"]["ABCDEFGHIJKLMNOPQRSTUVWXYZ".index(c)] for c in sort["codes"]]
    # Doc order: 東京都 by reading, then 神奈川県. Unknown (-1) is what the engine puts last in either direction.
    docs = [r[0] for r in json.loads(data["cards/doc-0.json"].read_text(encoding="utf-8"))]
    by_id = dict(zip(docs, ranks, strict=True))
    assert by_id["1310500002"] == -1 and by_id["1410000005"] == -1
    assert by_id["1310400123"] > by_id["1310400123-2"] >= 0
    labels = {r[0]: r[6] for r in json.loads(data["cards/doc-0.json"].read_text(encoding="utf-8"))}
    assert labels["1410000005"] == "定員なし（定着支援）" and labels["1310400123"] == "20名"
    cell = facility_data(site)["1410000005"]["cells"]["capacity"]
    assert cell == {"text": "定員なし（定着支援）"}  # no rank: never marked 最多


def test_every_page_of_an_imported_site_credits_the_open_data(site):
    for url in ("", "facilities/1310400123/", "pref/tokyo/", "search/", "compare/", "404.html"):
        credit = page(site, url).select_one("footer [data-open-data-credit] a")
        assert credit is not None, url
        assert credit.get_text(strip=True) == CREDIT + "（外部サイト）"
        assert credit["href"] == "https://www.wam.go.jp/sfkohyoout/"


def test_the_credit_wording_is_a_setting_and_a_site_without_imported_records_has_none(tmp_path, site):
    from sitebuild import SAMPLE_FACILITIES

    sample = build_site(tmp_path / "sample", facilities=SAMPLE_FACILITIES, content=tmp_path)
    assert page(sample, "").select_one("[data-open-data-credit]") is None
    own = build_site(
        tmp_path / "own",
        facilities=site.parent / "facilities",
        content=site.parent / "content",
        open_data_credit={"text": "出典：独自の表記", "url": "https://example.jp/opendata/"},
    )
    credit = page(own, "facilities/1310400123/").select_one("[data-open-data-credit] a")
    assert (credit.contents[0], credit["href"]) == ("出典：独自の表記", "https://example.jp/opendata/")


def dates(doc) -> dict[str, str]:
    return {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in doc.select("[data-facility-dates] > div")}


def test_imported_pages_show_when_the_official_data_was_confirmed_and_when_a_person_checked(site):
    assert dates(page(site, "facilities/1310400123/")) == {"公的データで確認した日": "2026年11月1日", "運営者が内容を確認した日": "2026年11月20日"}
    unchecked = {"公的データで確認した日": "2026年11月1日", "運営者が内容を確認した日": "未確認（公的データを取り込んだまま）"}
    assert dates(page(site, "facilities/1310500002/")) == unchecked
    assert "情報更新日" not in page(site, "facilities/1310500002/").get_text()
    cells = {i: facility_data(site)[i]["cells"]["updated"] for i in ("1310400123", "1310500002")}
    assert cells == {
        "1310400123": {"text": "2026年11月20日（公的データ確認：2026年11月1日）", "datetime": "2026-11-20"},
        "1310500002": {"text": "運営者は未確認（公的データ確認：2026年11月1日）"},
    }


def test_a_satellite_of_an_office_offering_retention_shows_it(site):
    doc = page(site, "facilities/1310400123-2/")
    assert doc.select_one(".facility__header .badge").get_text(strip=True) == "定着支援あり"
    (fact,) = [div.dd for div in doc.select("dl.facts > div") if div.dt.get_text(strip=True) == "就労定着支援"]
    assert fact.get_text(strip=True) == "あり（同じ事業所番号の本体事業所が提供）"
    assert fact.a["href"].endswith("facilities/1310400123/")
    cell = facility_data(site)["1310400123-2"]["cells"]["retention_support"]
    assert cell == {"text": "あり"}


def test_staleness_counts_from_the_later_of_updated_and_confirmed_and_names_the_line(tmp_path, caplog):
    folder = tmp_path / "facilities"
    run_import([write_csv(tmp_path / "60.csv", [row(service="60", **HACHIOJI)])], folder, today=dt.date(2025, 6, 1))
    record = folder / "1310500002.yaml"
    old = record.read_text(encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    # Imported and not confirmed since: stale, and the warning points at the `updated` line.
    with caplog.at_level(logging.WARNING, logger="facility_site.pages.generator"):
        build_site(tmp_path / "out1", facilities=folder, content=content)
    line = old.splitlines().index("updated: 2025-06-01") + 1
    assert [r.getMessage() for r in caplog.records if "updated" in r.getMessage()] == [
        f"facility_site: {record}:{line}: updated: last checked 2025-06-01; official data last confirmed 2025-06-01, 544 days ago (limit 365)"
    ]
    # The next release confirms it: `updated` stays, and the record is no longer stale.
    caplog.clear()
    run_import([tmp_path / "60.csv"], folder, today=dt.date(2026, 11, 1))
    assert "updated: 2025-06-01\n" in record.read_text(encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="facility_site.pages.generator"):
        build_site(tmp_path / "out2", facilities=folder, content=content)
    assert [r.getMessage() for r in caplog.records if "updated" in r.getMessage()] == []


@pytest.mark.browser
def test_capacity_sort_in_the_browser_puts_missing_capacity_last_and_pages_pass_axe(site, page):
    from urllib.parse import quote

    from conftest import format_violations, run_axe
    from sitebuild import StaticServer

    with StaticServer(site) as server:
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{server.url}search/?pref={quote('tokyo,kanagawa')}&sort=capacity")
        page.wait_for_selector('[data-results][aria-busy="false"]')
        cards = page.locator("[data-results] [data-facility-id]")
        ids = [cards.nth(i).get_attribute("data-facility-id") for i in range(cards.count())]
        assert ids[:2] == ["1310400123", "1310400123-2"]  # 20名, then 10名
        assert sorted(ids[2:]) == ["1310500002", "1410000005"]  # no 定員: last
        shown = {}
        for i in range(cards.count()):
            card = cards.nth(i)
            label = card.evaluate("c => [...c.querySelectorAll('dt')].find(dt => dt.textContent === '定員').nextElementSibling.textContent")
            shown[card.get_attribute("data-facility-id")] = label
        assert shown == {"1310400123": "20名", "1310400123-2": "10名", "1310500002": "未掲載", "1410000005": "定員なし（定着支援）"}
        violations = run_axe(page)
        assert violations == [], format_violations(violations)
        page.screenshot(path="/tmp/issue19-search-390.png", full_page=True)
        for record_id in ("1310400123-2", "1410000005"):
            page.goto(f"{server.url}facilities/{record_id}/")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            violations = run_axe(page)
            assert violations == [], format_violations(violations)
            page.screenshot(path=f"/tmp/issue19-facility-{record_id}-390.png", full_page=True)
        page.set_viewport_size({"width": 320, "height": 700})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.errors == []
