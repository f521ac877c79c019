"""Comparison output as built HTML and JSON: /compare/, its cells in facility-data/<k>.json, /pref/<slug>/table/.

Also the best-value rule (`metric_rank`) and that the comparison's words are
the ones the cards and facility pages show.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from compare_records import EXPECTED_CELLS, HOSTILE_NAME, NAMES, empty_content, write_records
from facility_site.compare.data import COMPARE_ROWS, HIGHER, LOWER, cell_rank
from facility_site.records.metrics import METRIC_SPECS, parse_metric
from sitebuild import build_site, facility_data, page

ROW_LABELS = [
    "定着支援",
    "就職定着率",
    "空き状況",
    "昨年の就職人数",
    "定員",
    "平均利用期間",
    "対象障害",
    "サービス",
    "最寄り駅と徒歩",
    "所在地",
    "連絡先",
    "利用できる時間帯",
    "見学・体験",
    "在宅訓練",
    "昼食の提供",
    "交通費の支援",
    "送迎",
    "特徴",
    "情報更新日",
]


@pytest.fixture(scope="module")
def compare_site(tmp_path_factory) -> Path:
    """The comparison fixture records, two to a list page, so the tables paginate."""
    root = tmp_path_factory.mktemp("compare-pages")
    return build_site(root / "output", facilities=write_records(root / "records"), content=empty_content(root), per_page=2)


def cell_value(cell):
    """A cell as the tests write it: a list for <ul> cells, else the text (without a metric's definition)."""
    items = cell.select("li")
    if items:
        return [li.get_text() for li in items]
    shown = [node for node in cell.children if "data-metric-note" not in getattr(node, "attrs", {})]
    return "".join(node.get_text() if hasattr(node, "get_text") else str(node) for node in shown)


# --- the best-value rule -----------------------------------------------------------------


def rank(text: str, field: str, better: str):
    return cell_rank(parse_metric(text, METRIC_SPECS[field]), better)


@pytest.mark.parametrize(
    ("text", "field", "better", "expected"),
    [
        ("92%", "retention_rate", HIGHER, [92, 0]),
        ("90%以上", "retention_rate", HIGHER, [90, 0]),  # the lower bound is what is guaranteed
        ("90%超", "retention_rate", HIGHER, [90, 1]),  # strictly above 90: a little more than 以上
        ("92.5", "retention_rate", HIGHER, [92.5, 0]),
        ("10~14名", "hires_last_year", HIGHER, [10, 0]),
        ("5名未満", "hires_last_year", HIGHER, None),  # guarantees no lower bound: never best
        ("非公開", "hires_last_year", HIGHER, None),
        ("6~12ヶ月", "average_stay", LOWER, [12, 0]),  # lower is better: the upper bound counts
        ("12ヶ月未満", "average_stay", LOWER, [12, 1]),
        ("12ヶ月以下", "average_stay", LOWER, [12, 0]),
        ("6ヶ月以上", "average_stay", LOWER, None),
    ],
)
def test_metric_rank_is_the_guaranteed_bound(text, field, better, expected):
    assert rank(text, field, better) == expected


def test_rank_orders_ranges_as_documented():
    # Python sorts [bound, strict] lists the way best.js compares them for "higher".
    ranks = {t: rank(t, "retention_rate", HIGHER) for t in ("92%", "90%以上", "90%超", "91%")}
    assert sorted(ranks, key=ranks.get, reverse=True) == ["92%", "91%", "90%超", "90%以上"]


def test_rows_are_the_issue_rows_in_order():
    assert [row.label for row in COMPARE_ROWS] == ROW_LABELS
    ranked = {row.label: row.better for row in COMPARE_ROWS if row.better}
    # ★ only where better is unambiguous: 定員, 平均利用期間 and 昨年の就職人数 are shown without a mark.
    assert ranked == {"就職定着率": HIGHER, "最寄り駅と徒歩": LOWER}


# --- per-facility JSON -----------------------------------------------------------------


def test_every_facility_has_an_entry_in_the_data_chunks(compare_site):
    entries = facility_data(compare_site)
    assert sorted(entries) == ["alpha", "bravo", "charlie", "delta", "echo", "hostile"]
    assert not (compare_site / "compare" / "data").exists()  # no per-facility files any more
    record = entries["alpha"]
    assert record["id"] == "alpha" and record["name"] == NAMES["alpha"] and record["url"] == "facilities/alpha/"
    assert record["cells"]["retention_rate"] == {"text": "92%", "rank": [92, 0], "basis": 6, "note": "2024年度・就職6ヶ月後・事業所発表"}
    assert record["cells"]["access"] == {"items": ["JR山手線 新宿駅 徒歩3分", "新宿三丁目駅 徒歩7分"], "rank": [3, 0]}
    assert record["cells"]["updated"] == {"text": "2026年10月1日", "datetime": "2026-10-01"}
    assert entries["charlie"]["cells"]["retention_rate"] == {"text": "非公開"}


def test_json_is_byte_identical_across_builds(compare_site, tmp_path):
    again = build_site(tmp_path / "again", facilities=write_records(tmp_path / "records"), content=empty_content(tmp_path), per_page=2)
    chunks = sorted((compare_site / "facility-data").iterdir())
    assert chunks
    for path in chunks:
        assert (again / "facility-data" / path.name).read_bytes() == path.read_bytes()


def test_comparison_words_match_the_facility_pages(sample_site):
    """Every shared fact reads the same in the data chunks as on the facility page and card (same Python formatting)."""
    for record in facility_data(sample_site).values():
        cells = record["cells"]
        doc = page(sample_site, record["url"])
        metrics = {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in doc.select("dl.metrics > div")}
        assert metrics == {
            "就職定着率": cells["retention_rate"]["text"],
            "昨年の就職人数": cells["hires_last_year"]["text"],
            "定員": cells["capacity"]["text"],
            "平均利用期間": cells["average_stay"]["text"],
        }
        facts = {div.dt.get_text(strip=True): div.dd for div in doc.select("dl.facts > div")}
        assert [" ".join(li.get_text().split()) for li in facts["最寄り駅"].select("li")] == cells["access"]["items"]
        assert facts["所在地"].get_text(strip=True) == cells["address"]["text"]
        assert facts["就労定着支援"].get_text(strip=True) == cells["retention_support"]["text"]
        assert [li.get_text(strip=True) for li in facts["サービス"].select("li")] == cells["services"]["items"]
        pref_page = page(sample_site, doc.select(".breadcrumbs a")[1]["href"].replace("../../", ""))
        card = pref_page.select_one(f'.card[data-facility-id="{record["id"]}"]')
        assert card.select_one(".card__disabilities").get_text(strip=True) == "対象障害：" + cells["disabilities"]["text"]
        assert " ".join(card.select_one(".card__access").get_text().split()) == cells["access"]["items"][0]


# --- /compare/ without JavaScript --------------------------------------------------------


def test_compare_page_explains_how_to_compare_without_javascript(compare_site):
    doc = page(compare_site, "compare/")
    assert doc.h1.get_text() == "事業所を比べる"
    root = doc.select_one("[data-compare-page]")
    assert root.select_one("[data-compare-nojs]").get_text().startswith("選んだ事業所を並べた比較表は、JavaScriptが有効なとき")
    assert doc.select_one("[data-compare]") is None  # the table is built from the address, in the browser
    steps = [li.get_text() for li in doc.select(".compare-help ol li")]
    assert len(steps) == 4 and "「比較に追加」" in steps[0] and "最大4件" in steps[0]
    assert "下限" in doc.select_one(".compare-help").get_text()  # the best-value rule is on the page
    tables = {a.get_text(strip=True): a["href"] for a in doc.select(".compare-tables a")}
    assert tables == {"東京都（5件）": "../pref/tokyo/table/", "神奈川県（1件）": "../pref/kanagawa/table/"}
    rows = json.loads(doc.select_one("script#compare-rows").string)
    assert [row["label"] for row in rows] == ROW_LABELS
    assert doc.select_one('script[type="module"]')["src"] == "../theme/js/site.js"


def test_compare_limit_setting_reaches_the_page(tmp_path):
    site = build_site(tmp_path / "out", facilities=write_records(tmp_path / "records"), content=empty_content(tmp_path), compare_limit=3)
    doc = page(site, "compare/")
    assert json.loads(doc.select_one("script#site-config").string)["compareLimit"] == 3
    assert "最大3件" in doc.select(".compare-help ol li")[0].get_text()


# --- toggle slots ----------------------------------------------------------------------


def test_cards_and_facility_pages_have_a_toggle_slot(compare_site):
    doc = page(compare_site, "pref/tokyo/")
    slots = {slot["data-compare-toggle"]: slot["data-compare-name"] for slot in doc.select(".card [data-compare-toggle]")}
    assert slots == {"alpha": NAMES["alpha"], "delta": NAMES["delta"]}  # page 1 of 3: 新宿区 (13104) comes first
    facility = page(compare_site, "facilities/hostile/")
    [slot] = facility.select("[data-compare-toggle]")
    assert slot["data-compare-toggle"] == "hostile" and slot["data-compare-name"] == HOSTILE_NAME
    assert slot.find_parent("header") is not None


# --- static prefecture tables -------------------------------------------------------------


def test_prefecture_page_links_to_its_table(compare_site):
    doc = page(compare_site, "pref/tokyo/")
    link = doc.select_one(".table-view-link a")
    assert link["href"] == "../../pref/tokyo/table/" and "表で見比べる" in link.get_text()


def test_static_table_is_paginated_like_the_list(compare_site):
    pages = ["pref/tokyo/table/", "pref/tokyo/table/page/2/", "pref/tokyo/table/page/3/"]
    seen = []
    for url in pages:
        doc = page(compare_site, url)
        seen += [tr["data-facility-id"] for tr in doc.select("table[data-compare-list] tbody tr")]
        assert [a.get_text() for a in doc.select(".pager a[aria-label]")] == ["1", "2", "3"]
    # Same order as the card list: by city, then reading.
    cards = [c["data-facility-id"] for url in ("pref/tokyo/", "pref/tokyo/page/2/", "pref/tokyo/page/3/") for c in page(compare_site, url).select(".card")]
    assert seen == cards and sorted(seen) == ["alpha", "bravo", "charlie", "delta", "hostile"]
    assert not (compare_site / "pref" / "tokyo" / "table" / "page" / "4").exists()


def test_static_table_headers_and_values(compare_site):
    rows = {}
    for url in ("pref/tokyo/table/", "pref/tokyo/table/page/2/", "pref/tokyo/table/page/3/"):
        doc = page(compare_site, url)
        assert doc.h1.get_text(strip=True) == "東京都の事業所の比較表（5件）"
        for table in doc.select("table[data-compare-list]"):
            assert table.caption.get_text().startswith("東京都")
            headers = table.select("thead th")
            assert all(th["scope"] == "col" for th in headers)
            assert [th.get_text() for th in headers] == ["事業所名", *ROW_LABELS]
            region = table.find_parent(attrs={"role": "region"})
            assert region["tabindex"] == "0" and region["aria-labelledby"] == table.caption["id"]
            for tr in table.select("tbody tr"):
                name_cell = tr.find("th")
                assert name_cell["scope"] == "row"
                assert name_cell.a["href"] == f"../../../{'../../' if 'page' in url else ''}facilities/{tr['data-facility-id']}/"
                rows[tr["data-facility-id"]] = (name_cell.get_text(), dict(zip(ROW_LABELS, (cell_value(td) for td in tr.find_all("td")), strict=True)))
    for facility_id, expected in EXPECTED_CELLS.items():
        assert rows[facility_id] == (NAMES[facility_id], expected)
    assert page(compare_site, "pref/tokyo/table/").select_one('tr[data-facility-id="alpha"] time')["datetime"] == "2026-10-01"


def test_vacancy_is_compared_with_its_date_and_reads_check_when_stale(compare_site):
    # Same words as the facility page: the day it was checked, and 要確認 once older than 60 days.
    column = ROW_LABELS.index("空き状況")
    notes = {}
    for url in ("pref/tokyo/table/", "pref/tokyo/table/page/2/", "pref/tokyo/table/page/3/"):
        for tr in page(compare_site, url).select("table[data-compare-list] tbody tr"):
            note = tr.find_all("td")[column].select_one("[data-metric-note]")
            notes[tr["data-facility-id"]] = note.get_text() if note else None
    assert notes["alpha"] == "2026年11月20日時点"
    assert notes["bravo"] == "2026年8月1日時点の情報です。古いため、問い合わせて確かめてください。"
    assert notes["charlie"] is None
    entries = {}
    for chunk in (compare_site / "facility-data").glob("*.json"):
        entries.update(json.loads(chunk.read_text(encoding="utf-8")))
    assert entries["alpha"]["cells"]["vacancy"] == {"text": "あり", "note": "2026年11月20日時点"}
    assert entries["bravo"]["cells"]["vacancy"]["text"] == "要確認"
    assert entries["charlie"]["cells"]["vacancy"] == {"text": "登録なし"}


def test_static_table_shows_hostile_text_as_text(compare_site):
    for url in ("pref/tokyo/table/", "pref/tokyo/table/page/2/", "pref/tokyo/table/page/3/"):
        doc = page(compare_site, url)
        row = doc.select_one('tr[data-facility-id="hostile"]')
        if row is None:
            continue
        assert row.th.get_text() == HOSTILE_NAME
        assert row.find("script") is None and row.find("img") is None and row.find("svg") is None
        features = [li.get_text() for li in row.find_all("td")[ROW_LABELS.index("特徴")].select("li")]
        assert features == ["<img src=x onerror=window.__pwned=1>", "[x](javascript:window.__pwned=1)", '"><svg onload=window.__pwned=1>']
        return
    pytest.fail("hostile row not found in the Tokyo table")


def test_static_table_pages_have_breadcrumbs_and_a_way_back(compare_site):
    doc = page(compare_site, "pref/kanagawa/table/")
    assert [li.get_text(strip=True) for li in doc.select(".breadcrumbs li")] == ["ホーム", "神奈川県", "比較表"]
    links = {a.get_text(): a["href"] for a in doc.select(".related-links a")}
    assert links == {"神奈川県の事業所をカードの一覧で見る": "../../../pref/kanagawa/", "選んだ事業所だけを比べる": "../../../compare/"}


# --- contact, hours, visits and conditions (issue 11) ----------------------------------------


def test_contact_cells_in_the_json_carry_checked_links(compare_site):
    cells = facility_data(compare_site)["alpha"]["cells"]
    assert cells["contact"] == {
        "links": [
            {"label": "電話", "text": "03-1111-2222", "href": "tel:0311112222"},
            {"label": "メール", "text": "alpha@example.jp", "href": "mailto:alpha@example.jp"},
            {"label": "問い合わせフォーム", "text": "フォームを開く", "href": "https://example.jp/alpha/contact/", "external": True},
        ]
    }
    assert cells["hours"] == {"items": ["平日 9:00〜17:00", "土曜 9:00〜12:00", "定休日 日曜・祝日"]}
    assert cells["condition_remote"] == {"text": "あり"} and cells["condition_pickup"] == {"text": "なし"}
    delta = facility_data(compare_site)["delta"]["cells"]
    assert delta["contact"] == {"links": [{"label": "FAX", "text": "03-5555-6666"}]}  # fax: text, no link


def test_static_table_contact_cells_link_like_the_facility_page(compare_site):
    row = page(compare_site, "pref/tokyo/table/").select_one('tr[data-facility-id="alpha"]')
    contact = row.find_all("td")[ROW_LABELS.index("連絡先")]
    assert [(a["href"], a.get_text()) for a in contact.find_all("a")] == [
        ("tel:0311112222", "03-1111-2222"),
        ("mailto:alpha@example.jp", "alpha@example.jp"),
        ("https://example.jp/alpha/contact/", "フォームを開く（外部サイト）"),
    ]
    facility = page(compare_site, "facilities/alpha/").select_one("[data-contact-ways]")
    assert [a["href"] for a in contact.find_all("a")] == [a["href"] for a in facility.find_all("a")]
