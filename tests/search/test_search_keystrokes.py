"""Issue 17, the per-keystroke path: fast, and exactly the full search's results.

- The engine typed key by key (one engine, as in the worker: its decoded
  postings, scratch arrays and facet table kept from key to key) gives the same
  results, counts, advice and cards as a fresh engine per query.
- The page keeps the card nodes of facilities the last keystroke already
  showed, and leaves the list alone when the same cards come back.
"""

from __future__ import annotations

import json
import re

import pytest
from search_helpers import READY, settle, shown_ids, write_synthetic_records
from sitebuild import FIXTURES, StaticServer, build_site, search_data, search_data_path
from test_search_engine import run_engine

SEARCH_RECORDS = FIXTURES / "search"

# Words typed one key at a time, then deleted one key at a time (as on the page).
TYPED = ["横浜市緑区", "ワークス", "新宿御苑前", "就労定着", "さんぷる", "発達障害", "うつ", "かわさき", "adhd", "緑区 就労", "駅 訓練"]


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("keystrokes")
    (root / "content").mkdir()
    return build_site(root / "output", write_synthetic_records(root / "records", 400, seed=11), root / "content")


def typed_states() -> list[dict]:
    states = []
    for word in TYPED:
        prefixes = [word[:i] for i in range(1, len(word) + 1)]
        for q in prefixes + prefixes[-2::-1]:
            states.append({"q": q})
        states.append({"q": word, "pref": ["kanagawa"]})
        states.append({"q": word, "svc": ["retention"], "sort": "retention"})
        states.append({"q": word, "dis": ["mental"], "walk": 10})
    return states


def comparable(result: dict) -> dict:
    """Everything a search answers, without which files it (or priming) happened to fetch."""
    return {key: value for key, value in result.items() if key not in ("requested", "primed", "primeRequested")}


def test_typing_key_by_key_gives_what_a_fresh_search_gives(synthetic_site):
    states = typed_states()
    typed = run_engine(synthetic_site, [{"state": state, "limit": 60} for state in states])
    fresh = run_engine(synthetic_site, [{"state": state, "limit": 60, "fresh": True} for state in states])
    assert len(typed) == len(states) > 100
    for state, one, other in zip(states, typed, fresh, strict=True):
        assert comparable(one) == comparable(other), state
    # The comparison sees real work: large and small match sets, and some empty ones.
    totals = [result["total"] for result in typed]
    assert max(totals) > 300 and min(totals) == 0 and len(set(totals)) > 20


# --- the page keeps card nodes ------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("keystrokes-browser")
    (root / "content").mkdir()
    site = build_site(root / "output", SEARCH_RECORDS, root / "content")
    with StaticServer(site) as server:
        server.site = site
        yield server


MARK_CARDS = """() => {
  for (const card of document.querySelectorAll('[data-results] > li')) card.__marked = card.querySelector('[data-facility-id]').dataset.facilityId;
  window.__listChanges = 0;
  new MutationObserver((records) => { window.__listChanges += records.length; })
    .observe(document.querySelector('[data-results]'), { childList: true });
}"""
MARKED = "() => [...document.querySelectorAll('[data-results] > li')].map((card) => card.__marked || null)"


@pytest.mark.browser
def test_a_keystroke_that_shows_the_same_cards_keeps_them(page, fixture_server):
    before, after = run_engine(fixture_server.site, [{"state": {"q": "かれん"}}, {"state": {"q": "かれんと"}}])
    assert before["ids"] == after["ids"] == ["tokyo-current"]
    page.goto(f"{fixture_server.url}search/")
    page.wait_for_selector(READY, state="attached")
    box = page.locator('input[name="q"]')
    settle(page, lambda: box.fill("かれん"))
    assert shown_ids(page) == ["tokyo-current"]
    page.evaluate(MARK_CARDS)
    box.press("End")
    settle(page, lambda: page.keyboard.type("と"))
    # The same card: the very same node, and the list was not touched.
    assert box.input_value() == "かれんと"
    assert shown_ids(page) == ["tokyo-current"]
    assert page.evaluate(MARKED) == ["tokyo-current"]
    assert page.evaluate("() => window.__listChanges") == 0
    assert page.text_content("[data-result-count]").strip() == "1件の事業所が見つかりました"


