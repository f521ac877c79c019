"""Turn offices into record changes: match them to existing records, give new ones ids, merge.

Ids. A new office gets its 事業所番号 as id (`1310400123`); the next place
with the same number (a satellite) gets `1310400123-2`, then `-3`, skipping
ids already taken. An id never changes afterwards: on re-import an office
is found again through its record's `source` block (the 事業所番号 and the
official name and address recorded there), not through the id.

Merge rules, field by field, for every value the open data supplies
(name, name_kana, prefecture, city, address, services, capacity, url,
phone, office_number, fax, location, each of hours.weekdays, .saturday,
.sunday, .holidays, .closed and .note on its own, and each of operator.name,
.name_kana, .number and .url on its own). `source.values` holds the official value
last imported; comparing it with the record tells a hand edit from an
untouched value:

| record value            | official value     | result                                              |
|-------------------------|--------------------|-----------------------------------------------------|
| = last official         | changed            | takes the new official value (updated)              |
| ≠ last official (edited)| unchanged          | kept                                                |
| ≠ last official (edited)| changed            | kept; reported as a conflict with both values       |
| removed by hand         | changed            | stays removed; reported as a conflict               |
| not there, never imported| given             | added                                               |

`services` merges item by item: services the open data added or dropped
are added or dropped, services the operator added or removed stay as the
operator left them. Fields the open data never supplies (disabilities,
access, metrics, description …) are never touched.

After a conflict the new official value is recorded in `source.values`, so
the same conflict is reported once, not on every import. A new official
value that is unusable (garbage coordinates, a `javascript:` URL: the
office's `invalid` fields) changes nothing: the record keeps its value and
`source.values` its last good official one; the report lists it as kept.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from ..records.fields import HOURS_KEYS, OFFICE_NUMBER_RE, OPERATOR_KEYS
from .csv_reader import CODE_BY_LABEL, SeenRow, ServiceRow
from .offices import Office, normalize, place_key
from .yaml_store import DELETE, FIELD_ORDER, Change, StoredRecord

DATASET = "障害福祉サービス等情報公表システム"
IMPORTED_FIELDS = (
    "name",
    "name_kana",
    "prefecture",
    "city",
    "address",
    "services",
    "capacity",
    "url",
    "phone",
    "office_number",
    "fax",
    *(f"hours.{key}" for key in HOURS_KEYS),  # merged one by one: a hand-edited note keeps the imported hours flowing
    *(f"operator.{key}" for key in OPERATOR_KEYS),  # the corporation, merged key by key like hours
    "location",
)
SERVICE_LABEL_ORDER = tuple(CODE_BY_LABEL)


@dataclass
class Conflict:
    field: str
    yours: object  # the record's value; None when removed by hand
    previous: object  # the official value last imported; None when never imported
    official: object  # the new official value


@dataclass
class Plan:
    """What the import does to one record."""

    id: str
    office: Office
    record: StoredRecord | None
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    changed_fields: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # fields whose new official value was unusable: the record's value stays
    confirm: Change | None = None  # source.confirmed moves to the import date; not a change of the record's values
    data: dict | None = None  # the whole record, for a new one

    @property
    def status(self) -> str:
        if self.record is None:
            return "new"
        if self.conflicts:
            return "conflicting"
        return "updated" if self.changes else "unchanged"


@dataclass
class Disappeared:
    record: StoredRecord
    scope: list[str]  # the 都道府県 × service files it was expected in, e.g. 東京都 60


@dataclass
class Held:
    """A record left as it was because rows with its 事業所番号 were skipped."""

    record: StoredRecord
    rows: list[SeenRow]


def scope_of(rows: list[ServiceRow], seen: list[SeenRow]) -> set[tuple[str, str]]:
    """(prefecture, service code) pairs this import covers: only there can an office disappear.

    Skipped rows count too: a file of 東京都 60 whose every row was skipped still covers 東京都 60.
    """
    scope = {(row.prefecture.name, row.code) for row in rows}
    scope.update((row.prefecture, row.code) for row in seen if row.prefecture and row.code)
    return scope


Pair = tuple[Office, StoredRecord | None, str]  # office, its record (None: new), record id


def match(
    offices: list[Office], records: dict[str, StoredRecord], scope: set[tuple[str, str]], seen: list[SeenRow] = ()
) -> tuple[list[Pair], list[Disappeared], list[Held]]:
    """Pair each office with its existing record (or a new id).

    Also returns the imported records no longer published (in none of the
    rows read, skipped rows included) and those left alone because rows with
    their 事業所番号 were skipped.
    """
    skipped_rows: dict[str, list[SeenRow]] = defaultdict(list)
    for row in seen:
        if row.office_number:
            skipped_rows[row.office_number].append(row)
    candidates: dict[str, list[StoredRecord]] = defaultdict(list)
    for record in records.values():
        number = record.office_number
        if number and OFFICE_NUMBER_RE.match(number):
            candidates[number].append(record)
    taken = set(records)
    pairs: list[Pair] = []
    matched: set[str] = set()
    by_number: dict[str, list[Office]] = defaultdict(list)
    for office in offices:
        by_number[office.office_number].append(office)
    for number in sorted(by_number):
        places = by_number[number]  # main office first (offices.group_offices sorts them)
        found = _pair_places(places, sorted(candidates.get(number, []), key=lambda r: r.id), guess=number not in skipped_rows)
        for office in places:
            record = found.get(id(office))
            if record is not None:
                matched.add(record.id)
                pairs.append((office, record, record.id))
            else:
                new_id = _free_id(number, taken)
                taken.add(new_id)
                pairs.append((office, None, new_id))
    disappeared, held = [], []
    for record in sorted(records.values(), key=lambda r: r.id):
        if record.id in matched or not record.source:
            continue
        if record.office_number in skipped_rows:
            held.append(Held(record, skipped_rows[record.office_number]))
            continue
        services = record.official.get("services") or []
        prefecture = record.official.get("prefecture")
        expected_in = [f"{prefecture} {CODE_BY_LABEL[s]}" for s in services if s in CODE_BY_LABEL and (prefecture, CODE_BY_LABEL[s]) in scope]
        if expected_in:
            disappeared.append(Disappeared(record, expected_in))
    return pairs, disappeared, held


def _pair_places(places: list[Office], records: list[StoredRecord], guess: bool = True) -> dict[int, StoredRecord]:
    """Match places of one 事業所番号 to its records: same place, then same name, then same address."""
    found: dict[int, StoredRecord] = {}
    free = list(records)

    def recorded(record: StoredRecord, key: str):
        values = record.official or record.data
        return values.get(key) if isinstance(values.get(key), str) else None

    tests = (
        lambda office, record: office.place_key == place_key(recorded(record, "city"), recorded(record, "address"), recorded(record, "name")),
        lambda office, record: normalize(office.name) == normalize(recorded(record, "name")),
        lambda office, record: normalize(office.official["address"]) == normalize(recorded(record, "address")) and recorded(record, "address"),
    )
    for same in tests:
        for office in places:
            if id(office) in found:
                continue
            hits = [record for record in free if same(office, record)]
            if len(hits) == 1:
                found[id(office)] = hits[0]
                free.remove(hits[0])
    left = [office for office in places if id(office) not in found]
    # One office, one record: it moved or was renamed. Not when rows of this number were
    # skipped: the record may be the skipped place's.
    if guess and len(left) == 1 and len(free) == 1:
        found[id(left[0])] = free[0]
    return found


def _free_id(number: str, taken: set[str]) -> str:
    if number not in taken:
        return number
    suffix = 2
    while f"{number}-{suffix}" in taken:
        suffix += 1
    return f"{number}-{suffix}"


# --- planning ------------------------------------------------------------------


def plan_new(office: Office, record_id: str, today: dt.date) -> Plan:
    official = office.official
    data = {key: official[key] for key in FIELD_ORDER if official.get(key) is not None}
    data["updated"] = today
    data["source"] = _source_block(office, official, today)
    given = [key.partition(".")[0] for key in IMPORTED_FIELDS if _get(official, key) is not None]
    return Plan(record_id, office, None, data=data, changed_fields=list(dict.fromkeys(given)))  # `hours` once


def plan_update(office: Office, record: StoredRecord, scope: set[tuple[str, str]], today: dt.date) -> Plan:
    plan = Plan(record.id, office, record)
    official = dict(office.official)
    previous = record.official
    current = record.data
    official["services"] = _official_services(official, previous, scope)
    recorded: dict[str, object] = {}
    for key in IMPORTED_FIELDS:
        new = _get(official, key)
        old = _get(previous, key)
        if key in office.invalid:
            plan.kept.append(key)  # the new official value is unusable: keep the record's, and the recorded one
            continue
        if key == "services":
            merged = _merge_services(current.get(key), old, new)
            if merged != _labels(current.get(key)):
                plan.changes.append(((key,), merged))
                plan.changed_fields.append(key)
        else:
            _merge_value(plan, key, current, old, new)
        if _comparable(key, old) != _comparable(key, new):
            recorded[key] = new
    record_changed = bool(plan.changes)
    if record_changed:
        updated = current.get("updated")
        if not isinstance(updated, dt.date) or updated < today:
            plan.changes.append((("updated",), today))
    if recorded or record_changed or not record.source:
        source = _source_block(office, official, today)
        if set(official["services"]) - set(office.official["services"]):
            # Services kept from files this import did not read: keep naming their files too.
            earlier = record.source.get("files")
            earlier = {str(name) for name in earlier if name} if isinstance(earlier, list) else set()
            source["files"] = sorted(set(source["files"]) | earlier)
        if not record.source:
            plan.changes.append((("source",), source))
        else:
            for key in ("dataset", "imported", "confirmed", "files", "office_number"):
                if record.source.get(key) != source[key]:
                    plan.changes.append((("source", key), source[key]))
            for key, value in recorded.items():
                plan.changes.append((("source", "values", *key.split(".")), DELETE if value is None else value))
    if record.source and record.source.get("confirmed") != today and not any(path == ("source", "confirmed") for path, _ in plan.changes):
        plan.confirm = (("source", "confirmed"), today)
    return plan


def _get(values: dict, key: str):
    """values[key], where `hours.closed` reads values["hours"]["closed"]; None when absent."""
    for part in key.split("."):
        if not isinstance(values, dict):
            return None
        values = values.get(part)
    return values


def _merge_value(plan: Plan, key: str, current: dict, old, new) -> None:
    value = _get(current, key)
    has_value = value not in (None, "")
    mine = _comparable(key, value) if has_value else None
    old_c, new_c = _comparable(key, old), _comparable(key, new)
    if mine == new_c or old_c == new_c:
        return  # already what the open data says, or the open data did not change: keep the record's value
    parent = _get(current, key.rpartition(".")[0]) if "." in key else current
    if mine == old_c and isinstance(parent, dict | type(None)):  # untouched since the last import (or never there): follow the open data
        plan.changes.append((tuple(key.split(".")), DELETE if new is None else new))
        plan.changed_fields.append(key)
        return
    # The operator wrote, changed or removed this value, and the open data changed too
    # (or wrote something other than a mapping where the value would go).
    plan.conflicts.append(Conflict(key, value if has_value else None, old, new))


def _official_services(official: dict, previous: dict, scope: set[tuple[str, str]]) -> list[str]:
    """Services found now, plus previously imported ones from files this import did not read."""
    found = set(official["services"])
    prefecture = previous.get("prefecture") or official["prefecture"]
    for label in _labels(previous.get("services")):
        code = CODE_BY_LABEL.get(label)
        if code and (prefecture, code) not in scope:
            found.add(label)
    return [label for label in SERVICE_LABEL_ORDER if label in found]


def _merge_services(current, old, new) -> list[str]:
    """Three-way merge: the record's list plus what the open data added, minus what it dropped."""
    mine, old_set, new_set = _labels(current), set(_labels(old)), set(new or ())
    merged = [label for label in mine if not (label in old_set and label not in new_set)]
    merged += [label for label in SERVICE_LABEL_ORDER if label in new_set - old_set and label not in merged]
    order = {label: i for i, label in enumerate(SERVICE_LABEL_ORDER)}
    return sorted(merged, key=lambda label: (order.get(label, len(order)), mine.index(label) if label in mine else 0))


def _labels(value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    labels = []
    for item in value:
        label = unicodedata.normalize("NFC", str(item)).strip().replace("（", "(").replace("）", ")")
        if label and label not in labels:
            labels.append(label)
    return labels


def _comparable(key: str, value):
    """A value in the form two values are compared in (YAML scalars, spacing and widths aside)."""
    if value is None or value == "":
        return None
    if key == "services":
        return tuple(sorted(_labels(value)))
    if key == "location":
        if isinstance(value, dict):
            try:
                return (float(value.get("lat")), float(value.get("lng")))
            except (TypeError, ValueError):
                return ("invalid", repr(value))
        return ("invalid", repr(value))
    if key == "capacity" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return unicodedata.normalize("NFC", str(value)).strip()
    return ("invalid", repr(value))


def _source_block(office: Office, official: dict, today: dt.date) -> dict:
    return {
        "dataset": DATASET,
        "imported": today,
        "confirmed": today,  # the last import that found the office in the open data
        "files": office.files,
        "office_number": office.office_number,
        "values": {key: official[key] for key in FIELD_ORDER if key in official and official[key] is not None},
    }
