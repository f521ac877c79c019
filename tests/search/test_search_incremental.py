"""The search data of a rebuild (issue 15): rows and text index from the build cache, the same bytes as a clean build.

search_files keeps each facility's row under its digest and the previous text
index (index.text_state); a rebuild computes rows only for changed records and,
when no doc is added, removed or moved, updates only the terms and shards the
changed records touch (index.update_text_state). Each step below edits the
facilities, runs search_files with the caches (pickled and loaded, as
.cache/ keeps them) and compares every file with search_files without them.
"""

from __future__ import annotations

import dataclasses
import logging
import pickle
import shutil

import pytest
from facility_site.cache import Fingerprint
from facility_site.records.model import Facility
from facility_site.records.reader import load_facilities
from facility_site.records.vocab import DISABILITIES, PREFECTURES
from facility_site.search import index
from facility_site.search.page import search_files
from pelican.log import LimitFilter
from search_helpers import write_synthetic_records
from sitebuild import FIXTURES, SAMPLE_FACILITIES, TODAY


class Rebuilds:
    """search_files with the build cache's two tables, carried from build to build through pickle."""

    def __init__(self):
        self.rows: dict = {}
        self.text: dict = {}

    def build(self, facilities):
        self.rows, self.text = pickle.loads(pickle.dumps(self.rows)), pickle.loads(pickle.dumps(self.text))
        fingerprint = Fingerprint(shared_types=(Facility,))
        return search_files(facilities, TODAY, self.rows, self.text, fingerprint.shared_digest)


def assert_same(cached, clean) -> None:
    assert cached.files.keys() == clean.files.keys()
    assert [path for path in cached.files if cached.files[path] != clean.files[path]] == []
    assert cached.groups == clean.groups


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    folder = write_synthetic_records(tmp_path_factory.mktemp("incremental") / "records", 120, seed=11)
    for source in (*SAMPLE_FACILITIES.glob("*.yaml"), *(FIXTURES / "search").glob("*.yaml")):
        shutil.copy(source, folder / source.name)
    return load_facilities(folder)


def replace(facilities: list, number: int, **fields) -> None:
    facilities[number] = dataclasses.replace(facilities[number], **fields)


# (what the step does, whether the text index is updated rather than built whole)
STEPS = [
    ("nothing", True),
    ("catchphrase: one word more (the field's average length moves)", True),
    ("catchphrase: one word for another, same length", True),
    ("name", True),
    ("features emptied", True),
    ("disability types", True),
    ("hires only (no search words)", True),
    ("two records at once, one with a brand-new word", True),
    ("prefecture (the doc moves)", False),
    ("a record added", False),
    ("a record deleted", False),
    ("a new word only the edited record had is taken out again", True),
]


