"""Glossary entries and the one pattern that finds their words in rendered HTML."""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    """One word explained: `id` is its stable anchor on /glossary/ (#id)."""

    id: str
    term: str
    reading: str
    aliases: tuple[str, ...]
    explanation_html: str

    @property
    def surfaces(self) -> tuple[str, ...]:
        """Every spelling that links to this entry: the term, then its aliases."""
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Glossary:
    """The entries in the order the operator wrote them, and `updated`, the page's date."""

    entries: tuple[Entry, ...]
    updated: dt.date
    # Escaped spelling (as it appears in HTML text) -> entry id.
    id_of: dict[str, str] = field(init=False, repr=False, compare=False)
    pattern: re.Pattern | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        id_of = {html.escape(surface): entry.id for entry in self.entries for surface in entry.surfaces}
        object.__setattr__(self, "id_of", id_of)
        # Longest spelling first, so 就労継続支援A型 wins over 就労継続支援 at the same place.
        ordered = sorted(id_of, key=lambda s: (-len(s), s))
        object.__setattr__(self, "pattern", re.compile("|".join(map(re.escape, ordered))) if ordered else None)
