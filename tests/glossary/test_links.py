"""The first use of a glossary word in a page's running text links to its entry, once per page."""

from __future__ import annotations

from collections import Counter

import pytest
from glossary_fixtures import content_with
from sitebuild import build_site, page

# Where a link must never be put (headings, links, buttons, labels, term labels, navigation …).
BLOCKED = {"h1", "h2", "h3", "h4", "h5", "h6", "a", "button", "label", "legend", "summary", "option", "dt", "th", "caption"}
BLOCKED |= {"nav", "code", "pre", "script", "style", "title"}
RUNNING = {"p", "li", "dd", "td", "blockquote", "figcaption"}


def html_pages(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def test_an_article_links_the_first_use_of_each_word_and_no_later_one(sample_site):
    doc = page(sample_site, "articles/teichaku-shien-guide/")
    links = doc.select("main a[data-glossary-link]")
    first = links[0]
    # The article's first paragraph names 就労定着支援 in bold: that use is the link.
    assert first.get_text() == "就労定着支援"
    assert first.parent.name == "strong" and first.find_parent("p") is doc.select_one("main .article p:not(.article__meta)")
    assert first["href"] == "../../glossary/#shuro-teichaku-shien"
    assert first["aria-label"] == "就労定着支援（用語集）"
    # Later uses of the same word stay text.
    assert Counter(a["data-glossary-link"] for a in links).most_common(1)[0][1] == 1
    text_after = "".join(str(s) for s in first.find_all_next(string=True) if s.find_parent("main"))
    assert "就労定着支援" in text_after
    # 障害者就業・生活支援センター is linked whole, and its alias なかぽつ after it is not linked again.
    center = doc.select_one('main a[data-glossary-link="nakapotsu"]')
    assert center.get_text() == "障害者就業・生活支援センター"


def test_a_facility_page_links_each_word_at_its_first_running_use(sample_site):
    doc = page(sample_site, "facilities/current/")
    # The catchphrase (少人数で、…就労移行支援) is the first running text naming 就労移行支援.
    catch = doc.select_one("main .facility__catch a[data-glossary-link]")
    assert (catch.get_text(), catch["href"]) == ("就労移行支援", "../../glossary/#shuro-ikou-shien")
    # 就労定着支援 first appears as a <dt> label, which is skipped; the services list after it gets the link,
    # and 就労移行支援 there stays text (linked already).
    assert doc.select("main dt a") == []
    services = doc.select_one("main .facts dd ul")
    linked = {a.get_text(): a["href"] for a in services.select("a[data-glossary-link]")}
    assert linked == {"就労定着支援": "../../glossary/#shuro-teichaku-shien"}
    assert "就労移行支援" in services.get_text()
    # 就職定着率 is first used in running text in the sentence under 主な実績 that says what it is; the
    # description's 職場定着率 (an alias) then stays text.
    about = doc.select_one('main .metrics-about a[data-glossary-link="shushoku-teichaku-ritsu"]')
    assert about.get_text() == "就職定着率"
    assert doc.select('main .prose a[data-glossary-link="shushoku-teichaku-ritsu"]') == []
    assert "職場定着率" in doc.select_one("main .prose").get_text()


def test_no_page_links_an_entry_twice_or_outside_running_text(sample_site):
    pages = html_pages(sample_site)
    linked_pages = 0
    for url in pages:
        doc = page(sample_site, url)
        links = doc.select("a[data-glossary-link]")
        ids = [a["data-glossary-link"] for a in links]
        assert len(ids) == len(set(ids)), url
        linked_pages += bool(links)
        for link in links:
            ancestors = {parent.name for parent in link.parents}
            assert "main" in ancestors, url
            assert ancestors & RUNNING, (url, link)
            assert not ancestors & BLOCKED, (url, link)
            assert link.find("a") is None
    assert linked_pages >= 15
    # The glossary page itself links no word (its entries are right there).
    assert page(sample_site, "glossary/").select("a[data-glossary-link]") == []


def test_headings_and_existing_links_keep_their_words(sample_site):
    home = page(sample_site, "")
    # The home heading names 就労移行支援・就労定着支援; the heading stays plain.
    assert home.find("h1").find("a") is None and "就労移行支援" in home.find("h1").get_text()
    # A facility whose name holds a glossary word keeps its card link as it was.
    card_links = page(sample_site, "pref/chiba/").select("main .card__name a")
    assert any("就労移行支援" in a.get_text() for a in card_links)
    assert all(a.find("a") is None and not a.has_attr("data-glossary-link") for a in card_links)


GLOSSARY_AB = """\
    updated: 2026-11-28
    entries:
      - id: keizoku
        term: 就労継続支援
        reading: しゅうろうけいぞくしえん
        text: 働く場所です。
      - id: keizoku-a
        term: 就労継続支援A型
        reading: しゅうろうけいぞくしえんえーがた
        text: 雇用契約を結んで働く場所です。
    """


@pytest.fixture(scope="module")
def ab_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ab")
    articles = {
        "ab.md": """\
            Title: 比べる
            Slug: ab
            Date: 2026-11-20

            ## 就労継続支援A型とは

            はじめに就労継続支援A型の話をします。次に就労継続支援A型と就労継続支援を比べます。

            [就労継続支援のページ](https://example.jp/)にも書いてあります。

            <!-- 就労継続支援 -->

            `就労継続支援`
            """
    }
    return build_site(folder / "out", content=content_with(folder / "content", GLOSSARY_AB, articles))


def test_the_longest_word_wins_and_each_entry_links_once(ab_site):
    doc = page(ab_site, "articles/ab/")
    links = doc.select("main a[data-glossary-link]")
    assert [(a.get_text(), a["data-glossary-link"]) for a in links] == [("就労継続支援A型", "keizoku-a"), ("就労継続支援", "keizoku")]
    paragraph = links[0].find_parent("p")
    assert paragraph.get_text() == "はじめに就労継続支援A型の話をします。次に就労継続支援A型と就労継続支援を比べます。"
    assert links[1].find_parent("p") is paragraph
    # Not in the heading before them, nor inside the existing link, the comment or the code after them.
    assert doc.select("main h2 a, main code a") == []
    assert doc.select_one('main a[href="https://example.jp/"]').get_text() == "就労継続支援のページ"
