"""Issue 12 figures at national scale: 「近くの事業所」 at build time, and 「現在地から近い順」 in the browser.

    python tools/bench_near.py --records bench-out/synth-30000 [--runs 30]
    make bench-near N=30000

Prints:
- the CPU time of the nearest-office computation (geo/nearby.py) over every
  record and of the search's coordinate files, and their share of a full
  build's CPU time when one is given
  (--build-cpu, seconds: what `/usr/bin/time` reports for `make html` on the
  same records);
- the bytes of the coordinate files the search fetches for a distance order
  (raw and gzip -9: the largest prefecture and the national file), against the
  budget (≤ 40 KiB a prefecture, ≤ 250 KiB national);
- in headless Chromium: decoding the national file, and ordering all the
  facilities by distance from a position (distances + sort, what one search
  does; best, median and worst of --runs), against the budget (≤ 16 ms).
  On a busy machine the median grows; the best run shows the cost itself.

Records without a `location` are counted and sorted last, as on the site.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from facility_site.geo.nearby import nearby_offices  # noqa: E402
from facility_site.records.reader import load_facilities  # noqa: E402
from facility_site.search.coordinates import coordinate_files  # noqa: E402
from facility_site.search.data import doc_order  # noqa: E402
from facility_site.search.index import to_json  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
GEO_JS = ROOT / "theme" / "static" / "js" / "search" / "geo.js"
BUDGET = {"pref_gzip": 40 * 1024, "national_gzip": 250 * 1024, "sort_ms": 16.0, "build_share": 0.05}

# One search's distance work in the page's engine: distances for every facility, then the order.
MEASURE = """
async ([file, runs]) => {
  const count = file.count;
  const lat = new Float64Array(count), lng = new Float64Array(count);
  let t = performance.now();
  fillCoordinates(file, lat, lng);
  const decodeMs = performance.now() - t;
  const docs = new Int32Array(count).map((_, d) => d);
  const metres = new Float64Array(count);
  const times = [];
  for (let r = 0; r < runs; r++) {
    const position = { lat: 34 + (r % 10) * 0.4, lng: 131 + (r % 7) * 1.5 };
    t = performance.now();
    distancesFrom(position, lat, lng, docs, metres);
    const { ordered } = orderByDistance(docs, metres);
    times.push(performance.now() - t);
    if (ordered.length !== count) throw new Error("lost facilities");
  }
  return { decodeMs, times };
}
"""


def coordinate_bytes(docs) -> dict:
    sizes = {}
    for path, data in coordinate_files(docs).items():
        raw = to_json(data).encode("utf-8")
        sizes[path] = (len(raw), len(gzip.compress(raw, compresslevel=9, mtime=0)))
    prefs = {p: s for p, s in sizes.items() if p != "geo/all.json"}
    largest = max(prefs, key=lambda p: prefs[p][1])
    return {"national": sizes["geo/all.json"], "largest_pref": (largest, *prefs[largest])}


def browser_sort(national: dict, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    source = GEO_JS.read_text(encoding="utf-8").replace("export ", "")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        tab = browser.new_page()
        tab.goto("about:blank")
        tab.add_script_tag(content=source)
        result = tab.evaluate(MEASURE, [national, runs])
        browser.close()
    times = sorted(result["times"])
    return {"decode_ms": result["decodeMs"], "best_ms": times[0], "median_ms": statistics.median(times), "max_ms": times[-1]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=Path, required=True, help="a records folder, e.g. from `make synth N=30000`")
    parser.add_argument("--runs", type=int, default=100, help="distance sorts timed in the browser")
    parser.add_argument("--build-cpu", type=float, help="CPU seconds of a full build of the same records, for the share")
    args = parser.parse_args(argv)

    facilities = load_facilities(args.records)
    located = sum(1 for f in facilities if f.location)
    start = time.process_time()
    nearby = nearby_offices(facilities)
    nearby_cpu = time.process_time() - start
    assert len(nearby) == located

    docs = doc_order(facilities)
    start = time.process_time()
    written = {path: to_json(data) for path, data in coordinate_files(docs).items()}
    coordinates_cpu = time.process_time() - start
    assert written
    sizes = coordinate_bytes(docs)
    national = coordinate_files(docs)["geo/all.json"]
    sort = browser_sort(national, args.runs)

    def verdict(value, key) -> str:
        return "pass" if value <= BUDGET[key] else "MISS"

    kib = 1024
    print(f"bench_near: {len(facilities):,} facilities, {located:,} with a location")
    print(f"  近くの事業所 (5 nearest, spatial grid): {nearby_cpu:.2f} s CPU")
    print(f"  search coordinate files (geo/*.json): {coordinates_cpu:.2f} s CPU")
    if args.build_cpu:
        share = (nearby_cpu + coordinates_cpu) / args.build_cpu
        budget = BUDGET["build_share"]
        print(f"    both, as a share of a full build's {args.build_cpu:.1f} s CPU: {share:.1%} (budget ≤ {budget:.0%}: {verdict(share, 'build_share')})")
    name, raw, packed = sizes["largest_pref"]
    print(f"  coordinates, largest prefecture ({name}): {raw / kib:.1f} KiB raw, {packed / kib:.1f} KiB gzip (≤ 40 KiB: {verdict(packed, 'pref_gzip')})")
    raw, packed = sizes["national"]
    print(f"  coordinates, national (geo/all.json): {raw / kib:.1f} KiB raw, {packed / kib:.1f} KiB gzip (≤ 250 KiB: {verdict(packed, 'national_gzip')})")
    print(f"  Chromium: decode national file {sort['decode_ms']:.1f} ms (once)")
    print(
        f"  Chromium: distances + order of {len(docs):,}, {args.runs} runs: best {sort['best_ms']:.1f} ms, median {sort['median_ms']:.1f} ms, "
        f"worst {sort['max_ms']:.1f} ms (≤ 16 ms, median: {verdict(sort['median_ms'], 'sort_ms')}; best: {verdict(sort['best_ms'], 'sort_ms')})"
    )
    load = os.getloadavg()[0]
    print(f"  load average while measuring: {load:.1f} on {os.cpu_count()} CPUs (other processes only add to every time above)")
    figures = {"nearby_cpu_s": round(nearby_cpu, 2), "coordinates_cpu_s": round(coordinates_cpu, 2), "sizes": sizes}
    figures["sort"] = {k: round(v, 2) for k, v in sort.items()}
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
