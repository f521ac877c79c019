"""Time reading and validating facility records (records.load_facilities), and the alias-bomb refusal.

    python tools/bench_records.py --count 30000 [--repeat 3]

Generates records with tools/synth.py into a temporary folder (unless
--records is given), loads them --repeat times and prints the median, then
times the refusal of a "billion laughs" file. Figures depend on the machine
and its load: quote them with the load average printed here.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "tools")]

from facility_site.errors import RecordError  # noqa: E402
from facility_site.records.reader import load_facilities  # noqa: E402

BOMB = "\n".join(
    ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
)


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def refuse(folder: Path) -> None:
    try:
        load_facilities(folder)
    except RecordError:
        return
    raise SystemExit("the alias bomb was accepted")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--records", type=Path, help="an existing records folder instead of synthetic records")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.records
        if folder is None:
            import synth

            folder = Path(tmp) / "records"
            synth.main(["--count", str(args.count), "--out", str(folder)])
        count = len(load_facilities(folder))
        seconds = median_seconds(lambda: load_facilities(folder), args.repeat)
        print(f"load_facilities: {count} records in {seconds:.2f} s (median of {args.repeat}), {seconds / count * 1000:.2f} ms a record")
        bomb = Path(tmp) / "bomb"
        bomb.mkdir()
        (bomb / "bomb.yaml").write_text(BOMB + "\n", encoding="utf-8")
        seconds = median_seconds(lambda: refuse(bomb), 7)
        print(f"alias bomb (10**10 strings if expanded) refused in {seconds * 1000:.2f} ms (median of 7)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
