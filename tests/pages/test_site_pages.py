"""Build real sites into temporary folders and check every page type's parsed HTML.

Two sites are built: the sample site (five real facilities, the guide
article) and a fixture site whose records cover every field, a facility
without 就労定着支援 or published metrics, and two prefectures.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from facility_site.records.vocab import DISABILITIES, PREFECTURES, REGIONS
from page_records import FULL_RECORD, MINIMAL_RECORD, OSAKA_RECORD, PAGES_CONTENT, build_in_process, no_articles, write_records
from sitebuild import build_site, page

BASE = "http://localhost:8000"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pages")
    records = write_records(root / "facilities", {"full-record": FULL_RECORD, "minimal": MINIMAL_RECORD, "osaka-one": OSAKA_RECORD})
    return build_site(root / "output", records, PAGES_CONTENT)


def text(element) -> str:
    return element.get_text(" ", strip=True)


def definitions(dl) -> dict[str, str]:
    """A <dl> of <div><dt><dd></div> rows as {term: text}."""
    return {div.dt.get_text(strip=True): text(div.dd) for div in dl.find_all("div", recursive=False)}


def crumbs(doc: BeautifulSoup) -> list[tuple[str, str | None]]:
    """Breadcrumbs as (label, href); the current page has no href."""
    result = []
    for li in doc.select("nav.breadcrumbs li"):
        link = li.find("a")
        result.append((text(li), link["href"] if link else None))
    return result


def canonical(doc: BeautifulSoup) -> str:
    links = doc.find_all("link", rel="canonical")
    assert len(links) == 1
    return links[0]["href"]


# --- home -------------------------------------------------------------------


def test_home_lists_47_prefectures_by_region_in_jis_order_with_counts(fixture_site):
    doc = page(fixture_site, "")
    assert doc.html["lang"] == "ja"
    regions = doc.select("#prefectures .region")
    assert [text(r.h3) for r in regions] == list(REGIONS)
    listed = [li.get_text(strip=True).split("（")[0] for li in doc.select(".pref-list li")]
    assert listed == [p.name for p in PREFECTURES]
    for region in regions:
        names = {li.get_text(strip=True).split("（")[0] for li in region.select("li")}
        assert names == {p.name for p in PREFECTURES if p.region == text(region.h3)}
    linked = {text(a): a["href"] for a in doc.select(".pref-list a")}
    assert linked == {"東京都 （2件）": "./pref/tokyo/", "大阪府 （1件）": "./pref/osaka/"}
    empty = doc.select(".pref-list li.pref-list__empty")
    assert len(empty) == 45
    assert all(li.find("a") is None and li.get_text(strip=True).endswith("（0件）") for li in empty)


def test_home_has_disability_entry_points_with_counts(fixture_site):
    doc = page(fixture_site, "")
    tiles = doc.find(id="dis-title").find_parent("section").select("li")
    assert [li.get_text(strip=True) for li in tiles] == ["精神障害（2件）", "知的障害（0件）", "発達障害（1件）", "身体障害（1件）", "難病（0件）"]
    hrefs = {li.get_text(strip=True): li.a["href"] if li.a else None for li in tiles}
    assert hrefs == {
        "精神障害（2件）": "./disability/mental/",
        "知的障害（0件）": None,
        "発達障害（1件）": "./disability/developmental/",
        "身体障害（1件）": "./disability/physical/",
        "難病（0件）": None,
    }


def test_home_search_form_goes_to_search_page_with_q(fixture_site):
    form = page(fixture_site, "").select_one("form[role=search]")
    assert form["action"] == "./search/"
    assert form["method"] == "get"
    field = form.select_one("input[name=q]")
    assert form.select_one(f"label[for={field['id']}]").get_text(strip=True).startswith("キーワード")
    assert form.select_one("button[type=submit]").get_text(strip=True) == "検索"


def test_home_lists_the_five_newest_articles(fixture_site):
    section = page(fixture_site, "").find(id="articles-title").find_parent("section")
    items = section.select(".article-list li")
    assert [li.a.get_text(strip=True) for li in items] == [f"テスト記事その{n}" for n in (6, 5, 4, 3, 2)]
    assert [li.a["href"] for li in items] == [f"./articles/article-{n}/" for n in (6, 5, 4, 3, 2)]
    assert [li.time["datetime"] for li in items] == [f"2026-10-0{n}" for n in (6, 5, 4, 3, 2)]
    assert section.find("a", string="記事の一覧へ")["href"] == "./articles/"


# --- facility page ----------------------------------------------------------


def test_facility_page_shows_every_field_of_a_full_record(fixture_site):
    doc = page(fixture_site, "facilities/full-record/")
    main = doc.find("main")
    assert main.find("article")["data-facility-id"] == "full-record"
    assert text(main.h1) == "フルレコード就労支援センター"
    assert text(main.select_one(".facility__kana")) == "ふるれこーどしゅうろうしえんせんたー"
    assert text(main.select_one(".facility__catch")) == "全項目を埋めたテスト用の事業所"
    assert text(main.select_one(".facility__header .badge")) == "定着支援あり"
    assert definitions(main.select_one("dl.metrics")) == {
        "就職定着率": "92.5%",
        "昨年の就職人数": "10〜14名",
        "定員": "20名",
        "平均利用期間": "6〜12ヶ月",
    }
    facts = main.select_one("dl.facts")
    assert definitions(facts) == {
        "就労定着支援": "あり",
        "サービス": "就労移行支援 就労定着支援 自立訓練(生活訓練)",
        "対象障害": "精神障害 発達障害",
        "最寄り駅": "JR山手線 新宿駅 徒歩5分 都庁前駅 徒歩30秒",
        "所在地": "東京都新宿区西新宿2-8-1 テストビル3階",
        "ウェブサイト": "https://example.jp/full-record/ （外部サイト）",
        "事業所番号": "1310400123",
    }
    stations = [" ".join(li.get_text().split()) for li in facts.select(".plain-list li")]
    assert stations == ["JR山手線 新宿駅 徒歩5分", "都庁前駅 徒歩30秒"]
    # The phone number moved to the 見学・体験・問い合わせ section (issue 11), with every other way to reach the office.
    assert facts.find("a", href=re.compile("^tel:")) is None
    phone = main.select_one("[data-contact-ways]").find("a", string="03-1234-5678")
    assert phone["href"] == "tel:0312345678"
    website = facts.find("a", href="https://example.jp/full-record/")
    assert set(website["rel"]) == {"external", "noopener", "noreferrer"}
    assert website.select_one(".visually-hidden").get_text() == "（外部サイト）"
    features = main.find(id="features-title").find_parent("section")
    assert [li.get_text() for li in features.select("li")] == ["少人数制", "在宅訓練可"]
    description = main.find(id="desc-title").find_parent("section").select_one(".prose")
    assert description.strong.get_text() == "ビジネスマナー"
    assert description.find("a", string="個別面談")["href"] == "https://example.jp/interview"
    assert description.find_all("p")[-1].get_text() == "見学はいつでも受け付けています。"
    updated = main.select_one(".facility__updated")
    assert updated.get_text(strip=True) == "情報更新日：2026年10月1日"
    assert updated.time["datetime"] == "2026-10-01"


def test_facility_page_breadcrumbs_title_and_canonical(fixture_site):
    doc = page(fixture_site, "facilities/full-record/")
    assert crumbs(doc) == [("ホーム", "../../"), ("東京都", "../../pref/tokyo/"), ("フルレコード就労支援センター", None)]
    assert doc.select_one("nav.breadcrumbs [aria-current=page]").get_text() == "フルレコード就労支援センター"
    assert doc.title.get_text() == "フルレコード就労支援センター（東京都新宿区）｜しゅうろうナビ"
    assert canonical(doc) == f"{BASE}/facilities/full-record/"


def test_facility_page_without_retention_support_or_metrics(fixture_site):
    doc = page(fixture_site, "facilities/minimal/")
    main = doc.find("main")
    assert text(main.select_one(".facility__header .badge")) == "定着支援なし"
    assert main.select_one(".facility__kana") is None
    assert main.select_one(".facility__catch") is None
    assert definitions(main.select_one("dl.metrics")) == {
        "就職定着率": "未掲載",
        "昨年の就職人数": "未掲載",
        "定員": "8名",
        "平均利用期間": "未掲載",
    }
    assert definitions(main.select_one("dl.facts")) == {
        "就労定着支援": "なし",
        "サービス": "就労移行支援",
        "対象障害": "身体障害",
        "最寄り駅": "情報なし",
        "所在地": "東京都港区",
    }
    assert main.find(id="features-title") is None
    assert main.find(id="desc-title") is None
    assert main.select_one("a[href^='tel:']") is None


# --- facility card ----------------------------------------------------------


def card_parts(card) -> dict:
    name = card.select_one(".card__name a")
    return {
        "id": card["data-facility-id"],
        "name": name.get_text(strip=True),
        "href": name["href"],
        "place": text(card.select_one(".card__place")),
        "access": text(card.select_one(".card__access")) if card.select_one(".card__access") else None,
        "services": [li.get_text() for li in card.select(".card__services .service-tags li")],
        "retention": text(card.select_one(".card__retention")),
        "metrics": definitions(card.select_one("dl.metrics")),
        "disabilities": text(card.select_one(".card__disabilities")),
    }


def test_facility_card_shows_the_listing_facts(fixture_site):
    cards = page(fixture_site, "pref/tokyo/").select("main article.card")
    # 港区 (13103) before 新宿区 (13104): cities in municipality-code order.
    assert [card_parts(c) for c in cards] == [
        {
            "id": "minimal",
            "name": "ミニマル事業所",
            "href": "../../facilities/minimal/",
            "place": "東京都港区",
            "access": None,
            "services": ["移行"],
            "retention": "定着支援なし",
            "metrics": {"就職定着率": "未掲載", "昨年の就職人数": "未掲載", "定員": "8名", "平均利用期間": "未掲載"},
            "disabilities": "対象障害： 身体",
        },
        {
            "id": "full-record",
            "name": "フルレコード就労支援センター",
            "href": "../../facilities/full-record/",
            "place": "東京都新宿区",
            "access": "JR山手線 新宿駅 徒歩5分",
            "services": ["移行", "定着", "生活訓練"],
            "retention": "定着支援あり",
            "metrics": {"就職定着率": "92.5%", "昨年の就職人数": "10〜14名", "定員": "20名", "平均利用期間": "6〜12ヶ月"},
            "disabilities": "対象障害： 精神・発達",
        },
    ]


# --- prefecture pages ---------------------------------------------------------


def sections_with_cards(main) -> list[tuple[str, list[str]]]:
    """(section heading, ids of its cards) for each section of a list page."""
    return [(s.h3.get_text(strip=True), [c["data-facility-id"] for c in s.select("article.card")]) for s in main.select("section.list-section")]


def test_prefecture_page_groups_cards_by_city(fixture_site):
    doc = page(fixture_site, "pref/tokyo/")
    main = doc.find("main")
    assert text(main.h1) == "東京都の事業所 （2件）"
    assert crumbs(doc) == [("ホーム", "../../"), ("東京都", None)]
    assert canonical(doc) == f"{BASE}/pref/tokyo/"
    assert text(main.select_one(".list-count")) == "2件中 1〜2件目を表示"
    assert sections_with_cards(main) == [
        ("港区", ["minimal"]),
        ("新宿区", ["full-record"]),
    ]
    # The city index links to the heading where each city starts.
    index = main.find(id="city-nav-title").find_parent("nav")
    entries = [(a.get_text(strip=True), a["href"]) for a in index.select("a")]
    assert entries == [("港区（1件）", "../../pref/tokyo/#city-1"), ("新宿区（1件）", "../../pref/tokyo/#city-2")]
    for _, href in entries:
        assert main.find(id=href.split("#")[1]).name == "h3"
    assert main.select_one("nav.pager") is None  # one page only


def test_prefecture_page_links_disability_subpages_with_counts(fixture_site):
    doc = page(fixture_site, "pref/tokyo/")
    nav = doc.find(id="dis-nav-title").find_parent("nav")
    tiles = {li.get_text(strip=True): (li.a["href"] if li.a else None) for li in nav.select("li")}
    assert tiles == {
        "精神障害（1件）": "../../pref/tokyo/mental/",
        "知的障害（0件）": None,
        "発達障害（1件）": "../../pref/tokyo/developmental/",
        "身体障害（1件）": "../../pref/tokyo/physical/",
        "難病（0件）": None,
    }
    written = {d.slug for d in DISABILITIES if (fixture_site / "pref" / "tokyo" / d.slug / "index.html").exists()}
    assert written == {"mental", "developmental", "physical"}
    assert not (fixture_site / "pref" / "hokkaido").exists()


def test_prefecture_disability_page_lists_only_that_disability(fixture_site):
    doc = page(fixture_site, "pref/tokyo/physical/")
    main = doc.find("main")
    assert text(main.h1) == "東京都の身体障害に対応した事業所 （1件）"
    assert [c["data-facility-id"] for c in main.select("article.card")] == ["minimal"]
    assert crumbs(doc) == [("ホーム", "../../../"), ("東京都", "../../../pref/tokyo/"), ("身体障害", None)]
    assert canonical(doc) == f"{BASE}/pref/tokyo/physical/"
    related = {a.get_text(strip=True): a["href"] for a in main.select(".related-links a")}
    assert related == {"東京都のすべての事業所": "../../../pref/tokyo/", "全国の身体障害に対応した事業所": "../../../disability/physical/"}


# --- national disability pages ------------------------------------------------


def test_disability_page_lists_facilities_by_prefecture(fixture_site):
    doc = page(fixture_site, "disability/mental/")
    main = doc.find("main")
    assert text(main.h1) == "精神障害に対応した事業所（全国） （2件）"
    assert crumbs(doc) == [("ホーム", "../../"), ("精神障害（全国）", None)]
    assert canonical(doc) == f"{BASE}/disability/mental/"
    assert sections_with_cards(main) == [
        ("東京都", ["full-record"]),
        ("大阪府", ["osaka-one"]),
    ]
    nav = main.find(id="pref-nav-title").find_parent("nav")
    assert [(a.get_text(strip=True), a["href"]) for a in nav.select("a")] == [
        ("東京都（1件）", "../../pref/tokyo/mental/"),
        ("大阪府（1件）", "../../pref/osaka/mental/"),
    ]


def test_disability_page_without_facilities_says_so(fixture_site):
    main = page(fixture_site, "disability/intellectual/").find("main")
    assert text(main.h1) == "知的障害に対応した事業所（全国） （0件）"
    assert main.select("article.card") == []
    assert "該当する事業所はまだ掲載されていません。" in text(main)


# --- articles ---------------------------------------------------------------


def test_article_index_lists_every_article_newest_first(fixture_site):
    doc = page(fixture_site, "articles/")
    assert text(doc.find("main").h1) == "記事の一覧"
    items = doc.select("main .article-list li")
    assert [li.a["href"] for li in items] == [f"../articles/article-{n}/" for n in range(6, 0, -1)]
    assert items[0].p.get_text(strip=True) == "並び順を確かめるための記事その6。"
    assert crumbs(doc) == [("ホーム", "../"), ("記事", None)]
    assert canonical(doc) == f"{BASE}/articles/"


def test_article_page_has_date_breadcrumbs_canonical_and_embedded_card(fixture_site):
    doc = page(fixture_site, "articles/article-6/")
    article = doc.select_one("main article.article")
    assert text(article.h1) == "テスト記事その6"
    assert article.select_one(".article__meta time")["datetime"] == "2026-10-06"
    assert crumbs(doc) == [("ホーム", "../../"), ("記事", "../../articles/"), ("テスト記事その6", None)]
    assert canonical(doc) == f"{BASE}/articles/article-6/"
    card = article.select_one(".embedded-card article.card")
    assert card_parts(card)["href"] == "../../facilities/full-record/"
    assert card.select_one(".card__name").name == "h3"
    # The card sits where the marker line was, between the paragraphs around it.
    paragraphs = [p.get_text(strip=True) for p in article.find_all("p", recursive=False)]
    assert paragraphs[-2:] == ["この記事には事業所のカードを埋め込みます。", "カードのあとに続く段落。"]
    assert "{%" not in article.get_text()


# --- 404, canonical links, sitemap ---------------------------------------------


def test_not_found_page_offers_ways_on_with_root_based_links(fixture_site):
    doc = page(fixture_site, "404.html")
    main = doc.find("main")
    assert text(main.h1) == "ページが見つかりません"
    links = {a.get_text(strip=True): a["href"] for a in main.select("ul a")}
    assert links == {"ホーム（都道府県・障害の種類から探す）": "/", "条件を指定して探す": "/search/", "記事の一覧": "/articles/"}
    form = main.select_one("form[role=search]")
    assert form["action"] == "/search/" and form.select_one("input[name=q]")
    # Served at any depth: every asset and link must work from /a/b/c/.
    assert all(link["href"].startswith("/") for link in doc.select("link[href]"))
    assert doc.find("link", rel="canonical") is None
    assert doc.find("meta", attrs={"name": "robots"})["content"] == "noindex"


def written_pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))


def url_of(name: str) -> str:
    """The site URL a written file is served at: "pref/tokyo/index.html" -> "pref/tokyo/"."""
    return re.sub(r"(^|/)index\.html$", r"\1", name)


def test_every_page_except_404_has_one_canonical_link_to_its_own_address(fixture_site):
    pages = written_pages(fixture_site)
    assert len(pages) > 20
    for name in pages:
        if name == "404.html":
            continue
        url = url_of(name)
        assert canonical(page(fixture_site, url)) == f"{BASE}/{url}", name


def sitemap_entries(site: Path) -> dict[str, str]:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(site / "sitemap.xml").getroot()
    return {url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns) for url in root.findall("s:url", ns)}


def test_sitemap_lists_pages_with_their_records_update_dates(fixture_site):
    entries = sitemap_entries(fixture_site)
    assert entries[f"{BASE}/facilities/full-record/"] == "2026-10-01T00:00:00+09:00"
    assert entries[f"{BASE}/facilities/minimal/"] == "2026-09-15T00:00:00+09:00"
    assert entries[f"{BASE}/facilities/osaka-one/"] == "2026-08-20T00:00:00+09:00"
    # A list page changes when its newest record does.
    assert entries[f"{BASE}/pref/tokyo/"] == "2026-10-01T00:00:00+09:00"
    assert entries[f"{BASE}/pref/osaka/mental/"] == "2026-08-20T00:00:00+09:00"
    assert entries[f"{BASE}/articles/article-3/"] == "2026-10-03T00:00:00+09:00"
    # The home page lists the newest article (2026-10-06), newer than any record.
    assert entries[f"{BASE}/"] == "2026-10-06T00:00:00+09:00"
    # A page without Date: or Modified: gets that same fixed date, not the build time.
    assert entries[f"{BASE}/about/"] == "2026-10-06T00:00:00+09:00"
    assert f"{BASE}/404.html" not in entries
    expected = {f"{BASE}/{url_of(name)}" for name in written_pages(fixture_site)}
    expected -= {f"{BASE}/404.html", f"{BASE}/articles/"}
    assert expected <= set(entries)


def test_sample_guide_article_covers_the_service_and_embeds_the_five_facilities(sample_site):
    article = page(sample_site, "articles/teichaku-shien-guide/").select_one("main article.article")
    assert [h.get_text() for h in article.find_all("h2")] == [
        "使える人",
        "就労移行支援との違い",
        "どんな支援を受けられるか",
        "利用できる期間",
        "費用",
        "申し込みの流れ",
        "事業所の実績",
        "就労定着支援も行っている事業所の例",
    ]
    caps = [[cell.get_text(strip=True) for cell in row.find_all(["th", "td"])] for row in article.select("table tr")]
    assert [row[0] for row in caps] == ["区分", "生活保護", "低所得", "一般1", "一般2"]
    assert [row[-1] for row in caps] == ["月の上限額", "0円", "0円", "9,300円", "37,200円"]
    assert article.find("table").find_parent("div")["class"] == ["table-scroll"]
    assert len(article.select("ol > li")) == 7  # the seven steps of applying
    cards = article.select(".embedded-card article.card")
    assert [c["data-facility-id"] for c in cards] == ["current", "pinto", "access-job-saitama", "shukare-works", "coco-color"]
    assert all(c.select_one(".badge").get_text() == "定着支援あり" for c in cards)


def test_sample_site_pages_and_sitemap(sample_site):
    """The shipped sample: the five facilities are linked from their prefectures and in the sitemap."""
    doc = page(sample_site, "")
    linked = {text(a): a["href"] for a in doc.select(".pref-list a")}
    assert linked == {
        "埼玉県 （1件）": "./pref/saitama/",
        "千葉県 （1件）": "./pref/chiba/",
        "東京都 （1件）": "./pref/tokyo/",
        "神奈川県 （1件）": "./pref/kanagawa/",
        "大阪府 （1件）": "./pref/osaka/",
    }
    entries = sitemap_entries(sample_site)
    for record_id in ("current", "pinto", "access-job-saitama", "shukare-works", "coco-color"):
        assert entries[f"{BASE}/facilities/{record_id}/"] == "2026-11-01T00:00:00+09:00"
    assert page(sample_site, "facilities/current/").find("main").select_one(".facility__header .badge").get_text() == "定着支援あり"


def test_publish_build_uses_absolute_addresses_under_siteurl(tmp_path):
    """`make publish SITEURL=…`: absolute links, canonical links and sitemap under SITEURL, even in a subfolder."""
    site = tmp_path / "public"
    build_in_process(site, settings="publishconf.py", SITEURL="https://example.jp/navi")
    facility = page(site, "facilities/current/")
    assert canonical(facility) == "https://example.jp/navi/facilities/current/"
    assert crumbs(facility)[:2] == [("ホーム", "https://example.jp/navi/"), ("東京都", "https://example.jp/navi/pref/tokyo/")]
    guide = page(site, "articles/teichaku-shien-guide/")
    assert guide.select_one(".embedded-card .card__name a")["href"] == "https://example.jp/navi/facilities/current/"
    not_found = page(site, "404.html")
    assert not_found.select_one("main form")["action"] == "/navi/search/"
    assert not_found.select_one("a.site-name")["href"] == "/navi/"
    entries = sitemap_entries(site)
    assert entries["https://example.jp/navi/facilities/current/"] == "2026-11-01T00:00:00+09:00"
    assert all(loc.startswith("https://example.jp/navi/") for loc in entries)
    assert (site / "feeds" / "all.atom.xml").is_file()


# --- build warnings -----------------------------------------------------------


def test_stale_records_log_a_warning_and_the_build_succeeds(tmp_path, caplog):
    # TODAY is 2026-11-27: 366 days after 2025-11-26, exactly 365 after 2025-11-27.
    stale = FULL_RECORD.replace("updated: 2026-10-01", "updated: 2025-11-26")
    on_the_limit = MINIMAL_RECORD.replace("updated: 2026-09-15", "updated: 2025-11-27")
    records = write_records(tmp_path / "facilities", {"old-office": stale, "limit-office": on_the_limit})
    with caplog.at_level(logging.WARNING, logger="facility_site"):
        site = build_site(tmp_path / "output", records, no_articles(tmp_path))
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("facility_site") and r.levelno == logging.WARNING]
    line = stale.splitlines().index("updated: 2025-11-26") + 1  # issue 19: the warning names the line of `updated`
    assert warnings == [f"facility_site: {records / 'old-office.yaml'}:{line}: updated: last checked 2025-11-26, 366 days ago (limit 365)"]
    assert page(site, "facilities/old-office/").select_one(".facility__updated time")["datetime"] == "2025-11-26"


def test_stale_after_days_is_a_setting(tmp_path, caplog):
    records = write_records(tmp_path / "facilities", {"minimal": MINIMAL_RECORD})  # updated 2026-09-15, 73 days before TODAY
    with caplog.at_level(logging.WARNING, logger="facility_site"):
        build_site(tmp_path / "output", records, no_articles(tmp_path), stale_after_days=60)
    line = MINIMAL_RECORD.splitlines().index("updated: 2026-09-15") + 1
    assert [r.getMessage() for r in caplog.records if r.name.startswith("facility_site")] == [
        f"facility_site: {records / 'minimal.yaml'}:{line}: updated: last checked 2026-09-15, 73 days ago (limit 60)"
    ]
