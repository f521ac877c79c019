"""Page keys reach every input of a page: another record's edit re-renders the pages that show it.

The page keys (pages/reuse.py) write each facility as the digest the records
cache keeps for it (cache.Fingerprint.page_digest), not as its fields. Each
step below edits one record that another page shows (a neighbour in
「近くの事業所」, an office of the same operator, a card on a list page, the
main office a satellite takes 就労定着支援 from, a city in the section index
every page of a list carries), rebuilds with the cache
through build.py, and checks that the page showing it was rendered again
(a new file with the new text), that a page that does not show it was kept
(same file), and that the output equals a clean build's byte for byte.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from facility_site.build import build
from pelican.log import LimitFilter
from sitebuild import ROOT, files, write_settings


def record(name: str, city: str, extra: str = "", services: str = "[就労移行支援]") -> str:
    return f"name: {name}\nprefecture: 東京都\ncity: {city}\nservices: {services}\ndisabilities: [精神]\n{extra}updated: 2026-10-01\n"


OPERATOR = "operator: {name: 社会福祉法人キーテスト会}\n"
RECORDS = {
    "near-a": record("新宿A事業所", "新宿区", OPERATOR + "location: {lat: 35.6896, lng: 139.7006}\n"),
    "near-b": record("新宿B事業所", "新宿区", "location: {lat: 35.6900, lng: 139.7010}\n"),
    "same-op": record("法人の別事業所", "中野区", OPERATOR),
    "alone": record("単独事業所", "港区", "access:\n  - {line: JR山手線, station: 田町駅, walk_minutes: 5}\n"),
    "main": record("本体事業所", "品川区", "office_number: '1312345678'\n"),
    "main-2": record("従たる事業所", "品川区", "office_number: '1312345678'\n"),
}


class Site:
    def __init__(self, root: Path):
        self.root = root
        self.records = root / "records"
        self.records.mkdir()
        for name, text in RECORDS.items():
            (self.records / f"{name}.yaml").write_text(text, encoding="utf-8")
        self.content = root / "content"
        self.content.mkdir()  # no articles: records alone
        self.output = root / "output"
        self.clean_runs = 0

    def settings(self, cache: Path | None) -> str:
        conf = self.root / f"conf-{'cached' if cache else 'clean'}.py"
        return write_settings(conf, self.content, self.records, cache, render_workers=1, per_page=2)

    def cached_build(self) -> None:
        LimitFilter._raised_messages.clear()
        assert build(self.settings(self.root / "cache"), str(self.output)) == 0

    def clean_build(self) -> Path:
        self.clean_runs += 1
        out = self.root / f"clean-{self.clean_runs}"
        assert build(self.settings(None), str(out)) == 0
        return out

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.records / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    def inode(self, page: str) -> int:
        return (self.output / page / "index.html").stat().st_ino

    def html(self, page: str) -> BeautifulSoup:
        return BeautifulSoup((self.output / page / "index.html").read_text(encoding="utf-8"), "html.parser")


def facility_page(name: str) -> str:
    return f"facilities/{name}"


@pytest.fixture()
def site(tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("FACILITY_SITE_WORKERS", raising=False)
    caplog.set_level(logging.DEBUG, logger="facility_site")
    built = Site(tmp_path)
    built.cached_build()
    return built


def rebuilt(site: Site, edited: str, shown_on: str, kept: str) -> None:
    """After an edit: `shown_on` was rendered again, `kept` was not, and the output equals a clean build."""
    before = {page: site.inode(page) for page in (edited, shown_on, kept)}
    site.cached_build()
    assert site.inode(edited) != before[edited]
    assert site.inode(shown_on) != before[shown_on], f"{shown_on} was kept though a record it shows changed"
    assert site.inode(kept) == before[kept], f"{kept} was rendered again though nothing it shows changed"
    clean = files(site.clean_build())
    cached = files(site.output)
    assert cached.keys() == clean.keys()
    assert [name for name in cached if cached[name] != clean[name]] == []


def place_of(site: Site, page: str, section: str, facility_id: str) -> str:
    return site.html(page).select_one(f"[{section}] li[data-facility-id='{facility_id}']").get_text()


def test_a_neighbours_edit_re_renders_the_page_that_lists_it_nearby(site):
    assert "新宿区" in place_of(site, facility_page("near-a"), "data-nearby", "near-b")
    site.edit("near-b", "city: 新宿区", "city: 渋谷区")
    # The nearby offices themselves are reused (no location changed); near-a's key still sees near-b's new city.
    rebuilt(site, facility_page("near-b"), facility_page("near-a"), facility_page("alone"))
    assert "渋谷区" in place_of(site, facility_page("near-a"), "data-nearby", "near-b")


def test_an_edit_to_another_office_of_the_operator_re_renders_the_same_operator_section(site):
    assert "中野区" in place_of(site, facility_page("near-a"), "data-same-operator", "same-op")
    site.edit("same-op", "city: 中野区", "city: 杉並区")
    rebuilt(site, facility_page("same-op"), facility_page("near-a"), facility_page("alone"))
    assert "杉並区" in place_of(site, facility_page("near-a"), "data-same-operator", "same-op")


def rendered_pages(monkeypatch) -> list[str]:
    """The URL of every page rendered from now on (one process: render_workers=1)."""
    from facility_site.pages.output import SiteOutput

    urls: list[str] = []
    real = SiteOutput._render_page

    def recording(self, job):
        urls.append(job.url)
        return real(self, job)

    monkeypatch.setattr(SiteOutput, "_render_page", recording)
    return urls


def test_an_edit_to_a_listed_office_re_renders_the_list_page_with_its_card(site, monkeypatch):
    # The station is on the card, and changes neither the list's order nor its sections.
    site.edit("alone", "station: 田町駅", "station: 浜松町駅")
    rendered = rendered_pages(monkeypatch)
    rebuilt(site, facility_page("alone"), "pref/tokyo", facility_page("near-b"))
    # The list's later pages do not show the card: not rendered (an unchanged page is kept even when its
    # list changed). `rendered` goes on with the clean build's pages: the cached build's come before its home page.
    cached_build = rendered[: rendered.index("", 1)]
    assert [url for url in cached_build if url.startswith("pref/tokyo/")] == ["pref/tokyo/", "pref/tokyo/mental/", "pref/tokyo/table/"]
    card = site.html("pref/tokyo").find(id="card-alone").find_parent("article")
    assert "浜松町駅" in card.get_text() and "田町駅" not in card.get_text()


def test_a_main_office_starting_retention_support_re_renders_its_satellites_page(site):
    # main-2's own file does not change: its Facility changes through the satellite linking
    # (records/reader.py), so the digest kept in the records cache for its file must not be used.
    assert "なし" in site.html(facility_page("main-2")).find("dt", string="就労定着支援").find_next("dd").get_text()
    site.edit("main", "services: [就労移行支援]", "services: [就労移行支援, 就労定着支援]")
    rebuilt(site, facility_page("main"), facility_page("main-2"), facility_page("alone"))
    assert "本体事業所" in site.html(facility_page("main-2")).find("dt", string="就労定着支援").find_next("dd").get_text()


def test_an_edit_on_a_later_list_page_re_renders_the_first_page_through_its_section_index(site):
    # Two cards a page: pref/tokyo/ shows 港区 and 新宿区; 中野区's only office is on page 3. Every page
    # carries the index of all the list's cities, which the page keys hash once per list.
    first = site.html("pref/tokyo")
    assert [card["data-facility-id"] for card in first.select("article[data-facility-id]")] == ["alone", "near-a"]
    assert "中野区" in first.get_text()
    site.edit("same-op", "city: 中野区", "city: 杉並区")
    rebuilt(site, facility_page("same-op"), "pref/tokyo", facility_page("alone"))
    assert "杉並区" in site.html("pref/tokyo").get_text() and "中野区" not in site.html("pref/tokyo").get_text()


def visible_text(path: Path) -> str:
    """A page's text as read with ふりがな off: markup and ruby readings left out."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for rt in soup.find_all("rt"):
        rt.decompose()
    return soup.get_text()


