"""Bad cells, conflicts and rejected rows: each named by its cell or row; nothing half-written."""

from __future__ import annotations

import pytest
from facility_site.records.reader import display_path
from facility_site.sheet.apply import SheetImportError, run_import
from facility_site.sheet.export import export
from sheet_records import Edit, snapshot, write_records


@pytest.fixture
def exported(tmp_path):
    records = write_records(tmp_path / "facilities")
    sheet = tmp_path / "tokyo.xlsx"
    export(records, sheet)
    return records, sheet


def test_every_bad_cell_is_named_in_one_run_and_nothing_is_written(exported):
    folder, sheet = exported
    edit = Edit(sheet)
    where = display_path(sheet) + ":対象!"
    cells = {
        "rate": edit.set("naniwa", "就職定着率", "120%"),
        "url": edit.set("naniwa", "URL", "javascript:alert(1)"),
        "walk": edit.set("wakaba", "徒歩（分）", "すぐ"),
        "pref": edit.set("midori", "都道府県", "東京"),
        "capacity": edit.set("midori", "定員", 1200),
        "mark": edit.set("furui", "精神", "はい?"),
        "date": edit.set("furui", "更新日", "2026-02-30"),
    }
    edit.set("wakaba", "最寄り駅", "池袋")
    # Every service unmarked: the record would have none.
    services = edit.set("naniwa", "就労継続支援B型", None)
    edit.save()
    before = snapshot(folder)
    with pytest.raises(SheetImportError) as caught:
        run_import(sheet, folder)
    assert sorted(str(p) for p in caught.value.problems) == sorted(
        [
            f"{where}{cells['rate']}: 就職定着率: 120 is above 100",
            f"{where}{cells['url']}: URL: 'javascript:alert(1)' is not an http(s) address",
            f"{where}{cells['walk']}: 徒歩（分）: 'すぐ': write the minutes on foot as a number, such as 5 (徒歩30秒 = 0.5)",
            f"{where}{cells['pref']}: 都道府県: unknown prefecture '東京'; did you mean '東京都'?",
            f"{where}{cells['capacity']}: 定員: 1200 is over 1,000; no office of these services is that large",
            f"{where}{cells['mark']}: 精神: 'はい?': write ○ or leave the cell blank",
            f"{where}{cells['date']}: 更新日: '2026-02-30' is not a real date",
            f"{where}{services.replace('M', 'J')}: 就労移行支援: required field is missing",
        ]
    )
    assert snapshot(folder) == before


def test_a_station_without_its_walk_is_named_at_the_walk_cell(exported):
    folder, sheet = exported
    edit = Edit(sheet)
    edit.set("wakaba", "最寄り駅", "池袋")
    walk = edit.cell("wakaba", "徒歩（分）").coordinate
    edit.save()
    with pytest.raises(SheetImportError) as caught:
        run_import(sheet, folder)
    assert [str(p) for p in caught.value.problems] == [f"{display_path(sheet)}:対象!{walk}: 徒歩（分）: walk_minutes is missing"]


def test_a_record_changed_after_the_export_is_a_conflict_and_left_alone(exported):
    folder, sheet = exported
    edit = Edit(sheet)
    edit.set("naniwa", "就職定着率", "75%以上")
    edit.set("wakaba", "精神", "○")
    edit.save()
    record = folder / "naniwa.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("capacity: 15", "capacity: 18  # 電話で確認"), encoding="utf-8")
    changed_by_hand = record.read_bytes()

    result = run_import(sheet, folder)
    assert [(note.row, note.record_id) for note in result.conflicts] == [(Edit(sheet).rows["naniwa"], "naniwa")]
    assert "changed after the export" in str(result.conflicts[0])
    assert record.read_bytes() == changed_by_hand
    assert [change.record.id for change in result.changed] == ["wakaba"]

    forced = run_import(sheet, folder, force=True)
    assert forced.conflicts == []
    assert [(c.record.id, c.forced) for c in forced.changed] == [("naniwa", True)]
    text = record.read_text(encoding="utf-8")
    # The row is applied as it stands: its 定員 (15, as exported) replaces the hand change too.
    assert "retention_rate: 75%以上" in text and "capacity: 15  # 電話で確認" in text


