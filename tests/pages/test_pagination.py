"""Long lists: numbered pages, the pager's markup, and the city index across pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from facility_site.pages.pagination import paginate
from page_records import no_articles, numbered_records, write_records
from sitebuild import build_site, page

# 120 offices in 東京都: 30 in 千代田区, 45 in 港区, 45 in 新宿区 (municipality-code order: 13101, 13103, 13104).
# With 50 a page: page 1 = 千代田区 1–30 + 港区 31–50, page 2 = 港区 51–75 + 新宿区 76–100,
# page 3 = 新宿区 101–120.
CITIES = [("千代田区", 30), ("港区", 45), ("新宿区", 45)]


@pytest.fixture(scope="module")
def big_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pagination")
    records = write_records(root / "facilities", numbered_records(120, CITIES))
    return build_site(root / "output", records, no_articles(root))


def card_ids(doc) -> list[str]:
    return [card["data-facility-id"] for card in doc.select("main article.card")]


def test_pages_keep_the_first_at_the_list_url_and_number_the_rest(big_site):
    assert not (big_site / "pref/tokyo/page/1").exists()
    assert not (big_site / "pref/tokyo/page/4").exists()
    pages = [page(big_site, url) for url in ("pref/tokyo/", "pref/tokyo/page/2/", "pref/tokyo/page/3/")]
    assert [card_ids(doc) for doc in pages] == [
        [f"office-{n:03d}" for n in range(1, 51)],
        [f"office-{n:03d}" for n in range(51, 101)],
        [f"office-{n:03d}" for n in range(101, 121)],
    ]
    assert [doc.select_one("main .list-count").get_text() for doc in pages] == [
        "120件中 1〜50件目を表示",
        "120件中 51〜100件目を表示",
        "120件中 101〜120件目を表示",
    ]
    assert [doc.title.get_text() for doc in pages] == [
        "東京都の事業所｜しゅうろうナビ",
        "東京都の事業所（2ページ目）｜しゅうろうナビ",
        "東京都の事業所（3ページ目）｜しゅうろうナビ",
    ]
    assert pages[1].find("link", rel="canonical")["href"] == "http://localhost:8000/pref/tokyo/page/2/"
    # Relative links from a deeper page still reach the site root.
    assert pages[1].select_one("a.site-name")["href"] == "../../../../"


def pager_links(doc) -> list[tuple[str, str, str | None, str | None]]:
    """(text, href, aria-current, rel) of each pager link."""
    nav = doc.select_one("nav.pager")
    return [(a.get_text(strip=True), a["href"], a.get("aria-current"), " ".join(a.get("rel", [])) or None) for a in nav.select("a")]


def test_pager_has_numbered_links_current_page_and_prev_next(big_site):
    first, second, third = (page(big_site, url) for url in ("pref/tokyo/", "pref/tokyo/page/2/", "pref/tokyo/page/3/"))
    assert pager_links(first) == [
        ("1", "../../pref/tokyo/", "page", None),
        ("2", "../../pref/tokyo/page/2/", None, None),
        ("3", "../../pref/tokyo/page/3/", None, None),
        ("次のページ", "../../pref/tokyo/page/2/", None, "next"),
    ]
    assert pager_links(second) == [
        ("前のページ", "../../../../pref/tokyo/", None, "prev"),
        ("1", "../../../../pref/tokyo/", None, None),
        ("2", "../../../../pref/tokyo/page/2/", "page", None),
        ("3", "../../../../pref/tokyo/page/3/", None, None),
        ("次のページ", "../../../../pref/tokyo/page/3/", None, "next"),
    ]
    assert [text for text, *_ in pager_links(third)] == ["前のページ", "1", "2", "3"]


def test_pager_markup_is_accessible(big_site):
    doc = page(big_site, "pref/tokyo/page/2/")
    navs = doc.select("nav.pager")
    assert len(navs) == 1
    nav = navs[0]
    assert nav["aria-label"] == "ページ送り"
    assert nav.ul is not None and all(li.parent is nav.ul for li in nav.select("li"))
    numbered = {a.get_text(strip=True): a["aria-label"] for a in nav.select("a[aria-label]")}
    # The accessible name starts with the visible number (WCAG 2.5.3 label in name).
    assert numbered == {"1": "1ページ目", "2": "2ページ目（表示中）", "3": "3ページ目"}
    assert [a.get_text(strip=True) for a in nav.select("a[aria-current=page]")] == ["2"]


def test_city_index_links_to_the_page_and_heading_where_each_city_starts(big_site):
    for url, prefix in (("pref/tokyo/", "../../"), ("pref/tokyo/page/3/", "../../../../")):
        doc = page(big_site, url)
        index = doc.find(id="city-nav-title").find_parent("nav")
        assert [(a.get_text(strip=True), a["href"]) for a in index.select("a")] == [
            ("千代田区（30件）", f"{prefix}pref/tokyo/#city-1"),
            ("港区（45件）", f"{prefix}pref/tokyo/#city-2"),
            ("新宿区（45件）", f"{prefix}pref/tokyo/page/2/#city-3"),
        ]
    # Each target page has that heading; a city continued from an earlier page says so.
    sections = {
        url: [(s.h3["id"], s.h3.get_text(strip=True), len(s.select("article.card"))) for s in page(big_site, url).select("main section.list-section")]
        for url in ("pref/tokyo/", "pref/tokyo/page/2/", "pref/tokyo/page/3/")
    }
    assert sections == {
        "pref/tokyo/": [("city-1", "千代田区", 30), ("city-2", "港区", 20)],
        "pref/tokyo/page/2/": [("city-2", "港区（前のページから続く）", 25), ("city-3", "新宿区", 25)],
        "pref/tokyo/page/3/": [("city-3", "新宿区（前のページから続く）", 20)],
    }


def test_per_page_setting_changes_page_size(tmp_path):
    records = write_records(tmp_path / "facilities", numbered_records(5, [("新宿区", 5)]))
    site = build_site(tmp_path / "output", records, no_articles(tmp_path), per_page=2)
    assert [card_ids(page(site, url)) for url in ("pref/tokyo/", "pref/tokyo/page/2/", "pref/tokyo/page/3/")] == [
        ["office-001", "office-002"],
        ["office-003", "office-004"],
        ["office-005"],
    ]
    # The subpages and national lists are paginated the same way.
    assert (site / "pref/tokyo/mental/page/3/index.html").exists()
    assert (site / "disability/mental/page/3/index.html").exists()


# --- pagination.py on its own --------------------------------------------------


def window_numbers(pagination) -> list[int | None]:
    return [link.number if link else None for link in pagination.window()]


def test_window_shows_first_last_and_neighbours_with_gaps():
    pages = paginate("pref/tokyo/", list(range(120)), 10)
    assert len(pages) == 12
    assert window_numbers(pages[0]) == [1, 2, 3, None, 12]
    assert window_numbers(pages[5]) == [1, None, 4, 5, 6, 7, 8, None, 12]
    assert window_numbers(pages[11]) == [1, None, 10, 11, 12]
    # No gap marker stands for a single hidden page: 1 … 3 would hide only 2, so 2 is a gap too.
    assert window_numbers(pages[4]) == [1, 2, 3, 4, 5, 6, 7, None, 12]


def test_empty_list_gets_one_empty_page():
    (only,) = paginate("disability/physical/", [], 50)
    assert (only.number, only.count, list(only.items), only.total, only.sections) == (1, 1, [], 0, ())
    assert only.previous is None and only.next is None


def test_sections_split_across_pages():
    items = ["a"] * 3 + ["b"] * 4
    pages = paginate("x/", items, 5, section_of=str, anchor_prefix="g")
    assert [[(s.title, s.anchor, len(s.items), s.continued) for s in p.sections] for p in pages] == [
        [("a", "g-1", 3, False), ("b", "g-2", 2, False)],
        [("b", "g-2", 2, True)],
    ]
    assert [(e.title, e.count, e.url) for e in pages[1].section_index] == [("a", 3, "x/#g-1"), ("b", 4, "x/#g-2")]
