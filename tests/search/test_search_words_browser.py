"""Everyday words offered as conditions, and the ignored-symbols notice, in headless Chromium (issue #10).

The site is built from tests/fixtures/search_words (see its README).
"""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest
from conftest import format_violations, run_axe
from search_helpers import READY, settle, shown_ids
from sitebuild import FIXTURES, StaticServer, build_site

pytestmark = pytest.mark.browser

OFFER = "[data-search-word-offer]"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("search-words-browser")
    (root / "content").mkdir()
    with StaticServer(build_site(root / "output", FIXTURES / "search_words", root / "content")) as running:
        yield running


def open_search(tab, server, q: str = "") -> None:
    tab.goto(f"{server.url}search/" + (f"?q={quote(q)}" if q else ""))
    tab.wait_for_selector(READY, state="attached")


def url_state(tab) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(tab.url).query).items()}


def test_typed_everyday_word_is_offered_as_a_condition_and_choosing_it_ticks_it(page, server):
    open_search(page, server)
    settle(page, lambda: page.fill("#search-q", "横浜 ADHD"))
    assert sorted(shown_ids(page)) == ["yokohama-dev", "yokohama-mental"]  # ADHD also matches as text
    offer = page.locator(OFFER)
    assert offer.count() == 1
    assert offer.inner_text() == "発達障害で絞り込む"
    assert page.locator(".search-words__intro").inner_text() == "キーワードの「ADHD」は、条件として選べます。"
    settle(page, lambda: offer.click())
    assert page.is_checked('input[name="dis"][value="developmental"]')
    assert page.input_value("#search-q") == "横浜"
    assert url_state(page) == {"q": "横浜", "dis": "developmental"}
    assert shown_ids(page) == ["yokohama-dev"]
    assert page.locator(OFFER).count() == 0  # the condition is chosen: nothing more to offer
    assert page.evaluate("document.activeElement.id") == "search-q"
    assert page.text_content("[data-search-words-status]") == "障害の種類「発達障害」を条件にして、キーワードから「ADHD」を外しました。"
    assert page.errors == []
    # The choice is a history entry: Back returns to the word.
    settle(page, lambda: page.go_back())
    assert page.input_value("#search-q") == "横浜 ADHD"
    assert not page.is_checked('input[name="dis"][value="developmental"]')


@pytest.mark.parametrize("key", ["Enter", " "])
def test_the_offer_works_by_keyboard(page, server, key):
    open_search(page, server, "自閉症 ｶﾝﾅｲ")  # keeps ｶﾝﾅｲ as typed
    page.focus("#search-q")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.searchWordOffer") == "dis:developmental"
    settle(page, lambda: page.keyboard.press(key))
    assert page.is_checked('input[name="dis"][value="developmental"]')
    assert page.input_value("#search-q") == "ｶﾝﾅｲ"
    assert page.evaluate("document.activeElement.id") == "search-q"


def test_several_words_and_a_service_word(page, server):
    open_search(page, server, "うつ A型 統合失調症")
    offers = page.locator(OFFER)
    assert offers.all_inner_texts() == ["精神障害で絞り込む", "就労継続支援A型で絞り込む"]
    settle(page, lambda: page.locator('[data-search-word-offer="dis:mental"]').click())
    assert page.input_value("#search-q") == "A型"  # both words for 精神 left the keyword
    settle(page, lambda: page.locator('[data-search-word-offer="svc:type-a"]').click())
    assert page.input_value("#search-q") == ""
    assert url_state(page) == {"dis": "mental", "svc": "type-a"}
    assert shown_ids(page) == ["yokohama-mental"]


def test_no_offer_when_the_condition_is_already_chosen(page, server):
    page.goto(f"{server.url}search/?q=ADHD&dis=developmental")
    page.wait_for_selector(READY, state="attached")
    assert page.locator(OFFER).count() == 0


def test_ignored_symbols_are_named(page, server):
    open_search(page, server, "横浜 😀♪")
    assert sorted(shown_ids(page)) == ["yokohama-dev", "yokohama-mental"]
    assert page.text_content("[data-search-ignored]") == "キーワードのうち「😀♪」は記号や絵文字のため、使わずに探しました。"
    settle(page, lambda: page.fill("#search-q", "横浜"))
    assert page.locator("[data-search-ignored]").count() == 0


def test_a_keyword_of_only_emoji_searches_nothing_and_says_so(page, server):
    open_search(page, server, "😀")
    assert shown_ids(page) == []
    assert page.text_content("[data-result-count]").strip() == "キーワードに探せる文字がないため、検索していません"
    assert page.text_content("[data-search-ignored]") == (
        "キーワード「😀」には、探せる文字（文字や数字）がありません。記号や絵文字では探せないため、検索していません。"
    )
    advice = page.locator("[data-search-advice]")
    assert advice.get_by_role("button").all_inner_texts() == ["キーワード「😀」を外す（7件）"]
    settle(page, lambda: advice.get_by_role("button").click())
    assert len(shown_ids(page)) == 7
    assert page.input_value("#search-q") == ""


def test_kana_readings_find_places_in_the_browser(page, server):
    open_search(page, server, "ｼﾝｼﾞｭｸ")
    assert shown_ids(page) == ["shinjuku"]
    open_search(page, server, "かわ")
    assert shown_ids(page) == ["kawasaki"]


def test_axe_with_an_offer_and_a_notice(page, server, tmp_path):
    open_search(page, server, "ADHD うつ 😀")
    assert page.locator(OFFER).count() == 2 and page.locator("[data-search-ignored]").count() == 1
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        for box in page.locator(OFFER).all():
            size = box.bounding_box()
            assert size["height"] >= 44 and size["width"] >= 44
    page.screenshot(path="/tmp/words-search-390.png", full_page=False)
