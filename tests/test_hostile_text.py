"""Hostile text in a record (HTML, script, javascript: links) is valid data: shown as text, never run.

The fixture tests/fixtures/records/hostile/hostile.yaml puts a payload in every
free-text field. A site is built from it (plus an article embedding its card);
then every HTML page is checked twice: parsed, for elements and attributes the
payloads would create, and in headless Chromium, for a script that ran.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from sitebuild import FIXTURES, StaticServer, build_site
from sitebuild import page as parsed_page

HOSTILE_RECORDS = FIXTURES / "records" / "hostile"
NAME = "<script>window.__pwned=1</script>カレント"
LINE = '"><svg onload=window.__pwned=1>'
IMG = "<img src=x onerror=window.__pwned=1>"
LINK = "[x](javascript:window.__pwned=1)"
CITY = "新宿区<img src=x onerror=__pwned=1>[x](javascript:__pwned=1)"

# Pages that show the facility's name, and the query their scripts need to show it.
NAME_PAGES = {
    "facilities/hostile/": "",
    "pref/tokyo/": "",
    "pref/tokyo/mental/": "",
    "disability/mental/": "",
    "articles/hostile-embed/": "",
    "compare/": "?ids=hostile",
    "visit/": "?ids=hostile",
}
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    article = root / "content" / "articles" / "embed.md"
    article.parent.mkdir(parents=True)
    article.write_text(
        textwrap.dedent(
            """\
            Title: カードの埋め込み
            Slug: hostile-embed
            Date: 2026-11-20

            記事に埋め込んだカードです。

            {% facility hostile %}
            """
        ),
        encoding="utf-8",
    )
    return build_site(root / "output", facilities=HOSTILE_RECORDS, content=root / "content")


def site_urls(site: Path) -> list[str]:
    """Every HTML page of the built site, as a URL relative to its root."""
    urls = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        urls.append(rel.removesuffix("index.html"))
    return urls


def injected(soup) -> list[str]:
    """Everything in a parsed page that the payloads would have created had they been rendered as HTML."""
    found = []
    for script in soup.find_all("script"):
        if script.get("type") == "application/json":
            try:
                json.loads(script.string or "")
            except ValueError:
                found.append(f"JSON block #{script.get('id')} does not parse (text broke out of it?)")
        elif not script.get("src") or (script.string or "").strip():
            found.append(f"inline script: {str(script)[:80]}")
    for element in soup.find_all(True):
        for attribute, value in element.attrs.items():
            if attribute.lower().startswith("on"):
                found.append(f"<{element.name} {attribute}=…>")
            if attribute.lower() in URL_ATTRIBUTES and "".join(str(value).split()).lower().startswith("javascript:"):
                found.append(f"<{element.name} {attribute}={value!r}>")
    found += [f"<svg> {el.attrs}" for el in soup.find_all("svg")]
    found += [f"<img> {el.attrs}" for el in soup.find_all("img", src="x")]
    return found


def card(soup, facility_id: str = "hostile"):
    [element] = soup.select(f'[data-facility-id="{facility_id}"].card')
    return element


# --- parsed HTML -------------------------------------------------------------------------


def test_the_site_has_the_hostile_facility_on_every_page_type(hostile_site):
    urls = site_urls(hostile_site)
    for url in ("", "404.html", *NAME_PAGES):
        assert url in urls


def test_no_page_contains_an_injected_element_or_attribute(hostile_site):
    problems = {url: injected(parsed_page(hostile_site, url)) for url in site_urls(hostile_site)}
    assert {url: found for url, found in problems.items() if found} == {}


def test_facility_page_shows_every_field_literally(hostile_site):
    soup = parsed_page(hostile_site, "facilities/hostile/")
    assert soup.title.get_text().startswith(NAME)
    assert soup.h1.get_text() == NAME
    assert soup.select_one('.breadcrumbs [aria-current="page"]').get_text() == NAME
    assert soup.select_one(".facility__catch").get_text() == f"一行 {IMG} {LINK}"
    assert [li.get_text() for li in soup.select(".tags li")] == [IMG, LINK, LINE]
    text = soup.get_text()
    assert f"{LINE} {IMG}駅 徒歩3分" in text  # line name, then the station (its 駅 dropped and re-added)
    assert f"東京都{CITY}1-2-3 {IMG} {LINK}" in text  # city and address
    assert soup.select_one("[data-operator] dd").get_text() == f"{IMG}法人"
    prose = soup.select_one(".prose")
    assert [p.get_text() for p in prose.find_all("p")] == [
        f"本文 {IMG} です。",
        "<script>window.__pwned=1</script>",
        "リンク: x と y",
    ]
    assert prose.find_all("a") == []  # javascript: links are plain text


@pytest.mark.parametrize("url", ["pref/tokyo/", "pref/tokyo/mental/", "disability/mental/", "articles/hostile-embed/"])
def test_cards_show_the_name_and_city_literally(hostile_site, url):
    element = card(parsed_page(hostile_site, url))
    assert element.select_one(".card__name a").get_text() == NAME
    assert element.select_one(".card__name a")["href"].endswith("facilities/hostile/")
    assert element.select_one(".card__place").get_text() == f"東京都{CITY}"
    assert element.select_one(".card__access").get_text() == f"{LINE} {IMG}駅 徒歩3分"


def test_home_counts_the_hostile_facility(hostile_site):
    # The home page lists prefectures and articles, not facility names; the
    # record still reaches it through the counts.
    soup = parsed_page(hostile_site, "")
    assert [a.get_text() for a in soup.select('a[href$="pref/tokyo/"]')] == ["東京都（1件）"]
    assert NAME not in soup.get_text()


# --- in the browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_server(hostile_site):
    with StaticServer(hostile_site) as server:
        yield server


@pytest.mark.browser
def test_no_script_runs_on_any_page(page, hostile_site, hostile_server):
    tab = page  # the conftest browser tab
    ran = {}
    for url in site_urls(hostile_site):
        tab.goto(hostile_server.url + url + NAME_PAGES.get(url, ""), wait_until="networkidle")
        tab.wait_for_timeout(100)  # let module scripts finish rendering
        pwned = tab.evaluate("() => typeof window.__pwned")
        if pwned != "undefined":
            ran[url] = pwned
    assert ran == {}
    assert tab.errors == []


@pytest.mark.browser
@pytest.mark.parametrize("url", list(NAME_PAGES))
def test_the_browser_shows_the_name_as_text(page, hostile_server, url):
    tab = page
    tab.goto(hostile_server.url + url + NAME_PAGES[url], wait_until="networkidle")
    tab.get_by_text(NAME, exact=True).first.wait_for()  # rendered, by the server or a script
    visible = tab.locator("body").inner_text()
    assert NAME in visible
    assert "<script>" in visible
    assert tab.evaluate("() => typeof window.__pwned") == "undefined"
    assert tab.evaluate("() => document.querySelectorAll('img[src=\"x\"], svg, [onload], [onerror]').length") == 0
    assert tab.errors == []


# --- the checks themselves can fail ------------------------------------------------------------


def test_the_parsed_check_finds_payloads_rendered_as_html():
    from bs4 import BeautifulSoup

    raw = f"<h1>{NAME}</h1><p>{LINE}</p><p>{IMG}</p><a href='javascript:window.__pwned=1'>x</a>"
    found = injected(BeautifulSoup(raw, "html.parser"))
    assert "<svg onload=…>" in found and "<img onerror=…>" in found
    assert any(item.startswith("inline script") for item in found)
    assert any(item.startswith("<a href=") for item in found)


@pytest.mark.browser
def test_the_browser_check_sees_a_payload_that_runs(page):
    page.set_content(f"<p>{IMG}</p>")
    page.wait_for_function("() => window.__pwned === 1")
    assert page.evaluate("() => typeof window.__pwned") == "number"
