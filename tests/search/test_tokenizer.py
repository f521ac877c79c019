"""The search tokenizer and normalizer (plugins/facility_site/tokenizer.py)."""

from __future__ import annotations

import pytest
from facility_site.search.tokenizer import MAX_QUERY_CHARS, normalize, parse_query, split_words


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ｶﾚﾝﾄ", "かれんと"),  # half-width katakana
        ("カレント", "かれんと"),  # katakana → hiragana
        ("ＩＴ", "it"),  # full-width Latin, upper case
        ("ｶﾞｯｺｳ", "がっこう"),  # half-width voiced mark joins its letter
        ("か\u3099", "が"),  # combining voiced mark composes
        ("１２３", "123"),
        ("茅ヶ崎", "茅け崎"),  # small ke folds with the large one
        ("茅ケ崎", "茅け崎"),
        ("6ヵ月", "6か月"),
        ("コーヒー", "こーひー"),  # the long-vowel mark stays
        ("葛\U000e0100城", "葛城"),  # ideographic variation selector dropped
        ("ヴ", "ゔ"),
    ],
)
def test_normalize_folds_width_case_and_kana(typed, expected):
    assert normalize(typed) == expected


def test_normalize_is_idempotent():
    for text in ("ｶﾚﾝﾄ ＩＴカレッジ ひばりヶ丘", "Straße ΟΔΟΣ", "㈱サンプル①"):
        assert normalize(normalize(text)) == normalize(text)


@pytest.mark.parametrize("separator", list(":^~*+-") + ["・", "（", "）", "、", "。", "／", "　", "!", "?", "😀"])
def test_punctuation_lunr_syntax_and_emoji_separate_words(separator):
    assert [w for _, w in split_words(normalize(f"新宿{separator}御苑"))] == ["新宿", "御苑"]


def test_split_words_reports_code_point_offsets():
    # 𠮷 is one code point (two UTF-16 units): offsets must count code points.
    assert split_words("𠮷野家 の 森") == [(0, "𠮷野家"), (4, "の"), (6, "森")]


def test_words_of_a_field_keep_their_offsets_and_never_join_across_separators():
    text = normalize("新宿・新宿御苑前 ｶﾚﾝﾄ(東京都)")
    assert split_words(text) == [(0, "新宿"), (3, "新宿御苑前"), (9, "かれんと"), (14, "東京都")]
    assert split_words(normalize("  ・  ")) == []


def test_parse_query_splits_on_symbols_and_drops_repeats():
    parsed = parse_query("新宿 御苑^2 +新宿 -ｶﾚﾝﾄ title:森")
    assert parsed.words == ("新宿", "御苑", "2", "かれんと", "title", "森")
    assert parsed.truncated is False


def test_parse_query_of_only_symbols_is_empty():
    assert parse_query(":^~*+- 　・").words == ()


def test_a_thousand_character_query_is_cut_and_flagged():
    parsed = parse_query("あ" * 1000)
    assert parsed.words == ("あ" * MAX_QUERY_CHARS,)
    assert parsed.truncated is True
    many = parse_query(" ".join(f"語{i}" for i in range(500)))
    assert sum(len(w) for w in many.words) <= MAX_QUERY_CHARS
    assert many.truncated is True


def test_repeated_words_cost_nothing():
    parsed = parse_query("新宿 " * 500)
    assert parsed.words == ("新宿",)
    assert parsed.truncated is False
