"""Comparing facilities in headless Chromium, as a visitor would: pick, hit the limit, compare, remove.

The site is built from tests/compare/compare_records.py (four Tokyo facilities whose
figures exercise every best-value rule, one in Kanagawa, and the hostile record).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from compare_records import EXPECTED_BEST, EXPECTED_CELLS, HOSTILE_NAME, NAMES, empty_content, write_records
from conftest import format_violations, run_axe
from facility_site.pages.facility_data import chunk_of
from sitebuild import StaticServer, build_site

pytestmark = pytest.mark.browser

FOUR = ["alpha", "bravo", "charlie", "delta"]
STORAGE_KEY = "shuronavi.compare"
# Every way localStorage can be unusable: the property itself throws (blocked
# storage), and so would any method if it were reached.
BLOCKED_STORAGE = """
Object.defineProperty(window, 'localStorage', {
  configurable: true,
  get() { throw new DOMException('The operation is insecure.', 'SecurityError'); },
});
"""
SCREENSHOTS = Path("/tmp/compare-screenshots")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("compare-browser")
    return build_site(root / "output", facilities=write_records(root / "records"), content=empty_content(root))


@pytest.fixture(scope="module")
def server(site):
    with StaticServer(site) as running:
        yield running


def toggle(tab, facility_id):
    """A facility's toggle, whatever it says now (its name changes once added)."""
    return tab.locator(f'[data-compare-button="{facility_id}"]')


def accessible_name(locator) -> str:
    return locator.evaluate("b => b.getAttribute('aria-label')")


def stored(tab):
    return json.loads(tab.evaluate(f"() => localStorage.getItem('{STORAGE_KEY}')") or "null")


def announced(tab, text):
    """Wait until the polite live region says `text` (it speaks after a short delay)."""
    tab.wait_for_function(
        "text => document.querySelector('[data-compare-announcer]').textContent.includes(text)",
        arg=text,
        timeout=5000,
    )
    region = tab.locator("[data-compare-announcer]")
    assert region.get_attribute("role") == "status" and region.get_attribute("aria-live") == "polite"
    return region.text_content()


def tray_count(tab):
    return tab.locator("[data-compare-count]").inner_text()


def open_comparison(tab, server, ids):
    tab.goto(f"{server.url}compare/?ids={','.join(ids)}")
    tab.wait_for_selector("[data-compare], [data-compare-empty]")


def table_columns(tab):
    return tab.eval_on_selector_all("[data-compare] thead th[data-facility-id]", "ths => ths.map(th => th.dataset.facilityId)")


def table_cells(tab):
    """{facility id: {row label: text or list}} read from the rendered table."""
    return tab.evaluate(
        """() => {
          const table = document.querySelector('[data-compare]');
          const ids = [...table.querySelectorAll('thead th[data-facility-id]')].map(th => th.dataset.facilityId);
          const out = Object.fromEntries(ids.map(id => [id, {}]));
          for (const tr of table.querySelectorAll('tbody tr')) {
            const label = tr.querySelector('th[scope=row]').textContent;
            [...tr.querySelectorAll('td')].forEach((td, i) => {
              const items = [...td.querySelectorAll('li')].map(li => li.textContent);
              const clone = td.cloneNode(true);
              clone.querySelectorAll('[data-best], [data-metric-note]').forEach(mark => mark.remove());
              out[ids[i]][label] = items.length ? items : clone.textContent;
            });
          }
          return out;
        }"""
    )


def best_marks(tab):
    """{row label: ({facility ids marked best}, mark text)} for rows with marks."""
    found = tab.evaluate(
        """() => {
          const table = document.querySelector('[data-compare]');
          const ids = [...table.querySelectorAll('thead th[data-facility-id]')].map(th => th.dataset.facilityId);
          const out = {};
          for (const tr of table.querySelectorAll('tbody tr')) {
            const label = tr.querySelector('th[scope=row]').textContent;
            [...tr.querySelectorAll('td')].forEach((td, i) => {
              const mark = td.querySelector('[data-best]');
              if (mark) (out[label] ||= []).push([ids[i], mark.textContent]);
            });
          }
          return out;
        }"""
    )
    return {label: ({fid for fid, _ in marks}, marks[0][1]) for label, marks in found.items()}


# --- selecting ----------------------------------------------------------------------------


