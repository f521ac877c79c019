"""Everyday words, kana readings of places and symbols in the keyword (issue #10).

The engine (theme/static/js/search/engine.js) runs in Node over a site built
from tests/fixtures/search_words (see its README); results are exact ids.
The everyday words file is checked like a record: every problem at once, as
`file:line: field: problem`, and the build stops.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from facility_site.records.readings import reading_of, reading_starts
from facility_site.search.index import document_words
from facility_site.search.words import DEFAULT_PATH, EverydayWordsError, condition_word, load_everyday_words
from sitebuild import FIXTURES, ROOT, build_site, page

RECORDS = FIXTURES / "search_words"
RUN_ENGINE = ROOT / "tests" / "js" / "run_engine.mjs"


def run_engine(site: Path, searches: list[dict]) -> list[dict]:
    run = subprocess.run(["node", str(RUN_ENGINE), str(site), json.dumps(searches)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("words") / "output", RECORDS, tmp_path_factory.mktemp("content"))


def ids(site, **state) -> list[str]:
    return sorted(search(site, **state)["ids"])


def search(site, **state) -> dict:
    return run_engine(site, [{"state": state}])[0]


# --- everyday words -------------------------------------------------------------


def test_yokohama_and_a_disability_word_finds_yokohama_offices_that_accept_it(site):
    result = search(site, q="横浜 発達障害")
    assert result["ids"] == ["yokohama-dev"]
    assert result["everyday"] == [{"word": "発達障害", "kind": "dis", "slug": "developmental"}]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ADHD", ["shinagawa", "yokohama-dev", "yokohama-mental"]),  # 発達, and yokohama-mental's feature says ADHD
        ("ａｄｈｄ", ["shinagawa", "yokohama-dev", "yokohama-mental"]),
        ("自閉症", ["shinagawa", "yokohama-dev"]),
        ("発達障がい", ["shinagawa", "yokohama-dev"]),
        ("うつ", ["shinjuku", "yokohama-mental"]),  # 精神; not 宇都宮 (うつのみや)
        ("うつ病", ["shinjuku", "yokohama-mental"]),
        ("療育手帳", ["shinjuku", "utsunomiya"]),  # 知的
        ("車いす", ["kawasaki"]),  # 身体
        ("A型", ["yokohama-mental"]),
        ("定着", ["kawasaki", "shinjuku"]),
    ],
)
def test_everyday_words_find_their_condition(site, query, expected):
    assert ids(site, q=query) == expected


def test_everyday_word_is_reported_with_its_condition(site):
    assert search(site, q="うつ 新宿")["everyday"] == [{"word": "うつ", "kind": "dis", "slug": "mental"}]
    assert search(site, q="ｂ型")["everyday"] == [{"word": "b型", "kind": "svc", "slug": "type-b"}]
    assert search(site, q="発達障害者")["everyday"] == []  # whole words only


def test_the_condition_and_the_word_agree_once_chosen(site):
    # Choosing the chip ticks the condition and drops the word: the same offices in Yokohama.
    assert search(site, q="横浜", dis=["developmental"])["ids"] == search(site, q="横浜 発達障害")["ids"]


# --- readings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("よこはま", ["yokohama-dev", "yokohama-mental"]),
        ("ヨコハマ", ["yokohama-dev", "yokohama-mental"]),
        ("ﾖｺﾊﾏ", ["yokohama-dev", "yokohama-mental"]),
        ("かながわ", ["kawasaki", "yokohama-dev", "yokohama-mental"]),
        ("しんじゅく", ["shinjuku"]),
        ("ｼﾝｼﾞｭｸ", ["shinjuku"]),
        ("シンジュク", ["shinjuku"]),
        ("しんよこはま", ["yokohama-dev"]),  # station 新横浜
        ("まるのうち", ["shinjuku"]),  # 丸ノ内線 inside 東京メトロ丸ノ内線
        ("よこはません", ["yokohama-dev"]),  # 横浜線 inside JR横浜線
        ("とちぎ", ["utsunomiya"]),
        ("うつのみや", ["utsunomiya"]),
        ("かわ", ["kawasaki"]),  # かわさき…; not しながわ, いちかわ, かながわ
        ("がわ", []),
        ("じゅく", []),  # inside しんじゅく, not at its start
        ("よこはま 発達障害", ["yokohama-dev"]),
    ],
)
def test_kana_readings_of_places_match_as_whole_word_or_prefix(site, query, expected):
    assert ids(site, q=query) == expected


def test_one_kana_does_not_look_up_readings(site):
    # ひ would start 東, 広島, 姫路 …: one kana matches names only.
    assert ids(site, q="ひ") == ["utsunomiya"]  # ひかりワーク栃木
    assert ids(site, q="よ") == []


def test_readings_come_from_the_dictionary():
    assert reading_of("横浜市緑区") == "よこはましみどりく"
    assert reading_of("三軒茶屋駅") == "さんげんぢゃやえき"
    assert reading_starts("東京メトロ丸ノ内線") == ("とうきょうめとろまるのうちせん", "まるのうちせん")
    assert reading_starts("神奈川県") == ("かながわけん",)
    assert reading_of("𠮷") is None  # the dictionary does not know it: no reading rather than a guess
    assert reading_of("𠮷野家") is None


def test_readings_are_a_field_of_their_own():
    from facility_site.records.reader import load_facilities
    from facility_site.search.data import doc_order
    from facility_site.search.index import FIELD_NAMES

    docs = doc_order(load_facilities(RECORDS))
    fields = dict(zip(FIELD_NAMES, document_words(docs)[[f.id for f in docs].index("shinjuku")], strict=True))
    assert fields["place_reading"] == ["とうきょうと", "しんじゅくく", "しんじゅくぎょえんまええき", "とうきょうめとろまるのうちせん", "まるのうちせん"]


# --- symbols and emoji ----------------------------------------------------------


def test_only_emoji_searches_nothing_and_says_what_was_ignored(site):
    result = search(site, q="😀")
    assert result["ids"] == [] and result["total"] == 0
    assert result["onlySymbols"] is True and result["ignored"] == ["😀"]
    assert result["counts"]["pref"] == [0] * 47
    assert result["relax"] == [{"kind": "word", "value": "😀", "count": 7}]


def test_emoji_beside_words_is_ignored_and_reported(site):
    result = search(site, q="横浜 😀 ♪")
    assert sorted(result["ids"]) == ["yokohama-dev", "yokohama-mental"]
    assert result["onlySymbols"] is False
    assert result["ignored"] == ["😀", "♪"]


# --- the words file -------------------------------------------------------------


def test_shipped_list_has_the_words_of_the_issue():
    words = {entry.word: (entry.kind, entry.term.label) for entry in load_everyday_words(DEFAULT_PATH)}
    for word in ("発達障害", "発達障がい", "adhd", "asd", "自閉症", "あすぺるがー", "ld", "学習障害"):
        assert words[word] == ("dis", "発達")
    for word in ("うつ", "うつ病", "統合失調症", "双極性障害"):
        assert words[word] == ("dis", "精神")
    for word in ("知的障害", "療育手帳"):
        assert words[word] == ("dis", "知的")
    for word in ("身体障害", "車いす", "視覚障害", "聴覚障害"):
        assert words[word] == ("dis", "身体")
    assert words["難病"] == ("dis", "難病")
    assert words["定着"] == ("svc", "就労定着支援") and words["移行"] == ("svc", "就労移行支援")
    assert words["a型"] == ("svc", "就労継続支援A型") and words["b型"] == ("svc", "就労継続支援B型")


def test_each_condition_has_one_index_word_of_its_own():
    from facility_site.records.vocab import DISABILITIES, SERVICES

    assert len({condition_word(t) for t in DISABILITIES}) == len(DISABILITIES)
    assert len({condition_word(t) for t in SERVICES}) == len(SERVICES)


BAD_WORDS = """\
disabilities:
  発達: [ADHD, 発達 障害]
  精神: [うつ, ＡＤＨＤ]
  精神病: [統合失調症]
  身体: [車いす, 車いす, "😀"]
