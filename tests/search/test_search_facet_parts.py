"""The facet table by prefecture (issue 17: fewer bytes before the first results on a phone network).

A search that can only find facilities of a few prefectures fetches those
prefectures' parts of the facet table (search/<version>/facets/pref-<slug>.json)
instead of the whole facets.json. These tests run engine.js in Node over a
built synthetic site and check that such a search gives exactly what the same
search gives with the whole table loaded (ids in order, every count, the
advice with no results, the cards' service and disability bits), and which
files it fetched.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from facility_site.records.vocab import PREFECTURES
from facility_site.search.data import CODE_ALPHABET
from search_helpers import write_synthetic_records
from sitebuild import build_site, search_data
from test_search_engine import run_engine

SLUGS = [p.slug for p in PREFECTURES]


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("facet-parts")
    records = write_synthetic_records(root / "records", 400, seed=5)
    (root / "content").mkdir()
    return build_site(root / "output", records, root / "content")


def data_folder(site) -> dict[str, Path]:
    return search_data(site)


def decode(column: dict) -> list[int]:
    if "plain" in column:
        return column["plain"]
    return [column["values"][CODE_ALPHABET.index(code)] for code in column["codes"]]


def test_each_part_is_its_prefectures_run_of_the_whole_table(synthetic_site):
    folder = data_folder(synthetic_site)
    whole = json.loads((folder["facets.json"]).read_text(encoding="utf-8"))
    starts = whole["prefStarts"]
    config = json.loads(synthetic_site.joinpath("search", "index.html").read_text(encoding="utf-8").split('id="search-config">')[1].split("</script>")[0])
    assert config["prefStarts"] == starts and config["count"] == whole["count"] == 400
    parts = sorted(name.removeprefix("facets/") for name in folder if name.startswith("facets/pref-"))
    with_facilities = [slug for p, slug in enumerate(SLUGS) if starts[p + 1] > starts[p]]
    assert parts == sorted(f"pref-{slug}.json" for slug in with_facilities) and len(parts) > 20
    for p, slug in enumerate(SLUGS):
        if slug not in with_facilities:
            continue
        part = json.loads((folder[f"facets/pref-{slug}.json"]).read_text(encoding="utf-8"))
        for name in ("dis", "svc", "walk", "opt", "vac"):
            assert decode(part[name]) == decode(whole[name])[starts[p] : starts[p + 1]], (slug, name)


def facet_files(result: dict) -> list[str]:
    return sorted(path for path in result["requested"] if path.startswith("facets"))


def prefs_of(result: dict) -> set[str]:
    return {SLUGS[card[1]] for card in result["cards"]}


SAME_AS_WHOLE = [
    {},
    {"pref": ["tokyo"]},
    {"pref": ["tokyo", "osaka"]},
    {"pref": ["tokyo"], "sort": "walk"},
    {"pref": ["tokyo"], "sort": "retention"},
    {"pref": ["tokyo"], "dis": ["mental"]},
    {"pref": ["kanagawa"], "svc": ["retention"], "walk": 10},
    {"q": "緑区"},
    {"q": "緑区", "sort": "name"},
    {"q": "緑区", "sort": "walk"},
    {"q": "駅"},
    {"q": "サポート"},
    {"q": "新宿", "pref": ["tokyo"]},
    {"q": "ぬぬぬぬ"},
    {"q": "緑区 ぬぬぬぬ"},
    {"q": "緑区 ぬぬぬぬ", "pref": ["kanagawa"]},
    {"q": "!!"},
    {"pref": ["tokyo"], "q": "大阪"},
    {"pref": ["tokyo"], "vacancy": ["yes"]},
]


@pytest.mark.parametrize("state", SAME_AS_WHOLE, ids=[json.dumps(s, ensure_ascii=False) for s in SAME_AS_WHOLE])
def test_a_search_on_parts_gives_what_it_gives_on_the_whole_table(synthetic_site, state):
    parts, whole = run_engine(synthetic_site, [{"state": state, "fresh": True}, {"state": state, "fresh": True, "whole": True}])
    assert parts["total"] == whole["total"]
    for key in ("ids", "counts", "relax", "excludedUnchecked", "sort", "cards", "onlySymbols"):
        assert parts[key] == whole[key], key


def test_one_prefecture_fetches_only_its_part(synthetic_site):
    filter_only, text, walk = run_engine(
        synthetic_site,
        [
            {"state": {"pref": ["tokyo"]}, "fresh": True, "limit": 20},
            {"state": {"pref": ["tokyo"], "q": "新宿"}, "fresh": True, "limit": 20},
            {"state": {"pref": ["tokyo"], "sort": "walk"}, "fresh": True, "limit": 20},
        ],
    )
    for result in (filter_only, text, walk):
        assert result["total"] > 0
        assert facet_files(result) == ["facets/pref-tokyo.json"]
        assert prefs_of(result) == {"tokyo"}


def test_other_conditions_and_a_national_list_fetch_the_whole_table(synthetic_site):
    national, with_condition, two = run_engine(
        synthetic_site,
        [
            {"state": {}, "fresh": True, "limit": 20},
            # The counts of the other prefectures depend on their facilities' columns.
            {"state": {"pref": ["tokyo"], "dis": ["mental"]}, "fresh": True, "limit": 20},
            {"state": {"pref": ["tokyo", "osaka"]}, "fresh": True, "limit": 20},
        ],
    )
    assert facet_files(national) == ["facets.json"]
    assert facet_files(with_condition) == ["facets.json"]
    assert facet_files(two) == ["facets/pref-osaka.json", "facets/pref-tokyo.json"]


def test_a_keyword_fetches_the_parts_of_the_prefectures_it_was_found_in(synthetic_site):
    rare, common, none = run_engine(
        synthetic_site,
        [
            {"state": {"q": "緑区"}, "fresh": True},
            {"state": {"q": "駅"}, "fresh": True},
            {"state": {"q": "ぬぬぬぬ"}, "fresh": True},
        ],
    )
    assert 0 < len(prefs_of(rare)) <= 8
    assert facet_files(rare) == sorted(f"facets/pref-{slug}.json" for slug in prefs_of(rare))
    # Found nearly everywhere: one file is fewer bytes and requests than dozens of parts.
    assert len(prefs_of(common)) > 8 and facet_files(common) == ["facets.json"]
    assert none["total"] == 0 and facet_files(none) == []


def test_later_searches_on_one_engine_fetch_nothing_twice_and_stay_exact(synthetic_site):
    """Like typing after the first results: parts first, then other prefectures, then the whole table."""
    states = [
        {"pref": ["tokyo"]},
        {"pref": ["tokyo"], "q": "緑"},
        {"q": "緑区"},
        {"pref": ["osaka"]},
        {"pref": ["osaka"], "dis": ["mental"]},
        {"pref": ["tokyo"]},
    ]
    sequence = run_engine(synthetic_site, [{"state": state, "limit": 20} for state in states])
    fresh = run_engine(synthetic_site, [{"state": state, "limit": 20, "fresh": True, "whole": True} for state in states])
    for got, want in zip(sequence, fresh, strict=True):
        assert (got["ids"], got["counts"], got["cards"]) == (want["ids"], want["counts"], want["cards"])
    requested = [path for result in sequence for path in result["requested"]]
    assert len(requested) == len(set(requested)), requested
    assert facet_files(sequence[-1]) == []  # the whole table came with the condition search
