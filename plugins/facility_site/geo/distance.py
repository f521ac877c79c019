"""Straight-line (great-circle) distances and how the site writes them.

theme/static/js/search/geo.js does the same arithmetic in the browser:
the same radius, the same quantisation and the same label rules, so a
distance reads the same on a facility page and on a search card.
"""

from __future__ import annotations

import math

from ..records.model import Location

# Mean Earth radius (IUGG), km. A sphere is accurate to about 0.5% in Japan: fine for 「約1.2km」.
EARTH_RADIUS_KM = 6371.0088
# Coordinates reach the browser as integers of 1e-4 degree (about 11 m).
COORDINATE_SCALE = 10_000
# Below this the label says 「50m未満」 rather than 「約0.0km」.
SAME_PLACE_KM = 0.05


def quantise(location: Location) -> tuple[int, int]:
    """(lat, lng) in 1e-4 degree units, rounded half away from zero (the browser's data)."""
    return (_round(location.lat * COORDINATE_SCALE), _round(location.lng * COORDINATE_SCALE))


def _round(value: float) -> int:
    return int(math.floor(abs(value) + 0.5)) * (1 if value >= 0 else -1)


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def distance_km(a: Location, b: Location) -> float:
    return haversine_km(a.lat, a.lng, b.lat, b.lng)


def distance_label(km: float) -> str:
    """「50m未満」, 「約1.2km」 (tenths below 10 km), 「約12km」, 「約1,234km」."""
    if km < SAME_PLACE_KM:
        return "50m未満"
    tenths = math.floor(km * 10 + 0.5)
    if tenths < 100:
        return f"約{tenths // 10}.{tenths % 10}km"
    return f"約{math.floor(km + 0.5):,}km"
