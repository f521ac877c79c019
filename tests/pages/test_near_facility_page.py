"""Facility pages (issue 12): 「地図で見る」 links and 「近くの事業所」, as parsed HTML of a real build."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from facility_site.geo.distance import distance_label, haversine_km
from facility_site.geo.nearby import NEARBY_MAX_KM
from page_records import no_articles, write_records
from sitebuild import build_site, page

PLACES = {
    "shinjuku-a": ("新宿A事業所", "新宿区", 35.6896, 139.7006),
    "shinjuku-b": ("新宿B事業所", "新宿区", 35.6900, 139.7010),
    "shibuya": ("渋谷事業所", "渋谷区", 35.6580, 139.7016),
    "ikebukuro": ("池袋事業所", "豊島区", 35.7295, 139.7109),
    "tokyo-station": ("東京駅前事業所", "千代田区", 35.6812, 139.7671),
    "hostile": ("<script>window.__pwned=1</script>事業所", "中央区", 35.6717, 139.7650),
    "yokohama": ("横浜事業所", "横浜市西区", 35.4657, 139.6223),
}


def record(name: str, city: str, prefecture: str = "東京都", location: str = "") -> str:
    name = name.replace("'", "''")
    return (
        f"name: '{name}'\nprefecture: {prefecture}\ncity: {city}\naddress: 1-2-3\n"
        f"services: [就労移行支援]\ndisabilities: [精神]\n{location}updated: 2026-10-01\n"
    )


RECORDS = {
    key: record(name, city, "神奈川県" if key == "yokohama" else "東京都", f"location: {{lat: {lat}, lng: {lng}}}\n")
    for key, (name, city, lat, lng) in PLACES.items()
} | {
    "no-location": record("位置なし事業所", "新宿区"),
    # 832 km from Tokyo and alone in its prefecture: never anyone's 「近く」, and its own list is empty.
    "sapporo": record("札幌事業所", "札幌市中央区", "北海道", "location: {lat: 43.0621, lng: 141.3544}\n"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    folder = write_records(tmp_path_factory.mktemp("near-records"), RECORDS)
    return build_site(tmp_path_factory.mktemp("near") / "output", folder, no_articles(tmp_path_factory.mktemp("near-content")))


def expected_nearby(key: str) -> list[tuple[str, float]]:
    _, _, lat, lng = PLACES[key]
    others = sorted((haversine_km(lat, lng, o[2], o[3]), other) for other, o in PLACES.items() if other != key)
    return [(other, km) for km, other in others[:5] if km <= NEARBY_MAX_KM]


@pytest.mark.parametrize("key", sorted(PLACES))
def test_nearby_lists_the_five_nearest_in_distance_order(site, key):
    html = page(site, f"facilities/{key}/")
    items = html.select("[data-nearby] > li")
    expected = expected_nearby(key)
    assert [li["data-facility-id"] for li in items] == [other for other, _ in expected]
    for li, (other, km) in zip(items, expected, strict=True):
        assert li.select_one(".nearby-list__distance").get_text() == distance_label(km)
        assert float(li["data-distance-km"]) == pytest.approx(km, abs=0.001)
        link = li.find("a")
        assert link.get_text() == PLACES[other][0]  # hostile text stays text
        target = urljoin(f"http://site/facilities/{key}/", link["href"])
        assert urlsplit(target).path == f"/facilities/{other}/"
        assert (site / "facilities" / other / "index.html").exists()
    assert html.select_one("[data-nearby]").name == "ol"


def test_nearby_names_the_prefecture_only_when_it_differs(site):
    items = {li["data-facility-id"]: li for li in page(site, "facilities/shibuya/").select("[data-nearby] > li")}
    assert items["shinjuku-a"].select_one(".nearby-list__place").get_text() == "新宿区"
    html = page(site, "facilities/yokohama/")
    places = [li.select_one(".nearby-list__place").get_text() for li in html.select("[data-nearby] > li")]
    assert all(place.startswith("東京都") for place in places)


def test_an_office_without_location_is_never_listed_and_says_why(site):
    for key in PLACES:
        assert "no-location" not in [li["data-facility-id"] for li in page(site, f"facilities/{key}/").select("[data-nearby] > li")]
    html = page(site, "facilities/no-location/")
    assert html.select("[data-nearby]") == []
    section = html.select_one("[data-nearby-section]")
    assert "位置情報が登録されていないため" in section.get_text()


def test_an_office_farther_than_the_limit_is_not_near_and_a_lone_office_says_so(site):
    for key in PLACES:
        assert "sapporo" not in [li["data-facility-id"] for li in page(site, f"facilities/{key}/").select("[data-nearby] > li")]
    html = page(site, "facilities/sapporo/")
    assert html.select("[data-nearby]") == []
    assert "この事業所から50km以内に、位置情報が登録されたほかの事業所はありません。" in html.select_one("[data-nearby-section]").get_text()


def test_map_links_open_the_map_sites_at_the_office(site):
    html = page(site, "facilities/shinjuku-a/")
    links = html.select("[data-map-links] a")
    assert [a.get_text(strip=True).split("で")[0] for a in links] == ["地理院地図", "Google マップ", "OpenStreetMap"]
    hrefs = [a["href"] for a in links]
    assert hrefs[0] == "https://maps.gsi.go.jp/#17/35.6896/139.7006/"
    assert parse_qs(urlsplit(hrefs[1]).query) == {"api": ["1"], "query": ["35.6896,139.7006"]}
    assert parse_qs(urlsplit(hrefs[2]).query) == {"mlat": ["35.6896"], "mlon": ["139.7006"]}
    for a in links:
        # The accessible name says where it goes and that it leaves the site; nothing opens a new window.
        name = a.get_text()
        assert name.endswith("で位置を見る（外部サイト）")
        assert a.select_one(".visually-hidden").get_text() in name
        assert "external" in a["rel"] and "noopener" in a["rel"]
        assert a.get("target") is None
    # Nothing from a map site is embedded or loaded.
    assert html.select("iframe, img[src^='http'], script[src^='http'], link[href^='http'][rel~=stylesheet]") == []


def test_without_location_the_map_links_search_the_address(site):
    html = page(site, "facilities/no-location/")
    links = html.select("[data-map-links] a")
    assert [urlsplit(a["href"]).netloc for a in links] == ["www.google.com", "www.openstreetmap.org"]
    for a in links:
        assert parse_qs(urlsplit(a["href"]).query)["query"] == ["東京都新宿区1-2-3"]
        assert a.get_text().endswith("で住所を検索する（外部サイト）")
    assert "住所を検索します" in html.select_one("[data-map-links]").get_text()
