"""Replace `{% facility <id> %}` lines in articles and pages with facility cards."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..errors import ContentError, Problem
from ..records.reader import display_path

# A marker is a line of its own; four spaces of indent would make it a Markdown code block.
SOURCE_MARKER = re.compile(r"^ {0,3}\{%\s*facility\s+(?P<id>[^\s%]+)\s*%\}\s*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")
# Markdown wraps a marker on its own line in a paragraph.
HTML_MARKER = re.compile(r"<p>\s*\{%\s*facility\s+(?P<id>[^\s%<]+)\s*%\}\s*</p>")


def _contents(context: dict) -> Iterable:
    for key in ("articles", "drafts", "pages", "hidden_pages", "draft_pages"):
        for content in context.get(key) or ():
            yield content
            yield from getattr(content, "translations", ())


def marker_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, facility id) of every marker outside fenced code blocks."""
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        opening = FENCE.match(line)
        if opening and (fence is None or opening[1] == fence):
            fence = None if fence else opening[1]
        elif fence is None and (match := SOURCE_MARKER.match(line)):
            yield number, match["id"]


RenderCard = Callable[[str, object, int], str]


def embed_cards(context: dict, known_ids: set[str], render_card: RenderCard) -> None:
    """Check every marker against `known_ids`, then swap each for its rendered card.

    `render_card(facility_id, content, occurrence)` gets 1 for the first card
    of a facility in that content, 2 for the second, …, so the same facility
    embedded twice gets element ids of its own each time.

    Unknown ids are collected from the source files (so the error names the
    line the author wrote) and raised together before anything is changed.
    """
    contents = list(_contents(context))
    problems: list[Problem] = []
    for content in contents:
        source = Path(content.source_path)
        if not source.is_file():
            continue
        for number, facility_id in marker_lines(source.read_text(encoding="utf-8")):
            if facility_id not in known_ids:
                close = difflib.get_close_matches(facility_id, known_ids, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                problems.append(Problem(display_path(source), number, "facility", f"unknown facility id {facility_id!r}{hint}"))
    if problems:
        raise ContentError(problems)
    for content in contents:
        if content._content and "facility" in content._content:
            seen: Counter[str] = Counter()
            content._content = HTML_MARKER.sub(lambda m, c=content, s=seen: _card_or_marker(m, c, s, known_ids, render_card), content._content)


def _card_or_marker(match: re.Match, content, seen: Counter, known_ids: set[str], render_card: RenderCard) -> str:
    # A marker the line scan did not see (inside a quote, say) is left as written.
    facility_id = match["id"]
    if facility_id not in known_ids:
        return match[0]
    seen[facility_id] += 1
    return render_card(facility_id, content, seen[facility_id])
