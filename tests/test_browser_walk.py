"""Walk the sample site in headless Chromium, as a visitor would, and run axe-core."""

from __future__ import annotations

import pytest
from conftest import format_violations, run_axe

pytestmark = pytest.mark.browser


def test_walk_home_to_prefecture_to_facility(page, sample_server):
    page.goto(sample_server.url)
    page.get_by_role("link", name="東京都（1件）").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("東京都の事業所")
    page.get_by_role("link", name="カレント").click()
    assert page.get_by_role("heading", level=1).inner_text() == "カレント"
    assert page.url == sample_server.url + "facilities/current/"
    assert page.errors == []


PAGE_TYPES = [
    "",
    "facilities/current/",
    "pref/tokyo/",
    "pref/tokyo/mental/",
    "disability/physical/",
    "articles/",
    "articles/teichaku-shien-guide/",
    "404.html",
]


@pytest.mark.parametrize("url", PAGE_TYPES)
def test_axe_finds_no_wcag_aa_violations(page, sample_server, url):
    page.goto(sample_server.url + url)
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
