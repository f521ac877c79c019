"""The README's two ways in, and the "start your own site" path followed step by step."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from sitebuild import FIXTURES, ROOT, page

README = ROOT / "README.md"
# Sections other parts of the project document themselves in.
KEPT_SECTIONS = ["Writing a facility record", "Starting from the open data", "Searching facilities", "Comparing facilities",
                 "Settings", "Libraries and why", "Accessibility"]


def sections() -> list[tuple[str, str]]:
    """(heading, body) of every ## and ### section, in order."""
    parts = re.split(r"^#{2,3} (.+)$", README.read_text(encoding="utf-8"), flags=re.M)
    return list(zip(parts[1::2], parts[2::2], strict=True))


def test_readme_opens_with_the_two_paths():
    found = sections()
    assert [heading for heading, _ in found[:2]] == ["Try it", "Start your own site"]
    try_it, own_site = found[0][1], found[1][1]
    assert "make serve" in try_it and "make test" in try_it
    for step in ("rm facilities/*.yaml", "content/articles/teichaku-shien-guide.md", "SITENAME", "60", "62",
                 "make import", "make publish SITEURL=", "output/"):
        assert step in own_site, step
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.M))
    assert set(re.findall(r"make ([a-z][a-z-]*)", try_it + own_site)) <= targets
    headings = [heading for heading, _ in found]
    assert all(name in headings for name in KEPT_SECTIONS)
    # Internals live in docs/, linked from the README.
    for doc in ("docs/architecture.md", "docs/search.md"):
        assert (ROOT / doc).is_file() and f"({doc})" in README.read_text(encoding="utf-8")


def run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "SITEURL"}
    result = subprocess.run([sys.executable, *args], cwd=cwd, env=dict(environment, PYTHONPATH=str(ROOT / "plugins"), **env),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def test_start_your_own_site_from_the_open_data(tmp_path):
    # 1. No sample records; the sample article kept without its embedded cards.
    facilities = tmp_path / "facilities"
    facilities.mkdir()
    articles = tmp_path / "content" / "articles"
    articles.mkdir(parents=True)
    guide = (ROOT / "content" / "articles" / "teichaku-shien-guide.md").read_text(encoding="utf-8")
    (articles / "teichaku-shien-guide.md").write_text(re.sub(r"(?m)^\{% facility \S+ %\}\n", "", guide), encoding="utf-8")
    # 3.–4. The official CSVs, imported.
    csv = sorted(str(p) for p in (FIXTURES / "opendata" / "release1").glob("*.csv"))
    run("-m", "facility_site.open_data", "--facilities", str(facilities), *csv, cwd=tmp_path)
    imported = sorted(p.stem for p in facilities.glob("*.yaml"))
    assert imported
    # 6. Published under the real address.
    output = tmp_path / "output"
    run("-m", "facility_site.build", "-s", str(ROOT / "publishconf.py"), "-o", str(output), cwd=tmp_path,
        SITEURL="https://shuro.example.org", FACILITIES=str(facilities), CONTENT=str(tmp_path / "content"))
    for record_id in imported:
        facility = page(output, f"facilities/{record_id}/")
        assert facility.find("link", rel="canonical")["href"] == f"https://shuro.example.org/facilities/{record_id}/"
    article = page(output, "articles/teichaku-shien-guide/")
    assert article.select(".embedded-card") == []
    assert "shuro-navi.example.jp" not in "".join(p.read_text(encoding="utf-8", errors="replace") for p in output.rglob("*.html"))
