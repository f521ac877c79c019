"""geo/nearby.py: the grid's nearest offices equal brute force over every pair."""

from __future__ import annotations

import importlib.util
import math
import pickle
import random
from dataclasses import dataclass

import pytest
from facility_site.cache import BuildCache, Fingerprint
from facility_site.geo.distance import distance_label, haversine_km
from facility_site.geo.nearby import (
    CELL_DEGREES,
    NEARBY_CACHE,
    SINCE_CACHE,
    NearbyOffices,
    Point,
    cached_nearest,
    nearest,
    nearest_chords,
    nearest_since,
    points_key,
)
from sitebuild import ROOT


def _synth():
    spec = importlib.util.spec_from_file_location("synth", ROOT / "tools" / "synth.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def brute_force(points: list[Point], k: int) -> dict[str, list[str]]:
    out = {}
    for p in points:
        others = sorted((haversine_km(p.lat, p.lng, q.lat, q.lng), q.key) for q in points if q.key != p.key)
        out[p.key] = [key for _, key in others[:k]]
    return out


@pytest.fixture(scope="module")
def national() -> list[Point]:
    """2,000 synthetic offices over the 47 prefectures (tools/synth.py), the located ones."""
    records = _synth().generate(2000, seed=7)
    points = [Point(key, r["location"]["lat"], r["location"]["lng"]) for key, r in records if "location" in r]
    assert 1800 < len(points) < 2000  # some synthetic records have no location
    return points


def test_grid_equals_brute_force_on_a_national_set(national):
    found = nearest(national, 5)
    expected = brute_force(national, 5)
    assert {key: [other for other, _ in others] for key, others in found.items()} == expected
    # Distances are the great-circle distances, nearest first.
    by_key = {p.key: p for p in national}
    for key, others in found.items():
        p = by_key[key]
        kms = [km for _, km in others]
        assert kms == sorted(kms)
        for other, km in others:
            q = by_key[other]
            assert km == pytest.approx(haversine_km(p.lat, p.lng, q.lat, q.lng), abs=1e-6)


def test_remote_islands_ties_and_dense_clusters():
    rng = random.Random(3)
    points = [Point(f"tokyo-{n:03d}", 35.69 + rng.gauss(0, 0.004), 139.69 + rng.gauss(0, 0.004)) for n in range(300)]
    # Five offices in one building: equal distances go to the smaller id.
    points += [Point(f"same-{n}", 35.0, 135.0) for n in (4, 2, 9, 1, 7)]
    points += [Point("same-0-neighbour", 35.0 + CELL_DEGREES / 2, 135.0)]
    # 父島 (about 1,000 km from the rest) and 与那国島, with no office within the grid's rings.
    points += [Point("chichijima", 27.09, 142.19), Point("yonaguni", 24.47, 123.0)]
    found = nearest(points, 5)
    assert {key: [o for o, _ in others] for key, others in found.items()} == brute_force(points, 5)
    assert [o for o, _ in found["same-1"]] == ["same-2", "same-4", "same-7", "same-9", "same-0-neighbour"]
    assert found["same-1"][0][1] == 0.0
    assert found["chichijima"][0][1] > 900


def test_fewer_offices_than_asked():
    points = [Point("a", 35.0, 135.0), Point("b", 35.1, 135.0), Point("c", 43.0, 141.3)]
    found = nearest(points, 5)
    assert [o for o, _ in found["a"]] == ["b", "c"]
    assert [o for o, _ in found["c"]] == ["b", "a"]
    assert nearest([Point("alone", 35.0, 135.0)], 5) == {"alone": []}
    assert nearest([], 5) == {}


def test_an_update_around_moved_added_and_removed_offices_equals_computing_every_office(national):
    """nearest_since (a rebuild after an address or station edit) gives what nearest_chords gives from scratch."""
    before = {p.key: (p.lat, p.lng) for p in national}
    best = nearest_chords(national, 5)
    rng = random.Random(11)
    moved = rng.sample(range(len(national)), 3)
    points = list(national)
    for i in moved:  # next to another office, so its new neighbours' lists change
        there = national[rng.randrange(len(national))]
        points[i] = Point(national[i].key, there.lat + 0.0003, there.lng - 0.0002)
    removed = points.pop(rng.randrange(len(points)))
    points.append(Point("added-office", national[0].lat + 0.0001, national[0].lng))
    again = nearest_since(points, 5, before, best)
    assert again is not None
    assert again == nearest_chords(points, 5)
    changed = {key for key in again if key in best and again[key] != best[key]}
    assert len(changed) > 5 and removed.key not in again  # lists did change, beyond the moved offices themselves
    # Too much changed: None, and the caller computes every office.
    assert nearest_since(points[: len(points) // 2], 5, before, best) is None


def test_a_rebuild_with_no_office_moved_reads_only_the_result(national, tmp_path, monkeypatch):
    """The nearby offices' cache is two files: the result with its points' key, which a rebuild with no office
    moved reads alone, and what nearest_since starts from, read only when an office moved, came or went."""
    cache = BuildCache(tmp_path, key="test")
    first = cached_nearest(national, 5, cache)
    assert first == nearest(national, 5)
    assert set(cache.load(NEARBY_CACHE)) == {"key", "found"}  # not the since-state: a third of the file to read
    read = []
    load = BuildCache.load
    monkeypatch.setattr(BuildCache, "load", lambda self, name, changes=False: read.append(name) or load(self, name, changes))
    assert cached_nearest(list(national), 5, cache) == first
    assert read == [NEARBY_CACHE]
    moved = [Point(p.key, p.lat + 0.002, p.lng) if i == 7 else p for i, p in enumerate(national)]
    read.clear()
    assert cached_nearest(moved, 5, cache) == nearest(moved, 5)
    assert read == [NEARBY_CACHE, SINCE_CACHE]
    # Without the result file (deleted, or discarded as damaged) the since-state still serves.
    (tmp_path / f"{NEARBY_CACHE}.pickle").unlink()
    assert cached_nearest(national, 5, cache) == first


def test_the_points_key_is_every_float_s_own_bytes():
    points = [Point("a", 35.0, 135.0), Point("b", 35.1, 135.0)]
    assert points_key(points, 5) == points_key([Point("a", 35.0, 135.0), Point("b", 35.1, 135.0)], 5)
    nudged = [points[0], Point("b", math.nextafter(35.1, 36.0), 135.0)]  # one unit in the last place
    others = {points_key(nudged, 5), points_key(points, 4), points_key(points[::-1], 5), points_key([Point("a", 35.0, 135.0), Point("c", 35.1, 135.0)], 5)}
    assert points_key(points, 5) not in others and len(others) == 4
    assert points_key([Point("a", 0.0, 1.0)], 5) != points_key([Point("a", -0.0, 1.0)], 5)


@dataclass(frozen=True)
class Office:
    id: str
    name: str


def test_nearby_offices_are_their_neighbours_in_order_and_key_every_office_and_distance():
    """NearbyOffices: the Neighbours a page iterates, made when asked; its key covers each office and km."""
    a, b, renamed = Office("a", "A"), Office("b", "B"), Office("b", "B2")
    near = NearbyOffices((a, b), [("a", 0.5), ("b", 1.25)])
    assert len(near) == 2 and bool(near) and not NearbyOffices((), [])
    assert [(n.facility, n.km) for n in near] == [(a, 0.5), (b, 1.25)] and near[1].facility is b
    assert [n.label for n in near] == [distance_label(0.5), distance_label(1.25)]
    assert pickle.loads(pickle.dumps(near)) == near
    fingerprint = Fingerprint(shared_types=(Office,))
    for office in (a, b, renamed):
        fingerprint.tag(office)
    for key_of in (fingerprint.digest, fingerprint.page_digest):
        key = key_of({"nearby": near})
        assert key_of({"nearby": NearbyOffices((a, b), [("a", 0.5), ("b", 1.25)])}) == key
        assert key_of({"nearby": NearbyOffices((a, renamed), [("a", 0.5), ("b", 1.25)])}) != key
        assert key_of({"nearby": NearbyOffices((a, b), [("a", 0.5), ("b", 1.5)])}) != key
        assert key_of({"nearby": NearbyOffices((b, a), [("b", 1.25), ("a", 0.5)])}) != key
    assert not fingerprint.page_digest({"nearby": near}).startswith(b"walk:")  # one pickle, not the walker