def test_a_record_changed_after_the_export_whose_row_is_untouched_is_no_conflict(exported):
    folder, sheet = exported
    record = folder / "naniwa.yaml"
    record.write_text(record.read_text(encoding="utf-8") + "# checked\n", encoding="utf-8")
    result = run_import(sheet, folder)
    assert result.conflicts == [] and result.changed == [] and result.unchanged == 4


def test_unknown_duplicated_ids_and_read_only_edits_are_rejected_with_their_rows(exported):
    folder, sheet = exported
    edit = Edit(sheet)
    edit.set("naniwa", "事業所名（変更不可）", "別の名前")
    edit.set("naniwa", "定員", 30)
    edit.set("furui", "id", "no-such-office")
    edit.set("wakaba", "精神", "○")
    rows = dict(edit.rows, **{"no-such-office": edit.rows["furui"]})
    copy = [cell.value for cell in edit.sheet[edit.rows["midori"]]]
    edit.sheet.append(copy)
    duplicate_row = edit.sheet.max_row
    edit.save()
    before = snapshot(folder)
    name_cell = Edit(sheet).cell("naniwa", "事業所名（変更不可）").coordinate
    where = display_path(sheet) + ":対象!"

    result = run_import(sheet, folder)
    assert sorted(str(note) for note in result.rejected) == sorted(
        [
            f"{where}{name_cell}: id 'naniwa': 事業所名（変更不可） is read-only: '別の名前' differs from the record's 'テスト事業所 なにわ'; "
            f"change it in {display_path(folder / 'naniwa.yaml')}",
            f"{where}A{rows['no-such-office']}: id 'no-such-office': unknown id: no such record in the records folder",
            f"{where}A{rows['midori']}: id 'midori': the id is on more than one row ({rows['midori']}, {duplicate_row}); keep one",
            f"{where}A{duplicate_row}: id 'midori': the id is on more than one row ({rows['midori']}, {duplicate_row}); keep one",
        ]
    )
    assert [change.record.id for change in result.changed] == ["wakaba"]
    after = snapshot(folder)
    assert after["naniwa.yaml"] == before["naniwa.yaml"]
    assert after["wakaba.yaml"] != before["wakaba.yaml"]


def test_a_sheet_without_the_fingerprint_column_needs_force(exported, tmp_path):
    folder, sheet = exported
    edit = Edit(sheet)
    edit.sheet.delete_cols(edit.header["fingerprint"])
    edit.set("naniwa", "定員", 30)
    edit.save()
    with pytest.raises(SheetImportError, match="no 'fingerprint' column"):
        run_import(sheet, folder)
    result = run_import(sheet, folder, force=True)
    assert [c.record.id for c in result.changed] == ["naniwa"]
    assert "capacity: 30" in (folder / "naniwa.yaml").read_text(encoding="utf-8")


def test_untouched_rows_are_not_read_and_edited_rows_are(exported):
    folder, sheet = exported
    broken = folder / "furui.yaml"
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    assert run_import(sheet, folder).unchanged == 4  # furui's row is as exported: its file is not needed
    edit = Edit(sheet)
    edit.set("furui", "定員", 11)
    edit.save()
    with pytest.raises(SheetImportError, match=r"furui.yaml:2: yaml: cannot be read"):
        run_import(sheet, folder)


def test_a_name_changed_in_the_file_after_the_export_is_a_conflict_not_a_read_only_edit(exported):
    folder, sheet = exported
    edit = Edit(sheet)
    edit.set("naniwa", "定員", 16)
    edit.save()
    record = folder / "naniwa.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("テスト事業所 なにわ", "テスト事業所 なにわ北"), encoding="utf-8")
    result = run_import(sheet, folder)
    assert result.rejected == []
    assert [note.record_id for note in result.conflicts] == ["naniwa"]
