"""法人名 and 法人番号 in the sheet: export, edit, import, build; bad values named by their cell."""

from __future__ import annotations

import pytest
from facility_site.records.reader import display_path
from facility_site.sheet.apply import SheetImportError, run_import
from facility_site.sheet.export import export
from sheet_records import Edit, snapshot
from sitebuild import build_site, page

WITH = """\
name: テスト事業所 かれんと
prefecture: 東京都
city: 新宿区
services: [就労移行支援]
disabilities: [精神]
operator:
  name: 株式会社カレント   # 登記の表記
  name_kana: カブシキガイシャカレント
  number: '1011101012345'
updated: 2026-11-01
"""

WITHOUT = """\
name: テスト事業所 ひとり
prefecture: 東京都
city: 中野区
services: [就労移行支援]
disabilities: [精神]
updated: 2026-11-01
"""


@pytest.fixture
def exported(tmp_path):
    folder = tmp_path / "facilities"
    folder.mkdir()
    (folder / "with.yaml").write_text(WITH, encoding="utf-8")
    (folder / "without.yaml").write_text(WITHOUT, encoding="utf-8")
    sheet = tmp_path / "operators.xlsx"
    export(folder, sheet)
    return folder, sheet


def test_export_shows_the_operator_as_text(exported):
    _, sheet = exported
    edit = Edit(sheet)
    assert (edit.cell("with", "法人名").value, edit.cell("with", "法人番号").value) == ("株式会社カレント", "1011101012345")
    assert edit.cell("with", "法人番号").data_type == "s"  # not a number Excel would show as 1.01E+12
    assert (edit.cell("without", "法人名").value, edit.cell("without", "法人番号").value) == (None, None)


def test_an_operator_added_in_the_sheet_reaches_the_page_and_dash_removes_one(exported, tmp_path):
    folder, sheet = exported
    edit = Edit(sheet)
    edit.set("without", "法人名", "株式会社ひとり")
    edit.set("without", "法人番号", 9120001098765)  # typed into a General cell: a number
    edit.set("with", "法人名", "-")  # removes the whole block, kana and number too
    edit.save()
    result = run_import(sheet, folder)
    assert {change.record.id: change.headers for change in result.changed} == {"with": ["法人名", "法人番号"], "without": ["法人名", "法人番号"]}
    assert (folder / "without.yaml").read_text(encoding="utf-8") == WITHOUT.replace(
        "updated:", "operator:\n  name: 株式会社ひとり\n  number: '9120001098765'\nupdated:"
    )
    assert (folder / "with.yaml").read_text(encoding="utf-8") == WITH.split("operator:")[0] + "updated: 2026-11-01\n"
    content = tmp_path / "content"
    content.mkdir()
    site = build_site(tmp_path / "output", folder, content)
    operator = page(site, "facilities/without/").select_one("[data-operator] dd")
    assert operator.get_text(strip=True) == "株式会社ひとり"
    assert page(site, "facilities/with/").select_one("[data-operator]") is None


def test_bad_operator_cells_are_named_and_nothing_is_written(exported):
    folder, sheet = exported
    edit = Edit(sheet)
    where = display_path(sheet) + ":対象!"
    number = edit.set("with", "法人番号", "1234567890123")
    name = edit.cell("without", "法人名").coordinate
    edit.set("without", "法人番号", "9120001098765")  # a number without a name
    edit.save()
    before = snapshot(folder)
    with pytest.raises(SheetImportError) as caught:
        run_import(sheet, folder)
    assert sorted(str(p) for p in caught.value.problems) == sorted(
        [
            f"{where}{number}: 法人番号: '1234567890123' is not a 法人番号: its check digit (the first digit) does not match the other 12; look for a typo",
            f"{where}{name}: 法人名: required when operator is given (the corporation's name)",
        ]
    )
    assert snapshot(folder) == before