@pytest.mark.browser
def test_a_keystroke_that_changes_the_cards_keeps_only_the_ones_still_shown(page, fixture_server):
    (everything, midori) = run_engine(fixture_server.site, [{"state": {}}, {"state": {"q": "緑区"}}])
    page.goto(f"{fixture_server.url}search/")
    page.wait_for_selector(READY, state="attached")
    assert shown_ids(page) == everything["ids"]
    page.evaluate(MARK_CARDS)
    settle(page, lambda: page.locator('input[name="q"]').fill("緑区"))
    # Exactly the full search's cards, in its order; those shown before are the same nodes.
    assert shown_ids(page) == midori["ids"]
    assert 0 < len(midori["ids"]) < len(everything["ids"])
    assert page.evaluate(MARKED) == midori["ids"]
    assert page.evaluate("() => window.__listChanges") > 0
    # A card for a facility not shown before is built anew (no stale mark), and clearing brings all back.
    settle(page, lambda: page.locator("[data-search-clear]").click())
    assert shown_ids(page) == everything["ids"]
    marks = page.evaluate(MARKED)
    assert [m for m in marks if m] == midori["ids"]
    assert marks.count(None) == len(everything["ids"]) - len(midori["ids"])


# --- priming the text search while the page is idle (engine.prime) ---------------------


def smallest_shard(site) -> tuple[str, str]:
    """The character whose text shard is smallest (the first of equals) and that shard's path, as prime picks it."""
    directory = json.loads(next((site / "search").glob("*/text/chars.json")).read_text(encoding="utf-8"))
    char = min(zip(directory["sizes"], range(len(directory["chars"])), directory["chars"], strict=False))[2]
    return char, f"text/{ord(char):x}.json"


def test_priming_fetches_only_the_smallest_shard_and_changes_no_answer(synthetic_site):
    states = typed_states()
    primed = run_engine(synthetic_site, [{"state": states[0], "limit": 60, "prime": True}] + [{"state": s, "limit": 60} for s in states[1:]])
    fresh = run_engine(synthetic_site, [{"state": state, "limit": 60, "fresh": True} for state in states])
    for state, one, other in zip(states, primed, fresh, strict=True):
        assert comparable(one) == comparable(other), state
    first = primed[0]
    assert first["primed"] is True
    # Beyond what warm() loads (the directory, the facet table), only the smallest text shard and at
    # most the reading shard of its first term's first two characters: no cards, no facet part.
    _, shard = smallest_shard(synthetic_site)
    extra = set(first["primeRequested"]) - {"text/chars.json", "facets.json", shard}
    assert shard in first["primeRequested"]
    assert all(path.startswith("text/p/") for path in extra) and len(extra) <= 1, first["primeRequested"]
    # The first key then fetches its own shard and the same card files as a fresh engine: priming
    # loaded nothing the visitor's key needs (only what warm() loads anyway).
    typed_shard = f"text/{ord(states[0]['q']):x}.json"
    assert typed_shard != shard and typed_shard in first["requested"]
    assert set(first["requested"]) <= set(fresh[0]["requested"])
    assert {p for p in first["requested"] if p.startswith("cards/")} == {p for p in fresh[0]["requested"] if p.startswith("cards/")}


def test_priming_after_a_search_leaves_more_paging_that_search(synthetic_site):
    state = {"q": "駅"}
    (everything,) = run_engine(synthetic_site, [{"state": state, "limit": 40}])
    (paged,) = run_engine(synthetic_site, [{"state": state, "limit": 20, "prime": "after", "more": [20, 20]}])
    assert paged["primed"] is True
    assert len(everything["ids"]) == 40
    assert paged["ids"] == everything["ids"][:20]
    assert paged["moreIds"] == everything["ids"][20:40]


@pytest.mark.browser
def test_the_page_primes_its_worker_once_idle_and_the_first_key_is_right(page, synthetic_site):
    (first_results, yoko) = run_engine(synthetic_site, [{"state": {}, "limit": 20, "fresh": True}, {"state": {"q": "横"}, "limit": 20, "fresh": True}])
    _, shard = smallest_shard(synthetic_site)
    with StaticServer(synthetic_site) as server:
        prefix = f"{server.url}search/"
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        shard_url = server.url + search_data(synthetic_site)[shard].relative_to(synthetic_site).as_posix()
        with page.expect_request(shard_url):  # the worker primes itself after the first results
            page.goto(f"{server.url}search/")
        page.wait_for_selector(READY, state="attached")
        page.wait_for_load_state("networkidle")
        data_files = [url[len(prefix) + 11 :] for url in requested if re.match(re.escape(prefix) + "[0-9a-f]{10}/", url)]  # under its group's folder
        # Priming fetched no cards of its own: only the first results' card files.
        first_cards = {path for path in first_results["requested"] if path.startswith("cards/")}
        assert {path for path in data_files if path.startswith("cards/")} == first_cards
        assert data_files.count(shard) == 1
        box = page.locator('input[name="q"]')
        box.focus()
        settle(page, lambda: page.keyboard.type("横"))
        assert shown_ids(page) == yoko["ids"]
        assert len(yoko["ids"]) == 20
        assert page.text_content("[data-result-count]").strip() == f"{yoko['total']:,}件の事業所が見つかりました"


