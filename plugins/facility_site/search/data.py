"""The facet table, sort columns and result cards the search page filters and shows.

Every facility gets a doc number: its place in (prefecture, reading, id)
order. A prefecture is then one run of doc numbers, and every sort breaks
ties in that order, so the cards of a page of results are usually neighbours
in one or two card files. All files are compact JSON a static host compresses:

- facets.json: where each prefecture's run starts, and one column per facet
  (disability, service and practical-condition bitmasks, nearest-station
  walk) for every facility:
  enough to filter, count every choice and sort by walk, without lunr.
- facets/pref-<slug>.json: the same columns for one prefecture's run only:
  a search that can only find facilities of a few prefectures (one chosen
  prefecture, or a keyword found in a few) fetches their parts instead of
  the whole table before its first results (engine.js facetsFor).
- name-order.json: the prefecture of each facility in national reading
  order, from which the browser rebuilds that order; fetched only to sort
  facilities of several prefectures by name.
- sort-<metric>.json: a metric's rank per facility (-1 for 非公開 or 未掲載), fetched
  only when the visitor sorts by it. Ranges are ranked by the rule the
  comparison's ★ uses (records.metrics.metric_order_key), so 70〜80% sorts
  below 72.5% in both.
- cards/…: what a result card shows, by chunks of CARD_CHUNK facilities and
  by prefecture; the browser fetches whichever needs fewer files for the
  cards on screen (card_files).

Columns are written as {"values": [distinct values], "codes": "one base-64
character per facility"}, which compresses to about a byte a facility; a
column with more than 64 distinct values is written as {"plain": [values]}.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from ..records.metrics import Metric, metric_order_key
from ..records.model import Facility
from ..records.vocab import CONDITIONS, DISABILITIES, PREFECTURES, SERVICES
from .tokenizer import normalize

# Cards per chunk file: small, so a page of cards scattered over the country
# fetches little it does not show.
CARD_CHUNK = 10
NO_STATION = -1
UNKNOWN_RANK = -1
CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

# Sort columns fetched on demand: URL value -> facility attribute.
METRIC_SORTS: dict[str, str] = {
    "retention": "retention_rate",
    "hires": "hires_last_year",
    "capacity": "capacity",
    "stay": "average_stay",
}
# The browser shows these sorts high first (engine.js DESCENDING), the others low first.
HIGH_FIRST = {"retention_rate": True, "hires_last_year": True, "capacity": True, "average_stay": False}


def reading_key(facility: Facility) -> tuple[str, str]:
    """Kana order: the normalized reading (katakana folded to hiragana), then the id."""
    return (normalize(facility.name_kana or facility.name), facility.id)


def doc_order(facilities: Sequence[Facility]) -> list[Facility]:
    """Doc numbers: by prefecture (JIS order), then reading."""
    keys = {f.id: (f.prefecture.code, *reading_key(f)) for f in facilities}
    return sorted(facilities, key=lambda f: keys[f.id])


def name_order(docs: Sequence[Facility]) -> list[int]:
    """Doc numbers in national reading order."""
    keys = [reading_key(f) for f in docs]
    return sorted(range(len(docs)), key=keys.__getitem__)


def encode_column(values: Sequence[int]) -> dict:
    distinct = sorted(set(values))
    if len(distinct) > len(CODE_ALPHABET):
        return {"plain": list(values)}
    code = {value: CODE_ALPHABET[i] for i, value in enumerate(distinct)}
    return {"values": distinct, "codes": "".join(code[v] for v in values)}


def bitmask(chosen: Sequence, vocabulary: Sequence) -> int:
    return sum(1 << i for i, term in enumerate(vocabulary) if term in chosen)


def walk_tenths(facility: Facility) -> int:
    """Minutes to the nearest listed station in tenths (徒歩30秒 = 5), or NO_STATION."""
    walk = facility.min_walk
    return NO_STATION if walk is None else round(walk * 10)


def prefecture_starts(docs: Sequence[Facility]) -> list[int]:
    """starts[i] is the first doc number of the prefecture with code i + 1; starts[47] is the count."""
    starts, position = [], 0
    for pref in PREFECTURES:
        starts.append(position)
        while position < len(docs) and docs[position].prefecture.code == pref.code:
            position += 1
    return [*starts, len(docs)]


def has_vacancy(facility: Facility, today: dt.date | None) -> int:
    """1 when the office says a place is free and said so within 60 days of `today` (vacancy=yes)."""
    return int(today is not None and facility.vacancy is not None and facility.vacancy.is_open(today))


def facets_file(docs: Sequence[Facility], today: dt.date | None = None) -> dict:
    return {"count": len(docs), "prefStarts": prefecture_starts(docs), **facet_columns(docs, today)}


def facet_parts(docs: Sequence[Facility], today: dt.date | None = None) -> dict[str, dict]:
    """facets/pref-<slug>.json: each prefecture's run of the facet columns (prefectures with facilities only)."""
    starts = prefecture_starts(docs)
    return {
        f"facets/pref-{pref.slug}.json": facet_columns(docs[start:end], today)
        for pref, start, end in zip(PREFECTURES, starts, starts[1:], strict=False)
        if end > start
    }


