"""`{% facility <id> %}` in articles and pages: cards from the records, or a clear error."""

from __future__ import annotations

import os

import pytest
from facility_site.errors import ContentError
from facility_site.pages.embed import marker_lines
from sitebuild import FIXTURES, build_site, page

EMBED_CONTENT = FIXTURES / "content" / "embed_cards"
UNKNOWN_CONTENT = FIXTURES / "content" / "embed_unknown"


@pytest.fixture(scope="module")
def embed_site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("embed") / "output", content=EMBED_CONTENT)


def test_marker_lines_become_cards_in_place(embed_site):
    article = page(embed_site, "articles/two-cards/").select_one("main article.article")
    cards = article.select(".embedded-card > article.card")
    assert [card["data-facility-id"] for card in cards] == ["current", "coco-color"]
    # Each card is rendered from its record: name, place, metrics, badge.
    current = cards[0]
    assert current.select_one(".card__name a").get_text() == "カレント"
    assert current.select_one(".card__place").get_text() == "東京都新宿区"
    assert current.select_one(".card__access").get_text() == "新宿御苑前駅 徒歩3分"
    assert current.select_one(".badge").get_text() == "定着支援あり"
    assert current.select_one("dl.metrics dd").get_text() == "90%以上"
    # In document order: paragraph, card, paragraph, card.
    blocks = [el for el in article.children if getattr(el, "name", None) in ("p", "div", "pre")]
    assert [(el.name, el.get("class")) for el in blocks[:4]] == [("p", None), ("div", ["embedded-card"]), ("p", None), ("div", ["embedded-card"])]


def test_card_links_are_relative_to_the_article(embed_site):
    cards = page(embed_site, "articles/two-cards/").select(".embedded-card .card__name a")
    assert [a["href"] for a in cards] == ["../../facilities/current/", "../../facilities/coco-color/"]
    for a in cards:
        assert (embed_site / "articles" / "two-cards" / a["href"] / "index.html").resolve().is_file()


def test_pages_embed_cards_with_links_relative_to_the_page(embed_site):
    card = page(embed_site, "about/").select_one(".embedded-card article.card")
    assert card["data-facility-id"] == "shukare-works"
    assert card.select_one(".card__name a")["href"] == "../facilities/shukare-works/"


def test_markers_that_are_not_lines_of_their_own_stay_text(embed_site):
    article = page(embed_site, "articles/two-cards/").select_one("main article.article")
    assert "文中の {% facility pinto %} はカードにならず" in article.get_text()
    code = [pre.get_text() for pre in article.select("pre")]
    assert code == ["{% facility no-such-facility %}\n", "{% facility indented-code-example %}\n"]
    assert article.select_one('[data-facility-id="pinto"]') is None


def test_unknown_ids_stop_the_build_naming_article_and_line(tmp_path):
    output = tmp_path / "output"
    with pytest.raises(ContentError) as caught:
        build_site(output, content=UNKNOWN_CONTENT)
    article = os.path.relpath(UNKNOWN_CONTENT / "articles" / "typo.md")  # as the operator would type it
    assert [str(p) for p in caught.value.problems] == [
        f"{article}:11: facility: unknown facility id 'curent'; did you mean 'current'?",
        f"{article}:13: facility: unknown facility id 'no-such-office'",
    ]
    assert str(caught.value).splitlines()[0] == "2 problem(s) in articles; nothing was written:"
    assert not output.exists() or not any(output.rglob("*.html"))


def test_marker_lines_skip_fenced_and_indented_code():
    text = "\n".join(
        [
            "{% facility a %}",
            "```",
            "{% facility in-fence %}",
            "~~~",
            "{% facility still-in-fence %}",
            "```",
            "  {%facility b%}  ",
            "    {% facility indented %}",
            "> {% facility quoted %}",
            "~~~markdown",
            "{% facility tilde-fence %}",
            "~~~",
            "{% facility c %}",
        ]
    )
    assert list(marker_lines(text)) == [(1, "a"), (7, "b"), (13, "c")]


def test_the_same_facility_twice_gets_distinct_element_ids(tmp_path):
    site = build_site(tmp_path / "output", content=FIXTURES / "content" / "embed_twice")
    doc = page(site, "articles/twice/")
    ids = [element["id"] for element in doc.find_all(id=True)]
    assert len(ids) == len(set(ids)), sorted(ids)
    cards = doc.select(".embedded-card > article.card")
    assert [card["data-facility-id"] for card in cards] == ["current", "pinto", "current"]
    # Each card is still named by its own heading.
    for card in cards:
        heading = card.select_one(".card__name")
        assert card["aria-labelledby"] == heading["id"]
        assert doc.find_all(id=heading["id"]) == [heading]
    assert [card["aria-labelledby"] for card in cards] == ["card-current", "card-pinto", "card-current-2"]
