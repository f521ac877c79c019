"""The ふりがな switch in a real browser: state, persistence, what is read, layout, axe."""

from __future__ import annotations

import time

import pytest
from conftest import format_violations, run_axe
from sitebuild import search_data_path

pytestmark = pytest.mark.browser

# Records, for each page load, what <html data-furigana> said when <body> first appeared:
# the state must be set before anything is painted, not after the modules run.
RECORD_FIRST_PAINT_STATE = """
new MutationObserver((changes, observer) => {
  if (document.body) {
    window.__furiganaAtBody = document.documentElement.getAttribute('data-furigana');
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""

PAGE_TYPES = ["", "facilities/pinto/", "pref/chiba/", "articles/teichaku-shien-guide/", "search/", "compare/", "visit/", "404.html"]


def ax_names(tab) -> list[str]:
    """Every name, text and description in the page's accessibility tree, as Chromium gives it to screen readers.

    (Chromium exposes a shown <ruby> as a Ruby node whose reading is its description.)
    """
    cdp = tab.context.new_cdp_session(tab)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    cdp.detach()
    texts = []
    for node in nodes:
        if not node.get("ignored"):
            texts += [str(node.get(key, {}).get("value", "")) for key in ("name", "description")]
    return [t for t in texts if t]


def switch_on(tab):
    tab.get_by_role("button", name="ふりがな").click()
    tab.wait_for_function("() => document.documentElement.dataset.furigana === 'on'")


def test_off_by_default_no_reading_is_shown_read_or_in_inner_text(page, sample_server):
    page.goto(sample_server.url + "facilities/pinto/")
    assert page.evaluate("document.documentElement.dataset.furigana") == "off"
    assert page.get_by_role("button", name="ふりがな").get_attribute("aria-pressed") == "false"
    assert page.locator("h1 rt").count() > 0  # the ruby is in the page …
    assert page.evaluate("getComputedStyle(document.querySelector('h1 rt'), '::before').content") == "none"  # … its reading is not drawn
    assert page.locator("h1").inner_text() == "就労移行支援事業所 Pinto"
    body = page.locator("body").inner_text()
    assert "とどうふけん" not in body and "じぎょう" not in body
    names = ax_names(page)
    assert not [n for n in names if "とどうふけん" in n or "じぎょう" in n]
    assert "就労移行支援事業所 Pinto" in names  # the heading is read once, as written


def test_switch_shows_readings_without_reload_and_is_remembered(page, sample_server):
    page.add_init_script(RECORD_FIRST_PAINT_STATE)
    page.goto(sample_server.url + "facilities/pinto/")
    page.evaluate("window.__samePage = true")
    switch_on(page)
    button = page.get_by_role("button", name="ふりがな")
    assert button.get_attribute("aria-pressed") == "true"
    assert page.evaluate("window.__samePage") is True  # no reload
    shown = page.evaluate("getComputedStyle(document.querySelector('h1 rt'), '::before').content")
    assert shown == '"しゅうろう"'  # the reading, drawn from data-r …
    assert page.locator("h1").inner_text() == "就労移行支援事業所 Pinto"  # … while the text stays as written
    # and screen readers get it (Chromium updates its accessibility tree a little after the style: poll, don't sleep)
    deadline = time.monotonic() + 5
    while not any("とどうふけん" in n for n in ax_names(page)) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert any("とどうふけん" in n for n in ax_names(page))

    # Another page, and a new visit: on before the first paint.
    page.goto(sample_server.url + "pref/chiba/")
    assert page.evaluate("window.__furiganaAtBody") == "on"
    assert page.get_by_role("button", name="ふりがな").get_attribute("aria-pressed") == "true"
    assert page.evaluate("getComputedStyle(document.querySelector('main h1 rt'), '::before').content") != "none"

    # And off again, by keyboard.
    page.get_by_role("button", name="ふりがな").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.documentElement.dataset.furigana === 'off'")
    page.reload()
    assert page.evaluate("window.__furiganaAtBody") == "off"
    assert page.evaluate("getComputedStyle(document.querySelector('main h1 rt'), '::before').content") == "none"
    assert page.errors == []


@pytest.fixture
def phone_on(browser, sample_server):
    context = browser.new_context(locale="ja-JP", viewport={"width": 320, "height": 640})
    context.add_init_script("localStorage.setItem('furigana', 'on')")
    tab = context.new_page()
    yield tab
    context.close()


@pytest.mark.parametrize("url", PAGE_TYPES)
def test_no_horizontal_scrolling_at_320px_with_ruby_on(phone_on, sample_server, url):
    phone_on.goto(sample_server.url + url)
    phone_on.wait_for_load_state("networkidle")
    assert phone_on.evaluate("document.documentElement.dataset.furigana") == "on"
    assert phone_on.evaluate("getComputedStyle(document.querySelector('rt'), '::before').content") != "none"
    widths = phone_on.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths == [320, 320]


@pytest.mark.parametrize("url", ["facilities/pinto/", "search/?q=%E9%A7%85"])
def test_a_walk_time_stays_on_one_line_at_320px_with_ruby_on(phone_on, sample_server, url):
    """「徒歩2」 at a line's end and 「分」 on the next is how a narrow screen broke it (seen on /facilities/pinto/)."""
    phone_on.goto(sample_server.url + url)
    phone_on.wait_for_load_state("networkidle")
    phone_on.wait_for_selector(".walk rt")
    # The bottom of each piece of base text (not the readings): one line when they all sit level.
    lines = phone_on.evaluate(
        """[...document.querySelectorAll('.walk')].map((walk) => {
            const walker = document.createTreeWalker(walk, NodeFilter.SHOW_TEXT);
            const bottoms = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (node.parentElement.closest('rt') || !node.textContent.trim()) continue;
                const range = document.createRange();
                range.selectNodeContents(node);
                for (const rect of range.getClientRects()) bottoms.push(Math.round(rect.bottom));
            }
            return [walk.textContent, Math.max(...bottoms) - Math.min(...bottoms)];
        })"""
    )
    assert lines and all(spread <= 2 for _text, spread in lines), lines


