"""Lists that say what an office is, link into /search/, and order cities officially.

Built from tests/pages/list_records.py: offices of every kind in 神奈川県.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from facility_site.records.municipalities import city_order_key, municipality_code
from facility_site.search.data import CODE_ALPHABET
from list_records import BADGES, CITY_ORDER, DEVELOPMENTAL_CITY_ORDER, RETENTION, TAGS, write_content, write_records
from sitebuild import build_site, facility_data, page, search_data


@pytest.fixture(scope="module")
def list_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lists")
    return build_site(root / "output", facilities=write_records(root / "records"), content=write_content(root))


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory) -> Path:
    """Two cards a page, so the city index points across pages."""
    root = tmp_path_factory.mktemp("lists-paged")
    return build_site(root / "output", facilities=write_records(root / "records"), content=write_content(root), per_page=2)


def card_facts(card) -> dict:
    """What a card says about the office: its service tags, badge and 就職定着率."""
    terms = {div.dt.get_text(): div.dd.get_text() for div in card.select(".metrics > div")}
    badge = card.select_one(".card__retention .badge")
    return {
        "tags": [li.get_text() for li in card.select(".card__services .service-tags li")],
        "badge": badge.get_text() if badge else None,
        "retention": terms.get("就職定着率"),
    }


def expected_facts(facility_id: str) -> dict:
    return {"tags": TAGS[facility_id], "badge": BADGES[facility_id], "retention": RETENTION[facility_id]}


# --- cards say what an office is ----------------------------------------------------------


@pytest.mark.parametrize("url", ["pref/kanagawa/", "pref/kanagawa/developmental/", "disability/developmental/", "pref/tokyo/"])
def test_every_list_card_shows_its_services_and_only_fitting_retention_facts(list_site, url):
    cards = page(list_site, url).select("article.card[data-facility-id]")
    assert cards
    for card in cards:
        facility_id = card["data-facility-id"]
        assert card_facts(card) == expected_facts(facility_id), facility_id
        assert card.select_one(".card__services .card__label").get_text() == "サービス："


def test_an_a_type_only_office_claims_no_retention_service(list_site):
    card = page(list_site, "pref/kanagawa/").select_one('article.card[data-facility-id="yamato-a"]')
    text = card.get_text()
    assert "定着支援なし" not in text and "就職定着率" not in text
    assert [li.get_text() for li in card.select(".service-tags li")] == ["A型"]


def test_embedded_cards_show_services_too(list_site):
    cards = page(list_site, "articles/examples/").select(".embedded-card article.card")
    assert [card["data-facility-id"] for card in cards] == ["yamato-a", "naka-transition"]
    for card in cards:
        assert card_facts(card) == expected_facts(card["data-facility-id"])


def test_facility_page_of_an_a_type_office_has_no_retention_badge(list_site):
    doc = page(list_site, "facilities/yamato-a/")
    assert not doc.select(".facility__header .badge")
    assert "就職定着率" not in doc.select_one(".metrics").get_text()
    assert doc.select_one(".facility__header .badge") is None
    assert page(list_site, "facilities/naka-transition/").select_one(".facility__header .badge").get_text() == "定着支援なし"


def test_search_card_rows_leave_out_the_retention_rate_where_cards_do(list_site):
    rows = {row[0]: row for row in json.loads(search_data(list_site)["cards/pref-kanagawa.json"].read_text(encoding="utf-8"))}
    assert {fid: row[4] for fid, row in rows.items()} == {fid: RETENTION[fid] for fid in rows}
    config = json.loads(page(list_site, "search/").select_one("script#search-config").string)
    assert config["serviceTags"] == ["移行", "定着", "A型", "B型", "生活訓練", "機能訓練"]


# --- every list links into /search/ with its conditions ---------------------------------


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("pref/kanagawa/", {"pref": ["kanagawa"]}),
        ("pref/kanagawa/page/2/", {"pref": ["kanagawa"]}),
        ("pref/kanagawa/developmental/", {"pref": ["kanagawa"], "dis": ["developmental"]}),
        ("disability/developmental/", {"dis": ["developmental"]}),
        ("disability/mental/", {"dis": ["mental"]}),
    ],
)
def test_list_pages_link_to_the_search_with_their_conditions(paged_site, url, query):
    links = page(paged_site, url).select("main a[data-refine-link]")
    assert len(links) == 1
    link = links[0]
    assert link.get_text() == "この条件でさらに絞り込む"
    href = urlsplit(link["href"])
    assert href.path.endswith("/search/")
    assert parse_qs(href.query) == query


# --- cities in municipality-code order ------------------------------------------------------


def test_code_table_knows_cities_wards_and_districts():
    assert municipality_code(14, "横浜市中区") == 14104
    assert municipality_code(14, "横浜市保土ヶ谷区") == municipality_code(14, "横浜市保土ケ谷区") == 14106
    assert municipality_code(14, "足柄上郡中井町") == municipality_code(14, "中井町") == 14361
    assert municipality_code(7, "郡山市") == 7203
    assert municipality_code(13, "新宿区") == 13104
    assert municipality_code(14, "みらい市") is None
    # A ward the table does not know sorts right after its city; an unknown name after every known one.
    assert city_order_key(22, "浜松市") < city_order_key(22, "浜松市中央区") < city_order_key(22, "沼津市")
    assert city_order_key(14, "大和市") < city_order_key(14, "みらい市")


def test_list_sections_follow_municipality_codes(list_site):
    doc = page(list_site, "pref/kanagawa/")
    headings = [h.get_text() for h in doc.select("section.list-section > h3")]
    assert headings == CITY_ORDER
    index = [a.contents[0] for a in doc.select('nav[aria-labelledby="city-nav-title"] a')]
    assert index == CITY_ORDER
    dev = page(list_site, "pref/kanagawa/developmental/")
    assert [h.get_text() for h in dev.select("section.list-section > h3")] == DEVELOPMENTAL_CITY_ORDER


def test_city_index_across_pages_follows_municipality_codes(paged_site):
    doc = page(paged_site, "pref/kanagawa/page/3/")
    index = [a.contents[0] for a in doc.select('nav[aria-labelledby="city-nav-title"] a')]
    assert index == CITY_ORDER


def test_national_list_orders_cities_within_a_prefecture(list_site):
    cards = page(list_site, "disability/developmental/").select("article.card[data-facility-id]")
    ids = [card["data-facility-id"] for card in cards]
    # 東京都 (13) before 神奈川県 (14); inside 神奈川県 by municipality code.
    assert ids == ["tokyo-b", "naka-transition", "midori-retention", "kawasaki-range", "sagami-all", "odawara-b", "mirai-unknown"]


def test_comparison_table_groups_cities_in_code_order(list_site):
    doc = page(list_site, "pref/kanagawa/table/")
    headings = [h.get_text() for h in doc.select("section.list-section > h2")]
    assert headings == CITY_ORDER


# --- one ranking rule for ranges -------------------------------------------------------------


def decode(column: dict) -> list[int]:
    return column["plain"] if "plain" in column else [column["values"][CODE_ALPHABET.index(c)] for c in column["codes"]]


def test_search_sort_and_comparison_rank_ranges_alike(list_site):
    data = search_data(list_site)
    ranks = decode(json.loads(data["sort-retention.json"].read_text(encoding="utf-8"))["ranks"])
    # Doc order is (prefecture, reading); map each doc back to its id through the card files.
    docs = []
    for number in range(len(ranks) // 10 + 1):
        if f"cards/doc-{number}.json" in data:
            docs += [row[0] for row in json.loads(data[f"cards/doc-{number}.json"].read_text(encoding="utf-8"))]
    sort_rank = dict(zip(docs, ranks, strict=True))
    # The search shows high ranks first: 72.5% above 70〜80% (which guarantees only 70).
    assert sort_rank["naka-transition"] > sort_rank["kawasaki-range"] > sort_rank["odawara-b"]
    assert sort_rank["midori-retention"] > sort_rank["naka-transition"]
    compare = {
        fid: facility_data(list_site)[fid]["cells"]["retention_rate"]["rank"]
        for fid in ("naka-transition", "kawasaki-range", "midori-retention", "odawara-b")
    }
    assert sorted(compare, key=compare.get, reverse=True) == sorted(sort_rank.keys() & compare.keys(), key=sort_rank.get, reverse=True)
