"""`make bench`: build the synthetic national site at several sizes and measure it.

    python tools/bench.py [--sizes 1000 10000 30000] [--work bench-out] [--no-doc]

For each size: the build time of the real build command
(`python -m facility_site.build` with FACILITIES and -o), the output size,
the gzip bytes a browser fetches for three searches on /search/ (served by a
local static server that gzips like a static host; with --brotli it sends
brotli to browsers that accept it, and the bytes in both encodings are
recorded either way), and the query latency per
keystroke measured inside headless Chromium; then the same three searches and
the typing on a throttled phone network (tools/throttle.py: time to first
results, sequential waves of requests, keystrokes that fetched and those that
did not), with the request waterfall of (a) and (b) drawn into
docs/search-waterfall.svg (HTTP/2) and docs/search-waterfall-http1.svg. Prints a table, writes the
figures to bench-out/bench-results.json and into docs/benchmarks.md between
the `bench:start` and `bench:end` markers.

Nothing here is hard-coded: a figure that could not be measured is reported
as missing with the reason (for example "search page not found").
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import http.server
import json
import mimetypes
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import throttle  # noqa: E402 - tools/ is not a package

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
CHROMIUM = "/usr/bin/chromium"
# The same flags as tests/conftest.py uses for the browser tests.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOC = ROOT / "docs" / "benchmarks.md"
WATERFALL = ROOT / "docs" / "search-waterfall.svg"
THROTTLED_REPEATS = 3  # throttled page loads per scenario; the median is reported
# Typed on the throttled network (fewer keys than unthrottled: each fetch costs a round trip).
THROTTLED_TYPED = ("横浜市緑区", "ワークス")
DEFAULT_SIZES = (1000, 10000, 30000)
SEED = 1

# The three fetch scenarios of issue #3. (b) and (c) use places the synthetic
# data always has (tools/synth.py PLACES): 新宿 is in 東京都, 緑区 in five cities.
SCENARIOS = {
    "a": ("filter only, one prefecture", "search/?pref=tokyo"),
    "b": ("text, one prefecture", "search/?pref=tokyo&q=%E6%96%B0%E5%AE%BF"),  # q=新宿
    "c": ("text, nationwide", "search/?q=%E7%B7%91%E5%8C%BA"),  # q=緑区
}
# Typed one key at a time on /search/ (nationwide) for the latency figures.
TYPED_QUERIES = ("横浜市緑区", "ワークス", "新宿御苑前", "就労定着", "さんぷる")
# Issue 17: typed after TYPED_QUERIES in the same page. TYPED_QUERIES give 12-13 keys that fetch
# nothing, so their p95 is simply the slowest one; over these too it is over about 50 such keys.
# Reported beside the first figure, never instead of it. Words the synthetic data has (tools/synth.py).
MORE_TYPED = ("札幌市中央区", "キャリアステップ", "プログラミング", "ビジネスマナー", "仙台市青葉区", "ひだまり", "在宅訓練可", "パソコン訓練")

# Targets at 30,000 facilities (issue #3).
TARGETS = {
    "build_s": ("full build", 120.0, "s"),
    "a": ("(a) bytes fetched", 150 * 1024, "B"),
    "b": ("(b) bytes fetched", 300 * 1024, "B"),
    "c": ("(c) bytes fetched", 1.5 * 1024 * 1024, "B"),
    "warm_p95_ms": ("p95 latency per keystroke, after load", 50.0, "ms"),
}
# Issue 17's goals on the throttled phone profile at 30,000 facilities.
THROTTLED_TARGETS = {
    "first_result_ms": ("time to first results, throttled", 1200.0, "ms"),
    "waves": ("sequential waves of requests before the first results", 4, ""),
}

RESULTS_SELECTOR = "[data-results]"
READY_SELECTOR = '[data-results][aria-busy="false"]'
TEXT_BOX_SELECTOR = 'input[name="q"]'
PAGE_TIMEOUT_MS = 60_000
KEY_TIMEOUT_MS = 15_000


# --- a static host that gzips (or sends brotli) -------------------------------------

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml", "application/manifest+json")
GZIP_LEVEL = 6  # what static hosts and CDNs typically use on the fly
BROTLI_LEVEL = 5  # likewise for brotli on the fly; a .br twin (make publish, quality 11) is sent as it is


@dataclass
class Fetch:
    path: str
    status: int
    body_bytes: int  # as sent on the wire (gzip when the browser asked for it)
    encoding: str
    gzip_bytes: int = 0  # the same body in each encoding (identity when not compressible)
    br_bytes: int = 0
    sized: threading.Event = field(default_factory=threading.Event, repr=False, compare=False)  # the two sizes are in


@dataclass
class FetchLog:
    fetches: list[Fetch] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, fetch: Fetch) -> None:
        with self.lock:
            self.fetches.append(fetch)

    def take(self, timeout: float = 30.0) -> list[Fetch]:
        """The fetches logged so far, once their other encodings' sizes are in.

        A fetch is logged before its body is sent and sized after; waiting here also keeps the
        server's own compressing (brotli of a 349 KB card file: tens of ms) out of the next keystroke.
        """
        with self.lock:
            taken, self.fetches = self.fetches, []
        for fetch in taken:
            fetch.sized.wait(timeout)
        return taken


class _GzipHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    root: Path
    log: FetchLog
    cache: dict
    brotli: bool = False  # send brotli to browsers that accept it

    def log_message(self, *args):  # the fetch log is the record
        pass

    def do_GET(self):  # noqa: N802 - http.server's naming
        self._respond(send_body=True)

    def do_HEAD(self):  # noqa: N802
        self._respond(send_body=False)

    def _resolve(self) -> Path | None:
        path = unquote(urlsplit(self.path).path)
        target = (self.root / path.lstrip("/")).resolve()
        if not str(target).startswith(str(self.root)):
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def _respond(self, send_body: bool) -> None:
        target = self._resolve()
        status = 200
        if target is None:
            status, target = 404, self.root / "404.html"
        stat = target.stat() if target.is_file() else None
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"' if stat else '"none"'
        if status == 200 and self.headers.get("If-None-Match") == etag:  # revalidation, as static hosts answer it
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            self.log.add(fetch := Fetch(urlsplit(self.path).path, 304, 0, "identity"))
            fetch.sized.set()
            return
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if target.suffix == ".mjs":
            ctype = "text/javascript"
        accepted = {part.split(";")[0].strip() for part in self.headers.get("Accept-Encoding", "").split(",")}
        wanted = "br" if self.brotli and "br" in accepted else "gzip" if "gzip" in accepted else ""
        body, encoding = self._body(target, ctype, wanted) if target.is_file() else (b"not found", "")
        self.send_response(status)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype.startswith("text/") or ctype.endswith("json") else ""))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")  # revalidate each time (ETag), like many static hosts
        self.send_header("ETag", etag)
        if encoding:
            self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        if send_body:
            # Logged before the body goes out: the page may have the body and finish a keystroke before
            # this thread runs again, and a fetch logged late was counted for the next key (the keys
            # "without fetch" then held fetching ones). The other encodings' sizes are filled in after.
            fetch = Fetch(urlsplit(self.path).path, status, len(body), encoding or "identity", len(body), len(body))
            self.log.add(fetch)
            try:
                self.wfile.write(body)
                if target.is_file():
                    fetch.gzip_bytes, fetch.br_bytes = (len(self._body(target, ctype, name)[0]) for name in ("gzip", "br"))
            finally:
                fetch.sized.set()

    def _body(self, target: Path, ctype: str, encoding: str) -> tuple[bytes, str]:
        """The body in `encoding` ("gzip", "br" or "" for none): its twin (like nginx gzip_static/brotli_static), else compressed here."""
        if not encoding:
            return target.read_bytes(), ""
        precompressed = target.with_name(target.name + (".br" if encoding == "br" else ".gz"))
        if precompressed.is_file():
            return precompressed.read_bytes(), encoding
        if not ctype.startswith(COMPRESSIBLE):
            return target.read_bytes(), ""
        key = (str(target), target.stat().st_mtime_ns, encoding)
        if key not in self.cache:
            data = target.read_bytes()
            if encoding == "br":
                import brotli  # requirements.txt pins it (make publish's .br twins)

                self.cache[key] = brotli.compress(data, quality=BROTLI_LEVEL, mode=brotli.MODE_TEXT)
            else:
                self.cache[key] = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
        return self.cache[key], encoding


class GzipServer:
    """Serve a folder on 127.0.0.1 (ephemeral port), gzip (or brotli) like a static host, log every body sent."""

    def __init__(self, root: Path, brotli: bool = False):
        self.log = FetchLog()
        handler = type("Handler", (_GzipHandler,), {"root": Path(root).resolve(), "log": self.log, "cache": {}, "brotli": brotli})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> GzipServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# --- in-page measurement ----------------------------------------------------------

# Installed in the page: a keystroke (keydown or beforeinput, whichever comes
# first) starts the clock; the first DOM change under [data-results] after it
# that leaves aria-busy="false" stops it. Times come from performance.now().
LATENCY_PROBE = """
(selector) => {
  const results = document.querySelector(selector);
  const probe = { start: null, times: [], armed: false };
  const begin = () => { if (probe.armed && probe.start === null) probe.start = performance.now(); };
  document.addEventListener("keydown", begin, true);
  document.addEventListener("beforeinput", begin, true);
  document.addEventListener("input", begin, true); // fill() sends only this one
  new MutationObserver(() => {
    if (probe.start === null) return;
    if (results.getAttribute("aria-busy") !== "false") return;
    probe.times.push(performance.now() - probe.start);
    probe.start = null;
    probe.armed = false;
  }).observe(results, { attributes: true, childList: true, subtree: true, characterData: true });
  probe.arm = () => { probe.start = null; probe.armed = true; };
  window.__benchProbe = probe;
}
"""


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def new_tab(browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 1024, "height": 800})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    return context, tab


def search_page_problem(site: Path) -> str | None:
    """None when the built site has a search page with the test hooks, else why not."""
    page = site / "search" / "index.html"
    if not page.is_file():
        return "search page not found (no search/index.html in the build)"
    html = page.read_text(encoding="utf-8")
    if "data-results" not in html:
        return "search page not found (search/index.html has no [data-results])"
    return None


def fetch_scenario(browser, server: GzipServer, url_path: str) -> dict:
    """Load a search URL in a fresh browser context; gzip bytes of everything it fetched."""
    context, tab = new_tab(browser)
    try:
        server.log.take()
        tab.goto(server.url + url_path, wait_until="load", timeout=PAGE_TIMEOUT_MS)
        tab.wait_for_selector(READY_SELECTOR, state="attached", timeout=PAGE_TIMEOUT_MS)
        tab.wait_for_load_state("networkidle", timeout=PAGE_TIMEOUT_MS)
        count_text = tab.text_content("[data-result-count]") or ""
        cards = tab.locator(f"{RESULTS_SELECTOR} [data-facility-id]").count()
        fetches = server.log.take()
        return {
            "bytes": sum(f.body_bytes for f in fetches),
            "bytes_gzip": sum(f.gzip_bytes for f in fetches),
            "bytes_br": sum(f.br_bytes for f in fetches),
            "requests": len(fetches),
            "resources": [[f.path, f.status, f.body_bytes, f.encoding] for f in fetches],
            "result_count_text": count_text.strip(),
            "cards_shown": cards,
            "page_errors": tab.errors,
        }
    finally:
        context.close()


def type_and_time(tab, queries: tuple[str, ...], log: FetchLog | None = None) -> tuple[list[list[float | None]], list[list[list[int]]]]:
    """Type each query one key at a time.

    Returns, per key, ms from keystroke to final results (None: no update),
    and [requests, bytes] the page fetched for that key (when a log is given).
    """
    box = tab.locator(TEXT_BOX_SELECTOR).first
    per_query, fetched = [], []
    for query in queries:
        box.fill("")
        tab.wait_for_selector(READY_SELECTOR, state="attached", timeout=PAGE_TIMEOUT_MS)
        box.focus()
        times: list[float | None] = []
        fetches: list[list[int]] = []
        if log is not None:
            log.take()
        for char in query:
            done = tab.evaluate("() => { window.__benchProbe.arm(); return window.__benchProbe.times.length; }")
            tab.keyboard.type(char)
            try:
                tab.wait_for_function("(n) => window.__benchProbe.times.length > n", arg=done, timeout=KEY_TIMEOUT_MS, polling=5)
                times.append(tab.evaluate("(n) => window.__benchProbe.times[n]", done))
            except Exception:  # noqa: BLE001 - a key whose results never updated is a measured fact
                times.append(None)
            if log is not None:  # what the page fetched for this key (not the browser's favicon checks)
                taken = [f for f in log.take() if f.body_bytes and "favicon" not in f.path]
                fetches.append([len(taken), sum(f.body_bytes for f in taken)])
        per_query.append(times)
        fetched.append(fetches)
    return per_query, fetched


def measure_latency(browser, server: GzipServer, url_path: str = "search/", queries: tuple[str, ...] = TYPED_QUERIES, more: tuple[str, ...] = ()) -> dict:
    """Cold = the first keystroke after page load; warm = every later keystroke.

    `more`: words typed after `queries` in the same page; only the no_fetch_all_* figures count them.
    """
    context, tab = new_tab(browser)
    try:
        tab.goto(server.url + url_path, wait_until="load", timeout=PAGE_TIMEOUT_MS)
        tab.wait_for_selector(READY_SELECTOR, state="attached", timeout=PAGE_TIMEOUT_MS)
        tab.wait_for_load_state("networkidle", timeout=PAGE_TIMEOUT_MS)
        tab.evaluate(LATENCY_PROBE, RESULTS_SELECTOR)
        per_query, fetched = type_and_time(tab, queries, server.log)
        more_times, more_fetched = type_and_time(tab, more, server.log) if more else ([], [])
        flat = [t for times in per_query for t in times]
        measured = [t for t in flat if t is not None]
        warm = [t for t in flat[1:] if t is not None]
        # Issue 17: later keys that fetched nothing (the engine had the data) against those that fetched.
        flat_fetches = [f for per in fetched for f in per]
        still = [t for t, f in list(zip(flat, flat_fetches, strict=True))[1:] if t is not None and not f[0]]
        still_more = [t for times, fs in zip(more_times, more_fetched, strict=True) for t, f in zip(times, fs, strict=True) if t is not None and not f[0]]
        pooled = still + still_more
        return {
            "no_fetch_all_keys": len(pooled),
            "no_fetch_all_p95_ms": percentile(pooled, 95) if pooled else None,
            "no_fetch_all_within_16ms": sum(t <= 16.0 for t in pooled),
            "more_per_key_ms": [[None if t is None else round(t, 1) for t in times] for times in more_times],
            "no_fetch_keys": len(still),
            "no_fetch_p95_ms": percentile(still, 95) if still else None,
            "no_fetch_median_ms": statistics.median(still) if still else None,
            "keys": len(flat),
            "keys_without_update": sum(t is None for t in flat),
            "cold_ms": flat[0],
            "median_ms": statistics.median(measured) if measured else None,
            "p95_ms": percentile(measured, 95) if measured else None,
            "warm_median_ms": statistics.median(warm) if warm else None,
            "warm_p95_ms": percentile(warm, 95) if warm else None,
            "per_key_ms": [[None if t is None else round(t, 1) for t in times] for times in per_query],
            "per_key_fetches": fetched,
            "slow_keys": _slow_keys(queries, per_query, fetched),
            "page_errors": tab.errors,
        }
    finally:
        context.close()


def _slow_keys(queries, per_query, fetched, limit_ms: float = 50.0) -> dict:
    """How many later keystrokes were over the limit, and how many of those fetched something."""
    slow = fetching = 0
    for qi, times in enumerate(per_query):
        for ki, t in enumerate(times):
            if (qi, ki) == (0, 0) or t is None or t <= limit_ms:
                continue
            slow += 1
            fetching += bool(fetched and fetched[qi][ki][0])
    return {"over_ms": limit_ms, "slow": slow, "slow_that_fetched": fetching}


# --- building and sizing ----------------------------------------------------------


def ensure_synth(count: int, work: Path, seed: int = SEED) -> Path:
    """The synthetic records for `count`, regenerated only when synth.py or the count changed."""
    folder = work / f"synth-{count}"
    synth = ROOT / "tools" / "synth.py"
    stamp = folder / ".synth-stamp"
    want = f"{count} {seed} {synth.stat().st_mtime_ns} {synth.stat().st_size}"
    if stamp.is_file() and stamp.read_text() == want:
        return folder
    subprocess.run([str(PYTHON), str(synth), "--count", str(count), "--out", str(folder), "--seed", str(seed)], check=True, cwd=ROOT)
    stamp.write_text(want)
    return folder


def timed_run(args: list[str], env: dict | None = None, cwd: Path = ROOT) -> tuple[float, int | None, subprocess.CompletedProcess]:
    """Run a command; (wall seconds, peak RSS in KiB of the child or None if below an earlier child's, result)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, (peak if peak > before else None), result


def build_site(records: Path, output: Path) -> dict:
    """The real build command on the synthetic records.

    The articles of content/ embed the sample facilities by id, which the
    synthetic set does not have, so the build gets a content folder with
    only the glossary.
    """
    content = output.parent / "content-empty"
    content.mkdir(parents=True, exist_ok=True)
    # The glossary links words on every page, so the site is measured with it (docs/glossary.md).
    shutil.copy(ROOT / "content" / "glossary.yaml", content / "glossary.yaml")
    # A clean build: no output to link unchanged files from, and an empty build cache (written, never read).
    shutil.rmtree(output, ignore_errors=True)
    cache = output.parent / f"cache-{output.name}"
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, FACILITIES=str(records), CONTENT=str(content), PYTHONPATH=str(ROOT / "plugins"), FACILITY_CACHE=str(cache))
    args = [str(PYTHON), "-m", "facility_site.build", "-s", "pelicanconf.py", "-o", str(output)]
    seconds, peak_kib, result = timed_run(args, env=env)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"build failed ({result.returncode}): " + " | ".join(tail))
    peak_mib = round(peak_kib / 1024) if peak_kib else None
    return {"build_s": seconds, "build_peak_rss_mib": peak_mib, "build_warnings": result.stderr.count("WARNING")}