def test_add_from_cards_by_mouse_persists_across_pages_and_visits(page, server):
    page.goto(server.url + "pref/tokyo/")
    button = toggle(page, "alpha")
    assert button.get_attribute("aria-pressed") == "false" and button.inner_text().strip() == "比較に追加"
    assert page.locator("[data-compare-tray]").is_hidden()
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    # Once added, the words say so, not only the ✓ and the colour.
    assert button.inner_text().strip() == "比較リストに追加済み"
    assert page.get_by_role("button", name="アルファ就労支援を比較リストに追加済み", exact=True).count() == 1
    assert "アルファ就労支援を比較リストに追加しました" in announced(page, "追加しました")
    tray = page.get_by_role("region", name="比較リスト")
    assert tray.is_visible() and tray_count(page) == "1件（最大4件）"
    toggle(page, "delta").click()
    assert tray_count(page) == "2件（最大4件）"
    assert stored(page) == ["alpha", "delta"]
    assert page.get_by_role("link", name="比較表を見る").get_attribute("href").endswith("/compare/?ids=alpha,delta")

    # Another page, and a later visit: the same selection.
    page.goto(server.url + "facilities/alpha/")
    assert toggle(page, "alpha").get_attribute("aria-pressed") == "true"
    assert tray_count(page) == "2件（最大4件）"
    page.reload()
    assert toggle(page, "alpha").get_attribute("aria-pressed") == "true"

    # Pressing again takes it out.
    toggle(page, "alpha").click()
    assert toggle(page, "alpha").get_attribute("aria-pressed") == "false"
    assert "外しました" in announced(page, "外しました")
    assert stored(page) == ["delta"]
    assert page.errors == []


def test_add_from_facility_page_and_card_by_keyboard(page, server):
    page.goto(server.url + "facilities/bravo/")
    # Tab from the top of the page to the toggle, as a keyboard user does.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.dataset.compareButton") == "bravo":
            break
    else:
        pytest.fail("the toggle is not reachable with Tab")
    page.keyboard.press("Enter")
    assert toggle(page, "bravo").get_attribute("aria-pressed") == "true"
    page.keyboard.press("Space")
    assert toggle(page, "bravo").get_attribute("aria-pressed") == "false"
    page.keyboard.press("Space")
    assert toggle(page, "bravo").get_attribute("aria-pressed") == "true"
    focus_ring = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert focus_ring == "solid"

    page.goto(server.url + "pref/tokyo/")
    toggle(page, "charlie").focus()
    page.keyboard.press("Enter")
    assert toggle(page, "charlie").get_attribute("aria-pressed") == "true"
    assert stored(page) == ["bravo", "charlie"]
    # The tray is reachable by keyboard and its link opens the comparison.
    page.get_by_role("link", name="比較表を見る").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-compare]")
    assert table_columns(page) == ["bravo", "charlie"]
    assert page.errors == []


def test_limit_is_explained_not_silent(page, server):
    page.goto(server.url + "pref/tokyo/")
    for facility_id in ("charlie", "alpha", "delta", "hostile"):
        toggle(page, facility_id).click()
    assert tray_count(page) == "4件（最大4件）"
    fifth = toggle(page, "bravo")
    fifth.click()
    assert fifth.get_attribute("aria-pressed") == "false"
    note = page.locator('[data-compare-note="bravo"]')
    assert note.is_visible() and note.inner_text() == "比較できるのは4件までです。ほかの事業所を比較リストから外してから追加してください。"
    assert "ブラボーワークスは追加できませんでした。比較できるのは4件まで" in announced(page, "4件まで")
    assert stored(page) == ["charlie", "alpha", "delta", "hostile"] and tray_count(page) == "4件（最大4件）"
    # On another page (and after a reload) the limit holds too.
    page.goto(server.url + "facilities/bravo/")
    toggle(page, "bravo").click()
    assert toggle(page, "bravo").get_attribute("aria-pressed") == "false"
    assert page.locator('[data-compare-note="bravo"]').is_visible()

    # Make room and try again: it works and the message goes away.
    page.goto(server.url + "pref/tokyo/")
    toggle(page, "hostile").click()
    toggle(page, "bravo").click()
    assert toggle(page, "bravo").get_attribute("aria-pressed") == "true"
    assert page.locator('[data-compare-note="bravo"]').is_hidden()
    assert stored(page) == ["charlie", "alpha", "delta", "bravo"]
    assert page.errors == []


