"""The search page on a throttled phone network (tools/throttle.py): first results within four waves of requests.

Each level of module imports or data that waits for other data is one more
round trip (150 ms on the phone profile). The page hints its whole module
graph and the shard directory, runs the first search on the page and only then
starts the worker, so the first results need at most: the HTML, one wave of
hinted files, the keyword's shard (with the chosen prefecture's facet part),
the cards (with the facet parts of the prefectures a keyword was found in).
"""

from __future__ import annotations

import sys

import pytest
from conftest import run_axe
from facility_site.search.modules import module_graph
from search_helpers import READY, write_synthetic_records
from sitebuild import ROOT, build_site
from sitebuild import page as site_page

sys.path.insert(0, str(ROOT / "tools"))
import bench  # noqa: E402
import throttle  # noqa: E402

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def synthetic_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("preload")
    records = write_synthetic_records(root / "records", 300, seed=3)
    (root / "content").mkdir()
    site = build_site(root / "output", records, root / "content")
    with bench.GzipServer(site) as server:
        server.site = site
        yield server


def search_hints(site) -> set[str]:
    """The modules hinted in the page head: the search script's bundle (hosting/minify.py)."""
    links = site_page(site, "search/").head.select('link[rel="modulepreload"]')
    return {"/" + link["href"].removeprefix("../") for link in links}


@pytest.mark.parametrize("key", ["a", "c"])
def test_throttled_first_results_need_at_most_four_waves(browser, synthetic_server, key):
    _, path = bench.SCENARIOS[key]
    run = throttle.open_throttled(browser, synthetic_server.url + path)
    assert run["page_errors"] == []
    assert run["cards_shown"] > 0 and "件" in run["result_count_text"]
    # Every request before the first results, with the wave it was counted in.
    assert run["waves"] <= 4, run["requests"]
    # The network really was throttled: no request can finish in under one round trip.
    assert all(end - start >= throttle.RTT_MS * 0.9 for _, start, end, _, _ in run["requests"] if end is not None)
    # The search script is one bundle, hinted, in the first wave after the page; no other module before
    # the first results (the comparison tray's come after them, and share no bandwidth with the data).
    waves = {name: wave for name, _, _, _, wave in run["requests"]}
    needed = search_hints(synthetic_server.site)
    assert needed == {"/theme/js/search/page.js"}
    assert {name for name in waves if name.startswith("/theme/js/")} - {"/theme/js/furigana-init.js"} == needed
    assert waves["/theme/js/search/page.js"] <= 2


# Installed before the page's scripts: when the form was mounted (the no-script notice hidden).
AT_MOUNT = """
(() => {
  const seen = new MutationObserver(() => {
    const nojs = document.querySelector('[data-search-nojs]');
    if (!nojs || !nojs.hidden || window.__mountedAt !== undefined) return;
    window.__mountedAt = performance.now();
    seen.disconnect();
  });
  seen.observe(document, { attributes: true, childList: true, subtree: true });
})();
"""


def test_a_keyword_asks_for_its_shard_before_the_form_is_mounted_and_never_for_lunr(browser, synthetic_server):
    """(b) opened from the URL: the keyword's shard request leaves as soon as the shard directory is read,
    not after the page has mounted the form; the matches are ranked without lunr.js (issue 17)."""
    context = browser.new_context(locale="ja-JP")
    try:
        context.add_init_script(AT_MOUNT)
        tab = context.new_page()
        errors = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.goto(synthetic_server.url + bench.SCENARIOS["b"][1])
        tab.wait_for_selector(READY, state="attached")
        tab.wait_for_load_state("networkidle")
        entries = tab.evaluate(
            """() => performance.getEntriesByType("resource").map((e) => [new URL(e.name).pathname, e.startTime])"""
        )
        mounted = tab.evaluate("() => window.__mountedAt")
        shards = [start for path, start in entries if "/text/" in path and not path.endswith("/chars.json")]
        assert shards and mounted is not None
        assert shards[0] < mounted, (shards, mounted)
        assert not [path for path, _ in entries if "lunr" in path]
        assert tab.locator("[data-results] [data-facility-id]").count() > 0
        assert errors == []
    finally:
        context.close()