@pytest.mark.parametrize("state", ["off", "on"])
@pytest.mark.parametrize("url", PAGE_TYPES)
def test_axe_finds_no_violations_with_the_switch_on_or_off(page, sample_server, url, state):
    page.add_init_script(f"localStorage.setItem('furigana', '{state}')")
    page.goto(sample_server.url + url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.dataset.furigana") == state
    violations = run_axe(page)
    assert violations == [], format_violations(violations)


def readings_in(tab, selector: str) -> list[list[str]]:
    """[base, reading] of every shown <ruby> inside the elements matching `selector`."""
    return tab.evaluate(
        """(selector) => [...document.querySelectorAll(selector + ' ruby')]
             .filter((r) => getComputedStyle(r.querySelector('rt'), '::before').content !== 'none')
             .map((r) => [r.firstChild.textContent, r.querySelector('rt').dataset.r])""",
        selector,
    )


def readings_requests(tab) -> list[str]:
    """The readings files the page asks for (furigana/…, not the scripts in theme/js/furigana/)."""
    requests = []
    tab.on("request", lambda request: requests.append(request.url) if "/furigana/" in request.url and "/theme/" not in request.url else None)
    return requests


def test_search_cards_get_ruby_while_on_and_fetch_nothing_while_off(page, sample_server):
    fetched = readings_requests(page)
    page.goto(sample_server.url + "search/?pref=chiba")
    page.wait_for_selector("[data-results] [data-facility-id='pinto']")
    page.wait_for_load_state("networkidle")
    assert fetched == []  # off: no readings, no extra module
    assert page.locator("[data-results] ruby").count() == 0

    switch_on(page)
    page.wait_for_function("() => document.documentElement.dataset.furiganaLive === 'ready'")
    card = "[data-results] [data-facility-id='pinto']"
    shown = readings_in(page, card)
    assert ["流山", "ながれやま"] in shown and ["森", "もり"] in shown and ["分", "ふん"] in shown  # 徒歩2分
    assert ["就労", "しゅうろう"] in shown  # the name, as its page reads it
    # The site's readings, and those of the card chunks shown (each card's data-doc), once each.
    config = page.evaluate("JSON.parse(document.getElementById('search-config').textContent)")
    docs = page.eval_on_selector_all("[data-results] [data-doc]", "cards => cards.map((c) => Number(c.dataset.doc))")
    wanted = {"furigana/readings.json"} | {"furigana/" + search_data_path(config, f"cards/doc-{d // config['cardChunk']}.json") for d in docs}
    assert sorted(fetched) == sorted(sample_server.url + path for path in wanted)
    # A new search renders new cards: they get ruby too.
    page.goto(sample_server.url + "search/?pref=tokyo")
    page.wait_for_function("() => document.documentElement.dataset.furiganaLive === 'ready'")
    page.wait_for_function("() => document.querySelector(\"[data-results] [data-facility-id='current'] ruby\")")
    assert ["新宿", "しんじゅく"] in readings_in(page, "[data-results] [data-facility-id='current']")
    assert page.errors == []


def test_a_card_waits_for_its_chunks_readings_and_never_shows_a_word_read_from_a_part(page, sample_server):
    """The site's readings know 流 (なが, from 流れ); the card's chunk knows 流山 (ながれやま): the card shows only the latter."""
    held = []
    page.route("**/furigana/search/**", lambda route: held.append(route))  # the card chunks' readings, answered below
    page.add_init_script("localStorage.setItem('furigana', 'on')")
    page.goto(sample_server.url + "search/?pref=chiba")
    card = "[data-results] [data-facility-id='pinto']"
    page.wait_for_selector(card)
    page.wait_for_function("() => document.querySelector('main h1 ruby')")  # the site's readings are in
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held and readings_in(page, card) == []  # nothing until the chunk's readings are in
    for route in held:
        route.continue_()
    page.wait_for_function("(card) => document.querySelector(card + ' ruby')", arg=card)
    page.wait_for_function("() => document.documentElement.dataset.furiganaLive === 'ready'")
    shown = readings_in(page, card)
    assert ["流山", "ながれやま"] in shown and ["流", "なが"] not in shown
    assert page.errors == []


def test_each_sentence_reads_its_own_kanji_on_the_search_page_and_the_tray(page, sample_server):
    """空 is あ in 空きあり and から in the emptied tray (seen as そら and あ there); 体 in the glossary is
    からだ and 行 in the guide is おこな (content/furigana.yaml); 見学した日 and the dates keep theirs."""
    page.add_init_script("localStorage.setItem('furigana', 'on')")
    page.goto(sample_server.url + "search/?pref=chiba")
    page.wait_for_function("() => document.documentElement.dataset.furiganaLive === 'ready'")
    page.wait_for_function("() => document.querySelector('input[name=vacancy]').parentElement.querySelector('ruby')")
    assert readings_in(page, "label:has(> input[name=vacancy])") == [["空", "あ"], ["件", "けん"]]
    page.locator('[data-compare-button="pinto"]').click()
    page.locator("[data-compare-clear]").click()
    page.wait_for_function("() => document.querySelector('[data-compare-count] ruby')")
    assert readings_in(page, "[data-compare-count]") == [["空", "から"]]
    assert ["空", "から"] in readings_in(page, ".compare-tray__undo-row")
    page.goto(sample_server.url + "glossary/")
    page.wait_for_function("() => document.documentElement.dataset.furiganaLive === 'ready'")
    assert ["体", "からだ"] in readings_in(page, "main") and ["体", "たい"] not in readings_in(page, "main")
    page.goto(sample_server.url + "articles/teichaku-shien-guide/")
    page.wait_for_function("() => document.documentElement.dataset.furiganaLive === 'ready'")
    shown = readings_in(page, "main")
    assert ["行", "おこな"] in shown and ["行", "い"] not in shown
    assert page.errors == []


def test_the_result_count_is_shown_with_ruby_and_spoken_once_without(page, sample_server):
    """The count is a live region: it keeps its words for screen readers (hidden from sight) and a copy
    hidden from screen readers shows them with ruby."""
    page.add_init_script("localStorage.setItem('furigana', 'on')")
    page.goto(sample_server.url + "search/?q=%E6%A8%AA%E6%B5%9C")
    page.wait_for_function("() => document.documentElement.dataset.furiganaLive === 'ready'")
    page.wait_for_function("() => document.querySelector('[data-furigana-mirror] ruby')")
    region = page.locator("[data-result-count]")
    mirror = page.locator("[data-result-count] + [data-furigana-mirror]")
    assert region.get_attribute("aria-live") == "polite" and region.locator("ruby").count() == 0
    assert mirror.get_attribute("aria-hidden") == "true" and mirror.is_visible()
    assert ["件", "けん"] in readings_in(page, "[data-furigana-mirror]") and ["事業", "じぎょう"] in readings_in(page, "[data-furigana-mirror]")
    spoken = region.text_content()
    assert spoken.endswith("見つかりました") and "じぎょうしょ" not in page.locator("main").inner_text()
    # Screen readers get the region's words (without readings), and nothing of the copy.
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]

    def ax_nodes(selector):
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        return cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"]

    assert all(node.get("ignored") for node in ax_nodes("[data-result-count] + [data-furigana-mirror]"))
    assert not ax_nodes("[data-result-count]")[0].get("ignored")
    cdp.detach()
    assert any(spoken in text for text in ax_names(page))
    # A new search: the copy follows the region.
    page.fill("#search-q", "")
    page.wait_for_function("(before) => document.querySelector('[data-result-count]').textContent !== before", arg=spoken)
    page.wait_for_function(
        "() => document.querySelector('[data-result-count] + [data-furigana-mirror]').textContent"
        " === document.querySelector('[data-result-count]').textContent"
    )
    assert page.errors == []


