"""The exported workbook and CSV: headers, layout aids, filters."""

from __future__ import annotations

import csv

import pytest
from facility_site.sheet.columns import fingerprint
from facility_site.sheet.export import ExportError, export
from openpyxl import load_workbook
from sheet_records import write_records

REQUIRED_HEADERS = [
    "id", "精神", "知的", "発達", "身体", "難病",
    "就労移行支援", "就労定着支援", "就労継続支援A型", "就労継続支援B型", "自立訓練(生活訓練)", "自立訓練(機能訓練)",
    "最寄り駅", "路線", "徒歩（分）", "就職定着率", "昨年の就職人数", "平均利用期間", "定員",
]  # fmt: skip


@pytest.fixture
def workbook(tmp_path):
    folder = write_records(tmp_path / "facilities")
    export(folder, tmp_path / "all.xlsx")
    return folder, load_workbook(tmp_path / "all.xlsx")["対象"]


def table(sheet) -> dict[str, dict[str, object]]:
    header = [cell.value for cell in sheet[1]]
    return {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_the_header_row_has_the_columns_operators_and_tests_rely_on(workbook):
    _, sheet = workbook
    header = [cell.value for cell in sheet[1]]
    for name in REQUIRED_HEADERS:
        assert name in header
    assert "事業所名（変更不可）" in header
    assert sheet["A1"].comment.text.startswith("変更不可")


def test_one_row_per_record_with_marks_station_and_metrics_as_records_write_them(workbook):
    _, sheet = workbook
    rows = table(sheet)
    assert sorted(rows) == ["furui", "midori", "naniwa", "wakaba"]
    naniwa = rows["naniwa"]
    assert [naniwa[label] for label in ("精神", "知的", "発達", "身体", "難病")] == [None, "○", None, "○", None]
    assert naniwa["就労継続支援B型"] == "○" and naniwa["就労移行支援"] is None
    assert (naniwa["最寄り駅"], naniwa["路線"], naniwa["徒歩（分）"]) == ("梅田", "大阪メトロ御堂筋線", 4)
    assert (naniwa["就職定着率"], naniwa["昨年の就職人数"], naniwa["平均利用期間"], naniwa["定員"]) == ("70%以上", "5名", "6~12ヶ月", 15)
    assert naniwa["更新日"] == "2026-09-01" and naniwa["電話番号"] == "06-0000-0000"
    assert rows["midori"]["特徴"] == "少人数制、在宅訓練可"
    assert rows["wakaba"]["最寄り駅"] is None and rows["wakaba"]["精神"] is None


def test_frozen_header_widths_drop_downs_and_a_hidden_fingerprint(workbook):
    folder, sheet = workbook
    assert sheet.freeze_panes == "C2"
    naniwa = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "naniwa")
    formats = {sheet.cell(row=1, column=cell.column).value: cell.number_format for cell in naniwa}
    # Typed as text: 10-14 stays a range, not a date; a phone number keeps its leading 0.
    assert formats["就職定着率"] == formats["平均利用期間"] == formats["電話番号"] == "@"
    assert formats["定員"] == "General"
    header = {cell.value: cell.column_letter for cell in sheet[1]}
    fp = header["fingerprint"]
    assert sheet.column_dimensions[fp].hidden
    assert sheet.column_dimensions[header["事業所名（変更不可）"]].width > sheet.column_dimensions[header["精神"]].width
    file_part, row_part = table(sheet)["naniwa"]["fingerprint"].split(".")
    assert file_part == fingerprint((folder / "naniwa.yaml").read_text(encoding="utf-8")) and len(row_part) == 16
    rules = {rule.formula1: str(rule.sqref).split() for rule in sheet.data_validations.dataValidation}
    assert rules['"○"'][0] == f"{header['精神']}2:{header['精神']}5"
    assert len(rules['"○"']) == 11  # five disability types and six services
    prefectures = next(formula for formula in rules if "東京都" in formula)
    assert prefectures.count(",") == 46
    assert rules[prefectures] == [f"{header['都道府県']}2:{header['都道府県']}5"]


def test_pref_and_only_missing_choose_the_rows(tmp_path):
    folder = write_records(tmp_path / "facilities")
    export(folder, tmp_path / "osaka.xlsx", prefectures="osaka")
    assert sorted(table(load_workbook(tmp_path / "osaka.xlsx")["対象"])) == ["furui", "naniwa"]
    export(folder, tmp_path / "missing.xlsx", prefectures="tokyo,大阪府", only="missing")
    # naniwa has disability types, a station and all three metrics.
    assert sorted(table(load_workbook(tmp_path / "missing.xlsx")["対象"])) == ["furui", "midori", "wakaba"]
    with pytest.raises(ExportError, match="unknown prefecture 'tokio'"):
        export(folder, tmp_path / "x.xlsx", prefectures="tokio")
    assert not (tmp_path / "x.xlsx").exists()


def test_a_csv_is_utf8_with_a_bom_and_holds_the_same_cells(tmp_path):
    folder = write_records(tmp_path / "facilities")
    export(folder, tmp_path / "all.xlsx")
    export(folder, tmp_path / "all.csv")
    raw = (tmp_path / "all.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,") and b"\r\n" in raw
    with (tmp_path / "all.csv").open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    from_xlsx = table(load_workbook(tmp_path / "all.xlsx")["対象"])
    for row in rows:
        expected = from_xlsx[row[0]]
        assert row == ["" if expected[name] is None else str(expected[name]) for name in header]


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    folder = write_records(tmp_path / "facilities")
    record = folder / "naniwa.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("name: テスト事業所 なにわ", "name: '=HYPERLINK(\"https://example.com\")'"), encoding="utf-8")
    export(folder, tmp_path / "all.xlsx")
    sheet = load_workbook(tmp_path / "all.xlsx")["対象"]
    (cell,) = [row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "naniwa"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("https://example.com")'