def test_added_button_says_so_by_keyboard(page, server):
    page.goto(server.url + "pref/tokyo/")
    button = toggle(page, "charlie")
    button.focus()
    assert accessible_name(button) == "チャーリー・キャリアを比較に追加"
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "true"
    assert button.inner_text().strip() == "比較リストに追加済み"
    # The accessible name keeps the facility name and contains the visible words.
    assert accessible_name(button) == "チャーリー・キャリアを比較リストに追加済み"
    assert page.evaluate("() => document.activeElement.dataset.compareButton") == "charlie"
    page.keyboard.press("Space")
    assert button.get_attribute("aria-pressed") == "false"
    assert button.inner_text().strip() == "比較に追加" and accessible_name(button) == "チャーリー・キャリアを比較に追加"
    # A list changed elsewhere (another page's toggle, the facility page) shows the same words here.
    page.goto(server.url + "facilities/charlie/")
    toggle(page, "charlie").click()
    page.goto(server.url + "pref/tokyo/")
    assert toggle(page, "charlie").inner_text().strip() == "比較リストに追加済み"
    assert page.errors == []


def test_clear_empties_the_list_and_offers_undo(page, server):
    page.goto(server.url + "pref/tokyo/")
    toggle(page, "alpha").click()
    toggle(page, "charlie").click()
    page.get_by_role("button", name="すべて外す").click()
    assert stored(page) == []
    assert [toggle(page, f).get_attribute("aria-pressed") for f in ("alpha", "charlie")] == ["false", "false"]
    # Focus goes to the offer to undo, inside the tray.
    undo = page.get_by_role("button", name="元に戻す", exact=True)
    assert undo.is_visible()
    assert page.evaluate("() => document.activeElement.dataset.compareUndo") == ""
    assert tray_count(page) == "空です"
    assert "比較リストを空にしました。元に戻すボタンで戻せます。" in announced(page, "空にしました")
    assert page.get_by_role("link", name="比較表を見る").count() == 0


def test_clear_is_undone_by_keyboard(page, server):
    page.goto(server.url + "pref/tokyo/")
    toggle(page, "delta").click()
    toggle(page, "alpha").click()
    page.get_by_role("button", name="すべて外す").focus()
    page.keyboard.press("Enter")
    assert stored(page) == []
    announced(page, "元に戻すボタンで戻せます")
    page.keyboard.press("Enter")  # the focus is on 元に戻す
    assert stored(page) == ["delta", "alpha"]
    assert [toggle(page, f).get_attribute("aria-pressed") for f in ("delta", "alpha")] == ["true", "true"]
    assert toggle(page, "alpha").inner_text().strip() == "比較リストに追加済み"
    assert tray_count(page) == "2件（最大4件）"
    assert "比較リストを元に戻しました。比較リストは2件です。" in announced(page, "元に戻しました")
    assert page.get_by_role("button", name="元に戻す", exact=True).count() == 0
    assert page.evaluate("() => document.activeElement.id") == "compare-tray-title"
    page.reload()
    assert stored(page) == ["delta", "alpha"] and tray_count(page) == "2件（最大4件）"
    assert page.errors == []


def test_undo_waits_while_focused_then_goes_after_a_few_seconds(page, server):
    page.clock.install()
    page.goto(server.url + "pref/tokyo/")
    toggle(page, "bravo").click()
    page.get_by_role("button", name="すべて外す").click()
    undo = page.get_by_role("button", name="元に戻す", exact=True)
    # While the focus is on it, the offer stays.
    page.clock.run_for(60_000)
    assert undo.is_visible()
    # Once the visitor moves on, it goes after a few seconds; the list stays empty.
    page.keyboard.press("Shift+Tab")
    page.mouse.move(0, 0)
    page.clock.run_for(5_000)
    assert undo.is_visible()
    page.clock.run_for(6_000)
    assert undo.count() == 0 or undo.is_hidden()
    assert stored(page) == [] and tray_count(page) == "空です"
    # Adding something also ends the offer at once.
    toggle(page, "bravo").click()
    page.get_by_role("button", name="すべて外す").click()
    assert undo.is_visible()
    toggle(page, "alpha").click()
    assert undo.is_hidden()
    assert stored(page) == ["alpha"]


