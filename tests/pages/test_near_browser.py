"""Facility pages' 「地図で見る」 and 「近くの事業所」 in headless Chromium: axe, keyboard, 390px, no third party."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import format_violations, run_axe
from page_records import no_articles, write_records
from sitebuild import StaticServer, build_site
from test_near_facility_page import RECORDS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = write_records(tmp_path_factory.mktemp("near-records"), RECORDS)
    site = build_site(tmp_path_factory.mktemp("near") / "output", folder, no_articles(tmp_path_factory.mktemp("near-content")))
    with StaticServer(Path(site)) as running:
        yield running


@pytest.mark.parametrize("key", ["shinjuku-a", "no-location"])
def test_facility_page_has_no_axe_violations_and_asks_nothing_of_other_sites(page, server, key):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server.url + f"facilities/{key}/")
    page.wait_for_load_state("networkidle")
    assert run_axe(page) == [], format_violations(run_axe(page))
    own = urlsplit(server.url).netloc
    assert [url for url in requests if urlsplit(url).netloc != own] == []
    assert page.errors == []


def test_map_and_nearby_links_work_by_keyboard_at_390px(browser, server):
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto(server.url + "facilities/shinjuku-a/")
    # No sideways scroll, and every link of both sections is a 44px target.
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for selector in ("[data-map-links] a", "[data-nearby] a"):
        for box in [link.bounding_box() for link in tab.locator(selector).all()]:
            assert box["height"] >= 44, selector
    tab.locator("[data-nearby]").screenshot(path="/tmp/near-facility-nearby-390.png")
    tab.screenshot(path="/tmp/near-facility-390.png", full_page=True)
    # Tab reaches the map links in order, then Enter on the first nearby office opens its page.
    tab.locator("[data-map-links] a").first.focus()
    names = []
    for _ in range(3):
        names.append(tab.evaluate("document.activeElement.textContent"))
        tab.keyboard.press("Tab")
    assert names == ["地理院地図で位置を見る（外部サイト）", "Google マップで位置を見る（外部サイト）", "OpenStreetMapで位置を見る（外部サイト）"]
    first = tab.locator("[data-nearby] a").first
    first.focus()
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/facilities/shinjuku-b/")
    assert tab.locator("h1").inner_text() == "新宿B事業所"
    context.close()
