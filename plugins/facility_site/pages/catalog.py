"""Group validated facilities the ways the site lists them.

The generator asks the catalog for "facilities in 東京都 that accept 精神"
and the like; the grouping and ordering rules live here in one place.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter

from ..geo.nearby import Neighbour, nearby_offices
from ..records.model import Facility
from ..records.municipalities import city_order_key
from ..records.vocab import DISABILITIES, PREFECTURES, REGIONS, Prefecture, Term


def listing_key(facility: Facility) -> tuple:
    """List pages order: by city in municipality-code order, then by reading (kana, else name), then id."""
    return (city_order_key(facility.prefecture.code, facility.city), facility.name_kana or facility.name, facility.id)


def national_key(facility: Facility) -> tuple:
    return (facility.prefecture.code, *listing_key(facility))


# 「同じ法人の事業所」 on a facility page shows at most this many offices, then a count and a search link.
SAME_OPERATOR_SHOWN = 10


@dataclass(frozen=True)
class SameOperator:
    """The other offices of a facility's operator: the first few (own prefecture first) and how many in all."""

    shown: tuple[Facility, ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.shown)


@dataclass(frozen=True)
class RegionGroup:
    name: str
    prefectures: tuple[tuple[Prefecture, int], ...]  # (prefecture, facility count)


class Catalog:
    """Every facility, sorted for listing, with the lookups the pages need."""

    def __init__(self, facilities: list[Facility], cache=None):
        self.facilities = sorted(facilities, key=national_key)
        self._cache = cache  # a BuildCache for the nearby offices, or None
        self.by_id = {f.id: f for f in self.facilities}

    @cached_property
    def _by_prefecture(self) -> dict[str, list[Facility]]:
        groups: dict[str, list[Facility]] = {p.slug: [] for p in PREFECTURES}
        for facility in self.facilities:
            groups[facility.prefecture.slug].append(facility)
        return groups

    @cached_property
    def _by_operator(self) -> dict[tuple, dict[int, list[Facility]]]:
        """Offices by operator (法人番号, else name), then by prefecture code, each list in listing order. Built once."""
        groups: dict[tuple, dict[int, list[Facility]]] = {}
        for facility in self.facilities:  # already in national order
            if facility.operator is not None:
                groups.setdefault(facility.operator.group_key, {}).setdefault(facility.prefecture.code, []).append(facility)
        return groups

    def same_operator(self, facility: Facility, limit: int = SAME_OPERATOR_SHOWN) -> SameOperator | None:
        """The operator's other offices: its own prefecture's first, then the others in JIS order; None when there are none.

        Cheap at 30,000 facilities: the grouping is built once, and each page
        walks only as far as `limit` offices (plus the group's size for the count).
        """
        if facility.operator is None:
            return None
        by_prefecture = self._by_operator[facility.operator.group_key]
        total = sum(len(offices) for offices in by_prefecture.values()) - 1
        if total == 0:
            return None
        order = [facility.prefecture.code, *(code for code in sorted(by_prefecture) if code != facility.prefecture.code)]
        shown: list[Facility] = []
        for code in order:
            for other in by_prefecture.get(code, ()):
                if len(shown) == limit:
                    break
                if other.id != facility.id:
                    shown.append(other)
        return SameOperator(tuple(shown), total)

    def in_prefecture(self, pref: Prefecture, disability: Term | None = None) -> list[Facility]:
        if disability is None:
            return self._by_prefecture[pref.slug]
        return list(self._by_disability.get((pref.slug, disability.slug), ()))

    def with_disability(self, disability: Term) -> list[Facility]:
        return list(self._by_disability.get(disability.slug, ()))

    @cached_property
    def _by_disability(self) -> dict:
        """Offices accepting each disability type, nationally (by its slug) and per prefecture ((prefecture slug,
        its slug)), each list in national order: one pass over the offices for every list and count page.
        Keyed by slug, so a Term equal to a vocabulary entry finds the same list (Facility.accepts)."""
        groups: dict = {}
        slug_of = attrgetter("slug")
        for facility in self.facilities:
            prefecture = facility.prefecture.slug
            for slug in dict.fromkeys(map(slug_of, facility.disabilities)):  # a type listed twice counts once
                groups.setdefault(slug, []).append(facility)
                groups.setdefault((prefecture, slug), []).append(facility)
        return groups

    @cached_property
    def prefecture_counts(self) -> Counter:
        return Counter(f.prefecture.slug for f in self.facilities)

    @cached_property
    def disability_counts(self) -> dict[str, int]:
        return {d.slug: len(self.with_disability(d)) for d in DISABILITIES}

    def prefectures_with_facilities(self) -> list[Prefecture]:
        return [p for p in PREFECTURES if self.prefecture_counts[p.slug]]

    def disability_counts_in(self, pref: Prefecture) -> list[tuple[Term, int]]:
        """(disability type, count) for one prefecture, every type, in vocabulary order."""
        return [(d, len(self._by_disability.get((pref.slug, d.slug), ()))) for d in DISABILITIES]

    def prefecture_counts_for(self, disability: Term) -> list[tuple[Prefecture, int]]:
        """(prefecture, count) of the prefectures with facilities accepting `disability`, JIS order."""
        counts = Counter(f.prefecture.slug for f in self.with_disability(disability))
        return [(p, counts[p.slug]) for p in PREFECTURES if counts[p.slug]]

    @cached_property
    def nearby(self) -> dict[str, tuple[Neighbour, ...]]:
        """Each located facility's nearest other facilities (facility page 「近くの事業所」)."""
        return nearby_offices(self.facilities, cache=self._cache)

    def prepare_pages(self) -> None:
        """Work out now what every facility page's variables need and is not made yet (the nearby offices),
        for a caller that has this process free meanwhile (furigana/writer.py, while its words are read)."""
        self.nearby  # noqa: B018 (a cached_property, computed once)

    def regions(self) -> list[RegionGroup]:
        return [
            RegionGroup(
                name=region,
                prefectures=tuple((p, self.prefecture_counts[p.slug]) for p in PREFECTURES if p.region == region),
            )
            for region in REGIONS
        ]
