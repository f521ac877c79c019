"""The search-quality query set and its reference matcher.

Queries are derived mechanically from the records (seeded choice of records,
fixed transformation rules), never typed in by hand, and the ids each must
return are computed by the reference matcher:

- text is folded with NFKC, lower case, and katakana to hiragana;
- a query is split on white space into words;
- a facility matches when every word occurs as one unbroken piece in at least
  one of its searchable fields (each word within a single field).

The searchable fields are those of issue #3: name and reading, prefecture,
city and address, each station with and without 駅, each line, features,
catchphrase, disability labels and service names.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from facility_site.records.model import Facility


@dataclass(frozen=True)
class Query:
    text: str
    kind: str  # what it exercises
    rule: str  # how it was derived


def fold(text: str) -> str:
    """NFKC, lower case, katakana to hiragana."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)


def fields(facility: Facility) -> list[str]:
    values = [facility.name, facility.name_kana or "", facility.prefecture.name, facility.city, facility.address or ""]
    for station in facility.access:
        values += [station.name, station.name + "駅", station.line or ""]
    values += list(facility.features) + [facility.catchphrase or ""]
    values += [t.label for t in facility.disabilities] + [t.label for t in facility.services]
    return [fold(v) for v in values if v]


def words(query: str) -> list[str]:
    return [w for w in fold(query).split() if w]


class ReferenceMatcher:
    def __init__(self, facilities: list[Facility]):
        self.rows = [(f.id, fields(f)) for f in facilities]

    def match(self, query: str) -> list[str]:
        parts = words(query)
        if not parts:
            return []
        return [fid for fid, values in self.rows if all(any(w in v for v in values) for w in parts)]


# --- width variants ---------------------------------------------------------------


def _half_width_table() -> dict[str, str]:
    """Full-width katakana -> half-width form, derived from NFKC itself."""
    table: dict[str, str] = {}
    singles = [chr(cp) for cp in range(0xFF61, 0xFFA0)]
    for half in singles:
        table.setdefault(unicodedata.normalize("NFKC", half), half)
    for half in singles:
        for mark in ("\uff9e", "\uff9f"):
            full = unicodedata.normalize("NFKC", half + mark)
            if len(full) == 1:
                table.setdefault(full, half + mark)
    return table


HALF_WIDTH = _half_width_table()


def to_half_width_katakana(text: str) -> str:
    return "".join(HALF_WIDTH.get(ch, ch) for ch in text)


