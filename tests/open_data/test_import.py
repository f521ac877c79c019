"""Importing the published CSVs into a fresh records folder: reading, merging, ids, bad rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from facility_site.open_data import ImportAbortedError, run_import
from facility_site.open_data.csv_reader import HEADER as READER_HEADER
from facility_site.open_data.csv_reader import CsvFileError, read_csv
from facility_site.records.reader import load_facilities
from fixtures.opendata import csvdata
from fixtures.opendata.csvdata import CURRENT_MAIN, HEADER, HEADER_LINE, row, to_csv, write_release

IMPORT_DAY = dt.date(2026, 5, 1)


@pytest.fixture
def release1(tmp_path):
    return write_release(csvdata.release1(), tmp_path / "csv")


@pytest.fixture
def imported(tmp_path, release1):
    folder = tmp_path / "facilities"
    report = run_import(release1, folder, today=IMPORT_DAY)
    return folder, report


def load(folder, record_id):
    return yaml.safe_load((folder / f"{record_id}.yaml").read_text(encoding="utf-8"))


def problems(items) -> list[str]:
    """Problems as `file:line: field: message`, with the file's name only."""
    return [f"{Path(p.path).name}:{p.line}: {p.field}: {p.message}" for p in sorted(items)]


def test_the_reader_expects_the_published_header_exactly():
    assert list(READER_HEADER) == HEADER
    assert len(HEADER) == 29
    assert HEADER_LINE.startswith("都道府県コード又は市区町村コード,NO（※システム内の固有の番号、連番）,")


def test_committed_fixture_files_match_their_generator(tmp_path):
    written = write_release(csvdata.release1(), tmp_path)
    for path in written:
        assert (csvdata.HERE / "release1" / path.name).read_bytes() == path.read_bytes(), path.name


def test_both_encodings_are_detected(release1):
    by_name = {path.name: path for path in release1}
    raw_bom = by_name["csvdownload060.csv"].read_bytes()
    raw_sjis = by_name["csvdownload062.csv"].read_bytes()
    assert raw_bom.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        raw_sjis.decode("utf-8")
    assert read_csv(by_name["csvdownload060.csv"]).encoding == "UTF-8 (BOM)"
    sjis = read_csv(by_name["csvdownload062.csv"])
    assert sjis.encoding == "cp932"
    assert [r.name for r in sjis.rows] == ["就労移行支援事業所カレント", "定着サポート横浜"]


def test_a_60_and_62_office_becomes_one_record_with_both_services(imported):
    folder, _ = imported
    record = load(folder, "1310400123")
    assert record["services"] == ["就労移行支援", "就労定着支援"]
    # 定着支援 has no 定員; the capacity comes from the 移行支援 row.
    assert record["capacity"] == 20
    assert record["source"]["files"] == ["csvdownload060.csv", "csvdownload062.csv"]


def test_service_column_may_hold_a_code_or_a_full_width_name(imported):
    folder, _ = imported
    # 62 file uses the code "62"; the B型 file writes 就労継続支援Ｂ型 with a full-width Ｂ.
    assert load(folder, "1410000005")["services"] == ["就労定着支援"]
    assert load(folder, "2710000001")["services"] == ["就労移行支援", "就労継続支援B型"]


def test_a_satellite_gets_its_own_record_with_a_suffixed_id(imported):
    folder, _ = imported
    main, satellite = load(folder, "1310400123"), load(folder, "1310400123-2")
    assert main["name"] == "就労移行支援事業所カレント"
    assert satellite["name"] == "就労移行支援事業所カレント 高田馬場サテライト"
    assert main["office_number"] == satellite["office_number"] == "1310400123"
    assert satellite["address"] == "高田馬場4-5-6"


def test_fully_duplicate_rows_collapse_and_are_reported(imported):
    folder, report = imported
    ids = sorted(path.stem for path in folder.iterdir())
    assert ids == ["0110000009", "1310400123", "1310400123-2", "1310500002", "1410000005", "2710000001"]
    assert "csvdownload060.csv:4: row: duplicate of " in "\n".join(problems(report.notes))


