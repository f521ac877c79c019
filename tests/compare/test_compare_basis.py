"""就職定着率 is marked best only among offices that count it the same way (issue 18).

Four Tokyo offices: two count at 6 months (written 6ヶ月 and 6か月), one at
1 year, one does not say. The built pages show each definition beside the
value; the comparison in the browser marks a best value only when every
published rate has the same known basis, and otherwise says why.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from compare_records import empty_content
from conftest import format_violations, run_axe
from facility_site.compare.data import ROW_BY_KEY
from sitebuild import StaticServer, build_site, facility_data, page

RECORDS = {
    "six-a": """\
        name: ろっかげつA
        prefecture: 東京都
        city: 新宿区
        services: [就労移行支援, 就労定着支援]
        retention_rate:
          value: 92%
          period: 2024年度
          basis: 6ヶ月
          source: 事業所発表
        disabilities: [精神]
        updated: 2026-10-01
    """,
    "six-b": """\
        name: ろっかげつB
        prefecture: 東京都
        city: 新宿区
        services: [就労移行支援]
        retention_rate: {value: 95%, basis: 6か月, source: 自治体公表}
        disabilities: [精神]
        updated: 2026-10-01
    """,
    "year": """\
        name: いちねん
        prefecture: 東京都
        city: 中野区
        services: [就労移行支援]
        retention_rate: {value: 80%, period: 2023年度, basis: 1年, source: 情報公表システム}
        disabilities: [精神]
        updated: 2026-10-01
    """,
    "plain": """\
        name: かずだけ
        prefecture: 東京都
        city: 中野区
        services: [就労移行支援]
        retention_rate: 90%以上
        disabilities: [精神]
        updated: 2026-10-01
    """,
}
ROW = ROW_BY_KEY["retention_rate"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("compare-basis")
    folder = root / "records"
    folder.mkdir()
    for record_id, text in RECORDS.items():
        (folder / f"{record_id}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return build_site(root / "output", facilities=folder, content=empty_content(root))


def compare_cell(site: Path, facility_id: str) -> dict:
    return facility_data(site)[facility_id]["cells"]["retention_rate"]


def test_compare_data_carries_the_basis_in_months_and_the_definition(site):
    assert compare_cell(site, "six-a") == {"text": "92%", "rank": [92, 0], "basis": 6, "note": "2024年度・就職6ヶ月後・事業所発表"}
    assert compare_cell(site, "six-b") == {"text": "95%", "rank": [95, 0], "basis": 6, "note": "就職6ヶ月後・自治体公表"}
    assert compare_cell(site, "year") == {"text": "80%", "rank": [80, 0], "basis": 12, "note": "2023年度・就職1年後・情報公表システム"}
    assert compare_cell(site, "plain") == {"text": "90%以上", "rank": [90, 0]}


def test_facility_page_and_card_show_the_definition_beside_the_value(site):
    doc = page(site, "facilities/six-a/")
    (dd,) = [div.dd for div in doc.select("dl.metrics > div") if div.dt.get_text(strip=True) == "就職定着率"]
    assert dd.select_one('[data-metric-note="retention_rate"]').get_text() == "2024年度・就職6ヶ月後・事業所発表"
    assert dd.get_text() == "92%2024年度・就職6ヶ月後・事業所発表"
    card = page(site, "pref/tokyo/").select_one('.card[data-facility-id="year"]')
    assert card.select_one("[data-metric-note]").get_text() == "2023年度・就職1年後・情報公表システム"
    plain = page(site, "facilities/plain/")
    assert plain.select("[data-metric-note]") == []


def test_facility_page_says_what_the_rate_means_and_when_it_does_not_say_how_it_was_counted(site):
    """A parent reading 「90%以上」 learns what it is a share of, and that an office without a basis did not say
    after how many months it counted (the rate after 6 months and after 1 year differ a lot)."""
    missing = "就職から何か月後の数字かを載せていません"
    counted = page(site, "facilities/six-a/").select_one(".metrics-about").get_text()
    assert counted == "就職定着率は、就職した人のうち、働き続けている人の割合です。"
    plain = page(site, "facilities/plain/").select_one(".metrics-about").get_text()
    assert plain.startswith("就職定着率は、") and missing in plain


def test_static_prefecture_table_shows_the_definition(site):
    row = page(site, "pref/tokyo/table/").select_one('tr[data-facility-id="six-b"]')
    assert row.select_one("[data-metric-note]").get_text() == "就職6ヶ月後・自治体公表"


# --- in the browser ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(site):
    with StaticServer(site) as running:
        yield running


def open_comparison(tab, server, ids):
    tab.goto(f"{server.url}compare/?ids={','.join(ids)}")
    tab.wait_for_selector("[data-compare]")


def retention_marks(tab) -> list[str]:
    return tab.eval_on_selector_all(
        "[data-compare] tr[data-row=retention_rate] td",
        "tds => tds.filter(td => td.querySelector('[data-best]')).map(td => td.cellIndex)",
    )


def why(tab) -> list[tuple[str, str, str]]:
    return [tuple(item) for item in tab.eval_on_selector_all("[data-best-why]", "ps => ps.map(p => [p.dataset.bestWhy, p.dataset.bestProblem, p.textContent])")]


@pytest.mark.browser
def test_equal_known_bases_are_compared_and_the_best_marked(page, server):
    open_comparison(page, server, ["six-a", "six-b"])
    assert retention_marks(page) == [2]  # 95% (six-b, the second column) beats 92%
    assert why(page) == []
    assert page.locator("tr[data-row=retention_rate] td").nth(0).locator("[data-metric-note]").text_content() == "2024年度・就職6ヶ月後・事業所発表"
    assert page.errors == []


@pytest.mark.browser
def test_different_bases_get_no_mark_and_say_why(page, server):
    open_comparison(page, server, ["six-a", "six-b", "year"])
    assert retention_marks(page) == []
    assert why(page) == [("retention_rate", "unlike", f"就職定着率に★を付けていません。{ROW.unlike_basis_note}")]
    assert "定着率の数え方が事業所によって違うため比べられません" in ROW.unlike_basis_note
    # The walk row has no station here; other rows are unaffected by the basis rule.
    assert page.errors == []


@pytest.mark.browser
def test_an_unknown_basis_gets_no_mark_and_says_why(page, server):
    open_comparison(page, server, ["six-a", "plain"])
    assert retention_marks(page) == []
    assert why(page) == [("retention_rate", "unknown", f"就職定着率に★を付けていません。{ROW.unknown_basis_note}")]
    # Removing the office that does not say lets the note go (one office left: nothing to compare).
    page.click('[data-compare-remove="plain"]')
    assert why(page) == []


@pytest.mark.browser
def test_comparison_with_notes_passes_axe_and_fits_a_phone(browser, server):
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        open_comparison(tab, server, ["six-a", "year", "plain"])
        assert tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        violations = run_axe(tab)
        assert violations == [], format_violations(violations)
        tab.screenshot(path="/tmp/facts-compare-basis-390.png", full_page=True)
        tab.goto(f"{server.url}facilities/six-a/")
        violations = run_axe(tab)
        assert violations == [], format_violations(violations)
        tab.screenshot(path="/tmp/facts-facility-note-390.png", full_page=True)
    finally:
        context.close()


@pytest.mark.browser
def test_search_result_card_shows_the_definition(page, server):
    page.goto(f"{server.url}search/?pref=tokyo")
    page.wait_for_selector('[data-results][aria-busy="false"] [data-facility-id="year"]')
    note = page.locator('[data-results] [data-facility-id="year"] [data-metric-note="retention_rate"]')
    assert note.text_content() == "2023年度・就職1年後・情報公表システム"
    assert page.locator('[data-results] [data-facility-id="plain"] [data-metric-note]').count() == 0
