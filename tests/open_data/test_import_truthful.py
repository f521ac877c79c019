"""Issue 19: the import keeps every office and reports the truth.

Each test imports real CSV files in the published format (tests/fixtures/opendata/csvdata.py)
and asserts on the records written and the report text.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
import yaml
from facility_site.open_data import ImportAbortedError, run_import
from facility_site.open_data.csv_reader import CsvFileError, read_csv
from facility_site.records.reader import load_facilities
from fixtures.opendata.csvdata import CURRENT_MAIN, HACHIOJI, HEADER, MIRAI, YOKOHAMA, row, to_csv
from sitebuild import ROOT

FIRST_DAY = dt.date(2026, 5, 1)
SECOND_DAY = dt.date(2026, 11, 27)


def write_csv(path, rows, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(to_csv(rows).encode(encoding))
    return path


def load(folder, record_id):
    return yaml.safe_load((folder / f"{record_id}.yaml").read_text(encoding="utf-8"))


def lines_of(report, folder) -> list[str]:
    return [line.strip() for line in report.format(folder).splitlines()]


# --- 1. offices that offer only 就労定着支援 ------------------------------------------------


def test_offices_offering_only_retention_become_records_without_capacity(tmp_path):
    folder = tmp_path / "facilities"
    blank = dict(YOKOHAMA, capacity="")
    zero = dict(YOKOHAMA, number="1410000006", name="定着サポート関内", address="関内1-1", capacity="0")
    report = run_import([write_csv(tmp_path / "csvdownload062.csv", [row(service="62", **blank), row(service="62", **zero)])], folder, today=FIRST_DAY)
    assert report.counts["new"] == 2 and report.skipped == []
    for record_id in ("1410000005", "1410000006"):
        record = load(folder, record_id)
        assert record["services"] == ["就労定着支援"]
        assert "capacity" not in record and "capacity" not in record["source"]["values"]
    facilities = {f.id: f for f in load_facilities(folder)}
    assert facilities["1410000005"].capacity is None
    assert facilities["1410000005"].capacity_label == "定員なし（定着支援）"


def test_a_day_service_with_a_blank_capacity_imports_as_not_published(tmp_path):
    folder = tmp_path / "facilities"
    run_import([write_csv(tmp_path / "60.csv", [row(service="60", **dict(HACHIOJI, capacity=""))])], folder, today=FIRST_DAY)
    assert "capacity" not in load(folder, "1310500002")
    (facility,) = load_facilities(folder)
    assert facility.capacity_label == "未掲載"


# --- 2. skipped rows are skipped, never "disappeared" --------------------------------------


@pytest.fixture
def imported_tokyo(tmp_path):
    """Release 1: カレント (60 + 62) and ステップ八王子 (60), imported."""
    folder = tmp_path / "facilities"
    first = [
        write_csv(tmp_path / "r1" / "csvdownload060.csv", [row(service="60", **CURRENT_MAIN), row(service="60", **HACHIOJI)]),
        write_csv(tmp_path / "r1" / "csvdownload062.csv", [row(service="62", **dict(CURRENT_MAIN, capacity=""))]),
    ]
    run_import(first, folder, today=FIRST_DAY)
    return folder


def test_an_office_whose_row_was_skipped_is_reported_as_skipped_not_disappeared(tmp_path, imported_tokyo):
    folder = imported_tokyo
    before = (folder / "1310500002.yaml").read_bytes()
    second = write_csv(tmp_path / "r2" / "csvdownload060.csv", [row(service="60", **CURRENT_MAIN), [*row(service="60", **HACHIOJI), "extra"]])
    report = run_import([second], folder, today=SECOND_DAY)
    assert report.disappeared == []
    assert [held.record.id for held in report.held] == ["1310500002"]
    text = report.format(folder)
    assert "Disappeared" not in text
    lines = lines_of(report, folder)
    assert f"{second}:3: row: has 30 columns, the header has 29; row skipped" in lines
    assert f"{folder / '1310500002.yaml'}: 事業所番号 1310500002: skipped {second}:3" in lines
    # Skipped offices come first, right after the counts.
    assert text.index("(new + updated") < text.index("Skipped rows:") < text.index("Left as they were")
    assert (folder / "1310500002.yaml").read_bytes() == before


def test_an_unclosed_quote_does_not_make_the_offices_after_it_disappear(tmp_path, imported_tokyo):
    folder = imported_tokyo
    path = tmp_path / "r2" / "csvdownload060.csv"
    text = to_csv([row(service="60", **CURRENT_MAIN)])
    text = text.replace("株式会社カレント", '"株式会社カレント', 1)  # the quote is never closed
    text += to_csv([row(service="60", **HACHIOJI)]).split("\r\n", 1)[1]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    report = run_import([path], folder, today=SECOND_DAY)
    assert report.disappeared == []
    assert [held.record.id for held in report.held] == ["1310400123"]
    assert {plan.id: plan.status for plan in report.plans} == {"1310500002": "unchanged"}
    (skipped,) = report.skipped
    assert (skipped.line, skipped.field) == (2, "row")
    assert "swallowed line 3; this line skipped, reading went on at line 3" in skipped.message


def test_a_huge_field_skips_its_row_and_its_office_is_held_not_disappeared(tmp_path, imported_tokyo):
    folder = imported_tokyo
    huge = dict(HACHIOJI, address="旭町" + "あ" * 200_000)  # beyond the csv module's field limit
    second = write_csv(tmp_path / "r2" / "csvdownload060.csv", [row(service="60", **CURRENT_MAIN), row(service="60", **huge)])
    report = run_import([second], folder, today=SECOND_DAY)
    assert [f"{p.line}: {p.message}" for p in report.skipped] == ["3: not readable as CSV (field larger than field limit (131072)); row skipped"]
    assert report.disappeared == [] and [held.record.id for held in report.held] == ["1310500002"]


def test_an_office_that_leaves_the_60_file_but_stays_in_the_62_file_keeps_its_record(tmp_path, imported_tokyo):
    folder = imported_tokyo
    second = [
        write_csv(tmp_path / "r2" / "csvdownload060.csv", [row(service="60", **HACHIOJI)]),
        write_csv(tmp_path / "r2" / "csvdownload062.csv", [row(service="62", **dict(CURRENT_MAIN, capacity=""))]),
    ]
    report = run_import(second, folder, today=SECOND_DAY)
    assert report.disappeared == [] and report.skipped == []
    record = load(folder, "1310400123")
    assert record["services"] == ["就労定着支援"]  # services follow the files
    assert "capacity" not in record  # 定着支援 has no 定員
    assert {plan.id: plan.status for plan in report.plans}["1310400123"] == "updated"
    assert {f.id: f.capacity_label for f in load_facilities(folder)}["1310400123"] == "定員なし（定着支援）"


def test_disappeared_means_in_none_of_the_rows_read(tmp_path, imported_tokyo):
    folder = imported_tokyo
    report = run_import([write_csv(tmp_path / "r2" / "csvdownload060.csv", [row(service="60", **CURRENT_MAIN)])], folder, today=SECOND_DAY)
    assert [gone.record.id for gone in report.disappeared] == ["1310500002"]
    assert f"{folder / '1310500002.yaml'}: 事業所番号 1310500002 ステップ八王子: not in 東京都 60" in lines_of(report, folder)


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("20.0", "'20.0' is not a whole number; not imported"),
        ("-5", "'-5' is negative; not imported"),
        ("1200", "1200 is over 1,000; not imported"),
    ],
)
def test_a_bad_capacity_gives_its_exact_reason_and_the_record_keeps_its_value(tmp_path, imported_tokyo, written, reason):
    folder = imported_tokyo
    second = write_csv(tmp_path / "r2" / "csvdownload060.csv", [row(service="60", **dict(CURRENT_MAIN, capacity=written)), row(service="60", **HACHIOJI)])
    report = run_import([second], folder, today=SECOND_DAY)
    lines = lines_of(report, folder)
    assert f"{second}:2: 定員: {reason}" in lines
    assert f"{folder / '1310400123.yaml'}: capacity: kept 20" in lines
    assert report.disappeared == []
    record = load(folder, "1310400123")
    assert record["capacity"] == 20 and record["source"]["values"]["capacity"] == 20


# --- 3. a prefecture code that contradicts the office ---------------------------------------


def test_a_prefecture_code_that_contradicts_the_office_number_skips_the_row(tmp_path):
    folder = tmp_path / "facilities"
    hakodate = dict(MIRAI, code="012025", city="函館市", number="0110000009")
    run_import([write_csv(tmp_path / "r1" / "60.csv", [row(service="60", **hakodate)])], folder, today=FIRST_DAY)
    before = (folder / "0110000009.yaml").read_bytes()
    # 指定機関名 left blank: only the 事業所番号 can tell the code is wrong.
    wrong = write_csv(tmp_path / "r2" / "60.csv", [row(service="60", **dict(hakodate, code="271276", authority=""))])
    report = run_import([wrong], folder, today=SECOND_DAY)
    assert [f"{p.line}: {p.field}: {p.message}" for p in report.skipped] == [
        "2: 都道府県コード又は市区町村コード: says 大阪府, but 事業所番号 0110000009 is a number of 北海道; check which of the two is wrong; row skipped"
    ]
    assert (folder / "0110000009.yaml").read_bytes() == before
    assert load(folder, "0110000009")["prefecture"] == "北海道"
    assert report.disappeared == [] and [held.record.id for held in report.held] == ["0110000009"]


@pytest.mark.parametrize(
    ("authority", "number", "reason"),
    [
        # 指定機関 大阪市 with an office in 函館市: the city contradicts the code (and its 指定機関).
        ("大阪市", "2710000031", "事業所住所（市区町村）: '函館市' is not in 大阪市, the 指定機関 that designated the office; check the code and the city"),
        ("北海道", "2710000031", "指定機関名: 北海道 designated the office, but the row's code says 大阪府; check which is wrong"),
    ],
)
def test_a_city_that_is_not_in_the_codes_prefecture_skips_the_row(tmp_path, authority, number, reason):
    folder = tmp_path / "facilities"
    wrong = dict(MIRAI, code="271276", authority=authority, city="函館市", number=number)
    report = run_import([write_csv(tmp_path / "60.csv", [row(service="60", **wrong)])], folder, today=FIRST_DAY)
    assert [f"{p.line}: {p.field}: {p.message}" for p in report.skipped] == [f"2: {reason}; row skipped"]
    assert report.plans == []


def test_a_city_of_another_prefecture_skips_the_row_even_without_other_clues(tmp_path):
    # Code, 事業所番号 and a blank 指定機関名 all say 大阪府; only the municipality table knows 函館市 is in 北海道.
    folder = tmp_path / "facilities"
    wrong = dict(MIRAI, code="271276", authority="", city="函館市", number="2710000041")
    report = run_import([write_csv(tmp_path / "60.csv", [row(service="60", **wrong)])], folder, today=FIRST_DAY)
    assert [f"{p.line}: {p.field}: {p.message}" for p in report.skipped] == [
        "2: 事業所住所（市区町村）: '函館市' is not a 市区町村 of 大阪府 but of 北海道; check the code and the city; row skipped"
    ]
    assert report.plans == []


def test_a_name_shared_by_two_prefectures_is_its_own_in_each(tmp_path):
    # 府中市 is a city of both 東京都 and 広島県; 中央区 alone is a ward of 札幌市 as well as 東京都's 中央区.
    folder = tmp_path / "facilities"
    rows = [
        row(service="60", **dict(MIRAI, code="132063", authority="", city="府中市", number="1310000051", address="宮町1")),
        row(service="60", **dict(MIRAI, code="342076", authority="", city="府中市", number="3410000061", address="府川町1")),
    ]
    report = run_import([write_csv(tmp_path / "60.csv", rows)], folder, today=FIRST_DAY)
    assert report.skipped == [] and report.counts["new"] == 2


def test_wards_and_prefecture_authorities_that_agree_are_imported(tmp_path):
    folder = tmp_path / "facilities"
    rows = [
        row(service="60", **dict(MIRAI, code="011002", authority="札幌市", city="札幌市中央区")),
        row(service="60", **dict(MIRAI, code="012025", authority="北海道", city="函館市", number="0110000019", address="本町1")),
        row(service="60", **dict(MIRAI, code="011002", authority="札幌市", city="中央区", number="0110000029", address="北2条")),
    ]
    report = run_import([write_csv(tmp_path / "60.csv", rows)], folder, today=FIRST_DAY)
    assert report.skipped == [] and report.counts["new"] == 3


# --- 4. two releases of one file ------------------------------------------------------------


@pytest.fixture
def two_releases(tmp_path):
    old = write_csv(tmp_path / "csv" / "2026-04" / "csvdownload060.csv", [row(service="60", **CURRENT_MAIN)])
    new_values = dict(CURRENT_MAIN, capacity="24", name="就労移行支援事業所カレント新宿", phone="03-9999-0000")
    new = write_csv(tmp_path / "csv" / "2026-10" / "csvdownload060.csv", [row(service="60", **new_values)])
    return old, new


def test_two_releases_of_one_service_and_prefecture_stop_the_import_naming_both(tmp_path, two_releases):
    old, new = two_releases
    folder = tmp_path / "facilities"
    with pytest.raises(ImportAbortedError) as caught:
        run_import([old, new], folder, today=FIRST_DAY)
    (problem,) = caught.value.problems
    assert (problem.path, problem.field) == (str(new), "file")
    assert problem.message == (
        f"holds 東京都 60, as {old} does: two releases of one service and prefecture;"
        f' name the newer release with --prefer FILE (make import … ARGS="--prefer {new}")'
    )
    assert not folder.exists()


def test_two_national_releases_give_one_line(tmp_path):
    from fixtures.opendata.csvdata import UMEDA

    rows = [row(service="60", **CURRENT_MAIN), row(service="60", **UMEDA), row(service="60", **MIRAI), row(service="60", **dict(YOKOHAMA, code="141003"))]
    old = write_csv(tmp_path / "old" / "csvdownload060.csv", rows)
    new = write_csv(tmp_path / "new" / "csvdownload060.csv", rows)
    with pytest.raises(ImportAbortedError) as caught:
        run_import([old, new], tmp_path / "facilities", today=FIRST_DAY)
    assert [p.message.split(":")[0] for p in caught.value.problems] == [f"holds 北海道 60, 東京都 60, 神奈川県 60 and 1 more, as {old} does"]


def test_the_preferred_release_wins_whatever_the_order(tmp_path, two_releases):
    old, new = two_releases
    for order in ([old, new], [new, old]):
        folder = tmp_path / f"facilities-{order[0].parent.name}"
        report = run_import(order, folder, today=FIRST_DAY, prefer=[new])
        record = load(folder, "1310400123")
        assert (record["capacity"], record["name"], record["phone"]) == (24, "就労移行支援事業所カレント新宿", "03-9999-0000")
        assert report.by_status("conflicting") == []
        assert f"{old}:1: file: 1 row(s) of 東京都 60 left out: --prefer gives {new}" in lines_of(report, folder)


def test_make_import_with_prefer(tmp_path, two_releases):
    old, new = two_releases
    folder = tmp_path / "facilities"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
    args = ["make", "-s", "-o", ".venv/.installed", "import", f"CSV={old} {new}", f"FACILITIES={folder}"]
    refused = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2  # the documented status, the same through make
    assert f"{new}:1: file: holds 東京都 60, as {old} does" in refused.stderr
    done = subprocess.run([*args, f"ARGS=--prefer {new}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert load(folder, "1310400123")["capacity"] == 24


# --- 5. a bad value in a new release never deletes a good one -------------------------------


def test_invalid_new_official_values_keep_the_current_ones_and_the_report_says_so(tmp_path, imported_tokyo):
    folder = imported_tokyo
    garbage = dict(CURRENT_MAIN, lat="abc", lng="139.7", url="ftp://current.example.jp/", phone="未定")
    second = write_csv(tmp_path / "r2" / "csvdownload060.csv", [row(service="60", **garbage), row(service="60", **HACHIOJI)])
    report = run_import([second], folder, today=SECOND_DAY)
    record = load(folder, "1310400123")
    assert record["location"] == {"lat": 35.6866, "lng": 139.7101}
    assert record["url"] == "https://current.example.jp/"
    assert record["phone"] == "03-1234-5678"
    assert record["source"]["values"]["location"] == {"lat": 35.6866, "lng": 139.7101}
    lines = lines_of(report, folder)
    path = folder / "1310400123.yaml"
    assert f'{path}: location: kept {{"lat": 35.6866, "lng": 139.7101}}' in lines
    assert f'{path}: url: kept "https://current.example.jp/"' in lines
    assert f'{path}: phone: kept "03-1234-5678"' in lines
    assert f"{second}:2: 事業所緯度/事業所経度: ('abc', '139.7') are not numbers; location not imported" in lines
    assert {plan.id: plan.status for plan in report.plans}["1310400123"] == "unchanged"


# --- names and text -----------------------------------------------------------------------


def test_bidi_override_characters_are_removed_from_imported_text(tmp_path):
    folder = tmp_path / "facilities"
    hostile = dict(HACHIOJI, name="ステップ\u202e子王八\u202c", address="旭町\u20669-1\u2069")
    run_import([write_csv(tmp_path / "60.csv", [row(service="60", **hostile)])], folder, today=FIRST_DAY)
    record = load(folder, "1310500002")
    assert (record["name"], record["address"]) == ("ステップ子王八", "旭町9-1")
    load_facilities(folder)  # and the site accepts the record


# --- files that are not the published CSV: one line each, nothing written ------------------


def file_problems(path) -> list[str]:
    with pytest.raises(CsvFileError) as caught:
        read_csv(path)
    return [f"{p.line}: {p.field}: {p.message}" for p in caught.value.problems]


def test_utf16_text_is_named(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes(to_csv([row(service="60", **CURRENT_MAIN)]).encode("utf-16"))
    assert file_problems(path) == [
        "1: file: is UTF-16 text (as Excel's 'Unicode text' writes it); save it as 'CSV UTF-8 (comma delimited)' or download the CSV again"
    ]


def test_an_xlsx_saved_as_csv_is_named(tmp_path):
    path = tmp_path / "book.csv"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")
    assert file_problems(path) == [
        "1: file: is an Excel workbook (.xlsx) with a .csv name; in Excel save it as 'CSV UTF-8 (comma delimited)', or download the CSV again"
    ]


@pytest.mark.parametrize(("separator", "name"), [("\t", "tabs"), (";", "semicolons")])
def test_tab_and_semicolon_separated_files_are_one_line(tmp_path, separator, name):
    path = tmp_path / "other.csv"
    path.write_text("\r\n".join(separator.join(cells) for cells in (HEADER, row(service="60", **CURRENT_MAIN))) + "\r\n", encoding="utf-8")
    assert file_problems(path) == [f"1: file: its columns are separated by {name}, not commas; save it as comma-separated CSV"]


def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("problems", file_problems(fifo)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "reading a FIFO hung"
    assert result["problems"] == ["1: file: is a FIFO (named pipe), not a CSV file; give the downloaded file"]


def test_a_device_is_refused_through_the_command_in_one_line(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
    command = [sys.executable, "-m", "facility_site.open_data", "--facilities", str(tmp_path / "f"), "/dev/zero"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["import failed; nothing was written:", "/dev/zero:1: file: is a device, not a CSV file; give the downloaded file"]


def test_an_unreadable_record_file_is_one_line(tmp_path):
    folder = tmp_path / "facilities"
    folder.mkdir()
    # A record the import cannot read even as root: reading /proc/self/mem from its start fails (EIO).
    (folder / "broken.yaml").symlink_to("/proc/self/mem")
    with pytest.raises(ImportAbortedError) as caught:
        run_import([write_csv(tmp_path / "60.csv", [row(service="60", **HACHIOJI)])], folder, today=FIRST_DAY)
    assert [str(p) for p in caught.value.problems] == [
        f"{folder / 'broken.yaml'}:1: file: cannot be read: Input/output error; fix its permissions before importing"
    ]


def test_a_folder_that_cannot_be_written_stops_the_import_before_writing(tmp_path):
    # /sys refuses new files even to root: a records folder that cannot be written.
    with pytest.raises(ImportAbortedError) as caught:
        run_import([write_csv(tmp_path / "60.csv", [row(service="60", **HACHIOJI)])], Path("/sys/kernel"), today=FIRST_DAY)
    assert [str(p) for p in caught.value.problems] == ["/sys/kernel:1: records_path: cannot be written: Permission denied"]