# --- the address while typing -------------------------------------------------------------


@pytest.mark.browser
def test_the_address_waits_until_the_keys_rest(page, fixture_server):
    page.clock.install()  # the page's timers under the test's control (paused below)
    page.goto(f"{fixture_server.url}search/")
    page.wait_for_selector(READY, state="attached")
    length = page.evaluate("history.length")
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    try:
        page.focus('input[name="q"]')
        for char in "かれんと":
            settle(page, lambda char=char: page.keyboard.type(char))
            # Each key's results are shown and the address waits (a same-document navigation per key
            # cost the page about 2 ms and a favicon fetch and decode during the next key).
            assert page.evaluate("location.search") == ""
        page.clock.run_for(390)
        assert page.evaluate("location.search") == ""
        page.clock.run_for(20)  # 400 ms after the last key's results
        assert page.evaluate("decodeURIComponent(location.search)") == "?q=かれんと"
        assert page.evaluate("history.length") == length
        assert shown_ids(page) == ["tokyo-current"]
    finally:
        page.clock.resume()  # a paused clock holds up closing the page


@pytest.mark.browser
def test_a_choice_right_after_typing_keeps_the_typed_words_for_back(page, fixture_server):
    page.goto(f"{fixture_server.url}search/")
    page.wait_for_selector(READY, state="attached")
    page.focus('input[name="q"]')
    settle(page, lambda: page.keyboard.type("緑区"))
    # At once (the address of the typed words still pending): a new history entry for the choice.
    page.locator("[data-region]", has=page.locator("summary", has_text="関東")).locator("summary").click()
    settle(page, lambda: page.locator('input[name="pref"][value="kanagawa"]').check())
    assert page.evaluate("location.search") == "?q=" + page.evaluate("encodeURIComponent('緑区')") + "&pref=kanagawa"
    settle(page, lambda: page.go_back())
    assert page.evaluate("decodeURIComponent(location.search)") == "?q=緑区"
    assert page.input_value('input[name="q"]') == "緑区"
    assert shown_ids(page) == ["sagamihara-midori", "yokohama-midori"]


# --- the frame after a keystroke (content-visibility of the cards) -----------------------------

COUNT_LAID_OUT = """() => {
  const list = document.querySelector('[data-results]');
  // A card's contents are laid out when its heading is not skipped by the card's content-visibility.
  const laidOut = () => [...list.querySelectorAll('h3')].filter((h) => h.checkVisibility({ contentVisibilityAuto: true })).length;
  const afterFrame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  window.__laidOut = null;
  const seen = new MutationObserver(async () => {
    if (list.getAttribute('aria-busy') !== 'false') return;
    seen.disconnect();
    await afterFrame();
    const first = laidOut();
    for (let i = 0; i < 4; i++) await afterFrame();
    window.__laidOut = { first, settled: laidOut(), cards: list.children.length };
  });
  seen.observe(list, { attributes: true, attributeFilter: ['aria-busy'] });
}"""


@pytest.mark.browser
def test_the_frame_after_a_keystroke_lays_out_only_the_cards_that_stay_laid_out(page, synthetic_site):
    """Issue 17: new cards get the guessed height of content-visibility until laid out; a guess shorter
    than a real card (22rem) put more new cards near the viewport, so the frame after each keystroke
    laid out cards that the next frame skipped again (10, then 8, at 1024 × 800)."""
    with StaticServer(synthetic_site) as server:
        page.goto(f"{server.url}search/")
        page.wait_for_selector(READY, state="attached")
        page.wait_for_load_state("networkidle")
        box = page.locator('input[name="q"]')
        box.focus()
        for key in "横浜":
            page.evaluate(COUNT_LAID_OUT)
            page.keyboard.type(key)
            page.wait_for_function("() => window.__laidOut !== null")
            counts = page.evaluate("() => window.__laidOut")
            assert counts["cards"] == 20
            # Some cards are skipped (below the fold), and none laid out in the first frame is skipped after.
            assert 0 < counts["settled"] < counts["cards"]
            assert counts["first"] <= counts["settled"], counts


# --- a prefecture chosen: the keyword box's focus fetches its card file ----------------------


