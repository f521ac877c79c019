"""`make bench-peers`: this project against Pagefind, plain lunr.js, plain Pelican and Hugo, in one run.

    python tools/bench_peers.py [--sizes 1000 30000] [--work bench-out] [--repeats 3] [--quick] [--no-doc]

For each size, the same synthetic records (tools/synth.py) are built by
this project and turned into a plain Pelican site (one Markdown page per
facility), which Pagefind indexes (filters from data-pagefind-filter) and a
plain lunr.js index is built for (lunr's default pipeline, in Node); Hugo
builds the same pages when Debian's `hugo` is installed. Then, in headless
Chromium, against each search page: search quality over ≥40 queries derived
from the records (tools/peers/queries.py, expected ids from the reference
matcher), gzip bytes fetched for the three scenarios of `make bench`, and
per-keystroke latency (cold: first key after page load; warm: later keys);
for this project and Pagefind also the throttled phone profile of `make bench`
(tools/throttle.py), with the waterfalls of (a) and (b) in
docs/search-waterfall.svg and docs/search-waterfall-pagefind.svg.
Writes bench-out/bench-peers-results.json and the table into
docs/benchmarks.md between the `bench-peers` markers.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
sys.path[:0] = [str(TOOLS), str(TOOLS.parent / "plugins")]

import bench  # noqa: E402 - after the path set-up above
from facility_site.records.reader import load_facilities  # noqa: E402
from peers import plain_sites  # noqa: E402
from peers.queries import Query, ReferenceMatcher, derive_queries  # noqa: E402

ROOT = bench.ROOT
PELICAN_CONF = TOOLS / "peers" / "pelicanconf_plain.py"
LUNR_BUILD = TOOLS / "peers" / "lunr_build.cjs"
DEFAULT_SIZES = (1000, 30000)
SYSTEMS = {  # key: (label, search page path)
    "ours": ("this project", "search/"),
    "pagefind": ("Pagefind", "pf-search/"),
    "lunr": ("lunr.js, default pipeline", "lunr-search/"),
}
QUICK_TYPED = ("緑区",)
THROTTLED_SYSTEMS = ("ours", "pagefind")  # plain lunr.js loads its whole index: minutes on the phone profile
# One picture per system (each on its own time scale: Pagefind's (a) takes over 20 s).
WATERFALLS = {"ours": ROOT / "docs" / "search-waterfall.svg", "pagefind": ROOT / "docs" / "search-waterfall-pagefind.svg"}
OUR_MORE_SELECTOR = "[data-search-more]"
OUR_MAX_MORE_CLICKS = 1000  # 50 cards a click: enough for every result of 30,000 facilities

# Press the page's "show more" button until it hides itself, waiting after each
# press for the new cards and aria-busy="false" (done in the page: a round trip
# from Python per press would dominate at 30,000 results).
SHOW_ALL = """
async ([selector, maxClicks]) => {
  const results = document.querySelector("[data-results]");
  const more = document.querySelector(selector);
  const visible = () => Boolean(more) && more.offsetParent !== null;
  let clicks = 0;
  while (visible() && clicks < maxClicks) {
    const before = results.children.length;
    more.click();
    clicks += 1;
    const started = performance.now();
    await new Promise((resolve) => {
      const check = () => {
        const settled = results.getAttribute("aria-busy") === "false" && results.children.length !== before;
        if (settled || !visible() || performance.now() - started > 10000) resolve();
        else setTimeout(check, 2);
      };
      check();
    });
    if (results.children.length === before) break;
  }
  return clicks;
}
"""


# --- builds -------------------------------------------------------------------------


def _timed(args: list[str], env: dict | None = None) -> float:
    seconds, _, result = bench.timed_run(args, env=env)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise RuntimeError(f"{Path(args[0]).name} failed ({result.returncode}): " + " | ".join(tail))
    return seconds


def log(message: str) -> None:
    print(f"bench-peers: {time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def build_peers(facilities, size: int, work: Path) -> tuple[dict, Path]:
    """Build every peer; return build seconds (or the reason one is missing) and the served plain site."""
    builds: dict = {}
    plain = work / f"plain-{size}"
    content = plain_sites.write_pelican_content(facilities, plain / "content")
    out = plain / "out"
    shutil.rmtree(out, ignore_errors=True)
    pelican = str(ROOT / ".venv" / "bin" / "pelican")
    env = dict(os.environ, PLAIN_CONTENT=str(content))
    builds["pelican"] = _timed([pelican, str(content), "-o", str(out), "-s", str(PELICAN_CONF), "-q"], env=env)
    try:
        builds["pagefind_index"] = _timed([bench.PYTHON.as_posix(), "-m", "pagefind", "--site", str(out), "--silent"])
        builds["pagefind"] = builds["pelican"] + builds["pagefind_index"]
    except RuntimeError as exc:
        builds["pagefind"] = f"not measured: {exc}"
    docs = plain / "lunr-docs.json"
    docs.write_text(json.dumps(plain_sites.lunr_documents(facilities), ensure_ascii=False), encoding="utf-8")
    (out / "lunr-search").mkdir(parents=True, exist_ok=True)
    builds["lunr_index"] = _timed(["node", str(LUNR_BUILD), str(docs), str(out / "lunr-search" / "index.json")])
    builds["lunr"] = builds["pelican"] + builds["lunr_index"]
    (out / "lunr-search" / "store.json").write_text(json.dumps(plain_sites.lunr_store(facilities), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    plain_sites.install_search_pages(out)
    if shutil.which("hugo"):
        hugo_dir = plain_sites.write_hugo_site(facilities, plain / "hugo")
        builds["hugo"] = _timed(["hugo", "--quiet", "-s", str(hugo_dir), "-d", str(plain / "hugo-out")])
    else:
        builds["hugo"] = "not measured: Debian's hugo is not installed"
    return builds, out


def pagefind_ids(site: Path) -> dict[str, str]:
    """Pagefind result id (its fragment hash) -> facility id, read from the fragments it wrote."""
    mapping = {}
    for fragment in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(fragment.read_bytes())
        start = raw.index(b"{")
        meta = json.loads(raw[start:].decode("utf-8")).get("meta", {})
        if "id" in meta:
            mapping[fragment.stem] = meta["id"]
    return mapping


# --- search quality -------------------------------------------------------------------


def peer_result_ids(browser, server, page_path: str, queries: list[Query], id_map: dict | None) -> list[dict]:
    context, tab = bench.new_tab(browser)
    try:
        tab.goto(server.url + page_path, wait_until="load", timeout=bench.PAGE_TIMEOUT_MS)
        tab.wait_for_selector(bench.READY_SELECTOR, state="attached", timeout=bench.PAGE_TIMEOUT_MS)
        answers = []
        for query in queries:
            ids = tab.evaluate("(q) => window.__peerSearch(q)", query.text)
            if id_map is not None:
                ids = [id_map.get(i, f"?{i}") for i in ids]
            answers.append({"ids": ids, "complete": True})
        return answers
    finally:
        context.close()


def _count(text: str) -> int | None:
    digits = re.search(r"([\d,]+)\s*件", text or "")
    return int(digits.group(1).replace(",", "")) if digits else None


def our_result_ids(browser, server, queries: list[Query]) -> list[dict]:
    """Through the page, as a visitor: type each query into the text box, read the count and every card.

    When the list is longer than one batch, the page's もっと見る button
    ([data-search-more]) is pressed until every result is shown; an answer
    whose cards do not add up to the count is marked incomplete and only the
    shown cards are scored.
    """
    context, tab = bench.new_tab(browser)
    answers = []
    try:
        tab.goto(server.url + "search/?sort=name", wait_until="load", timeout=bench.PAGE_TIMEOUT_MS)
        tab.wait_for_selector(bench.READY_SELECTOR, state="attached", timeout=bench.PAGE_TIMEOUT_MS)
        tab.evaluate(bench.LATENCY_PROBE, bench.RESULTS_SELECTOR)
        box = tab.locator(bench.TEXT_BOX_SELECTOR).first
        for query in queries:
            done = tab.evaluate("() => { window.__benchProbe.arm(); return window.__benchProbe.times.length; }")
            box.fill(query.text)
            tab.wait_for_function("(n) => window.__benchProbe.times.length > n", arg=done, timeout=bench.PAGE_TIMEOUT_MS, polling=5)
            total = _count(tab.text_content("[data-result-count]") or "")
            if total is None and _shown(tab) == 0:
                total = 0  # "条件に合う事業所は見つかりませんでした"
            if total:
                tab.evaluate(SHOW_ALL, [OUR_MORE_SELECTOR, OUR_MAX_MORE_CLICKS])
            ids = tab.eval_on_selector_all(f"{bench.RESULTS_SELECTOR} [data-facility-id]", "els => els.map(e => e.dataset.facilityId)")
            answers.append({"ids": ids, "total": total, "complete": total is not None and len(ids) == total})
        return answers
    finally:
        context.close()


def _shown(tab) -> int:
    return tab.locator(f"{bench.RESULTS_SELECTOR} [data-facility-id]").count()


def score(queries: list[Query], expected: list[list[str]], answers: list[dict]) -> dict:
    """Exact-match rate, mean precision (over queries with results) and mean recall (over queries with expected ids)."""
    per_query, precisions, recalls, exact = [], [], [], 0
    for query, want, answer in zip(queries, expected, answers, strict=True):
        got, want_set = set(answer["ids"]), set(want)
        total_ok = answer.get("total") is None or answer["total"] == len(want_set)
        is_exact = got == want_set and answer["complete"] and total_ok and len(answer["ids"]) == len(got)
        if not answer["complete"]:  # only the shown cards can be checked
            is_exact = got <= want_set and total_ok
        exact += is_exact
        hit = len(got & want_set)
        if got:
            precisions.append(hit / len(got))
        if want_set:
            recalls.append(hit / len(want_set) if answer["complete"] else (1.0 if total_ok and got <= want_set else hit / len(want_set)))
        returned = answer.get("total", len(got))
        per_query.append({"query": query.text, "kind": query.kind, "expected": len(want_set), "returned": returned, "exact": bool(is_exact)})
    return {
        "queries": len(queries),
        "exact_rate": exact / len(queries),
        "precision": statistics.mean(precisions) if precisions else None,
        "recall": statistics.mean(recalls) if recalls else None,
        "incomplete_answers": sum(not a["complete"] for a in answers),
        "per_query": per_query,
    }


# --- bytes and latency ------------------------------------------------------------------


def measure_system(browser, server, page_path: str, repeats: int, typed: tuple[str, ...]) -> dict:
    row: dict = {}
    for key, (_, url_path) in bench.SCENARIOS.items():
        try:
            row[key] = bench.fetch_scenario(browser, server, url_path.replace("search/", page_path, 1))
        except Exception as exc:  # noqa: BLE001 - report and go on
            row[key] = {"error": f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"}
    cold, warm, missing = [], [], 0
    for _ in range(repeats):
        try:
            lat = bench.measure_latency(browser, server, page_path, typed)
        except Exception as exc:  # noqa: BLE001
            row["latency_error"] = f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"
            continue
        flat = [t for times in lat["per_key_ms"] for t in times]
        missing += sum(t is None for t in flat)
        if flat and flat[0] is not None:
            cold.append(flat[0])
        warm += [t for t in flat[1:] if t is not None]
    row["latency"] = {
        "cold_samples": cold,
        "cold_p50_ms": statistics.median(cold) if cold else None,
        "cold_p95_ms": bench.percentile(cold, 95) if cold else None,
        "warm_p50_ms": statistics.median(warm) if warm else None,
        "warm_p95_ms": bench.percentile(warm, 95) if warm else None,
        "warm_keys": len(warm),
        "keys_without_update": missing,
    }
    return row


# --- one size -------------------------------------------------------------------------------


def bench_size(size: int, work: Path, browser, repeats: int, typed: tuple[str, ...]) -> dict:
    result: dict = {"size": size}
    records = bench.ensure_synth(size, work)
    log(f"{size}: loading records")
    facilities = load_facilities(records)
    queries = derive_queries(facilities)
    matcher = ReferenceMatcher(facilities)
    expected = [matcher.match(q.text) for q in queries]
    result["queries"] = [{"text": q.text, "kind": q.kind, "rule": q.rule, "expected": len(e)} for q, e in zip(queries, expected, strict=True)]

    log(f"{size}: building this project")
    site = work / f"site-{size}"
    systems: dict = {key: {} for key in SYSTEMS}
    try:
        systems["ours"]["build"] = bench.build_site(records, site)["build_s"]
    except RuntimeError as exc:
        systems["ours"]["build"] = f"not measured: {exc}"
    log(f"{size}: building the peers")
    builds, plain_out = build_peers(facilities, size, work)
    systems["pagefind"]["build"] = builds["pagefind"]
    systems["lunr"]["build"] = builds["lunr"]
    result["builds"] = builds

    problem = bench.search_page_problem(site) if isinstance(systems["ours"]["build"], float) else "build failed"
    id_map = pagefind_ids(plain_out)
    for key, (label, page_path) in SYSTEMS.items():
        if key == "ours" and problem:
            systems[key]["status"] = problem
            continue
        root = site if key == "ours" else plain_out
        log(f"{size}: measuring {label}")
        with bench.GzipServer(root) as server:
            systems[key].update(measure_system(browser, server, page_path, repeats, typed))
            if key in THROTTLED_SYSTEMS:
                log(f"{size}: {label} on the throttled phone profile")
                quick = typed == QUICK_TYPED  # the smoke test: one load per scenario, one short query
                systems[key]["throttled"] = bench.measure_throttled(
                    browser, root, page_path, repeats=1 if quick else bench.THROTTLED_REPEATS, typed=typed if quick else bench.THROTTLED_TYPED
                )
            try:
                if key == "ours":
                    answers = our_result_ids(browser, server, queries)
                else:
                    answers = peer_result_ids(browser, server, page_path, queries, id_map if key == "pagefind" else None)
                systems[key]["quality"] = score(queries, expected, answers)
            except Exception as exc:  # noqa: BLE001
                systems[key]["quality"] = {"error": f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"}
        systems[key]["status"] = "ok"
    result["systems"] = systems
    return result


# --- report -----------------------------------------------------------------------------------


def _num(value, fmt: str) -> str:
    return format(value, fmt) if isinstance(value, (int, float)) else "—"


def _bytes(system: dict, key: str):
    data = system.get(key) or {}
    return data.get("bytes")


def _quality(system: dict, key: str):
    return (system.get("quality") or {}).get(key)


def _latency(system: dict, key: str):
    return (system.get("latency") or {}).get(key)


FIGURES = (  # (label, getter, format, lower is better)
    ("build (s)", lambda s: s.get("build"), ",.1f", True),
    ("exact match", lambda s: _quality(s, "exact_rate"), ".0%", False),
    ("precision", lambda s: _quality(s, "precision"), ".3f", False),
    ("recall", lambda s: _quality(s, "recall"), ".3f", False),
    ("(a) KiB", lambda s: _bytes(s, "a") and _bytes(s, "a") / 1024, ",.1f", True),
    ("(b) KiB", lambda s: _bytes(s, "b") and _bytes(s, "b") / 1024, ",.1f", True),
    ("(c) KiB", lambda s: _bytes(s, "c") and _bytes(s, "c") / 1024, ",.1f", True),
    ("cold p50 ms", lambda s: _latency(s, "cold_p50_ms"), ",.1f", True),
    ("cold p95 ms", lambda s: _latency(s, "cold_p95_ms"), ",.1f", True),
    ("warm p50 ms", lambda s: _latency(s, "warm_p50_ms"), ",.1f", True),
    ("warm p95 ms", lambda s: _latency(s, "warm_p95_ms"), ",.1f", True),
)


def size_table(result: dict) -> list[str]:
    systems = result["systems"]
    head = ["system"] + [label for label, *_ in FIGURES]
    lines = [f"### {result['size']:,} facilities", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, (label, _) in SYSTEMS.items():
        system = systems[key]
        if system.get("status") not in (None, "ok"):
            build = _num(system.get("build"), ",.1f")
            lines.append(f"| {label} | {build} | " + " | ".join([f"n/a ({system['status']})"] + ["n/a"] * (len(FIGURES) - 2)) + " |")
            continue
        lines.append(f"| {label} | " + " | ".join(_num(get(system), fmt) for _, get, fmt, _ in FIGURES) + " |")
    for key, (label, _) in SYSTEMS.items():
        lat = systems[key].get("latency") or {}
        if lat.get("keys_without_update"):
            missing = lat["keys_without_update"]
            lines.append(f"\n{label}: {missing} keystrokes gave no final results within {bench.KEY_TIMEOUT_MS:,} ms; left out of the percentiles.")
        if systems[key].get("latency_error"):
            lines.append(f"\n{label}: a latency page load failed: {systems[key]['latency_error']}")
    builds = result["builds"]
    lines += ["", "Build times (s), same records:", ""]
    lines += ["| this project | plain Pelican | Pelican + Pagefind index | Pelican + lunr.js index | Hugo |", "|---|---|---|---|---|"]
    lines.append(
        "| "
        + " | ".join(
            _num(v, ",.1f") if isinstance(v, float) else str(v)
            for v in (systems["ours"].get("build"), builds["pelican"], builds["pagefind"], builds["lunr"], builds["hugo"])
        )
        + " |"
    )
    lines += ["", "Ratios, this project ÷ peer (below 1 is better for this project, except quality):", ""]
    lines += ["| peer | " + " | ".join(label for label, *_ in FIGURES) + " |", "|" + "---|" * (len(FIGURES) + 1)]
    ours = systems["ours"]
    peers = {"Pagefind": systems["pagefind"], "lunr.js": systems["lunr"]}
    peers["plain Pelican"] = {"build": builds["pelican"]}
    if isinstance(builds["hugo"], float):
        peers["Hugo"] = {"build": builds["hugo"]}
    for name, peer in peers.items():
        cells = []
        for _, get, _fmt, _ in FIGURES:
            mine, theirs = get(ours) if ours.get("status") in (None, "ok") or get is FIGURES[0][1] else None, get(peer)
            cells.append(f"{mine / theirs:.2f}" if isinstance(mine, (int, float)) and isinstance(theirs, (int, float)) and theirs else "—")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def goal_lines(result: dict) -> list[str]:
    """Issue #5 goals at this size, with pass / MISS / not measured."""
    s, b = result["systems"], result["builds"]
    ours, pf = s["ours"], s["pagefind"]
    out = [f"Goals (issue #5) at {result['size']:,} facilities" + (" — the goals are set for 30,000:" if result["size"] != 30000 else ":"), ""]
    out += ["| goal | this project | compared with | result |", "|---|---|---|---|"]

    def row(goal: str, mine, other, ok, fmt: str, other_text: str) -> None:
        if not isinstance(mine, (int, float)):
            out.append(f"| {goal} | not measured | {other_text} | not measured: {ours.get('status', 'error')} |")
            return
        out.append(f"| {goal} | {format(mine, fmt)} | {other_text} | {'pass' if ok else 'MISS'} |")

    exact = _quality(ours, "exact_rate")
    peer_best = max((_quality(s[k], "exact_rate") or 0) for k in ("pagefind", "lunr"))
    beats = exact is not None and exact == 1 and exact > peer_best
    row("exact-match rate 100% and above every peer", exact, peer_best, beats, ".0%", f"best peer {peer_best:.0%}")
    for key in ("a", "b", "c"):
        mine, theirs = _bytes(ours, key), _bytes(pf, key)
        ok = theirs is not None and mine is not None and mine <= theirs
        row(f"({key}) bytes ≤ Pagefind's", mine and mine / 1024, theirs, ok, ",.1f", f"Pagefind {_num(theirs and theirs / 1024, ',.1f')} KiB")
    for key in ("cold_p95_ms", "warm_p95_ms"):
        mine, theirs = _latency(ours, key), _latency(pf, key)
        ok = theirs is not None and mine is not None and mine <= theirs
        row(f"{key.split('_')[0]} p95 ≤ Pagefind's", mine, theirs, ok, ",.1f", f"Pagefind {_num(theirs, ',.1f')} ms")
    mine, plain = ours.get("build"), b["pelican"]
    ratio = mine / plain if isinstance(mine, float) and isinstance(plain, float) else None
    row("build ≤ 1.5 × plain Pelican", ratio, plain, ratio is not None and ratio <= 1.5, ".2f", f"plain Pelican {_num(plain, ',.1f')} s (ratio shown)")
    return out


