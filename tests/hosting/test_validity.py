"""HTML validity (the Nu Html Checker) and internal links, on the sample site and a 1,000-facility synthetic site.

The Nu Html Checker (vnu-jar, a devDependency) runs once, in one JVM, over
every page of both sites plus one page with a known error, so the run is
shown to report errors before its silence counts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from linkcheck import broken_links
from search.search_helpers import write_synthetic_records
from sitebuild import ROOT, build_site

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ORIGINS = ("http://localhost:8000",)  # pelicanconf.py's SITEURL: canonical links and the sitemap
SYNTHETIC_COUNT = 1000
KNOWN_BAD = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>canary</title></head>
<body><p><div>block inside a paragraph is fine, but a stray end tag is not</span></p></body></html>
"""


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synthetic-1000")
    records = write_synthetic_records(root / "records", SYNTHETIC_COUNT, seed=1)
    content = root / "content"
    (content / "articles").mkdir(parents=True)
    return build_site(root / "output", facilities=records, content=content)


@pytest.fixture(scope="module")
def vnu_errors(sample_site, synthetic_site, tmp_path_factory) -> dict[str, list[str]]:
    """{file: [error, …]} for every page the checker reported on, from one run over both sites and the canary."""
    canary = tmp_path_factory.mktemp("canary") / "bad.html"
    canary.write_text(KNOWN_BAD, encoding="utf-8")
    java = shutil.which("java")
    assert java, "java is missing: `make setup-dev` installs Debian's default-jre-headless"
    done = subprocess.run(
        [java, "-Xss4m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--skip-non-html", str(sample_site), str(synthetic_site), str(canary)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    report = json.loads(done.stderr or done.stdout)
    errors: dict[str, list[str]] = {}
    for message in report["messages"]:
        where = message.get("url", "").removeprefix("file:")
        errors.setdefault(where, []).append(f"{message.get('lastLine', '?')}: {message['type']}: {message.get('message', '')}")
    return {"canary": errors.pop(str(canary), []), **errors}


def test_the_checker_reports_a_known_error(vnu_errors):
    assert vnu_errors["canary"], "vnu reported nothing on a page with a stray end tag"


def test_every_page_of_both_sites_is_valid_html(vnu_errors, sample_site, synthetic_site):
    assert len(list(synthetic_site.rglob("*.html"))) > SYNTHETIC_COUNT
    others = {page: found for page, found in vnu_errors.items() if page != "canary"}
    assert others == {}, json.dumps(dict(list(others.items())[:10]), ensure_ascii=False, indent=1)


def test_every_internal_link_asset_and_fragment_resolves_on_the_sample_site(sample_site):
    assert broken_links(sample_site, ORIGINS) == []


def test_every_internal_link_asset_and_fragment_resolves_on_the_synthetic_site(synthetic_site):
    problems = broken_links(synthetic_site, ORIGINS)
    assert problems == [], "\n".join(problems[:30])


def test_the_link_checker_finds_a_missing_page_and_a_missing_fragment(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "p-2.webp").write_bytes(b"RIFF")
    (tmp_path / "index.html").write_text('<p id="top"><a href="a/">ok</a> <a href="a/#here">ok</a> <a href="#top">ok</a>'
                                        '<a href="b/">missing</a> <a href="a/#nowhere">missing</a> <img src="/x.png">'
                                        '<a href="https://example.org/elsewhere">external</a> <a href="mailto:x@example.jp">mail</a>', encoding="utf-8")
    page_a = '<h2 id="here">here</h2><a href="../#top">back</a><a href="http://localhost:8000/a/#gone">x</a><img srcset="p-1.webp 320w, ../p-2.webp 640w">'
    (tmp_path / "a" / "index.html").write_text(page_a, encoding="utf-8")
    assert broken_links(tmp_path, ORIGINS) == [
        "a/index.html:1: http://localhost:8000/a/#gone: no element with id 'gone'",
        "a/index.html:1: p-1.webp: no such file",
        "index.html:1: b/: no such file",
        "index.html:1: a/#nowhere: no element with id 'nowhere'",
        "index.html:1: /x.png: no such file",
    ]
