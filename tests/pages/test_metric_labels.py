"""A metric nobody entered reads 未掲載; only a record that says so reads 非公開.

非公開 tells a visitor the office withholds the figure. A record that simply
has no value (every imported record, at first) must not say that. The
same words appear on every surface that shows metrics: the facility page,
list cards, cards embedded in articles, the comparison data and the search
result cards.
"""

from __future__ import annotations

import json

import pytest
from page_records import write_records
from sitebuild import build_site, facility_data, page, search_data

WITHHELD = """\
name: 非公開テスト事業所
prefecture: 東京都
city: 港区
services: [就労移行支援]
capacity: 10
retention_rate: 非公開
hires_last_year: 未公開
disabilities: [精神]
updated: 2026-11-01
"""

BLANK = """\
name: 未入力テスト事業所
prefecture: 東京都
city: 新宿区
services: [就労移行支援]
capacity: 12
retention_rate: 不明
average_stay: 非公開
disabilities: [精神]
updated: 2026-11-01
"""

ARTICLE = """\
Title: 二つの事業所
Slug: two-offices
Date: 2026-11-10

{% facility withheld %}

{% facility blank %}
"""

# (就職定着率, 昨年の就職人数, 平均利用期間) as every surface must show them
EXPECTED = {
    "withheld": ("非公開", "非公開", "未掲載"),
    "blank": ("未掲載", "未掲載", "非公開"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("labels")
    records = write_records(root / "records", {"withheld": WITHHELD, "blank": BLANK})
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "two.md").write_text(ARTICLE, encoding="utf-8")
    return build_site(root / "output", facilities=records, content=root / "content")


def shown(metrics_dl) -> tuple[str, str, str]:
    values = {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in metrics_dl.select(":scope > div")}
    return values["就職定着率"], values["昨年の就職人数"], values["平均利用期間"]


@pytest.mark.parametrize("facility_id", sorted(EXPECTED))
def test_facility_page(site, facility_id):
    assert shown(page(site, f"facilities/{facility_id}/").select_one("main dl.metrics")) == EXPECTED[facility_id]


def test_list_cards(site):
    cards = page(site, "pref/tokyo/").select("article.card")
    assert {card["data-facility-id"]: shown(card.select_one("dl.metrics")) for card in cards} == EXPECTED


def test_cards_embedded_in_an_article(site):
    cards = page(site, "articles/two-offices/").select(".embedded-card article.card")
    assert {card["data-facility-id"]: shown(card.select_one("dl.metrics")) for card in cards} == EXPECTED


def test_comparison_data(site):
    for facility_id, expected in EXPECTED.items():
        cells = facility_data(site)[facility_id]["cells"]
        assert (cells["retention_rate"], cells["hires_last_year"], cells["average_stay"]) == tuple({"text": t} for t in expected)


def test_search_result_cards(site):
    cfg = json.loads(page(site, "search/").find("script", type="application/json", id="search-config").string)
    assert cfg["data"] == "search/"
    rows = json.loads(search_data(site)["cards/pref-tokyo.json"].read_text(encoding="utf-8"))
    # [id, name, city, access, 就職定着率, 昨年の就職人数, 定員, 平均利用期間]
    assert {row[0]: (row[4], row[5], row[7]) for row in rows} == EXPECTED