def test_comparison_table_gets_ruby_while_on(page, sample_server):
    page.add_init_script("localStorage.setItem('furigana', 'on')")
    page.goto(sample_server.url + "compare/?ids=pinto,current")
    page.wait_for_function("() => document.documentElement.dataset.furiganaLive === 'ready'")
    # The site's words come first and the facility-data chunk's (御苑) when that file arrives: wait for the last.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-compare-page] table rt')].some((rt) => rt.dataset.r === 'ぎょえん')"
    )
    shown = readings_in(page, "[data-compare-page] table")
    assert ["定員", "ていいん"] in shown and ["新宿", "しんじゅく"] in shown and ["御苑", "ぎょえん"] in shown
    # The table's own text reads as before with ふりがな off again.
    switch_off = page.get_by_role("button", name="ふりがな")
    switch_off.click()
    page.wait_for_function("() => document.documentElement.dataset.furigana === 'off'")
    assert readings_in(page, "[data-compare-page] table") == []
    assert "ていいん" not in page.locator("[data-compare-page] table").inner_text()
    assert page.errors == []


def test_visit_planner_gets_ruby_from_the_readings_of_the_data_chunks_it_fetched(page, sample_server):
    fetched = readings_requests(page)
    page.add_init_script("localStorage.setItem('furigana', 'on')")
    page.goto(sample_server.url + "visit/?ids=pinto,current")
    page.wait_for_function("() => document.querySelector(\"[data-visit-office][data-facility-id='current'] ruby\")")
    page.wait_for_function("() => document.documentElement.dataset.furiganaLive === 'ready'")
    shown = readings_in(page, "[data-visit-office][data-facility-id='current']")
    assert ["新宿", "しんじゅく"] in shown
    # The message to be sent reads with ruby too; what is copied is its plain text.
    page.wait_for_function("() => document.querySelector(\"[data-facility-id='current'] [data-visit-message] ruby\")")
    message = readings_in(page, "[data-visit-office][data-facility-id='current'] [data-visit-message]")
    assert ["担当者", "たんとうしゃ"] in message or ["担当", "たんとう"] in message
    assert "たんとう" not in page.locator("[data-visit-office][data-facility-id='current'] [data-visit-message]").inner_text()
    # The site's readings and those of each facility-data chunk the planner fetched, nothing else.
    data = page.evaluate("performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/facility-data/'))")
    assert data
    # The site's readings, its shared words and those of each facility-data chunk the planner fetched, nothing else.
    site = {sample_server.url + "furigana/readings.json", sample_server.url + "furigana/words.json"}
    assert sorted(set(fetched)) == sorted(site | {sample_server.url + "furigana" + p for p in data})
    assert page.errors == []


