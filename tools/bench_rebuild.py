"""`make bench-rebuild`: full and incremental builds at national scale, against plain Pelican, in one run.

    python tools/bench_rebuild.py --size 30000 [--no-serial] [--no-doc]

On the same synthetic records (tools/synth.py), one after another:

1. a clean build (no output, empty cache) with the default render workers,
2. the same with FACILITY_SITE_WORKERS=1 (serial), unless --no-serial,
3. a rebuild with nothing changed (warm cache),
4. rebuilds after editing one record (--edits times, 5 by default: the table
   shows the median run, and every run's wall time is listed), then one
   article, then one template,
5. `make devserver`'s loop: it is started on the built site, one record is
   edited, and the time until the served page shows the edit is measured,
6. plain Pelican (tools/peers/pelicanconf_plain.py) on the same records.

Each build is a separate process; wall time and CPU time (user + system of
the process and its render workers) are reported, because on a shared
machine the wall time says more about the neighbours than about the build.
The figures go into docs/benchmarks.md between the bench-rebuild markers.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "tools"))

import bench  # noqa: E402
from peers import plain_sites  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"
PELICAN = ROOT / ".venv" / "bin" / "pelican"
PLAIN_CONF = ROOT / "tools" / "peers" / "pelicanconf_plain.py"
MARKER = "bench-rebuild"
ARTICLE = """Title: ベンチマーク用の記事
Slug: bench-article
Date: 2026-11-01

ベンチマークのための記事です。
"""


def log(message: str) -> None:
    print(f"bench-rebuild: {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def run(args: list[str], env: dict) -> dict:
    """Run one build; wall and CPU seconds, peak RSS (largest single process), and its last stdout line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = loadavg()
    start = time.perf_counter()
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{args[0]} failed ({result.returncode}): " + " | ".join(tail))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = [line for line in result.stdout.splitlines() if line.startswith("facility_site:")]
    return {
        "wall": wall,
        "cpu": cpu,
        "rss_mib": round(after.ru_maxrss / 1024) if after.ru_maxrss > before.ru_maxrss else None,
        "summary": summary[-1].removeprefix("facility_site: ") if summary else "",
        "load": f"{load} → {loadavg()}",
    }


def loadavg() -> str:
    """The 1-minute load average (other sessions share the machine)."""
    path = Path("/proc/loadavg")
    return path.read_text().split()[0] if path.exists() else "?"


class Site:
    """The synthetic project: records, one article, a copy of the theme, a settings file pointing at them."""

    def __init__(self, work: Path, records: Path):
        self.work = work
        self.records = work / "records"
        if self.records.exists():
            shutil.rmtree(self.records)
        shutil.copytree(records, self.records)
        self.content = work / "content"
        shutil.rmtree(self.content, ignore_errors=True)
        (self.content / "articles").mkdir(parents=True)
        (self.content / "articles" / "bench-article.md").write_text(ARTICLE, encoding="utf-8")
        self.theme = work / "theme"
        shutil.rmtree(self.theme, ignore_errors=True)
        shutil.copytree(ROOT / "theme", self.theme)
        self.conf = work / "conf.py"
        self.conf.write_text(
            "import importlib.util\n"
            f"_spec = importlib.util.spec_from_file_location('project_conf', {str(ROOT / 'pelicanconf.py')!r})\n"
            "_base = importlib.util.module_from_spec(_spec)\n"
            "_spec.loader.exec_module(_base)\n"
            "globals().update({k: v for k, v in vars(_base).items() if k.isupper()})\n"
            f"THEME = {str(self.theme)!r}\n",
            encoding="utf-8",
        )
        self.output = work / "output"
        self.cache = work / "cache"

    def env(self, **extra) -> dict:
        env = dict(os.environ, FACILITIES=str(self.records), CONTENT=str(self.content), FACILITY_CACHE=str(self.cache), PYTHONPATH=str(ROOT / "plugins"))
        env.pop("FACILITY_SITE_WORKERS", None)
        env.update(extra)
        return env

    def build(self, clean: bool = False, **extra) -> dict:
        if clean:
            shutil.rmtree(self.output, ignore_errors=True)
            shutil.rmtree(self.cache, ignore_errors=True)
        row = run([str(PYTHON), "-m", "facility_site.build", "-s", str(self.conf), "-o", str(self.output)], self.env(**extra))
        log(f"  {fmt(row)} | {row['summary']}")
        return row

    def first_record(self) -> Path:
        return sorted(self.records.glob("*.yaml"))[0]


