"""Turn a record's Markdown description into safe HTML.

Raw HTML in the Markdown is shown as text (never rendered), and links keep
only http(s), mailto and tel targets (any other link becomes plain text), so
a record cannot carry script.

`JoinJapaneseLines` is also used for articles (pelicanconf.py MARKDOWN): a
line break inside a paragraph joins without a space between Japanese text.
"""

from __future__ import annotations

import re
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


# Japanese on both sides of a line break: CJK punctuation, kana, ideographs,
# full-width forms. Latin words keep the space a line break gives them.
_JAPANESE = (
    "\u3000-\u303f"  # CJK symbols and punctuation: 、。「」々〜
    "\u3040-\u30ff"  # hiragana, katakana (with ー)
    "\u31f0-\u31ff"  # katakana phonetic extensions
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\uff01-\uff60\uff61-\uff9f"  # full-width forms, half-width punctuation and kana
)
_LINE_BREAK_BETWEEN_JAPANESE = re.compile(f"(?<=[{_JAPANESE}])[ \t]*\n[ \t]*(?=[{_JAPANESE}])")
# Blocks whose inline text is joined; each is handled on its own.
_TEXT_BLOCKS = {"p", "li", "dt", "dd", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption"}
# Inline elements whose text is never joined, and that separate the text around them.
_BARRIERS = {"code", "kbd", "samp", "br", "pre", "script", "style"}


class _JapaneseLineJoiner(Treeprocessor):
    def run(self, root: ElementTree.Element) -> None:
        for element in root.iter():
            # itertext() is cheap and finds every candidate (it also sees code, which _join_lines leaves alone).
            if element.tag in _TEXT_BLOCKS and _LINE_BREAK_BETWEEN_JAPANESE.search("".join(element.itertext())):
                _join_lines(element)


def _inline_slots(block: ElementTree.Element) -> list[tuple[ElementTree.Element, str] | None]:
    """The block's inline text in document order, as (element, "text"|"tail"); None where text must not join."""
    slots: list[tuple[ElementTree.Element, str] | None] = []

    def walk(element: ElementTree.Element) -> None:
        slots.append((element, "text"))
        for child in element:
            if child.tag in _BARRIERS or child.tag in _TEXT_BLOCKS or child.tag in ("ul", "ol", "dl", "table", "div", "blockquote"):
                slots.append(None)
            else:
                walk(child)
            slots.append((child, "tail"))

    walk(block)
    return slots


def _join_lines(block: ElementTree.Element) -> None:
    slots = _inline_slots(block)
    texts = [(getattr(slot[0], slot[1]) or "") if slot else "\x00" for slot in slots]
    joined = "".join(texts)
    cuts = [m.span() for m in _LINE_BREAK_BETWEEN_JAPANESE.finditer(joined)]
    if not cuts:
        return
    removed = {i for a, b in cuts for i in range(a, b)}
    start = 0
    for slot, text in zip(slots, texts, strict=True):
        end = start + len(text)
        if slot is not None and not removed.isdisjoint(range(start, end)):
            setattr(slot[0], slot[1], "".join(ch for i, ch in enumerate(text, start) if i not in removed))
        start = end


class JoinJapaneseLines(Extension):
    """A line break inside a paragraph between Japanese text joins without a space.

    Markdown turns a line break into a space; between Japanese sentences that
    shows as a gap. Between Latin words the space stays. Code is untouched.
    """

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # After inline parsing (priority 20), so the text of **bold** and links is seen too.
        md.treeprocessors.register(_JapaneseLineJoiner(md), "join_japanese_lines", 5)


def makeExtension(**kwargs) -> JoinJapaneseLines:  # noqa: N802 (Markdown's API)
    return JoinJapaneseLines(**kwargs)


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
        _converter = markdown.Markdown(extensions=[_NoRawHtml(), JoinJapaneseLines()], output_format="html")
    return _converter.reset().convert(text)
