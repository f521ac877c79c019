"""「現在地から近い順」 in headless Chromium with a mocked position (Playwright's geolocation).

Checked against distances worked out in Python from the records: the exact
order, each card's distance, offices without a location last, the distance
filter, refusal and a browser without geolocation, the keyboard, axe, and that
neither the URL, the history, storage nor any request ever holds a coordinate.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import format_violations, run_axe
from facility_site.geo.distance import distance_label
from near_helpers import SHINJUKU, expected_near
from search_helpers import READY, settle, shown_ids, write_synthetic_records
from sitebuild import StaticServer, build_site

pytestmark = pytest.mark.browser

# Counts calls to the Geolocation API, to check when the page asks.
COUNT_ASKS = """
window.__asked = 0;
if (navigator.geolocation) {
  const original = navigator.geolocation.getCurrentPosition.bind(navigator.geolocation);
  navigator.geolocation.getCurrentPosition = (...args) => { window.__asked++; return original(...args); };
}
"""
COORDINATE_TEXTS = ("35.6896", "139.7006", "356896", "1397006", "35.69", "139.70")


@pytest.fixture(scope="module")
def near_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("near-browser")
    records = write_synthetic_records(root / "records", 400, seed=12)
    (root / "content").mkdir()
    with StaticServer(build_site(root / "output", records, root / "content")) as server:
        server.records = records
        yield server


def new_tab(browser, granted: bool = True, width: int = 1024, geolocation: bool = True):
    options = {"locale": "ja-JP", "viewport": {"width": width, "height": 900}}
    if granted:
        options |= {"geolocation": {"latitude": SHINJUKU["lat"], "longitude": SHINJUKU["lng"]}, "permissions": ["geolocation"]}
    context = browser.new_context(**options)
    if not geolocation:
        context.add_init_script("delete Navigator.prototype.geolocation;")
    context.add_init_script(COUNT_ASKS)
    tab = context.new_page()
    tab.errors, tab.requests = [], []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.on("request", lambda request: tab.requests.append(request.url))
    return context, tab


def wait_for_distances(tab) -> None:
    tab.wait_for_function(
        """() => document.querySelector('[data-results]').getAttribute('aria-busy') === 'false'
            && document.querySelector('[data-results] [data-distance]') !== null"""
    )


def card_distances(tab) -> list[tuple[str, str, str]]:
    return tab.eval_on_selector_all(
        "[data-results] [data-facility-id]",
        "cards => cards.map(c => [c.dataset.facilityId, c.querySelector('[data-distance]').dataset.distance, c.querySelector('[data-distance]').textContent])",
    )


def assert_position_kept_private(tab, server) -> None:
    """Neither the address, the history entry, storage nor any request holds the position."""
    own = urlsplit(server.url).netloc
    assert [url for url in tab.requests if urlsplit(url).netloc != own] == []
    kept = json.dumps(
        [tab.url, tab.evaluate("JSON.stringify(history.state)"), tab.evaluate("JSON.stringify(Object.entries(localStorage))"),
         tab.evaluate("JSON.stringify(Object.entries(sessionStorage))"), tab.evaluate("document.cookie"), *tab.requests]
    )
    for text in COORDINATE_TEXTS:
        assert text not in kept


def test_the_order_and_distances_match_python_with_unlocated_offices_last(browser, near_server):
    context, tab = new_tab(browser)
    query = "?pref=saitama,chiba,tokyo,kanagawa&sort=near"
    tab.goto(f"{near_server.url}search/{query}")
    wait_for_distances(tab)

    def keep(f):
        return f.prefecture.slug in ("tokyo", "kanagawa", "saitama", "chiba")

    order, metres = expected_near(near_server.records, SHINJUKU, keep)
    while tab.locator("[data-search-more-area]").is_visible():
        # Pressed by keyboard: content-visibility lays cards out late, which can move the button under a pointer click.
        settle(tab, lambda: tab.locator("[data-search-more]").press("Enter"))
    shown = card_distances(tab)
    assert [key for key, _, _ in shown] == order
    for key, attribute, text in shown:
        if metres[key] is None:
            assert (attribute, text) == ("", "現在地からの距離：不明（位置情報なし）")
        else:
            assert int(attribute) == round(metres[key])
            assert text == f"現在地から{distance_label(metres[key] / 1000)}"
    unlocated = sum(1 for m in metres.values() if m is None)
    assert unlocated > 0
    assert f"位置情報が登録されていない事業所{unlocated}件は、距離がわからないため最後に並べています。" in tab.inner_text("[data-search-notices]")
    assert "近い順に並べています" in tab.inner_text("[data-near-status]")
    assert urlsplit(tab.url).query == query[1:]
    assert tab.evaluate("window.__asked") == 1
    assert_position_kept_private(tab, near_server)
    assert tab.errors == []
    context.close()


def test_choosing_the_order_by_keyboard_asks_then_the_distance_filter(browser, near_server):
    context, tab = new_tab(browser)
    tab.goto(f"{near_server.url}search/")
    tab.wait_for_selector(READY, state="attached")
    assert tab.evaluate("window.__asked") == 0  # nothing is asked until the visitor chooses it
    assert tab.locator("[data-near-panel]").is_hidden()
    tab.focus("#search-sort")
    tab.keyboard.press("End")  # 現在地から近い順, the last option
    tab.keyboard.press("Enter")
    wait_for_distances(tab)
    assert tab.evaluate("window.__asked") == 1
    order, metres = expected_near(near_server.records, SHINJUKU)
    assert shown_ids(tab) == order[:20]
    assert parse_qs(urlsplit(tab.url).query) == {"sort": ["near"]}
    assert tab.locator("[data-near-privacy]").is_visible()
    # 「5km以内」 with the keyboard: the select appears once the position is known.
    tab.focus("#search-within")
    for _ in range(3):  # 1km以内, 2km以内, 5km以内: one search once the keys rest (or on Enter)
        tab.keyboard.press("ArrowDown")
    settle(tab, lambda: tab.keyboard.press("Enter"))
    within, _ = expected_near(near_server.records, SHINJUKU, within_km=5)
    assert len(within) > 5 and shown_ids(tab) == within[:20]
    assert all(int(d) <= 5000 for _, d, _ in card_distances(tab))
    assert parse_qs(urlsplit(tab.url).query) == {"sort": ["near"], "within": ["5"]}
    assert tab.inner_text("[data-result-count]").startswith(f"{len(within)}件")
    assert "距離でしぼりこんでいるため含まれていません" in tab.inner_text("[data-search-notices]")
    # Back to the unfiltered order: the position is kept in memory, not asked again.
    settle(tab, lambda: tab.go_back())
    assert parse_qs(urlsplit(tab.url).query) == {"sort": ["near"]}
    wait_for_distances(tab)
    assert shown_ids(tab) == order[:20] and tab.evaluate("window.__asked") == 1
    # Opening the same address again asks again: the position was never in it.
    tab.goto(tab.url)
    wait_for_distances(tab)
    assert tab.evaluate("window.__asked") == 1  # a fresh page: counted from zero
    assert shown_ids(tab) == order[:20]
    assert_position_kept_private(tab, near_server)
    assert tab.errors == []
    context.close()


def test_arrow_keys_resting_on_the_distance_order_offer_a_button_and_do_not_ask(browser, near_server):
    """Passing over 「現在地から近い順」 with the arrow keys is not choosing to share one's position."""
    context, tab = new_tab(browser)
    tab.goto(f"{near_server.url}search/")
    tab.wait_for_selector(READY, state="attached")
    tab.focus("#search-sort")
    tab.keyboard.press("End")  # resting on 現在地から近い順, without Enter
    tab.wait_for_function("() => !document.querySelector('[data-near-panel]').hidden")
    use = tab.get_by_role("button", name="現在地を使う")
    use.wait_for()
    tab.wait_for_timeout(1000)
    assert tab.evaluate("window.__asked") == 0
    assert "「現在地を使う」を押すと" in tab.inner_text("[data-near-status]")
    use.focus()
    tab.keyboard.press("Enter")
    wait_for_distances(tab)
    assert tab.evaluate("window.__asked") == 1 and use.is_hidden()
    order, _ = expected_near(near_server.records, SHINJUKU)
    assert shown_ids(tab) == order[:20]
    assert_position_kept_private(tab, near_server)
    assert tab.errors == []
    context.close()


