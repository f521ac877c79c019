"""What the glossary's first-use links cost a national build: the same records, with and without content/glossary.yaml.

    python tools/bench_glossary.py --records /tmp/synth-30000 [--repeats 2] [--work bench-out/glossary]

Each run builds in a fresh process (the real build command, as `make html`
runs it) with CONTENT pointing at the sample articles with the glossary, or
at the same articles without it, alternating the two so machine load hits
both alike. A third, instrumented in-process build times every call of the
page transform (link_page_terms), which is the glossary's cost alone and
does not depend on the machine's other work (CPU time). Prints the figures
as JSON, writes them to <work>/glossary-bench.json and between the
`bench-glossary:start`/`end` markers of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import write_doc_section  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"


def contents(work: Path) -> dict[str, Path]:
    """Two content folders: the glossary alone, and nothing (the sample articles embed sample facilities)."""
    folders = {}
    for name, with_glossary in (("with", True), ("without", False)):
        folder = work / f"content-{name}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        if with_glossary:
            shutil.copy(ROOT / "content" / "glossary.yaml", folder / "glossary.yaml")
        folders[name] = folder
    return folders


def timed_build(records: Path, content: Path, output: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "plugins"), FACILITIES=str(records), CONTENT=str(content))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [str(PYTHON), "-m", "facility_site.build", "-s", "pelicanconf.py", "-o", str(output)], env=env, cwd=ROOT, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode:
        sys.exit(f"build failed:\n{result.stderr}")
    return {"wall_s": round(wall, 2), "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 2)}


def gzip_bytes(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


def page_sizes(output: Path) -> dict:
    facility = sorted((output / "facilities").iterdir())[0] / "index.html"
    return {
        "facility_page": facility.relative_to(output).as_posix(),
        "facility_gzip": gzip_bytes(facility),
        "list_page": "pref/tokyo/index.html",
        "list_gzip": gzip_bytes(output / "pref" / "tokyo" / "index.html"),
        "links": sum(p.read_text(encoding="utf-8").count("data-glossary-link=") for p in output.rglob("*.html")),
        "pages": sum(1 for _ in output.rglob("*.html")),
    }


def transform_time(records: Path, content: Path, output: Path) -> dict:
    """An in-process build that times every call of the glossary's page transform."""
    sys.path.insert(0, str(ROOT / "plugins"))
    os.environ.update(FACILITIES=str(records), CONTENT=str(content))
    from facility_site import plugin
    from pelican import Pelican
    from pelican.settings import read_settings

    spent = [0.0, 0]
    inner = plugin.PAGE_TRANSFORMS[0]

    def timed(html, context):
        start = time.process_time()
        try:
            return inner(html, context)
        finally:
            spent[0] += time.process_time() - start
            spent[1] += 1

    plugin.PAGE_TRANSFORMS = (timed,)
    start = time.process_time()
    Pelican(read_settings(str(ROOT / "pelicanconf.py"), override={"OUTPUT_PATH": str(output)})).run()
    build_cpu = time.process_time() - start
    return {"build_cpu_s": round(build_cpu, 2), "transform_cpu_s": round(spent[0], 2), "pages_transformed": spent[1]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--work", type=Path, default=ROOT / "bench-out" / "glossary")
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    load_at_start = os.getloadavg()
    folders = contents(args.work)
    runs: dict[str, list[dict]] = {"with": [], "without": []}
    for _ in range(args.repeats):
        for name in ("without", "with"):
            output = args.work / f"out-{name}"
            runs[name].append(timed_build(args.records, folders[name], output))
            print(name, runs[name][-1], flush=True)
    sizes = {name: page_sizes(args.work / f"out-{name}") for name in runs}
    instrumented = transform_time(args.records, folders["with"], args.work / "out-instrumented")
    # --repeats 0 skips the A/B builds (the instrumented build alone; sizes from the outputs already in --work).
    median = {name: {k: statistics.median(r[k] for r in rs) for k in ("wall_s", "cpu_s")} for name, rs in runs.items() if rs}
    report = {
        "records": len(list(args.records.glob("*.yaml"))),
        "runs": runs,
        "median": median,
        "cpu_increase_pct": round(100 * (median["with"]["cpu_s"] / median["without"]["cpu_s"] - 1), 1) if median else None,
        "wall_increase_pct": round(100 * (median["with"]["wall_s"] / median["without"]["wall_s"] - 1), 1) if median else None,
        "sizes": sizes,
        "instrumented": instrumented,
        "transform_share_pct": round(100 * instrumented["transform_cpu_s"] / (instrumented["build_cpu_s"] - instrumented["transform_cpu_s"]), 1),
        "load_average": [os.getloadavg(), load_at_start],
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip(),
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    (args.work / "glossary-bench.json").write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True))
    if not args.no_doc:
        write_doc_section("bench-glossary", doc_section(report))
    return 0


def doc_section(r: dict) -> str:
    size = r["sizes"]
    runs = {name: ", ".join(f"{x['cpu_s']}" for x in rs) for name, rs in r["runs"].items()}
    walls = {name: ", ".join(f"{x['wall_s']}" for x in rs) for name, rs in r["runs"].items()}
    inst = r["instrumented"]
    start, end = r["load_average"][1], r["load_average"][0]
    lines = [
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()} "
        f"(load average at start {' '.join(f'{x:.2f}' for x in start)}, at end {' '.join(f'{x:.2f}' for x in end)}; shared with other sessions)",
        f"- Run: {r['when']}, commit {r['commit']}, {len(r['runs']['with'])} A/B run(s) each, alternating; {r['records']:,} records from `make synth`",
    ]
    if r["median"]:
        lines += [
            "",
            "| build | CPU (median) | CPU, each run | wall (median) | wall, each run |",
            "|---|---|---|---|---|",
            *(
                f"| {label} content/glossary.yaml | {r['median'][name]['cpu_s']} s | {runs[name]} | {r['median'][name]['wall_s']} s | {walls[name]} |"
                for name, label in (("without", "without"), ("with", "with"))
            ),
            f"| difference | {r['cpu_increase_pct']:+.1f}% | | {r['wall_increase_pct']:+.1f}% | |",
        ]
    else:
        lines.append("- The A/B builds were not run in this run (`--repeats 0`).")
    lines += [
        "",
        f"- The transform alone (an instrumented in-process build, CPU time of every call): {inst['transform_cpu_s']} s over "
        f"{inst['pages_transformed']:,} pages, {r['transform_share_pct']}% of the rest of that build's "
        f"{inst['build_cpu_s'] - inst['transform_cpu_s']:.1f} s CPU.",
        f"- Links written: {size['with']['links']:,} on {size['with']['pages']:,} pages.",
        f"- gzip bytes (level 6) of `{size['with']['facility_page']}`: {size['without']['facility_gzip']:,} → {size['with']['facility_gzip']:,} "
        f"({100 * (size['with']['facility_gzip'] / size['without']['facility_gzip'] - 1):+.1f}%); of `{size['with']['list_page']}`: "
        f"{size['without']['list_gzip']:,} → {size['with']['list_gzip']:,} ({100 * (size['with']['list_gzip'] / size['without']['list_gzip'] - 1):+.1f}%).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