def output_size(site: Path) -> dict:
    files = [p for p in site.rglob("*") if p.is_file()]
    search_dir = site / "search"
    search_files = [p for p in search_dir.rglob("*") if p.is_file()] if search_dir.is_dir() else []
    return {
        "output_bytes": sum(p.stat().st_size for p in files),
        "output_files": len(files),
        "search_bytes": sum(p.stat().st_size for p in search_files),
        "search_files": len(search_files),
    }


# --- the machine ------------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _version(args: list[str]) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "not installed"


def machine_info(browser_version: str | None = None) -> dict:
    cpu = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.M)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.M)
    os_name = re.search(r'^PRETTY_NAME="?([^"\n]+)', _read("/etc/os-release"), re.M)
    from importlib.metadata import version

    def pkg(name: str) -> str:
        try:
            return version(name)
        except Exception:  # noqa: BLE001
            return "not installed"

    lunr_js = json.loads(_read(str(ROOT / "node_modules" / "lunr" / "package.json")) or "{}").get("version", "not installed")
    return {
        "cpu": cpu.group(1).strip() if cpu else platform.processor() or "unknown",
        "cores": os.cpu_count(),
        "ram_gib": round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None,
        "os": os_name.group(1) if os_name else platform.platform(),
        "python": platform.python_version(),
        "pelican": pkg("pelican"),
        "lunr.py": pkg("lunr"),
        "lunr.js": lunr_js,
        "playwright": pkg("playwright"),
        "chromium": browser_version or _version([CHROMIUM, "--version"]),
        "node": _version(["node", "--version"]),
        "load_average": _read("/proc/loadavg").split()[:3],
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": _version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
    }


