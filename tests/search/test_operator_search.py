"""The operator's name is searchable, and so is its reading (法人の名称_かな, else the dictionary's)."""

from __future__ import annotations

import json
import subprocess

import pytest
from facility_site.records.reader import load_facilities
from facility_site.search.index import FIELD_NAMES, PREFIX_FIELDS, document_words
from pages.operator_records import RECORDS, build_operator_site, write_operator_records
from sitebuild import ROOT

RUN_ENGINE = ROOT / "tests" / "js" / "run_engine.mjs"
BIG = sorted(record_id for record_id in RECORDS if record_id.startswith("big-"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("operator-search")
    return build_operator_site(root)


def search(site, query: str) -> list[str]:
    run = subprocess.run(["node", str(RUN_ENGINE), str(site), json.dumps([{"state": {"q": query}, "limit": 100}])], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)[0]["ids"]


def test_the_operator_fields_hold_the_name_and_the_readings_with_and_without_the_legal_form(tmp_path):
    facilities = {f.id: f for f in load_facilities(write_operator_records(tmp_path / "facilities"))}
    name, reading = FIELD_NAMES.index("operator"), FIELD_NAMES.index("operator_reading")
    assert "operator_reading" in PREFIX_FIELDS  # stored once, matched from the start, like place readings
    words = document_words([facilities[i] for i in ("current-shinjuku", "current-shibuya", "big-00", "plain")])
    assert words[0][name] == ["株式会社かれんと"]  # katakana folded as the tokenizer does
    assert words[0][reading] == ["かぶしきがいしゃかれんと", "かれんと"]  # 法人の名称_かな, and without 株式会社
    assert words[1][name] == ["株式会社", "かれんと"]
    assert words[1][reading] == ["かぶしきがいしゃかれんと", "かれんと"]  # no kana: the dictionary's reading
    assert words[2][reading] == ["しゃかいふくしほうじんおおきなかい", "おおきなかい"]
    assert words[3][name] == words[3][reading] == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("おおきな会", BIG),  # part of the operator's name; the offices' own names are おおきな00 …
        ("おおきなかい", BIG),  # its reading without 社会福祉法人 (from the dictionary: the record has no kana)
        ("おおき", BIG),  # the start of a reading is enough
        ("ｶﾌﾞｼｷｶﾞｲｼｬｶﾚﾝﾄ", ["current-osaka", "current-shibuya", "current-shinjuku"]),  # half-width kana, as typed
        ("みどり会", ["midori-1", "midori-2"]),
        ("かぶしきがいしゃひとり", ["alone"]),
        ("かれんと", ["current-osaka", "current-shibuya", "current-shinjuku"]),  # without 株式会社
        ("きなかい", []),  # inside おおきなかい: a reading matches from its start only
    ],
)
def test_offices_are_found_by_their_operator(site, query, expected):
    assert sorted(search(site, query)) == sorted(expected)


def test_the_same_operator_search_link_finds_every_office_of_it(site):
    # The link under a big operator's list searches for its name: all 13 offices come back.
    assert sorted(search(site, "社会福祉法人おおきな会")) == BIG
