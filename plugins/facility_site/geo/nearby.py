"""The k nearest other offices of every office, found through a spatial grid.

All pairs would be 450 million distances at 30,000 offices. Instead the
offices are put in grid cells of CELL_DEGREES. The offices of one cell look
at the cells around it one ring at a time: beyond ring R every office is at
least R × LOWER_BOUND_KM_PER_CELL away (a cell is narrowest east to west at
Japan's northern edge; a margin covers the flat-cell approximation), so an
office whose k-th nearest so far is closer than that is done. An office far
from everything (a remote island) compares with every office instead.

Distances are compared as chord lengths between unit vectors (the order of
great-circle distances, without trigonometry per pair), and ties go to the
smaller key, so the result is deterministic. tests/geo checks it against
brute force on a synthetic national set.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import math
from array import array
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .. import collector
from ..records.model import Facility
from .distance import EARTH_RADIUS_KM, distance_label

logger = logging.getLogger(__name__)

CELL_DEGREES = 0.01
# Records lie below 46° north (records/reader.py); east-west a cell is narrowest there.
LOWER_BOUND_KM_PER_CELL = math.radians(CELL_DEGREES) * EARTH_RADIUS_KM * math.cos(math.radians(46.5)) * 0.98
# Past this many rings (about 30 km) the few offices still looking compare with every office.
MAX_RINGS = 40


@dataclass(frozen=True)
class Point:
    key: str  # the office's id: ties go to the smaller
    lat: float
    lng: float


def _unit(lat: float, lng: float) -> tuple[float, float, float]:
    p, q = math.radians(lat), math.radians(lng)
    return (math.cos(p) * math.cos(q), math.cos(p) * math.sin(q), math.sin(p))


def chord_to_km(chord_squared: float) -> float:
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(chord_squared) / 2))


def nearest(points: Sequence[Point], k: int) -> dict[str, list[tuple[str, float]]]:
    """For every point: its k nearest other points as (key, km), nearest first; ties by key."""
    return {key: [(other, chord_to_km(d)) for d, other in best] for key, best in nearest_chords(points, k).items()}


def nearest_chords(points: Sequence[Point], k: int, only: set[int] | None = None) -> dict[str, list[tuple[float, str]]]:
    """For every point (or the indices in `only`): its k nearest other points as (chord², key), nearest first."""
    order = sorted(range(len(points)), key=lambda i: points[i].key)
    rank = [0] * len(points)
    for r, i in enumerate(order):
        rank[i] = r
    vectors = [_unit(p.lat, p.lng) for p in points]
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i in order:
        cells[_cell(points[i])].append(i)
    found: dict[str, list[tuple[float, str]]] = {}
    for (row, col), members in cells.items():
        if only is not None:
            members = [i for i in members if i in only]
            if not members:
                continue
        best: dict[int, list[tuple[float, int, int]]] = {i: [] for i in members}
        pending = members
        ring = 0
        while pending and ring <= MAX_RINGS:
            _merge(best, pending, _ring(cells, row, col, ring), vectors, rank, k)
            # Every office beyond this ring is at least `bound` km from every office of this cell.
            bound = ring * LOWER_BOUND_KM_PER_CELL
            pending = [i for i in pending if len(best[i]) < k or chord_to_km(best[i][-1][0]) >= bound]
            ring += 1
        if pending:  # far from everything (a remote island): compare with every office
            for i in pending:
                best[i] = []
            _merge(best, pending, order, vectors, rank, k)
        for i in members:
            found[points[i].key] = [(d, points[j].key) for d, _, j in best[i]]
    return found


def _chord_squared(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    """As _merge computes it (`a` the point looking, `b` the candidate), so the same floats come out."""
    x, y, z = a
    return (x - b[0]) * (x - b[0]) + (y - b[1]) * (y - b[1]) + (z - b[2]) * (z - b[2])


# Past this share of points (and this many) moved, added or removed, nearest_since computes every point again.
SINCE_SHARE = 0.01
SINCE_LEAST = 8


def nearest_since(points: Sequence[Point], k: int, before: dict, best: dict) -> dict[str, list[tuple[float, str]]] | None:
    """nearest_chords(points, k) from the last build's result (`best`, for the locations `before`: key -> (lat, lng)).

    Only what an edit can change is computed: the points that moved or came
    get their nearest again, and so does every point whose list held one that
    moved or went; every other point's list takes in the moved and new points
    that beat its k-th (ties by key, as nearest does). None when too much changed.
    """
    now = {p.key: (p.lat, p.lng) for p in points}
    came = {key for key, at in now.items() if before.get(key) != at}  # moved or new
    went = {key for key, at in before.items() if now.get(key) != at}  # moved or removed
    if len(came) + len(went) > max(SINCE_LEAST, SINCE_SHARE * len(points)) or any(key not in best for key in now.keys() - came):
        return None
    redo = set(came)
    for key in now.keys() - came:
        if any(other in went for _d, other in best[key]):
            redo.add(key)
    arrivals = [(key, _unit(*now[key])) for key in sorted(came)]
    found: dict[str, list[tuple[float, str]]] = {}
    for key in now.keys() - redo:
        kept = best[key]
        if arrivals:
            here = _unit(*now[key])
            merged = list(kept)
            for other, there in arrivals:
                entry = (_chord_squared(here, there), other)
                if len(merged) < k or entry < merged[-1]:
                    merged = sorted([*merged, entry])[:k]
            kept = merged
        found[key] = kept
    index = {p.key: i for i, p in enumerate(points)}
    found.update(nearest_chords(points, k, only={index[key] for key in redo}))
    return found


def _merge(best: dict, pending: list[int], candidates: list[int], vectors, rank, k: int) -> None:
    """Fold `candidates` into the k nearest of every pending point (itself excluded), as (chord², rank, index)."""
    if not candidates:
        return
    cx = [vectors[c][0] for c in candidates]
    cy = [vectors[c][1] for c in candidates]
    cz = [vectors[c][2] for c in candidates]
    cr = [rank[c] for c in candidates]
    for i in pending:
        x, y, z = vectors[i]
        squared = [(x - a) * (x - a) + (y - b) * (y - b) + (z - c) * (z - c) for a, b, c in zip(cx, cy, cz, strict=True)]
        kept = best[i]
        if len(kept) == k:  # only what beats the current k-th can enter
            limit = kept[-1][0]
            near = [j for j, d in enumerate(squared) if d <= limit]
            entries = [(squared[j], cr[j], candidates[j]) for j in near]
        else:
            entries = list(zip(squared, cr, candidates, strict=True))
        if entries:
            best[i] = [e for e in heapq.nsmallest(k + 1, [*kept, *entries]) if e[2] != i][:k]


def _ring(cells: dict, row: int, col: int, ring: int) -> list[int]:
    """The points of the cells exactly `ring` cells from (row, col) (Chebyshev distance)."""
    if ring == 0:
        return list(cells.get((row, col), ()))
    out: list[int] = []
    for dc in range(-ring, ring + 1):
        out.extend(cells.get((row - ring, col + dc), ()))
        out.extend(cells.get((row + ring, col + dc), ()))
    for dr in range(-ring + 1, ring):
        out.extend(cells.get((row + dr, col - ring), ()))
        out.extend(cells.get((row + dr, col + ring), ()))
    return out


def _cell(point: Point) -> tuple[int, int]:
    return (math.floor(point.lat / CELL_DEGREES), math.floor(point.lng / CELL_DEGREES))


# How many nearby offices a facility page lists.
NEARBY_COUNT = 5
# Farther than this is not 「近く」: an office in Tokyo listed a Sapporo one 832 km away when no other
# office near it had a location. About an hour and a half by train; the page says when none is within it.
NEARBY_MAX_KM = 50.0


@dataclass(frozen=True)
class Neighbour:
    facility: Facility
    km: float

    @property
    def label(self) -> str:
        return distance_label(self.km)


class NearbyOffices(Sequence):
    """One facility's nearest offices, nearest first: a sequence of Neighbours, made when a page is rendered.

    Every facility page's key is worked out in every rebuild, and a rebuild renders a few of them: making
    150,000 Neighbour objects at 30,000 offices, and pickling each into its page's key (about half of a
    facility page key's time), were most of what the nearby offices cost a one-record rebuild.
    The key takes `cache_identity`: the offices (a Facility is written as its digest, cache.Fingerprint)
    and each one's (id, km), everything a Neighbour holds.
    """

    __slots__ = ("_offices", "_found", "_neighbours")

    def __init__(self, offices: tuple[Facility, ...], found: Sequence[tuple[str, float]]):
        self._offices = offices
        self._found = found  # (id, km) per office, as `nearest` gave them
        self._neighbours: tuple[Neighbour, ...] | None = None

    def _made(self) -> tuple[Neighbour, ...]:
        if self._neighbours is None:
            self._neighbours = tuple(Neighbour(office, km) for office, (_, km) in zip(self._offices, self._found, strict=True))
        return self._neighbours

    def __len__(self) -> int:
        return len(self._offices)

    def __getitem__(self, index):
        return self._made()[index]

    def __iter__(self):
        return iter(self._made())

    def __eq__(self, other) -> bool:
        if isinstance(other, NearbyOffices):
            return self._offices == other._offices and tuple(self._found) == tuple(other._found)
        return NotImplemented

    __hash__ = None  # mutable cache inside; equality only

    def __repr__(self) -> str:
        return f"NearbyOffices({list(self)!r})"

    def __reduce__(self):
        return (NearbyOffices, (self._offices, tuple(self._found)))

    def cache_identity(self) -> tuple:
        return (self._offices, self._found)


def nearby_offices(facilities: Sequence[Facility], k: int = NEARBY_COUNT, cache=None) -> dict[str, NearbyOffices]:
    """Every located facility's k nearest other located facilities within NEARBY_MAX_KM, nearest first (ties by id).

    With a BuildCache, the result of `nearest` is kept with a hash of every
    point (id, lat, lng) and k: a rebuild whose locations did not change
    (most record edits) takes it from there.
    """
    located = [f for f in facilities if f.location is not None]
    by_id = {f.id: f for f in located}
    points = [Point(f.id, f.location.lat, f.location.lng) for f in located]
    found = cached_nearest(points, k, cache) if cache is not None and cache.enabled else nearest(points, k)
    # 30,000 lists at 30,000 offices, all kept, none in a cycle: no collection need walk them while they are made.
    with collector.paused():
        near = {key: _within(others) for key, others in found.items()}
        return {key: NearbyOffices(tuple([by_id[other] for other, _ in others]), others) for key, others in near.items()}


def _within(others: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The (id, km) pairs within NEARBY_MAX_KM (nearest first, so most lists are kept as they are)."""
    return others if not others or others[-1][1] <= NEARBY_MAX_KM else [(other, km) for other, km in others if km <= NEARBY_MAX_KM]


