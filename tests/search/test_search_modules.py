"""The search page's preload hints: every module of the static import graph, and the data every search needs.

The graph is read from the theme's sources at build time (search/modules.py),
so a module another change adds is hinted without editing a list; a module
that imports a missing file stops the build.
"""

from __future__ import annotations

import json

import pytest
from facility_site.search.modules import ModuleGraphError, module_graph, static_imports
from facility_site.search.page import SEARCH_STYLES, STYLE_BUNDLE
from sitebuild import ROOT, search_data
from sitebuild import page as site_page

THEME_STATIC = ROOT / "theme" / "static"


def write(folder, path, text):
    target = folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def test_static_imports_reads_every_form_and_skips_dynamic_imports_and_comments():
    source = """
import { a,
  b as c } from "./multi.js";
import "./side-effect.js";
import d, { e } from './default.js';
import * as ns from "../up.js";
export { f } from "./re-export.js";
export * from "./star.js";
const later = await import("./dynamic.js");
/**
 * import { x } from "./in-a-comment.js";
 * @param {import("./type.js").T} t
 */
const text = "import { y } from './in-a-string.js'";
"""
    assert static_imports(source) == ["./multi.js", "./side-effect.js", "./default.js", "../up.js", "./re-export.js", "./star.js"]


def test_a_new_module_is_in_the_graph_without_a_list_and_a_missing_one_stops_the_build(tmp_path):
    write(tmp_path, "js/search/page.js", 'import { el } from "./render.js";\nimport { near } from "./geo.js";\n')
    write(tmp_path, "js/search/render.js", 'import { readConfig } from "../config.js";\nexport const el = 1;\n')
    write(tmp_path, "js/search/geo.js", 'export { ruby } from "./ruby.js";\nexport const near = 1;\n')
    write(tmp_path, "js/search/ruby.js", "export const ruby = 1;\n")
    write(tmp_path, "js/config.js", "export const readConfig = 1;\n")
    assert module_graph(tmp_path, ["js/search/page.js"]) == [
        "js/search/page.js",
        "js/search/render.js",
        "js/search/geo.js",
        "js/config.js",
        "js/search/ruby.js",
    ]
    write(tmp_path, "js/search/geo.js", 'import "./gone.js";\nexport const near = 1;\n')
    with pytest.raises(ModuleGraphError) as caught:
        module_graph(tmp_path, ["js/search/page.js"])
    assert f"{tmp_path / 'js/search/geo.js'}:1: import: ./gone.js does not exist" in str(caught.value)


def test_search_page_hints_its_bundle_and_the_shard_directory_and_names_the_tray_modules(sample_site):
    """The build bundles the search script (hosting/minify.py): the head hints that one file.

    site.js (the comparison tray) is not in the head at all: the search script hints its graph
    (search config siteModules) and imports it once the first results are shown.
    """
    html = site_page(sample_site, "search/")
    head = html.head
    modules = [link["href"] for link in head.select('link[rel="modulepreload"]')]
    data = [link for link in head.select('link[rel="preload"]')]
    assert modules == ["../theme/js/search/page.js"]  # RELATIVE_URLS: the page is search/index.html
    scripts = [script["src"] for script in html.select("script[src]")]
    assert "../theme/js/site.js" not in scripts and "../theme/js/search/page.js" in scripts
    config = json.loads(html.select_one("#search-config").get_text())
    expected = ["theme/" + p for p in module_graph(THEME_STATIC, ["js/site.js"])]
    assert config["siteModules"] == expected and expected[0] == "theme/js/site.js" and "theme/js/compare/tray.js" in expected
    for path in expected:
        assert (sample_site / path).is_file(), path
    files = search_data(sample_site)
    for link in data:
        assert link["as"] == "fetch" and link.has_attr("crossorigin")
        path = link["href"].split("/", 3)[3]  # ../search/<group>/<path>
        assert files[path] == sample_site / link["href"][3:]  # the current folder of the file's group
    # Not the whole facet table: a one-prefecture search fetches only its part (issue 17, bytes before the first results).
    assert [link["href"].rsplit("/", 2)[-2:] for link in data] == [["text", "chars.json"]]


def test_other_pages_still_load_site_js_themselves(sample_site):
    html = site_page(sample_site, "compare/")
    assert [s["src"] for s in html.select('script[type="module"][src]')] == ["../theme/js/site.js"]


def test_search_page_links_one_stylesheet_made_of_every_one_it_would_link(sample_site):
    """With esbuild the page's stylesheets are one minified file (search/page.py SEARCH_STYLES), in cascade order."""
    head = site_page(sample_site, "search/").head
    assert [link["href"] for link in head.select('link[rel="stylesheet"]')] == ["../" + STYLE_BUNDLE]
    bundle = (sample_site / STYLE_BUNDLE).read_text(encoding="utf-8")
    assert "/*" not in bundle and len(bundle.splitlines()) < 10  # minified
    # A rule of each part, in the order the page linked them; print.css's only for print.
    marks = [".site-header", ".best-mark", ".compare-why", ".compare-print-info", ".choice--empty", ".search-words__intro", ".card__distance"]
    places = [bundle.index(mark) for mark in marks]
    assert places == sorted(places), dict(zip(marks, places, strict=True))
    assert bundle.rindex("@media print{", 0, places[3]) > places[2]  # print.css inside its own @media print
    assert [name for name, _ in SEARCH_STYLES] == ["site.css", "compare.css", "facts.css", "print.css", "search.css", "search-words.css", "near.css"]
    # Other pages link the files themselves.
    compare = site_page(sample_site, "compare/").head
    assert "../theme/css/site.css" in [link["href"] for link in compare.select('link[rel="stylesheet"]')]