def test_every_module_the_page_loads_came_from_a_hint(page, synthetic_server):
    """Compared with what the browser itself loaded: no module outside the hints (the worker's script aside)."""
    page.goto(synthetic_server.url + "search/?pref=tokyo")
    page.wait_for_selector(READY, state="attached")
    page.wait_for_load_state("networkidle")
    loaded = page.evaluate(
        """() => performance.getEntriesByType("resource")
              .map((e) => new URL(e.name).pathname)
              .filter((path) => path.includes("/theme/js/"))"""
    )
    hinted = set(page.eval_on_selector_all('link[rel="modulepreload"]', "links => links.map(l => new URL(l.href).pathname)"))
    assert "/theme/js/search/worker.js" in loaded  # the worker took over after the first results
    # site.js and its imports came after the first results, all hinted at once by the search script.
    site_graph = {"/theme/" + path for path in module_graph(ROOT / "theme" / "static", ["js/site.js"])}
    assert "/theme/js/compare/tray.js" in site_graph and site_graph <= set(loaded) and site_graph <= hinted
    assert page.locator("[data-compare-button]").count() > 0  # and mounted the toggles in the cards
    # The worker is one bundle too (hosting/minify.py), not hinted; furigana-init.js is the one
    # classic (non-module) script, in <head> itself: no modulepreload applies to it.
    assert set(loaded) - hinted - {"/theme/js/furigana-init.js"} == {"/theme/js/search/worker.js"}
    assert all(loaded.count(path) <= 2 for path in loaded)  # at most a revalidation on this host
    assert page.errors == []


# Installed before the page's scripts: each card's height and slot at the moment the first results are final.
AT_FIRST_RESULTS = """
(() => {
  const seen = new MutationObserver(() => {
    const list = document.querySelector('[data-results]');
    if (!list || list.getAttribute('aria-busy') !== 'false' || window.__atFirst) return;
    const cards = [...list.querySelectorAll('[data-facility-id]')].slice(0, 5);
    window.__atFirst = {
      // The slot, not the card: cards out of sight have a guessed height (content-visibility).
      heights: cards.map((card) => card.querySelector('.compare-slot').getBoundingClientRect().height),
      emptySlots: cards.filter((card) => card.querySelector('.compare-slot:empty')).length,
      siteScript: performance.getEntriesByType('resource').some((e) => e.name.endsWith('/theme/js/site.js')),
    };
    seen.disconnect();
  });
  seen.observe(document, { attributes: true, childList: true, subtree: true });
})();
"""


@pytest.mark.parametrize("width", [390, 1024])
def test_the_comparison_toggles_come_after_the_first_results_in_the_place_kept_for_them(browser, synthetic_server, width):
    """site.js loads once the results are shown; its toggles fill slots that already had their height."""
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 800})
    try:
        tab = context.new_page()
        errors = []
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.add_init_script(AT_FIRST_RESULTS)
        tab.goto(synthetic_server.url + "search/?pref=tokyo")
        tab.wait_for_selector("[data-results] [data-compare-button]")
        at_first = tab.evaluate("() => window.__atFirst")
        assert at_first["siteScript"] is False and at_first["emptySlots"] == 5  # the tray's script came after
        cards = tab.locator("[data-results] [data-facility-id]")
        tab.wait_for_function("() => document.querySelectorAll('[data-results] [data-compare-button]').length >= 5")
        after = [cards.nth(i).evaluate("card => card.querySelector('.compare-slot').getBoundingClientRect().height") for i in range(5)]
        assert after == pytest.approx(at_first["heights"], abs=0.5) and min(after) >= 44  # nothing below a slot moved
        # By keyboard: the first card's toggle adds it, and the tray appears with it.
        button = cards.first.locator("[data-compare-button]")
        button.focus()
        tab.keyboard.press("Enter")
        assert button.get_attribute("aria-pressed") == "true"
        tray = tab.locator("[data-compare-tray]")
        assert tray.is_visible() and tray.locator("[data-compare-count]").inner_text().startswith("1件")
        assert run_axe(tab) == []
        # Chosen before: on the next visit the tray and the pressed toggle come back after the results.
        chosen = cards.first.get_attribute("data-facility-id")
        tab.reload()
        tab.wait_for_selector(f'[data-compare-button="{chosen}"][aria-pressed="true"]')
        assert tab.locator("[data-compare-tray]").is_visible()
        assert errors == []
    finally:
        context.close()
