"""Lists in headless Chromium: search result cards say what an office is, the
retention sort and the comparison rank ranges alike, list pages lead into the
search with their conditions, axe-core, and 390px screenshots.

Built from tests/pages/list_records.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import format_violations, run_axe
from list_records import BADGES, NAMES, RETENTION, TAGS, write_content, write_records
from sitebuild import StaticServer, build_site

pytestmark = pytest.mark.browser

READY = '[data-results][aria-busy="false"]'
SCREENSHOTS = Path("/tmp/lists-screenshots")
CARD_FACTS = """cards => cards.map(card => {
  const terms = Object.fromEntries(
    [...card.querySelectorAll('.metrics > div')].map(d => [d.querySelector('dt').textContent, d.querySelector('dd').textContent]));
  const badge = card.querySelector('.card__retention .badge');
  return {
    id: card.dataset.facilityId,
    tags: [...card.querySelectorAll('.card__services .service-tags li')].map(li => li.textContent),
    badge: badge ? badge.textContent : null,
    retention: terms['就職定着率'] ?? null,
  };
})"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("lists-browser")
    site = build_site(root / "output", facilities=write_records(root / "records"), content=write_content(root))
    with StaticServer(site) as running:
        yield running


def open_search(tab, server, query: str) -> None:
    tab.goto(f"{server.url}search/{query}")
    tab.wait_for_selector(READY, state="attached")


def result_ids(tab) -> list[str]:
    return tab.eval_on_selector_all("[data-results] [data-facility-id]", "cards => cards.map(c => c.dataset.facilityId)")


def test_search_result_cards_say_what_an_office_is(page, server):
    open_search(page, server, "?pref=kanagawa")
    facts = page.eval_on_selector_all("[data-results] article.card", CARD_FACTS)
    assert len(facts) == 7
    for fact in facts:
        fid = fact.pop("id")
        assert fact == {"tags": TAGS[fid], "badge": BADGES[fid], "retention": RETENTION[fid]}, fid
    # The same facts as the server-rendered list cards.
    page.goto(server.url + "pref/kanagawa/")
    listed = {f.pop("id"): f for f in page.eval_on_selector_all("main article.card", CARD_FACTS)}
    open_search(page, server, "?pref=kanagawa")
    searched = {f.pop("id"): f for f in page.eval_on_selector_all("[data-results] article.card", CARD_FACTS)}
    assert searched == listed
    assert page.errors == []


def test_retention_sort_and_comparison_rank_ranges_alike(page, server):
    open_search(page, server, "?pref=kanagawa&sort=retention")
    # 90%以上, 72.5%, 70〜80% (guarantees 70), 60%, 50%, then 未掲載 in reading order.
    assert result_ids(page) == [
        "midori-retention",
        "naka-transition",
        "kawasaki-range",
        "odawara-b",
        "mirai-unknown",
        "sagami-all",
        "yamato-a",
    ]
    page.goto(f"{server.url}compare/?ids=kawasaki-range,naka-transition")
    page.wait_for_selector("[data-compare]")
    marks = page.evaluate(
        """() => [...document.querySelectorAll('[data-compare] tbody tr')].flatMap(tr =>
             [...tr.querySelectorAll('td')].map((td, i) => [tr.querySelector('th').textContent, i, td.querySelector('[data-best]')?.textContent])
           ).filter(row => row[2])"""
    )
    # These records do not say how they count 就職定着率 (no `basis`), so since issue 18 the
    # comparison marks neither and says why; the ★ among equal bases is tested in
    # tests/compare (test_compare_basis.py, and compare_records' 92% > 90%超 > 90%以上).
    assert marks == []
    assert page.locator('[data-best-why="retention_rate"]').get_attribute("data-best-problem") == "unknown"
    assert page.errors == []


def test_list_page_leads_into_the_search_with_its_conditions_by_keyboard(page, server):
    page.goto(server.url + "pref/kanagawa/developmental/")
    listed = page.eval_on_selector_all("main article.card", "cards => cards.map(c => c.dataset.facilityId)")
    link = page.get_by_role("link", name="この条件でさらに絞り込む")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.hasAttribute('data-refine-link')"):
            break
    else:
        pytest.fail("the refine link is not reachable with Tab")
    assert link.is_visible()
    page.keyboard.press("Enter")
    page.wait_for_selector(READY, state="attached")
    assert page.is_checked('input[name="pref"][value="kanagawa"]')
    assert page.is_checked('input[name="dis"][value="developmental"]')
    assert sorted(result_ids(page)) == sorted(listed)
    assert page.errors == []


@pytest.mark.parametrize(
    "url",
    ["pref/kanagawa/", "pref/kanagawa/developmental/", "disability/developmental/", "articles/examples/", "search/?pref=kanagawa"],
)
def test_axe_on_lists_with_service_tags(page, server, url):
    page.goto(server.url + url)
    if url.startswith("search/"):
        page.wait_for_selector(READY, state="attached")
    page.wait_for_selector("[data-compare-button]")
    page.locator("[data-compare-button]").first.click()  # the tray and an 追加済み button on the page too
    violations = run_axe(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("width", [320, 390])
def test_phone_layout_of_a_list_and_the_comparison(browser, server, width):
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 844}, device_scale_factor=2)
    tab = context.new_page()
    tab.goto(server.url + "pref/kanagawa/developmental/")
    tab.locator('[data-compare-button="naka-transition"]').click()
    tab.locator('[data-compare-button="kawasaki-range"]').click()
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= width
    for selector in ("[data-refine-link]", "[data-compare-button]"):
        box = tab.locator(selector).first.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    tab.evaluate("() => window.scrollTo(0, 0)")
    tab.screenshot(path=str(SCREENSHOTS / f"list-{width}.png"))
    tab.locator('article.card[data-facility-id="kawasaki-range"]').scroll_into_view_if_needed()
    tab.screenshot(path=str(SCREENSHOTS / f"list-cards-{width}.png"))
    tab.get_by_role("button", name="すべて外す").click()
    tab.wait_for_timeout(200)
    tab.screenshot(path=str(SCREENSHOTS / f"list-undo-{width}.png"))
    tab.get_by_role("button", name="元に戻す").click()
    tab.get_by_role("link", name="比較表を見る").click()
    tab.wait_for_selector("[data-compare]")
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= width
    tab.screenshot(path=str(SCREENSHOTS / f"compare-{width}.png"))
    tab.screenshot(path=str(SCREENSHOTS / f"compare-full-{width}.png"), full_page=True)
    assert [NAMES[fid] for fid in tab.eval_on_selector_all("[data-compare] thead th[data-facility-id]", "t => t.map(x => x.dataset.facilityId)")] == [
        NAMES["naka-transition"],
        NAMES["kawasaki-range"],
    ]
    context.close()


def test_axe_with_the_undo_offer(page, server):
    page.goto(server.url + "pref/kanagawa/")
    page.locator('[data-compare-button="yamato-a"]').click()
    page.get_by_role("button", name="すべて外す").click()
    assert page.get_by_role("button", name="元に戻す").is_visible()
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    box = page.get_by_role("button", name="元に戻す").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
