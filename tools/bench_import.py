"""Measure the open-data import at national scale (issue #6: 30,000 rows in under a minute).

    python tools/bench_import.py [--rows 30000] [--runs 3] [--work bench-out/import] [--no-doc]

Writes four CSV files in the published format (60 移行, 62 定着, 45 A型, 46 B型;
UTF-8 with BOM and cp932; satellites, duplicate rows, 0.0 and out-of-Japan
coordinates, blank and `javascript:` URLs), then times the real command,
`python -m facility_site.open_data`, as an operator runs it:

1. first import into an empty folder;
2. re-import of the same files (nothing changes);
3. re-import of the next release (about 10% of the offices changed) after
   5% of the records were edited by hand (comment, disabilities, capacity).

Each scenario runs --runs times from the same starting folder; the median
wall time is the figure, shown with the CPU time (user + system) of the
import process, which depends less on what else the shared machine runs. Prints a table and writes it into
docs/benchmarks.md between the `bench-import:start` and `bench-import:end`
markers.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench-import:start -->", "<!-- bench-import:end -->"
sys.path.insert(0, str(ROOT / "plugins"))

from facility_site.open_data.csv_reader import HEADER  # noqa: E402
from facility_site.records.municipalities import municipality_codes  # noqa: E402
from facility_site.records.vocab import PREFECTURES  # noqa: E402

# Rows per service file at 30,000 (about the national counts of 2025).
SHARES = {"60": 3400, "62": 1900, "45": 4600, "46": 20100}
SERVICE_NAMES = {"60": "就労移行支援", "62": "就労定着支援", "45": "就労継続支援Ａ型", "46": "就労継続支援Ｂ型"}
ENCODINGS = {"60": "utf-8-sig", "62": "utf-8-sig", "45": "cp932", "46": "cp932"}
def cities_of(prefecture_code: int) -> list[str]:
    """Real 市区町村 of the prefecture: the import skips a city that belongs to another one."""
    return sorted(name for code, name in municipality_codes() if code == prefecture_code)
WORDS = ("ひだまり", "ミライ", "若葉", "ステップ", "ワークス", "サポート", "カレント", "ピント", "ココ", "ハーモニー")


def office_rows(rows: int, seed: int, release: int) -> dict[str, list[list[str]]]:
    """Rows per service code. Release 2 changes about 10% of the offices."""
    rng = random.Random(seed)
    scale = rows / sum(SHARES.values())
    counts = {code: round(share * scale) for code, share in SHARES.items()}
    counts["46"] += rows - sum(counts.values())
    files: dict[str, list[list[str]]] = {code: [] for code in SHARES}
    transition = []  # offices of the 60 file, reused for 62 and 46 (多機能)
    serial = 0

    def office(prefecture, number, satellite_of=None):
        nonlocal serial
        serial += 1
        word = rng.choice(WORDS)
        name = f"サンプル{word}{serial:05d}" + (" サテライト" if satellite_of else "")
        return {
            "code": f"{prefecture.code:02d}{rng.randrange(100, 999)}{rng.randrange(10)}",
            "name": name,
            "kana": "さんぷる" if rng.random() < 0.5 else "",
            "number": number,
            "city": (prefecture.name if rng.random() < 0.3 else "") + rng.choice(cities_of(prefecture.code)),
            "address": f"{rng.randrange(1, 9)}-{rng.randrange(1, 30)}-{rng.randrange(1, 20)}",
            "phone": "" if rng.random() < 0.3 else f"0{rng.randrange(10, 99)}-{rng.randrange(100, 999)}-{rng.randrange(1000, 9999)}",
            "url": rng.choice(["", "", f"https://example.jp/{serial}/", "javascript:void(0)" if rng.random() < 0.01 else ""]),
            "lat": rng.choice(["", "0.0", "135.5"]) if rng.random() < 0.15 else f"{rng.uniform(31, 43):.6f}",
            "lng": f"{rng.uniform(130, 145):.6f}",
            "capacity": str(rng.choice((6, 10, 12, 15, 20, 20, 20, 30, 40))),
        }

    def numbered(code: str):
        prefecture = rng.choice(PREFECTURES)
        return prefecture, f"{prefecture.code:02d}{code}{rng.randrange(10**6):06d}"

    for code in ("60", "45", "46"):
        while len(files[code]) < counts[code]:
            if code == "46" and transition and rng.random() < 0.04:
                shared = dict(rng.choice(transition))  # 多機能: the same office in the B型 file
                files[code].append(shared)
                continue
            prefecture, number = numbered(code)
            record = office(prefecture, number)
            files[code].append(record)
            if code == "60":
                transition.append(record)
                if rng.random() < 0.03 and len(files[code]) < counts[code]:
                    files[code].append(office(prefecture, number, satellite_of=record))
    for record in rng.sample(transition, min(len(transition), counts["62"] * 9 // 10)):
        files["62"].append(dict(record, capacity=""))
    while len(files["62"]) < counts["62"]:
        prefecture, number = numbered("62")
        files["62"].append(office(prefecture, number))
    for code in files:  # fully duplicate rows, as the real files have
        for index in rng.sample(range(len(files[code])), len(files[code]) // 200):
            files[code][index] = dict(files[code][index])
            files[code].insert(index, dict(files[code][index]))
        del files[code][counts[code] :]
    if release == 2:
        change = random.Random(seed + 1)
        for code in files:
            for record in files[code]:
                if change.random() < 0.10:
                    record["capacity"] = str(int(record["capacity"] or 10) + 2) if record["capacity"] else ""
                    record["phone"] = f"0{change.randrange(10, 99)}-000-{change.randrange(1000, 9999)}"
    return files


def write_csvs(files: dict[str, list[dict]], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    columns = {
        "code": "都道府県コード又は市区町村コード",
        "name": "事業所の名称",
        "kana": "事業所の名称_かな",
        "number": "事業所番号",
        "city": "事業所住所（市区町村）",
        "address": "事業所住所（番地以降）",
        "phone": "事業所電話番号",
        "url": "事業所URL",
        "lat": "事業所緯度",
        "lng": "事業所経度",
        "capacity": "定員",
    }
    for code, records in files.items():
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        for no, record in enumerate(records, 1):
            cells = dict.fromkeys(HEADER, "")
            cells.update({"NO（※システム内の固有の番号、連番）": str(no), "サービス種別": SERVICE_NAMES[code], "定休日": "土日祝"})
            cells.update({columns[key]: value for key, value in record.items()})
            writer.writerow([cells[name] for name in HEADER])
        path = folder / f"csvdownload0{code}.csv"
        path.write_bytes(out.getvalue().encode(ENCODINGS[code]))
        paths.append(path)
    return paths


def hand_edit(folder: Path, share: float, seed: int) -> int:
    """Edit a share of the records the way an operator does: a comment, disabilities, a capacity."""
    rng = random.Random(seed)
    paths = sorted(folder.glob("*.yaml"))
    edited = rng.sample(paths, int(len(paths) * share))
    for path in edited:
        text = path.read_text(encoding="utf-8")
        text = "# 見学して確認した\n" + text
        text = re.sub(r"^capacity: (\d+)$", lambda m: f"capacity: {int(m.group(1)) + 1}\ndisabilities: [精神, 発達]", text, count=1, flags=re.M)
        path.write_text(text, encoding="utf-8")
    return len(edited)


def run_import(csvs: list[Path], folder: Path, log: Path) -> tuple[float, float, dict[str, int]]:
    """Run the real command; return wall seconds, CPU seconds (user + system) and the report's counts."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        subprocess.run([str(PYTHON), "-m", "facility_site.open_data", "--facilities", str(folder), *map(str, csvs)], env=env, stdout=out, check=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    counts = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"(new|updated|unchanged|conflicting|disappeared|skipped rows)\s+(\d+)", line)
        if match:
            counts[match.group(1)] = int(match.group(2))
    return elapsed, cpu, counts


