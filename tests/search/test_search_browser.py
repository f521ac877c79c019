"""The /search/ page in headless Chromium: by URL, by clicking, by keyboard only,
Back/Forward, incremental results, notices, hostile text, axe-core.

Results are read through the page's stable hooks: [data-results] with
aria-busy="false" once final, cards with [data-facility-id] in display order,
[data-result-count].
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from conftest import format_violations, run_axe
from search_helpers import READY, settle, shown_ids, write_synthetic_records
from sitebuild import FIXTURES, StaticServer, build_site
from sitebuild import page as site_page

pytestmark = pytest.mark.browser

SEARCH_RECORDS = FIXTURES / "search"
NAME_ORDER = [
    "shibuya-it",
    "hostile",
    "nagareyama-mori",
    "tokyo-current",
    "sagamihara-midori",
    "tokyo-station",
    "kyoto-trap",
    "yokohama-midori",
    "osaka-unchecked",
]


@pytest.fixture(scope="module")
def fixture_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("search-browser")
    (root / "content").mkdir()
    site = build_site(root / "output", SEARCH_RECORDS, root / "content")
    with StaticServer(site) as server:
        server.site = site
        yield server


@pytest.fixture(scope="module")
def synthetic_server(tmp_path_factory):
    """120 synthetic facilities: more than one batch of 50 cards."""
    root = tmp_path_factory.mktemp("search-synthetic")
    records = write_synthetic_records(root / "records", 120, seed=3)
    (root / "content").mkdir()
    with StaticServer(build_site(root / "output", records, root / "content")) as server:
        yield server


def open_search(tab, server, query: str = "") -> None:
    tab.goto(f"{server.url}search/{query}")
    tab.wait_for_selector(READY, state="attached")


def wait_ready(tab) -> None:
    """Wait until the newest search has finished (busy set and cleared again)."""
    tab.wait_for_function(
        """() => {
        const list = document.querySelector('[data-results]');
        return list.getAttribute('aria-busy') === 'false';
    }"""
    )


def count_text(tab) -> str:
    return tab.text_content("[data-result-count]").strip()


def wait_for_query(tab, query: str) -> None:
    tab.wait_for_function("(query) => location.search === (query ? '?' + query : '')", arg=query)


def url_state(tab) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(tab.url).query).items()}


def open_region(tab, name: str) -> None:
    """Unfold a region of prefectures (they are folded under their region) by clicking its summary."""
    region = tab.locator("[data-region]", has=tab.locator("summary", has_text=name))
    if region.get_attribute("open") is None:
        region.locator("summary").click()


# --- by URL ---------------------------------------------------------------------

URL_CASES = [
    ("", NAME_ORDER, "9件の事業所が見つかりました"),
    ("?pref=tokyo", ["shibuya-it", "tokyo-current", "tokyo-station"], "3件の事業所が見つかりました"),
    ("?pref=tokyo,kanagawa&dis=mental", ["tokyo-current", "tokyo-station", "yokohama-midori"], "3件の事業所が見つかりました"),
    ("?pref=tokyo&pref=kanagawa&dis=mental", ["tokyo-current", "tokyo-station", "yokohama-midori"], "3件の事業所が見つかりました"),
    ("?svc=retention&sort=retention", ["nagareyama-mori", "tokyo-current", "kyoto-trap", "yokohama-midori"], "4件の事業所が見つかりました"),
    ("?walk=5&sort=walk", ["nagareyama-mori", "tokyo-station", "tokyo-current", "osaka-unchecked"], "4件の事業所が見つかりました"),
    ("?q=%EF%BD%B6%EF%BE%9A%EF%BE%9D%EF%BE%84", ["tokyo-current"], "1件の事業所が見つかりました"),  # ｶﾚﾝﾄ
    ("?q=かれんと", ["tokyo-current"], "1件の事業所が見つかりました"),
    ("?q=御苑", ["tokyo-current"], "1件の事業所が見つかりました"),
    ("?q=森", ["nagareyama-mori"], "1件の事業所が見つかりました"),
    ("?q=緑区", ["sagamihara-midori", "yokohama-midori"], "2件の事業所が見つかりました"),
    ("?q=東京都", ["shibuya-it", "tokyo-station", "tokyo-current"], "3件の事業所が見つかりました"),
    ("?q=新宿+丸ノ内", ["tokyo-current"], "1件の事業所が見つかりました"),
    ("?q=新宿%3A御苑%5E2", ["tokyo-current"], "1件の事業所が見つかりました"),  # 新宿:御苑^2 → 新宿, 御苑, 2 (from 1-2-3)
    ("?q=新宿%3A御苑%5E9", [], "条件に合う事業所は見つかりませんでした"),
    ("?q=御苑&pref=osaka", [], "条件に合う事業所は見つかりませんでした"),
]


@pytest.mark.parametrize(("query", "expected", "said"), URL_CASES, ids=[unquote(q) or "(none)" for q, _, _ in URL_CASES])
def test_search_by_url(page, fixture_server, query, expected, said):
    open_search(page, fixture_server, query)
    assert shown_ids(page) == expected
    assert count_text(page) == said
    assert page.errors == []


def test_url_is_made_canonical_and_the_form_shows_the_state(page, fixture_server):
    open_search(page, fixture_server, "?dis=mental&pref=kanagawa&pref=tokyo&q=新宿")
    assert urlsplit(page.url).query == "q=%E6%96%B0%E5%AE%BF&pref=tokyo,kanagawa&dis=mental"
    assert page.input_value("#search-q") == "新宿"
    assert page.is_checked('input[name="pref"][value="tokyo"]')
    assert page.is_checked('input[name="pref"][value="kanagawa"]')
    assert page.is_checked('input[name="dis"][value="mental"]')
    assert page.input_value("#search-sort") == "relevance"


def test_unknown_and_malformed_parameters_are_ignored_with_a_notice(page, fixture_server):
    open_search(page, fixture_server, "?pref=tokio,tokyo&foo=1&walk=7&sort=best&dis=")
    assert shown_ids(page) == ["shibuya-it", "tokyo-current", "tokyo-station"]
    notice = page.text_content("[data-search-notices]")
    for piece in ("pref=tokio", "foo=1", "walk=7", "sort=best"):
        assert piece in notice
    assert page.errors == []


# --- counts -----------------------------------------------------------------------


def test_choices_show_counts_given_the_other_choices(page, fixture_server):
    open_search(page, fixture_server, "?dis=physical")
    open_region(page, "関東")
    label = page.locator("label", has=page.locator('input[name="pref"][value="tokyo"]'))
    assert label.text_content().strip() == "東京都（1件）"
    empty = page.locator("label", has=page.locator('input[name="pref"][value="chiba"]'))
    assert empty.text_content().strip() == "千葉県（0件）"
    assert "choice--empty" in empty.get_attribute("class")
    assert page.locator("#search-walk option[value='5']").text_content() == "5分以内（1件）"
    assert page.locator("#search-walk option[value='10']").text_content() == "10分以内（3件）"
    # Marked, but still reachable: it can be chosen.
    settle(page, lambda: empty.click())
    assert page.is_checked('input[name="pref"][value="chiba"]')
    assert shown_ids(page) == []
    assert page.locator("#search-walk option[value='10']").text_content() == "10分以内（0件）"


def test_unchecked_disabilities_are_reported_when_filtering_by_disability(page, fixture_server):
    open_search(page, fixture_server, "?dis=mental")
    assert "未確認の事業所1件" in page.text_content("[data-search-notices]")
    open_search(page, fixture_server, "?pref=osaka")
    assert "未確認" not in page.text_content("[data-search-notices]")
    # The card says 未確認.
    assert "対象障害：未確認" in page.locator("[data-facility-id='osaka-unchecked']").inner_text().replace(" ", "")


def test_no_results_says_what_to_loosen_and_offers_it(page, fixture_server):
    open_search(page, fixture_server, "?q=森&pref=tokyo")
    advice = page.locator("[data-search-advice]")
    assert advice.is_visible()
    buttons = advice.get_by_role("button").all_inner_texts()
    assert buttons == ["キーワード「森」を外す（3件）", "都道府県の指定を外す（1件）"]
    settle(page, lambda: advice.get_by_role("button", name="都道府県の指定を外す（1件）").click())
    assert shown_ids(page) == ["nagareyama-mori"]
    assert url_state(page) == {"q": "森"}
    assert not advice.is_visible()


# --- clicking, keyboard, history ---------------------------------------------------


def test_clicking_filters_updates_results_and_url(page, fixture_server):
    open_search(page, fixture_server)
    open_region(page, "関東")
    settle(page, lambda: page.get_by_label(re.compile("^ *東京都")).check())
    assert shown_ids(page) == ["shibuya-it", "tokyo-current", "tokyo-station"]
    settle(page, lambda: page.get_by_label(re.compile("^ *神奈川県")).check())
    settle(page, lambda: page.get_by_label(re.compile("^ *精神障害")).check())
    assert shown_ids(page) == ["tokyo-current", "tokyo-station", "yokohama-midori"]
    settle(page, lambda: page.select_option("#search-sort", "capacity"))
    assert shown_ids(page) == ["tokyo-station", "yokohama-midori", "tokyo-current"]
    assert url_state(page) == {"pref": "tokyo,kanagawa", "dis": "mental", "sort": "capacity"}
    settle(page, lambda: page.fill("#search-q", "丸ノ内"))
    assert shown_ids(page) == ["tokyo-current"]
    settle(page, lambda: page.get_by_role("link", name="条件をすべてクリア").click())
    assert shown_ids(page) == NAME_ORDER
    assert urlsplit(page.url).query == ""
    assert page.input_value("#search-q") == ""
    assert page.evaluate("document.activeElement.id") == "search-q"
    assert page.errors == []


def _tab_to(tab, selector: str, limit: int = 120) -> None:
    for _ in range(limit):
        if tab.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        tab.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only(page, fixture_server):
    open_search(page, fixture_server)
    _tab_to(page, "#search-q")
    page.keyboard.type("かれ")
    settle(page, lambda: page.keyboard.press("Enter"))
    assert sorted(shown_ids(page)) == ["shibuya-it", "tokyo-current"]  # かれんと and itかれっじ
    assert page.evaluate("document.activeElement.id") == "search-results-title"
    page.focus("#search-q")
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    wait_ready(page)
    _tab_to(page, "[data-region]:has(input[value='tokyo']) > summary")
    page.keyboard.press("Enter")  # unfold 関東
    _tab_to(page, 'input[name="pref"][value="tokyo"]')
    settle(page, lambda: page.keyboard.press("Space"))
    assert shown_ids(page) == ["shibuya-it", "tokyo-current", "tokyo-station"]
    _tab_to(page, 'input[name="dis"][value="physical"]')
    settle(page, lambda: page.keyboard.press("Space"))
    assert shown_ids(page) == ["tokyo-station"]
    _tab_to(page, "#search-walk")
    settle(page, lambda: page.keyboard.press("ArrowDown"))  # 5分以内
    assert url_state(page) == {"pref": "tokyo", "dis": "physical", "walk": "5"}
    assert shown_ids(page) == ["tokyo-station"]
    _tab_to(page, "[data-search-clear]")
    settle(page, lambda: page.keyboard.press("Enter"))
    assert shown_ids(page) == NAME_ORDER
    assert page.errors == []


def test_back_and_forward_restore_the_search(page, fixture_server):
    open_search(page, fixture_server)
    open_region(page, "関東")
    settle(page, lambda: page.get_by_label(re.compile("^ *東京都")).check())
    settle(page, lambda: page.get_by_label(re.compile("^ *身体障害")).check())
    assert shown_ids(page) == ["tokyo-station"]
    settle(page, lambda: page.go_back())
    assert shown_ids(page) == ["shibuya-it", "tokyo-current", "tokyo-station"]
    assert not page.is_checked('input[name="dis"][value="physical"]')
    assert page.is_checked('input[name="pref"][value="tokyo"]')
    settle(page, lambda: page.go_back())
    assert shown_ids(page) == NAME_ORDER
    assert not page.is_checked('input[name="pref"][value="tokyo"]')
    settle(page, lambda: page.go_forward())
    settle(page, lambda: page.go_forward())
    assert shown_ids(page) == ["tokyo-station"]
    assert page.is_checked('input[name="dis"][value="physical"]')
    assert page.errors == []


def test_typing_replaces_the_history_entry_instead_of_adding_one(page, fixture_server):
    open_search(page, fixture_server)
    length = page.evaluate("history.length")
    page.focus("#search-q")
    for char in "かれんと":
        settle(page, lambda char=char: page.keyboard.type(char))
    assert page.evaluate("history.length") == length
    wait_for_query(page, "q=%E3%81%8B%E3%82%8C%E3%82%93%E3%81%A8")  # the address follows once the keys rest
    assert url_state(page) == {"q": "かれんと"}
    assert shown_ids(page) == ["tokyo-current"]


# --- more results -------------------------------------------------------------------


def test_results_come_twenty_at_a_time_and_focus_moves_to_the_first_new_card(page, synthetic_server):
    open_search(page, synthetic_server)
    first = shown_ids(page)
    assert len(first) == 20
    assert count_text(page) == "120件の事業所が見つかりました"
    settle(page, lambda: page.get_by_role("button", name="もっと見る（残り100件）").click())
    ids = shown_ids(page)
    assert len(ids) == 40
    assert ids[:20] == first
    focused = page.evaluate("document.activeElement.closest('[data-facility-id]').dataset.facilityId")
    assert focused == ids[20]
    # The later batches by keyboard (focus, Enter): a pointer click jumps down past cards that
    # content-visibility has not laid out yet, and their real height can move the button
    # between Playwright's aim and its click (seen under load).
    for remaining in (80, 60, 40, 20):
        settle(page, lambda remaining=remaining: page.get_by_role("button", name=f"もっと見る（残り{remaining}件）").press("Enter"))
    assert len(shown_ids(page)) == 120
    assert len(set(shown_ids(page))) == 120
    assert not page.get_by_role("button", name=re.compile("もっと見る")).is_visible()
    assert count_text(page) == "120件すべてを表示しています"
    assert page.errors == []


def test_more_results_keep_the_sort_order(page, synthetic_server):
    open_search(page, synthetic_server, "?sort=capacity")
    for remaining in (100, 80, 60, 40, 20):  # by keyboard: see the test above
        settle(page, lambda remaining=remaining: page.get_by_role("button", name=f"もっと見る（残り{remaining}件）").press("Enter"))
    capacities = page.eval_on_selector_all(
        "[data-results] [data-facility-id]",
        """cards => cards.map(card => [...card.querySelectorAll('.metrics div')]
            .find(row => row.querySelector('dt').textContent === '定員').querySelector('dd').textContent)""",
    )
    numbers = [int(text.removesuffix("名")) for text in capacities]
    assert len(numbers) == 120
    assert numbers == sorted(numbers, reverse=True)


def test_long_query_neither_hangs_nor_throws(page, fixture_server):
    open_search(page, fixture_server)
    settle(page, lambda: page.fill("#search-q", "".join(f"語{i}:^~*+- " for i in range(300))[:1000]))
    assert "はじめの64文字" in page.text_content("[data-search-notices]")
    assert page.errors == []


# --- cards, hostile text, no JavaScript, no worker ----------------------------------


def test_result_card_mirrors_the_site_card(page, fixture_server):
    open_search(page, fixture_server, "?q=かれんと")
    shown = page.locator("[data-results] [data-facility-id='tokyo-current']")
    static = page_card(fixture_server.site, "tokyo-current")
    structure = shown.evaluate(
        """card => [...card.querySelectorAll('*')].filter(n => !n.closest('.compare-slot') || n.matches('.compare-slot'))
            .map(n => [n.tagName.toLowerCase().replace(/^h[1-6]$/, 'h'), n.getAttribute('class') || ''])"""
    )
    assert structure == static["structure"]
    text = shown.evaluate("card => [...card.children].filter(n => !n.matches('.compare-slot')).map(n => n.textContent.replace(/\\s+/g, ''))")
    assert text == static["text"]
    assert shown.locator("a").first.get_attribute("href").endswith("/facilities/tokyo-current/")


def page_card(site: Path, facility_id: str) -> dict:
    doc = site_page(site, "pref/tokyo/")
    card = doc.find(attrs={"data-facility-id": facility_id})
    nodes = [n for n in card.find_all(True) if not n.find_parent(class_="compare-slot")]
    return {
        "structure": [[re.sub(r"^h[1-6]$", "h", n.name), " ".join(n.get("class", []))] for n in nodes],
        "text": [re.sub(r"\s+", "", child.get_text()) for child in card.find_all(True, recursive=False) if "compare-slot" not in child.get("class", [])],
    }


def test_hostile_record_is_found_and_shown_as_text(page, fixture_server):
    open_search(page, fixture_server, "?q=script")
    assert shown_ids(page) == ["hostile"]
    card = page.locator("[data-facility-id='hostile']")
    assert card.get_by_role("heading").inner_text() == "<script>window.__pwned=1</script>アクアテスト"
    assert card.locator("script, img, svg, b").count() == 0
    settle(page, lambda: page.fill("#search-q", "pwned"))
    assert shown_ids(page) == ["hostile"]
    assert page.evaluate("window.__pwned") is None
    assert page.errors == []


def test_without_javascript_the_page_points_to_the_static_lists(browser, fixture_server):
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    tab = context.new_page()
    try:
        tab.goto(fixture_server.url + "search/?pref=tokyo")
        notice = tab.locator("[data-search-nojs]")
        assert notice.is_visible()
        assert notice.get_by_role("link", name="都道府県から探す").is_visible()
        assert notice.get_by_role("link", name="精神障害に対応した事業所（全国）").get_attribute("href").endswith("/disability/mental/")
        form = tab.locator("form[data-search-form]")
        assert form.get_attribute("method") == "get"
        assert not tab.locator("[data-results]").is_visible()
    finally:
        context.close()


def test_works_without_web_workers(page, fixture_server):
    page.add_init_script("delete window.Worker;")
    open_search(page, fixture_server, "?q=緑区")
    assert shown_ids(page) == ["sagamihara-midori", "yokohama-midori"]
    assert page.errors == []


# --- accessibility --------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?q=森&pref=tokyo", "?dis=mental&q=東京"], ids=["results", "none", "notice"])
def test_axe_finds_no_wcag_aa_violations(page, fixture_server, query):
    open_search(page, fixture_server, query)
    violations = run_axe(page)
    assert violations == [], format_violations(violations)


SAMPLE_CASES = [
    # The five sample facilities (facilities/*.yaml); name order is reading order.
    ("", ["access-job-saitama", "current", "coco-color", "shukare-works", "pinto"]),
    ("?pref=tokyo", ["current"]),
    ("?pref=chiba,saitama", ["access-job-saitama", "pinto"]),
    ("?dis=physical,intractable", ["access-job-saitama", "coco-color", "shukare-works", "pinto"]),
    ("?svc=life-training", ["coco-color"]),
    ("?svc=retention&sort=hires", ["pinto", "current", "shukare-works", "access-job-saitama", "coco-color"]),
    # Four tie at 6〜12ヶ月: prefecture order (埼玉, 千葉, 東京, 大阪), then 12〜18ヶ月.
    ("?sort=stay", ["access-job-saitama", "pinto", "current", "coco-color", "shukare-works"]),
    ("?walk=5", ["access-job-saitama", "current", "pinto"]),
    ("?q=ｶﾚﾝﾄ", ["current"]),
    ("?q=御苑", ["current"]),
    ("?q=森", ["pinto"]),
    ("?q=ぴんと", ["pinto"]),
    ("?q=COCO", ["coco-color"]),
    ("?q=関内+JR", ["shukare-works"]),
    ("?q=東大宮", ["access-job-saitama"]),
    ("?q=大宮&pref=osaka", []),
]


@pytest.mark.parametrize(("query", "expected"), SAMPLE_CASES, ids=[unquote(q) or "(none)" for q, _ in SAMPLE_CASES])
def test_sample_site_by_url(page, sample_server, query, expected):
    open_search(page, sample_server, query)
    assert shown_ids(page) == expected
    assert page.errors == []


def test_axe_on_the_sample_site_search(page, sample_server):
    open_search(page, sample_server, "?q=支援")
    assert len(shown_ids(page)) == 5
    violations = run_axe(page)
    assert violations == [], format_violations(violations)


def test_a_link_near_the_keyword_box_goes_to_the_results(page, fixture_server):
    open_search(page, fixture_server, "?pref=tokyo")
    jump = page.get_by_role("link", name="検索結果へ移動（3件）")
    jump.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#search-results-title'")
    assert page.evaluate("document.activeElement.id") == "search-results-title"


# --- practical conditions (opt, issue 11) -------------------------------------------------


def test_conditions_filter_by_url_click_and_advice(page, fixture_server):
    open_search(page, fixture_server, "?opt=lunch,remote,bogus")
    assert shown_ids(page) == ["tokyo-current", "yokohama-midori"]
    assert urlsplit(page.url).query == "opt=remote,lunch"  # canonical order; the bad slug dropped
    assert "opt=bogus" in page.text_content("[data-search-notices]")
    assert page.is_checked('input[name="opt"][value="remote"]') and page.is_checked('input[name="opt"][value="lunch"]')
    transport = page.locator("label", has=page.locator('input[name="opt"][value="transport"]'))
    assert transport.text_content().strip() == "交通費の支援（1件）"
    pickup = page.locator("label", has=page.locator('input[name="opt"][value="pickup"]'))
    assert pickup.text_content().strip() == "送迎（0件）"
    assert "choice--empty" in pickup.get_attribute("class")
    settle(page, lambda: pickup.click())
    assert shown_ids(page) == []
    advice = page.locator("[data-search-advice]")
    buttons = advice.get_by_role("button").all_inner_texts()
    assert buttons == ["条件「昼食の提供」を外す（1件）", "条件「送迎」を外す（2件）"]  # dropping 在宅訓練 gives 0: not offered
    settle(page, lambda: advice.get_by_role("button", name="条件「昼食の提供」を外す（1件）").click())
    assert shown_ids(page) == ["tokyo-station"]
    assert url_state(page) == {"opt": "remote,pickup"}
    assert page.errors == []


def test_axe_with_conditions_chosen(page, fixture_server):
    open_search(page, fixture_server, "?opt=remote")
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
