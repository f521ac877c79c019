"""Coordinates for 「現在地から近い順」: fetched only when the visitor sorts or filters by distance.

    geo/all.json           every facility (doc order)
    geo/pref-<slug>.json   one prefecture's run of doc numbers

Each file is {"start": first doc, "count": n, "scale": 10000, "none": [offsets
without a location], "lat": [...], "lng": [...]}: the located facilities'
coordinates in 1e-4 degree units (geo.distance.quantise, about 11 m), each
written as the difference from the previous located facility's. At 30,000
facilities that is about 12 KiB gzip for the largest prefecture and 115 KiB
for the country (tools/bench_near.py prints the figures).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..geo.distance import COORDINATE_SCALE, quantise
from ..records.model import Facility
from ..records.vocab import PREFECTURES
from .data import prefecture_starts


def coordinate_run(docs: Sequence[Facility], start: int, end: int) -> dict:
    return coordinate_run_of([None if f.location is None else quantise(f.location) for f in docs], start, end)


def coordinate_run_of(points: Sequence[tuple[int, int] | None], start: int, end: int) -> dict:
    """The run of doc numbers [start, end) from each doc's quantised location (None without one)."""
    none, lat, lng = [], [], []
    previous = (0, 0)
    for offset, here in enumerate(points[start:end]):
        if here is None:
            none.append(offset)
            continue
        lat.append(here[0] - previous[0])
        lng.append(here[1] - previous[1])
        previous = here
    return {"start": start, "count": end - start, "scale": COORDINATE_SCALE, "none": none, "lat": lat, "lng": lng}


def coordinate_files(docs: Sequence[Facility]) -> dict[str, dict]:
    return coordinate_files_of([None if f.location is None else quantise(f.location) for f in docs], prefecture_starts(docs))


def coordinate_files_of(points: Sequence[tuple[int, int] | None], starts: Sequence[int]) -> dict[str, dict]:
    """coordinate_files from each doc's quantised location and the prefectures' starts."""
    files = {"geo/all.json": coordinate_run_of(points, 0, len(points))}
    for pref, start, end in zip(PREFECTURES, starts, starts[1:], strict=False):
        if end > start:
            files[f"geo/pref-{pref.slug}.json"] = coordinate_run_of(points, start, end)
    return files
