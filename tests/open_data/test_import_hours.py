"""`make import` brings in fax, hours, closed days and the note (issue 11), under the re-import rules.

The rows are the published format (tests/fixtures/opendata/csvdata.py); the
hours columns are set here by their published names.
"""

from __future__ import annotations

import datetime as dt

import yaml
from facility_site.open_data import run_import
from facility_site.records.model import Hours
from facility_site.records.reader import load_facilities
from fixtures.opendata.csvdata import CURRENT_MAIN, row, to_csv, write_release

FIRST_DAY = dt.date(2026, 5, 1)
SECOND_DAY = dt.date(2026, 11, 27)
OFFICE = "1310400123"

FULL_HOURS = {
    "事業所FAX番号": "03-1234-5679",
    "利用可能な時間帯（平日）": "09:00～17:00",
    "利用可能な時間帯（土曜）": "9:00",  # YAML 1.1 would read this as 540 unless written quoted
    "利用可能な時間帯（日曜）": "",
    "利用可能な時間帯（祝日）": "",
    "定休日": "日曜・祝日",
    "利用可能曜日特記事項（留意事項）": "年末年始は休み\n見学は要予約",  # a line break in a cell
}


def office_row(cells: dict[str, str], **values) -> list[str]:
    """The main office's 就労移行支援 row with `cells` set by their published column names."""
    cells_row = row(service="就労移行支援", **dict(CURRENT_MAIN, **values))
    header = to_csv([]).lstrip("\ufeff").splitlines()[0].split(",")
    for name, value in cells.items():
        cells_row[header.index(name)] = value
    return cells_row


def release(folder, cells: dict[str, str], **values):
    return write_release({"csvdownload060.csv": (to_csv([office_row(cells, **values)]), "utf-8")}, folder)


def load(folder) -> dict:
    return yaml.safe_load((folder / f"{OFFICE}.yaml").read_text(encoding="utf-8"))


def test_a_new_record_gets_fax_and_hours(tmp_path):
    folder = tmp_path / "facilities"
    report = run_import(release(tmp_path / "csv", FULL_HOURS), folder, today=FIRST_DAY)
    record = load(folder)
    assert record["fax"] == "03-1234-5679"
    expected = {"weekdays": "09:00～17:00", "saturday": "9:00", "closed": "日曜・祝日", "note": "年末年始は休み 見学は要予約"}
    assert record["hours"] == expected  # blank columns are left out; keys in the record's order
    assert list(record["hours"]) == ["weekdays", "saturday", "closed", "note"]
    assert record["source"]["values"]["fax"] == "03-1234-5679"
    assert record["source"]["values"]["hours"] == expected
    text = (folder / f"{OFFICE}.yaml").read_text(encoding="utf-8")
    assert "  saturday: '9:00'\n" in text
    (plan,) = report.plans
    assert plan.changed_fields[-5:] == ["office_number", "fax", "hours", "operator", "location"]  # hours once, not key by key
    # The site reads what the import wrote.
    (facility,) = load_facilities(folder)
    assert facility.fax == "03-1234-5679"
    assert facility.hours == Hours(weekdays="09:00～17:00", saturday="9:00", closed="日曜・祝日", note="年末年始は休み 見学は要予約")


def test_bad_fax_and_overlong_note_are_left_out_with_a_note(tmp_path):
    folder = tmp_path / "facilities"
    cells = dict(FULL_HOURS, **{"事業所FAX番号": "なし", "利用可能曜日特記事項（留意事項）": "あ" * 201})
    report = run_import(release(tmp_path / "csv", cells), folder, today=FIRST_DAY)
    notes = [str(note).split("csvdownload060.csv:", 1)[1] for note in report.notes]
    assert "2: 事業所FAX番号: 'なし' is not a fax number; not imported" in notes
    assert "2: 利用可能曜日特記事項（留意事項）: is 201 characters long (at most 200); not imported" in notes
    record = load(folder)
    assert "fax" not in record
    assert "note" not in record["hours"]
    load_facilities(folder)  # still a valid record