def edit_record(path: Path, suffix: str, field: str = "catchphrase") -> None:
    """Append `suffix` to one top-level field of a record.

    The catchphrase by default: it is on the facility page, its lists and
    the search data. A name edit is measured on its own: facility names are
    ふりがな phrases, so a changed name changes every page's key.
    """
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith(f"{field}: "):
            lines[index] = line.rstrip("\n") + suffix + "\n"
            break
    else:
        raise RuntimeError(f"{path} has no {field}: line to edit")
    path.write_text("".join(lines), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def devserver_edit(site: Site) -> dict:
    """Start the devserver on the built site, edit one record, time until the served page shows it."""
    port = free_port()
    log_path = site.work / "devserver.log"
    record = site.first_record()
    url = f"http://127.0.0.1:{port}/facilities/{record.stem}/"
    with log_path.open("w") as sink:
        server = subprocess.Popen(
            [str(PYTHON), "-m", "facility_site.devserver", "-s", str(site.conf), "-o", str(site.output), "--port", str(port)],
            env=site.env(),
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 3600
        while "serving" not in log_path.read_text(encoding="utf-8"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("devserver did not start: " + log_path.read_text(encoding="utf-8")[-500:])
            time.sleep(0.5)
        edit_record(record, "（devserver）")
        start = time.perf_counter()
        while True:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    if "（devserver）" in response.read().decode("utf-8"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the edit never showed")
            time.sleep(0.2)
        seen = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=60)
    return {"seen": seen}


def plain_pelican(records: Path, work: Path) -> dict:
    from facility_site.records.reader import load_facilities

    content = plain_sites.write_pelican_content(load_facilities(records), work / "plain" / "content")
    out = work / "plain" / "out"
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, PLAIN_CONTENT=str(content))
    return run([str(PELICAN), str(content), "-o", str(out), "-s", str(PLAIN_CONF), "-q"], env)


def count_files(folder: Path) -> int:
    return sum(1 for path in folder.rglob("*") if path.is_file())


def fmt(row: dict) -> str:
    rss = f"{row['rss_mib']} MiB" if row.get("rss_mib") else "—"
    return f"{row['wall']:.1f} | {row['cpu']:.1f} | {rss}"


def median_run(runs: list[dict]) -> dict:
    """The run with the median wall time (the lower middle one of an even count)."""
    ordered = sorted(runs, key=lambda run: run["wall"])
    return ordered[(len(ordered) - 1) // 2]


def report(size: int, rows: dict, machine: dict, files: int, dev: dict | None, load: str, edit_walls: list[float] = ()) -> str:
    plain = rows.get("plain Pelican")
    lines = [
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram_gib']} GiB RAM; load average at start {load} (shared with other sessions)",
        f"- Run: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {size:,} synthetic facilities (tools/synth.py seed {bench.SEED}) and one article",
        "",
        "| build | wall (s) | CPU (s) | peak RSS (largest process) | load (1 min, start → end) | output |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        lines.append(f"| {name} | {fmt(row)} | {row.get('load', '')} | {row.get('summary', '')} |")
    lines += ["", f"Files in the output after the clean build: {files:,}."]
    if len(edit_walls) > 1:
        shown = ", ".join(f"{wall:.1f}" for wall in edit_walls)
        lines.append(f"One record edited: {len(edit_walls)} edits, each followed by a rebuild ({shown} s wall); the table shows the median run.")
    if dev:
        lines.append(f"`make devserver` on this site: one record edited, the served page showed it after {dev['seen']:.1f} s (wall).")
    clean = rows.get("clean build, default workers")
    if plain and clean:
        lines.append(
            f"Ratio to plain Pelican, clean build: {clean['wall'] / plain['wall']:.2f}× wall, {clean['cpu'] / plain['cpu']:.2f}× CPU "
            f"(goal ≤ 0.5×). One-record rebuild: {rows['one record edited']['wall']:.1f} s wall, {rows['one record edited']['cpu']:.1f} s CPU, "
            f"{rows['one record edited']['wall'] / clean['wall']:.0%} of the clean build's wall and "
            f"{rows['one record edited']['cpu'] / clean['cpu']:.0%} of its CPU (goal ≤ 5 s or ≤ 10%)."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=30000)
    parser.add_argument("--work", type=Path, default=ROOT / "bench-out")
    parser.add_argument("--no-serial", action="store_true", help="skip the serial clean build")
    parser.add_argument("--no-plain", action="store_true", help="skip plain Pelican")
    parser.add_argument("--no-devserver", action="store_true")
    parser.add_argument("--name-edit", action="store_true", help="also rebuild after a facility name edit")
    parser.add_argument("--edits", type=int, default=5, help="one-record edits, each followed by a rebuild; the table shows the median")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args(argv)
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"
    work = args.work / f"rebuild-{args.size}"
    work.mkdir(parents=True, exist_ok=True)
    records = bench.ensure_synth(args.size, args.work)
    site = Site(work, records)
    rows: dict[str, dict] = {}
    log("clean build, default workers")
    rows["clean build, default workers"] = site.build(clean=True)
    files = count_files(site.output)
    log("rebuild, nothing changed")
    rows["rebuild, nothing changed"] = site.build()
    runs = []
    for run_number in range(1, args.edits + 1):  # the goal's figure is their median: one run on a shared machine says little
        log(f"rebuild, one record edited ({run_number} of {args.edits})")
        edit_record(site.first_record(), "（編集）")
        runs.append(site.build())
    rows["one record edited"] = median_run(runs)
    edit_walls = [run["wall"] for run in runs]
    if args.name_edit:
        log("rebuild, one record's name edited")
        edit_record(site.first_record(), "（改名）", field="name")
        rows["one record's name edited (a ふりがな phrase)"] = site.build()
    log("rebuild, the article edited")
    article = site.content / "articles" / "bench-article.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n追記です。\n", encoding="utf-8")
    rows["one article edited"] = site.build()
    log("rebuild, facility.html edited")
    template = site.theme / "templates" / "facility.html"
    template.write_text(template.read_text(encoding="utf-8") + "{# bench edit #}\n", encoding="utf-8")
    rows["facility.html edited (every page made from it)"] = site.build()
    dev = None
    if not args.no_devserver:
        log("devserver, one record edited")
        dev = devserver_edit(site)
        log(f"  the edit showed after {dev['seen']:.1f} s")
    if not args.no_plain:
        log("plain Pelican")
        rows["plain Pelican"] = plain_pelican(records, work)
        log(f"  {fmt(rows['plain Pelican'])}")
    if not args.no_serial:  # last: it replaces the output and cache the rebuilds used
        log("clean build, serial")
        rows["clean build, FACILITY_SITE_WORKERS=1"] = site.build(clean=True, FACILITY_SITE_WORKERS="1")
    text = report(args.size, rows, bench.machine_info(), files, dev, load, edit_walls)
    print(text)
    if not args.no_doc:
        bench.write_doc_section(MARKER, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
