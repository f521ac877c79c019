"""Turn a record's Markdown description into safe HTML.

Raw HTML in the Markdown is shown as text (never rendered), and links keep
only http(s), mailto and tel targets (any other link becomes plain text), so
a record cannot carry script.
"""

from __future__ import annotations

from urllib.parse import urlsplit
from xml.etree import ElementTree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
# The description sits under the facility page's <h2>事業所の紹介</h2>, so its
# own headings start at <h3> whatever level the operator wrote.
HEADING_SHIFT = 2
HEADINGS = {f"h{level}": f"h{min(level + HEADING_SHIFT, 6)}" for level in range(1, 7)}


def is_safe_href(href: str) -> bool:
    text = "".join(href.split()).lower()  # browsers ignore whitespace inside schemes
    scheme = urlsplit(text).scheme
    return scheme in SAFE_SCHEMES


class _LinkGuard(Treeprocessor):
    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter():
            if element.tag in HEADINGS:
                element.tag = HEADINGS[element.tag]
            elif element.tag == "a":
                if is_safe_href(element.get("href", "")):
                    element.set("rel", "noopener noreferrer")
                else:
                    # Keep the words, drop the link: an <a> without href still
                    # looks like a link to a reader but goes nowhere.
                    element.tag = "span"
                    element.attrib.clear()
            elif element.tag == "img":
                # Images from records are not supported: keep their alt text only.
                element.tag = "span"
                alt = element.attrib.pop("alt", "")
                element.attrib.clear()
                element.text = alt


class _NoRawHtml(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_LinkGuard(md), "facility_link_guard", 0)


_converter: markdown.Markdown | None = None


def render_description(text: str) -> str:
    # One converter, reset between records: building it costs more than a
    # typical description's conversion, and a national build has 30,000.
    global _converter
    if _converter is None:
        _converter = markdown.Markdown(extensions=[_NoRawHtml()], output_format="html")
    return _converter.reset().convert(text)
