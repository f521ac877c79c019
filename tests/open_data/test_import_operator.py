"""`make import` brings in the operating corporation (法人) as `operator`, under the re-import rules (issue 18)."""

from __future__ import annotations

import datetime as dt

import yaml
from facility_site.open_data import run_import
from facility_site.records.reader import load_facilities
from fixtures.opendata.csvdata import CURRENT_MAIN, row, to_csv, write_release

FIRST_DAY = dt.date(2026, 5, 1)
SECOND_DAY = dt.date(2026, 11, 27)
OFFICE = "1310400123"
OPERATOR = {"name": "株式会社カレント", "name_kana": "カブシキガイシャカレント", "number": "1011101012345", "url": "https://current-corp.example.jp/"}


def release(folder, **values):
    rows = [row(service="就労移行支援", **dict(CURRENT_MAIN, **values))]
    return write_release({"csvdownload060.csv": (to_csv(rows), "utf-8")}, folder)


def load(folder) -> dict:
    return yaml.safe_load((folder / f"{OFFICE}.yaml").read_text(encoding="utf-8"))


def test_a_new_record_gets_the_operator_with_a_quoted_number(tmp_path):
    folder = tmp_path / "facilities"
    report = run_import(release(tmp_path / "csv"), folder, today=FIRST_DAY)
    record = load(folder)
    assert record["operator"] == OPERATOR
    assert list(record).index("operator") == list(record).index("location") - 1  # README's key order
    assert record["source"]["values"]["operator"] == OPERATOR
    text = (folder / f"{OFFICE}.yaml").read_text(encoding="utf-8")
    assert "  number: '1011101012345'\n" in text  # a string: YAML would read 13 bare digits as an integer
    (plan,) = report.plans
    assert "operator" in plan.changed_fields
    (facility,) = load_facilities(folder)
    assert facility.operator.name == "株式会社カレント" and facility.operator.number == "1011101012345"


def test_unusable_operator_values_are_left_out_with_a_note(tmp_path):
    folder = tmp_path / "facilities"
    report = run_import(
        release(tmp_path / "csv", corporation_number="1234567890123", corporation_url="javascript:alert(1)", corporation_kana="Current Inc."),
        folder,
        today=FIRST_DAY,
    )
    notes = sorted(str(note).split("csvdownload060.csv:", 1)[1] for note in report.notes)
    assert notes == [
        "2: 法人URL: 'javascript:alert(1)' is a script, not a web address; not imported",
        "2: 法人の名称_かな: 'Current Inc.' is not a reading in kana; not imported",
        "2: 法人番号: '1234567890123' is not a 法人番号: its check digit (the first digit) does not match the other 12; look for a typo; not imported",
    ]
    assert load(folder)["operator"] == {"name": "株式会社カレント"}
    load_facilities(folder)


def test_a_number_saved_by_a_spreadsheet_as_a_float_is_read(tmp_path):
    folder = tmp_path / "facilities"
    run_import(release(tmp_path / "csv", corporation_number="1011101012345.0"), folder, today=FIRST_DAY)
    assert load(folder)["operator"]["number"] == "1011101012345"


def test_no_corporation_means_no_operator_block(tmp_path):
    folder = tmp_path / "facilities"
    run_import(release(tmp_path / "csv", corporation="", corporation_kana="", corporation_number="", corporation_url=""), folder, today=FIRST_DAY)
    assert "operator" not in load(folder)
    assert "operator" not in load(folder)["source"]["values"]


def test_reimport_follows_untouched_operator_values_and_keeps_hand_edits(tmp_path):
    folder = tmp_path / "facilities"
    run_import(release(tmp_path / "csv1"), folder, today=FIRST_DAY)
    path = folder / f"{OFFICE}.yaml"
    text = path.read_text(encoding="utf-8")
    # The operator writes the corporation's name as it signs its brochures, with a comment.
    text = text.replace("  name: 株式会社カレント\n", "  name: 株式会社カレント（カレント・ジャパン）  # 名刺の表記\n", 1)
    path.write_text(text, encoding="utf-8")

    report = run_import(
        release(tmp_path / "csv2", corporation="株式会社カレントホールディングス", corporation_url="https://hd.current-corp.example.jp/"),
        folder,
        today=SECOND_DAY,
    )
    record = load(folder)
    assert record["operator"] == {
        "name": "株式会社カレント（カレント・ジャパン）",  # edited by hand: kept
        "name_kana": "カブシキガイシャカレント",
        "number": "1011101012345",
        "url": "https://hd.current-corp.example.jp/",  # untouched: follows the open data
    }
    assert "# 名刺の表記" in path.read_text(encoding="utf-8")
    (plan,) = report.plans
    assert plan.status == "conflicting"
    assert [(c.field, c.yours, c.previous, c.official) for c in plan.conflicts] == [
        ("operator.name", "株式会社カレント（カレント・ジャパン）", "株式会社カレント", "株式会社カレントホールディングス"),
    ]
    assert plan.changed_fields == ["operator.url"]
    # Reported once: the new official name is recorded.
    again = run_import(
        release(tmp_path / "csv2", corporation="株式会社カレントホールディングス", corporation_url="https://hd.current-corp.example.jp/"),
        folder,
        today=SECOND_DAY,
    )
    assert [p.status for p in again.plans] == ["unchanged"]


def test_a_hand_written_operator_on_a_record_the_data_has_none_for_is_kept(tmp_path):
    folder = tmp_path / "facilities"
    run_import(release(tmp_path / "csv1", corporation="", corporation_kana="", corporation_number="", corporation_url=""), folder, today=FIRST_DAY)
    path = folder / f"{OFFICE}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nlocation:\n", "\noperator: {name: 社会福祉法人みどり会}\nlocation:\n", 1), encoding="utf-8")
    report = run_import(release(tmp_path / "csv2", corporation="", corporation_kana="", corporation_number="", corporation_url=""), folder, today=SECOND_DAY)
    assert load(folder)["operator"] == {"name": "社会福祉法人みどり会"}
    assert [p.status for p in report.plans] == ["unchanged"]


def test_operator_dropped_from_the_data_is_removed_when_untouched(tmp_path):
    folder = tmp_path / "facilities"
    run_import(release(tmp_path / "csv1"), folder, today=FIRST_DAY)
    run_import(release(tmp_path / "csv2", corporation="", corporation_kana="", corporation_number="", corporation_url=""), folder, today=SECOND_DAY)
    record = load(folder)
    assert "operator" not in record  # no empty `operator: {}` left behind
    assert "operator" not in record["source"]["values"]
    load_facilities(folder)
