"""Re-importing a newer release: the operator's hand edits, comments and key order survive."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
import yaml
from facility_site.open_data import run_import
from facility_site.records.reader import load_facilities
from fixtures.opendata import csvdata
from fixtures.opendata.csvdata import CURRENT_MAIN, HACHIOJI, UMEDA, row, to_csv, write_release
from sitebuild import SAMPLE_FACILITIES

FIRST_DAY = dt.date(2026, 5, 1)
SECOND_DAY = dt.date(2026, 11, 27)


def edit(path, old: str, new: str) -> None:
    """Change whole lines of a record file, the way an operator does in an editor."""
    text = "\n" + path.read_text(encoding="utf-8")
    assert text.count("\n" + old) == 1, f"{old!r} is not a line found once in {path.name}"
    path.write_text(text.replace("\n" + old, "\n" + new)[1:], encoding="utf-8")


def snapshot(folder) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def unconfirmed(files: dict[str, bytes]) -> dict[str, bytes]:
    """A snapshot without the `source.confirmed` lines, which every import that finds an office moves."""
    return {name: re.sub(rb"\n  confirmed: [0-9-]+\n", b"\n", text) for name, text in files.items()}


@pytest.fixture
def curated(tmp_path):
    """Release 1 imported, then curated by hand."""
    folder = tmp_path / "facilities"
    run_import(write_release(csvdata.release1(), tmp_path / "release1"), folder, today=FIRST_DAY)
    current = folder / "1310400123.yaml"
    edit(current, "name: 就労移行支援事業所カレント\n", "# 2026-06 見学済み。対象障害は電話で確認した。\nname: 就労移行支援事業所カレント\n")
    edit(current, "capacity: 20\n", "capacity: 18  # 実際の受け入れ数\ndisabilities: [精神, 発達]\n")
    edit(current, "services:\n", "access:\n  - line: 東京メトロ丸ノ内線\n    station: 新宿御苑前\n    walk_minutes: 3\nservices:\n")
    edit(folder / "2710000001.yaml", "capacity: 15\n", "capacity: 15\ndisabilities:\n  - 精神\n  - 知的\ncatchphrase: 梅田駅から歩いてすぐ\n")
    edit(folder / "0110000009.yaml", "name: 就労移行支援 <b>みらい</b>\n", "name: 就労移行支援みらい  # 表記を直した\n")
    edit(folder / "1310400123-2.yaml", "url: https://current.example.jp/\n", "")
    before = snapshot(folder)
    report = run_import(write_release(csvdata.release2(), tmp_path / "release2"), folder, today=SECOND_DAY)
    return folder, before, report


def load(folder, record_id):
    return yaml.safe_load((folder / f"{record_id}.yaml").read_text(encoding="utf-8"))


def test_counts_after_the_second_release(curated):
    _, _, report = curated
    assert report.counts == {"new": 1, "updated": 2, "unchanged": 2, "conflicting": 1, "disappeared": 1, "skipped rows": 0}
    assert {plan.id: plan.status for plan in report.plans} == {
        "0110000009": "unchanged",
        "1310400123": "conflicting",
        "1310400123-2": "updated",
        "1310900001": "new",
        "1410000005": "unchanged",
        "2710000001": "updated",
    }


def test_hand_edits_and_comments_survive_and_official_changes_arrive(curated):
    folder, before, _ = curated
    # The whole file is the hand-edited one with exactly these lines changed.
    expected = "\n" + before["1310400123.yaml"].decode("utf-8")
    for old, new in (
        ("url: https://current.example.jp/\n", "url: https://current.example.jp/ikou/\n"),
        ("updated: 2026-05-01\n", "updated: 2026-11-27\n"),
        ("  imported: 2026-05-01\n", "  imported: 2026-11-27\n"),
        ("  confirmed: 2026-05-01\n", "  confirmed: 2026-11-27\n"),
        ("    capacity: 20\n", "    capacity: 24\n"),
        ("    url: https://current.example.jp/\n", "    url: https://current.example.jp/ikou/\n"),
    ):
        assert expected.count("\n" + old) == 1
        expected = expected.replace("\n" + old, "\n" + new)
    assert (folder / "1310400123.yaml").read_text(encoding="utf-8") == expected[1:]
    record = load(folder, "1310400123")
    assert record["capacity"] == 18  # the operator's value, kept
    assert record["disabilities"] == ["精神", "発達"]
    assert record["access"] == [{"line": "東京メトロ丸ノ内線", "station": "新宿御苑前", "walk_minutes": 3}]
    assert record["source"]["values"]["capacity"] == 24


def test_the_conflict_is_reported_with_both_values(curated):
    folder, _, report = curated
    text = report.format(folder)
    assert "Conflicts: the official value changed where the record was edited by hand." in text
    lines = [line.strip() for line in text.splitlines()]
    assert f"{folder / '1310400123.yaml'}: capacity: yours 18; official 20 → 24" in lines
    (plan,) = report.by_status("conflicting")
    assert [(c.field, c.yours, c.previous, c.official) for c in plan.conflicts] == [("capacity", 18, 20, 24)]


def test_untouched_official_values_follow_the_open_data(curated):
    folder, _, _ = curated
    umeda = load(folder, "2710000001")
    assert umeda["capacity"] == 16
    assert umeda["phone"] == "06-1111-2222"
    assert umeda["disabilities"] == ["精神", "知的"] and umeda["catchphrase"] == "梅田駅から歩いてすぐ"
    assert list(umeda)[:12] == [
        "name",
        "name_kana",
        "prefecture",
        "city",
        "address",
        "services",
        "capacity",
        "disabilities",
        "catchphrase",
        "phone",  # a new key goes where README.md lists it
        "office_number",
        "hours",
    ]
    satellite = load(folder, "1310400123-2")
    assert satellite["location"] == {"lat": 35.7128, "lng": 139.7036}
    assert "url" not in satellite  # removed by hand, official unchanged: stays removed


def test_a_record_whose_official_values_did_not_change_only_gets_its_confirmed_date(curated):
    folder, before, report = curated
    # Its name was edited by hand and the open data still says the old name: nothing to merge.
    # Issue 19: the import still records that this release confirmed the office (source.confirmed),
    # so the site's staleness counts from it; `updated` and the rest stay byte for byte.
    for name in ("0110000009.yaml", "1410000005.yaml"):
        expected = before[name].decode("utf-8").replace("  confirmed: 2026-05-01\n", "  confirmed: 2026-11-27\n")
        assert expected != before[name].decode("utf-8")
        assert (folder / name).read_text(encoding="utf-8") == expected
    assert {plan.id: plan.status for plan in report.plans}["0110000009"] == "unchanged"


def test_disappeared_offices_are_reported_not_deleted(curated):
    folder, before, report = curated
    assert (folder / "1310500002.yaml").read_bytes() == before["1310500002.yaml"]
    (gone,) = report.disappeared
    assert gone.record.id == "1310500002" and gone.scope == ["東京都 60"]
    assert f"{folder / '1310500002.yaml'}: 事業所番号 1310500002 ステップ八王子: not in 東京都 60" in report.format(folder)


def test_new_offices_arrive_and_the_folder_still_builds(curated):
    folder, _, _ = curated
    assert load(folder, "1310900001")["name"] == "ワークス品川"
    facilities = {f.id: f for f in load_facilities(folder)}
    assert len(facilities) == 7
    assert facilities["1310400123"].capacity == 18


def test_a_conflict_is_reported_once_and_a_repeat_import_changes_nothing(curated, tmp_path):
    folder, _, _ = curated
    after_first = snapshot(folder)
    again = run_import(write_release(csvdata.release2(), tmp_path / "again"), folder, today=dt.date(2027, 1, 10))
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 6, "conflicting": 0, "disappeared": 1, "skipped rows": 0}
    assert unconfirmed(snapshot(folder)) == unconfirmed(after_first)
    assert b"  confirmed: 2027-01-10\n" in snapshot(folder)["1310400123.yaml"]


def test_dry_run_writes_nothing_and_reports_the_same(tmp_path):
    folder = tmp_path / "facilities"
    release2 = write_release(csvdata.release2(), tmp_path / "release2")
    run_import(write_release(csvdata.release1(), tmp_path / "release1"), folder, today=FIRST_DAY)
    edit(folder / "1310400123.yaml", "capacity: 20\n", "capacity: 18\n")
    before = snapshot(folder)
    mtimes = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
    dry = run_import(release2, folder, dry_run=True, today=SECOND_DAY)
    assert snapshot(folder) == before
    assert {path.name: path.stat().st_mtime_ns for path in folder.iterdir()} == mtimes
    assert dry.written == 0
    text = dry.format(folder)
    assert "dry run: nothing was written" in text
    assert (
        f"  new: {folder / '1310900001.yaml'}: name, name_kana, prefecture, city, address, services, capacity, phone, office_number, hours, operator, location"
        in text
    )
    real = run_import(release2, folder, today=SECOND_DAY)
    assert real.counts == dry.counts


def test_a_dry_run_into_a_missing_folder_creates_nothing(tmp_path):
    folder = tmp_path / "not-yet"
    report = run_import(write_release(csvdata.release1(), tmp_path / "csv"), folder, dry_run=True, today=FIRST_DAY)
    assert report.counts["new"] == 6
    assert not folder.exists()


def test_services_merge_item_by_item(tmp_path):
    folder = tmp_path / "facilities"
    first = tmp_path / "first"
    first.mkdir()
    (first / "60.csv").write_text(to_csv([row(service="60", **CURRENT_MAIN)]), encoding="utf-8")
    (first / "62.csv").write_text(to_csv([row(service="62", **dict(CURRENT_MAIN, capacity=""))]), encoding="utf-8")
    run_import(sorted(first.iterdir()), folder, today=FIRST_DAY)
    # The operator adds a service the open data does not cover.
    edit(folder / "1310400123.yaml", "  - 就労定着支援\n", "  - 就労定着支援\n  - 自立訓練(生活訓練)\n")
    # Next release: the office no longer offers 定着支援 but now also B型.
    second = tmp_path / "second"
    second.mkdir()
    (second / "60.csv").write_text(to_csv([row(service="60", **CURRENT_MAIN)]), encoding="utf-8")
    # The 62 file still lists other 東京都 offices, so its silence about this one means 定着支援 ended.
    (second / "62.csv").write_text(to_csv([row(service="62", **HACHIOJI)]), encoding="utf-8")
    (second / "46.csv").write_text(to_csv([row(service="46", **dict(CURRENT_MAIN, capacity="10"))]), encoding="utf-8")
    report = run_import(sorted(second.iterdir()), folder, today=SECOND_DAY)
    record = load(folder, "1310400123")
    assert record["services"] == ["就労移行支援", "就労継続支援B型", "自立訓練(生活訓練)"]
    assert record["source"]["values"]["services"] == ["就労移行支援", "就労継続支援B型"]
    assert {plan.id: plan.status for plan in report.plans}["1310400123"] == "updated"


def test_services_from_files_not_read_this_time_are_kept(tmp_path):
    folder = tmp_path / "facilities"
    run_import(write_release(csvdata.release1(), tmp_path / "release1"), folder, today=FIRST_DAY)
    only_60 = write_release({"csvdownload060.csv": csvdata.release1()["csvdownload060.csv"]}, tmp_path / "only60")
    before = snapshot(folder)
    report = run_import(only_60, folder, today=SECOND_DAY)
    # 1310400123 keeps 就労定着支援 and 1410000005 (定着 only) is not "disappeared": no 62 file was read.
    assert report.disappeared == []
    assert report.counts["unchanged"] == 5 and report.counts["updated"] == 0
    assert unconfirmed(snapshot(folder)) == unconfirmed(before)
    assert snapshot(folder)["1410000005.yaml"] == before["1410000005.yaml"]  # not in the files read: not confirmed


def test_an_office_not_in_the_prefectures_read_is_not_disappeared(tmp_path):
    folder = tmp_path / "facilities"
    (tmp_path / "all.csv").write_text(to_csv([row(service="60", **CURRENT_MAIN), row(service="60", **UMEDA)]), encoding="utf-8")
    run_import([tmp_path / "all.csv"], folder, today=FIRST_DAY)
    (tmp_path / "tokyo.csv").write_text(to_csv([row(service="60", **CURRENT_MAIN)]), encoding="utf-8")
    report = run_import([tmp_path / "tokyo.csv"], folder, today=SECOND_DAY)
    assert report.disappeared == []  # only 東京都's 60 file was read; 大阪府 was not looked at


def test_a_moved_office_keeps_its_id(tmp_path):
    folder = tmp_path / "facilities"
    (tmp_path / "a.csv").write_text(to_csv([row(service="60", **CURRENT_MAIN)]), encoding="utf-8")
    run_import([tmp_path / "a.csv"], folder, today=FIRST_DAY)
    moved = dict(CURRENT_MAIN, name="就労移行支援事業所カレント新宿", address="西新宿7-7-7")
    (tmp_path / "b.csv").write_text(to_csv([row(service="60", **moved)]), encoding="utf-8")
    run_import([tmp_path / "b.csv"], folder, today=SECOND_DAY)
    assert sorted(path.name for path in folder.iterdir()) == ["1310400123.yaml"]
    record = load(folder, "1310400123")
    assert (record["name"], record["address"]) == ("就労移行支援事業所カレント新宿", "西新宿7-7-7")


def test_satellite_ids_are_stable_when_a_new_satellite_appears(tmp_path):
    folder = tmp_path / "facilities"
    satellite = dict(CURRENT_MAIN, name="カレント 高田馬場サテライト", address="高田馬場4-5-6")
    (tmp_path / "a.csv").write_text(to_csv([row(service="60", **satellite), row(service="60", **CURRENT_MAIN)]), encoding="utf-8")
    run_import([tmp_path / "a.csv"], folder, today=FIRST_DAY)
    assert load(folder, "1310400123")["name"] == "就労移行支援事業所カレント"  # main office first, whatever the row order
    assert load(folder, "1310400123-2")["name"] == "カレント 高田馬場サテライト"
    second = dict(CURRENT_MAIN, name="カレント 池袋サテライト", city="豊島区", address="池袋1-1-1")
    (tmp_path / "b.csv").write_text(to_csv([row(service="60", **second), row(service="60", **satellite), row(service="60", **CURRENT_MAIN)]), encoding="utf-8")
    run_import([tmp_path / "b.csv"], folder, today=SECOND_DAY)
    assert load(folder, "1310400123")["name"] == "就労移行支援事業所カレント"
    assert load(folder, "1310400123-2")["name"] == "カレント 高田馬場サテライト"
    assert load(folder, "1310400123-3")["name"] == "カレント 池袋サテライト"


def test_a_hand_written_record_with_the_office_number_is_adopted(tmp_path):
    folder = tmp_path / "facilities"
    folder.mkdir()
    shutil.copy(SAMPLE_FACILITIES / "current.yaml", folder / "current.yaml")
    edit(folder / "current.yaml", "updated: 2026-11-01\n", 'office_number: "1310400123"\nupdated: 2026-11-01\n')
    before = (folder / "current.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.csv").write_text(to_csv([row(service="60", **CURRENT_MAIN)]), encoding="utf-8")
    report = run_import([tmp_path / "a.csv"], folder, today=SECOND_DAY)
    assert sorted(path.name for path in folder.iterdir()) == ["current.yaml"]  # no second record for the office
    record = load(folder, "current")
    # Written by hand and different from the open data: kept, and listed as a conflict.
    assert (record["name"], record["capacity"]) == ("カレント", 12)
    (plan,) = report.plans
    assert {c.field for c in plan.conflicts} == {"name", "name_kana", "capacity"}
    assert record["address"] == "新宿1-2-3 御苑ビル3階"  # not written by hand: taken from the open data
    assert record["disabilities"] == ["精神", "知的", "発達"] and record["retention_rate"] == "90%以上"
    text = (folder / "current.yaml").read_text(encoding="utf-8")
    assert text.startswith("# カレント — 東京都新宿区\nname: カレント\n")
    assert text.count("\n") > before.count("\n")
    assert load_facilities(folder)[0].source["office_number"] == "1310400123"


def test_removed_by_hand_stays_removed_and_a_blanked_official_value_goes(tmp_path):
    folder = tmp_path / "facilities"
    (tmp_path / "a.csv").write_text(to_csv([row(service="60", **CURRENT_MAIN)]), encoding="utf-8")
    run_import([tmp_path / "a.csv"], folder, today=FIRST_DAY)
    edit(folder / "1310400123.yaml", "url: https://current.example.jp/\n", "")  # the operator removes the web address
    # Next release: a new web address, and no phone number any more.
    (tmp_path / "b.csv").write_text(to_csv([row(service="60", **dict(CURRENT_MAIN, url="https://new.example.jp/", phone=""))]), encoding="utf-8")
    report = run_import([tmp_path / "b.csv"], folder, today=SECOND_DAY)
    record = load(folder, "1310400123")
    assert "url" not in record and "phone" not in record
    assert "phone" not in record["source"]["values"]
    assert record["source"]["values"]["url"] == "https://new.example.jp/"
    lines = report.format(folder).splitlines()
    assert f"  {folder / '1310400123.yaml'}: url: removed by you; official \"https://current.example.jp/\" → \"https://new.example.jp/\"" in lines
