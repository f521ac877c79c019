"""Cities in official order: the 全国地方公共団体コード (municipality code).

Lists group a prefecture's facilities by city, and the cities follow the
code the government gives every 市区町村 — the order of its own lists: the
prefectural capital and the 政令市 (with their wards) first, then the other
cities, then the towns and villages by 郡 — not the order of the characters
(大和市, 小田原市, 川崎市 …), which means nothing to a reader.

The codes come from a table shipped in a package (japancode's
data/municipalities.json, MIT, generated from the government's code list,
1,916 entries including the wards of the 政令市); nothing is fetched at build
time. A record's `city` is looked up as written (`横浜市中区`, `新宿区`), with
ヶ/ケ folded and a leading `…郡` dropped if the plain name is not found. A
ward the table does not know (created after it was made) sorts right after
its city; a name the table does not know at all sorts after every known one
in the prefecture, by its characters.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from importlib import resources

from .vocab import PREFECTURE_BY_NAME

CODE_TABLE = ("japancode", "data/municipalities.json")
UNKNOWN = 10**6  # above every 5-digit code
_DISTRICT = re.compile(r"^.+?郡")


def _fold(city: str) -> str:
    text = unicodedata.normalize("NFKC", city)
    return "".join(text.split()).replace("ヶ", "ケ").replace("ヵ", "カ")


@functools.cache
def municipality_codes() -> dict[tuple[int, str], int]:
    """(prefecture code, folded city name) -> 5-digit municipality code (without the check digit)."""
    package, path = CODE_TABLE
    rows = json.loads(resources.files(package).joinpath(path).read_text(encoding="utf-8"))
    table: dict[tuple[int, str], int] = {}
    for row in rows:
        prefecture = PREFECTURE_BY_NAME[row["pref"]]
        table[(prefecture.code, _fold(row["city"]))] = int(row["lgcode"]) // 10
    return table


def municipality_code(prefecture_code: int, city: str) -> int | None:
    """The code of `city` in that prefecture, or None when the table does not know it."""
    table = municipality_codes()
    folded = _fold(city)
    code = table.get((prefecture_code, folded))
    if code is None and (bare := _DISTRICT.sub("", folded)) != folded:
        code = table.get((prefecture_code, bare))
    return code


@functools.cache
def city_order_key(prefecture_code: int, city: str) -> tuple[int, int, str]:
    """Sort key of a city within its prefecture: its code; unknown wards after their city; unknown names last."""
    code = municipality_code(prefecture_code, city)
    if code is not None:
        return (code, 0, city)
    folded = _fold(city)
    for end in range(len(folded) - 1, 0, -1):  # the longest known city the name starts with (浜松市 of 浜松市中央区)
        parent = municipality_codes().get((prefecture_code, folded[:end]))
        if parent is not None:
            return (parent, 1, city)
    return (UNKNOWN, 1, city)


def prefectures_elsewhere(prefecture_code: int, city: str) -> list[int]:
    """The other prefectures that have a 市区町村 of exactly this name, when the given one has none like it.

    Empty whenever the name could be the given prefecture's: a known name, a
    ward newer than the table (浜松市中央区 starts with 浜松市), or a ward
    written without its city (中央区 of 札幌市中央区). Only a name that fits
    nowhere in the prefecture but is a real 市区町村 elsewhere is reported.
    """
    folded = _fold(city)
    if municipality_code(prefecture_code, city) is not None:
        return []
    own = [name for (code, name) in municipality_codes() if code == prefecture_code]
    if any(folded.startswith(name) or name.endswith(folded) for name in own):
        return []
    return sorted(code for (code, name) in municipality_codes() if name == folded and code != prefecture_code)
