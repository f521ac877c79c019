"""The /search/ page's layout and behaviour around the results, in headless Chromium:
results first on a phone (summary bar, folding form, sticky 「N件を表示」), side by side
on a wide screen, skip links, one search per keyboard sort, Back after もっと見る,
the title, the sort announcement, print, and axe-core with the form open and closed.

Phone is a 390×844 viewport (and 320 for overflow), wide is 1024×800.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import format_violations, run_axe
from search_helpers import READY, settle, shown_ids, write_synthetic_records
from sitebuild import FIXTURES, StaticServer, build_site

pytestmark = pytest.mark.browser

KANAGAWA = "?pref=kanagawa&dis=intellectual&svc=retention"  # yokohama-midori only


@pytest.fixture(scope="module")
def fixture_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("search-layout")
    (root / "content").mkdir()
    with StaticServer(build_site(root / "output", FIXTURES / "search", root / "content")) as server:
        yield server


@pytest.fixture(scope="module")
def synthetic_server(tmp_path_factory):
    """60 synthetic facilities: three batches of 20 cards."""
    root = tmp_path_factory.mktemp("search-layout-synthetic")
    records = write_synthetic_records(root / "records", 60, seed=5)
    (root / "content").mkdir()
    with StaticServer(build_site(root / "output", records, root / "content")) as server:
        yield server


def _tab(browser, width: int, height: int = 844, **options):
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": height}, **options)
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    return context, tab


@pytest.fixture
def phone(browser):
    context, tab = _tab(browser, 390)
    yield tab
    context.close()


@pytest.fixture
def wide(browser):
    context, tab = _tab(browser, 1024, 800)
    yield tab
    context.close()


def open_search(tab, server, query: str = "") -> None:
    tab.goto(f"{server.url}search/{query}")
    tab.wait_for_selector(READY, state="attached")


def count_searches(tab) -> None:
    """From now on, window.__searches counts searches started (aria-busy turning "true")."""
    tab.evaluate(
        """() => {
        window.__searches = 0;
        const list = document.querySelector('[data-results]');
        new MutationObserver(() => { if (list.getAttribute('aria-busy') === 'true') window.__searches += 1; })
            .observe(list, { attributes: true, attributeFilter: ['aria-busy'] });
    }"""
    )


def box(tab, selector: str) -> dict:
    return tab.locator(selector).first.bounding_box()


def in_viewport(tab, selector: str) -> bool:
    return tab.evaluate(
        """(s) => { const r = document.querySelector(s).getBoundingClientRect();
            return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight; }""",
        selector,
    )


def first_card_top(tab) -> float:
    return tab.evaluate("() => document.querySelector('[data-results] [data-facility-id]').getBoundingClientRect().top + scrollY")


def open_region(tab, name: str) -> None:
    region = tab.locator("[data-region]", has=tab.locator("summary", has_text=name))
    if region.get_attribute("open") is None:
        region.locator("summary").click()


# --- phone: results first ------------------------------------------------------------


def test_phone_shows_results_first_under_a_summary_of_the_conditions(phone, fixture_server):
    open_search(phone, fixture_server, KANAGAWA)
    assert shown_ids(phone) == ["yokohama-midori"]
    bar = phone.locator("[data-search-summary]")
    assert bar.is_visible()
    assert bar.locator("[data-search-summary-text]").inner_text() == "神奈川県・知的障害・定着支援あり"
    toggle = bar.get_by_role("button", name="条件を変更")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not phone.locator("[data-search-form]").is_visible()
    # The first card starts on the first screen.
    assert first_card_top(phone) < 844
    assert phone.errors == []


@pytest.mark.parametrize("query", ["", "?q="])
def test_phone_without_conditions_starts_with_the_form_open(phone, fixture_server, query):
    # From the menu's 「条件で探す」 the visitor came to set conditions: the keyword box is in
    # reach at once, and the bar's button says the form is open and folds it.
    open_search(phone, fixture_server, query)
    toggle = phone.get_by_role("button", name="条件を変更")
    assert toggle.get_attribute("aria-expanded") == "true"
    keyword = phone.get_by_label("キーワード", exact=True)
    assert keyword.is_visible()
    keyword.fill("横浜")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not phone.locator("[data-search-form]").is_visible()
    assert phone.errors == []


def test_phone_form_opens_and_its_sticky_button_counts_and_closes_it(phone, fixture_server):
    open_search(phone, fixture_server, KANAGAWA)
    phone.get_by_role("button", name="条件を変更").click()
    assert phone.locator("[data-search-form]").is_visible()
    assert phone.get_by_role("button", name="条件を変更").get_attribute("aria-expanded") == "true"
    apply = phone.locator("[data-search-apply]")
    assert apply.inner_text() == "1件を表示"
    # Ticking a box far down the form: the button, kept in sight, says the new count at once.
    settle(phone, lambda: phone.get_by_label("就労定着支援").uncheck())
    assert in_viewport(phone, "[data-search-apply]")
    assert apply.inner_text() == "2件を表示"
    open_region(phone, "関東")
    settle(phone, lambda: phone.get_by_label("東京都").check())
    assert in_viewport(phone, "[data-search-apply]")
    assert apply.inner_text() == "3件を表示"
    # The button applies: the form folds away, focus goes to the results, the summary follows.
    settle(phone, lambda: apply.click())
    assert not phone.locator("[data-search-form]").is_visible()
    assert phone.evaluate("document.activeElement.id") == "search-results-title"
    assert phone.locator("[data-search-summary-text]").inner_text() == "東京都・神奈川県・知的障害"
    assert parse_qs(urlsplit(phone.url).query) == {"pref": ["tokyo,kanagawa"], "dis": ["intellectual"]}
    assert sorted(shown_ids(phone)) == ["sagamihara-midori", "tokyo-current", "yokohama-midori"]
    assert phone.errors == []


def test_regions_fold_and_say_their_count_and_what_is_chosen(phone, fixture_server):
    open_search(phone, fixture_server, KANAGAWA)
    phone.get_by_role("button", name="条件を変更").click()
    regions = phone.locator("[data-region]")
    assert regions.count() == 8
    kanto = phone.locator("[data-region]", has=phone.locator("summary", has_text="関東"))
    # Only the region holding the chosen prefecture is open; its summary says so.
    assert kanto.get_attribute("open") is not None
    assert phone.evaluate("[...document.querySelectorAll('[data-region][open]')].length") == 1
    # 関東 counts given the other conditions: tokyo-current and yokohama-midori.
    assert kanto.locator("summary").inner_text().replace("\n", "") == "関東（2件）選択中：神奈川県"
    kinki = phone.locator("[data-region]", has=phone.locator("summary", has_text="近畿"))
    assert not kinki.locator('input[value="osaka"]').is_visible()
    kinki.locator("summary").click()
    assert kinki.locator('input[value="osaka"]').is_visible()


@pytest.mark.parametrize("width", [320, 390])
def test_phone_layout_has_no_sideways_scroll(browser, fixture_server, width):
    context, tab = _tab(browser, width)
    try:
        open_search(tab, fixture_server, KANAGAWA)
        assert tab.evaluate("document.documentElement.scrollWidth") == width
        tab.get_by_role("button", name="条件を変更").click()
        open_region(tab, "近畿")
        assert tab.evaluate("document.documentElement.scrollWidth") == width
        for selector in ("[data-search-open]", "[data-search-apply]", "[data-region] > summary"):
            assert box(tab, selector)["height"] >= 44, selector
    finally:
        context.close()


def test_wide_screen_puts_conditions_beside_the_results(wide, fixture_server):
    open_search(wide, fixture_server, KANAGAWA)
    assert not wide.locator("[data-search-summary]").is_visible()
    form, results = box(wide, "[data-search-form]"), box(wide, ".search-results")
    assert form["x"] + form["width"] <= results["x"]
    assert abs(form["y"] - results["y"]) < 40
    assert first_card_top(wide) < 800


def test_without_javascript_the_form_is_shown_and_submits_by_get(browser, fixture_server):
    context, tab = _tab(browser, 390, java_script_enabled=False)
    try:
        tab.goto(f"{fixture_server.url}search/")
        assert tab.locator("[data-search-form]").is_visible()
        assert not tab.locator("[data-search-summary]").is_visible()
        open_region(tab, "関東")  # a plain <details>
        tab.get_by_label("東京都").check()
        tab.locator("[data-search-apply]").click()
        tab.wait_for_url("**/search/?*")
        assert parse_qs(urlsplit(tab.url).query)["pref"] == ["tokyo"]
    finally:
        context.close()


# --- keyboard -------------------------------------------------------------------------


def _tab_to(tab, selector: str, limit: int = 60) -> int:
    for presses in range(limit):
        if tab.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return presses
        tab.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_skip_links_reach_the_results_and_each_condition_group(wide, fixture_server):
    open_search(wide, fixture_server, "?pref=tokyo")
    targets = wide.eval_on_selector_all("[data-search-goto]", "links => links.map(a => [a.textContent, !!document.getElementById(a.hash.slice(1))])")
    assert targets == [[name, True] for name in ("キーワードへ", "都道府県へ", "障害の種類へ", "サービスへ", "通うときの条件へ", "徒歩・並び順へ")]
    presses = _tab_to(wide, "a[href='#facet-dis']")
    assert wide.locator("a[href='#facet-dis']").is_visible()  # shown while focused
    wide.keyboard.press("Enter")
    assert wide.evaluate("document.activeElement.id") == "facet-dis"
    presses += _tab_to(wide, "input[value='developmental']")
    assert presses <= 15  # it took 59 Tabs to reach 発達障害
    wide.keyboard.press("Shift+Tab")
    _tab_to(wide, "[data-search-jump]")
    assert wide.locator("[data-search-jump]").inner_text() == "検索結果へ移動（3件）"
    wide.keyboard.press("Enter")
    wide.wait_for_function("() => document.activeElement.id === 'search-results-title'")


def test_a_skip_link_into_the_folded_form_opens_it_on_a_phone(phone, fixture_server):
    open_search(phone, fixture_server, "?pref=tokyo")
    assert not phone.locator("[data-search-form]").is_visible()
    phone.keyboard.press("Tab")
    _tab_to(phone, "a[href='#facet-svc']")
    phone.keyboard.press("Enter")
    assert phone.locator("[data-search-form]").is_visible()
    assert phone.evaluate("document.activeElement.id") == "facet-svc"
    assert phone.get_by_role("button", name="条件を変更").get_attribute("aria-expanded") == "true"


def test_keyboard_sort_runs_one_search_and_replaces_the_history_entry(wide, fixture_server):
    open_search(wide, fixture_server, "?pref=tokyo,kanagawa")
    length = wide.evaluate("history.length")
    count_searches(wide)
    wide.focus("#search-sort")
    # 名前順 is selected; three up, passing 駅から近い順 and 平均利用期間が短い順, is 定員が多い順.
    settle(wide, lambda: [wide.keyboard.press("ArrowUp") for _ in range(3)])
    wide.wait_for_function("() => location.search.includes('sort=')")
    assert wide.evaluate("window.__searches") == 1
    assert wide.evaluate("history.length") == length
    assert parse_qs(urlsplit(wide.url).query)["sort"] == ["capacity"]
    assert wide.errors == []


def test_sort_change_with_the_same_count_is_announced(wide, fixture_server):
    open_search(wide, fixture_server, "?pref=tokyo")
    status = wide.locator("[data-search-status]")
    assert status.get_attribute("role") == "status"
    before = wide.text_content("[data-result-count]")
    settle(wide, lambda: wide.select_option("#search-sort", "capacity"))
    assert wide.text_content("[data-result-count]") == before
    assert status.text_content() == "並び順を「定員が多い順」にしました（3件）"


# --- title, Back, print ----------------------------------------------------------------


def test_title_says_the_conditions_and_the_count(wide, fixture_server):
    open_search(wide, fixture_server, "?pref=kanagawa&dis=intellectual")
    assert wide.title() == "神奈川県・知的障害の事業所（2件）｜条件で探す｜しゅうろうナビ"
    settle(wide, lambda: wide.get_by_label("就労定着支援").check())
    assert wide.title() == "神奈川県・知的障害・定着支援ありの事業所（1件）｜条件で探す｜しゅうろうナビ"
    open_search(wide, fixture_server, "?pref=tokyo&opt=remote")
    assert wide.title() == "東京都・在宅訓練ありの事業所（2件）｜条件で探す｜しゅうろうナビ"
    open_search(wide, fixture_server, "?q=森")
    assert wide.title() == "「森」の事業所（1件）｜条件で探す｜しゅうろうナビ"
    open_search(wide, fixture_server)
    assert wide.title() == "すべての事業所（9件）｜条件で探す｜しゅうろうナビ"


def test_back_after_more_restores_the_cards_and_the_scroll_position(phone, synthetic_server):
    open_search(phone, synthetic_server)
    settle(phone, lambda: phone.get_by_role("button", name="もっと見る（残り40件）").click())
    ids = shown_ids(phone)
    assert len(ids) == 40
    card = phone.locator(f"[data-facility-id='{ids[35]}']")
    card.scroll_into_view_if_needed()
    phone.wait_for_timeout(400)  # the page notes where it is once scrolling rests
    assert phone.evaluate("scrollY") > 2000
    where = card.evaluate("c => c.getBoundingClientRect().top")
    card.get_by_role("link").first.click()
    phone.wait_for_url(f"**/facilities/{ids[35]}/")
    phone.go_back()
    phone.wait_for_selector(READY, state="attached")
    phone.wait_for_function("(n) => document.querySelectorAll('[data-results] [data-facility-id]').length === n", arg=40)
    assert shown_ids(phone) == ids
    # The card read last is where it was on the screen (not merely the same scrollY: cards
    # not yet laid out have a guessed height).
    phone.wait_for_function(
        "([id, y]) => Math.abs(document.querySelector(`[data-facility-id='${id}']`).getBoundingClientRect().top - y) <= 3",
        arg=[ids[35], where],
    )
    assert phone.evaluate("scrollY") > 2000
    assert phone.get_by_role("button", name="もっと見る（残り20件）").is_visible()
    assert phone.errors == []


def test_back_by_keyboard_puts_the_focus_on_the_link_followed(phone, synthetic_server):
    """A keyboard user who opened the 25th card goes on from it after Back, not from the page's top."""
    open_search(phone, synthetic_server)
    settle(phone, lambda: phone.get_by_role("button", name="もっと見る（残り40件）").press("Enter"))
    ids = shown_ids(phone)
    link = phone.locator(f"[data-facility-id='{ids[24]}']").get_by_role("link").first
    link.focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"**/facilities/{ids[24]}/")
    phone.go_back()
    phone.wait_for_selector(READY, state="attached")
    phone.wait_for_function("(n) => document.querySelectorAll('[data-results] [data-facility-id]').length === n", arg=40)
    phone.wait_for_function("(id) => document.activeElement.closest('[data-facility-id]')?.dataset.facilityId === id", arg=ids[24])
    # The next Tab goes on to the next card's link.
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.closest('[data-facility-id]')?.dataset.facilityId") in (ids[24], ids[25])
    assert phone.errors == []


def test_print_shows_the_results_not_the_form(wide, fixture_server):
    open_search(wide, fixture_server, "?pref=tokyo")
    wide.emulate_media(media="print")
    assert not wide.locator("[data-search-form]").is_visible()
    assert not wide.locator("[data-search-summary]").is_visible()
    assert wide.locator("[data-results]").is_visible()
    assert wide.locator("[data-results] [data-facility-id]").count() == 3
    assert first_card_top(wide) < 400
    wide.emulate_media(media="screen")
    assert wide.locator("[data-search-form]").is_visible()


# --- accessibility ----------------------------------------------------------------------


@pytest.mark.parametrize("state", ["closed", "open"])
def test_axe_on_the_phone_layout(phone, fixture_server, state):
    open_search(phone, fixture_server, KANAGAWA)
    if state == "open":
        phone.get_by_role("button", name="条件を変更").click()
        open_region(phone, "近畿")
    violations = run_axe(phone)
    assert violations == [], format_violations(violations)


def test_axe_on_the_wide_layout(wide, fixture_server):
    open_search(wide, fixture_server, KANAGAWA)
    violations = run_axe(wide)
    assert violations == [], format_violations(violations)