# On every animation frame: whether <body> is visible and whether the page's <h1> has ruby yet.
RECORD_FRAMES = """
window.__frames = [];
const frame = () => {
  if (document.body) {
    const h1 = document.querySelector('main h1');
    window.__frames.push([getComputedStyle(document.body).visibility, Boolean(h1 && h1.querySelector('ruby'))]);
  }
  if (window.__frames.length < 2000) requestAnimationFrame(frame);
};
requestAnimationFrame(frame);
"""


def test_search_page_has_no_ruby_in_its_html_and_is_not_shown_without_it_while_on(page, sample_server):
    """The search page's ruby is put on in the browser; with the switch on, its first visible frame has it."""
    page.add_init_script("localStorage.setItem('furigana', 'on')")
    page.add_init_script(RECORD_FRAMES)
    page.goto(sample_server.url + "search/?pref=chiba")
    page.wait_for_function("() => document.querySelector('main h1 ruby')")
    page.wait_for_function("() => getComputedStyle(document.body).visibility === 'visible'")
    frames = page.evaluate("window.__frames")
    visible = [has_ruby for visibility, has_ruby in frames if visibility == "visible"]
    assert visible and all(visible), frames[:20]
    assert [visibility for visibility, _ in frames].count("hidden") > 0  # hidden while the readings came
    assert ["条件", "じょうけん"] in readings_in(page, "main h1")
    assert page.errors == []