def test_undo_waits_for_a_keyboard_user_whose_focus_is_on_it(page, server):
    """By keyboard alone (the pointer far away), the offer stays as long as the focus does."""
    page.clock.install()
    page.goto(server.url + "pref/tokyo/")
    page.mouse.move(0, 0)
    toggle(page, "bravo").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="すべて外す").focus()
    page.keyboard.press("Enter")
    undo = page.get_by_role("button", name="元に戻す", exact=True)
    assert page.evaluate("document.activeElement.dataset.compareUndo") == ""
    page.clock.run_for(60_000)
    assert undo.is_visible() and page.evaluate("document.activeElement.dataset.compareUndo") == ""
    page.keyboard.press("Enter")
    assert stored(page) == ["bravo"]


def test_toggles_mount_in_cards_added_later(page, server):
    """The search page renders result cards in the browser; the toggle finds their slots by itself."""
    page.goto(server.url + "articles/")
    page.evaluate(
        """() => {
          const card = document.createElement('article');
          card.className = 'card';
          card.dataset.facilityId = 'delta';
          const heading = document.createElement('h3');
          heading.textContent = 'デルタ就労センター';
          const slot = document.createElement('div');
          slot.className = 'compare-slot';
          slot.dataset.compareToggle = 'delta';
          slot.dataset.compareName = 'デルタ就労センター';
          card.append(heading, slot);
          document.querySelector('main').append(card);
        }"""
    )
    button = toggle(page, "delta")
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    assert stored(page) == ["delta"]


def test_selection_follows_other_tabs(page, server):
    page.goto(server.url + "pref/tokyo/")
    other = page.context.new_page()
    other.goto(server.url + "facilities/alpha/")
    toggle(other, "alpha").click()
    page.wait_for_function("() => document.querySelector('[data-compare-button=alpha]').getAttribute('aria-pressed') === 'true'")
    assert tray_count(page) == "1件（最大4件）"
    other.close()


# --- the comparison page ------------------------------------------------------------------


def test_comparison_rows_match_the_records(page, server):
    open_comparison(page, server, FOUR)
    table = page.locator("table[data-compare]")
    assert table.locator("caption").inner_text() == "選んだ事業所の比較（4件）"
    assert table_columns(page) == FOUR
    assert table_cells(page) == EXPECTED_CELLS
    headers = page.eval_on_selector_all("[data-compare] thead th", "ths => ths.map(th => [th.getAttribute('scope'), th.textContent])")
    assert headers == [["col", "項目"]] + [["col", NAMES[f]] for f in FOUR]
    row_headers = page.eval_on_selector_all("[data-compare] tbody th", "ths => ths.map(th => th.getAttribute('scope'))")
    assert row_headers == ["row"] * len(EXPECTED_CELLS["alpha"])
    # Names link to the facility pages.
    page.get_by_role("link", name=NAMES["charlie"]).click()
    assert page.url == server.url + "facilities/charlie/"
    assert page.errors == []


def test_best_values_are_marked_with_text(page, server):
    open_comparison(page, server, FOUR)
    assert best_marks(page) == EXPECTED_BEST
    # The star is decoration; the words 最高／最多／最短 carry the meaning (not colour alone).
    icon = page.locator("[data-best] [aria-hidden=true]").first
    assert icon.inner_text() == "★"
    legend = page.locator(".compare-legend").inner_text()
    assert "いちばん良い値" in legend


def test_best_values_skip_rows_where_all_tie(page, server):
    # alpha and bravo: 20名 and 20名 tie across the whole table, so 定員 has no mark.
    open_comparison(page, server, ["alpha", "bravo"])
    marks = best_marks(page)
    assert "定員" not in marks
    assert marks["就職定着率"] == ({"alpha"}, "★最高")  # 92% beats 90%以上


def test_remove_a_facility_updates_table_address_and_selection(page, server):
    page.goto(server.url + "pref/tokyo/")
    for facility_id in ("alpha", "charlie", "bravo"):
        toggle(page, facility_id).click()
    open_comparison(page, server, ["alpha", "bravo", "charlie"])
    page.get_by_role("button", name=f"{NAMES['bravo']}を比較から外す").click()
    assert table_columns(page) == ["alpha", "charlie"]
    assert page.url == server.url + "compare/?ids=alpha,charlie"
    assert stored(page) == ["alpha", "charlie"]  # bravo left the saved list too
    assert "ブラボーワークスを比較から外しました。残りは2件です。" in announced(page, "残りは2件")
    # Focus moves to the next remove button, not to the top of the page.
    assert page.evaluate("() => document.activeElement.dataset.compareRemove") == "charlie"
    # Marks are recomputed: alpha's 3分 is now the shortest walk.
    assert best_marks(page)["最寄り駅と徒歩"] == ({"alpha"}, "★最短")
    page.get_by_role("button", name=f"{NAMES['charlie']}を比較から外す").press("Enter")
    page.get_by_role("button", name=f"{NAMES['alpha']}を比較から外す").press("Enter")
    assert page.url == server.url + "compare/?ids="
    assert page.locator("[data-compare]").count() == 0
    assert page.evaluate("() => document.activeElement.id") == "compare-empty-title"
    assert page.errors == []


