"""Shared words: the pages leave them bare, the browser puts them on from words.json, and the result is
exactly the ruby the build would have written (furigana/shared.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from facility_site.furigana.overrides import FILE_NAME, load_overrides
from facility_site.furigana.reading import Furigana
from facility_site.furigana.shared import WORDS_FILE, SharedWords, expand, load_words
from facility_site.furigana.transform import add_ruby
from sitebuild import SAMPLE_CONTENT, SAMPLE_FACILITIES, build_site
from test_live_parity import js

RUBY = re.compile(r'<ruby>([^<]*)<rt data-r="([^"]*)"></rt></ruby>')


def shown(html: str) -> list[tuple[str, str]]:
    """(base, reading) of every ruby of a page, in document order."""
    return RUBY.findall(html)


def full_and_shared(text: str, words: dict[str, str]) -> tuple[list, list, str]:
    """The ruby of `text` written in full, and as the browser shows it from a page that shares `words`."""
    full = add_ruby(f"<p>{text}</p>", Furigana())
    furigana = Furigana()  # a new one: each keeps the texts it converted
    furigana.shared = SharedWords(words)
    page = add_ruby(f"<p>{text}</p>", furigana)
    return shown(full), shown(expand(page, furigana.shared)), page


def test_a_shared_word_is_left_bare_and_comes_back_from_words_json():
    full, shared, page = full_and_shared("就職定着率を見る", {"就職": "しゅうしょく", "定着": "ていちゃく", "率": "りつ"})
    assert full == [("就職", "しゅうしょく"), ("定着", "ていちゃく"), ("率", "りつ"), ("見", "み")]
    assert shared == full
    assert page.count("<ruby>") == 1  # only 見る, not a shared word, is in the page


def test_a_word_read_another_way_here_keeps_its_ruby_in_the_page():
    # 一人 reads ひとり here; the shared word 人 alone would make it 一 + 人《ひと》.
    full, shared, page = full_and_shared("一人ひとりに合わせて", {"人": "ひと", "合": "あ"})
    assert shared == full and ("一人", "ひとり") in full
    assert "<ruby>一人" in page


def test_a_longer_shared_word_across_a_boundary_does_not_change_the_split():
    # 市中 is a shared word, but this text is 市《し》 + 中央《ちゅうおう》: the page keeps the ruby that stops the match.
    full, shared, _ = full_and_shared("大阪市中央区", {"市中": "しちゅう", "大阪": "おおさか", "区": "く"})
    assert shared == full
    assert ("市中", "しちゅう") not in shared


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("shared") / "output")


def site_furigana() -> Furigana:
    """The readings the sample build uses: names from name_kana, then the override file."""
    phrases = {}
    for path in sorted(SAMPLE_FACILITIES.glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        if record.get("name_kana"):
            phrases[record["name"]] = record["name_kana"]
    if (SAMPLE_CONTENT / FILE_NAME).is_file():
        phrases.update(load_overrides(SAMPLE_CONTENT / FILE_NAME))
    return Furigana(phrases)


def test_every_page_shows_with_the_shared_words_exactly_the_ruby_written_in_full(site):
    words = load_words(site / WORDS_FILE)
    assert len(words.words) > 100 and words.words["都道府県"] == "とどうふけん"
    furigana = site_furigana()
    pages = [p for p in sorted(site.rglob("*.html")) if "data-furigana-words=" in p.read_text(encoding="utf-8")]
    assert len(pages) > 20
    bare = 0
    for path in pages:
        html = path.read_text(encoding="utf-8")
        plain = RUBY.sub(r"\1", html)  # the page as before ruby: each text run whole again
        written_in_full = shown(add_ruby(plain, furigana))
        assert shown(expand(html, words)) == written_in_full, path
        bare += len(written_in_full) - len(shown(html))
    assert bare > 1000  # most words come from words.json


def test_the_search_page_takes_no_shared_words(site):
    html = (site / "search" / "index.html").read_text(encoding="utf-8")
    assert "data-furigana-words" not in html and "data-furigana-readings" in html


def test_words_json_is_sorted_notation_and_the_browser_matches_it_as_the_build_does(site):
    entries = json.loads((site / WORDS_FILE).read_text(encoding="utf-8"))
    assert entries == sorted(entries) and "都道府県《とどうふけん》" in entries
    words = load_words(site / WORDS_FILE)
    texts = ["都道府県から探す", "東京都新宿区西新宿の就労移行支援事業所", "一人ひとりに合わせた支援", "大阪市中央区 徒歩5分"]
    from_js = js("value.texts.map((t) => segmentText(t, buildDictionary(value.entries)))", {"texts": texts, "entries": entries})
    assert from_js == [[list(s) for s in words.segment(t)] for t in texts]
