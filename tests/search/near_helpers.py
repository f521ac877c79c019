"""What 「現在地から近い順」 must show, worked out here from the records themselves."""

from __future__ import annotations

import math
from pathlib import Path

from facility_site.geo.distance import COORDINATE_SCALE, haversine_km, quantise
from facility_site.records.reader import load_facilities
from facility_site.search.data import doc_order

# The visitor's mocked position: 新宿駅 (35.6896, 139.7006).
SHINJUKU = {"lat": 35.6896, "lng": 139.7006}


def expected_near(folder: Path, position: dict, keep=lambda facility: True, within_km: float | None = None) -> tuple[list[str], dict[str, float | None]]:
    """(ids nearest first, then those without a location in doc order; metres by id, None without a location).

    Distances come from the coordinates the browser gets (1e-4 degree, geo.distance.quantise);
    ties (to the metre) keep doc order, as the page does.
    """
    docs = [f for f in doc_order(load_facilities(folder)) if keep(f)]
    metres: dict[str, float | None] = {}
    located, unknown = [], []
    for number, facility in enumerate(docs):
        if facility.location is None:
            metres[facility.id] = None
            unknown.append(facility.id)
            continue
        lat, lng = (v / COORDINATE_SCALE for v in quantise(facility.location))
        m = haversine_km(position["lat"], position["lng"], lat, lng) * 1000
        metres[facility.id] = m
        if within_km is None or m <= within_km * 1000:
            located.append((math.floor(m + 0.5), number, facility.id))
    order = [key for _, _, key in sorted(located)]
    return (order if within_km is not None else order + unknown), metres
