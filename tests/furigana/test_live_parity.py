"""The browser reads the readings file as the build writes it: notation parsing in Python and JavaScript agree."""

from __future__ import annotations

import json
import subprocess

from facility_site.furigana.reading import Furigana, notation, parse_notation
from sitebuild import ROOT
from test_corpus import CORPUS


def js(expression: str, value) -> object:
    script = (
        "import { parseNotation, buildDictionary, segmentText } from './theme/static/js/furigana/live.js';"
        f"const value = {json.dumps(value, ensure_ascii=False)};"
        f"process.stdout.write(JSON.stringify({expression}));"
    )
    run = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(run.stdout)


def test_notation_parses_the_same_in_python_and_javascript():
    entries = [line.split("\t")[1] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    entries += ["｜1人《ひとり》で", "2分《ふん》", "流山《ながれやま》おおたかの森《もり》駅《えき》", "6〜12ヶ月《かげつ》"]
    from_js = js("value.map(parseNotation)", entries)
    assert from_js == [[list(s) for s in parse_notation(e)] for e in entries]


def test_rendered_text_takes_the_longest_chunk_and_numbers_only_where_they_start():
    furigana = Furigana()
    entries = sorted({notation(s) for s in [furigana.segments("流山おおたかの森"), (("2", ""), ("分", "ふん")), (("駅", "えき"),), (("森", "もり"),)]})
    got = js("segmentText(value.text, buildDictionary(value.entries))", {"text": "流山おおたかの森駅 徒歩2分、12分", "entries": entries})
    assert got == [["流山", "ながれやま"], ["おおたかの", ""], ["森", "もり"], ["駅", "えき"], [" 徒歩", ""], ["2", ""], ["分", "ふん"], ["、12分", ""]]


def test_a_text_two_chunks_read_differently_gets_neither_and_a_counter_needs_its_number():
    """空《あ》 and 空《から》 from different sentences: no ruby rather than the wrong one. 日《ひ》 (a
    script's lone 日) is not the reading of 30日's 日, nor 月《つき》 of 11月's."""
    entries = ["空《あ》", "空《から》", "空《あ》きあり", "日《ひ》", "月《つき》", "駅《えき》"]
    texts = ["空きあり", "空", "2026年11月30日", "見学した日", "6ヶ月", "関内駅"]
    got = js(
        "value.texts.map((text) => segmentText(text, { ...buildDictionary(value.entries), counters: true }))",
        {"entries": entries, "texts": texts},
    )
    # The shared words' dictionary (buildDictionary alone) reads as the build planned: no counter rule there.
    shared = js("segmentText('定員3件', buildDictionary(value))", ["件《けん》", "定員《ていいん》"])
    assert shared == [["定員", "ていいん"], ["3", ""], ["件", "けん"]]
    assert got == [
        [["空", "あ"], ["きあり", ""]],
        [["空", ""]],
        [["2026年11月30日", ""]],
        [["見学した", ""], ["日", "ひ"]],
        [["6ヶ月", ""]],
        [["関内", ""], ["駅", "えき"]],
    ]


def test_the_readings_files_read_each_one_kanji_word_with_its_kana():
    """The chunks the build writes for the scripts' texts, read back by the browser: each sentence gets
    its own reading of 空 (theme/furigana.yaml corrects the dictionary's そら)."""
    from facility_site.furigana.browser import readings_dictionary
    from facility_site.furigana.overrides import load_overrides

    furigana = Furigana(load_overrides(ROOT / "theme" / "furigana.yaml"))
    texts = ["空きあり", "空です", "比較リストを空にしました。", "アドレス（URL）に入れたりしません", "受付に入り口から"]
    entries = readings_dictionary(texts, furigana)
    got = js("value.texts.map((text) => segmentText(text, { ...buildDictionary(value.entries), counters: true }))", {"entries": entries, "texts": texts})
    readings = [[pair for pair in segments if pair[1]] for segments in got]
    assert readings[0] == [["空", "あ"]]
    assert readings[1] == [["空", "から"]]
    assert ["空", "から"] in readings[2]
    assert ["入", "い"] in readings[3] and ["入", "はい"] not in readings[3]
