"""The Python and JavaScript tokenizers agree on every string of a shared corpus.

The build indexes records with plugins/facility_site/tokenizer.py; the browser
cuts queries with theme/static/js/search/tokenizer.js. A difference would make
some query miss what the index holds, so both run over tests/js/tokenizer_corpus.json
(width and case variants, kana, ー, ヶ, Latin, digits, emoji, combining marks,
lunr query syntax, the symbols and emoji a query reports as ignored, the
everyday words and kana readings of places) and must produce identical output.
"""

from __future__ import annotations

import json
import subprocess

import yaml
from facility_site.search.tokenizer import normalize, parse_query, split_words
from sitebuild import ROOT

CORPUS = ROOT / "tests" / "js" / "tokenizer_corpus.json"
NODE_SCRIPT = ROOT / "tests" / "js" / "tokenize_corpus.mjs"


def python_output(text: str) -> dict:
    query = parse_query(text)
    return {
        "normalized": normalize(text),
        "words": [[offset, word] for offset, word in split_words(normalize(text))],
        "query": {"words": list(query.words), "truncated": query.truncated, "ignored": list(query.ignored)},
    }


def javascript_output() -> list[dict]:
    run = subprocess.run(["node", str(NODE_SCRIPT), str(CORPUS)], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(run.stdout)


def test_corpus_covers_the_tricky_cases():
    strings = json.loads(CORPUS.read_text(encoding="utf-8"))["strings"]
    joined = "".join(strings)
    musts = ("ｶﾚﾝﾄ", "ＩＴ", "ー", "ヶ", "😀", "\u0301", "\u3099", ":", "^", "~", "*", "+", "-", "𠮷", "１２３")
    musts += ("♪", "\u200d", "\u200b", "🇯🇵", "ａｄｈｄ", "発達障がい", "Ａ型", "ﾖｺﾊﾏ", "ｼﾝｼﾞｭｸ", "さんげんぢゃや")
    for must in musts:
        assert must in joined, must


def test_python_and_javascript_tokenize_the_corpus_identically():
    strings = json.loads(CORPUS.read_text(encoding="utf-8"))["strings"]
    from_js = javascript_output()
    assert len(from_js) == len(strings)
    differences = [(text, python_output(text), js) for text, js in zip(strings, from_js, strict=True) if python_output(text) != js]
    assert differences == []


def test_long_query_is_cut_the_same_way():
    # 1,000 characters mixing words and separators, through both implementations.
    text = " ".join(f"東京都{i}ｶﾚﾝﾄ:御苑^{i}森" for i in range(200))[:1000]
    script = (
        "import { parseQuery } from './theme/static/js/search/tokenizer.js';"
        f"process.stdout.write(JSON.stringify(parseQuery({json.dumps(text)})));"
    )
    run = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True, cwd=ROOT)
    query = parse_query(text)
    assert json.loads(run.stdout) == {"words": list(query.words), "truncated": query.truncated, "ignored": list(query.ignored)}
    assert query.truncated is True


def test_every_shipped_everyday_word_is_one_query_word_in_javascript():
    # The build stores each word normalized by Python; the browser compares the
    # visitor's query words with it, so the JavaScript side must fold each word,
    # as written in the file, into exactly that stored word.
    from facility_site.search.words import DEFAULT_PATH, load_everyday_words

    raw = [w for group in yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8")).values() for words in group.values() for w in words]
    stored = {entry.word for entry in load_everyday_words(DEFAULT_PATH)}
    script = (
        "import { parseQuery } from './theme/static/js/search/tokenizer.js';"
        f"process.stdout.write(JSON.stringify({json.dumps(raw, ensure_ascii=False)}.map((w) => parseQuery(w).words)));"
    )
    run = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True, cwd=ROOT)
    from_js = json.loads(run.stdout)
    assert all(len(words) == 1 for words in from_js)
    assert {words[0] for words in from_js} == stored
    assert len(raw) == len(stored) > 30
