"""The site under its own Content-Security-Policy, sent as a real header, in headless Chromium.

The sample site is built as `make publish` builds it (absolute addresses at
the server's origin) with the visit planner's relay pointing at a form
handler on another origin. A small server sends each file with the headers
that output/_headers gives it, read the way Netlify and Cloudflare Pages
read it. Every page type is visited and the search, comparison and visit
flows are run; an init script records every `securitypolicyviolation`
event, and the `page` fixture every console error. Both must stay empty.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from pathlib import Path

import pytest
from host_files import headers_for, parse_headers
from pelican import Pelican
from pelican.settings import read_settings
from search.search_helpers import READY, settle
from sitebuild import ROOT, SAMPLE_CONTENT, SAMPLE_FACILITIES, TODAY

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}`);
});
"""
PAGE_TYPES = (
    "",
    "pref/tokyo/",
    "pref/tokyo/mental/",
    "pref/tokyo/table/",
    "disability/mental/",
    "facilities/current/",
    "articles/",
    "articles/teichaku-shien-guide/",
    "search/",
    "compare/",
    "visit/",
    "404.html",
)


class HeaderServer:
    """Serves a folder with the headers its `_headers` file gives each path."""

    def __init__(self, root: Path):
        self.root = root
        self.rules: list = []
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def end_headers(self):
                for name, value in headers_for(server.rules, self.path.split("?", 1)[0]).items():
                    self.send_header(name, value)
                super().end_headers()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.url = self.origin + "/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> None:
        self.rules = parse_headers((self.root / "_headers").read_text(encoding="utf-8"))
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class Endpoint:
    """The operator's form handler, on another origin: answers 200 with CORS."""

    def __init__(self):
        self.received = 0
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                endpoint.received += 1
                self.send_response(200)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "11")
                self.end_headers()
                self.wfile.write(b'{"ok":true}')

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/inquiry"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def endpoint():
    running = Endpoint()
    yield running
    running.httpd.shutdown()
    running.httpd.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory, endpoint):
    output = tmp_path_factory.mktemp("csp") / "output"
    running = HeaderServer(output)  # bound first: the build needs its address
    base = read_settings(str(ROOT / "pelicanconf.py"))
    options = dict(
        base["FACILITY_SITE"],
        records_path=str(SAMPLE_FACILITIES),
        today=TODAY,
        canonical_base=running.origin,
        inquiry_endpoint=endpoint.url,
        privacy_policy_url="https://operator.example.jp/privacy/",
    )
    # What publishconf.py changes: absolute addresses at SITEURL, and the feed.
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={
            "PATH": str(SAMPLE_CONTENT),
            "OUTPUT_PATH": str(output),
            "FACILITY_SITE": options,
            "SITEURL": running.origin,
            "RELATIVE_URLS": False,
            "FEED_ALL_ATOM": "feeds/all.atom.xml",
        },
    )
    Pelican(settings).run()
    running.start()
    yield running
    running.stop()


@pytest.fixture
def tab(page):
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def violations(tab) -> list[str]:
    return tab.evaluate("() => window.__cspViolations")


def visit(tab, url: str) -> None:
    response = tab.goto(url, wait_until="networkidle")
    assert response.ok, url
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, url


def assert_clean(tab, where: str) -> None:
    tab.wait_for_load_state("networkidle")
    assert violations(tab) == [], where
    assert tab.errors == [], where


def test_the_policy_is_enforced_and_a_violation_is_seen(tab, server):
    """The check can fail: an inline script added to a page is blocked and reported."""
    visit(tab, server.url)
    tab.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.body.append(s); }")
    tab.wait_for_function("() => window.__cspViolations.length > 0")
    assert tab.evaluate("() => window.__inline") is None
    assert violations(tab)[0].startswith("script-src")


@pytest.mark.parametrize("url", PAGE_TYPES)
def test_every_page_type_runs_without_violations_or_errors(tab, server, url):
    visit(tab, server.url + url)
    assert_clean(tab, url)


def test_search_flow(tab, server):
    visit(tab, server.url + "search/")
    tab.wait_for_selector(READY)
    settle(tab, lambda: tab.fill("#search-q", "就労"))
    assert tab.locator("[data-results] [data-facility-id]").count() >= 1
    # Conditions from the address, a sort that loads its column, then もっと見る-free paging of cards.
    visit(tab, server.url + "search/?pref=tokyo&pref=chiba&sort=retention")
    tab.wait_for_selector(READY)
    assert tab.locator("[data-results] [data-facility-id]").count() >= 1
    assert_clean(tab, "search")


def test_compare_flow(tab, server):
    visit(tab, server.url + "pref/tokyo/")
    tab.locator('[data-compare-button="current"]').click()
    visit(tab, server.url + "pref/chiba/")
    tab.locator('[data-compare-button="pinto"]').click()
    tab.get_by_role("navigation", name="サイト内").get_by_role("link", name="比較する").click()
    tab.wait_for_selector("[data-compare] thead th[data-facility-id]")
    columns = tab.eval_on_selector_all("[data-compare] thead th[data-facility-id]", "ths => ths.map(th => th.dataset.facilityId)")
    assert sorted(columns) == ["current", "pinto"]
    assert_clean(tab, "compare")


def test_visit_flow_with_the_relay_on_another_origin(tab, server, endpoint):
    visit(tab, server.url + "visit/?ids=current,pinto")
    tab.wait_for_selector("[data-visit-office]")
    tab.get_by_label("お名前", exact=True).fill("山田花子")
    tab.get_by_label("返事を受け取る連絡先", exact=True).fill("hanako@example.com")
    form = tab.locator("[data-visit-office][data-facility-id='current'] [data-visit-relay]")
    before = endpoint.received
    form.get_by_role("button", name=re.compile("あての文面を運営者に送る$")).click()
    form.locator("[data-visit-relay-status]").filter(has_text="送信しました").wait_for()
    assert endpoint.received == before + 1
    assert_clean(tab, "visit")
