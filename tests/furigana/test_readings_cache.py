"""ふりがな's readings files from the build cache (browser.ReadingsMemo): the same files, less reading.

A real site is built, then its readings are computed with and without the
memo, after a data file is edited and the search data moved to another
search/<hash>/ folder, as a rebuild does.
"""

from __future__ import annotations

import hashlib
import json
import shutil

import pytest
from facility_site.furigana.browser import READINGS_DIR, ReadingsMemo, _strings_in_json, readings_files
from facility_site.furigana.reading import Furigana
from sitebuild import ROOT, build_site, search_data

THEME_JS = ROOT / "theme" / "static" / "js"
PHRASES = {"就労移行支援事業所": "しゅうろういこうしえんじぎょうしょ"}


class CountingFurigana(Furigana):
    """Counts the texts it is asked to read."""

    def __init__(self, phrases):
        super().__init__(phrases)
        self.calls = 0

    def segments(self, text):
        self.calls += 1
        return super().segments(text)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("readings") / "site", cache_path=None)


def readings(site, memo=None):
    furigana = CountingFurigana(PHRASES)
    return readings_files(site, THEME_JS, furigana, memo), furigana.calls


def test_the_memo_gives_the_same_files_and_reads_only_what_changed(site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    plain, calls_without = readings(copy)
    memo = ReadingsMemo(b"phrases")
    first, calls_first = readings(copy, memo)
    assert first == plain and calls_first == calls_without > 100

    # Nothing changed: nothing is read again.
    again, calls = readings(copy, memo)
    assert again == plain and calls == 0

    # One data chunk edited, and a search group's data moved to a new folder (its hash changed).
    chunk = copy / "facility-data" / "0.json"
    text = chunk.read_text(encoding="utf-8")
    word = next(s for s in _strings_in_json(text) if "区" in s or "市" in s)
    chunk.write_text(text.replace(f'"{word}"', f'"{word}の新しい教室"'), encoding="utf-8")
    old_search = search_data(copy)["cards/doc-0.json"].parent.parent  # the group folder of a card chunk
    old_search.rename(copy / "search" / "moved")
    shutil.rmtree(copy / READINGS_DIR)
    edited, calls = readings(copy, memo)
    expected, calls_fresh = readings(copy)
    assert edited == expected
    assert 0 < calls < calls_fresh / 4  # the edited chunk's texts only (a chunk holds many of this small site's offices)
    assert any(path.startswith(f"{READINGS_DIR}/search/moved/cards/doc-") for path in edited)
    assert "教室《きょうしつ》" in json.loads(edited[f"{READINGS_DIR}/facility-data/0.json"]) + json.loads(edited[f"{READINGS_DIR}/readings.json"])


def test_a_memo_of_another_phrase_table_is_not_used(site):
    memo = ReadingsMemo(b"phrases")
    readings(site, memo)
    assert memo.units and memo.files
    assert ReadingsMemo.from_dict(memo.as_dict(), b"phrases").units == memo.units
    other = ReadingsMemo.from_dict(memo.as_dict(), b"other phrases")
    assert other.units == {} and other.files == {}
    assert readings(site, other)[1] > 100  # everything read again


def test_the_strings_read_off_a_data_file_are_those_of_its_parsed_tree():
    # The regex that reads a data file's strings with kanji (no parsing) must find exactly the
    # strings with kanji of the parsed document, keys included, and none of the kana or Latin
    # ones between them; a file with an escape is parsed instead.
    data = {"東京": ["abc", "大阪 駅", "かな"], "name": "新宿", "n": 3, "x": {"y": "", "福岡": None}, "z": ["1分", "ok"]}
    text = json.dumps(data, ensure_ascii=False)
    parsed = ["東京", "大阪 駅", "新宿", "福岡", "1分"]
    assert sorted(_strings_in_json(text)) == sorted(parsed)
    escaped = json.dumps({"a": '「引用」と"京都"', "b": "x"}, ensure_ascii=False)
    assert "\\" in escaped
    assert _strings_in_json(escaped) == ['「引用」と"京都"']


def test_the_site_wide_counts_follow_the_units_and_an_edit_that_changes_no_such_reading_reuses_the_other_chunks(site, tmp_path, monkeypatch):
    """The memo keeps the last build's counts of (word, reading) over the site's units and its readings.json and
    words read one way everywhere (browser._Sums). A rebuild takes away the units that went and adds the ones
    that came (the counts equal those made from nothing); when readings.json and those words are the same, every
    other chunk's readings file is taken from the memo without working out what it depends on again."""
    from facility_site.furigana import browser

    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    memo = ReadingsMemo(b"phrases")
    readings(copy, memo)
    before = memo.sums
    assert before is not None and before.pairs and before.singles

    def fresh_sums():
        fresh = ReadingsMemo(b"phrases")
        files, _calls = readings(copy, fresh)
        return files, fresh.sums

    # Two texts of one chunk swap places: the file's bytes (its unit) change, no word or reading does.
    chunk = search_data(copy)["cards/doc-0.json"]
    text = chunk.read_text(encoding="utf-8")
    first, second = sorted({s for s in _strings_in_json(text) if '"' not in s}, key=text.index)[:2]
    swapped = text.replace(f'"{first}"', "\0").replace(f'"{second}"', f'"{first}"').replace("\0", f'"{second}"')
    assert swapped != text
    chunk.write_text(swapped, encoding="utf-8")
    digests = []
    monkeypatch.setattr(browser, "_digest", lambda *parts, digest=browser._digest: digests.append(parts) or digest(*parts))
    edited, _calls = readings(copy, memo)
    monkeypatch.undo()
    chunks = [path for path in edited if path != f"{READINGS_DIR}/readings.json"]
    # What a chunk's file depends on is worked out (a digest starting with readings.json's) for the edited one only.
    assert len(chunks) >= 2
    assert len([parts for parts in digests if parts[0] == memo.sums.site_part]) == 1
    expected, sums = fresh_sums()
    assert edited == expected
    assert memo.sums is not before and memo.sums.units == sums.units
    assert memo.sums.pairs == sums.pairs == before.pairs and memo.sums.singles == sums.singles == before.singles

    # A word only that chunk had is taken out and a new one put in: the counts still equal those made from nothing.
    gone = next(s for s in _strings_in_json(swapped) if "区" in s or "市" in s)
    chunk.write_text(swapped.replace(f'"{gone}"', '"新しい教室"'), encoding="utf-8")
    edited, _calls = readings(copy, memo)
    expected, sums = fresh_sums()
    assert edited == expected
    assert memo.sums.pairs == sums.pairs != before.pairs and memo.sums.singles == sums.singles


def test_a_data_file_that_is_still_the_file_last_read_is_not_read_again(site, tmp_path, monkeypatch):
    """ReadingsMemo.stats: a data file with the inode, size and modification time the last build recorded is
    known by its recorded digest (a rebuild keeps most data files from the previous output); any other is read."""
    from facility_site.furigana import browser

    copy = shutil.copytree(site, tmp_path / "site")
    memo = ReadingsMemo(b"phrases")
    first, _calls = readings(copy, memo)
    opened = []
    read_bytes = browser._read_bytes
    monkeypatch.setattr(browser, "_read_bytes", lambda location: opened.append(location) or read_bytes(location))
    again, _calls = readings(copy, memo)
    assert again == first and opened == []
    # A file replaced (a new inode, as the build writes every file): read again, and its new text read.
    chunk = copy / "facility-data" / "0.json"
    text = chunk.read_text(encoding="utf-8")
    word = next(s for s in _strings_in_json(text) if "区" in s or "市" in s)
    chunk.unlink()
    chunk.write_text(text.replace(f'"{word}"', f'"{word}の新しい教室"'), encoding="utf-8")
    edited, _calls = readings(copy, memo)
    assert opened == [str(chunk)]
    assert edited == readings(copy)[0]


def test_a_readings_file_the_last_build_wrote_with_these_bytes_is_kept_without_reading_it(tmp_path, monkeypatch):
    """write_readings under build.py (a staged build): the previous output's readings file is kept (not
    staged) when it is the very file recorded with the same bytes; it is not read to find that out."""
    from facility_site import staged
    from facility_site.furigana.browser import _write_kept

    output, staging = tmp_path / "output", tmp_path / "staging"
    (output / "furigana").mkdir(parents=True)
    files = {"furigana/readings.json": b'["a"]', "furigana/facility-data/0.json": b'["b"]'}
    for relative, data in files.items():
        (output / relative).parent.mkdir(parents=True, exist_ok=True)
        (output / relative).write_bytes(data)
    tree = staged.StagedTree(staging, output)
    staged.register(tree)
    try:
        staging.mkdir()
        # As the last build recorded them: what the first build in staging wrote, moved into the output.
        recorded = {}
        for relative in files:
            stat = (output / relative).stat()
            recorded[relative] = (stat.st_ino, stat.st_size, stat.st_mtime_ns, hashlib.sha256(files[relative]).digest())

        def no_reading(*_args, **_kwargs):
            raise AssertionError("read the previous output's file")

        monkeypatch.setattr(staged.Path, "read_bytes", no_reading)
        new = {**files, "furigana/facility-data/0.json": b'["cc"]'}  # one of them changed (another size: not read to compare)
        record = _write_kept(staging, new, recorded)
        monkeypatch.undo()
        assert tree.kept == {"furigana/readings.json"}
        assert (staging / "furigana/facility-data/0.json").read_bytes() == b'["cc"]'
        assert not (staging / "furigana/readings.json").exists()
        assert record["furigana/readings.json"] == recorded["furigana/readings.json"]
        stat = (staging / "furigana/facility-data/0.json").stat()
        assert record["furigana/facility-data/0.json"][:3] == (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    finally:
        staged.unregister(tree)
