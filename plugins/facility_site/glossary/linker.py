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
# The opening tag right before a word: text directly inside a blocked element is out without a scan.
_LAST_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")
_RAW_TEXT_END = {name: re.compile(f"</{name}", re.I) for name in _RAW_TEXT}
_ALREADY_LINKED = re.compile(r'data-glossary-link="([^"]+)"')


class _Scanner:
    """Walks the page's relevant tags forward, keeping how deep the text is in running and blocked elements."""

    def __init__(self, html: str, start: int):
        self.html = html
        self.pos = start
        self.running = 0
        self.blocked = 0
        self.raw_until = -1  # inside a script/style/… body up to here

    def is_running_text(self, at: int) -> bool:
        html = self.html
        while self.pos <= at:
            match = _TAG.search(html, self.pos)
            if match is None or match.start() > at:
                break
            if match.end() > at:  # the word sits inside a comment
                return False
            self.pos = match.end()
            name = match[2]
            if name is None:
                continue
            name = name.lower()
            closing = bool(match[1])
            if closing:
                self._count(name, -1)
            elif not match[3].rstrip().endswith("/"):
                self._count(name, 1)
                if name in _RAW_TEXT:
                    close = _RAW_TEXT_END[name].search(html, self.pos)
                    self.raw_until = close.start() if close else len(html)
                    if self.raw_until > at:
                        return False
                    self.pos = self.raw_until
        return self.running > 0 and self.blocked == 0 and self.raw_until <= at

    def _count(self, name: str, step: int) -> None:
        if name in _RUNNING:
            self.running = max(self.running + step, 0)
        else:
            self.blocked = max(self.blocked + step, 0)


def _inside_tag(html: str, at: int) -> bool:
    return html.rfind("<", 0, at) > html.rfind(">", 0, at)


def _directly_in_blocked(html: str, at: int) -> bool:
    """The nearest tag before `at` opens a blocked element (<dt>就職定着率, <a …>就労移行支援事業所 …)."""
    opening = html.rfind("<", 0, at)
    match = _LAST_TAG_NAME.match(html, opening) if opening >= 0 else None
    return bool(match) and match[1].lower() in _BLOCKED


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
        if entry_id in used or _inside_tag(html, at) or _directly_in_blocked(html, at):
            continue
        if not scanner.is_running_text(at):
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
