"""`make report`: per-prefecture gaps counted against the records, as text and as an HTML page."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from facility_site.records.reader import load_facilities
from facility_site.sheet.apply import run_import
from facility_site.sheet.cli import main
from facility_site.sheet.export import export
from facility_site.sheet.report import completeness, render_html
from sheet_records import Edit, write_records
from sitebuild import ROOT

TODAY = dt.date(2026, 11, 27)
KEYS = ["disabilities", "station", "retention_rate", "hires_last_year", "average_stay", "contact", "stale"]
# By design of sheet_records: (records, then the gaps in KEYS order).
EXPECTED = {
    # midori: no station, no 平均利用期間, no phone or url; wakaba (imported): no types, station or metrics.
    "東京都": (2, [1, 2, 1, 1, 2, 1, 0]),
    # naniwa is complete; furui lacks a station, two metrics (its 就職定着率 is 非公開: known) and contact, and was checked in 2024.
    "大阪府": (2, [0, 1, 0, 1, 1, 1, 1]),
}


def counts(report) -> dict[str, tuple[int, list[int]]]:
    return {line.name: (line.records, [line.gaps[key] for key in KEYS]) for line in report.lines}


def test_the_counts_match_the_records(tmp_path):
    report = completeness(load_facilities(write_records(tmp_path / "f")), TODAY, 365)
    assert counts(report) == EXPECTED
    assert report.total.records == 4 and [report.total.gaps[k] for k in KEYS] == [1, 3, 1, 2, 3, 2, 1]


def test_the_counts_drop_after_a_sheet_import_fills_the_gaps(tmp_path):
    folder = write_records(tmp_path / "f")
    export(folder, tmp_path / "s.xlsx")
    edit = Edit(tmp_path / "s.xlsx")
    edit.set("wakaba", "精神", "○")
    edit.set("wakaba", "最寄り駅", "池袋")
    edit.set("wakaba", "徒歩（分）", 5)
    edit.set("furui", "更新日", "2026-11-20")
    edit.save()
    run_import(tmp_path / "s.xlsx", folder)
    report = counts(completeness(load_facilities(folder), TODAY, 365))
    assert report["東京都"] == (2, [0, 1, 1, 1, 2, 1, 0])
    assert report["大阪府"] == (2, [0, 1, 0, 1, 1, 1, 0])


def test_an_email_or_fax_alone_counts_as_contact_details(tmp_path):
    folder = write_records(tmp_path / "f")
    export(folder, tmp_path / "s.xlsx")
    edit = Edit(tmp_path / "s.xlsx")
    edit.set("midori", "メール", "midori@example.jp")  # midori had neither phone nor url
    edit.set("furui", "FAX", "06-0000-2222")  # nor had furui
    edit.save()
    run_import(tmp_path / "s.xlsx", folder)
    report = counts(completeness(load_facilities(folder), TODAY, 365))
    assert report["東京都"][1][KEYS.index("contact")] == 0
    assert report["大阪府"][1][KEYS.index("contact")] == 0


def test_the_html_page_shows_the_same_counts_with_bars(tmp_path):
    report = completeness(load_facilities(write_records(tmp_path / "f")), TODAY, 365)
    doc = BeautifulSoup(render_html(report), "html.parser")
    assert doc.html["lang"] == "ja"
    headers = ["都道府県", "件数", "対象障害", "最寄り駅", "就職定着率", "昨年の就職人数", "平均利用期間", "連絡先", "情報が古い"]
    assert [th.get_text() for th in doc.select("thead th")] == headers
    rows = {tr.th.get_text(): tr for tr in doc.select("tbody tr")}
    assert list(rows) == ["東京都", "大阪府"]
    osaka = rows["大阪府"].find_all("td")
    assert osaka[0].get_text() == "2"
    assert [td.get_text(strip=True) for td in osaka[1:]] == ["0（0%）", "1（50%）", "0（0%）", "1（50%）", "1（50%）", "1（50%）", "1（50%）"]
    assert [m["value"] for m in rows["東京都"].find_all("meter")] == ["50", "100", "50", "50", "100", "50", "0"]
    assert doc.find(style=True) is None and doc.find("script") is None


def test_make_report_prints_the_table_and_writes_the_page_outside_the_site(tmp_path, capsys):
    folder = write_records(tmp_path / "f")
    html = tmp_path / "reports" / "completeness.html"
    code = main(["report", "--facilities", str(folder), "--conf", str(ROOT / "pelicanconf.py"), "--today", "2026-11-27", "--html", str(html)])
    assert code == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "completeness: 4 record(s); 情報が古い = updated more than 365 days before 2026-11-27"
    table = {line.split()[0]: [int(n) for n in line.split()[1:]] for line in out[2:5]}
    assert table == {"東京都": [2, 1, 2, 1, 1, 2, 1, 0], "大阪府": [2, 0, 1, 0, 1, 1, 1, 1], "合計": [4, 1, 3, 1, 2, 3, 2, 1]}
    assert html.is_file() and "記録の充足状況" in html.read_text(encoding="utf-8")
