"""End to end: import the open data, build the site, find the imported offices where a visitor looks."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

import pytest
from facility_site.open_data import run_import
from fixtures.opendata import csvdata
from fixtures.opendata.csvdata import write_release
from sitebuild import StaticServer, build_site, page, search_data


@pytest.fixture(scope="module")
def imported_site(tmp_path_factory):
    work = tmp_path_factory.mktemp("imported-site")
    folder = work / "facilities"
    run_import(write_release(csvdata.release1(), work / "csv"), folder, today=dt.date(2026, 11, 1))
    # The operator has checked one office so far.
    record = folder / "1310400123.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("\ncapacity: 20\n", "\ncapacity: 20\ndisabilities: [精神]\n"), encoding="utf-8")
    content = work / "content"
    content.mkdir()
    return build_site(work / "output", facilities=folder, content=content)


def card_names(doc) -> list[str]:
    return [h.get_text(strip=True) for h in doc.select("article.card .card__name")]


def test_imported_offices_appear_on_their_prefecture_pages(imported_site):
    tokyo = card_names(page(imported_site, "pref/tokyo/"))
    assert sorted(tokyo) == sorted(["就労移行支援事業所カレント", "就労移行支援事業所カレント 高田馬場サテライト", "ステップ八王子"])
    assert card_names(page(imported_site, "pref/osaka/")) == ["ワークサポート梅田"]
    assert card_names(page(imported_site, "pref/kanagawa/")) == ["定着サポート横浜"]
    assert card_names(page(imported_site, "pref/hokkaido/")) == ["就労移行支援 <b>みらい</b>"]


def test_html_in_an_imported_name_is_shown_as_text(imported_site):
    doc = page(imported_site, "pref/hokkaido/")
    (card,) = doc.select("article.card")
    assert card.select_one(".card__name b") is None
    assert page(imported_site, "facilities/0110000009/").h1.get_text() == "就労移行支援 <b>みらい</b>"


def test_an_imported_facility_page_says_disabilities_are_unconfirmed(imported_site):
    doc = page(imported_site, "facilities/1310500002/")
    assert doc.h1.get_text(strip=True) == "ステップ八王子"
    facts = {div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True) for div in doc.select("dl.facts > div")}
    assert facts["対象障害"] == "未確認"
    assert facts["就労定着支援"] == "なし"
    assert facts["所在地"] == "東京都八王子市旭町9-1"
    metrics = {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in doc.select("dl.metrics > div")}
    assert metrics == {"就職定着率": "未掲載", "昨年の就職人数": "未掲載", "定員": "6名", "平均利用期間": "未掲載"}
    card = page(imported_site, "pref/tokyo/").select_one('article.card[data-facility-id="1310500002"]')
    assert card.select_one(".card__disabilities").get_text(strip=True) == "対象障害：未確認"


def test_a_checked_record_shows_its_disabilities(imported_site):
    doc = page(imported_site, "facilities/1310400123/")
    facts = {div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True) for div in doc.select("dl.facts > div")}
    assert facts["対象障害"] == "精神障害"
    assert facts["就労定着支援"] == "あり"


def test_facilities_with_unconfirmed_disabilities_are_not_in_disability_lists(imported_site):
    assert card_names(page(imported_site, "disability/mental/")) == ["就労移行支援事業所カレント"]
    assert card_names(page(imported_site, "pref/tokyo/mental/")) == ["就労移行支援事業所カレント"]
    for slug in ("intellectual", "developmental", "physical", "intractable"):
        assert card_names(page(imported_site, f"disability/{slug}/")) == []
        assert not (imported_site / "pref" / "tokyo" / slug).exists()


def test_the_home_page_counts_imported_offices(imported_site):
    linked = {a.get_text(strip=True) for a in page(imported_site, "").select(".pref-list a")}
    assert linked == {"北海道（1件）", "東京都（3件）", "神奈川県（1件）", "大阪府（1件）"}


def test_imported_offices_are_in_the_search_data(imported_site):
    data = search_data(imported_site)
    cards = {}
    for chunk in (data[name] for name in sorted(data) if name.startswith("cards/")):
        for card in json.loads(chunk.read_text(encoding="utf-8")):
            cards[card[0]] = card[1]
    assert cards == {
        "0110000009": "就労移行支援 <b>みらい</b>",
        "1310400123": "就労移行支援事業所カレント",
        "1310400123-2": "就労移行支援事業所カレント 高田馬場サテライト",
        "1310500002": "ステップ八王子",
        "1410000005": "定着サポート横浜",
        "2710000001": "ワークサポート梅田",
    }
    hints = [p.get_text(strip=True) for p in page(imported_site, "search/").select("fieldset[data-facet=dis] .search-hint")]
    assert hints == ["対象障害が未確認の事業所（5件）は、障害の種類でしぼりこむと結果に含まれません。"]


@pytest.mark.browser
def test_a_visitor_finds_an_imported_office_by_searching(imported_site, page):
    # text_content, not inner_text: result cards below the fold skip rendering (content-visibility: auto),
    # and the search form grew a fieldset (issue 11) that pushes them there.
    with StaticServer(imported_site) as server:
        page.goto(f"{server.url}search/?q={quote('八王子')}")
        page.wait_for_selector('[data-results][aria-busy="false"]')
        names = [name.strip() for name in page.locator("[data-results] [data-facility-id] .card__name").all_text_contents()]
        assert names == ["ステップ八王子"]
        page.goto(f"{server.url}search/?dis=mental")
        page.wait_for_selector('[data-results][aria-busy="false"]')
        names = [name.strip() for name in page.locator("[data-results] [data-facility-id] .card__name").all_text_contents()]
        assert names == ["就労移行支援事業所カレント"]  # offices with unconfirmed disabilities are left out
    assert page.errors == []
