"""Split long facility lists into numbered pages with stable URLs.

Page 1 keeps the list's own URL (`pref/tokyo/`); later pages live below it
(`pref/tokyo/page/2/`), so links to a list never break as it grows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str  # site-relative, e.g. "pref/tokyo/page/2/"


@dataclass(frozen=True)
class Pagination:
    number: int
    count: int
    items: Sequence
    first_index: int  # 1-based position of the first item, for "51〜100件目"
    total: int
    links: tuple[PageLink, ...]

    @property
    def previous(self) -> PageLink | None:
        return self.links[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> PageLink | None:
        return self.links[self.number] if self.number < self.count else None

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.items) - 1

    def window(self, radius: int = 2) -> list[PageLink | None]:
        """Links to show: first, last and `radius` around the current page; None marks a gap."""
        shown = {1, self.count, *range(self.number - radius, self.number + radius + 1)}
        result: list[PageLink | None] = []
        for link in self.links:
            if link.number in shown:
                result.append(link)
            elif result and result[-1] is not None:
                result.append(None)
        return result


def page_url(base_url: str, number: int) -> str:
    return base_url if number == 1 else f"{base_url}page/{number}/"


def paginate(base_url: str, items: Sequence, per_page: int) -> list[Pagination]:
    """Every page of `items`; an empty list still gets one (empty) page."""
    count = max(1, -(-len(items) // per_page))
    links = tuple(PageLink(n, page_url(base_url, n)) for n in range(1, count + 1))
    return [
        Pagination(
            number=n,
            count=count,
            items=items[(n - 1) * per_page : n * per_page],
            first_index=(n - 1) * per_page + 1,
            total=len(items),
            links=links,
        )
        for n in range(1, count + 1)
    ]