@pytest.mark.browser
def test_with_one_prefecture_the_box_focus_fetches_its_cards_and_a_first_key_only_its_shard(page, synthetic_site):
    """Issue 17: with a prefecture chosen a new word's first key fetched its shard and then, once
    ranked, its cards: two round trips. The focus of the keyword box now fetches the prefecture's card
    file (only visitors about to type pay it), so the first key fetches its shard alone."""
    (yoko,) = run_engine(synthetic_site, [{"state": {"q": "横", "pref": ["kanagawa"]}, "limit": 20, "fresh": True}])
    with StaticServer(synthetic_site) as server:
        page_html = (synthetic_site / "search" / "index.html").read_text(encoding="utf-8")
        config = json.loads(page_html.split('id="search-config">', 1)[1].split("</script>", 1)[0])
        data_prefix = f"{server.url}{config['data']}"  # every group folder is under it (search/page.py data_group)
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{server.url}search/?pref=kanagawa")
        page.wait_for_selector(READY, state="attached")
        page.wait_for_load_state("networkidle")
        pref_file = server.url + search_data_path(config, "cards/pref-kanagawa.json")
        assert pref_file not in requested  # not for a visitor who only looks at the prefecture's list
        box = page.locator('input[name="q"]')
        with page.expect_request(pref_file):
            box.focus()
        page.wait_for_load_state("networkidle")
        before_key = len(requested)
        settle(page, lambda: page.keyboard.type("横"))
        page.wait_for_load_state("networkidle")
        fetched = [url for url in requested[before_key:] if url.startswith(data_prefix) and url.endswith(".json")]
        assert fetched == [server.url + search_data_path(config, f"text/{ord('横'):x}.json")]
        assert shown_ids(page) == yoko["ids"]
        assert len(yoko["ids"]) > 0
        assert requested.count(pref_file) == 1


def search_config(site) -> dict:
    page_html = (site / "search" / "index.html").read_text(encoding="utf-8")
    return json.loads(page_html.split('id="search-config">', 1)[1].split("</script>", 1)[0])


@pytest.mark.browser
def test_with_few_prefectures_the_box_focus_fetches_their_cards_and_a_first_key_only_its_shard(page, synthetic_site):
    """Issue 17: with several prefectures chosen the first key of a word also fetched its shard and then
    its cards. The focus now fetches every chosen prefecture's card file while together they hold no more
    facilities than the largest prefecture (never more bytes than one prefecture's file may cost); above
    that, nothing. No file is fetched twice."""
    config = search_config(synthetic_site)
    starts, slugs = config["prefStarts"], config["prefectures"]
    sizes = {slug: starts[i + 1] - starts[i] for i, slug in enumerate(slugs) if starts[i + 1] > starts[i]}
    largest = max(sizes, key=sizes.get)
    # Two prefectures within the bound (the pair with the most facilities that fits), and a pair above it.
    pairs = [(a, b) for a in sizes for b in sizes if a < b and sizes[a] + sizes[b] <= sizes[largest]]
    within = sorted(max(pairs, key=lambda pair: sizes[pair[0]] + sizes[pair[1]]))
    above = sorted([largest, min(sizes, key=sizes.get)])
    assert sizes[above[0]] + sizes[above[1]] > sizes[largest]
    # A first key whose cards a fresh engine fetches (its shard does not carry them): without the
    # prefetch it would take two round trips.
    for key in "就市区町ワさ":
        (fresh,) = run_engine(synthetic_site, [{"state": {"q": key, "pref": within}, "limit": 20, "fresh": True}])
        if fresh["total"] and any(path.startswith("cards/") for path in fresh["requested"]):
            break
    else:
        pytest.fail("no key needs card files for " + ",".join(within))
    with StaticServer(synthetic_site) as server:
        data_prefix = f"{server.url}{config['data']}"
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(f"{server.url}search/?pref={','.join(within)}")
        page.wait_for_selector(READY, state="attached")
        page.wait_for_load_state("networkidle")
        pref_files = [server.url + search_data_path(config, f"cards/pref-{slug}.json") for slug in within]
        assert not set(pref_files) & set(requested)
        box = page.locator('input[name="q"]')
        with page.expect_request(pref_files[0]), page.expect_request(pref_files[1]):
            box.focus()
        page.wait_for_load_state("networkidle")
        before_key = len(requested)
        settle(page, lambda: page.keyboard.type(key))
        page.wait_for_load_state("networkidle")
        fetched = [url for url in requested[before_key:] if url.startswith(data_prefix) and url.endswith(".json")]
        assert fetched == [server.url + search_data_path(config, f"text/{ord(key):x}.json")]
        assert shown_ids(page) == fresh["ids"]
        data_files = [url for url in requested if url.startswith(data_prefix)]
        assert len(data_files) == len(set(data_files))  # nothing fetched twice
        # Above the bound the focus fetches no card file.
        page.goto(f"{server.url}search/?pref={','.join(above)}")
        page.wait_for_selector(READY, state="attached")
        page.wait_for_load_state("networkidle")
        before_focus = len(requested)
        box.focus()
        page.wait_for_timeout(300)
        page.wait_for_load_state("networkidle")
        assert not [url for url in requested[before_focus:] if "/cards/pref-" in url]