def quality_notes(result: dict) -> list[str]:
    intro = f"Queries ({len(result['queries'])}, derived from the records; expected ids by the reference matcher)"
    lines = ["", f"{intro} at {result['size']:,} facilities: ✓ exact, ✗ not, with the count each system returned:", ""]
    lines += ["| query | kind | expected | " + " | ".join(label for label, _ in SYSTEMS.values()) + " |", "|---|---|---|" + "---|" * len(SYSTEMS)]
    for i, q in enumerate(result["queries"]):
        cells = []
        for key in SYSTEMS:
            per = (result["systems"][key].get("quality") or {}).get("per_query")
            cells.append("—" if not per else (f"✓ {per[i]['returned']}" if per[i]["exact"] else f"✗ {per[i]['returned']}"))
        lines.append(f"| `{q['text']}` | {q['kind']} | {q['expected']} | " + " | ".join(cells) + " |")
    return lines


def throttled_lines(result: dict) -> list[str]:
    """This project and Pagefind on the phone profile, side by side, with issue 17's goals."""
    systems = result["systems"]
    if not any(systems[k].get("throttled") for k in THROTTLED_SYSTEMS):
        return []
    out = [
        f"Throttled phone profile at {result['size']:,} facilities ({bench.throttle.RTT_MS} ms RTT, 1.6 Mbit/s, empty cache;"
        f" median of {bench.THROTTLED_REPEATS} loads): first results, waves of requests before them",
        "",
        "| system | host | (a) filter, 1 pref | (b) text, 1 pref | (c) text, national | keys without fetch, p95 | keys that fetched | fetched twice |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key in THROTTLED_SYSTEMS:
        for protocol, name in bench.PROTOCOLS.items():
            t = (systems[key].get("throttled") or {}).get(protocol, {})
            cells = [*(bench.throttled_cell(t.get(k, {})) for k in bench.SCENARIOS), *bench.typing_cells(t.get("typing", {}))]
            out.append(f"| {SYSTEMS[key][0]} | {name} | " + " | ".join(cells) + " |")
    out += ["", "| goal | host | this project | Pagefind | result |", "|---|---|---|---|---|"]
    for protocol, name in bench.PROTOCOLS.items():
        ours = (systems["ours"].get("throttled") or {}).get(protocol, {})
        pf = (systems["pagefind"].get("throttled") or {}).get(protocol, {})
        for k in bench.SCENARIOS:
            mine = (ours.get(k) or {}).get("first_result_ms")
            theirs = (pf.get(k) or {}).get("first_result_ms")
            ok = mine is not None and mine <= 1200 and (theirs is None or mine < theirs)
            shown = "not measured" if mine is None else f"{mine:,.0f} ms"
            out.append(f"| ({k}) first results ≤ 1,200 ms and below Pagefind | {name} | {shown} | {_num(theirs, ',.0f')} ms | {'pass' if ok else 'MISS'} |")
            waves = (ours.get(k) or {}).get("waves")
            theirs_w = _num((pf.get(k) or {}).get("waves"), "g")
            verdict = "pass" if waves is not None and waves <= 4 else "MISS"
            out.append(f"| ({k}) ≤ 4 waves before the first results | {name} | {_num(waves, 'g')} | {theirs_w} | {verdict} |")
    return out


def write_waterfall(results: list[dict]) -> None:
    """(a) and (b) over HTTP/2 at the largest size: one SVG per system (WATERFALLS)."""
    measured = [r for r in results if any(r["systems"][k].get("throttled") for k in THROTTLED_SYSTEMS)]
    if not measured:
        return
    result = max(measured, key=lambda r: r["size"])
    for key in THROTTLED_SYSTEMS:
        t = (result["systems"][key].get("throttled") or {}).get("h2", {})
        title = f"{SYSTEMS[key][0]}, {result['size']:,} facilities, HTTP/2"
        charts = [(f"{title}, ({k}) {bench.SCENARIOS[k][0]}", t.get(k) or {"error": "not measured"}) for k in ("a", "b")]
        WATERFALLS[key].write_text(bench.throttle.waterfall_svg(charts), encoding="utf-8")


def report(results: list[dict], machine: dict, extra_versions: dict) -> str:
    lines = bench.machine_lines(machine)
    lines.append("- Peers: " + ", ".join(f"{k} {v}" for k, v in extra_versions.items()))
    for result in results:
        lines += [""] + size_table(result) + [""] + goal_lines(result)
        throttled = throttled_lines(result)
        if throttled:
            lines += [""] + throttled
    if results:
        lines += quality_notes(results[-1])
    return "\n".join(lines)


def peer_versions() -> dict:
    from importlib.metadata import version

    def pkg(name: str) -> str:
        try:
            return version(name)
        except Exception:  # noqa: BLE001
            return "not installed"

    hugo = " ".join(bench._version(["hugo", "version"]).split()[:2]) if shutil.which("hugo") else "not installed"
    lunr_js = json.loads((ROOT / "node_modules" / "lunr" / "package.json").read_text(encoding="utf-8"))["version"]
    return {"Pagefind": pkg("pagefind"), "Pelican": pkg("pelican"), "lunr.js": lunr_js, "Hugo": hugo}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--work", type=Path, default=ROOT / "bench-out")
    parser.add_argument("--repeats", type=int, default=3, help="page loads for the latency figures (cold samples)")
    parser.add_argument("--quick", action="store_true", help="type one short query (for the smoke test)")
    parser.add_argument("--no-doc", action="store_true")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    typed = QUICK_TYPED if args.quick else bench.TYPED_QUERIES
    from playwright.sync_api import sync_playwright

    results = []
    started = time.perf_counter()
    with sync_playwright() as playwright:
        browser = bench.launch_browser(playwright)
        machine = bench.machine_info(browser.version)
        for size in args.sizes:
            results.append(bench_size(size, args.work, browser, args.repeats, typed))
        browser.close()
    versions = peer_versions()
    text = report(results, machine, versions)
    print(text)
    print(f"bench-peers: done in {time.perf_counter() - started:,.0f} s", file=sys.stderr)
    payload = {"machine": machine, "peers": versions, "results": results}
    (args.work / "bench-peers-results.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.no_doc:
        bench.write_doc_section("bench-peers", text)
        write_waterfall(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
