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


def test_list_pages_write_their_items_as_a_verified_slice_of_the_lists_digests():
    """paginate notes the list each page's and section's items are sliced from; the key writes the slice of
    that list's joined digests (cache._ItemDigests), and only when the items are those very objects."""
    import dataclasses

    from facility_site.cache import ITEMS_SOURCE_ATTRIBUTE
    from facility_site.pages.pagination import paginate

    @dataclass(frozen=True)
    class Office:
        name: str
        city: str

    offices = [Office(f"事業所{n}", "新宿区" if n < 5 else "中野区") for n in range(9)]
    fingerprint = Fingerprint(shared_types=(Office,))
    for office in offices:
        fingerprint.tag(office)

    def keys(items, fp=fingerprint):
        return [fp.page_digest({"pagination": page}) for page in paginate("pref/tokyo/", items, 4, lambda office: office.city, "city")]

    def without_source(page):
        """The same page and sections, built without the note: their items are pickled one by one."""
        sections = tuple(dataclasses.replace(section) for section in page.sections)
        return dataclasses.replace(page, sections=sections)

    pages = paginate("pref/tokyo/", offices, 4, lambda office: office.city, "city")
    assert all(hasattr(page, ITEMS_SOURCE_ATTRIBUTE) for page in pages) and hasattr(pages[0].sections[0], ITEMS_SOURCE_ATTRIBUTE)
    assert not hasattr(without_source(pages[0]), ITEMS_SOURCE_ATTRIBUTE)
    fast = [fingerprint.page_digest({"pagination": page}) for page in pages]
    slow = [fingerprint.page_digest({"pagination": without_source(page)}) for page in pages]
    assert fast != slow and len(set(fast)) == len(set(slow)) == 3  # the slices are used, and tell the pages apart
    assert keys(offices) == fast  # the same list paginated again, with a fresh list of the same objects too
    assert keys(list(offices)) == fast
    # Another office on page 2 (with another digest) changes page 2's key; page 3 keeps its own.
    other = Office("別の事業所", "中野区")
    fingerprint.tag(other)
    changed = keys([*offices[:5], other, *offices[6:]])
    assert changed[1] != fast[1] and changed[2] == fast[2]
    # Two offices swapped between sections: the same items on the page, other sections.
    swapped = keys([*offices[:4], offices[5], offices[4], *offices[6:]])
    assert swapped[1] != fast[1]
    # A note that does not match the items (forged, or a page whose items were replaced): pickled one by one.
    forged = dataclasses.replace(pages[1], items=[offices[0], *pages[1].items[1:]])
    object.__setattr__(forged, ITEMS_SOURCE_ATTRIBUTE, getattr(pages[1], ITEMS_SOURCE_ATTRIBUTE))
    plain = dataclasses.replace(pages[1], items=forged.items)
    assert fingerprint.page_digest({"pagination": forged}) == fingerprint.page_digest({"pagination": plain}) != fast[1]
    # A list holding an untagged object: every page's items are pickled one by one.
    untagged = Office("未登録", "中野区")
    mixed = paginate("pref/tokyo/", [*offices, untagged], 4, lambda office: office.city, "city")
    assert fingerprint.page_digest({"pagination": mixed[0]}) == fingerprint.page_digest({"pagination": without_source(mixed[0])})
