"""The theme's scripts are minified in the output by esbuild (hosting/minify.py, issue 17).

The browser tests of every page (search, compare, visit, ふりがな) run the
minified scripts; these check what was written: smaller files with the same
module graph, Japanese text kept as UTF-8, the same bytes every build, and a
clear failure when esbuild is missing or a script does not parse.
"""

from __future__ import annotations

import gzip
import re
import shutil

import pytest
from facility_site.build import build
from facility_site.cache import BuildCache
from facility_site.hosting import minify
from facility_site.hosting.minify import BUNDLED_ENTRIES, MinifyError, minify_scripts, theme_scripts
from facility_site.search.modules import module_graph, static_imports
from facility_site.search.page import SEARCH_STYLES, STYLE_BUNDLE
from sitebuild import ROOT, SAMPLE_FACILITIES, build_site
from sitebuild import page as site_page

SOURCES = ROOT / "theme" / "static" / "js"
ESBUILD = ROOT / "node_modules" / "esbuild" / "bin" / "esbuild"
# esbuild writes `import{a as b}from"./x.js"` and `export{c}from"./y.js"`, without spaces.
MINIFIED_IMPORT = re.compile(r'(?:^|[;}])\s*(?:import|export)\s*(?:[\w$*{}, ]*?from\s*)?"(\.{1,2}/[^"]+)"')
ENTRIES = ["site.js", "search/page.js", "search/worker.js", "compare/page.js", "visit/page.js", "furigana/live.js"]


def minified_imports(text: str) -> list[str]:
    return MINIFIED_IMPORT.findall(text)


def test_every_theme_script_is_written_minified_with_the_same_imports(sample_site):
    written = sample_site / "theme" / "js"
    sources = theme_scripts(SOURCES)
    assert len(sources) > 30
    assert [p.relative_to(SOURCES) for p in sources] == [p.relative_to(written) for p in theme_scripts(written)]
    source_gzip = written_gzip = 0
    for source in sources:
        if source.relative_to(SOURCES).as_posix() in BUNDLED_ENTRIES:
            continue  # one file with its whole graph (the next test)
        text = source.read_text(encoding="utf-8")
        out = (written / source.relative_to(SOURCES)).read_text(encoding="utf-8")
        assert len(out) < len(text), source
        assert "/**" not in out and "\n  " not in out, source  # no doc comments, no indentation
        # The same static imports, so the modulepreload hints (read from the sources) still fit.
        assert minified_imports(out) == static_imports(text), source
        source_gzip += len(gzip.compress(text.encode()))
        written_gzip += len(gzip.compress(out.encode()))
    assert sum(len(static_imports((SOURCES / entry).read_text(encoding="utf-8"))) for entry in ENTRIES) > 10
    assert written_gzip < source_gzip * 0.7, (written_gzip, source_gzip)
    # Japanese stays UTF-8 (esbuild would write \\u escapes, twice the bytes, without --charset=utf8).
    tray = (written / "compare" / "tray.js").read_text(encoding="utf-8")
    assert "比較リスト" in tray and "\\u" not in tray


def test_the_search_script_is_one_bundle_of_its_whole_static_graph(sample_site):
    """search/page.js: every module it imports statically in one file (one request, no import waves)."""
    written = sample_site / "theme" / "js"
    assert BUNDLED_ENTRIES == ("search/page.js", "search/worker.js")
    bundle = (written / "search" / "page.js").read_text(encoding="utf-8")
    assert minified_imports(bundle) == []  # nothing left to fetch before it runs
    graph = module_graph(SOURCES.parent, ["js/search/page.js"])
    assert len(graph) > 8
    # Code of the deepest modules is in it: the engine's facet alphabet, the tokenizer's, the config reader.
    assert "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" in bundle
    assert 'getElementById("site-config")' in bundle and 'getElementById("search-config")' in bundle
    # Much smaller than the graph's sources (each gzipped), and Japanese as UTF-8.
    sources = sum(len(gzip.compress((SOURCES.parent / path).read_bytes())) for path in graph)
    assert len(gzip.compress(bundle.encode())) < sources * 0.6, sources
    assert "条件に合う事業所は見つかりませんでした" in bundle and "\\u" not in bundle
    # The worker is one bundle too (it runs the same engine); the modules are still written on their own, minified.
    worker = (written / "search" / "worker.js").read_text(encoding="utf-8")
    assert minified_imports(worker) == [] and "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" in worker
    assert "document" not in worker  # none of the page's modules
    assert (written / "search" / "engine.js").stat().st_size < (SOURCES / "search" / "engine.js").stat().st_size
    # The dynamic imports of computed URLs (lunr.js, site.js) stay separate files.
    assert 'import(new URL("../site.js",import.meta.url).href)' in bundle