def test_search_page_is_shown_without_ruby_when_its_readings_fail(page, sample_server):
    page.add_init_script("localStorage.setItem('furigana', 'on')")
    page.route("**/furigana/readings.json", lambda route: route.abort())
    page.goto(sample_server.url + "search/")
    page.wait_for_function("() => getComputedStyle(document.body).visibility === 'visible'", timeout=5000)
    assert page.locator("main h1").inner_text() == "条件で探す"
    assert page.locator("main h1 ruby").count() == 0
    assert page.get_by_role("button", name="ふりがな").get_attribute("aria-pressed") == "true"


def test_a_page_is_not_shown_without_its_shared_words_while_on(page, sample_site, sample_server):
    """Every page but search leaves its commonest words to furigana/words.json; with the switch on its first
    visible frame has their ruby, as the build would have written it."""
    html = (sample_site / "facilities" / "pinto" / "index.html").read_text(encoding="utf-8")
    assert "<ruby>就労" not in html  # 就労 is a shared word: bare in the page
    page.add_init_script("localStorage.setItem('furigana', 'on')")
    page.add_init_script(RECORD_FRAMES)
    page.goto(sample_server.url + "facilities/pinto/")
    page.wait_for_function("() => getComputedStyle(document.body).visibility === 'visible'")
    page.wait_for_function("() => window.__frames.length > 5")
    frames = page.evaluate("window.__frames")
    visible = [has_ruby for visibility, has_ruby in frames if visibility == "visible"]
    assert visible and all(visible), frames[:20]
    assert readings_in(page, "main h1")[:2] == [["就労", "しゅうろう"], ["移行", "いこう"]]
    assert ["都道府県", "とどうふけん"] in readings_in(page, ".site-nav")
    assert page.locator("main h1").inner_text() == "就労移行支援事業所 Pinto"
    assert page.errors == []


def test_a_page_is_shown_without_shared_words_when_words_json_fails(page, sample_server):
    page.add_init_script("localStorage.setItem('furigana', 'on')")
    page.route("**/furigana/words.json", lambda route: route.abort())
    page.goto(sample_server.url + "facilities/pinto/")
    page.wait_for_function("() => getComputedStyle(document.body).visibility === 'visible'", timeout=5000)
    assert page.locator("main h1").inner_text() == "就労移行支援事業所 Pinto"
    assert page.get_by_role("button", name="ふりがな").get_attribute("aria-pressed") == "true"
