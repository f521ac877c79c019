"""「地図で見る」: plain links that open a map site at the office. Nothing is embedded or fetched.

With coordinates: 地理院地図, Google マップ and OpenStreetMap centred on them.
Without: a search for the address on Google マップ and OpenStreetMap (地理院地図
has no documented address search in its URL).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from ..records.model import Facility

ZOOM = 17


@dataclass(frozen=True)
class MapLink:
    site: str  # the map site's name, the link's visible text
    url: str


def _coordinate(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def map_links(facility: Facility) -> tuple[MapLink, ...]:
    location = facility.location
    if location is None:
        address = facility.full_address
        return (
            MapLink("Google マップ", "https://www.google.com/maps/search/?" + urlencode({"api": "1", "query": address}, quote_via=quote)),
            MapLink("OpenStreetMap", "https://www.openstreetmap.org/search?" + urlencode({"query": address}, quote_via=quote)),
        )
    lat, lng = _coordinate(location.lat), _coordinate(location.lng)
    return (
        MapLink("地理院地図", f"https://maps.gsi.go.jp/#{ZOOM}/{lat}/{lng}/"),
        MapLink("Google マップ", f"https://www.google.com/maps/search/?api=1&query={lat}%2C{lng}"),
        MapLink("OpenStreetMap", f"https://www.openstreetmap.org/?mlat={lat}&mlon={lng}#map={ZOOM}/{lat}/{lng}"),
    )
