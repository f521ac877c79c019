"""What a phone user sees: search pages opened and typed into on a throttled network.

Used by `make bench` (tools/bench.py) and `make bench-peers` (tools/bench_peers.py),
and by tests/search/test_search_preload_browser.py on a small site.

The network is Chromium's own emulation over CDP (Network.emulateNetworkConditions)
with Lighthouse's mobile profile: 150 ms round trip, 1.6 Mbit/s down, 750 kbit/s
up. Chromium adds the latency once per request (no TCP or TLS handshakes are
emulated), so a chain of N dependent requests costs at least N round trips.
Every page load starts in a fresh browser context: the cache is empty, as on a
first visit (the cache is not *disabled*: that would also throw away what
`<link rel="preload">` fetched, which no visitor's browser does).

Figures, per page load:
- first_result_ms: from navigation start (performance.timeOrigin) to the first
  animation frame after the first search finished: result cards in
  [data-results], aria-busy="false", and the count ([data-result-count]) said;
- waves: the depth of the request chain before that moment. Every request that
  started before the first result is placed one wave after the deepest request
  that had *finished* before it started (the document is wave 1). A request
  that could not have waited for another is in the same wave as it; one that
  started later only because the page was busy is counted a wave deeper, so
  the figure is an upper bound on the true dependency depth, never below it.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from html import escape

# Lighthouse's mobile ("Slow 4G") profile as issue 17 states it.
RTT_MS = 150
DOWN_BYTES_PER_S = 1.6 * 1024 * 1024 / 8  # 1.6 Mbit/s (Lighthouse: 1,638.4 kbit/s)
UP_BYTES_PER_S = 750 * 1024 / 8
PROFILE = {
    "offline": False,
    "latency": RTT_MS,
    "downloadThroughput": DOWN_BYTES_PER_S,
    "uploadThroughput": UP_BYTES_PER_S,
}
PHONE_VIEWPORT = {"width": 390, "height": 844}
LOAD_TIMEOUT_MS = 120_000
KEY_TIMEOUT_MS = 30_000
FRAME_MS = 16

# Installed before any page script: the first frame that shows cards and a count.
FIRST_RESULT_PROBE = """
(() => {
  const shown = () => {
    const count = document.querySelector("[data-result-count]");
    // A finished search: results final (aria-busy="false") and a count said (a search with none says so).
    return document.querySelector('[data-results][aria-busy="false"]') && count && count.textContent.trim() !== "";
  };
  const observer = new MutationObserver(() => {
    if (window.__firstResultMs !== undefined || !shown()) return;
    window.__firstResultMs = null;
    observer.disconnect();
    requestAnimationFrame(() => (window.__firstResultMs = performance.now()));
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})();
"""


@dataclass
class Request:
    url: str
    start: float  # ms since the epoch, when the page asked for it
    end: float | None  # ms since the epoch, last byte (None: failed)
    bytes: int  # encoded body bytes (as sent on the wire)
    status: int | None
    wave: int = 0


class RequestLog:
    """Every request of a browser context (page, preloads and workers), with Playwright's timings."""

    def __init__(self, context):
        self.requests: list[Request] = []
        context.on("requestfinished", lambda request: self._add(request, True))
        context.on("requestfailed", lambda request: self._add(request, False))

    def _add(self, request, ok: bool) -> None:
        timing = request.timing
        start = timing["startTime"]
        end = start + timing["responseEnd"] if ok and timing.get("responseEnd", -1) >= 0 else None
        size = 0
        status = None
        if ok:
            try:
                size = request.sizes()["responseBodySize"]
                response = request.response()
                status = response.status if response else None
            except Exception:  # noqa: BLE001 - the page may be closing; the size is then unknown
                size = 0
        self.requests.append(Request(request.url, start, end, size, status))

    def since(self, epoch_ms: float) -> list[Request]:
        return [r for r in self.requests if r.start >= epoch_ms]


def assign_waves(requests: list[Request]) -> int:
    """Set each request's wave (see the module docstring); return the deepest."""
    ordered = sorted(requests, key=lambda r: r.start)
    deepest = 0
    for i, request in enumerate(ordered):
        before = [r.wave for r in ordered[:i] if r.end is not None and r.end <= request.start]
        request.wave = 1 + max(before, default=0)
        deepest = max(deepest, request.wave)
    return deepest


def new_phone_context(browser):
    # ignore_https_errors: the HTTP/2 host (H2Server) has a throwaway self-signed certificate.
    context = browser.new_context(locale="ja-JP", viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, ignore_https_errors=True)
    context.add_init_script(FIRST_RESULT_PROBE)
    return context


def throttle(context, tab) -> None:
    session = context.new_cdp_session(tab)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", PROFILE)


def open_throttled(browser, url: str) -> dict:
    """Open `url` on the throttled network with an empty cache; time to first results and the request chain."""
    context = new_phone_context(browser)
    try:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        throttle(context, tab)
        log = RequestLog(context)
        tab.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
        tab.wait_for_function("() => typeof window.__firstResultMs === 'number'", timeout=LOAD_TIMEOUT_MS, polling=10)
        first_ms, origin = tab.evaluate("() => [window.__firstResultMs, performance.timeOrigin]")
        count_text = (tab.text_content("[data-result-count]") or "").strip()
        cards = tab.locator("[data-results] [data-facility-id]").count()
        tab.wait_for_timeout(50)  # let the last requestfinished events arrive
        cutoff = origin + first_ms
        before = [r for r in log.requests if r.start <= cutoff]
        waves = assign_waves(before)
        return {
            "first_result_ms": round(first_ms, 1),
            "waves": waves,
            "requests_before": len(before),
            "bytes_before": sum(r.bytes for r in before),
            "result_count_text": count_text,
            "cards_shown": cards,
            "page_errors": errors,
            "requests": [
                [short_url(r.url), round(r.start - origin, 1), None if r.end is None else round(r.end - origin, 1), r.bytes, r.wave]
                for r in sorted(before, key=lambda r: r.start)
            ],
        }
    finally:
        context.close()


def short_url(url: str) -> str:
    """The path and query of a URL, without the scheme and host."""
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1] if "/" in rest else rest


def median_run(runs: list[dict]) -> dict:
    """Median time and waves of repeated loads; the run nearest the median time kept for its waterfall."""
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return runs[0] if runs else {"error": "not measured"}
    times = [r["first_result_ms"] for r in ok]
    middle = statistics.median(times)
    kept = min(ok, key=lambda r: abs(r["first_result_ms"] - middle))
    return {
        **kept,
        "run_first_result_ms": kept["first_result_ms"],  # the kept run's own figures, for its waterfall
        "run_waves": kept["waves"],
        "first_result_ms": middle,
        "first_result_samples": times,
        "waves": statistics.median([r["waves"] for r in ok]),
        "wave_samples": [r["waves"] for r in ok],
    }


def measure_scenarios(browser, base_url: str, scenarios: dict, repeats: int) -> dict:
    """{key: median of `repeats` throttled loads} for scenarios {key: (label, url path)}."""
    out = {}
    for key, (_, path) in scenarios.items():
        runs = []
        for _ in range(repeats):
            try:
                runs.append(open_throttled(browser, base_url + path))
            except Exception as exc:  # noqa: BLE001 - a load that never showed results is a measured fact
                runs.append({"error": f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"})
        out[key] = median_run(runs)
    return out


# --- typing ------------------------------------------------------------------------


def transfer_budget_ms(fetched_bytes: int) -> float:
    """One round trip, the bytes at the throttled rate, and one frame."""
    return RTT_MS + fetched_bytes / DOWN_BYTES_PER_S * 1000 + FRAME_MS


# Chromium's emulation charges a response at least one packet of this many bytes: the card
# files of one wave arrive 7.3 ms apart whatever their 590-690 bytes (docs/benchmarks.md).
PACKET_BYTES = 1500


def packet_budget_ms(sizes: list[int]) -> float:
    """transfer_budget_ms with each response's bytes counted in whole packets (at least one), as the emulation sends them."""
    packets = sum(max(1, -(-size // PACKET_BYTES)) for size in sizes)
    return RTT_MS + packets * PACKET_BYTES / DOWN_BYTES_PER_S * 1000 + FRAME_MS


def type_throttled(browser, url: str, queries: tuple[str, ...], probe_js: str) -> dict:
    """Load `url` throttled, wait until the network is quiet, then type each query one key at a time.

    Each key is timed in the page (probe_js: tools/bench.py LATENCY_PROBE) and
    split by whether the page fetched anything for it. A fetching key is within
    budget when it took at most one round trip + its bytes at 1.6 Mbit/s + one frame;
    each key also says the budget with its responses counted in whole packets
    (packet_budget_ms), which is how the emulation sends them.
    """
    context = new_phone_context(browser)
    try:
        tab = context.new_page()
        throttle(context, tab)
        log = RequestLog(context)
        tab.goto(url, wait_until="commit", timeout=LOAD_TIMEOUT_MS)
        tab.wait_for_function("() => typeof window.__firstResultMs === 'number'", timeout=LOAD_TIMEOUT_MS, polling=10)
        tab.wait_for_load_state("networkidle", timeout=LOAD_TIMEOUT_MS)
        # On a phone the search page folds its form behind a summary bar: open it, as a visitor would
        # (only when folded: opened with no conditions in the URL, the form starts open).
        box = tab.locator('input[name="q"]').first
        opener = tab.locator("[data-search-open]")
        if not box.is_visible() and opener.count() and opener.first.is_visible():
            opener.first.click()
        tab.evaluate(probe_js, "[data-results]")
        keys = []
        seen: dict[str, int] = {}
        for query in queries:
            box.fill("")
            tab.wait_for_selector('[data-results][aria-busy="false"]', state="attached", timeout=LOAD_TIMEOUT_MS)
            tab.wait_for_timeout(300)
            box.focus()
            for char in query:
                done = tab.evaluate("() => { window.__benchProbe.arm(); return window.__benchProbe.times.length; }")
                started = tab.evaluate("() => performance.timeOrigin + performance.now()")
                tab.keyboard.type(char)
                try:
                    tab.wait_for_function("(n) => window.__benchProbe.times.length > n", arg=done, timeout=KEY_TIMEOUT_MS, polling=5)
                    ms = tab.evaluate("(n) => window.__benchProbe.times[n]", done)
                except Exception:  # noqa: BLE001
                    ms = None
                tab.wait_for_timeout(50)  # the last requestfinished events
                fetched = [r for r in log.since(started) if "favicon" not in r.url]
                log.requests = [r for r in log.requests if r.start < started]  # each key's fetches counted once
                for r in fetched:
                    seen[r.url] = seen.get(r.url, 0) + 1
                size = sum(r.bytes for r in fetched)
                budget = transfer_budget_ms(size) if fetched else FRAME_MS
                packet_budget = packet_budget_ms([r.bytes for r in fetched]) if fetched else FRAME_MS
                # What was fetched, and when (ms after the key), for reading the chain of a fetching key.
                urls = [[short_url(r.url), round(r.start - started, 1), None if r.end is None else round(r.end - started, 1)] for r in fetched]
                keys.append(
                    {"query": query, "key": char, "ms": ms, "requests": len(fetched), "bytes": size,
                     "budget_ms": budget, "packet_budget_ms": packet_budget, "urls": urls}
                )  # fmt: skip
        return summarize_keys(keys, seen)
    finally:
        context.close()


def summarize_keys(keys: list[dict], seen: dict[str, int]) -> dict:
    still = [k["ms"] for k in keys if not k["requests"] and k["ms"] is not None]
    fetching = [k for k in keys if k["requests"]]
    timed = [k for k in fetching if k["ms"] is not None]
    return {
        "keys": len(keys),
        "no_fetch_keys": len(still),
        "no_fetch_median_ms": statistics.median(still) if still else None,
        "no_fetch_p95_ms": _p95(still),
        "fetch_keys": len(fetching),
        "fetch_median_ms": statistics.median([k["ms"] for k in timed]) if timed else None,
        "fetch_p95_ms": _p95([k["ms"] for k in timed]),
        "fetch_within_budget": sum(k["ms"] <= k["budget_ms"] for k in timed),
        # The same with each response counted in whole 1,500-byte packets (packet_budget_ms).
        "fetch_within_packet_budget": sum(k["ms"] <= k.get("packet_budget_ms", k["budget_ms"]) for k in timed),
        "fetch_without_update": len(fetching) - len(timed),
        "refetched_urls": sorted(short_url(u) for u, n in seen.items() if n > 1),
        "per_key": keys,
    }


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, -(-len(ordered) * 95 // 100)) - 1]


# --- the waterfall picture ------------------------------------------------------------

WAVE_COLOURS = ("#1b5e20", "#0d47a1", "#6a1b9a", "#b71c1c", "#e65100", "#004d40", "#3e2723", "#263238")


def waterfall_svg(charts: list[tuple[str, dict]], max_rows: int = 40) -> str:
    """One SVG with a request waterfall per (title, open_throttled result): bars from start to last byte, coloured by wave."""
    width, label_w, row_h, pad = 960, 330, 14, 10
    blocks, y = [], pad
    ends = [[c.get("run_first_result_ms", c.get("first_result_ms", 0))] + [r[2] or r[1] for r in c.get("requests", [])] for _, c in charts]
    span = max((max(e) for e in ends), default=1000)
    span = max(span, 100.0) * 1.05
    scale = (width - label_w - 2 * pad) / span
    x0 = label_w + pad
    for title, chart in charts:
        blocks.append(f'<text x="{pad}" y="{y + 12}" font-weight="bold">{escape(title)}</text>')
        y += 20
        if "error" in chart:
            blocks.append(f'<text x="{pad}" y="{y + 11}">not measured: {escape(chart["error"][:100])}</text>')
            y += row_h + 14
            continue
        rows = chart["requests"]
        for name, start, end, size, wave in rows[:max_rows]:
            colour = WAVE_COLOURS[(wave - 1) % len(WAVE_COLOURS)]
            label = name if len(name) <= 46 else "…" + name[-45:]
            finish = end if end is not None else start
            blocks.append(f'<text x="{pad}" y="{y + 10}" font-size="10">{escape(label)}</text>')
            blocks.append(
                f'<rect x="{x0 + start * scale:.1f}" y="{y + 2}" width="{max((finish - start) * scale, 1.5):.1f}" height="{row_h - 4}" fill="{colour}">'
                f"<title>{escape(name)}: {start:.0f}–{finish:.0f} ms, {size:,} B, wave {wave}</title></rect>"
            )
            blocks.append(f'<text x="{x0 + finish * scale + 3:.1f}" y="{y + 10}" font-size="9" fill="{colour}">{wave}</text>')
            y += row_h
        if len(rows) > max_rows:
            blocks.append(f'<text x="{pad}" y="{y + 10}" font-size="10">… and {len(rows) - max_rows} more requests</text>')
            y += row_h
        top = y - row_h * min(len(rows), max_rows + (len(rows) > max_rows))
        first = chart.get("run_first_result_ms", chart["first_result_ms"])
        waves = chart.get("run_waves", chart["waves"])
        blocks.append(f'<line x1="{x0 + first * scale:.1f}" y1="{top}" x2="{x0 + first * scale:.1f}" y2="{y}" stroke="#c62828" stroke-dasharray="4 3"/>')
        blocks.append(
            f'<text x="{min(x0 + first * scale + 4, width - 250):.1f}" y="{y + 12}" font-size="11" fill="#c62828">'
            f"first results {first:,.0f} ms, {waves:g} waves</text>"
        )
        y += 28
    # time axis
    ticks = []
    step = next(s for s in (100, 200, 250, 500, 1000, 2000, 5000, 10000, 20000, 50000) if span / s <= 12)
    t = 0
    while t <= span:
        x = x0 + t * scale
        ticks.append(f'<line x1="{x:.1f}" y1="{pad}" x2="{x:.1f}" y2="{y}" stroke="#ddd"/>')
        ticks.append(f'<text x="{x:.1f}" y="{y + 12}" font-size="10" text-anchor="middle">{t / 1000:g} s</text>')
        t += step
    height = y + 24
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        'font-family="sans-serif" font-size="12" role="img">\n'
        f"<title>Request waterfall, throttled: {escape(', '.join(t for t, _ in charts))}</title>\n"
        f'<rect width="{width}" height="{height}" fill="#fff"/>\n' + "\n".join(ticks + blocks) + "\n</svg>\n"
    )


# --- an HTTP/2 host ----------------------------------------------------------------------


class H2Server:
    """tools/h2serve.mjs on 127.0.0.1 with a throwaway self-signed certificate (contexts ignore it).

    Static hosts serve HTTP/2; over HTTP/1.1 a browser opens at most six
    connections to a host, so a wave of more than six files waits for itself.
    """

    def __init__(self, root):
        import tempfile
        from pathlib import Path

        self.root = Path(root)
        self.folder = tempfile.TemporaryDirectory(prefix="h2serve-")
        self.cert = Path(self.folder.name) / "cert.pem"
        self.key = Path(self.folder.name) / "key.pem"
        self.process = None
        self.url = ""

    def __enter__(self) -> H2Server:
        import subprocess
        from pathlib import Path

        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
             "-keyout", str(self.key), "-out", str(self.cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        script = Path(__file__).resolve().parent / "h2serve.mjs"
        self.process = subprocess.Popen(["node", str(script), str(self.root), str(self.cert), str(self.key)], stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().split()
        if len(line) != 2 or line[0] != "port":
            self.process.kill()
            raise RuntimeError("h2serve.mjs did not start")
        self.url = f"https://127.0.0.1:{line[1]}/"
        return self

    def __exit__(self, *exc) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.folder.cleanup()