def scenario(name: str, runs: int, start: Path | None, csvs: list[Path], work: Path) -> dict:
    times, cpus, counts = [], [], {}
    for run in range(runs):
        folder = work / f"{name}-{run}"
        shutil.rmtree(folder, ignore_errors=True)
        if start is not None:
            shutil.copytree(start, folder)
        elapsed, cpu, counts = run_import(csvs, folder, work / f"{name}-{run}.log")
        times.append(elapsed)
        cpus.append(cpu)
        print(f"  {name} run {run + 1}: {elapsed:.1f} s wall, {cpu:.1f} s CPU (load {os.getloadavg()[0]:.1f})", flush=True)
    return {"name": name, "times": times, "median": statistics.median(times), "cpu": statistics.median(cpus), "counts": counts}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=ROOT / "bench-out" / "import")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args()
    work = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    load_at_start = " ".join(f"{x:.2f}" for x in os.getloadavg())
    release1 = write_csvs(office_rows(args.rows, args.seed, 1), work / "release1")
    release2 = write_csvs(office_rows(args.rows, args.seed, 2), work / "release2")
    rows = sum(sum(1 for _ in path.open("rb")) - 1 for path in release1)
    size = sum(path.stat().st_size for path in release1)
    print(f"{rows} rows in {len(release1)} files ({size / 1e6:.1f} MB)", flush=True)

    results = [scenario("first", args.runs, None, release1, work)]
    imported = work / "first-0"
    results.append(scenario("same", args.runs, imported, release1, work))
    curated = work / "curated"
    shutil.copytree(imported, curated)
    edited = hand_edit(curated, 0.05, args.seed)
    results.append(scenario("next", args.runs, curated, release2, work))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    labels = {
        "first": f"first import, empty folder ({rows:,} rows)",
        "same": "re-import, same files",
        "next": f"re-import of the next release ({edited:,} records hand-edited)",
    }
    lines = [
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f" (load average at start {load_at_start}, at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}; shared with other sessions)",
        f"- Run: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, commit {_commit()}, {args.runs} runs each, median shown",
        f"- Input: {rows:,} rows in {len(release1)} files, {size / 1e6:.1f} MB (UTF-8 with BOM and cp932)",
        f"- Peak memory of one import: {peak:.0f} MiB",
        "",
        "| scenario | wall, median | wall, each run | CPU, median | new | updated | unchanged | conflicting | disappeared | skipped rows |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        counts = result["counts"]
        runs = ", ".join(f"{t:.1f}" for t in result["times"])
        cells = [str(counts.get(key, "?")) for key in ("new", "updated", "unchanged", "conflicting", "disappeared", "skipped rows")]
        lines.append(f"| {labels[result['name']]} | {result['median']:.1f} s | {runs} | {result['cpu']:.1f} s | " + " | ".join(cells) + " |")
    table = "\n".join(lines)
    print(table)
    if not args.no_doc:
        _write_doc(table)
    return 0


def _commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def _write_doc(table: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"{DOC}: markers {START} … {END} not found; figures not written", file=sys.stderr)
        return
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{START}\n{table}\n{END}{tail}", encoding="utf-8")
    print(f"wrote the figures into {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
