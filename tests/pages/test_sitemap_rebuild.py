"""Two builds in one process, the first failing: the second still writes a correct sitemap.

`make devserver` rebuilds in one process. pelican-sitemap keeps module
state that only a finished build resets; pages/sitemap.py resets it at the
start of every build.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from facility_site.errors import FacilitySiteError
from page_records import MINIMAL_RECORD, OSAKA_RECORD, write_records
from pelican import Pelican
from pelican.settings import read_settings
from sitebuild import ROOT, TODAY

LUNR_JS = ROOT / "node_modules" / "lunr" / "lunr.min.js"


def pelican_for(tmp: Path, output: Path, lunr_js: Path) -> Pelican:
    records = write_records(tmp / "records", {"minimal": MINIMAL_RECORD, "osaka": OSAKA_RECORD})
    # One article: Pelican writes it (and pelican-sitemap queues it) before the facility pages.
    (tmp / "content" / "articles").mkdir(parents=True, exist_ok=True)
    (tmp / "content" / "articles" / "note.md").write_text("Title: お知らせ\nSlug: note\nDate: 2026-11-01\n\n本文です。\n", encoding="utf-8")
    base = read_settings(str(ROOT / "pelicanconf.py"))
    options = dict(base["FACILITY_SITE"], records_path=str(records), today=TODAY, lunr_js=str(lunr_js))
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={"PATH": str(tmp / "content"), "OUTPUT_PATH": str(output), "FACILITY_SITE": options},
    )
    return Pelican(settings)


def sitemap_paths(output: Path) -> list[str]:
    """The path of every <loc>, in file order."""
    root = ET.parse(output / "sitemap.xml").getroot()
    base = "http://localhost:8000/"
    locs = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert all(loc.startswith(base) for loc in locs), locs
    return [loc[len(base) :] for loc in locs]


def html_pages(output: Path) -> list[str]:
    """Every page an indexer should see, as sitemap paths."""
    paths = []
    for path in output.rglob("*.html"):
        url = path.relative_to(output).as_posix()
        url = url[: -len("index.html")] if url.endswith("index.html") else url
        if url not in ("404.html", "articles/"):  # excluded in pelicanconf.py SITEMAP
            paths.append(url)
    return sorted(paths)


def test_a_new_build_after_a_failed_one_writes_the_sitemap(tmp_path):
    # The failure comes late (the search part cannot read lunr.js), after
    # pages were written and queued for the sitemap (the article; the
    # facility pages are written at the end of the generator since issue 15).
    with pytest.raises(FacilitySiteError):
        pelican_for(tmp_path / "a", tmp_path / "failed", tmp_path / "missing-lunr.js").run()
    assert (tmp_path / "failed" / "articles" / "note" / "index.html").is_file()
    output = tmp_path / "second"
    pelican_for(tmp_path / "b", output, LUNR_JS).run()
    paths = sitemap_paths(output)
    assert paths == html_pages(output)
    assert "facilities/osaka/" in paths


def test_the_same_instance_rebuilt_after_a_failure_lists_each_page_once(tmp_path):
    # What `make devserver` does: one Pelican, run again once the problem is fixed.
    lunr_js = tmp_path / "lunr.min.js"
    output = tmp_path / "output"
    pelican = pelican_for(tmp_path, output, lunr_js)
    with pytest.raises(FacilitySiteError):
        pelican.run()
    shutil.copyfile(LUNR_JS, lunr_js)
    pelican.run()
    paths = sitemap_paths(output)
    assert len(paths) == len(set(paths))
    assert paths == html_pages(output)
