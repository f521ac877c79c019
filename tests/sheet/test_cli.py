"""`python -m facility_site.sheet` as make runs it: exit codes, messages, the import report."""

from __future__ import annotations

import os
import subprocess
import sys

from facility_site.records.reader import display_path
from facility_site.sheet.cli import main
from sheet_records import Edit, snapshot, write_records
from sitebuild import ROOT


def test_export_then_import_report(tmp_path, capsys):
    folder = write_records(tmp_path / "f")
    sheet = tmp_path / "all.xlsx"
    assert main(["export", "--facilities", str(folder), str(sheet)]) == 0
    assert capsys.readouterr().out == f"wrote 4 of 4 record(s) to {display_path(sheet)}\n"
    edit = Edit(sheet)
    edit.set("wakaba", "身体", "○")
    edit.set("naniwa", "id", "gone")
    edit.save()
    assert main(["import", "--facilities", str(folder), "--dry-run", str(sheet)]) == 0
    out = capsys.readouterr().out
    assert "dry run: nothing was written" in out
    assert "changed             1" in out and "unchanged           2" in out and "rejected rows       1" in out
    assert "fields changed: 身体 1" in out
    assert f"row {edit.rows['wakaba']}: {display_path(folder / 'wakaba.yaml')}: 身体" in out
    assert "id 'gone': unknown id" in out


def test_a_failed_import_exits_1_and_lists_every_cell(tmp_path, capsys):
    folder = write_records(tmp_path / "f")
    sheet = tmp_path / "all.xlsx"
    main(["export", "--facilities", str(folder), str(sheet)])
    edit = Edit(sheet)
    first = edit.set("naniwa", "就職定着率", 120)
    second = edit.set("midori", "徒歩（分）", 300)
    edit.set("midori", "最寄り駅", "新宿")
    edit.save()
    before = snapshot(folder)
    capsys.readouterr()
    assert main(["import", "--facilities", str(folder), str(sheet)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "sheet import failed; nothing was written (2 problem(s)):",
        f"{display_path(sheet)}:対象!{second}: 徒歩（分）: 300 is out of range; use minutes from 0 to 240",
        f"{display_path(sheet)}:対象!{first}: 就職定着率: 120 is above 100",
    ]
    assert snapshot(folder) == before


def test_make_sheet_export_and_import(tmp_path):
    folder = write_records(tmp_path / "f")
    sheet = tmp_path / "all.csv"
    env = {key: value for key, value in os.environ.items() if key not in ("FACILITIES", "CONTENT")}
    make = ["make", "--no-print-directory", "-C", str(ROOT), f"FACILITIES={folder}", f"SHEET={sheet}", f"PYTHON={sys.executable}"]
    done = subprocess.run([*make, "sheet-export", "PREF=osaka"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"wrote 2 of 4 record(s) to {sheet}"
    done = subprocess.run([*make, "sheet-import", "ARGS=--dry-run"], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert "unchanged           2" in done.stdout
    usage = subprocess.run([*make, "sheet-import", "SHEET="], capture_output=True, text=True, env=env)
    assert usage.returncode == 2 and usage.stderr.startswith("Usage: make sheet-import SHEET=")
