"""cache.Fingerprint: the page and chunk keys are stable across processes and change with any nested field."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

from facility_site.cache import Fingerprint, UncacheableError
from sitebuild import ROOT

DIGEST_IN_A_NEW_PROCESS = """
from dataclasses import dataclass
from facility_site.cache import Fingerprint, UncacheableError

@dataclass(frozen=True)
class Record:
    name: str
    not_published: frozenset

print(Fingerprint().digest(Record("x", frozenset({"capacity", "hires_last_year", "retention_rate", "average_stay", "notes"}))).hex())
"""


def test_a_set_of_strings_gives_the_same_key_whatever_the_hash_seed():
    # A set iterates in an order that changes with the process's hash seed; pickled as it is,
    # a record with two hidden fields would get a new page key on every build.
    digests = set()
    for seed in ("1", "2", "3", "4"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT / "plugins"))
        result = subprocess.run([sys.executable, "-c", DIGEST_IN_A_NEW_PROCESS], env=env, capture_output=True, text=True, check=True)
        digests.add(result.stdout.strip())
    assert len(digests) == 1


@dataclass(frozen=True)
class Office:
    name: str
    tags: frozenset


@dataclass(frozen=True)
class Neighbour:
    office: Office
    km: float


def test_a_shared_object_inside_a_value_is_hashed_by_all_its_fields():
    office = Office("A", frozenset({"x"}))
    same = Office("A", frozenset({"x"}))
    renamed = Office("B", frozenset({"x"}))
    retagged = Office("A", frozenset({"x", "y"}))
    fingerprint = Fingerprint(shared_types=(Office,))
    key = fingerprint.digest([Neighbour(office, 1.0)])
    assert fingerprint.digest([Neighbour(same, 1.0)]) == key
    assert fingerprint.digest([Neighbour(renamed, 1.0)]) != key
    assert fingerprint.digest([Neighbour(retagged, 1.0)]) != key
    assert fingerprint.digest([Neighbour(office, 2.0)]) != key
    # The same as without sharing: sharing changes the cost, not what a key depends on.
    plain = Fingerprint()
    assert plain.digest([Neighbour(same, 1.0)]) == plain.digest([Neighbour(office, 1.0)]) != plain.digest([Neighbour(renamed, 1.0)])


@dataclass(frozen=True)
class Handle:
    name: str
    stream: object  # a generator: does not pickle, and the walker cannot describe it


def test_reused_picklers_give_each_value_the_digest_a_fresh_fingerprint_gives():
    # One pickler per nesting depth is reused for every value; nothing of one value may leak into the next.
    values = [Neighbour(Office(name, frozenset({name, "z"})), km) for name in ("A", "B", "A") for km in (1.0, 2.0)]
    shared = Fingerprint(shared_types=(Office,))
    keys = [shared.digest(value) for value in values]
    assert keys == [Fingerprint(shared_types=(Office,)).digest(value) for value in values]
    assert keys[0] == keys[4] and len(set(keys)) == 4
    # A value that fails to pickle half-way leaves no state behind.
    try:
        shared.digest(Neighbour(Handle("h", (i for i in range(3))), 1.0))
    except UncacheableError:
        pass
    else:
        raise AssertionError("a generator field must make the value uncacheable")
    assert shared.digest(values[1]) == keys[1]
    assert shared.digest([values[2], values[3]]) == Fingerprint(shared_types=(Office,)).digest([values[2], values[3]])


def test_page_keys_tell_every_vocabulary_entry_apart_and_describe_one_made_elsewhere():
    # Vocabulary entries are written into a page key as the `__reduce__()` value stored on each
    # (records/vocab.py): ~90,000 of them in the disability lists' prefecture counts.
    import dataclasses

    from facility_site.records.vocab import DISABILITIES, PREFECTURES, SERVICES

    def page(prefecture, term):
        return ("disability/x/", {"prefecture_counts": [(prefecture, 3)], "disability": term})

    fingerprint = Fingerprint()
    keys = {fingerprint.page_digest(page(prefecture, term)) for prefecture in PREFECTURES for term in (*DISABILITIES, *SERVICES)}
    assert len(keys) == len(PREFECTURES) * (len(DISABILITIES) + len(SERVICES))
    tokyo = PREFECTURES[12]
    assert Fingerprint().page_digest(page(tokyo, DISABILITIES[0])) == fingerprint.page_digest(page(tokyo, DISABILITIES[0]))
    # An entry made elsewhere (equal fields, or other fields) has no stored value: described by its fields.
    copy = dataclasses.replace(tokyo)
    renamed = dataclasses.replace(tokyo, name="東京")
    assert fingerprint.page_digest(page(copy, DISABILITIES[0])) != fingerprint.page_digest(page(renamed, DISABILITIES[0]))
    assert fingerprint.page_digest(page(renamed, DISABILITIES[0])) not in keys
