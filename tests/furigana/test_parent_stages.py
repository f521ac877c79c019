"""ふりがな's stages in the build's parent (the shared words, the texts converted before the fork, the readings
files): their shortcuts give what the plain ways give.

- The analyser keeps each dictionary word's units by its surface *and* word id: 方 read かた in one text
  and ほう in another are two words, and every text reads as it does in a fresh process.
- `SharedWords.segment` tries only the lengths of the words that start with the kanji at hand, and
  `SharedWords.plan` resumes at the text node that went wrong: both give what the plain longest-first
  search over every length, started again from the text's start, gives.
- `browser._chunk_list` cuts what the generator always cut; `_strings_in_json` (possessive quantifiers)
  finds exactly the strings with kanji that parsing the JSON finds.
- `staged.write_files` writes the readings files as `write_file` does one by one (kept when the previous
  output has the same bytes), and a data file whose text changed gets its new words in its readings file.
"""

from __future__ import annotations

import json
import random
import shutil

import pytest
from facility_site.furigana import reading
from facility_site.furigana.browser import _chunk_list, _Reader, _strings, _strings_in_json, chunks, readings_files, write_readings
from facility_site.furigana.reading import Furigana, analyse, merge
from facility_site.furigana.shared import SharedWords
from facility_site.staged import StagedTree, register, unregister, write_file, write_files
from sitebuild import ROOT, build_site

THEME_JS = ROOT / "theme" / "static" / "js"
CORPUS = [line.split("\t")[0] for line in (ROOT / "tests" / "furigana" / "corpus.tsv").read_text(encoding="utf-8").splitlines() if "\t" in line]
MORE = [
    "この方は先生です",
    "駅からの行き方",
    "方が近い",
    "11月1日から1か月、3分ごとに１人で2本",
    "3ヶ月の12階で1日3回",
    "東京都新宿区西新宿2-8-1",
    "JR山手線 新宿駅 徒歩5分",
    "ＩＴカレッジと𠮷野家",
]


def _cold(text: str):
    """The text read in a process that read nothing before it."""
    analyse.cache_clear()
    reading.align.cache_clear()
    reading._UNITS_OF.clear()
    reading._SPLITS.clear()
    return analyse(text)


def test_every_text_reads_as_in_a_fresh_process_whatever_was_read_before():
    texts = MORE + CORPUS
    cold = [_cold(text) for text in texts]
    analyse.cache_clear()
    reading._UNITS_OF.clear()
    reading._SPLITS.clear()
    for order in (texts, list(reversed(texts))):
        analyse.cache_clear()  # the word memo stays: only the texts are read again
        warm = {text: analyse(text) for text in order}
        assert [warm[text] for text in texts] == cold
    # 方 is two dictionary words with one surface: each text keeps its own.
    assert ("方", "かた") in _cold("この方は先生です")
    analyse("方が近い")
    assert ("方", "かた") in analyse("この方は先生です")
    assert ("方", "ほう") in analyse("方が近い")


def _plain_segment(words: dict[str, str], text: str):
    """live.js segmentText: the longest word at each place, every length tried."""
    longest = max(map(len, words), default=0)
    out, bare, i = [], 0, 0
    while i < len(text):
        for length in range(min(longest, len(text) - i), 0, -1):
            read = words.get(text[i : i + length])
            if read is not None:
                if bare < i:
                    out.append((text[bare:i], ""))
                out.append((text[i : i + length], read))
                i += length
                bare = i
                break
        else:
            i += 1
    if bare < len(text):
        out.append((text[bare:], ""))
    return tuple(out)


def _plain_plan(shared: SharedWords, segments):
    """SharedWords.plan as first written: every text node matched again from the start each round."""
    if any(ord(c) > 0xFFFF for base, _ in segments for c in base):
        return None
    n = len(segments)
    kept = [False] * n
    for _ in range(n + 1):
        wrong = None
        i = 0
        while i < n and wrong is None:
            if kept[i]:
                i += 1
                continue
            j = i
            while j < n and not kept[j]:
                j += 1
            piece = segments[i:j]
            got = _plain_segment(shared.words, "".join(base for base, _ in piece))
            if got != merge(piece):
                m = next((k for k, (a, b) in enumerate(zip(got, piece, strict=False)) if a != b), min(len(got), len(piece)))
                if m < len(piece) and piece[m][1]:
                    wrong = i + m
                elif m + 1 < len(piece):
                    wrong = i + m + 1
                else:
                    return None
            i = j
        if wrong is None:
            return tuple(kept)
        kept[wrong] = True
    return None


def test_the_shared_words_plan_is_the_plain_search_s():
    # Words that overlap and nest, so the browser's matching goes wrong in many places.
    words = {"就労": "しゅうろう", "就労移行": "しゅうろういこう", "移行支援": "いこうしえん", "支援": "しえん", "人": "ひと",
             "一人": "ひとり", "新宿": "しんじゅく", "宿区": "しゅくく", "区": "く", "東京": "とうきょう", "京都": "きょうと",
             "都": "と", "方": "ほう", "見学": "けんがく", "学": "がく"}
    shared = SharedWords(words)
    furigana = Furigana()
    texts = MORE + CORPUS + ["東京都新宿区の就労移行支援", "京都の就労支援と一人", "見学方法", "𠮷野家の人"]
    rng = random.Random(13)
    pieces = [(base, read) for text in texts for base, read in furigana.segments(text)]
    pieces += [*words.items(), ("人", "にん"), ("都", "みやこ")]
    samples = [furigana.segments(text) for text in texts] + [merge(tuple(rng.choice(pieces) for _ in range(rng.randint(1, 9)))) for _ in range(3000)]
    kept_some = 0
    for segments in samples:
        text = "".join(base for base, _ in segments)
        assert shared.segment(text) == _plain_segment(shared.words, text)
        plan = shared.plan(segments)
        assert plan == _plain_plan(shared, segments), segments
        kept_some += bool(plan and sum(plan) > 1)
    assert kept_some > 100  # the rounds after the first were exercised


