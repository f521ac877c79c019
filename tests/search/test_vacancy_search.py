"""The optional vacancy=yes search filter (issue 18): offices saying 空きあり, checked within 60 days of the build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import format_violations, run_axe
from facility_site.search.data import CODE_ALPHABET
from search_helpers import READY, settle, shown_ids
from sitebuild import StaticServer, build_site, page

BASE = """\
name: 事業所{id}
prefecture: 東京都
city: 新宿区
services: [就労移行支援]
disabilities: [精神]
updated: 2026-11-01
"""
# The reference date is sitebuild.TODAY, 2026-11-27.
VACANCIES = {
    "aki": "vacancy: {status: あり, as_of: 2026-11-10}\n",
    "furui": "vacancy: {status: あり, as_of: 2026-09-01}\n",  # 87 days old: 要確認, not 空きあり
    "nashi": "vacancy: {status: なし, as_of: 2026-11-10}\n",
    "toiawase": "vacancy: {status: 要問合せ, as_of: 2026-11-10}\n",
    "fumei": "",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("vacancy-search")
    folder = root / "records"
    folder.mkdir()
    for record_id, extra in VACANCIES.items():
        (folder / f"{record_id}.yaml").write_text(BASE.format(id=record_id) + extra, encoding="utf-8")
    (root / "content").mkdir()
    return build_site(root / "output", folder, root / "content")


def test_the_facet_column_marks_only_fresh_vacancies(site):
    (facets_path,) = (site / "search").glob("*/facets.json")
    facets = json.loads(facets_path.read_text(encoding="utf-8"))
    column = facets["vac"]
    values = [column["values"][CODE_ALPHABET.index(c)] for c in column["codes"]]
    cards = json.loads(next((site / "search").glob("*/cards/doc-0.json")).read_text(encoding="utf-8"))
    assert dict(zip((row[0] for row in cards), values, strict=True)) == {"aki": 1, "furui": 0, "nashi": 0, "toiawase": 0, "fumei": 0}


def test_the_plain_form_sends_vacancy_yes_and_counts_it(site):
    box = page(site, "search/").select_one('input[type="checkbox"][name="vacancy"]')
    assert box["value"] == "yes"
    assert box.find_parent("label").select_one('[data-count="vacancy:yes"]').get_text() == "（1件）"


@pytest.fixture(scope="module")
def server(site):
    with StaticServer(site) as running:
        yield running


@pytest.mark.browser
def test_vacancy_yes_in_the_address_keeps_only_fresh_vacancies(page, server):
    page.goto(f"{server.url}search/?vacancy=yes")
    page.wait_for_selector(READY, state="attached")
    assert shown_ids(page) == ["aki"]
    assert page.locator('input[name="vacancy"]').is_checked()
    assert "空きあり" in page.locator("[data-search-summary-text]").text_content()
    settle(page, lambda: page.locator('input[name="vacancy"]').uncheck())
    assert sorted(shown_ids(page)) == sorted(VACANCIES)
    assert "vacancy" not in page.url
    settle(page, lambda: page.locator('input[name="vacancy"]').check())
    assert shown_ids(page) == ["aki"] and page.url.endswith("?vacancy=yes")
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    assert page.errors == []