# The build cache's files: the result with its points' key (all a rebuild with no office moved reads), and
# what nearest_since starts from (read only when an office moved, came or went).
NEARBY_CACHE = "nearby"
SINCE_CACHE = "nearby-since"


def points_key(points: Sequence[Point], k: int) -> str:
    """A hash of k and every point's key and coordinates (the floats' own bytes), in order."""
    digest = hashlib.sha256(f"{k}\n".encode())
    digest.update("\0".join(point.key for point in points).encode())
    digest.update(b"\1" + array("d", [x for point in points for x in (point.lat, point.lng)]).tobytes())
    return digest.hexdigest()


def cached_nearest(points: Sequence[Point], k: int, cache) -> dict[str, list[tuple[str, float]]]:
    """nearest(points, k), from the build cache when the points and k are the same as last time.

    When a few points moved, came or went (one record's station or address
    edited), only the lists they can change are computed again (nearest_since).
    """
    key = points_key(points, k)
    stored = cache.load(NEARBY_CACHE)
    if stored.get("key") == key and isinstance(stored.get("found"), dict):
        logger.debug("facility_site: nearby offices reused from the cache")
        return stored["found"]
    best = None
    since = cache.load(SINCE_CACHE)
    if since.get("k") == k and isinstance(since.get("points"), dict) and isinstance(since.get("best"), dict):
        best = nearest_since(points, k, since["points"], since["best"])
        if best is not None:
            logger.debug("facility_site: nearby offices updated around the moved offices")
    if best is None:
        best = nearest_chords(points, k)
    found = {point: [(other, chord_to_km(d)) for d, other in near] for point, near in best.items()}
    cache.save(NEARBY_CACHE, {"key": key, "found": found})
    cache.save(SINCE_CACHE, {"k": k, "points": {p.key: (p.lat, p.lng) for p in points}, "best": best})
    return found
