"""geo/distance.py and geo/maps.py: distances, their labels, quantised coordinates and map links."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from facility_site.geo.distance import distance_label, haversine_km, quantise
from facility_site.geo.maps import map_links
from facility_site.records.model import Location
from facility_site.records.reader import load_facilities


def test_haversine_matches_known_distances():
    # 東京駅 (35.6812, 139.7671) to 新宿駅 (35.6896, 139.7006): about 6.1 km.
    assert haversine_km(35.6812, 139.7671, 35.6896, 139.7006) == pytest.approx(6.07, abs=0.05)
    # 札幌 to 那覇: about 2,245 km.
    assert haversine_km(43.0642, 141.3469, 26.2124, 127.6809) == pytest.approx(2245, rel=0.01)
    assert haversine_km(35.0, 135.0, 35.0, 135.0) == 0.0


@pytest.mark.parametrize(
    ("km", "label"),
    [
        (0.0, "50m未満"),
        (0.049, "50m未満"),
        (0.05, "約0.1km"),
        (1.2, "約1.2km"),
        (1.25, "約1.3km"),  # half up, as the browser rounds
        (9.94, "約9.9km"),
        (9.95, "約10km"),
        (12.4, "約12km"),
        (1234.5, "約1,235km"),
    ],
)
def test_distance_labels(km, label):
    assert distance_label(km) == label


def test_quantise_rounds_half_away_from_zero():
    assert quantise(Location(35.68125, 139.76714)) == (356813, 1397671)  # 1e-4 degree units, .5 up
    assert quantise(Location(35.0, 135.0)) == (350000, 1350000)


def _facility(tmp_path, lines: str):
    folder = tmp_path / "facilities"
    folder.mkdir()
    (folder / "a.yaml").write_text(
        "name: 地図テスト\nprefecture: 東京都\ncity: 新宿区\naddress: 西新宿2-8-1 & <b>\n"
        f"services: [就労移行支援]\ndisabilities: [精神]\n{lines}updated: 2026-10-01\n",
        encoding="utf-8",
    )
    return load_facilities(folder)[0]


def test_map_links_at_the_coordinates(tmp_path):
    facility = _facility(tmp_path, "location: {lat: 35.6896, lng: 139.6917}\n")
    links = {link.site: link.url for link in map_links(facility)}
    assert links == {
        "地理院地図": "https://maps.gsi.go.jp/#17/35.6896/139.6917/",
        "Google マップ": "https://www.google.com/maps/search/?api=1&query=35.6896%2C139.6917",
        "OpenStreetMap": "https://www.openstreetmap.org/?mlat=35.6896&mlon=139.6917#map=17/35.6896/139.6917",
    }


def test_map_links_search_for_the_address_without_coordinates(tmp_path):
    facility = _facility(tmp_path, "")
    links = {link.site: urlsplit(link.url) for link in map_links(facility)}
    assert set(links) == {"Google マップ", "OpenStreetMap"}
    assert parse_qs(links["Google マップ"].query) == {"api": ["1"], "query": ["東京都新宿区西新宿2-8-1 & <b>"]}
    assert links["OpenStreetMap"].netloc == "www.openstreetmap.org"
    assert parse_qs(links["OpenStreetMap"].query) == {"query": ["東京都新宿区西新宿2-8-1 & <b>"]}