def test_url_round_trip(page, server, browser):
    page.goto(server.url + "pref/tokyo/")
    toggle(page, "alpha").click()
    toggle(page, "delta").click()
    toggle(page, "hostile").click()
    page.get_by_role("link", name="比較表を見る").click()
    page.wait_for_selector("[data-compare]")
    assert page.url == server.url + "compare/?ids=alpha,delta,hostile"
    shown = table_cells(page)
    page.reload()
    page.wait_for_selector("[data-compare]")
    assert table_cells(page) == shown
    # The address alone is the state: a fresh visitor with nothing saved sees the same table.
    stranger = browser.new_context(locale="ja-JP")
    other = stranger.new_page()
    other.goto(page.url)
    other.wait_for_selector("[data-compare]")
    assert table_columns(other) == ["alpha", "delta", "hostile"] and table_cells(other) == shown
    assert stored(other) is None  # opening a shared link does not overwrite the visitor's own list
    stranger.close()
    # The site menu's 比較する opens the saved list.
    page.goto(server.url + "articles/")
    page.get_by_role("navigation", name="サイト内").get_by_role("link", name="比較する").click()
    page.wait_for_selector("[data-compare]")
    assert table_columns(page) == ["alpha", "delta", "hostile"]
    assert page.url == server.url + "compare/?ids=alpha,delta,hostile"


def test_bad_ids_are_reported_collapsed_and_cut(page, server):
    open_comparison(page, server, ["alpha", "nope", "alpha", "Bad!", "bravo", "charlie", "alpha", "delta", "echo", "%3Cb%3E"])
    assert table_columns(page) == FOUR
    notices = page.locator(".compare-notice").all_inner_texts()
    visible = [n for n in notices if "JavaScript" not in n]
    assert visible == [
        "見つからない事業所がありました。次のIDは表示していません：Bad!、<b>、nope",
        "比較できるのは4件までです。5件目からの事業所（echo）は表示していません。",
    ]
    assert page.locator(".compare-notice b").count() == 0  # shown as text
    assert page.url == server.url + "compare/?ids=alpha,bravo,charlie,delta"
    # The browser logs the lookup of the unknown id as a 404; nothing else went wrong.
    assert [e for e in page.errors if "status of 404" not in e] == []


def test_only_unknown_ids_show_how_to_add(page, server):
    open_comparison(page, server, ["nope", "zzz"])
    assert page.locator("[data-compare]").count() == 0
    assert page.get_by_role("heading", name="比較する事業所が選ばれていません").is_visible()
    assert "nope、zzz" in page.locator(".compare-notice--warning").inner_text()


def test_empty_ids_show_how_to_add(page, server):
    page.goto(server.url + "compare/?ids=")
    page.wait_for_selector("[data-compare-empty]")
    empty = page.locator("[data-compare-empty]")
    assert "「比較に追加」ボタン" in empty.inner_text() and "4件まで" in empty.inner_text()
    assert page.locator("[data-compare-nojs]").is_hidden()
    assert page.locator("[data-compare]").count() == 0
    # With a saved list, the empty page offers it.
    page.goto(server.url + "pref/tokyo/")
    toggle(page, "alpha").click()
    page.goto(server.url + "compare/?ids=")
    link = page.get_by_role("link", name="比較リストの1件を表で見る")
    link.click()
    page.wait_for_selector("[data-compare]")
    assert table_columns(page) == ["alpha"]


def test_comparison_fetches_only_the_chunks_of_the_chosen_facilities(page, server, site):
    requests = []
    page.on("request", lambda request: requests.append(request.url.removeprefix(server.url)))
    open_comparison(page, server, ["bravo", "delta"])
    data = sorted(url for url in requests if url.endswith(".json"))
    chunks = json.loads((site / "index.html").read_text(encoding="utf-8").split('id="site-config">')[1].split("</script>")[0])["dataChunks"]
    assert data == sorted({f"facility-data/{chunk_of(i, chunks)}.json" for i in ("bravo", "delta")})
    assert not [url for url in requests if "search" in url or "lunr" in url]