def facet_columns(docs: Sequence[Facility], today: dt.date | None = None) -> dict:
    """One column per facet, in doc order: disability, service and condition bits, walk, vacancy."""
    return {
        "dis": encode_column([bitmask(f.disabilities, DISABILITIES) for f in docs]),
        "svc": encode_column([bitmask(f.services_offered, SERVICES) for f in docs]),
        "walk": encode_column([walk_tenths(f) for f in docs]),
        # Practical conditions the office says it offers (yes); no and unknown are both 0.
        "opt": encode_column([bitmask(f.conditions.offered, [c.slug for c in CONDITIONS]) for f in docs]),
        # 空きあり, fresh on the build's reference date: the optional vacancy=yes filter.
        "vac": encode_column([has_vacancy(f, today) for f in docs]),
    }


def name_order_file(docs: Sequence[Facility], order: Sequence[int]) -> dict:
    """The prefecture of each facility in reading order; within a prefecture, doc order is reading order."""
    return {"prefs": encode_column([docs[d].prefecture.code - 1 for d in order])}


def _as_metric(value: Metric | int | None) -> Metric | None:
    return Metric("", float(value), float(value)) if isinstance(value, int) else value


def sort_column(docs: Sequence[Facility], attribute: str) -> dict:
    """Each facility's rank among the distinct values, UNKNOWN_RANK without a value (非公開 or 未掲載).

    Rank 0 is the end the browser shows last: the worst value of a high-first
    sort (就職定着率), the best of a low-first one (平均利用期間). The order
    itself is metric_order_key's, the comparison's rule.
    """
    high_first = HIGH_FIRST[attribute]
    keys = [metric_order_key(_as_metric(getattr(f, attribute)), high_first) for f in docs]
    known = sorted({k for k, f in zip(keys, docs, strict=True) if getattr(f, attribute) is not None})
    if high_first:
        known.reverse()  # best first -> rank 0 is the worst
    ranks = {key: rank for rank, key in enumerate(known)}
    return {"ranks": encode_column([UNKNOWN_RANK if getattr(f, attribute) is None else ranks[k] for k, f in zip(keys, docs, strict=True)])}


def card_row(facility: Facility) -> list:
    """[id, name, city, access, 就職定着率, 昨年の就職人数, 定員 (label), 平均利用期間(, notes)] as the card shows them.

    access is [line or "", station, walk label] for the nearest station, or None.
    就職定着率 is None where the card leaves it out (Facility.shows_retention_rate).
    The services and 定着支援あり／なし come from the facet table's service bits.
    """
    station = facility.nearest_station
    access = [station.line or "", station.name, station.walk_label] if station else None
    notes = {name: facility.metric_note(name) for name in facility.metric_notes if facility.metric_note(name)}
    row = [
        facility.id,
        facility.name,
        facility.city,
        access,
        facility.metric_text("retention_rate") if facility.shows_retention_rate else None,
        facility.metric_text("hires_last_year"),
        facility.capacity_label,
        facility.metric_text("average_stay"),
    ]
    # Only cards whose record defines a metric carry the 9th item: {field: 2024年度・就職6ヶ月後・事業所発表}.
    return [*row, notes] if notes else row


def card_files(docs: Sequence[Facility], rows: Sequence[list] | None = None) -> dict[str, object]:
    """The card rows two ways, so any page of results needs few small files:

    cards/doc-<k>.json      CARD_CHUNK rows in doc order (neighbours, or a few scattered cards)
    cards/pref-<slug>.json  every row of a prefecture (many cards of one prefecture)

    rows: card_row of each doc, when the caller has them already.
    """
    rows = [card_row(f) for f in docs] if rows is None else rows
    files: dict[str, object] = {}
    for number, start in enumerate(range(0, len(rows), CARD_CHUNK)):
        files[f"cards/doc-{number}.json"] = rows[start : start + CARD_CHUNK]
    starts = prefecture_starts(docs)
    for pref, start, end in zip(PREFECTURES, starts, starts[1:], strict=False):
        if end > start:
            files[f"cards/pref-{pref.slug}.json"] = rows[start:end]
    return files


