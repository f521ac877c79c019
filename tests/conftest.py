from __future__ import annotations

import json
from pathlib import Path

import pytest
from record_text import records_folder
from sitebuild import ROOT, StaticServer, build_site

CHROMIUM = "/usr/bin/chromium"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """tmp_path/facilities as the records folder, run from tmp_path (the reader tests; a module's own `folder` wins)."""
    return records_folder(tmp_path, monkeypatch)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample site, built once per test session."""
    return build_site(tmp_path_factory.mktemp("sample") / "output")


@pytest.fixture(scope="session")
def sample_server(sample_site):
    with StaticServer(sample_site) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser page that records script errors and console errors."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1024, "height": 800})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    context.close()


def run_axe(tab) -> list[dict]:
    """WCAG 2.1 A/AA violations axe-core finds on the current page.

    axe-core is run through DevTools (not as an added <script>, which the
    pages' Content-Security-Policy blocks as an inline script); the
    statement after it keeps Playwright from taking the source for a function.
    """
    tab.evaluate(f"{AXE_JS.read_text(encoding='utf-8')}\n;'axe-core loaded';")
    result = tab.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa']}})).violations"
    )
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result]


def format_violations(violations: list[dict]) -> str:
    return json.dumps(violations, ensure_ascii=False, indent=1)
