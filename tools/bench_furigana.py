"""The budgets of the ふりがな switch (issue #13): this tree against a tree without it.

    python tools/bench_furigana.py --base-tree DIR [--count 30000] [--work bench-out/furigana] [--no-doc] [--reuse]

`--base-tree` is a checkout of the project before ふりがな (for example
`git archive <commit> | tar -x -C DIR`, with .venv and node_modules linked).
Both trees build the same synthetic records (tools/synth.py, seed 1) with the
real build command; then:

- **build**: wall and CPU (user + system) seconds of each build;
- **page bytes**: gzip (level 6, as tools/bench.py serves) of a facility
  page and of a list page (the first page of 東京都);
- **search bytes**: tools/bench.py's three fetch scenarios, all bytes the
  browser fetched (HTML, CSS, JS, data), for the base tree, for this tree
  with the switch off, and with it on (readings.json and live.js included);
  and whether the search data files are byte-identical.

Prints the table and writes it into docs/benchmarks.md between
`furigana:start` and `furigana:end`. With `--reuse`, outputs (and their
timings) already in the work folder are measured without building again.
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import bench  # noqa: E402 - the sibling tool's server and scenarios

FACILITY_PAGE = "facilities/sample-00001/index.html"
LIST_PAGE = "pref/tokyo/index.html"
BUDGETS = {"build": 0.15, "page": 0.25, "search_on": 0.20}


def build(tree: Path, records: Path, output: Path) -> dict:
    """Build with `tree`'s code into `output`; wall and CPU seconds of the build process."""
    timing = output.with_name(output.name + ".timing.json")
    content = output.parent / "content-empty"  # the sample articles embed ids the synthetic set lacks
    content.mkdir(parents=True, exist_ok=True)
    # As `make bench` builds (tools/bench.py build_site): the glossary, no output to link unchanged
    # files from, and an empty build cache of its own (written, never read); the tree's .cache
    # would otherwise be read, and differ between the two trees and between runs.
    shutil.copy(ROOT / "content" / "glossary.yaml", content / "glossary.yaml")
    shutil.rmtree(output, ignore_errors=True)
    cache = output.parent / f"cache-{output.name}"
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, FACILITIES=str(records), CONTENT=str(content), PYTHONPATH=str(tree / "plugins"), FACILITY_CACHE=str(cache))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [str(tree / ".venv" / "bin" / "python"), "-m", "facility_site.build", "-s", "pelicanconf.py", "-o", str(output)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"bench_furigana: build with {tree} failed:\n{result.stderr[-2000:]}")
    figures = {"wall_s": round(wall, 1), "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1)}
    timing.write_text(json.dumps(figures), encoding="utf-8")
    return figures


def built(tree: Path, records: Path, output: Path, reuse: bool) -> dict:
    timing = output.with_name(output.name + ".timing.json")
    if reuse and output.is_dir() and timing.is_file():
        return json.loads(timing.read_text(encoding="utf-8"))
    return build(tree, records, output)


def gzip_bytes(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=bench.GZIP_LEVEL, mtime=0))


def search_data_identical(base: Path, site: Path) -> bool:
    """Whether every search data file (search/<hash>/…) is byte-identical in both builds."""
    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in (root / "search").rglob("*") if p.is_file() and p.name != "index.html"}

    a, b = files(base), files(site)
    return a.keys() == b.keys() and all(filecmp.cmp(a[k], b[k], shallow=False) for k in a)


def fetch_bytes(site: Path, furigana_on: bool) -> dict:
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as playwright, bench.GzipServer(site) as server:
        browser = bench.launch_browser(playwright)
        original = bench.new_tab

        def new_tab(browser):
            context, tab = original(browser)
            if furigana_on:
                context.add_init_script("localStorage.setItem('furigana', 'on')")
            return context, tab

        bench.new_tab = new_tab
        try:
            for key, (_label, url) in bench.SCENARIOS.items():
                row = bench.fetch_scenario(browser, server, url)
                out[key] = {"bytes": row["bytes"], "requests": row["requests"], "errors": row["page_errors"]}
        finally:
            bench.new_tab = original
            browser.close()
    return out


def change(new: float, old: float) -> str:
    return f"{(new / old - 1) * 100:+.1f}%"


def verdict(new: float, old: float, budget: float) -> str:
    return "pass" if new <= old * (1 + budget) else "MISS"


def report(count: int, base_t: dict, site_t: dict, pages: dict, searches: dict, identical: bool, commit: str) -> str:
    lines = [
        f"- Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, commit {commit}, {count:,} synthetic facilities; "
        f"load average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({platform.machine()}, {os.cpu_count()} cores, shared)",
        "",
        "| figure | without ふりがな | with ふりがな | change | budget | result |",
        "|---|---|---|---|---|---|",
        f"| build, wall | {base_t['wall_s']} s | {site_t['wall_s']} s | {change(site_t['wall_s'], base_t['wall_s'])} | +15% | "
        f"{verdict(site_t['wall_s'], base_t['wall_s'], BUDGETS['build'])} |",
        f"| build, CPU (user+sys) | {base_t['cpu_s']} s | {site_t['cpu_s']} s | {change(site_t['cpu_s'], base_t['cpu_s'])} | +15% | "
        f"{verdict(site_t['cpu_s'], base_t['cpu_s'], BUDGETS['build'])} |",
    ]
    for label, key in (("facility page, gzip", "facility"), ("list page (東京都, page 1), gzip", "list")):
        old, new = pages[key]
        lines.append(f"| {label} | {old:,} B | {new:,} B | {change(new, old)} | +25% | {verdict(new, old, BUDGETS['page'])} |")
    for key, (label, _url) in bench.SCENARIOS.items():
        old = searches["base"][key]["bytes"]
        off = searches["off"][key]["bytes"]
        on = searches["on"][key]["bytes"]
        lines.append(f"| search ({key}) {label}, switch off | {old:,} B | {off:,} B | {change(off, old)} | unchanged | "
                     f"{'pass' if off == old else 'MISS'} |")
        lines.append(f"| search ({key}) {label}, switch on | {old:,} B | {on:,} B | {change(on, old)} | +20% | "
                     f"{verdict(on, old, BUDGETS['search_on'])} |")
    lines.append("")
    lines.append(f"- Search data files (index, cards, facets) byte-identical with and without ふりがな: {'yes' if identical else 'NO'}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-tree", type=Path, required=True)
    parser.add_argument("--count", type=int, default=30000)
    parser.add_argument("--work", type=Path, default=ROOT / "bench-out" / "furigana")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    records = bench.ensure_synth(args.count, work)
    base_out, site_out = work / f"base-{args.count}", work / f"site-{args.count}"
    base_t = built(args.base_tree.resolve(), records, base_out, args.reuse)
    site_t = built(ROOT, records, site_out, args.reuse)
    pages = {
        "facility": (gzip_bytes(base_out / FACILITY_PAGE), gzip_bytes(site_out / FACILITY_PAGE)),
        "list": (gzip_bytes(base_out / LIST_PAGE), gzip_bytes(site_out / LIST_PAGE)),
    }
    searches = {"base": fetch_bytes(base_out, False), "off": fetch_bytes(site_out, False), "on": fetch_bytes(site_out, True)}
    identical = search_data_identical(base_out, site_out)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    text = report(args.count, base_t, site_t, pages, searches, identical, commit)
    print(text)
    (work / "results.json").write_text(json.dumps({"base": base_t, "site": site_t, "pages": pages, "searches": searches,
                                                   "search_data_identical": identical}, indent=1, sort_keys=True), encoding="utf-8")
    if not args.no_doc:
        bench.write_doc_section("furigana", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
