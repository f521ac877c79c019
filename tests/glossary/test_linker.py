"""link_glossary_terms on its own: the cases a build's pages rarely show (comments, scripts, attributes, stray tags)."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup
from facility_site.glossary.linker import link_glossary_terms
from facility_site.glossary.model import Entry, Glossary

GLOSSARY = Glossary(
    (
        Entry("keizoku", "就労継続支援", "しゅうろうけいぞくしえん", (), "<p>.</p>"),
        Entry("keizoku-a", "就労継続支援A型", "しゅうろうけいぞくしえんえーがた", ("A型事業所",), "<p>.</p>"),
        Entry("ritsu", "就職定着率", "しゅうしょくていちゃくりつ", (), "<p>.</p>"),
    ),
    dt.date(2026, 11, 28),
)


def linked(body: str) -> list[tuple[str, str, str]]:
    html = link_glossary_terms(f"<body><header><p>就労継続支援</p></header><main>{body}</main></body>", GLOSSARY, "../glossary/")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("header").find("a") is None  # outside <main>: never
    return [(a.parent.name, a.get_text(), a["href"]) for a in soup.select("a[data-glossary-link]")]


def test_only_running_text_in_main_is_linked():
    assert linked("<h2>就労継続支援</h2><dt>就職定着率</dt><p>就労継続支援と就職定着率</p>") == [
        ("p", "就労継続支援", "../glossary/#keizoku"),
        ("p", "就職定着率", "../glossary/#ritsu"),
    ]
    assert linked("<div>就労継続支援</div><section><span>就労継続支援</span></section>") == []


def test_words_in_attributes_comments_scripts_and_code_stay_as_they_are():
    body = (
        '<p title="就労継続支援"><!-- 就労継続支援 --><code>就労継続支援</code>'
        '<script type="application/json">{"a": "<p>就労継続支援"}</script>'
        '<img alt="就労継続支援"><span data-x="就労継続支援">x</span></p>'
        "<p>ここで就労継続支援</p>"
    )
    assert linked(body) == [("p", "就労継続支援", "../glossary/#keizoku")]
    html = link_glossary_terms(f"<main>{body}</main>", GLOSSARY, "../glossary/")
    # Everything before the last paragraph is byte for byte as it was.
    assert html.startswith("<main>" + body[: body.index("<p>ここで")] + '<p>ここで<a class="glossary-link"')
    assert html.count("<a ") == 1


def test_a_word_inside_a_link_or_button_inside_a_paragraph_is_not_linked():
    assert linked('<p><a href="/x">就労継続支援</a><button>就職定着率</button><label><input>就職定着率</label></p>') == []


def test_longest_spelling_first_and_aliases_count_as_their_entry():
    assert linked("<p>就労継続支援A型とA型事業所と就労継続支援</p>") == [
        ("p", "就労継続支援A型", "../glossary/#keizoku-a"),
        ("p", "就労継続支援", "../glossary/#keizoku"),
    ]


def test_running_the_transform_twice_changes_nothing():
    once = link_glossary_terms("<main><p>就労継続支援</p><p>就労継続支援と就職定着率</p></main>", GLOSSARY, "../glossary/")
    assert link_glossary_terms(once, GLOSSARY, "../glossary/") == once


def test_stray_end_tags_and_self_closed_svg_do_not_upset_the_count():
    assert linked("</p></h2><svg/><p>就労継続支援</p>") == [("p", "就労継続支援", "../glossary/#keizoku")]
    assert linked("<p>a</p></a></a><li>就職定着率</li>") == [("li", "就職定着率", "../glossary/#ritsu")]


def test_a_page_without_main_or_glossary_words_is_returned_unchanged():
    for html in ("<body><p>就労継続支援</p></body>", "<main><p>ことばなし</p></main>"):
        assert link_glossary_terms(html, GLOSSARY, "../glossary/") is html
