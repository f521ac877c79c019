"""Readings of single texts: okurigana, counters, phrases, what gets no ruby."""

from __future__ import annotations

import pytest
from facility_site.furigana.reading import Furigana, align, analyse, phrase_reading


def shown(segments) -> str:
    return "".join(f"{b}《{r}》" if r else b for b, r in segments)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("長く働く", "長《なが》く働《はたら》く"),
        ("申し込み", "申《もう》し込《こ》み"),
        ("徒歩3分", "徒歩《とほ》3分《ぷん》"),
        ("徒歩2分", "徒歩《とほ》2分《ふん》"),
        ("徒歩10分", "徒歩《とほ》10分《ぷん》"),
        ("1か月", "1か月《げつ》"),
        ("6〜12ヶ月", "6〜12ヶ月《かげつ》"),
        ("1人で", "1人《ひとり》で"),
        ("3人で", "3人《にん》で"),
        ("週3日", "週《しゅう》3日《みっか》"),
        ("11月1日", "11月《がつ》1日《ついたち》"),
        ("3階", "3階《がい》"),
        ("3本", "3本《ぼん》"),
        ("就労継続支援A型", "就労《しゅうろう》継続《けいぞく》支援《しえん》A型《がた》"),
        # Days of the week in hours and dates (the dictionary read がつ〜きん, みず, 日《に》・祝《ちしゅく》).
        ("月〜金", "月《げつ》〜金《きん》"),
        ("月・水・金", "月《げつ》・水《すい》・金《きん》"),
        ("12月3日（水）", "12月《がつ》3日《みっか》（水《すい》）"),
        ("日・祝", "日《にち》・祝《しゅく》"),
        ("水・木曜日", "水《すい》・木曜《もくよう》日《び》"),
        ("1月〜3月", "1月《がつ》〜3月《がつ》"),
        ("水・食料", "水《みず》・食料《しょくりょう》"),
    ],
)
def test_readings(text, expected):
    assert shown(analyse(text)) == expected


@pytest.mark.parametrize("text", ["カレント", "ひだまり", "Coco Color", "2026-11-01", "90%以上"[:3], "（0件）"[:2]])
def test_text_without_kanji_gets_no_ruby(text):
    assert all(not read for _, read in analyse(text))


def test_align_splits_okurigana_and_refuses_a_reading_that_does_not_fit():
    assert align("取り扱い", "とりあつかい") == (("取", "と"), ("り", ""), ("扱", "あつか"), ("い", ""))
    assert align("就労移行支援事業所 Pinto", "ぴんと") is None


def test_facility_names_are_read_from_name_kana():
    assert shown(phrase_reading("サンプル事業所 00001 若葉", "さんぷるじぎょうしょ 00001 わかば")) == "サンプル事業《じぎょう》所《しょ》 00001 若葉《わかば》"
    # The analyser would say わかば; the record says otherwise, and the record wins.
    assert shown(phrase_reading("若葉台ワークス", "わかばだいわーくす")) == "若葉台《わかばだい》ワークス"
    assert shown(phrase_reading("若葉ワークス", "もくようわーくす")) == "若葉《もくよう》ワークス"


def test_a_name_kana_with_digits_and_letters_puts_only_kana_over_the_kanji():
    # The number and the letters' reading (あいてぃー) once ended up in 事業所's ruby: じぎょうしょ03711あいてぃー.
    segments = phrase_reading("サンプル事業所 03711 ITカレッジ", "さんぷるじぎょうしょ 03711 あいてぃーかれっじ")
    assert shown(segments) == "サンプル事業《じぎょう》所《しょ》 03711 ITカレッジ"
    # Digits as written and letters as read, in one run.
    assert shown(align("若葉 2nd IT", "わかば2ndあいてぃー")) == "若葉《わかば》 2nd IT"
    assert align("事業所 03711", "じぎょうしょ99999") is None


def test_a_brand_written_in_latin_letters_keeps_its_kana_off_the_kanji():
    # name_kana reads the brand too; its kana once went over the next kanji: 新宿《かいえんしんじゅく》.
    assert shown(phrase_reading("Kaien新宿", "かいえんしんじゅく")) == "Kaien新宿《しんじゅく》"
    assert shown(phrase_reading("JSN新大阪", "じぇいえすえぬしんおおさか")) == "JSN新大阪《しんおおさか》"
    assert shown(phrase_reading("Cocorport横浜関内Office", "ここるぽーとよこはまかんないおふぃす")) == "Cocorport横浜《よこはま》関内《かんない》Office"
    # A brand between kanji, read or left out: once no split was found and the dictionary guessed the name.
    assert shown(phrase_reading("若葉IT教室", "わかばあいてぃーきょうしつ")) == "若葉《わかば》IT教室《きょうしつ》"
    assert shown(phrase_reading("若葉 IT教室", "わかばきょうしつ")) == "若葉《わかば》 IT教室《きょうしつ》"
    assert shown(phrase_reading("就労移行支援 ATARIMAE 堺東", "しゅうろういこうしえんあたりまえさかいひがし")).endswith(" ATARIMAE 堺東《さかいひがし》")
    # Neither the record nor the dictionary says where the brand ends: the two share the record's reading,
    # not a guess (and not the dictionary's しんじゅく, which the record contradicts).
    assert shown(phrase_reading("Kaien新宿", "かいえんにいじゅく")) == "Kaien新宿《かいえんにいじゅく》"
    assert phrase_reading("就労移行支援 Kaien 新宿 サテライト", "しゅうろういこうしえんかいえんにいじゅくさてらいと")[-3:] == (
        (" ", ""),
        ("Kaien 新宿", "かいえんにいじゅく"),
        (" サテライト", ""),
    )
    # A name_kana that reads only part of the name still does not fit.
    assert phrase_reading("就労移行支援事業所 Pinto", "ぴんと") is None


def test_phrases_take_priority_longest_first():
    furigana = Furigana({"三軒茶屋": "さんげんぢゃや", "三軒": "みのき", "日本橋": (("日本橋", "にほんばし"),)})
    assert shown(furigana.segments("三軒茶屋と日本橋の事業所")) == "三軒茶屋《さんげんぢゃや》と日本橋《にほんばし》の事業《じぎょう》所《しょ》"
