"""In Chromium: a glossary link is reached by keyboard and opens its entry; axe finds nothing; no sideways scroll."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import format_violations, run_axe

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("/tmp/glossary-screenshots")
ARTICLE = "articles/teichaku-shien-guide/"


def test_the_first_glossary_link_is_reached_by_tab_and_opens_its_entry(page, sample_server):
    page.goto(f"{sample_server.url}{ARTICLE}")
    link = page.get_by_role("link", name="就労定着支援（用語集）")
    assert link.count() == 1  # one link for the word, however often the article uses it
    assert link.inner_text() == "就労定着支援"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.glossaryLink || ''") == "shuro-teichaku-shien":
            break
    else:
        pytest.fail("Tab never reached the glossary link")
    page.keyboard.press("Enter")
    page.wait_for_url("**/glossary/#shuro-teichaku-shien")
    entry = page.locator("#shuro-teichaku-shien")
    assert entry.locator("h2").inner_text() == "就労定着支援"
    box = entry.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"]
    # The opened entry is marked (:target outline), not only scrolled to.
    assert entry.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    assert page.errors == []


def test_the_footer_link_and_the_index_reach_every_entry_by_keyboard(page, sample_server):
    page.goto(f"{sample_server.url}facilities/current/")
    page.locator("[data-glossary-footer-link]").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/glossary/")
    targets = page.eval_on_selector_all("nav.glossary__index a", "links => links.map(a => a.getAttribute('href'))")
    assert len(targets) >= 13
    for href in targets:
        assert page.locator(href).count() == 1
    page.locator('nav.glossary__index a[href="#jukyusha-sho"]').focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/glossary/#jukyusha-sho")
    heights = page.eval_on_selector_all("nav.glossary__index a, [data-glossary-footer-link]", "links => links.map(a => a.getBoundingClientRect().height)")
    assert min(heights) >= 44


@pytest.mark.parametrize("url", ["glossary/", ARTICLE, "facilities/current/", "compare/"])
def test_axe_finds_nothing_on_pages_with_glossary_links(page, sample_server, url):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{sample_server.url}{url}")
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    if url != "glossary/":
        assert page.locator("main a[data-glossary-link]").count() >= 1


@pytest.mark.parametrize("width", [320, 390])
def test_no_sideways_scroll_and_a_screenshot_at_phone_widths(page, sample_server, width):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": width, "height": 844})
    for name, url in (("glossary", "glossary/#shushoku-teichaku-ritsu"), ("article", ARTICLE), ("facility", "facilities/current/")):
        page.goto(f"{sample_server.url}{url}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=name != "glossary")