def test_a_shared_word_gaining_a_second_reading_re_renders_only_the_pages_that_show_it(site, caplog):
    """年 is a shared word read ねん (words.json; the browser puts its ruby on, as in 「2026年10月1日」 on
    every facility page). A record whose text reads it とし (「年を重ねても…」) takes it out of the shared
    words, so every page showing 年 must now carry its ruby itself: those are rendered again, including
    the pages of offices the edit does not reach, but pages whose text has no 年 are kept (before, the
    shared words were in every page's key and every page was rendered again)."""
    words = site.output / "furigana" / "words.json"
    assert "年《ねん》" in words.read_text(encoding="utf-8")
    other_office = site.output / "facilities" / "near-a" / "index.html"
    before = other_office.read_bytes()
    assert "年" in visible_text(other_office)
    site.edit("alone", "updated:", "catchphrase: 年を重ねても働けます\nupdated:")
    caplog.clear()
    site.cached_build()
    assert "年《ねん》" not in words.read_text(encoding="utf-8")  # the edit did take 年 out of the shared words
    rendered, reused = map(int, re.search(r"(\d+) pages rendered, (\d+) reused", caplog.text).groups())
    assert reused > 0, f"{rendered} pages rendered, none kept"
    assert other_office.read_bytes() != before  # rendered again: its 年 now has its ruby in the page
    clean = files(site.clean_build())
    cached = files(site.output)
    assert cached.keys() == clean.keys()
    assert [name for name in cached if cached[name] != clean[name]] == []
