"""Link the first use of each glossary word on a page to its entry: one pure HTML → HTML function.

`link_glossary_terms(html, glossary, glossary_url)` needs nothing but its
arguments, so it runs wherever a page is rendered (any process, any part).

What counts as running text: text inside <main>, inside a p, li, dd, td,
blockquote or figcaption, and not inside a heading, link, button, label,
legend, summary, option, dt, th, caption, nav, code or pre (nor script,
style, ruby, svg …), nor inside a tag's attributes or a comment. Each entry
is linked once per page, at its first such use; a link the page already has
to an entry (data-glossary-link) counts as its first use, so running the
function twice changes nothing.

The link is a plain <a> around the word as written, so later transforms
(ruby readings) can work inside it. Its accessible name is the word plus
「（用語集）」 (aria-label), so a screen reader says where it leads while the
visible text, the page's text content and copy-and-paste stay the word alone.
"""

from __future__ import annotations

import html as html_lib
import re

from .model import Glossary

_RUNNING = frozenset(("p", "li", "dd", "td", "blockquote", "figcaption"))
_RAW_TEXT = frozenset(("script", "style", "textarea", "title"))
_BLOCKED = frozenset(
    ("h1", "h2", "h3", "h4", "h5", "h6", "a", "button", "label", "legend", "summary", "option", "select", "dt", "th", "caption")
    + ("nav", "code", "pre", "kbd", "samp", "template", "ruby", "rt", "rp", "svg", "math")
) | _RAW_TEXT
# Only the elements above matter; every other tag is skipped at regex speed.
_TAG = re.compile(
    r"<!--.*?-->|<(/?)(" + "|".join(sorted(_RUNNING | _BLOCKED, key=lambda n: (-len(n), n))) + r")(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>",
    re.S | re.I,
)
_RAW_TEXT_END = {name: re.compile(f"</{name}", re.I) for name in _RAW_TEXT}
_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")
_LOOKBACK = 400  # characters: longer than any opening tag the theme writes before a word
_ALREADY_LINKED = re.compile(r'data-glossary-link="([^"]+)"')


class _Scanner:
    """Walks the page's relevant tags forward, keeping how deep the text is in running and blocked elements."""

    def __init__(self, html: str, start: int):
        self.html = html
        self.tags = _TAG.finditer(html, start)
        self.next = next(self.tags, None)
        self.running = 0
        self.blocked = 0

    def is_running_text(self, at: int) -> bool:
        tag = self.next
        while tag is not None and tag.start() <= at:
            if tag.end() > at:  # the word sits inside a comment
                self.next = tag
                return False
            name = tag[2]
            if name is not None:
                name = name.lower()
                if tag[1]:
                    # A stray end tag never makes a depth negative.
                    if name in _RUNNING:
                        self.running -= self.running > 0
                    else:
                        self.blocked -= self.blocked > 0
                elif not tag[3].endswith("/"):
                    if name in _RUNNING:
                        self.running += 1
                    else:
                        self.blocked += 1
                    if name in _RAW_TEXT:
                        # Skip the element's body: "<p" inside a script is not a tag.
                        close = _RAW_TEXT_END[name].search(self.html, tag.end())
                        resume = close.start() if close else len(self.html)
                        self.tags = _TAG.finditer(self.html, resume)
                        if resume > at:
                            self.next = next(self.tags, None)
                            return False
            tag = next(self.tags, None)
        self.next = tag
        return self.running > 0 and self.blocked == 0


def _inside_tag(html: str, at: int) -> bool:
    return html.rfind("<", 0, at) > html.rfind(">", 0, at)


def _right_after_blocked_tag(html: str, at: int) -> bool:
    """The word follows an opening tag of a blocked element (<dt>就職定着率, <a …>就労移行支援事業所 …).

    A cheap look at the tag just before the word, so the many words in labels
    and card headings of a list page need no walk through the page's tags.
    """
    if at == 0 or html[at - 1] != ">":
        return False
    opening = html.rfind("<", max(at - _LOOKBACK, 0), at)
    match = _TAG_NAME.match(html, opening) if opening >= 0 else None
    return match is not None and match[1].lower() in _BLOCKED


def link_glossary_terms(html: str, glossary: Glossary, glossary_url: str) -> str:
    """`html` with the first running-text use of each entry's words linked to `glossary_url#id`."""
    if glossary.pattern is None:
        return html
    start = html.find("<main")
    end = html.rfind("</main>")
    if start < 0 or end < start:
        return html
    href = html_lib.escape(glossary_url)
    used = set(_ALREADY_LINKED.findall(html))
    remaining = len({entry.id for entry in glossary.entries} - used)
    scanner = _Scanner(html, start)
    parts: list[str] = []
    written = 0
    for match in glossary.pattern.finditer(html, start, end):
        if not remaining:
            break
        entry_id = glossary.id_of[match[0]]
        at = match.start()
        if entry_id in used or _right_after_blocked_tag(html, at) or not scanner.is_running_text(at) or _inside_tag(html, at):
            continue
        word = match[0]
        label = html_lib.escape(html_lib.unescape(word) + "（用語集）")
        parts.append(html[written:at])
        parts.append(f'<a class="glossary-link" href="{href}#{entry_id}" data-glossary-link="{entry_id}" aria-label="{label}">{word}</a>')
        written = match.end()
        used.add(entry_id)
        remaining -= 1
    if not parts:
        return html
    parts.append(html[written:])
    return "".join(parts)
