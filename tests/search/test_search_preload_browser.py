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
    """The modules the search script needs, hinted at normal priority (the comparison tray's are low)."""
    links = site_page(site, "search/").head.select('link[rel="modulepreload"]:not([fetchpriority="low"])')
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
    # A module missing from the hints would be fetched only after its importer arrived: wave 3 or later.
    waves = {name: wave for name, _, _, _, wave in run["requests"]}
    needed = search_hints(synthetic_server.site)
    assert "/theme/js/search/engine.js" in needed and needed <= set(waves)
    assert {name: wave for name, wave in waves.items() if name in needed and wave > 2} == {}


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
    # furigana-init.js is the one classic (non-module) script, in <head> itself: no modulepreload applies to it.
    assert sorted(set(loaded) - hinted - {"/theme/js/furigana-init.js"}) == ["/theme/js/search/worker.js"]
    # Fetched twice only what the worker imports itself (its own module map; a revalidation on this host).
    worker_graph = {"/theme/" + path for path in module_graph(ROOT / "theme" / "static", ["js/search/worker.js"])}
    twice = {path for path in loaded if loaded.count(path) > 1}
    assert twice <= worker_graph and all(loaded.count(path) <= 2 for path in loaded)
    assert page.errors == []