def test_no_hours_published_means_no_hours_key(tmp_path):
    folder = tmp_path / "facilities"
    blank = {name: "" for name in FULL_HOURS}
    run_import(release(tmp_path / "csv", blank), folder, today=FIRST_DAY)
    record = load(folder)
    assert "hours" not in record and "fax" not in record
    assert "hours" not in record["source"]["values"]


def test_reimport_follows_untouched_hours_keeps_hand_edits_and_reports_conflicts(tmp_path):
    folder = tmp_path / "facilities"
    run_import(release(tmp_path / "csv1", FULL_HOURS), folder, today=FIRST_DAY)
    path = folder / f"{OFFICE}.yaml"
    text = path.read_text(encoding="utf-8")
    # The operator corrects the closed days, rewrites the note and adds the visit offer.
    text = text.replace("  closed: 日曜・祝日\n", "  closed: 日曜・祝日・年末年始  # 電話で確認\n", 1)  # not source.values
    text = text.replace("  note: 年末年始は休み 見学は要予約\n", "  note: 見学は予約制（平日のみ）\n", 1)
    text = text.replace("\nlocation:\n", "\nvisit: {tour: yes}\nlocation:\n", 1)
    path.write_text(text, encoding="utf-8")

    second = dict(
        FULL_HOURS,
        **{
            "事業所FAX番号": "03-1234-0000",  # changed, untouched: follows
            "利用可能な時間帯（平日）": "09:30～16:30",  # changed, untouched: follows
            "利用可能な時間帯（土曜）": "",  # dropped, untouched: removed
            "定休日": "日曜・祝日",  # unchanged while edited: the edit is kept, silently
            "利用可能曜日特記事項（留意事項）": "年末年始は休み",  # changed while edited: conflict
        },
    )
    report = run_import(release(tmp_path / "csv2", second), folder, today=SECOND_DAY)
    record = load(folder)
    assert record["fax"] == "03-1234-0000"
    assert record["hours"] == {"weekdays": "09:30～16:30", "closed": "日曜・祝日・年末年始", "note": "見学は予約制（平日のみ）"}
    assert record["visit"] == {"tour": True}  # YAML's yes; never touched by the import
    text = path.read_text(encoding="utf-8")
    assert "# 電話で確認" in text and "visit: {tour: yes}" in text
    (plan,) = report.plans
    assert plan.status == "conflicting"
    assert [(c.field, c.yours, c.previous, c.official) for c in plan.conflicts] == [
        ("hours.note", "見学は予約制（平日のみ）", "年末年始は休み 見学は要予約", "年末年始は休み"),
    ]
    assert plan.changed_fields == ["fax", "hours.weekdays", "hours.saturday"]
    lines = [line.strip() for line in report.format(folder).splitlines()]
    assert f'{path}: hours.note: yours "見学は予約制（平日のみ）"; official "年末年始は休み 見学は要予約" → "年末年始は休み"' in lines
    # The new official values are recorded, so the conflict is reported once.
    assert record["source"]["values"]["hours"] == {"weekdays": "09:30～16:30", "closed": "日曜・祝日", "note": "年末年始は休み"}
    again = run_import(release(tmp_path / "csv2", second), folder, today=SECOND_DAY)
    assert [p.status for p in again.plans] == ["unchanged"]
    (facility,) = load_facilities(folder)
    assert facility.hours.note == "見学は予約制（平日のみ）"


def test_hours_removed_entirely_leave_no_empty_mapping(tmp_path):
    folder = tmp_path / "facilities"
    only_weekdays = {name: "" for name in FULL_HOURS} | {"利用可能な時間帯（平日）": "10:00～15:00"}
    run_import(release(tmp_path / "csv1", only_weekdays), folder, today=FIRST_DAY)
    assert load(folder)["hours"] == {"weekdays": "10:00～15:00"}
    run_import(release(tmp_path / "csv2", {name: "" for name in FULL_HOURS}), folder, today=SECOND_DAY)
    record = load(folder)
    assert "hours" not in record
    assert "hours" not in record["source"]["values"]
    load_facilities(folder)