def to_full_width_ascii(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def to_katakana(text: str) -> str:
    return "".join(chr(ord(ch) + 0x60) if "\u3041" <= ch <= "\u3096" else ch for ch in text)


def to_hiragana(text: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)


KATAKANA_RE = re.compile(r"^[\u30a1-\u30fc]+$")
HIRAGANA_RE = re.compile(r"^[\u3041-\u309f\u30fc]+$")


# --- the query set ----------------------------------------------------------------


def _brand(f: Facility) -> str:
    parts = f.name.split()
    return parts[2] if len(parts) > 2 else ""


def _number(f: Facility) -> str:
    return f.name.split()[1]


def derive_queries(facilities: list[Facility], seed: int = 5) -> list[Query]:
    """At least 40 queries from the records; the same records and seed give the same set."""
    rng = random.Random(seed)
    ordered = sorted(facilities, key=lambda f: f.id)
    queries: list[Query] = []

    def add(text: str, kind: str, rule: str) -> None:
        if text and text not in {q.text for q in queries}:
            queries.append(Query(text, kind, rule))

    def pick(predicate, k: int = 1) -> list[Facility]:
        pool = [f for f in ordered if predicate(f)]
        return rng.sample(pool, k=min(k, len(pool)))

    # Partial names.
    for f in pick(lambda f: True, 3):
        add(_number(f), "partial name", "the five-digit number of a name")
    for f in pick(lambda f: _brand(f), 3):
        add(_brand(f), "partial name", "the brand word of a name")
    for f in pick(lambda f: len(_brand(f)) >= 4, 2):
        add(_brand(f)[:3], "partial name", "first three characters of a brand word")
    for f in pick(lambda f: True, 1):
        add(f"事業所 {_number(f)}", "partial name", "two pieces of one name")
    # Kana and width variants.
    for f in pick(lambda f: KATAKANA_RE.match(_brand(f) or "-"), 2):
        add(to_hiragana(_brand(f)), "kana variant", "katakana brand typed in hiragana")
        add(to_half_width_katakana(_brand(f)), "half-width", "katakana brand in half-width katakana")
    for f in pick(lambda f: HIRAGANA_RE.match(_brand(f) or "-"), 2):
        add(to_katakana(_brand(f)), "kana variant", "hiragana brand typed in katakana")
    for f in pick(lambda f: True, 1):
        add(f"じぎょうしょ {_number(f)}", "kana variant", "part of the reading plus the number")
        add(to_full_width_ascii(_number(f)), "half-width", "the number in full-width digits")
    add(to_half_width_katakana("サンプル"), "half-width", "the common name prefix in half-width katakana")
    for f in pick(lambda f: any(re.search(r"[A-Za-z]", t) for t in f.features), 2):
        feature = next(t for t in f.features if re.search(r"[A-Za-z]", t))
        add(to_full_width_ascii(feature), "half-width", "a Latin feature in full-width letters")
        add(feature.upper() if feature != feature.upper() else feature.lower(), "case", "a Latin feature in the other case")
    # Stations.
    for f in pick(lambda f: any(len(s.name) >= 4 for s in f.access), 3):
        station = next(s.name for s in f.access if len(s.name) >= 4)
        add(station[1:3], "partial station", "characters 2-3 of a station name")
    for f in pick(lambda f: f.access, 2):
        add(f.access[0].name + "駅", "station", "a station with 駅")
    for f in pick(lambda f: any(s.line for s in f.access), 1):
        add(next(s.line for s in f.access if s.line), "line", "a line name")
    # Cities, including pieces shared between cities.
    city_places = sorted({(f.city, f.prefecture.name) for f in ordered})
    ward_names = Counter(city.split("市", 1)[1] for city, _ in city_places if city.endswith("区") and "市" in city[:-1])
    shared_wards = sorted(w for w, n in ward_names.items() if n > 1)
    city_names = Counter(city for city, _ in city_places)
    shared_cities = sorted(c for c, n in city_names.items() if n > 1 and not c.endswith("区"))
    for ward in rng.sample(shared_wards, k=min(2, len(shared_wards))):
        add(ward, "shared city piece", "a 政令市 ward name found in several cities")
    for city in rng.sample(shared_cities, k=min(2, len(shared_cities))):
        add(city, "shared city piece", "a municipality name used in two prefectures")
    for f in pick(lambda f: f.city.endswith("区") and "市" in f.city[:-1], 1):
        add(f.city, "city", "a full 政令市 ward")
    # One character.
    for f in pick(lambda f: f.access, 2):
        add(f.access[0].name[-1], "one character", "last character of a station")
    for f in pick(lambda f: True, 2):
        add(f.city[0], "one character", "first character of a city")
    # Several words.
    for f in pick(lambda f: _brand(f), 2):
        add(f"{f.city} {_brand(f)}", "multi-word", "city and brand of one record")
    for f in pick(lambda f: f.access, 2):
        add(f"{f.prefecture.name[:2]} {f.access[0].name}", "multi-word", "prefecture stem and station of one record")
    for f in pick(lambda f: f.access and f.disabilities, 1):
        add(f"{f.disabilities[-1].label} {f.access[0].name}", "multi-word", "a disability label and a station")
    for f in pick(lambda f: f.offers_retention and f.city.endswith("区"), 1):
        add(f"定着 {f.city[-2:]}", "multi-word", "定着 and the last two characters of a city")
    for f in pick(lambda f: f.features, 1):
        add(f"{f.features[0]} {f.prefecture.name}", "multi-word", "a feature and a prefecture")
    # The 東京都 / 京都府 trap: the shared piece and the names around it.
    add("東京都", "trap", "prefecture whose name contains 京都")
    add("京都府", "trap", "prefecture")
    add("京都", "trap", "the piece 東京都 and 京都府 share")
    add("東京", "trap", "first two characters of 東京都")
    add("東京 京都", "trap", "both pieces as two words")
    add("京都 東山", "trap", "京都 and a station name found in 京都 and 岡山")
    for f in pick(lambda f: f.prefecture.name == "東京都" and f.access, 1):
        add(f"東京都 {f.access[0].name}", "trap", "東京都 and a Tokyo station")
    # Nothing matches.
    add("存在しない事業所名", "no match", "a name no record has")
    return queries