# TOP_KEPT 21: the kept ranking of each shard is one doc longer than its page, so most
# edits rank the touched shards whole again; the default keeps enough to rank only the touched docs.
@pytest.mark.parametrize("kept", [index.TOP_KEPT, index.SHARD_CARDS + 1])
def test_rebuilt_search_data_is_byte_identical_to_a_clean_build(records, monkeypatch, caplog, kept):
    caplog.set_level(logging.DEBUG, logger="facility_site")
    monkeypatch.setattr(index, "LUNR_PY_LIMIT", 0)  # the fast builder, whose weights the update repeats, at any size
    monkeypatch.setattr(index, "TOP_KEPT", kept)
    facilities = list(records)
    by_id = {f.id: n for n, f in enumerate(facilities)}
    edited = by_id["current"]
    rebuilds = Rebuilds()
    first = rebuilds.build(facilities)
    assert first.whole_index
    assert_same(first, search_files(facilities, TODAY))
    for step, updated in STEPS:
        f = facilities[edited]
        if step.startswith("catchphrase: one word more"):
            replace(facilities, edited, catchphrase=f.catchphrase + " 追加語")
        elif step.startswith("catchphrase: one word for another"):
            replace(facilities, edited, catchphrase=f.catchphrase.replace("追加語", "別の語"))
        elif step == "name":
            replace(facilities, edited, name=f.name + "新宿")
        elif step == "features emptied":
            replace(facilities, edited, features=())
        elif step == "disability types":
            replace(facilities, edited, disabilities=tuple(d for d in DISABILITIES if d not in f.disabilities))
        elif step.startswith("hires"):
            replace(facilities, edited, hires_last_year=None)
        elif step.startswith("two records"):
            replace(facilities, 3, catchphrase="ほかに無い言葉 唯一無二")
            replace(facilities, 40, name=facilities[40].name + "分室")
        elif step.startswith("prefecture"):
            replace(facilities, edited, prefecture=next(p for p in PREFECTURES if p != f.prefecture))
        elif step == "a record added":
            facilities.append(dataclasses.replace(facilities[7], id="added-office", name="追加された事業所"))
        elif step == "a record deleted":
            del facilities[12]
        elif step.startswith("a new word only"):
            three = facilities[3]
            replace(facilities, 3, catchphrase=three.catchphrase.replace(" 唯一無二", ""))
        caplog.clear()
        LimitFilter._raised_messages.clear()  # Pelican's filter drops a message logged before
        cached = rebuilds.build(facilities)
        assert_same(cached, search_files(facilities, TODAY))
        assert cached.whole_index == (not updated), step
        if step == "nothing":
            assert "0 of" in next(m for m in caplog.messages if "search rows computed again" in m)
    # The brand-new words came and went: no shard of theirs is left.
    chars = cached.files["text/chars.json"].decode()
    assert "唯" not in chars and "唯一無二" not in b"".join(cached.files.values()).decode()


def test_a_damaged_text_state_is_discarded_with_one_line(records, monkeypatch, capsys):
    monkeypatch.setattr(index, "LUNR_PY_LIMIT", 0)
    facilities = list(records)
    rebuilds = Rebuilds()
    rebuilds.build(facilities)
    replace(facilities, 5, catchphrase="壊れた状態からの再構築")
    del rebuilds.text["withs"]
    cached = rebuilds.build(facilities)
    assert cached.whole_index
    assert_same(cached, search_files(facilities, TODAY))
    lines = [line for line in capsys.readouterr().err.splitlines() if "search" in line]
    assert len(lines) == 1 and "building the search index whole" in lines[0]
    # A table of the wrong shape is discarded the same way.
    replace(facilities, 5, catchphrase="もう一度だけ壊す")
    rebuilds.text["by_char"] = []
    assert_same(rebuilds.build(facilities), search_files(facilities, TODAY))
    assert "building the search index whole" in capsys.readouterr().err


def test_a_shard_is_ranked_again_from_its_kept_docs_only_while_they_suffice(records, monkeypatch, caplog):
    """25 offices say 燕 k times (k = 1..25, so the k = 25 one ranks first); the first, then the second
    falls to one 燕 (same word count: no average moves, only their postings change). The shard of 燕
    keeps 21 ranked docs; after the first fall 20 untouched ones remain, so it is ranked from them, and
    the fallen doc must not be kept ahead of the 22nd, which the second fall brings onto the page."""
    caplog.set_level(logging.DEBUG, logger="facility_site")
    monkeypatch.setattr(index, "LUNR_PY_LIMIT", 0)
    monkeypatch.setattr(index, "TOP_KEPT", index.SHARD_CARDS + 1)
    facilities = list(records)
    for k in range(1, 26):
        replace(facilities, k, catchphrase=" ".join(["燕"] * k))
    rebuilds = Rebuilds()
    rebuilds.build(facilities)
    whole = []
    for fallen in (25, 24):
        replace(facilities, fallen, catchphrase=" ".join(["燕"] + ["他"] * (fallen - 1)))
        caplog.clear()
        LimitFilter._raised_messages.clear()
        cached = rebuilds.build(facilities)
        assert not cached.whole_index
        assert_same(cached, search_files(facilities, TODAY))
        whole.append(next(m for m in caplog.messages if "ranked again whole" in m))
    # The first fall ranked the shard of 燕 from its kept docs: only the new shard of 他 was ranked whole.
    assert ": 1 of" in whole[0]
