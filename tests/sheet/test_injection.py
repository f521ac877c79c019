"""Record text that Excel would run as a formula (=, +, -, @ first) is exported as text, and imports back unchanged."""

from __future__ import annotations

import csv
import zipfile

import yaml
from facility_site.sheet.apply import run_import
from facility_site.sheet.export import export
from sheet_records import Edit, snapshot

HOSTILE = """\
name: テスト事業所 あやしい
prefecture: 東京都
city: 北区
services: [就労移行支援]
disabilities: [精神]
hires_last_year: '-'
average_stay: 6~12ヶ月
features: ['=HYPERLINK("http://example.com/x","押して")', '+1+cmd', '@SUM(1+1)']
phone: +81-3-0000-0000
hours:
  note: '-2+3+cmd|'' /C calc''!A0'
updated: 2026-11-01
"""


def write(folder):
    folder.mkdir()
    (folder / "ayashii.yaml").write_text(HOSTILE, encoding="utf-8")
    return folder


def test_xlsx_cells_are_text_not_formulas_and_excel_keeps_them_text(tmp_path):
    folder = write(tmp_path / "facilities")
    sheet = tmp_path / "x.xlsx"
    export(folder, sheet)
    with zipfile.ZipFile(sheet) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere
    edit = Edit(sheet)
    for header, text in (
        ("特徴", '=HYPERLINK("http://example.com/x","押して")、+1+cmd、@SUM(1+1)'),
        ("電話番号", "+81-3-0000-0000"),
        ("営業時間の備考", "-2+3+cmd|' /C calc'!A0"),
    ):
        cell = edit.cell("ayashii", header)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)


def test_an_edit_elsewhere_in_the_row_leaves_the_formula_like_text_and_a_literal_dash_alone(tmp_path):
    folder = write(tmp_path / "facilities")
    sheet = tmp_path / "x.xlsx"
    export(folder, sheet)
    edit = Edit(sheet)
    edit.set("ayashii", "定員", 20)
    edit.save()
    run_import(sheet, folder)
    # hires_last_year is the text '-' (shown as the cell "-"): as exported, so not the clear marker.
    assert (folder / "ayashii.yaml").read_text(encoding="utf-8") == HOSTILE.replace("disabilities: [精神]\n", "capacity: 20\ndisabilities: [精神]\n")


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def test_csv_cells_get_a_leading_quote_that_the_import_takes_off(tmp_path):
    folder = write(tmp_path / "facilities")
    sheet = tmp_path / "x.csv"
    export(folder, sheet)
    header, rows = read_csv(sheet)
    row = dict(zip(header, rows[0], strict=True))
    assert row["特徴"] == '\'=HYPERLINK("http://example.com/x","押して")、+1+cmd、@SUM(1+1)'
    assert row["電話番号"] == "'+81-3-0000-0000"
    assert row["昨年の就職人数"] == "'-"
    assert row["営業時間の備考"] == "'-2+3+cmd|' /C calc'!A0"
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in rows[0])

    # Imported untouched: nothing changes.
    before = snapshot(folder)
    assert run_import(sheet, folder).changed == [] and snapshot(folder) == before

    # The operator edits two cells in the CSV: 定員, and `-` to clear 平均利用期間. The quoted cells stay as they were.
    rows[0][header.index("定員")] = "20"
    rows[0][header.index("平均利用期間")] = "-"
    with sheet.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows([header, *rows])
    result = run_import(sheet, folder)
    assert result.changed[0].headers == ["平均利用期間", "定員"]
    data = yaml.safe_load((folder / "ayashii.yaml").read_text(encoding="utf-8"))
    assert "average_stay" not in data and data["capacity"] == 20
    assert data["hires_last_year"] == "-"
    assert data["features"] == ['=HYPERLINK("http://example.com/x","押して")', "+1+cmd", "@SUM(1+1)"]
    assert data["phone"] == "+81-3-0000-0000"
    assert data["hours"] == {"note": "-2+3+cmd|' /C calc'!A0"}
