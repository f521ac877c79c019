"""The 見学・体験・問い合わせ section in Chromium: axe, keyboard, 390px and 320px layouts."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import format_violations, run_axe
from page_records import FULL_RECORD, MINIMAL_RECORD, no_articles, write_records
from sitebuild import StaticServer, build_site

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("/tmp/contact-screenshots")
PHONE_ONLY = MINIMAL_RECORD.replace("name: ミニマル事業所", "name: 電話だけ事業所").replace("updated:", "phone: 03-5555-0000\nupdated:")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("contact-browser")
    records = write_records(root / "facilities", {"full-record": FULL_RECORD, "minimal": MINIMAL_RECORD, "phone-only": PHONE_ONLY})
    with StaticServer(build_site(root / "output", records, no_articles(root))) as running:
        yield running


@pytest.mark.parametrize("facility_id", ["full-record", "minimal", "phone-only"])
def test_axe_on_facility_pages_with_the_contact_section(page, server, facility_id):
    page.goto(f"{server.url}facilities/{facility_id}/")
    assert page.locator("[data-contact-section]").is_visible()
    violations = run_axe(page)
    assert violations == [], format_violations(violations)


def test_contact_links_are_reached_by_keyboard_in_order(page, server):
    page.goto(server.url + "facilities/full-record/")
    section = page.locator("[data-contact-section]")
    expected = ["tel:0312345678", "mailto:info@example.jp", "https://example.jp/full-record/contact/", "../../visit/?ids=full-record"]
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        inside = page.evaluate("() => !!document.activeElement.closest('[data-contact-section]')")
        if inside:
            reached.append(page.evaluate("() => document.activeElement.getAttribute('href')"))
        elif reached:
            break
    assert reached == expected
    for link in section.locator("a").all():
        assert link.bounding_box()["height"] >= 44


@pytest.mark.parametrize("width", [390, 320])
def test_contact_section_fits_a_phone(browser, server, width):
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 800}, device_scale_factor=2)
    tab = context.new_page()
    tab.goto(server.url + "facilities/full-record/")
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= width
    section = tab.locator("[data-contact-section]")
    section.scroll_into_view_if_needed()
    box = section.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    section.screenshot(path=str(SCREENSHOTS / f"facility-contact-{width}.png"))
    context.close()
