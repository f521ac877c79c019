"""Replace `{% facility <id> %}` lines in articles and pages with facility cards."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from .errors import ContentError, Problem
from .records import display_path

SOURCE_MARKER = re.compile(r"^\s*\{%\s*facility\s+(?P<id>[^\s%]+)\s*%\}\s*$")
# Markdown wraps a marker on its own line in a paragraph.
HTML_MARKER = re.compile(r"<p>\s*\{%\s*facility\s+(?P<id>[^\s%<]+)\s*%\}\s*</p>")


def _contents(context: dict) -> Iterable:
    for key in ("articles", "drafts", "pages", "hidden_pages", "draft_pages"):
        for content in context.get(key) or ():
            yield content
            yield from getattr(content, "translations", ())


def embed_cards(context: dict, known_ids: set[str], render_card: Callable[[str, object], str]) -> None:
    """Check every marker against `known_ids`, then swap each for its rendered card.

    Unknown ids are collected from the source files (so the error names the
    line the author wrote) and raised together before anything is changed.
    """
    contents = list(_contents(context))
    problems: list[Problem] = []
    for content in contents:
        source = Path(content.source_path)
        if not source.is_file():
            continue
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
            match = SOURCE_MARKER.match(line)
            if match and match["id"] not in known_ids:
                problems.append(Problem(display_path(source), number, "facility", f"unknown facility id {match['id']!r}"))
    if problems:
        raise ContentError(problems)
    for content in contents:
        if content._content and "facility" in content._content:
            content._content = HTML_MARKER.sub(lambda m, c=content: render_card(m["id"], c), content._content)