services:
  就労定着支援: [定着]
  就労継続支援Ｃ型: [C型]
sickness: [x]
"""


def test_every_problem_in_the_words_file_is_reported_with_its_line(tmp_path):
    path = tmp_path / "words.yaml"
    path.write_text(BAD_WORDS, encoding="utf-8")
    with pytest.raises(EverydayWordsError) as caught:
        load_everyday_words(path)
    assert [str(p).replace(str(path), "words.yaml") for p in caught.value.problems] == [
        "words.yaml:2: disabilities.発達: '発達 障害' is not one word for the search (it has spaces or symbols)",
        "words.yaml:3: disabilities.精神: 'ＡＤＨＤ' already stands for 発達 (line 2); a word stands for one condition",
        "words.yaml:4: disabilities.精神病: unknown disability type; did you mean '精神'?",
        "words.yaml:5: disabilities.身体: '車いす' is given twice (first on line 5)",
        "words.yaml:5: disabilities.身体: '😀' is not one word for the search (it has spaces or symbols)",
        "words.yaml:8: services.就労継続支援Ｃ型: unknown service; did you mean '就労継続支援B型'?",
        "words.yaml:9: sickness: unknown group; did you mean 'services'?",
    ]


def test_a_bad_words_file_stops_the_build(tmp_path):
    bad = tmp_path / "words.yaml"
    bad.write_text("disabilities:\n  発達: [ADHD, 'a b']\n", encoding="utf-8")
    with pytest.raises(EverydayWordsError, match=r"words\.yaml:2: disabilities\.発達: 'a b' is not one word"):
        build_site(tmp_path / "out", RECORDS, tmp_path, everyday_words=str(bad))


def test_an_operator_list_replaces_the_shipped_one(tmp_path):
    own = tmp_path / "words.yaml"
    own.write_text("disabilities:\n  発達: [ディスレクシア]\n", encoding="utf-8")
    site = build_site(tmp_path / "out", RECORDS, tmp_path, everyday_words=str(own))
    config = json.loads(page(site, "search/").find("script", id="search-config").string)
    assert config["everydayWords"] == {"でぃすれくしあ": {"kind": "dis", "slug": "developmental", "field": "disability", "term": "発達"}}
    assert sorted(search(site, q="ディスレクシア")["ids"]) == ["shinagawa", "yokohama-dev"]
    assert search(site, q="ADHD")["ids"] == ["yokohama-mental"]  # only its feature: ADHD is not in this list
