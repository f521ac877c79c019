"""The report page in a real browser: no axe violations, no sideways scroll at 320 and 390 px."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import format_violations, run_axe
from facility_site.records.reader import load_facilities
from facility_site.sheet.report import completeness, write_html
from sheet_records import write_records

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [320, 390, 1024])
def test_the_report_page_is_accessible_and_fits(tmp_path, page, width):
    report = completeness(load_facilities(write_records(tmp_path / "f")), dt.date(2026, 11, 27), 365)
    target = tmp_path / "completeness.html"
    write_html(report, target)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(target.as_uri())
    assert run_axe(page) == [], format_violations(run_axe(page))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The wide table scrolls inside its own box, which a keyboard user can reach.
    assert page.locator("table caption").inner_text() == "都道府県別の未入力件数（バーは未入力の割合）"
    if width == 390:
        page.screenshot(path="/tmp/sheet-report-390.png", full_page=True)
    assert page.errors == []