def test_hostile_record_is_text_in_the_table(page, server):
    open_comparison(page, server, ["hostile", "alpha"])
    header = page.locator('[data-compare] th[data-facility-id="hostile"]')
    assert header.inner_text() == HOSTILE_NAME
    features = table_cells(page)["hostile"]["特徴"]
    assert features == ["<img src=x onerror=window.__pwned=1>", "[x](javascript:window.__pwned=1)", '"><svg onload=window.__pwned=1>']
    assert page.locator("[data-compare] script, [data-compare] img, [data-compare] svg").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    toggle_name = f"{HOSTILE_NAME}を比較から外す"
    assert page.get_by_role("button", name=toggle_name, exact=True).count() == 1


# --- storage unavailable ------------------------------------------------------------------


def test_works_for_the_page_when_storage_is_blocked(page, server):
    page.add_init_script(BLOCKED_STORAGE)
    page.goto(server.url + "pref/tokyo/")
    assert page.evaluate("() => { try { localStorage; return 'open'; } catch { return 'blocked'; } }") == "blocked"
    toggle(page, "alpha").click()
    toggle(page, "charlie").click()
    assert toggle(page, "alpha").get_attribute("aria-pressed") == "true"
    assert tray_count(page) == "2件（最大4件）"
    assert "保存できません" in page.locator(".compare-tray__note").inner_text()
    # The link still carries the choice to the comparison page.
    page.get_by_role("link", name="比較表を見る").click()
    page.wait_for_selector("[data-compare]")
    assert table_columns(page) == ["alpha", "charlie"]
    page.get_by_role("button", name=f"{NAMES['alpha']}を比較から外す").click()
    assert table_columns(page) == ["charlie"]
    assert page.errors == []


def test_corrupt_stored_list_is_ignored(page, server):
    page.goto(server.url + "articles/")
    page.evaluate(f"() => localStorage.setItem('{STORAGE_KEY}', '{{\"not\": \"a list\"')")
    page.goto(server.url + "pref/tokyo/")
    assert toggle(page, "alpha").get_attribute("aria-pressed") == "false"
    toggle(page, "alpha").click()
    assert stored(page) == ["alpha"]
    page.evaluate(f"() => localStorage.setItem('{STORAGE_KEY}', JSON.stringify(['alpha', '../x', 42, 'alpha', 'delta']))")
    page.reload()
    assert tray_count(page) == "2件（最大4件）"
    assert page.errors == []


# --- accessibility and layout -------------------------------------------------------------


@pytest.mark.parametrize("ids", [None, FOUR], ids=["empty", "four"])
def test_axe_on_the_comparison_page(page, server, ids):
    if ids:
        open_comparison(page, server, ids)
    else:
        page.goto(server.url + "compare/")
        page.wait_for_selector("[data-compare-empty]")
    violations = run_axe(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("url", ["pref/tokyo/table/", "pref/tokyo/", "facilities/alpha/"])
def test_axe_with_toggles_and_tray(page, server, url):
    page.goto(server.url + url)
    buttons = page.locator("[data-compare-button]")
    if buttons.count():
        buttons.first.click()
        page.locator("[data-compare-tray]").wait_for()
    violations = run_axe(page)
    assert violations == [], format_violations(violations)


def test_phone_layout_keeps_the_fact_column_readable(browser, server):
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(locale="ja-JP", viewport={"width": 320, "height": 640}, device_scale_factor=2)
    tab = context.new_page()
    open_comparison(tab, server, FOUR)
    # The page itself never scrolls sideways; only the table's own region does.
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= 320
    region = tab.locator(".compare-scroll")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    tab.screenshot(path=str(SCREENSHOTS / "phone-compare.png"))
    region.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    tab.screenshot(path=str(SCREENSHOTS / "phone-compare-scrolled.png"))
    # After scrolling to the last facility, the fact names are still in view, whole.
    label = tab.locator("[data-compare] tbody th", has_text="平均利用期間")
    tab.evaluate("y => window.scrollBy(0, y - 200)", label.bounding_box()["y"])
    assert region.evaluate("el => el.scrollLeft") > 0
    box = label.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320 * 0.5
    assert tab.evaluate("([x, y]) => document.elementFromPoint(x, y).closest('th')?.textContent", [box["x"] + 5, box["y"] + 5]) == "平均利用期間"
    # And the last facility's column is on screen next to them.
    last = tab.locator('[data-compare] th[data-facility-id="delta"]').bounding_box()
    assert last["x"] >= box["x"] + box["width"] - 1 and last["x"] + last["width"] <= 321
    tab.goto(server.url + "pref/tokyo/table/")
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= 320
    tab.screenshot(path=str(SCREENSHOTS / "phone-table.png"), full_page=True)
    context.close()


def test_print_layout_is_a_clean_sheet(page, server):
    SCREENSHOTS.mkdir(exist_ok=True)
    open_comparison(page, server, FOUR)
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / "print-compare.png"), full_page=True)
    for hidden in (".site-header", ".site-footer", ".breadcrumbs", ".compare-help", ".compare-tables", ".compare-table__actions"):
        assert page.locator(hidden).first.is_hidden(), hidden
    assert page.locator("[data-compare]").is_visible()
    assert page.locator("[data-best]").first.is_visible()
    # The whole table fits the sheet: nothing is cut off at the right edge.
    width = page.evaluate("() => document.documentElement.clientWidth")
    table = page.locator("[data-compare]").bounding_box()
    assert table["x"] >= 0 and table["x"] + table["width"] <= width + 1
    border = page.evaluate("() => getComputedStyle(document.querySelector('[data-compare] td')).borderTopColor")
    assert border == "rgb(0, 0, 0)"
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1  # four facilities fit one A4 sheet


