"""A facility page with its operator and 「同じ法人の事業所」 in Chromium: axe, keyboard, 44px, phone widths."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import format_violations, run_axe
from operator_records import write_operator_records
from sitebuild import StaticServer, build_site

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("/tmp/operator-screenshots")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("operator-browser")
    content = root / "content"
    content.mkdir()
    with StaticServer(build_site(root / "output", write_operator_records(root / "facilities"), content)) as running:
        yield running


@pytest.mark.parametrize("facility_id", ["current-shinjuku", "big-05", "hostile"])
def test_axe_finds_nothing_on_pages_with_an_operator(page, server, facility_id):
    page.goto(f"{server.url}facilities/{facility_id}/")
    assert page.locator("[data-operator]").is_visible()
    violations = run_axe(page)
    assert violations == [], format_violations(violations)


def test_the_other_offices_are_links_reached_by_keyboard_and_44px_tall(page, server):
    page.goto(server.url + "facilities/big-05/")
    section = page.locator("[data-same-operator]")
    reached = []
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('[data-same-operator]')"):
            reached.append(page.evaluate("() => document.activeElement.textContent.trim()"))
        elif reached:
            break
    assert len(reached) == 11 and reached[-1] == "ほか2件は検索で探す"
    for link in section.locator("a").all():
        assert link.bounding_box()["height"] >= 44
    section.locator("a").first.click()
    page.wait_for_url("**/facilities/big-03/")


@pytest.mark.parametrize("width", [390, 320])
def test_the_operator_fits_a_phone(browser, server, width):
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 800}, device_scale_factor=1)
    tab = context.new_page()
    tab.goto(server.url + "facilities/current-shinjuku/")
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= width
    tab.locator("[data-operator]").scroll_into_view_if_needed()
    tab.screenshot(path=str(SCREENSHOTS / f"facility-operator-{width}.png"))
    tab.goto(server.url + "facilities/big-05/")
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= width
    tab.locator("[data-same-operator]").scroll_into_view_if_needed()
    tab.screenshot(path=str(SCREENSHOTS / f"facility-same-operator-{width}.png"))
    context.close()
