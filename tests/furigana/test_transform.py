"""add_ruby on HTML: which text gets ruby and which is left alone."""

from __future__ import annotations

from bs4 import BeautifulSoup
from facility_site.furigana.reading import Furigana
from facility_site.furigana.transform import add_ruby


def ruby(html: str, phrases=None) -> str:
    return add_ruby(html, Furigana(phrases))


def readings(html: str) -> list[tuple[str, str]]:
    soup = BeautifulSoup(html, "html.parser")
    return [(r.find(string=True, recursive=False), r.rt["data-r"]) for r in soup.find_all("ruby")]


def test_visible_text_gets_ruby_with_okurigana_bare():
    out = ruby("<p>長く働く</p>")
    assert out == '<p><span><ruby>長<rt data-r="なが"></rt></ruby>く<ruby>働<rt data-r="はたら"></rt></ruby>く</span></p>'


def test_one_word_is_one_ruby_without_a_wrapper():
    assert ruby('<h2>記事</h2>') == '<h2><ruby>記事<rt data-r="きじ"></rt></ruby></h2>'


def test_text_inside_links_and_nested_inline_elements_gets_ruby():
    out = ruby('<p><a href="/glossary/#a">就労移行支援</a>を<strong>利用</strong>する</p>')
    soup = BeautifulSoup(out, "html.parser")
    assert soup.a["href"] == "/glossary/#a"
    assert [r.rt["data-r"] for r in soup.a.find_all("ruby")] == ["しゅうろう", "いこう", "しえん"]
    assert soup.strong.ruby.rt["data-r"] == "りよう"


def test_attributes_head_scripts_and_form_controls_are_left_alone():
    html = (
        '<html><head><title>就労移行支援</title><meta name="description" content="就労移行支援">'
        '<script type="application/json">{"a": "就労"}</script><style>/* 就労 */</style></head>'
        '<body><img alt="地図" src="m.png"><a aria-label="事業所を比較に追加" href="#">x</a>'
        "<select><option>東京都</option></select><textarea>東京都</textarea><code>東京都</code>"
        "<pre>東京都</pre><!-- 東京都 --><svg><title>東京都</title></svg></body></html>"
    )
    assert ruby(html) == html


def test_existing_ruby_is_kept_and_the_transform_is_idempotent():
    html = '<p><ruby>日本橋<rt data-r="にほんばし"></rt></ruby>と新宿</p>'
    once = ruby(html)
    assert readings(once) == [("日本橋", "にほんばし"), ("新宿", "しんじゅく")]
    assert ruby(once) == once


def test_entities_stay_as_written():
    out = ruby("<p>A&amp;B 事業所 &lt;b&gt;</p>")
    assert "A&amp;B" in out and "&lt;b&gt;" in out and "<b>" not in out
    assert readings(out) == [("事業", "じぎょう"), ("所", "しょ")]


def test_hostile_text_stays_text():
    # Record text reaches the page escaped; the transform never unescapes it.
    out = ruby("<p>&lt;script&gt;alert(1)&lt;/script&gt;東京</p>")
    assert "<script>" not in out
    # The reading is in data-r, so the text is as written.
    assert BeautifulSoup(out, "html.parser").p.get_text() == "<script>alert(1)</script>東京"
    assert readings(out) == [("東京", "とうきょう")]


def test_whitespace_around_text_stays_outside_the_wrapper():
    assert ruby("<li>\n  東京の事業所\n</li>").startswith("<li>\n  <span><ruby>東京")


def test_phrases_win_over_the_analyser():
    assert readings(ruby("<h1>日本橋ワークス</h1>", {"日本橋ワークス": "にほんばしわーくす"})) == [("日本橋", "にほんばし")]


def test_text_without_kanji_is_unchanged():
    html = "<p>カレント 03-1234-5678 Coco Color ひだまり</p>"
    assert ruby(html) == html


def test_the_split_scan_converts_exactly_what_the_one_scan_did():
    """add_ruby finds the elements left alone and the text runs in two scans (faster); TEXT_RUNS is the one
    scan the readers of a page's text use: both must find the same runs, on tricky HTML and a real page."""
    from facility_site.furigana.transform import TEXT_RUNS, text_with_ruby
    from sitebuild import ROOT

    def one_scan(html: str, furigana: Furigana) -> str:
        return TEXT_RUNS.sub(lambda m: m.group(0) if m.group(2) is None else ">" + text_with_ruby(m.group(2), furigana), html)

    pages = [
        '<p>漢字<!-- 漢字 --><script>var a="漢字"</script>漢字<SCRIPT>x</SCRIPT>>漢字<ruby>漢<rt>かん</rt></ruby>字</p><pre>漢字</pre><style',
        "<title>漢字</title><p>日本</p><svg><text>漢字</text></svg>読む<!-- 未完",
        '<select><option>東京</option></select><textarea>入力</textarea><code a="b">値</code>値<template><p>型</p></template>',
        (ROOT / "theme" / "templates" / "base.html").read_text(encoding="utf-8"),
        (ROOT / "theme" / "templates" / "search.html").read_text(encoding="utf-8"),
    ]
    for html in pages:
        assert add_ruby(html, Furigana()) == one_scan(html, Furigana())
    assert "<ruby>" in add_ruby(pages[0], Furigana())


def test_pages_converted_one_after_another_match_each_page_converted_alone():
    """add_ruby keeps each line-piece of a page it has seen twice: a piece is converted by where it is
    (inside <pre> or not), and a text run cut at a line break before a tag converts as the whole run."""
    from facility_site.furigana.transform import TEXT_RUNS, text_with_ruby

    def one_scan(html: str) -> str:
        furigana = Furigana()
        return TEXT_RUNS.sub(lambda m: m.group(0) if m.group(2) is None else ">" + text_with_ruby(m.group(2), furigana), html)

    line = "<b>東京の事業所</b>"
    pages = [
        f"<div>\n  {line}\n  <p>\n    就労移行支援の\n    事業所です\n  </p>\n</div>",
        f"<pre>\n  {line}\n</pre>\n<p>\n  {line}\n</p>",
        f"<code>\n{line}\n</code>\n{line}\n<!--\n  {line}\n-->\n  {line}",
        f"<p>新宿\n  <a>駅</a>\n  {line}</p>",
    ]
    furigana = Furigana()
    for _ in range(3):
        for page in pages:
            assert add_ruby(page, furigana) == one_scan(page)
    assert "<pre>\n  <b>東京の事業所</b>\n</pre>" in add_ruby(pages[1], furigana)


def test_texts_converted_ahead_give_the_same_page_and_hostile_text_stays_text():
    from facility_site.furigana.transform import warm

    page = "<p>東京の事業所</p><p>&lt;b&gt;新宿&lt;/b&gt;</p><p>A&amp;B 新宿</p><p>\n  新宿駅 徒歩5分\n</p>"
    ahead = Furigana()
    warm(["東京の事業所", "<b>新宿</b>", "A&B 新宿", "新宿駅 徒歩5分 "], ahead)
    out = add_ruby(page, ahead)
    assert out == add_ruby(page, Furigana())
    soup = BeautifulSoup(out, "html.parser")
    assert soup.find_all("p")[1].get_text() == "<b>新宿</b>" and soup.b is None
