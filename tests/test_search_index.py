"""The full-text index (plugins/facility_site/search_index.py) and the data files beside it."""

from __future__ import annotations

import importlib.util
import itertools
import json
import subprocess
from pathlib import Path

import pytest
import yaml
from facility_site.records import load_facilities
from facility_site.search_data import CODE_ALPHABET, doc_order, encode_column, name_order, prefecture_starts, sort_column
from facility_site.search_index import (
    FIELD_NAMES,
    build_fast,
    build_with_lunr_py,
    document_words,
    front_code,
    front_decode,
    shard,
)
from sitebuild import FIXTURES, ROOT, SAMPLE_FACILITIES


def synthetic_facilities(folder: Path, count: int, seed: int = 5):
    spec = importlib.util.spec_from_file_location("synth", ROOT / "tools" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    folder.mkdir(parents=True, exist_ok=True)
    for record_id, record in synth.generate(count, seed=seed):
        (folder / f"{record_id}.yaml").write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_facilities(folder)


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


def test_front_coding_round_trips_in_python_and_javascript():
    terms = sorted({"00001", "00002", "00012", "新宿", "新宿区", "新宿御苑前駅", "𠮷野家", "a" * 50, "a" * 51 + "b", "it訓練"})
    coded = front_code(terms)
    assert len(coded) < len("\n".join(terms))
    assert front_decode(coded) == terms
    script = (
        "import { decodeTerms } from './theme/static/js/search/engine.js';"
        f"process.stdout.write(JSON.stringify(decodeTerms({json.dumps(coded)})));"
    )
    run = subprocess.run(["node", "--input-type=module", "-e", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert json.loads(run.stdout) == terms


def test_shards_hold_every_term_once_in_order(synthetic):
    index = build_fast(document_words(synthetic))
    terms_file, shards = shard(index, target_bytes=4000)
    assert len(shards) > 3
    terms = front_decode(terms_file["terms"])
    assert terms == index.terms == sorted(set(terms))
    starts = [*terms_file["shardStarts"], len(terms)]
    for number, (start, end) in enumerate(itertools.pairwise(starts)):
        entries = json.loads(shards[number])
        assert len(entries) == end - start
        for term, entry in zip(terms[start:end], entries, strict=True):
            # [field, doc deltas, weights] -> back to (doc, weight) per field
            for field, deltas, weights in entry:
                docs = list(itertools.accumulate(deltas))
                assert list(zip(docs, weights, strict=True)) == index.postings[term][field]


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
    known = [(f.retention_rate.representative, r) for f, r in zip(synthetic, values, strict=True) if f.retention_rate]
    assert all(r == -1 for f, r in zip(synthetic, values, strict=True) if f.retention_rate is None)
    assert sorted(known) == sorted(known, key=lambda pair: pair[1])  # rank order = value order
    assert len({r for _, r in known}) > 3
