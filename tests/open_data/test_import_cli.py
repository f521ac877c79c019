"""The import as an operator runs it: `make import`, `python -m facility_site.open_data`, the printed report."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios

from fixtures.opendata import csvdata
from fixtures.opendata.csvdata import CURRENT_MAIN, row, to_csv, write_release
from sitebuild import ROOT

RELEASE1 = csvdata.HERE / "release1"


def run(*args, cwd=ROOT, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, **kwargs)


def release1_files() -> list[str]:
    return [str(path.relative_to(ROOT)) for path in sorted(RELEASE1.glob("*.csv"))]


def test_the_report_of_a_dry_run(tmp_path):
    folder = tmp_path / "facilities"
    result = run(sys.executable, "-m", "facility_site.open_data", "--facilities", str(folder), "--dry-run", "--date", "2026-05-01", *release1_files())
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not a terminal: no progress bar
    assert not folder.exists()
    base = "tests/fixtures/opendata/release1"
    expected = f"""\
import: 3 file(s), 13 row(s) read
  {base}/csvdownload046.csv: UTF-8, 1 row(s)
  {base}/csvdownload060.csv: UTF-8 (BOM), 10 row(s)
  {base}/csvdownload062.csv: cp932, 2 row(s)
dry run: nothing was written; this is what the import would do.

new                6
updated            0
unchanged          0
conflicting        0
disappeared        0
skipped rows       4
(new + updated + unchanged + conflicting = offices in the files; a conflicting record may have other fields updated too)

Skipped rows: not imported. Fix the file (or wait for the next release) and import again.
  {base}/csvdownload060.csv:7: row: has 20 columns, the header has 29; row skipped
  {base}/csvdownload060.csv:8: 事業所番号: '' is not a 10-digit 事業所番号; row skipped
  {base}/csvdownload060.csv:9: サービス種別: '生活介護' is not one of 60 就労移行支援, 62 就労定着支援, 45 就労継続支援A型, 46 就労継続支援B型; row skipped
  {base}/csvdownload060.csv:10: 事業所の名称: '\\u200b\\u3000\\u200b' has no visible characters; a record needs a name; row skipped

Values left out (a record that has the value keeps it) and rows collapsed:
  {base}/csvdownload046.csv:2: 事業所緯度/事業所経度: (135.4959, 34.7025) is not in Japan; location not imported
  {base}/csvdownload060.csv:3: 事業所緯度/事業所経度: 0.0 means unknown; location not imported
  {base}/csvdownload060.csv:4: row: duplicate of {base}/csvdownload060.csv:2; collapsed into one
  {base}/csvdownload060.csv:5: 事業所緯度/事業所経度: (135.4959, 34.7025) is not in Japan; location not imported
  {base}/csvdownload060.csv:6: 事業所URL: "javascript:alert('step')" is a script, not a web address; not imported

Records that would change:
  new: {folder}/0110000009.yaml: name, name_kana, prefecture, city, address, services, capacity, office_number, hours, location
  new: {folder}/1310400123.yaml: name, name_kana, prefecture, city, address, services, capacity, url, phone, office_number, hours, operator, location
  new: {folder}/1310400123-2.yaml: name, prefecture, city, address, services, capacity, url, phone, office_number, hours, operator
  new: {folder}/1310500002.yaml: name, prefecture, city, address, services, capacity, phone, office_number, hours
  new: {folder}/1410000005.yaml: name, prefecture, city, address, services, capacity, url, office_number, hours
  new: {folder}/2710000001.yaml: name, name_kana, prefecture, city, address, services, capacity, office_number, hours
"""
    assert result.stdout == expected


def test_make_import_writes_the_records(tmp_path):
    folder = tmp_path / "facilities"
    result = run("make", "-s", "-o", ".venv/.installed", "import", f"CSV={' '.join(release1_files())}", f"FACILITIES={folder}")
    assert result.returncode == 0, result.stderr
    assert f"wrote 6 record file(s) in {folder}" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == [
        "0110000009.yaml",
        "1310400123-2.yaml",
        "1310400123.yaml",
        "1310500002.yaml",
        "1410000005.yaml",
        "2710000001.yaml",
    ]
    again = run("make", "-s", "-o", ".venv/.installed", "import", f"CSV={' '.join(release1_files())}", f"FACILITIES={folder}", "ARGS=--dry-run")
    assert again.returncode == 0
    assert "unchanged          6" in again.stdout


def test_make_import_without_csv_says_how_to_call_it():
    result = run("make", "-s", "-o", ".venv/.installed", "import")
    assert result.returncode == 2
    assert 'Usage: make import CSV="<file> [<file> …]" [FACILITIES=<dir>] [ARGS=--dry-run]' in result.stderr


def test_a_bad_file_fails_with_every_problem_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("事業所番号,名前\n1310400123,x\n", encoding="utf-8")
    folder = tmp_path / "facilities"
    result = run(sys.executable, "-m", "facility_site.open_data", "--facilities", str(folder), str(bad), *release1_files())
    assert result.returncode == 2  # issue 19: the same status as through make
    lines = result.stderr.splitlines()
    assert lines[0] == "import failed; nothing was written:"
    assert f"{bad}:1: header: missing column '都道府県コード又は市区町村コード'" in lines
    assert f"{bad}:1: header: unexpected column '名前'" in lines
    assert len(lines) == 1 + 28 + 1  # every missing column and the unexpected one
    assert result.stdout == ""
    assert not folder.exists()


def test_a_large_file_shows_a_progress_bar_on_a_terminal(tmp_path):
    rows = [row(service="60", **dict(CURRENT_MAIN, number=f"13{i:08d}", name=f"事業所{i}", address=f"新宿{i}")) for i in range(2500)]
    (tmp_path / "big.csv").write_text(to_csv(rows), encoding="utf-8")
    folder = tmp_path / "facilities"
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal 100 columns wide
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
    with subprocess.Popen(
        [sys.executable, "-m", "facility_site.open_data", "--facilities", str(folder), str(tmp_path / "big.csv")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
    ) as process:
        os.close(follower)
        terminal = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            terminal += chunk
        stdout = process.stdout.read()
    os.close(leader)
    assert process.returncode == 0
    shown = terminal.decode("utf-8", "replace")
    assert "big.csv:   0%|" in shown and "/2501 [" in shown and " lines/s]" in shown
    assert "writing:   0%|" in shown and "/2500 [" in shown and " records/s]" in shown
    assert shown.endswith("\r")  # leave=False: the bars are cleared before the report is printed
    assert "wrote 2500 record file(s)" in stdout


def test_records_written_by_make_import_pass_make_html(tmp_path):
    folder = tmp_path / "facilities"
    write_release(csvdata.release1(), tmp_path / "csv")
    assert run("make", "-s", "-o", ".venv/.installed", "import", f"CSV={tmp_path / 'csv' / '*.csv'}", f"FACILITIES={folder}").returncode == 0
    output = tmp_path / "output"
    content = tmp_path / "content"  # the sample articles embed the sample facilities
    content.mkdir()
    result = run(
        "make", "-s", "-o", ".venv/.installed", "-o", "node_modules/.installed", "html", f"FACILITIES={folder}", f"CONTENT={content}", f"OUTPUTDIR={output}"
    )
    assert result.returncode == 0, result.stderr
    assert (output / "facilities" / "1310400123" / "index.html").is_file()
