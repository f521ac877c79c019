"""Group decoded rows into offices: one office = one future record.

The published files hold one row per office per service. Rows are merged
by 事業所番号 and, within one number, by place: a main office and its
satellites (従たる事業所) share the number but not the address.

- Rows identical in every cell but NO collapse into one (reported as a note).
- Rows of one office in several service files merge into one office with
  every service.
- Within one 事業所番号, rows at the same address (or, when the address is
  blank, with the same name) are the same place.

An office's values come from its rows in service order 60, 62, 45, 46 (the
first row that has the value wins); its capacity (定員) from the first of
60, 45, 46, 62 that has one, because 就労定着支援 has no 定員 of its own.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from ..errors import Problem
from .csv_reader import HOURS_COLUMNS, SERVICE_CODES, ServiceRow

SERVICE_ORDER = tuple(SERVICE_CODES)  # 60, 62, 45, 46
CAPACITY_ORDER = ("60", "45", "46", "62")
# Names that mark a place as a satellite rather than the main office. Only
# used to choose which place gets the plain id on the first import.
SATELLITE_MARKERS = ("サテライト", "出張所", "分室", "分場", "従たる事業所", "従たる")

_DASHES = re.compile(r"[‐‑‒–—―−ー－\-]")


@dataclass(eq=False)
class Office:
    """One place of one 事業所番号, with every service it is listed under.

    Rows are added while grouping; the values derived from them are computed
    once, on first use, after grouping is done.
    """

    office_number: str
    rows: list[ServiceRow] = field(default_factory=list)

    @functools.cached_property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code in SERVICE_ORDER if any(r.code == code for r in self.rows))

    @property
    def name(self) -> str:
        return self.official["name"]

    @functools.cached_property
    def _in_service_order(self) -> list[ServiceRow]:
        return self._sorted(SERVICE_ORDER)

    def _sorted(self, order: tuple[str, ...]) -> list[ServiceRow]:
        if len(self.rows) == 1:
            return self.rows
        return sorted(self.rows, key=lambda r: (order.index(r.code), r.file_name, r.line))

    def _first(self, attribute: str, order=SERVICE_ORDER):
        for row in self._in_service_order if order is SERVICE_ORDER else self._sorted(order):
            value = getattr(row, attribute)
            if value is not None:
                return value
        return None

    def _hours(self) -> dict[str, str]:
        """Each hours entry from the first row (in service order) that publishes it."""
        hours = {}
        for key in HOURS_COLUMNS:
            for row in self._in_service_order:
                value = dict(row.hours).get(key)
                if value is not None:
                    hours[key] = value
                    break
        return hours

    def _operator(self) -> dict[str, str]:
        """The 法人 of the first row (in service order) that names one: its values are not mixed across rows."""
        for row in self._in_service_order:
            operator = dict(row.operator)
            if operator.get("name"):
                return operator
        return {}

    @property
    def files(self) -> list[str]:
        return sorted({r.file_name for r in self.rows})

    @functools.cached_property
    def official(self) -> dict:
        """The record values the open data gives, None where it gives nothing. Do not modify."""
        location = self._first("location")
        return {
            "name": self._first("name"),
            "name_kana": self._first("name_kana"),
            "prefecture": self._first("prefecture").name,
            "city": self._first("city"),
            "address": self._first("address"),
            "services": [SERVICE_CODES[code].label for code in self.codes],
            "capacity": self._first("capacity", CAPACITY_ORDER),
            "url": self._first("url"),
            "phone": self._first("phone"),
            "office_number": self.office_number,
            "fax": self._first("fax"),
            "hours": self._hours() or None,
            "operator": self._operator() or None,
            "location": {"lat": location[0], "lng": location[1]} if location else None,
        }

    @functools.cached_property
    def invalid(self) -> frozenset[str]:
        """Fields whose official value was given but unusable (and no other row gave a good one)."""
        official = self.official
        return frozenset(name for row in self.rows for name in row.invalid if official.get(name) is None)

    @functools.cached_property
    def place_key(self) -> str:
        return place_key(self.official["city"], self.official["address"], self.official["name"])

    def sort_key(self) -> tuple:
        """Main office first: no satellite marker, more services, then by place."""
        marked = any(marker in self.name for marker in SATELLITE_MARKERS)
        return (marked, -len(self.codes), self.place_key, self.name)


def normalize(text: str | None) -> str:
    """Comparable form of an address or name: NFKC, no spaces, one kind of dash."""
    if not text:
        return ""
    return _DASHES.sub("-", "".join(unicodedata.normalize("NFKC", text).split()))


def place_key(city: str | None, address: str | None, name: str | None) -> str:
    if address:
        return "address:" + normalize(city) + normalize(address)
    return "name:" + normalize(name)


@dataclass
class Grouping:
    offices: list[Office]  # sorted by 事業所番号, main office first
    skipped: list[Problem]
    notes: list[Problem]


def group_offices(rows: list[ServiceRow]) -> Grouping:
    """Collapse duplicates and split each 事業所番号 into places (main office first)."""
    notes: list[Problem] = []
    skipped: list[Problem] = []
    seen: dict[tuple, ServiceRow] = {}
    by_number: dict[str, list[ServiceRow]] = defaultdict(list)
    for row in rows:
        first = seen.get(row.fingerprint)
        if first is not None:
            notes.append(Problem(row.path, row.line, "row", f"duplicate of {first.path}:{first.line}; collapsed into one"))
            continue
        seen[row.fingerprint] = row
        by_number[row.office_number].append(row)

    offices: list[Office] = []
    for number in sorted(by_number):
        places = _places(number, by_number[number], notes)
        offices.extend(sorted(places, key=Office.sort_key))
    return Grouping(offices, skipped, notes)


def _places(number: str, rows: list[ServiceRow], notes: list[Problem]) -> list[Office]:
    """Split the rows of one 事業所番号 into its main office and satellites."""
    by_key: dict[str, list[ServiceRow]] = defaultdict(list)
    for row in rows:
        by_key[place_key(row.city, row.address, row.name)].append(row)
    # A row without an address belongs to the one addressed place of the same name, if there is one.
    for key in [k for k in by_key if k.startswith("name:")]:
        same_name = [k for k in by_key if k.startswith("address:") and any("name:" + normalize(r.name) == key for r in by_key[k])]
        if len(same_name) == 1:
            by_key[same_name[0]].extend(by_key.pop(key))
    places = []
    for key in sorted(by_key):
        office = Office(number)
        for row in sorted(by_key[key], key=lambda r: (SERVICE_ORDER.index(r.code), r.file_name, r.line)):
            twin = next((kept for kept in office.rows if kept.code == row.code), None)
            if twin is not None:
                notes.append(
                    Problem(row.path, row.line, "row", f"same office and service as {twin.path}:{twin.line} with other values; the earlier row was kept")
                )
                continue
            office.rows.append(row)
        places.append(office)
    return places