def test_prefecture_comes_from_the_code_and_the_city_loses_its_prefecture(imported):
    folder, _ = imported
    hachioji = load(folder, "1310500002")  # code 13000
    assert (hachioji["prefecture"], hachioji["city"]) == ("東京都", "八王子市")
    yokohama = load(folder, "1410000005")  # 事業所住所（市区町村） is 神奈川県横浜市中区
    assert (yokohama["prefecture"], yokohama["city"]) == ("神奈川県", "横浜市中区")
    umeda = load(folder, "2710000001")  # code 27000
    assert (umeda["prefecture"], umeda["city"]) == ("大阪府", "大阪市北区")


def test_codes_and_numbers_that_lost_their_leading_zero(imported):
    folder, _ = imported
    mirai = load(folder, "0110000009")  # code "1000", number "110000009"
    assert mirai["prefecture"] == "北海道"
    assert mirai["office_number"] == "0110000009"
    assert mirai["name_kana"] == "シュウロウイコウシエンミライ"  # from half-width ｼｭｳﾛｳ…


def test_zero_and_out_of_japan_coordinates_are_dropped_and_reported(imported):
    folder, report = imported
    assert "location" not in load(folder, "1310400123-2")
    assert "location" not in load(folder, "2710000001")
    assert load(folder, "1310400123")["location"] == {"lat": 35.6866, "lng": 139.7101}
    notes = problems(report.notes)
    assert "csvdownload060.csv:3: 事業所緯度/事業所経度: 0.0 means unknown; location not imported" in notes
    assert "csvdownload060.csv:5: 事業所緯度/事業所経度: (135.4959, 34.7025) is not in Japan; location not imported" in notes


def test_blank_and_script_urls_are_not_imported(imported):
    folder, report = imported
    assert "url" not in load(folder, "2710000001")  # blank in the CSV
    assert "phone" not in load(folder, "2710000001")
    hachioji = load(folder, "1310500002")
    assert "url" not in hachioji and "javascript" not in (folder / "1310500002.yaml").read_text(encoding="utf-8")
    assert "csvdownload060.csv:6: 事業所URL: \"javascript:alert('step')\" is a script, not a web address; not imported" in problems(report.notes)


def test_malformed_rows_are_skipped_with_line_and_reason_and_the_rest_goes_on(imported):
    _, report = imported
    assert problems(report.skipped) == [
        "csvdownload060.csv:7: row: has 20 columns, the header has 29; row skipped",
        "csvdownload060.csv:8: 事業所番号: '' is not a 10-digit 事業所番号; row skipped",
        "csvdownload060.csv:9: サービス種別: '生活介護' is not one of 60 就労移行支援, 62 就労定着支援, 45 就労継続支援A型, 46 就労継続支援B型; row skipped",
        "csvdownload060.csv:10: 事業所の名称: '\\u200b\\u3000\\u200b' has no visible characters; a record needs a name; row skipped",
    ]
    # The skipped row's other problems are not reported as notes as well.
    assert not [n for n in problems(report.notes) if n.startswith("csvdownload060.csv:10:")]
    # Row 11, after the malformed ones, was imported.
    assert report.counts["new"] == 6


def test_imported_records_pass_the_site_validation_without_disabilities(imported):
    folder, _ = imported
    facilities = {f.id: f for f in load_facilities(folder)}
    assert len(facilities) == 6
    current = facilities["1310400123"]
    assert current.disabilities == ()
    assert [s.label for s in current.services] == ["就労移行支援", "就労定着支援"]
    assert current.updated == IMPORT_DAY
    assert current.source["dataset"] == "障害福祉サービス等情報公表システム"
    assert facilities["0110000009"].name == "就労移行支援 <b>みらい</b>"


def test_the_source_block_records_every_official_value_and_when(imported):
    folder, _ = imported
    record = load(folder, "1310400123")
    source = record["source"]
    assert source["imported"] == IMPORT_DAY
    assert source["office_number"] == "1310400123"
    imported_fields = (
        "name",
        "name_kana",
        "prefecture",
        "city",
        "address",
        "services",
        "capacity",
        "url",
        "phone",
        "office_number",
        "hours",
        "operator",
        "location",
    )
    assert source["values"] == {key: record[key] for key in imported_fields}
    assert record["hours"] == {"weekdays": "09:00～17:00", "closed": "土日祝"}  # the fixture's default columns


def test_report_counts(imported):
    _, report = imported
    assert report.counts == {"new": 6, "updated": 0, "unchanged": 0, "conflicting": 0, "disappeared": 0, "skipped rows": 4}


# --- file-level problems stop the import before anything is written -------------