@pytest.mark.parametrize(("granted", "geolocation", "said"), [(False, True, "許可されなかった"), (True, False, "このブラウザでは現在地を使えない")])
def test_refusal_and_no_geolocation_are_explained_and_results_stay(browser, near_server, granted, geolocation, said):
    context, tab = new_tab(browser, granted=granted, geolocation=geolocation)
    tab.goto(f"{near_server.url}search/?sort=near&dis=mental")
    tab.wait_for_function("(said) => document.querySelector('[data-near-status]').textContent.includes(said)", arg=said)
    tab.wait_for_selector(READY, state="attached")
    status = tab.inner_text("[data-near-status]")
    assert "いまは「名前順（五十音）」で表示しています。" in status
    assert tab.locator("[data-results] [data-facility-id]").count() == 20  # the results are still there
    assert tab.locator("[data-results] [data-distance]").count() == 0
    assert tab.locator("[data-near-retry]").is_visible() == (said == "許可されなかった")
    assert tab.locator("[data-near-within-area]").is_hidden()
    assert tab.input_value("#search-sort") == "near"
    assert parse_qs(urlsplit(tab.url).query) == {"dis": ["mental"], "sort": ["near"]}
    violations = run_axe(tab)
    assert violations == [], format_violations(violations)
    assert tab.errors == []
    context.close()


@pytest.mark.parametrize("width", [390, 320])
def test_axe_and_phone_layout_with_a_distance_filter(browser, near_server, width):
    context, tab = new_tab(browser, width=width)
    tab.goto(f"{near_server.url}search/?sort=near&within=10")
    wait_for_distances(tab)
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for selector in ("#search-within", "[data-results] [data-facility-id] h3 a"):
        box = tab.locator(selector).first.bounding_box()
        assert box["height"] >= 44, selector
    tab.screenshot(path=f"/tmp/near-search-{width}.png")
    violations = run_axe(tab)
    assert violations == [], format_violations(violations)
    assert_position_kept_private(tab, near_server)
    context.close()