def test_the_same_sources_give_the_same_bytes(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    shutil.copytree(SOURCES, first)
    shutil.copytree(SOURCES, second)
    assert minify_scripts(first, ESBUILD) == minify_scripts(second, ESBUILD) == len(theme_scripts(SOURCES))
    for path in theme_scripts(first):
        assert path.read_bytes() == (second / path.relative_to(first)).read_bytes()
        assert path.read_bytes() != (SOURCES / path.relative_to(first)).read_bytes()


def test_minify_js_none_writes_the_scripts_as_written(tmp_path):
    (tmp_path / "content").mkdir()
    site = build_site(tmp_path / "out", SAMPLE_FACILITIES, tmp_path / "content", minify_js=None)
    for source in theme_scripts(SOURCES):
        assert (site / "theme" / "js" / source.relative_to(SOURCES)).read_bytes() == source.read_bytes()
    # No bundle: the search page hints every module of the search script's graph instead,
    # and links every stylesheet of search/page.py SEARCH_STYLES itself, in that order (what the bundle holds).
    head = site_page(site, "search/").head
    links = [(link["href"].removeprefix("../theme/css/"), link.get("media")) for link in head.select('link[rel="stylesheet"]')]
    assert links == list(SEARCH_STYLES)
    assert not (site / STYLE_BUNDLE).exists()
    hinted = [link["href"].removeprefix("../theme/") for link in head.select('link[rel="modulepreload"]')]
    assert hinted == module_graph(SOURCES.parent, ["js/search/page.js"]) and len(hinted) > 8


def test_a_missing_esbuild_stops_the_build(tmp_path):
    with pytest.raises(MinifyError, match="does not exist; run `npm ci`"):
        minify_scripts(shutil.copytree(SOURCES, tmp_path / "js"), tmp_path / "no-esbuild")


def test_a_script_that_does_not_parse_stops_the_build_and_says_where(tmp_path):
    folder = shutil.copytree(SOURCES, tmp_path / "js")
    (folder / "search" / "broken.js").write_text("export const a = 1;\nconst = ;\n", encoding="utf-8")
    with pytest.raises(MinifyError) as failure:
        minify_scripts(folder, ESBUILD)
    assert "broken.js:2:" in str(failure.value)


def test_a_failed_minification_leaves_the_previous_output(tmp_path, monkeypatch):
    """Through the real build command: nothing is swapped in when esbuild is missing."""
    output = tmp_path / "output"
    output.mkdir()
    (output / "keep.txt").write_text("previous build", encoding="utf-8")
    settings = tmp_path / "conf.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom pelicanconf import *\n"
        f"FACILITY_SITE = dict(FACILITY_SITE, records_path={str(SAMPLE_FACILITIES)!r}, cache_path=None, minify_js={str(tmp_path / 'missing')!r})\n"
        f"PATH = {str(tmp_path / 'content')!r}\n",
        encoding="utf-8",
    )
    (tmp_path / "content").mkdir()
    assert build(str(settings), str(output)) == 1
    assert sorted(p.name for p in output.iterdir()) == ["keep.txt"]


def scripts_of(folder) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in theme_scripts(folder)}


def test_a_build_with_the_same_scripts_and_esbuild_writes_the_kept_minified_bytes_without_running_esbuild(tmp_path, monkeypatch):
    """minify_cached: the build cache holds the last minified scripts under a digest of every script, esbuild's
    options and the esbuild binary; the same inputs give the same bytes without esbuild, any change runs it."""
    cache = BuildCache(tmp_path / "cache")
    runs = []
    run = minify.subprocess.run
    monkeypatch.setattr(minify.subprocess, "run", lambda *a, **k: runs.append(a) or run(*a, **k))

    def pelican_copy(name):  # the output as Pelican leaves it: the theme's scripts as written
        output = tmp_path / name
        shutil.copytree(SOURCES, output / "theme" / "js")
        return output, output / "theme" / "js"

    output, js = pelican_copy("first")
    assert minify.minify_cached(output, js, ESBUILD, cache) == (len(theme_scripts(SOURCES)), True)
    first = scripts_of(js)
    assert len(runs) == 2  # the bundles, then every script
    output, js = pelican_copy("second")
    assert minify.minify_cached(output, js, ESBUILD, cache) == (len(first), False)
    assert len(runs) == 2
    assert scripts_of(js) == first
    # One script changed: esbuild runs, and the result is esbuild's for these sources.
    output, js = pelican_copy("third")
    (js / "compare" / "tray.js").write_text((js / "compare" / "tray.js").read_text(encoding="utf-8") + "\nexport const added = 1;\n", encoding="utf-8")
    reference = shutil.copytree(js, tmp_path / "reference")
    assert minify.minify_cached(output, js, ESBUILD, cache)[1] is True
    minify_scripts(reference, ESBUILD)
    assert scripts_of(js) == scripts_of(reference)
    # Another esbuild (another binary, or another version of its package): esbuild runs again.
    output, js = pelican_copy("fourth")
    assert minify.minify_cached(output, js, ESBUILD, cache)[1] is True  # the sources went back to the first's
    monkeypatch.setattr(minify, "esbuild_identity", lambda tool: b"another esbuild")
    output, js = pelican_copy("fifth")
    assert minify.minify_cached(output, js, ESBUILD, cache)[1] is True
    assert scripts_of(js) == first
