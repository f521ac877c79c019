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
