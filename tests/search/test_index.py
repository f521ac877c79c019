"""The full-text index (plugins/facility_site/search_index.py) and the data files beside it."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from facility_site.records.metrics import metric_order_key
from facility_site.records.reader import load_facilities
from facility_site.search.data import CODE_ALPHABET, doc_order, encode_column, name_order, prefecture_starts, sort_column
from facility_site.search.index import FIELD_NAMES, build_fast, build_with_lunr_py, char_shards, document_words
from search_helpers import write_synthetic_records
from sitebuild import FIXTURES, SAMPLE_FACILITIES


def synthetic_facilities(folder: Path, count: int, seed: int = 5):
    return load_facilities(write_synthetic_records(folder, count, seed))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return doc_order(synthetic_facilities(tmp_path_factory.mktemp("synth") / "records", 400))


@pytest.mark.parametrize("source", ["sample", "search-fixtures", "synthetic"])
def test_fast_builder_gives_exactly_lunr_py_weights(source, synthetic):
    facilities = {
        "sample": lambda: doc_order(load_facilities(SAMPLE_FACILITIES)),
        "search-fixtures": lambda: doc_order(load_facilities(FIXTURES / "search")),
        "synthetic": lambda: synthetic,
    }[source]()
    documents = document_words(facilities)
    fast = build_fast(documents)
    reference = build_with_lunr_py(documents)
    assert fast.terms == reference.terms
    assert fast.postings == reference.postings
    weights = [w for per_field in fast.postings.values() for row in per_field for _, w in row]
    assert len(set(weights)) > 5  # real BM25 weights, not a constant


def test_document_words_per_field():
    current = next(f for f in load_facilities(SAMPLE_FACILITIES) if f.id == "current")
    fields = dict(zip(FIELD_NAMES, document_words([current])[0], strict=True))
    assert fields["name"] == ["かれんと"]
    assert fields["kana"] == ["かれんと"]
    assert fields["place"] == ["東京都", "新宿区"]
    assert fields["station"] == ["新宿御苑前駅"]  # with 駅: a query matches what it is part of
    assert fields["disability"] == ["精神", "知的", "発達"]
    assert fields["service"] == ["就労移行支援", "就労定着支援"]


def test_every_character_has_a_shard_with_every_term_containing_it(synthetic):
    index = build_fast(document_words(synthetic))
    directory, shards = char_shards(index)
    assert directory["fields"] == list(FIELD_NAMES)
    # Terms only in the place readings are matched from their start: they live in reading shards.
    reading = FIELD_NAMES.index("place_reading")
    only_reading = {t for t in index.terms if all(not row for f, row in enumerate(index.postings[t]) if f != reading)}
    substring_terms = [t for t in index.terms if t not in only_reading]
    assert only_reading and substring_terms
    chars = directory["chars"]
    assert list(chars) == sorted(set("".join(substring_terms)))
    assert len(directory["sizes"]) == len(chars) == len(shards) - len(directory["prefixKeys"])

    def check(shard: dict) -> None:
        for term, entry in zip(shard["terms"], shard["postings"], strict=True):
            # [field, doc deltas, weights] -> back to (doc, weight) per field
            rebuilt = [[] for _ in FIELD_NAMES]
            for field, deltas, weights in entry:
                rebuilt[field] = list(zip(itertools.accumulate(deltas), weights, strict=True))
            assert rebuilt == index.postings[term]

    for char, size in zip(chars, directory["sizes"], strict=True):
        text = shards[f"{ord(char):x}.json"]
        assert len(text.encode("utf-8")) == size
        shard = json.loads(text)
        assert shard["terms"] == [term for term in substring_terms if char in term]
        check(shard)
    assert directory["prefixKeys"] == sorted({t[:2] for t in only_reading if len(t) >= 2})
    for start in directory["prefixKeys"]:
        shard = json.loads(shards["p/" + "-".join(f"{ord(c):x}" for c in start) + ".json"])
        assert shard["terms"] == sorted(t for t in only_reading if t.startswith(start))
        check(shard)


def test_columns_encode_to_one_character_per_facility():
    column = encode_column([3, -1, 3, 70, 0])
    assert column == {"values": [-1, 0, 3, 70], "codes": "CACDB"}
    assert len(encode_column(list(range(64)))["codes"]) == 64
    assert encode_column(list(range(65))) == {"plain": list(range(65))}
    assert len(CODE_ALPHABET) == len(set(CODE_ALPHABET)) == 64


def test_doc_order_prefecture_runs_and_name_order(synthetic):
    starts = prefecture_starts(synthetic)
    assert len(starts) == 48 and starts[-1] == len(synthetic)
    for code, (start, end) in enumerate(itertools.pairwise(starts), start=1):
        assert all(f.prefecture.code == code for f in synthetic[start:end])
    order = name_order(synthetic)
    readings = [synthetic[d].name_kana for d in order]
    assert readings == sorted(readings)


def test_sort_column_ranks_values_and_marks_unknown(synthetic):
    ranks = sort_column(synthetic, "retention_rate")["ranks"]
    values = ranks["plain"] if "plain" in ranks else [ranks["values"][CODE_ALPHABET.index(c)] for c in ranks["codes"]]
    # The comparison's rule, best first; the column's rank 0 is the worst (the browser shows high ranks first).
    known = [(metric_order_key(f.retention_rate, True), -r) for f, r in zip(synthetic, values, strict=True) if f.retention_rate]
    assert all(r == -1 for f, r in zip(synthetic, values, strict=True) if f.retention_rate is None)
    assert sorted(known) == sorted(known, key=lambda pair: pair[1])  # rank order = the comparison's order
    assert len({r for _, r in known}) > 3