def test_wrong_header_names_missing_and_unexpected_columns(tmp_path):
    header = [name.replace("（市区町村）", "(市区町村)") if name == "事業所住所（市区町村）" else name for name in HEADER if name != "定員"]
    header.append("備考")
    path = tmp_path / "bad.csv"
    path.write_text(to_csv([row(**CURRENT_MAIN)[:28] + [""]], header=header), encoding="utf-8")
    with pytest.raises(CsvFileError) as caught:
        read_csv(path)
    messages = [p.message for p in caught.value.problems]
    assert messages == [
        "missing column '事業所住所（市区町村）' (the file has '事業所住所(市区町村)' instead)",
        "missing column '定員'",
        "unexpected column '事業所住所(市区町村)'; did you mean '事業所住所（市区町村）'?",
        "unexpected column '備考'",
    ]
    assert all(p.line == 1 and p.field == "header" for p in caught.value.problems)


def test_unreadable_encoding_is_a_clear_error_and_nothing_is_written(tmp_path, release1):
    broken = tmp_path / "broken.csv"
    broken.write_bytes("\n".join([csvdata.HEADER_LINE, "13000,1,東京都"]).encode("utf-8") + b"\n\x80\xff\xfe\x81\n")
    folder = tmp_path / "facilities"
    with pytest.raises(ImportAbortedError) as caught:
        run_import([*release1, broken], folder, today=IMPORT_DAY)
    assert problems(caught.value.problems) == [
        "broken.csv:3: encoding: neither UTF-8 nor Shift_JIS (cp932); save the file as UTF-8 or download it again"
    ]
    assert not folder.exists()


def test_every_file_problem_is_reported_at_once(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportAbortedError) as caught:
        run_import([empty, wrong], tmp_path / "facilities", today=IMPORT_DAY)
    shown = [problem.rsplit(": ", 1)[0] for problem in problems(caught.value.problems)]
    assert shown[0] == "empty.csv:1: file"
    assert shown.count("wrong.csv:1: header") == 31  # 29 missing + 2 unexpected


def test_an_unclosed_quote_is_reported_with_the_lines_it_swallowed_and_reading_goes_on(tmp_path):
    # Issue 19: an unclosed quote swallowed every row after it (44 in the report); now only its own line is lost.
    good = [row(service="60", **dict(CURRENT_MAIN, number=f"13104009{i:02d}", name=f"事業所{i}", address=f"新宿{i}")) for i in range(3)]
    body = to_csv(good).split("\r\n", 1)[1]
    text = to_csv([row(service="60", **CURRENT_MAIN)]) + '131041,9,東京都,"unclosed quote,x\r\n' + body
    path = tmp_path / "quote.csv"
    path.write_text(text, encoding="utf-8")
    result = read_csv(path)
    assert [r.office_number for r in result.rows] == ["1310400123", "1310400900", "1310400901", "1310400902"]
    assert [r.line for r in result.rows] == [2, 4, 5, 6]
    assert problems(result.skipped) == [
        "quote.csv:3: row: not readable as CSV (unexpected end of data): a quote opened here runs on and swallowed lines 4–6;"
        " this line skipped, reading went on at line 4",
    ]


def test_a_city_in_another_prefecture_than_the_code_is_skipped(tmp_path):
    path = tmp_path / "mismatch.csv"
    path.write_text(to_csv([row(service="60", **dict(CURRENT_MAIN, city="大阪府大阪市北区"))]), encoding="utf-8")
    result = read_csv(path)
    assert result.rows == []
    assert [p.message for p in result.skipped] == ["'大阪府大阪市北区' is in 大阪府, but the row's code says 東京都; row skipped"]


def test_multiline_and_control_characters_become_one_line(tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text(to_csv([row(service="60", **dict(CURRENT_MAIN, name="カレント\n新宿\x07", address="新宿1-2-3\u2028ビル"))]), encoding="utf-8")
    result = read_csv(path)
    assert (result.rows[0].name, result.rows[0].address) == ("カレント 新宿", "新宿1-2-3 ビル")


def test_the_same_files_in_any_order_give_byte_identical_records(tmp_path, release1):
    first, second = tmp_path / "first", tmp_path / "second"
    run_import(release1, first, today=IMPORT_DAY)
    run_import(list(reversed(release1)), second, today=IMPORT_DAY)
    written = sorted(path.name for path in first.iterdir())
    assert written == sorted(path.name for path in second.iterdir())
    for name in written:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
