"""Walk built sites in headless Chromium, as a visitor would: axe-core, small screens, keyboard."""

from __future__ import annotations

import shutil

import pytest
from conftest import format_violations, run_axe
from page_records import FULL_RECORD, MINIMAL_RECORD, numbered_records, write_records
from sitebuild import SAMPLE_CONTENT, SAMPLE_FACILITIES, StaticServer, build_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def varied_server(tmp_path_factory):
    """The sample records plus a record with every field, one with none of the optional
    ones, and 60 offices in 北海道 so lists run to a second page."""
    root = tmp_path_factory.mktemp("varied")
    records = root / "facilities"
    records.mkdir()
    for path in SAMPLE_FACILITIES.glob("*.yaml"):
        shutil.copy(path, records / path.name)
    write_records(records, {"full-record": FULL_RECORD, "minimal": MINIMAL_RECORD})
    hokkaido = numbered_records(60, [("札幌市中央区", 35), ("函館市", 25)], prefecture="北海道")
    write_records(records, hokkaido)
    with StaticServer(build_site(root / "output", records, SAMPLE_CONTENT)) as server:
        yield server


def test_walk_home_to_prefecture_to_facility(page, sample_server):
    page.goto(sample_server.url)
    page.get_by_role("link", name="東京都（1件）").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("東京都の事業所")
    page.get_by_role("link", name="カレント").click()
    assert page.get_by_role("heading", level=1).inner_text() == "カレント"
    assert page.url == sample_server.url + "facilities/current/"
    assert page.errors == []


def test_walk_through_pages_with_the_pager_and_city_index(page, varied_server):
    page.goto(varied_server.url + "pref/hokkaido/")
    assert page.locator("main .list-count").inner_text() == "60件中 1〜50件目を表示"
    page.get_by_role("navigation", name="ページ送り").get_by_role("link", name="次のページ").click()
    assert page.url == varied_server.url + "pref/hokkaido/page/2/"
    assert page.locator("main .list-count").inner_text() == "60件中 51〜60件目を表示"
    assert page.get_by_role("link", name="2ページ目（表示中）").get_attribute("aria-current") == "page"
    # 函館市 starts on page 1, after 札幌市中央区 (municipality codes 01101, 01202); the index takes us to its heading.
    page.get_by_role("navigation", name="市区町村から探す").get_by_role("link", name="函館市（25件）").click()
    assert page.url == varied_server.url + "pref/hokkaido/#city-2"
    heading = page.locator("#city-2")
    assert heading.inner_text() == "函館市"
    # The URL changes when the navigation commits; the browser scrolls to #city-2 once the page has loaded.
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.getElementById('city-2').getBoundingClientRect().top < 100")  # scrolled to it
    assert page.errors == []


SAMPLE_PAGE_TYPES = [
    "",
    "facilities/current/",
    "pref/tokyo/",
    "pref/tokyo/mental/",
    "disability/physical/",
    "articles/",
    "articles/teichaku-shien-guide/",
    "404.html",
]

# Every page type again, with the records that stretch them: all fields, no optional
# fields, a list split over pages (with a section continued from the page before).
VARIED_PAGE_TYPES = [
    "",
    "facilities/full-record/",
    "facilities/minimal/",
    "pref/tokyo/",
    "pref/hokkaido/",
    "pref/hokkaido/page/2/",
    "pref/hokkaido/mental/page/2/",
    "disability/mental/",
    "disability/mental/page/2/",
    "articles/",
    "articles/teichaku-shien-guide/",
    "404.html",
]


@pytest.mark.parametrize("url", SAMPLE_PAGE_TYPES)
def test_axe_finds_no_wcag_aa_violations(page, sample_server, url):
    page.goto(sample_server.url + url)
    violations = run_axe(page)
    assert violations == [], format_violations(violations)


@pytest.mark.parametrize("url", VARIED_PAGE_TYPES)
def test_axe_finds_no_wcag_aa_violations_with_full_records_and_pagination(page, varied_server, url):
    page.goto(varied_server.url + url)
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    assert page.errors == []


@pytest.fixture
def phone(browser):
    """A 320px-wide window, the narrowest the theme supports."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 320, "height": 640})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.mark.parametrize("url", VARIED_PAGE_TYPES)
def test_no_horizontal_scrolling_at_320px(phone, varied_server, url):
    phone.goto(varied_server.url + url)
    widths = phone.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths == [320, 320]


# Elements a person presses: links, buttons, form fields. Links inside running text
# (a sentence in an article or a description, or a glossary link among other words of its
# paragraph or cell) are exempt, as WCAG 2.5.5 and 2.5.8 allow. A link that is the whole
# text of its block is not in a sentence and must be 44 px.
TARGET_SIZES = """() => {
  const inSentence = (el) => { const block = el.matches('a.glossary-link') && el.closest('p, li, dd, td');
    return Boolean(block) && block.textContent.trim().length > el.textContent.trim().length; };
  const inText = (el) => el.closest('.prose p, .prose li, .prose td') || inSentence(el);
  return [...document.querySelectorAll('a[href], button, input, select, textarea, summary')]
    .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
    .filter((el) => !el.classList.contains('skip-link') && !inText(el))
    .map((el) => { const r = el.getBoundingClientRect();
                   return {text: (el.textContent || el.name || el.type).trim().slice(0, 30), width: Math.round(r.width), height: Math.round(r.height)}; });
}"""


@pytest.mark.parametrize("url", VARIED_PAGE_TYPES)
def test_touch_targets_are_at_least_44px_at_320px(phone, varied_server, url):
    phone.goto(varied_server.url + url)
    targets = phone.evaluate(TARGET_SIZES)
    assert targets, "no targets found"
    small = [t for t in targets if t["width"] < 44 or t["height"] < 44]
    assert small == [], small


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, varied_server):
    page.goto(varied_server.url + "facilities/full-record/")
    page.keyboard.press("Tab")
    focused = page.evaluate("(() => { const el = document.activeElement; const r = el.getBoundingClientRect();"
                            " return {text: el.textContent, href: el.getAttribute('href'), top: r.top, height: r.height}; })()")
    assert focused["text"] == "本文へ移動" and focused["href"] == "#main"
    assert focused["top"] >= 0 and focused["height"] >= 44  # shown on screen while focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


FOCUS_STYLE = """() => { const el = document.activeElement; const s = getComputedStyle(el);
  return {tag: el.tagName, text: (el.textContent || '').trim().slice(0, 20),
          outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2}; }"""


@pytest.mark.parametrize("url", ["", "pref/hokkaido/page/2/", "facilities/full-record/"])
def test_every_tab_stop_shows_a_focus_outline(page, varied_server, url):
    page.goto(varied_server.url + url)
    seen = []
    for _ in range(400):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STYLE)
        if state["tag"] == "BODY" or (seen and state == seen[0]):
            break  # wrapped around to the start
        seen.append(state)
    assert len(seen) > 5
    assert [s for s in seen if not s["outline"]] == []