# --- one size ---------------------------------------------------------------------


def bench_size(count: int, work: Path, browser, brotli: bool = False) -> dict:
    row: dict = {"size": count}
    records = ensure_synth(count, work)
    site = work / f"site-{count}"
    print(f"bench: {count}: building…", file=sys.stderr, flush=True)
    try:
        row.update(build_site(records, site))
    except RuntimeError as exc:
        row["error"] = str(exc)
        return row
    row.update(output_size(site))
    problem = search_page_problem(site)
    if problem:
        row["search"] = problem
        return row
    row["search"] = "ok"
    with GzipServer(site, brotli=brotli) as server:
        for key, (_, url_path) in SCENARIOS.items():
            print(f"bench: {count}: fetch ({key}) {url_path}", file=sys.stderr, flush=True)
            try:
                row[key] = fetch_scenario(browser, server, url_path)
            except Exception as exc:  # noqa: BLE001 - report, keep measuring the rest
                row[key] = {"error": f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"}
        print(f"bench: {count}: typing {len(''.join(TYPED_QUERIES))} keys", file=sys.stderr, flush=True)
        try:
            row["latency"] = measure_latency(browser, server, more=MORE_TYPED)
        except Exception as exc:  # noqa: BLE001
            row["latency"] = {"error": f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"}
        print(f"bench: {count}: throttled, {THROTTLED_REPEATS} loads per scenario, then typing", file=sys.stderr, flush=True)
        row["throttled"] = measure_throttled(browser, site, "search/")
    return row


# The same files over HTTP/1.1 (GzipServer: a browser opens at most six connections to it)
# and over HTTP/2 (throttle.H2Server: what static hosts and CDNs serve).
PROTOCOLS = {"h2": "HTTP/2", "h1": "HTTP/1.1"}


def measure_throttled(browser, site: Path, page_path: str, repeats: int = THROTTLED_REPEATS, typed: tuple[str, ...] = THROTTLED_TYPED) -> dict:
    """The three scenarios and typing on the throttled phone profile (tools/throttle.py), per protocol."""
    scenarios = {k: (label, path.replace("search/", page_path, 1)) for k, (label, path) in SCENARIOS.items()}
    out = {}
    for protocol in PROTOCOLS:
        host = throttle.H2Server(site) if protocol == "h2" else GzipServer(site)
        try:
            with host as server:
                out[protocol] = throttle.measure_scenarios(browser, server.url, scenarios, repeats)
                try:
                    out[protocol]["typing"] = throttle.type_throttled(browser, server.url + page_path, typed, LATENCY_PROBE)
                except Exception as exc:  # noqa: BLE001
                    out[protocol]["typing"] = {"error": f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"}
        except (OSError, RuntimeError) as exc:  # no node or openssl: HTTP/2 not measured
            out[protocol] = {k: {"error": f"{PROTOCOLS[protocol]} host did not start: {exc}"} for k in SCENARIOS}
    return out


# --- reporting --------------------------------------------------------------------


def kib(value: float | None) -> str:
    return "—" if value is None else f"{value / 1024:,.1f} KiB"


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f} ms"


def scenario_cell(row: dict, key: str) -> str:
    if row.get("search") != "ok":
        return "n/a"
    data = row.get(key, {})
    if "error" in data:
        return "error"
    both = f"; gzip {kib(data['bytes_gzip'])}, br {kib(data['bytes_br'])}" if "bytes_br" in data else ""
    return f"{kib(data['bytes'])} ({data['requests']} req{both})"


def latency_cells(row: dict) -> list[str]:
    if row.get("search") != "ok":
        return ["n/a"] * 3
    lat = row.get("latency", {})
    if "error" in lat:
        return ["error"] * 3
    return [ms(lat["cold_ms"]), ms(lat["warm_median_ms"]), ms(lat["warm_p95_ms"])]


def table(rows: list[dict]) -> str:
    head = ["facilities", "build", "output", "(a) filter, 1 pref", "(b) text, 1 pref", "(c) text, national", "1st key", "later keys median", "later keys p95"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['size']:,} | {row['error'][:80]} |" + " |" * (len(head) - 2))
            continue
        cells = [
            f"{row['size']:,}",
            f"{row['build_s']:,.1f} s",
            f"{row['output_bytes'] / 1024 / 1024:,.1f} MiB, {row['output_files']:,} files",
            *(scenario_cell(row, k) for k in SCENARIOS),
            *latency_cells(row),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target_lines(rows: list[dict]) -> list[str]:
    """Each issue-#3 target at the largest measured size, with pass / miss / not measured."""
    if not rows:
        return []
    row = max(rows, key=lambda r: r["size"])
    out = [f"Targets (issue #3) checked at {row['size']:,} facilities" + (" — the targets are set for 30,000:" if row["size"] != 30000 else ":"), ""]
    out += ["| figure | target | measured | result |", "|---|---|---|---|"]
    for key, (label, limit, unit) in TARGETS.items():
        value = _target_value(row, key)
        shown_limit = f"≤ {limit:g} {unit}" if unit != "B" else f"≤ {kib(limit)}"
        if value is None:
            reason = (row.get("error") or (row.get("search") if row.get("search") != "ok" else None) or "error")[:120]
            out.append(f"| {label} | {shown_limit} | not measured | not measured: {reason} |")
            continue
        shown = kib(value) if unit == "B" else (f"{value:,.1f} s" if unit == "s" else ms(value))
        out.append(f"| {label} | {shown_limit} | {shown} | {'pass' if value <= limit else 'MISS'} |")
    return out


def _target_value(row: dict, key: str) -> float | None:
    if key == "build_s":
        return row.get("build_s")
    if key in SCENARIOS:
        return row.get(key, {}).get("bytes") if row.get("search") == "ok" else None
    if key == "warm_p95_ms":
        return row.get("latency", {}).get("warm_p95_ms") if row.get("search") == "ok" else None
    return None


def machine_lines(machine: dict) -> list[str]:
    return [
        f"- Machine: {machine['cpu']}, {machine['cores']} cores, {machine['ram_gib']} GiB RAM, {machine['os']}"
        f" (load average at start {' '.join(machine['load_average'])}; shared with other sessions)",
        f"- Versions: Python {machine['python']}, Pelican {machine['pelican']}, lunr.py {machine['lunr.py']}, lunr.js {machine['lunr.js']},"
        f" Chromium {machine['chromium']}, Playwright {machine['playwright']}, Node {machine['node']}",
        f"- Run: {machine['date']}, commit {machine['commit']}",
    ]


def report(rows: list[dict], machine: dict) -> str:
    lines = machine_lines(machine) + ["", table(rows), ""]
    notes = []
    for row in rows:
        if row.get("search") not in (None, "ok"):
            notes.append(f"- {row['size']:,}: {row['search']}; bytes fetched and latency not measured.")
        for key in SCENARIOS:
            data = row.get(key, {})
            if "error" in data:
                notes.append(f"- {row['size']:,} ({key}): {data['error']}")
            elif data.get("result_count_text") is not None and row.get("search") == "ok":
                notes.append(f"- {row['size']:,} ({key}) {SCENARIOS[key][0]}: page said “{data['result_count_text']}”, {data['cards_shown']} cards shown")
        lat = row.get("latency", {})
        if lat.get("slow_keys", {}).get("slow"):
            slow = lat["slow_keys"]
            notes.append(
                f"- {row['size']:,}: {slow['slow']} later keystrokes took over {slow['over_ms']:g} ms;"
                f" {slow['slow_that_fetched']} of them fetched data from the server before showing results"
            )
        if lat.get("no_fetch_p95_ms") is not None:
            all_keys = (
                f"; over these and the {lat['no_fetch_all_keys'] - lat['no_fetch_keys']} of {', '.join(MORE_TYPED)} typed after them"
                f" ({lat['no_fetch_all_keys']} keys) {ms(lat['no_fetch_all_p95_ms'])}, {lat['no_fetch_all_within_16ms']} of them within 16 ms"
                if lat.get("no_fetch_all_keys")
                else ""
            )
            notes.append(
                f"- {row['size']:,}: later keys that fetched nothing (issue 17, goal p95 ≤ 16 ms): p95 of the {lat['no_fetch_keys']} of"
                f" {', '.join(TYPED_QUERIES)} (their slowest) {ms(lat['no_fetch_p95_ms'])}, median {ms(lat['no_fetch_median_ms'])}{all_keys}"
            )
        if lat.get("keys_without_update"):
            notes.append(f"- {row['size']:,}: {lat['keys_without_update']} of {lat['keys']} keystrokes never produced final results within {KEY_TIMEOUT_MS} ms")
        if "error" in lat:
            notes.append(f"- {row['size']:,} latency: {lat['error']}")
    lines += notes + [""] + target_lines(rows) + [""] + throttled_lines(rows)
    return "\n".join(lines)


def throttled_cell(data: dict) -> str:
    if not data or "error" in data:
        return "not measured" + (f": {data['error'][:60]}" if data else "")
    return f"{data['first_result_ms'] / 1000:,.2f} s, {data['waves']:g} waves ({data['requests_before']} req, {kib(data['bytes_before'])})"


def typing_cells(typing: dict) -> list[str]:
    if not typing or "error" in typing:
        return ["not measured"] * 3
    budget = f"{typing['fetch_within_budget']} of {typing['fetch_keys']}"
    packets = f" ({typing['fetch_within_packet_budget']} counting whole packets)" if "fetch_within_packet_budget" in typing else ""
    return [
        f"{ms(typing['no_fetch_p95_ms'])} ({typing['no_fetch_keys']} keys)",
        f"median {ms(typing['fetch_median_ms'])}, {budget} within 1 RTT + transfer + 16 ms{packets}",
        ", ".join(typing["refetched_urls"]) or "none",
    ]


def throttled_lines(rows: list[dict]) -> list[str]:
    """Issue 17: the throttled phone profile, medians of THROTTLED_REPEATS loads."""
    measured = [r for r in rows if r.get("throttled")]
    if not measured:
        return []
    out = [
        f"Throttled phone profile ({throttle.RTT_MS} ms RTT, 1.6 Mbit/s down, 750 kbit/s up, empty cache, {throttle.PHONE_VIEWPORT['width']} px wide),"
        f" median of {THROTTLED_REPEATS} loads: time from navigation start to the first frame with result cards and count, and the"
        " sequential waves of requests before it:",
        "",
        "| facilities | host | (a) filter, 1 pref | (b) text, 1 pref | (c) text, national | keys without fetch, p95 | keys that fetched | fetched twice |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in measured:
        for protocol, name in PROTOCOLS.items():
            t = row["throttled"].get(protocol, {})
            cells = [*(throttled_cell(t.get(k, {})) for k in SCENARIOS), *typing_cells(t.get("typing", {}))]
            out.append(f"| {row['size']:,} | {name} | " + " | ".join(cells) + " |")
    row = max(measured, key=lambda r: r["size"])
    out += ["", f"Goals (issue 17) at {row['size']:,} facilities:", ""]
    out += ["| figure | goal | HTTP/2 | HTTP/1.1 | result (HTTP/2, HTTP/1.1) |", "|---|---|---|---|---|"]
    for key in SCENARIOS:
        for figure, (label, limit, unit) in THROTTLED_TARGETS.items():
            values = [row["throttled"].get(p, {}).get(key, {}).get(figure) for p in PROTOCOLS]
            shown = ["not measured" if v is None else (f"{v:,.0f} ms" if unit == "ms" else f"{v:g}") for v in values]
            results = ["not measured" if v is None else ("pass" if v <= limit else "MISS") for v in values]
            out.append(f"| ({key}) {label} | ≤ {limit:g} {unit} | {shown[0]} | {shown[1]} | {', '.join(results)} |")
    return out


def write_waterfall(rows: list[dict], path: Path = WATERFALL) -> None:
    """The request waterfall of (a) and (b) at the largest size, as an SVG."""
    measured = [r for r in rows if r.get("throttled")]
    if not measured:
        return
    row = max(measured, key=lambda r: r["size"])
    for protocol, name in PROTOCOLS.items():
        charts = [
            (f"this project, {row['size']:,} facilities, {name}, ({k}) {SCENARIOS[k][0]}", row["throttled"].get(protocol, {}).get(k, {"error": "not measured"}))
            for k in ("a", "b")
        ]
        target = path if protocol == "h2" else path.with_name(path.stem + "-http1.svg")
        target.write_text(throttle.waterfall_svg(charts), encoding="utf-8")


def write_doc_section(marker: str, text: str, doc: Path = DOC) -> None:
    """Replace the text between `<!-- {marker}:start -->` and `<!-- {marker}:end -->` in the doc."""
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    current = doc.read_text(encoding="utf-8") if doc.is_file() else ""
    if start not in current or end not in current:
        raise SystemExit(f"bench: {doc} has no {start} … {end} markers; add them where the figures belong")
    before, rest = current.split(start, 1)
    _, after = rest.split(end, 1)
    doc.write_text(f"{before}{start}\n{text.strip()}\n{end}{after}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--work", type=Path, default=ROOT / "bench-out", help="folder for records, builds and results")
    parser.add_argument("--no-doc", action="store_true", help=f"do not update {DOC.relative_to(ROOT)}")
    parser.add_argument("--brotli", action="store_true", help="send brotli to the browser (bytes fetched are then brotli's); both are recorded either way")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        machine = machine_info(f"{browser.version}")
        for count in args.sizes:
            rows.append(bench_size(count, args.work, browser, brotli=args.brotli))
            print(table(rows[-1:]), file=sys.stderr, flush=True)
        browser.close()
    # Issue 12: 「近くの事業所」 build cost, coordinate bytes and the distance sort at the largest size.
    near_records = ensure_synth(max(args.sizes), args.work)
    near = subprocess.run([str(PYTHON), str(ROOT / "tools" / "bench_near.py"), "--records", str(near_records)], capture_output=True, text=True, cwd=ROOT)
    print(near.stdout if near.returncode == 0 else f"bench_near failed:\n{near.stderr}", file=sys.stderr, flush=True)
    text = report(rows, machine)
    print(text)
    (args.work / "bench-results.json").write_text(json.dumps({"machine": machine, "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.no_doc:
        write_doc_section("bench", text)
        write_waterfall(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
