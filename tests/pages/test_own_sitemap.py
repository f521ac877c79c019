"""sitemap.xml written by the plugin (pages/sitemap.py) is the very file pelican-sitemap writes for the same site.

Each test builds the same records twice in one process: once with
pelican-sitemap among the plugins (it then writes the sitemap, fed by
content_written for every page, as before), once without it (the plugin
writes it from its own page list). The order alternates, since pelican-sitemap's
receivers stay connected once a build in the process has loaded it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from facility_site.pages import sitemap as own_sitemap
from pelican import signals
from sitebuild import SAMPLE_CONTENT, build_site, synthetic_with_samples

WITH_PELICAN_SITEMAP = ["facility_site", "pelican.plugins.sitemap"]
OWN = ["facility_site"]
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    """80 synthetic records (many update dates) plus the sample ones (the sample article embeds those)."""
    return synthetic_with_samples(tmp_path_factory.mktemp("sitemap") / "records", 80, seed=9)


def sitemap_of(output, plugins, records, name="sitemap.xml", **settings) -> bytes:
    build_site(output, facilities=records, content=SAMPLE_CONTENT, pelican_settings={"PLUGINS": plugins, **settings})
    return (output / name).read_bytes()


@pytest.mark.parametrize("own_first", [True, False])
def test_the_plugins_sitemap_is_pelican_sitemaps_file(records, tmp_path, own_first):
    order = [("own", OWN), ("pelican", WITH_PELICAN_SITEMAP)]
    if not own_first:
        order.reverse()
    made = {label: sitemap_of(tmp_path / label, plugins, records) for label, plugins in order}
    assert made["own"] == made["pelican"]
    root = ET.fromstring(made["own"])
    locs = [loc.text for loc in root.iter(NS + "loc")]
    assert len(locs) == len(set(locs)) > 150
    assert "http://localhost:8000/facilities/current/" in locs  # a facility page (queued by SiteOutput)
    assert any("/articles/" in loc and loc.endswith("/") and loc != "http://localhost:8000/articles/" for loc in locs)  # an article (content_written)
    assert "http://localhost:8000/glossary/" in locs  # the glossary (Pelican's Writer, another generator)
    assert not any(loc.endswith("404.html") for loc in locs)  # SITEMAP exclude
    lastmods = {item.text for item in root.iter(NS + "lastmod")}
    assert len(lastmods) > 10 and all(item.endswith("T00:00:00+09:00") for item in lastmods)


def test_the_sitemap_settings_are_followed_the_same_way(records, tmp_path):
    settings = {
        "SITEMAP": {
            "format": "xml",
            "exclude": ["^articles/$", "^404\\.html$", "^compare/"],
            "changefreqs": {"indexes": "weekly", "articles": "yearly"},
            "priorities": {"indexes": 0.3, "articles": 0.9},
        }
    }
    own = sitemap_of(tmp_path / "own", OWN, records, **settings)
    pelicans = sitemap_of(tmp_path / "pelican", WITH_PELICAN_SITEMAP, records, **settings)
    assert own == pelicans
    text = own.decode("utf-8")
    assert "<changefreq>weekly</changefreq>\n<priority>0.3</priority>" in text
    assert "<changefreq>yearly</changefreq>\n<priority>0.9</priority>" in text
    assert "/compare/" not in text and "/facilities/current/" in text


def test_a_text_sitemap_is_the_same_too(records, tmp_path):
    settings = {"SITEMAP": {"format": "txt", "exclude": ["^articles/$", "^404\\.html$"]}}
    own = sitemap_of(tmp_path / "pelican", WITH_PELICAN_SITEMAP, records, "sitemap.txt", **settings)
    pelicans = sitemap_of(tmp_path / "own", OWN, records, "sitemap.txt", **settings)
    assert own == pelicans
    lines = own.decode("utf-8").splitlines()
    assert "http://localhost:8000/facilities/current/" in lines and len(lines) > 150
    assert not (tmp_path / "own" / "sitemap.xml").exists()


def test_content_written_still_reaches_another_receiver_for_every_page(records, tmp_path):
    """Without other receivers the facility pages skip the signal; with one, it gets each page once, and the sitemap is unchanged."""
    alone = sitemap_of(tmp_path / "alone", OWN, records)
    seen = []

    def receiver(path, context):
        seen.append((path, context["page"].url if "page" in context else None))

    signals.content_written.connect(receiver)
    try:
        assert own_sitemap.others_listen()
        listened = sitemap_of(tmp_path / "listened", OWN, records)
    finally:
        signals.content_written.disconnect(receiver)
    assert listened == alone
    paths = [path for path, _ in seen]
    assert str(tmp_path / "listened" / "facilities" / "current" / "index.html") in paths
    assert ("facilities/current/" in [url for _, url in seen]) and len(paths) == len(set(paths))
    html = sorted(str(path) for path in (tmp_path / "listened").rglob("*.html"))
    assert sorted(paths) == html  # every page written, announced once
