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
