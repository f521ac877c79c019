"""Measure spreadsheet curation at national scale (issue #14: 30,000 records, each step ≤ 60 s, ≤ 1 GiB).

    make synth N=30000 OUT=/tmp/sheet30k
    python tools/bench_sheet.py --records /tmp/sheet30k [--runs 1] [--edits 3000] [--work bench-out/sheet] [--no-doc]

Times the real commands, `python -m facility_site.sheet export|import`, as
an operator runs them, each from a fresh copy of the records folder:

1. export every record to .xlsx, and to .csv;
2. import the .xlsx as exported (nothing changes, nothing is written);
3. import the .xlsx after --edits rows were edited with openpyxl as a person
   would: a ○ added or removed, a metric, the nearest station and its walk;
4. the same edits through the .csv.

Wall time, CPU time (user + system) and peak memory (max RSS) are those of
the command's own process (os.wait4). Prints a table and writes it into
docs/benchmarks.md between the `bench-sheet:start` and `bench-sheet:end` markers.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench-sheet:start -->", "<!-- bench-sheet:end -->"
DISABILITIES = ("精神", "知的", "発達", "身体", "難病")


def run(args: list[str], log: Path) -> tuple[float, float, float]:
    """Wall s, CPU s and peak MiB of one command."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
    with log.open("w") as out:
        start = time.perf_counter()
        process = subprocess.Popen([str(PYTHON), "-m", "facility_site.sheet", *args], stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{log.read_text()}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def edit_rows(rows: list[list], header: list[str], count: int, seed: int) -> None:
    """Edit `count` data rows in place: a ○ added (or one of five removed), 就職定着率, 最寄り駅 and 徒歩（分）."""
    rng = random.Random(seed)
    col = {name: header.index(name) for name in ("就職定着率", "最寄り駅", "徒歩（分）", *DISABILITIES)}
    for row in rng.sample(rows, count):
        blank = [col[label] for label in DISABILITIES if not row[col[label]]]
        if blank:
            row[rng.choice(blank)] = "○"
        else:  # all five marked: one taken away, four stay
            row[col[rng.choice(DISABILITIES)]] = None
        row[col["就職定着率"]] = f"{rng.randrange(50, 100)}%以上"
        row[col["最寄り駅"]] = rng.choice(("新宿", "梅田", "天神", "栄", "札幌"))
        row[col["徒歩（分）"]] = rng.randrange(1, 20)


def edit_xlsx(source: Path, target: Path, count: int, seed: int) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(source)
    sheet = workbook["対象"]
    header = [cell.value for cell in sheet[1]]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    edited = [list(row) for row in rows]
    edit_rows(edited, header, count, seed)
    for number, (before, after) in enumerate(zip(rows, edited, strict=True), start=2):
        for index, (old, new) in enumerate(zip(before, after, strict=True), start=1):
            if old != new:
                sheet.cell(row=number, column=index, value=new)
    workbook.save(target)


def edit_csv(source: Path, target: Path, count: int, seed: int) -> None:
    with source.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    edit_rows(rows, header, count, seed)
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([["" if cell is None else cell for cell in row] for row in rows])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=Path, required=True, help="a records folder, e.g. from `make synth N=30000`")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--edits", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=ROOT / "bench-out" / "sheet")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    count = sum(1 for p in args.records.iterdir() if p.suffix == ".yaml")
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    folder = args.work / "facilities"
    load_start = os.getloadavg()

    def fresh() -> Path:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(args.records, folder)
        return folder

    results = []

    def scenario(name: str, command, prepare=fresh) -> str:
        runs = []
        for _ in range(args.runs):
            prepare()
            runs.append(run(command(), args.work / "log.txt"))
        output = (args.work / "log.txt").read_text()
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        peak = max(r[2] for r in runs)
        results.append((name, wall, [r[0] for r in runs], cpu, peak, _summary(output)))
        print(f"{name}: {wall:.1f} s (CPU {cpu:.1f} s, peak {peak:.0f} MiB) {_summary(output)}", flush=True)
        return output

    xlsx, csv_file = args.work / "all.xlsx", args.work / "all.csv"
    scenario(f"export {count:,} records to .xlsx", lambda: ["export", "--facilities", str(folder), str(xlsx)])
    scenario(f"export {count:,} records to .csv", lambda: ["export", "--facilities", str(folder), str(csv_file)])
    scenario("import the .xlsx as exported (no change)", lambda: ["import", "--facilities", str(folder), str(xlsx)])
    edited_xlsx, edited_csv = args.work / "edited.xlsx", args.work / "edited.csv"
    edit_xlsx(xlsx, edited_xlsx, args.edits, args.seed)
    edit_csv(csv_file, edited_csv, args.edits, args.seed)
    scenario(f"import the .xlsx with {args.edits:,} rows edited", lambda: ["import", "--facilities", str(folder), str(edited_xlsx)])
    scenario(f"import the .csv with {args.edits:,} rows edited", lambda: ["import", "--facilities", str(folder), str(edited_csv)])

    load_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()} "
        f"(load average at start {' '.join(f'{x:.2f}' for x in load_start)}, at end {load_end}; shared with other sessions)",
        f"- Run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {_commit()}, {args.runs} run(s) each"
        + (", median shown" if args.runs > 1 else ""),
        f"- Input: {count:,} records from `make synth`; .xlsx {xlsx.stat().st_size / 1e6:.1f} MB, .csv {csv_file.stat().st_size / 1e6:.1f} MB",
        "",
        "| step | wall | wall, each run | CPU | peak memory | result |",
        "|---|---|---|---|---|---|",
    ]
    for name, wall, walls, cpu, peak, summary in results:
        lines.append(f"| {name} | {wall:.1f} s | {', '.join(f'{w:.1f}' for w in walls)} | {cpu:.1f} s | {peak:.0f} MiB | {summary} |")
    table = "\n".join(lines)
    print(table)
    if not args.no_doc:
        text = DOC.read_text(encoding="utf-8")
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda m: f"{START}\n{table}\n{END}", text, flags=re.S)
        DOC.write_text(text, encoding="utf-8")
    return 0


def _summary(output: str) -> str:
    if m := re.search(r"wrote (\d+) of (\d+) record", output):
        return f"{m.group(1)} rows written"
    found = dict(re.findall(r"^(changed|unchanged|conflicts|rejected rows)\s+(\d+)$", output, flags=re.M))
    return ", ".join(f"{k} {v}" for k, v in found.items())


def _commit() -> str:
    return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())