def _plain_chunks(segments):
    """browser.chunks as first written (a generator with a flush), with one kanji keeping its kana."""
    import re

    hiragana_only = re.compile("[\u3041-\u309f\u30fc]+")
    trailing_number = re.compile(r"[0-9０-９][0-9０-９,，.．]*$")
    current: list = []

    def flush(closing=""):
        body = list(current)
        while body and not body[-1][1]:
            body.pop()
        if len(body) == 1 and len(body[0][0]) == 1:  # one kanji keeps the kana after it (空《あ》きあり)
            lead = re.match("[\u3041-\u309f\u30fc]+", closing)
            body += current[1:] or ([(lead.group(0), "")] if lead else [])
        if body:
            yield tuple(body)
        current.clear()

    for i, (base, read) in enumerate(segments):
        if read or (current and hiragana_only.fullmatch(base)):
            current.append((base, read))
        else:
            yield from flush(base)
            number = trailing_number.search(base)
            if number and i + 1 < len(segments) and segments[i + 1][1]:
                current.append((number.group(0), ""))
    yield from flush()


def test_chunks_are_cut_as_before():
    furigana = Furigana()
    texts = MORE + CORPUS + ["3分と2分", "1日3回、11月1日", "駅から 5分 の 教室", "の就労の", "12"]
    cut = 0
    for text in texts:
        segments = furigana.segments(text)
        assert _chunk_list(segments) == list(chunks(segments)) == list(_plain_chunks(segments))
        cut += len(_chunk_list(segments))
    assert cut > 200
    reader = _Reader(furigana)
    for text in texts:
        reader.read(text)
    # The words' readings, made when asked for, are those of every text read.
    assert reader.words["方"] == {"かた", "ほう"}
    reader.read("行方不明")
    assert "ゆくえ" in {read for reads in reader.words.values() for read in reads}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("parent-stages") / "site", cache_path=None)


def test_a_data_files_strings_with_kanji_are_the_parsed_ones(site):
    files = sorted((site / "facility-data").glob("*.json")) + sorted(site.glob("search/*/cards/doc-*.json"))
    assert len(files) >= 2
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "\\" not in text  # read off the text, not parsed
        assert sorted(_strings_in_json(text)) == sorted(_strings(json.loads(text)))
    crafted = {"漢字": ["a", "字b", "c字", "d字e", "", "kana かな", "東京"], "x": "y", "一": {"二": "三 ", " ": "字"}}
    text = json.dumps(crafted, ensure_ascii=False)
    assert sorted(_strings_in_json(text)) == sorted(_strings(crafted)) == sorted(["漢字", "字b", "c字", "d字e", "東京", "一", "二", "三 ", "字"])


def test_write_files_writes_and_keeps_as_write_file_does(tmp_path):
    files = {"furigana/readings.json": b'["a"]', "furigana/search/x/cards/doc-0.json": b'["b"]', "furigana/facility-data/1.json": b'["c"]'}
    plain, batch = tmp_path / "plain", tmp_path / "batch"
    for relative, data in files.items():
        write_file(plain, relative, data)
    write_files(batch, files.items())
    assert {p.relative_to(batch).as_posix(): p.read_bytes() for p in batch.rglob("*") if p.is_file()} == files
    assert {p.relative_to(plain).as_posix(): p.read_bytes() for p in plain.rglob("*") if p.is_file()} == files

    # A staged build: a file with the previous output's bytes is kept there, any other is written to staging.
    output, staging = tmp_path / "output", tmp_path / "staging"
    write_files(output, files.items())
    tree = StagedTree(staging, output)
    register(tree)
    try:
        write_files(staging, [("furigana/readings.json", b'["a"]'), ("furigana/facility-data/1.json", b'["changed"]'), ("furigana/new.json", b"[]")])
    finally:
        unregister(tree)
    assert tree.kept == {"furigana/readings.json"}
    assert sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()) == ["furigana/facility-data/1.json", "furigana/new.json"]
    assert (staging / "furigana/facility-data/1.json").read_bytes() == b'["changed"]'


def test_a_data_file_whose_text_changed_gets_its_new_words_in_its_readings_file(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    base = readings_files(copy, THEME_JS, Furigana())
    chunk = copy / "facility-data" / "0.json"
    before = json.loads(base["furigana/facility-data/0.json"])
    assert "｜鳳凰《ほうおう》" not in before and "鳳凰《ほうおう》" not in before
    text = chunk.read_text(encoding="utf-8")
    word = next(s for s in _strings_in_json(text) if "区" in s or "市" in s)
    chunk.write_text(text.replace(f'"{word}"', f'"{word}の鳳凰"', 1), encoding="utf-8")

    write_readings(copy, THEME_JS, Furigana())
    after = json.loads((copy / "furigana" / "facility-data" / "0.json").read_text(encoding="utf-8"))
    assert any("鳳凰《ほうおう》" in entry for entry in after)
    # The same as the files computed apart, and the other files (readings.json, the search chunk's) as they were.
    computed = readings_files(copy, THEME_JS, Furigana())
    assert json.loads(computed["furigana/facility-data/0.json"]) == after
    others = [path for path in base if path != "furigana/facility-data/0.json"]
    assert len(others) >= 2 and all((copy / path).read_bytes() == base[path] for path in others)
