"""The CSV path both ways: export, edit the text as Excel saves it, import."""

from __future__ import annotations

import csv

import pytest
import yaml
from facility_site.records.reader import display_path, load_facilities
from facility_site.sheet.apply import SheetImportError, run_import
from facility_site.sheet.export import export
from sheet_records import write_records


def edit_csv(path, edits: dict[tuple[str, str], str], encoding="utf-8-sig") -> dict[tuple[str, str], str]:
    """Change cells by (id, header); rewrite the file in `encoding`; return each cell's position (F3)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    where = {}
    for number, row in enumerate(rows, start=2):
        for (record_id, name), value in edits.items():
            if row[0] == record_id:
                row[header.index(name)] = value
                where[(record_id, name)] = f"{chr(ord('A') + header.index(name))}{number}"
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows([header, *rows])
    return where


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_an_edited_csv_is_imported(tmp_path, encoding):
    folder = write_records(tmp_path / "facilities")
    sheet = tmp_path / "osaka.csv"
    export(folder, sheet, prefectures="osaka")
    edit_csv(sheet, {("furui", "最寄り駅"): "堺東", ("furui", "徒歩（分）"): "0.5", ("furui", "発達"): "○", ("naniwa", "平均利用期間"): "-"}, encoding)
    result = run_import(sheet, folder)
    assert sorted(c.record.id for c in result.changed) == ["furui", "naniwa"]
    furui = yaml.safe_load((folder / "furui.yaml").read_text(encoding="utf-8"))
    assert furui["access"] == [{"station": "堺東", "walk_minutes": 0.5}]
    assert furui["disabilities"] == ["精神", "発達"]
    assert "average_stay" not in yaml.safe_load((folder / "naniwa.yaml").read_text(encoding="utf-8"))
    by_id = {f.id: f for f in load_facilities(folder)}
    assert by_id["furui"].access[0].walk_label == "徒歩30秒"


def test_a_bad_csv_cell_is_named_by_its_position(tmp_path):
    folder = write_records(tmp_path / "facilities")
    sheet = tmp_path / "all.csv"
    export(folder, sheet)
    where = edit_csv(sheet, {("naniwa", "就職定着率"): "120%"})
    with pytest.raises(SheetImportError) as caught:
        run_import(sheet, folder)
    assert [str(p) for p in caught.value.problems] == [f"{display_path(sheet)}:{where[('naniwa', '就職定着率')]}: 就職定着率: 120 is above 100"]


def test_a_cell_with_a_line_break_inside_quotes_stays_one_cell(tmp_path):
    folder = write_records(tmp_path / "facilities")
    sheet = tmp_path / "all.csv"
    export(folder, sheet)
    where = edit_csv(sheet, {("naniwa", "市区町村"): "大阪市\n北区"})
    with pytest.raises(SheetImportError) as caught:
        run_import(sheet, folder)
    assert [str(p) for p in caught.value.problems] == [f"{display_path(sheet)}:{where[('naniwa', '市区町村')]}: 市区町村: must be a single line"]
