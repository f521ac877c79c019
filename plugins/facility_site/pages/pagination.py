"""Split long facility lists into numbered pages with stable URLs.

Page 1 keeps the list's own URL (`pref/tokyo/`); later pages live below it
(`pref/tokyo/page/2/`), so links to a list never break as it grows.

A list can also be divided into sections (a prefecture's cities, the
prefectures of a national list). Each page shows the part of every section
that falls on it, and every page carries the same index of all sections,
each linking to the page and heading where the section starts, so a list
of 3,500 offices stays easy to move around without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import groupby

from ..cache import ITEMS_SOURCE_ATTRIBUTE


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str  # site-relative, e.g. "pref/tokyo/page/2/"


@dataclass(frozen=True)
class SectionLink:
    """One entry of the section index: "新宿区（12件）" linking to where it starts."""

    title: str
    count: int
    url: str  # site-relative with the heading's anchor, e.g. "pref/tokyo/page/2/#city-3"


@dataclass(frozen=True)
class Section:
    """The part of one section that falls on a page."""

    title: str
    anchor: str  # id of the section's heading
    items: Sequence
    continued: bool  # True when the section began on an earlier page
    # The page keys write the items as their slice of the list's digests (cache._ItemDigests).
    __fingerprint_items__ = "items"


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    items: Sequence
    first_index: int  # 1-based position of the first item, for "51〜100件目"
    total: int
    links: tuple[PageLink, ...]
    sections: tuple[Section, ...] = ()
    section_index: tuple[SectionLink, ...] = ()
    # Fields every page of one list shares (the same tuple): the page keys hash each once a list,
    # not once a page (cache.Fingerprint.page_digest); a list of 600 pages has 600 links on each.
    __fingerprint_shared__ = ("links", "section_index")
    __fingerprint_items__ = "items"

    @property
    def previous(self) -> PageLink | None:
        return self.links[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> PageLink | None:
        return self.links[self.number] if self.number < self.count else None

    @property
    def url(self) -> str:
        return self.links[self.number - 1].url

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.items) - 1

    def window(self, radius: int = 2) -> list[PageLink | None]:
        """Links to show: first, last and `radius` around the current page; None marks a gap.

        A gap never hides a single page: "1 … 3" would take as much room as "1 2 3".
        """
        shown = {1, self.count, *range(self.number - radius, self.number + radius + 1)}
        shown |= {n for n in range(2, self.count) if n - 1 in shown and n + 1 in shown}
        result: list[PageLink | None] = []
        for link in self.links:
            if link.number in shown:
                result.append(link)
            elif result and result[-1] is not None:
                result.append(None)
        return result


def page_url(base_url: str, number: int) -> str:
    return base_url if number == 1 else f"{base_url}page/{number}/"


@dataclass(frozen=True)
class _Run:
    title: str
    anchor: str
    start: int  # 0-based index of the first item in the whole list
    stop: int


def _runs(items: Sequence, title_of: Callable[[object], str], anchor_prefix: str) -> list[_Run]:
    """Consecutive items with the same title form one run (items are already sorted)."""
    runs: list[_Run] = []
    position = 0
    for title, group in groupby(map(title_of, items)):  # one _Run a run, not one an item; counted in C
        stop = position + len(list(group))
        runs.append(_Run(title, f"{anchor_prefix}-{len(runs) + 1}", position, stop))
        position = stop
    return runs


def paginate(
    base_url: str,
    items: Sequence,
    per_page: int,
    section_of: Callable[[object], str] | None = None,
    anchor_prefix: str = "section",
) -> list[Pagination]:
    """Every page of `items`; an empty list still gets one (empty) page.

    With `section_of`, consecutive items with the same value form a section
    whose heading has the id `<anchor_prefix>-<n>`.
    """
    whole = items if type(items) is list else list(items)  # each page's and section's items are slices of it
    count = max(1, -(-len(items) // per_page))
    links = tuple(PageLink(n, page_url(base_url, n)) for n in range(1, count + 1))
    runs = _runs(items, section_of, anchor_prefix) if section_of else []
    index = tuple(SectionLink(r.title, r.stop - r.start, f"{links[r.start // per_page].url}#{r.anchor}") for r in runs)
    pages = []
    for number in range(1, count + 1):
        start, stop = (number - 1) * per_page, min(number * per_page, len(items))
        sections = tuple(
            _sliced(Section(r.title, r.anchor, whole[max(r.start, start) : min(r.stop, stop)], continued=r.start < start), whole, max(r.start, start))
            for r in runs
            if r.start < stop and r.stop > start
        )
        page = Pagination(
            number=number,
            count=count,
            items=whole[start:stop],
            first_index=start + 1,
            total=len(items),
            links=links,
            sections=sections,
            section_index=index,
        )
        pages.append(_sliced(page, whole, start))
    return pages


def _sliced(value, whole: list, start: int):
    """Note on a page or section which list its items are a slice of, and where (for its page key: cache._ItemDigests)."""
    object.__setattr__(value, ITEMS_SOURCE_ATTRIBUTE, (whole, start))
    return value