# --- contact row and the printed sheet (issue 11) -----------------------------------------


def test_contact_row_links_each_way_to_reach_the_office(page, server):
    open_comparison(page, server, FOUR)
    row = page.locator('[data-compare] tr[data-row="contact"]')
    assert row.locator("th").inner_text() == "連絡先"
    links = row.locator("td").nth(0).locator("a")
    assert links.evaluate_all("as => as.map(a => [a.getAttribute('href'), a.textContent])") == [
        ["tel:0311112222", "03-1111-2222"],
        ["mailto:alpha@example.jp", "alpha@example.jp"],
        ["https://example.jp/alpha/contact/", "フォームを開く（外部サイト）"],
    ]
    assert row.locator("td").nth(1).locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))") == ["tel:0333334444"]
    assert row.locator("td").nth(2).inner_text() == "登録なし"
    assert row.locator("td").nth(3).locator("a").count() == 0  # a fax number is text
    # Reachable by keyboard: Tab from the table's scroll region lands on the links in order.
    page.locator(".compare-scroll").focus()
    hrefs = []
    for _ in range(12):
        page.keyboard.press("Tab")
        href = page.evaluate("() => document.activeElement.getAttribute('href')")
        if href and (href.startswith("tel:") or href.startswith("mailto:") or "contact" in href):
            hrefs.append(href)
    assert hrefs[:4] == ["tel:0311112222", "mailto:alpha@example.jp", "https://example.jp/alpha/contact/", "tel:0333334444"]
    target = links.nth(0).bounding_box()
    assert target["height"] >= 44
    assert page.errors == []


def test_printed_comparison_carries_contacts_address_and_date(page, server):
    SCREENSHOTS.mkdir(exist_ok=True)
    open_comparison(page, server, FOUR)
    info = page.locator("[data-compare-print-info]")
    assert info.is_hidden()  # on screen the address bar says it already
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert info.is_visible()
    today = page.evaluate("() => { const d = new Date(); return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`; }")
    assert info.inner_text() == f"このページ：{server.url}compare/?ids={','.join(FOUR)}\n印刷日：{today}"
    assert page.locator('[data-compare] tr[data-row="contact"]').is_visible()
    # On paper the form link shows its address after the text.
    after = page.evaluate(
        "() => getComputedStyle(document.querySelector('[data-compare] a[data-print-href]'), '::after').content"
    )
    assert after == '"（" attr(href) "）"' or "https://example.jp/alpha/contact/" in after
    page.screenshot(path=str(SCREENSHOTS / "print-compare-contact.png"), full_page=True)
    # Removing a facility changes the address the sheet prints.
    page.emulate_media(media="screen")
    page.get_by_role("button", name=f"{NAMES['delta']}を比較から外す").click()
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("[data-print-address]").text_content() == f"{server.url}compare/?ids=alpha,bravo,charlie"
