"""A facility page with three photos in Chromium at 390px: axe-core, no sideways scroll, and the page-weight budget.

Budget (issue 18): the whole page — HTML, CSS, scripts, data and all three
photos after scrolling to the end — under 250 KiB gzip at a 390px viewport.
Text responses are counted gzip-compressed (as a static host serves them),
images as they are (WebP does not compress further).
"""

from __future__ import annotations

import contextlib
import gzip

import pytest
from conftest import format_violations, run_axe
from photo_records import empty_content, write_gallery_records
from sitebuild import StaticServer, build_site

pytestmark = pytest.mark.browser

BUDGET = 250 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("photos-browser")
    folder = write_gallery_records(root / "records")
    site = build_site(root / "output", facilities=folder, content=empty_content(root), pelican_settings={"CACHE_PATH": str(root / "cache")})
    with StaticServer(site) as running:
        yield running


def page_weight(browser, url: str, width: int, scale: float = 1) -> dict:
    """Bytes per kind of response for one page view, scrolled to the end so lazy photos load."""
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 844}, device_scale_factor=scale)
    tab = context.new_page()
    bodies: list[tuple[str, str, bytes]] = []

    def record(response):
        with contextlib.suppress(Exception):  # a redirect or aborted request has no body
            bodies.append((response.url, response.headers.get("content-type", ""), response.body()))

    tab.on("response", record)
    tab.goto(url, wait_until="networkidle")
    tab.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    tab.wait_for_function("() => [...document.querySelectorAll('[data-gallery] img')].every(img => img.complete && img.naturalWidth > 0)")
    tab.wait_for_load_state("networkidle")
    chosen = tab.eval_on_selector_all("[data-gallery] img", "imgs => imgs.map(img => img.currentSrc.split('/').pop())")
    context.close()
    weights = {"photos": 0, "text": 0}
    for _url, kind, body in bodies:
        if kind.startswith("image/webp"):
            weights["photos"] += len(body)
        else:
            weights["text"] += len(gzip.compress(body, compresslevel=9, mtime=0))
    weights["total"] = weights["photos"] + weights["text"]
    weights["chosen"] = chosen
    weights["requests"] = len(bodies)
    return weights


def test_facility_page_with_three_photos_stays_under_250_kib_at_390px(browser, server):
    weights = page_weight(browser, f"{server.url}facilities/gallery/", 390)
    print(f"\nphoto page at 390px: {weights}")
    assert len(weights["chosen"]) == 3 and all(name.endswith("-320.webp") for name in weights["chosen"])
    assert weights["total"] < BUDGET, weights
    # A phone's screen has 2–3 device pixels per CSS pixel: the browser takes the 640px variants then.
    dense = page_weight(browser, f"{server.url}facilities/gallery/", 390, scale=3)
    print(f"photo page at 390px, device scale 3: {dense}")
    assert all(name.endswith("-640.webp") for name in dense["chosen"])
    assert dense["total"] < BUDGET, dense


def test_page_with_photos_passes_axe_and_fits_a_phone(browser, server):
    for width in (390, 320):
        context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 844})
        tab = context.new_page()
        errors: list[str] = []
        tab.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        try:
            tab.goto(f"{server.url}facilities/gallery/", wait_until="networkidle")
            assert tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
            # The boxes keep their place before the lazy photos arrive: each has its final height already.
            heights = tab.eval_on_selector_all("[data-gallery] img", "imgs => imgs.map(img => img.getBoundingClientRect().height)")
            assert all(h > 50 for h in heights), heights
            violations = run_axe(tab)
            assert violations == [], format_violations(violations)
            links = tab.eval_on_selector_all("[data-gallery] a", "as => as.map(a => a.getBoundingClientRect().height)")
            assert all(h >= 44 for h in links)
            tab.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
            tab.wait_for_function("() => [...document.querySelectorAll('[data-gallery] img')].every(img => img.complete && img.naturalWidth > 0)")
            tab.screenshot(path=f"/tmp/facts-photos-{width}.png", full_page=True)
            tab.goto(f"{server.url}pref/tokyo/", wait_until="networkidle")
            violations = run_axe(tab)
            assert violations == [], format_violations(violations)
            assert tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
            if width == 390:
                tab.screenshot(path="/tmp/facts-card-390.png", full_page=True)
            assert errors == []
        finally:
            context.close()
