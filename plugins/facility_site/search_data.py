"""The facet table, sort columns and result cards the search page filters and shows.

Every facility gets a doc number: its place in reading (kana) order across
the country, so "name" sorting is the doc order itself and every other
order breaks ties by name. All files are compact JSON that a static host
compresses:

- facets.json: one column per facet (prefecture, disability and service
  bitmasks, nearest-station walk) for every facility. Enough to filter,
  count every choice and sort by walk, without lunr.
- sort-<metric>.json: one column per metric (rank of its value, -1 for
  非公開), fetched only when the visitor sorts by it.
- cards/<pref>-<k>.json: what a result card shows, CARD_CHUNK facilities of
  one prefecture per file, in doc order, fetched for the cards on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .metrics import Metric, display_metric
from .model import Facility
from .tokenizer import normalize
from .vocab import DISABILITIES, SERVICES

CARD_CHUNK = 50
NO_STATION = -1
UNKNOWN_RANK = -1

# Sort columns fetched on demand: URL value -> (facility attribute, higher is better).
METRIC_SORTS: dict[str, tuple[str, bool]] = {
    "retention": ("retention_rate", True),
    "hires": ("hires_last_year", True),
    "capacity": ("capacity", True),
    "stay": ("average_stay", False),
}


def reading_key(facility: Facility) -> tuple[str, str]:
    """Kana order: the normalized reading (katakana folded to hiragana), then the id."""
    return (normalize(facility.name_kana or facility.name), facility.id)


def doc_order(facilities: Sequence[Facility]) -> list[Facility]:
    return sorted(facilities, key=reading_key)


def bitmask(chosen: Sequence, vocabulary: Sequence) -> int:
    return sum(1 << i for i, term in enumerate(vocabulary) if term in chosen)


def walk_tenths(facility: Facility) -> int:
    """Minutes to the nearest listed station in tenths (徒歩30秒 = 5), or NO_STATION."""
    walk = facility.min_walk
    return NO_STATION if walk is None else round(walk * 10)


def facet_columns(docs: Sequence[Facility]) -> dict:
    return {
        "count": len(docs),
        "pref": [f.prefecture.code - 1 for f in docs],
        "dis": [bitmask(f.disabilities, DISABILITIES) for f in docs],
        "svc": [bitmask(f.services, SERVICES) for f in docs],
        "walk": [walk_tenths(f) for f in docs],
    }


def _sort_value(value: Metric | int | None) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, int) else value.representative


def sort_column(docs: Sequence[Facility], attribute: str) -> list[int]:
    """Each facility's rank among the distinct values (0 = smallest), UNKNOWN_RANK when 非公開."""
    values = [_sort_value(getattr(f, attribute)) for f in docs]
    ranks = {value: rank for rank, value in enumerate(sorted({v for v in values if v is not None}))}
    return [UNKNOWN_RANK if v is None else ranks[v] for v in values]


@dataclass(frozen=True)
class CardChunk:
    prefecture_slug: str
    number: int
    rows: list[list]


def card_row(facility: Facility) -> list:
    """[id, name, city, access, 就職定着率, 昨年の就職人数, 定員, 平均利用期間] as the card shows them.

    access is [line or "", station, walk label] for the nearest station, or None.
    """
    station = facility.nearest_station
    access = [station.line or "", station.name, station.walk_label] if station else None
    return [
        facility.id,
        facility.name,
        facility.city,
        access,
        display_metric(facility.retention_rate),
        display_metric(facility.hires_last_year),
        facility.capacity,
        display_metric(facility.average_stay),
    ]


def card_chunks(docs: Sequence[Facility]) -> list[CardChunk]:
    """Cards of each prefecture in doc order, CARD_CHUNK to a file."""
    by_prefecture: dict[str, list[Facility]] = {}
    for facility in docs:
        by_prefecture.setdefault(facility.prefecture.slug, []).append(facility)
    chunks = []
    for slug, facilities in sorted(by_prefecture.items()):
        for number, start in enumerate(range(0, len(facilities), CARD_CHUNK)):
            chunks.append(CardChunk(slug, number, [card_row(f) for f in facilities[start : start + CARD_CHUNK]]))
    return chunks