# --- per-record rows (issue 15: a rebuild recomputes only the rows of changed records) ---------


class SearchRow(NamedTuple):
    """What the search data needs of one facility, computed from that facility alone.

    The build cache keeps each row under the facility's fingerprint digest
    (search/page.py ROWS_CACHE), so a rebuild computes rows only for the
    records that changed; every file is then assembled from the rows by the
    same functions in a clean build and a rebuild. The vacancy bit is not
    here: it depends on the build's reference date (has_vacancy).
    """

    key: tuple  # doc order: (prefecture code, normalized reading, id)
    dis: int
    svc: int
    walk: int
    opt: int
    sorts: tuple  # per METRIC_SORTS attribute: metric_order_key, or None without a value
    card: str  # card_row as compact JSON (index.to_json)
    geo: tuple | None  # geo.distance.quantise of the location, or None
    words: str  # per search field (index.SEARCH_FIELDS): its words (encode_words; one string pickles fast)


SORTS = SearchRow._fields.index("sorts")


def row_facets(facility: Facility) -> tuple[int, int, int, int]:
    return (
        bitmask(facility.disabilities, DISABILITIES),
        bitmask(facility.services_offered, SERVICES),
        walk_tenths(facility),
        bitmask(facility.conditions.offered, [c.slug for c in CONDITIONS]),
    )


def row_sorts(facility: Facility) -> tuple:
    return tuple(
        None if getattr(facility, attribute) is None else metric_order_key(_as_metric(getattr(facility, attribute)), HIGH_FIRST[attribute])
        for attribute in METRIC_SORTS.values()
    )


def facet_columns_of(rows: Sequence[SearchRow], vacancies: Sequence[int]) -> dict:
    """facet_columns from rows (and each doc's has_vacancy)."""
    return {
        "dis": encode_column([r.dis for r in rows]),
        "svc": encode_column([r.svc for r in rows]),
        "walk": encode_column([r.walk for r in rows]),
        "opt": encode_column([r.opt for r in rows]),
        "vac": encode_column(vacancies),
    }


def sort_column_of(rows: Sequence[SearchRow], position: int, attribute: str) -> dict:
    """sort_column from rows: `position` is the attribute's place in METRIC_SORTS."""
    keys = [r[SORTS][position] for r in rows]
    known = sorted(set(keys).difference((None,)))
    if HIGH_FIRST[attribute]:
        known.reverse()
    ranks = {key: rank for rank, key in enumerate(known)}
    ranks[None] = UNKNOWN_RANK
    return {"ranks": encode_column([ranks[k] for k in keys])}


def row_starts(rows: Sequence[SearchRow]) -> list[int]:
    """prefecture_starts from rows (in doc order, so by prefecture code)."""
    codes = [r[0][0] for r in rows]
    return [bisect.bisect_left(codes, pref.code) for pref in PREFECTURES] + [len(rows)]


def card_texts(rows: Sequence[SearchRow], starts: Sequence[int]) -> dict[str, str]:
    """card_files as JSON text, joined from the rows' card JSON (the same bytes as to_json of the lists)."""
    cards = [r.card for r in rows]
    files: dict[str, str] = {}
    for number, start in enumerate(range(0, len(cards), CARD_CHUNK)):
        files[f"cards/doc-{number}.json"] = "[" + ",".join(cards[start : start + CARD_CHUNK]) + "]"
    for pref, start, end in zip(PREFECTURES, starts, starts[1:], strict=False):
        if end > start:
            files[f"cards/pref-{pref.slug}.json"] = "[" + ",".join(cards[start:end]) + "]"
    return files


# Words are letters and digits (tokenizer.split_words), never these separators.
_FIELD_SEPARATOR, _WORD_SEPARATOR = "\x1e", "\x1f"


def encode_words(fields) -> str:
    """Each field's words as one string (a row in the build cache: one object, not hundreds)."""
    return _FIELD_SEPARATOR.join(_WORD_SEPARATOR.join(words) for words in fields)


def decode_words(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(field.split(_WORD_SEPARATOR)) if field else () for field in text.split(_FIELD_SEPARATOR))


class DocumentWords(Sequence):
    """Each doc's words per field, decoded from its row when first asked for."""

    def __init__(self, rows: Sequence[SearchRow]):
        self._rows = rows
        self._decoded: dict[int, tuple] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, doc):
        words = self._decoded.get(doc)
        if words is None:
            words = self._decoded[doc] = decode_words(self._rows[doc].words)
        return words
