"""A small internal link checker over a built site (the standard library's html.parser, for speed).

Every href, src, srcset candidate and action that stays on the site must name a file of the
output (a folder means its index.html), and every #fragment an element id
(or <a name>) on the page it points to. External links, mailto:, tel: and
data: are left alone; query strings are ignored (the pages read them).
"""

from __future__ import annotations

import html.parser
import posixpath
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRIBUTES = {"a": "href", "link": "href", "area": "href", "script": "src", "img": "src", "source": "src", "iframe": "src", "form": "action"}
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass
class PageLinks:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[int, str, str]] = field(default_factory=list)  # (line, tag, url)


class _Collector(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = PageLinks()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.page.ids.add(attributes["id"])
        if tag == "a" and attributes.get("name"):
            self.page.ids.add(attributes["name"])
        name = LINK_ATTRIBUTES.get(tag)
        if name and attributes.get(name) is not None:
            self.page.links.append((self.getpos()[0], tag, attributes[name]))
        for candidate in (attributes.get("srcset") or "").split(","):  # "a-320.webp 320w, a-640.webp 640w"
            if candidate.strip():
                self.page.links.append((self.getpos()[0], tag, candidate.split()[0]))


def read_page(path: Path) -> PageLinks:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    collector.close()
    return collector.page


def target_file(site: Path, site_path: str) -> Path | None:
    """The output file a site path ("/pref/tokyo/") is served from, or None."""
    relative = posixpath.normpath(unquote(site_path)).lstrip("/")
    if relative in ("", "."):
        relative = ""
    candidate = site / relative
    if site_path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def broken_links(site: Path, origins: tuple[str, ...]) -> list[str]:
    """Every internal link of every page (and of sitemap.xml) that does not resolve, as 'page:line: url: problem'."""
    pages = {path: read_page(path) for path in sorted(site.rglob("*.html"))}
    problems: list[str] = []

    def check(source: Path, line: int, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("mailto", "tel", "data"):
            return
        if parts.scheme or parts.netloc:
            origin = f"{parts.scheme}://{parts.netloc}"
            if origin not in origins:
                return  # another site
            site_path = parts.path or "/"
        elif not parts.path:
            site_path = "/" + source.relative_to(site).as_posix()  # "#id" on the page itself
        else:
            base = "/" + source.relative_to(site).parent.as_posix()
            site_path = posixpath.join(base, parts.path) + ("/" if parts.path.endswith("/") else "")
        where = f"{source.relative_to(site)}:{line}: {url}"
        target = target_file(site, site_path)
        if target is None:
            problems.append(f"{where}: no such file")
            return
        if parts.fragment:
            if target.suffix != ".html":
                problems.append(f"{where}: fragment on a file that is not a page")
            elif unquote(parts.fragment) not in pages[target].ids:
                problems.append(f"{where}: no element with id {unquote(parts.fragment)!r}")

    for path, page in pages.items():
        for line, _tag, url in page.links:
            check(path, line, url.strip())
    sitemap = site / "sitemap.xml"
    if sitemap.is_file():
        for number, loc in enumerate(ET.parse(sitemap).getroot().iter(f"{SITEMAP_NS}loc"), start=1):
            check(sitemap, number, loc.text.strip())
    return problems
