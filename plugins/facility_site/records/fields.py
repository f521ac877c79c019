"""Check the fields of one parsed record and build its Facility.

records/reader.py finds the files and reads their YAML into a RecordSource; this module checks
each field as the operator wrote it, adds every problem to the source (`file:line: field: problem`)
and builds the Facility when the record can be built.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ..errors import Problem, display_path
from ..photos.check import PhotoError, probe
from .markup import render_description
from .metrics import (
    BASIS_FIELD,
    DEFINITION_KEYS,
    METRIC_SPECS,
    MetricError,
    MetricNote,
    is_definition,
    parse_basis,
    parse_metric,
    says_not_published,
)
from .model import VACANCY_STATUSES, Conditions, Facility, Hours, Location, Operator, PhotoRef, Station, Vacancy, Visit
from .vocab import (
    ANSWERS,
    CONDITIONS,
    DISABILITY_BY_LABEL,
    HOURS_DAYS,
    PREFECTURE_BY_NAME,
    SERVICE_BY_LABEL,
    UNKNOWN,
    VISIT_KINDS,
    prefecture_suggestion,
)

OFFICE_NUMBER_RE = re.compile(r"^[0-9]{10}$")
MAX_WALK_MINUTES = 240
# walk_minutes as a brochure writes it (after NFKC): 5, 5分, 徒歩5分, 徒歩 約5分, 0.5分.
_WALK_WRITTEN = re.compile(r"(?:徒歩)?\s*(?:約)?\s*([0-9]+(?:\.[0-9]+)?)\s*分?")
# The 駅 (one or more, a common slip) the site adds itself, and the spaces before it.
_STATION_SUFFIX = re.compile(r"\s*駅+$")
MAX_CAPACITY = 1000
# Bidirectional embedding, override and isolate controls: they can make text read backwards.
BIDI_RE = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# Characters that show nothing; a name made only of these is blank.
INVISIBLE_RE = re.compile(r"[\s\u200b-\u200f\u2060-\u2064\u180e\u3164\uffa0\u115f\u1160\u00ad\u034f\ufeff]+")
KANA_RE = re.compile(r"^[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f0-9０-９ 　・ー]+$")

REQUIRED = ("name", "prefecture", "city", "services", "disabilities", "updated")
OPTIONAL = (
    "capacity",
    "name_kana",
    "address",
    "access",
    "retention_rate",
    "hires_last_year",
    "average_stay",
    "catchphrase",
    "description",
    "features",
    "url",
    "phone",
    "office_number",
    "email",
    "fax",
    "inquiry_url",
    "hours",
    "visit",
    "conditions",
    "operator",
    "location",
    "vacancy",
    "photos",
    "source",
)
KNOWN_KEYS = REQUIRED + OPTIONAL
ACCESS_KEYS = ("line", "station", "walk_minutes")
HOURS_KEYS = tuple(key for key, _ in HOURS_DAYS) + ("closed", "note")
VISIT_KEYS = tuple(kind.slug for kind in VISIT_KINDS) + ("note",)
CONDITION_KEYS = tuple(c.slug for c in CONDITIONS)
OPERATOR_KEYS = ("name", "name_kana", "number", "url")
OPERATOR_LIMITS = {"name": 120, "name_kana": 120, "url": 500}
CORPORATE_NUMBER_RE = re.compile(r"^[0-9]{13}$")
TEXT_LIMITS = {"name": 120, "name_kana": 120, "city": 60, "address": 200, "catchphrase": 200, "description": 20000}
# Each hours entry is one line of free text (9:00〜17:00, 第2土曜のみ 10:00〜15:00).
NESTED_TEXT_LIMITS = {"note": 200}
NESTED_TEXT_LIMIT = 100
# An address as people write it on a brochure: ASCII local part, a domain with a dot.
EMAIL_RE = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")
MAX_EMAIL = 254
# A metric's period is a short label such as 2024年度 or 2023年4月〜2024年3月.
MAX_PERIOD = 40


@dataclass
class RecordSource:
    """One record file while it is being read: its raw values and where each sits."""

    path: str
    data: dict = field(default_factory=dict)
    lines: dict = field(default_factory=dict)
    nodes: dict = field(default_factory=dict)  # "access[0].station" -> its YAML node
    problems: list[Problem] = field(default_factory=list)
    parsed: bool = False  # the YAML was read; its fields can be validated
    folder: Path | None = None  # the records folder: `photos` paths are relative to it

    def line(self, key: str) -> int:
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key.rpartition(".")[0] if "." in key else key.rpartition("[")[0]
        return 1

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, self.line(key), key, message))


def _as_written(source: RecordSource, key: str, value: object) -> object:
    """For a text field, the scalar exactly as written.

    YAML reads `0110400123` as an octal number, `yes` as True and `1.50` as
    1.5; in a text field the operator meant the characters they typed.
    """
    node = source.nodes.get(key)
    if value is not None and not isinstance(value, str) and isinstance(node, yaml.ScalarNode):
        return node.value
    return value


def build_facility(source: RecordSource, record_id: str) -> Facility | None:
    data = source.data
    _report_unknown_keys(source, "", data, KNOWN_KEYS)
    imported = "source" in data
    for key in REQUIRED:
        if key == "disabilities" and imported:
            continue  # imported records may not know them yet: shown as 未確認
        if _blank(data.get(key)):
            source.problem(key, "required field is missing" if key not in data else "required field is empty")

    values = {
        "name": _text(source, "name"),
        "name_kana": _kana(source),
        "prefecture": _prefecture(source),
        "city": _text(source, "city"),
        "address": _text(source, "address"),
        "access": _access(source),
        "services": _terms(source, "services", SERVICE_BY_LABEL),
        "capacity": _capacity(source),
        "disabilities": _terms(source, "disabilities", DISABILITY_BY_LABEL),
        "catchphrase": _text(source, "catchphrase"),
        "description": _text(source, "description", multiline=True),
        "features": _features(source),
        "url": _url(source, "url"),
        "phone": _phone(source, "phone"),
        "office_number": _office_number(source),
        "email": _email(source),
        "fax": _phone(source, "fax"),
        "inquiry_url": _url(source, "inquiry_url"),
        "hours": _hours(source),
        "visit": _answers(source, "visit", VISIT_KEYS, Visit),
        "conditions": _answers(source, "conditions", CONDITION_KEYS, Conditions),
        "operator": _operator(source),
        "updated": _date(source),
        "location": _location(source),
        "vacancy": _vacancy(source),
        "photos": _photos(source),
        "source": _source_block(source),
    }
    values.update(_metrics(source))
    _check_city(source, values["prefecture"], values["city"])
    if source.problems:
        return None
    return Facility(
        id=record_id,
        source_path=source.path,
        updated_line=source.line("updated"),
        description_html=render_description(values["description"]) if values["description"] else "",
        # None means "not given": leave those to the model's defaults.
        **{k: v for k, v in values.items() if v is not None},
    )


def _metrics(source: RecordSource) -> dict:
    """The three metrics, each a plain value or {value, period, basis, source}; with their notes."""
    values: dict = {}
    notes: dict[str, MetricNote] = {}
    not_published = set()
    for field_name, spec in METRIC_SPECS.items():
        raw = source.data.get(field_name)
        value_key = field_name
        if is_definition(raw):
            note = _metric_note(source, field_name, raw)
            if note is not None:
                notes[field_name] = note
            raw = raw.get("value")
            value_key = f"{field_name}.value"
        try:
            values[field_name] = parse_metric(raw, spec)
        except MetricError as exc:
            source.problem(value_key, str(exc))
        if says_not_published(raw):
            not_published.add(field_name)
    values["not_published"] = frozenset(not_published) or None
    values["metric_notes"] = notes or None
    return values


def _metric_note(source: RecordSource, field_name: str, raw: dict) -> MetricNote | None:
    """The definition part of `{value, period, basis, source}`; every problem reported by its key."""
    known = DEFINITION_KEYS if field_name == BASIS_FIELD else tuple(k for k in DEFINITION_KEYS if k != "basis")
    for key in raw:
        if key == "basis" and field_name != BASIS_FIELD:
            source.problem(f"{field_name}.basis", "basis is for retention_rate only (how long after starting work a person counts as retained)")
        elif key not in known:
            _report_unknown_keys(source, field_name, (key,), known)
    if "value" not in raw:
        source.problem(f"{field_name}.value", "value is missing; write the figure (or 非公開) as value: …")
    period = _nested_text(source, f"{field_name}.period", raw.get("period"))
    origin = _nested_text(source, f"{field_name}.source", raw.get("source"))
    months = None
    if field_name == BASIS_FIELD and not _blank(raw.get("basis")):
        try:
            months = parse_basis(_as_written(source, f"{field_name}.basis", raw.get("basis")))
        except MetricError as exc:
            source.problem(f"{field_name}.basis", str(exc))
    if period and len(period) > MAX_PERIOD:
        source.problem(f"{field_name}.period", f"is {len(period)} characters long; at most {MAX_PERIOD}")
        period = None
    note = MetricNote(period=period, basis_months=months, source=origin)
    return note if note.text() else None


def _blank(value: object) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _has(source: RecordSource, key: str) -> bool:
    return not _blank(source.data.get(key))


def _text(source: RecordSource, key: str, multiline: bool = False) -> str | None:
    if not _has(source, key):
        return None
    value = _as_written(source, key, source.data[key])
    if not isinstance(value, str):
        source.problem(key, "must be text, not a list or mapping")
        return None
    text = unicodedata.normalize("NFC", str(value)).strip()
    if not multiline and ("\n" in text):
        source.problem(key, "must be a single line")
        return None
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        source.problem(key, "contains control characters")
        return None
    if BIDI_RE.search(text):
        source.problem(key, "contains bidirectional override characters (U+202A–202E, U+2066–2069), which can make text read backwards; remove them")
        return None
    if key == "name" and not INVISIBLE_RE.sub("", text):
        source.problem(key, "has no visible characters")
        return None
    limit = TEXT_LIMITS.get(key)
    if limit and len(text) > limit:
        source.problem(key, f"is {len(text)} characters long; at most {limit}")
        return None
    return text


def _kana(source: RecordSource) -> str | None:
    text = _text(source, "name_kana")
    if text is not None and not KANA_RE.match(text):
        source.problem("name_kana", f"{text!r} is not a reading in hiragana or katakana")
        return None
    return text


def _check_city(source: RecordSource, pref, city: str | None) -> None:
    # The prefecture is shown before the city everywhere (東京都新宿区), so a
    # city written with it would read 東京都東京都新宿区.
    if pref is not None and city and city.startswith(pref.name) and len(city) > len(pref.name):
        source.problem("city", f"write the city without the prefecture: {city[len(pref.name) :]!r}")


def _prefecture(source: RecordSource):
    if not _has(source, "prefecture"):
        return None
    value = source.data["prefecture"]
    name = str(value).strip()
    pref = PREFECTURE_BY_NAME.get(name)
    if pref is None:
        suggestion = prefecture_suggestion(name)
        hint = f"; did you mean {suggestion!r}?" if suggestion else "; use one of the 47 official names such as '東京都'"
        source.problem("prefecture", f"unknown prefecture {name!r}{hint}")
    return pref


def _terms(source: RecordSource, key: str, vocabulary: dict) -> tuple:
    if not _has(source, key):
        return ()
    value = source.data[key]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        source.problem(key, "must be a list")
        return ()
    terms = []
    for i, item in enumerate(value):
        label = str(item).strip() if item is not None else ""
        # Accept full-width brackets: 自立訓練（生活訓練）.
        label = label.replace("（", "(").replace("）", ")")
        # 精神障害, 精神障がい and 精神障碍 all name the term 精神.
        term = vocabulary.get(label) or vocabulary.get(re.sub(r"(障害|障がい|障碍)$", "", label))
        if term is None:
            close = difflib.get_close_matches(label, vocabulary, n=1, cutoff=0.5)
            hint = f"did you mean {close[0]!r}?" if close else "use one of " + ", ".join(vocabulary)
            source.problem(f"{key}[{i}]", f"unknown value {label!r}; {hint}")
        elif term in terms:
            source.problem(f"{key}[{i}]", f"{label!r} is listed twice")
        else:
            terms.append(term)
    order = list(vocabulary.values())
    return tuple(sorted(terms, key=order.index))


def _capacity(source: RecordSource) -> int | None:
    if not _has(source, "capacity"):
        return None
    value = source.data["capacity"]
    if isinstance(value, str):
        cleaned = unicodedata.normalize("NFKC", value).strip().removesuffix("名").removesuffix("人")
        value = int(cleaned) if cleaned.isdigit() else value
    if isinstance(value, bool) or not isinstance(value, int):
        source.problem("capacity", f"{value!r} is not a whole number")
        return None
    if value <= 0:
        source.problem("capacity", f"must be greater than 0, got {value}; leave it out if the office publishes none")
        return None
    if value > MAX_CAPACITY:
        source.problem("capacity", f"{value} is over {MAX_CAPACITY:,}; no office of these services is that large")
        return None
    return value


def _access(source: RecordSource) -> tuple[Station, ...]:
    if not _has(source, "access"):
        return ()
    value = source.data["access"]
    if not isinstance(value, list):
        source.problem("access", "must be a list of {line, station, walk_minutes}")
        return ()
    stations = []
    for i, item in enumerate(value):
        where = f"access[{i}]"
        if not isinstance(item, dict):
            source.problem(where, "must be a mapping with station and walk_minutes")
            continue
        _report_unknown_keys(source, where, item, ACCESS_KEYS)
        station = _access_text(source, f"{where}.station", item.get("station")) or ""
        station = _STATION_SUFFIX.sub("", station).strip()  # 新宿駅 (or 新宿駅駅) -> 新宿: the site adds 駅 itself
        if not station and f"{where}.station" not in {p.field for p in source.problems}:
            source.problem(f"{where}.station", "station is missing")
        line = _access_text(source, f"{where}.line", item.get("line"))
        walk = item.get("walk_minutes")
        if walk is None:
            source.problem(f"{where}.walk_minutes", "walk_minutes is missing")
            continue
        if isinstance(walk, str) and (written := _WALK_WRITTEN.fullmatch(unicodedata.normalize("NFKC", walk).strip())):
            walk = float(written.group(1))  # 徒歩5分, 5分, ５: as brochures write it
        if isinstance(walk, bool) or not isinstance(walk, (int, float)):
            source.problem(f"{where}.walk_minutes", f"{walk!r}: write the minutes on foot as a number, such as 5 (徒歩30秒 = 0.5)")
            continue
        if walk != walk or walk < 0 or walk > MAX_WALK_MINUTES:
            source.problem(f"{where}.walk_minutes", f"{walk!r} is out of range; use minutes from 0 to {MAX_WALK_MINUTES}")
            continue
        if station:
            stations.append(Station(name=station, walk_minutes=float(walk), line=line))
    return tuple(stations)


def _access_text(source: RecordSource, key: str, value: object) -> str | None:
    value = _as_written(source, key, value)
    if value is None:
        return None
    if not isinstance(value, str) or "\n" in value.strip():
        source.problem(key, "must be one line of text")
        return None
    return unicodedata.normalize("NFC", value).strip() or None


def _features(source: RecordSource) -> tuple[str, ...]:
    if not _has(source, "features"):
        return ()
    value = source.data["features"]
    if not isinstance(value, list):
        source.problem("features", "must be a list of short tags")
        return ()
    tags = []
    for i, item in enumerate(value):
        item = _as_written(source, f"features[{i}]", item)
        if not isinstance(item, str) or not item.strip() or "\n" in item.strip():
            source.problem(f"features[{i}]", "must be a short text tag")
            continue
        tag = unicodedata.normalize("NFC", item).strip()
        if len(tag) > 40:
            source.problem(f"features[{i}]", f"is {len(tag)} characters long; at most 40")
        elif tag not in tags:
            tags.append(tag)
    return tuple(tags)


def _url(source: RecordSource, key: str) -> str | None:
    text = _text(source, key)
    if text is None:
        return None
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in text):
        source.problem(key, f"{text!r} is not an http(s) address")
        return None
    return text


def _phone(source: RecordSource, key: str) -> str | None:
    """A phone or fax number: digits with optional -, spaces, brackets and a leading +."""
    if not _has(source, key):
        return None
    value = _as_written(source, key, source.data[key])
    if not isinstance(value, str):
        source.problem(key, f"must be a {key} number such as '03-1234-5678'")
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    digits = re.sub(r"[\s\-()]", "", text)
    if not re.fullmatch(r"\+?\d{6,15}", digits):
        source.problem(key, f"{value!r} is not a {key} number")
        return None
    return text


def _email(source: RecordSource) -> str | None:
    text = _text(source, "email")
    if text is None:
        return None
    text = unicodedata.normalize("NFKC", text)  # ｉｎｆｏ＠… typed in full width
    if text.lower().startswith("mailto:"):
        source.problem("email", f"{text!r}: write the address alone, without 'mailto:'")
        return None
    if len(text) > MAX_EMAIL or not EMAIL_RE.match(text):
        source.problem("email", f"{text!r} is not an email address such as 'info@example.jp'")
        return None
    return text


def _block(source: RecordSource, key: str, known: tuple[str, ...], shape: str) -> dict | None:
    """A mapping field's value with its unknown keys reported; None when left out or not a mapping."""
    if not _has(source, key):
        return None
    value = source.data[key]
    if not isinstance(value, dict):
        source.problem(key, f"must be a mapping such as {shape}")
        return None
    _report_unknown_keys(source, key, value, known, cutoff=0.7)
    return value


def _report_unknown_keys(source: RecordSource, where: str, keys, known, cutoff: float = 0.6, aliases: dict | None = None) -> None:
    """One problem per key not in `known`, with the closest known key (or an alias's) as a hint, else the list."""
    for key in keys:
        if key in known:
            continue
        name = str(key)
        close = [aliases[name.lower()]] if aliases and name.lower() in aliases else difflib.get_close_matches(name, known, n=1, cutoff=cutoff)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known fields are {', '.join(known)}"
        source.problem(f"{where}.{name}" if where else name, f"unknown field{hint}")


def _nested_text(source: RecordSource, key: str, value: object) -> str | None:
    """One line of free text inside hours or visit; empty means not published."""
    value = _as_written(source, key, value)  # 9:00 stays 9:00, not YAML 1.1's 540
    if value is None:
        return None
    if not isinstance(value, str):
        source.problem(key, "must be text, not a list or mapping")
        return None
    text = unicodedata.normalize("NFC", value).strip()
    if "\n" in text:
        source.problem(key, "must be a single line")
        return None
    if any(unicodedata.category(ch) == "Cc" and ch != "\t" for ch in text):
        source.problem(key, "contains control characters")
        return None
    limit = NESTED_TEXT_LIMITS.get(key.rpartition(".")[2], NESTED_TEXT_LIMIT)
    if len(text) > limit:
        source.problem(key, f"is {len(text)} characters long; at most {limit}")
        return None
    return text or None


def _hours(source: RecordSource) -> Hours | None:
    value = _block(source, "hours", HOURS_KEYS, "{weekdays: 9:00〜17:00, closed: 日曜・祝日}")
    if value is None:
        return None
    return Hours(**{k: _nested_text(source, f"hours.{k}", value.get(k)) for k in HOURS_KEYS})


def _answer(source: RecordSource, key: str, value: object) -> str:
    """yes, no or unknown; YAML reads a bare yes/no as a boolean, so the text as written decides."""
    written = _as_written(source, key, value)
    if _blank(written):
        return UNKNOWN
    text = str(written).strip().lower() if isinstance(written, str) else None
    if text not in ANSWERS:
        shown = written if isinstance(written, str) else value
        source.problem(key, f"{shown!r} is not one of yes, no, unknown")
        return UNKNOWN
    return text


def _answers(source: RecordSource, key: str, known: tuple[str, ...], model):
    """visit or conditions: yes/no/unknown for each known key (plus visit's note)."""
    shape = "{" + ", ".join(f"{k}: yes" for k in known if k != "note") + "}"
    value = _block(source, key, known, shape)
    if value is None:
        return None
    fields = {k: _answer(source, f"{key}.{k}", value.get(k)) for k in known if k != "note"}
    if "note" in known:
        fields["note"] = _nested_text(source, f"{key}.note", value.get("note"))
    return model(**fields)


def corporate_number_problem(text: str) -> str | None:
    """Why `text` is not a 法人番号 (13 digits whose first is the check digit of the other 12), or None.

    The check digit is 国税庁's: 9 − (Σ digit × (1 or 2, alternating from the last digit)) mod 9.
    """
    if not CORPORATE_NUMBER_RE.match(text):
        return f"{text!r} is not a 13-digit 法人番号 such as '7000012050002'"
    total = sum(int(digit) * (1 if n % 2 else 2) for n, digit in enumerate(reversed(text[1:]), start=1))
    if int(text[0]) != 9 - total % 9:
        return f"{text!r} is not a 法人番号: its check digit (the first digit) does not match the other 12; look for a typo"
    return None


def _sub_text(source: RecordSource, key: str, value: object, limit: int) -> str | None:
    """One line of text inside a block (operator.name …); None when blank or wrong (the problem is reported)."""
    value = _as_written(source, key, value)
    if _blank(value):
        return None
    if not isinstance(value, str):
        source.problem(key, "must be text, not a list or mapping")
        return None
    text = unicodedata.normalize("NFC", value).strip()
    if "\n" in text:
        source.problem(key, "must be a single line")
    elif any(unicodedata.category(ch) == "Cc" for ch in text) or BIDI_RE.search(text):
        source.problem(key, "contains control or bidirectional override characters")
    elif len(text) > limit:
        source.problem(key, f"is {len(text)} characters long; at most {limit}")
    else:
        return text
    return None


def _operator(source: RecordSource) -> Operator | None:
    """Who runs the office: {name, name_kana, number, url}; the name is required when the block is given."""
    value = _block(source, "operator", OPERATOR_KEYS, "{name: 社会福祉法人みどり会, number: '7000012050002'}")
    if value is None:
        return None
    fields = {key: _sub_text(source, f"operator.{key}", value.get(key), OPERATOR_LIMITS.get(key, 20)) for key in OPERATOR_KEYS}
    if _blank(value.get("name")):
        source.problem("operator.name", "required when operator is given (the corporation's name)")
    if fields["name"] is not None and not INVISIBLE_RE.sub("", fields["name"]):
        source.problem("operator.name", "has no visible characters")
    if fields["name_kana"] is not None and not KANA_RE.match(fields["name_kana"]):
        source.problem("operator.name_kana", f"{fields['name_kana']!r} is not a reading in hiragana or katakana")
    number = value.get("number")
    if not _blank(number):
        if not isinstance(_as_written(source, "operator.number", number), str) or isinstance(number, int):
            source.problem("operator.number", f"write the 法人番号 in quotes, such as '7000012050002' (unquoted, {number!r} is read as a number)")
        elif fields["number"] is not None:
            fields["number"] = unicodedata.normalize("NFKC", fields["number"])
            problem = corporate_number_problem(fields["number"])
            if problem:
                source.problem("operator.number", problem)
    url = fields["url"]
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in url):
            source.problem("operator.url", f"{url!r} is not an http(s) address")
    if fields["name"] is None:
        return None
    return Operator(**fields)


def _office_number(source: RecordSource) -> str | None:
    if not _has(source, "office_number"):
        return None
    value = _as_written(source, "office_number", source.data["office_number"])
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not isinstance(value, str) or not OFFICE_NUMBER_RE.match(text):
        source.problem("office_number", f"{value!r} is not a 10-digit 事業所番号 such as '1310400123'")
        return None
    return text


def _date(source: RecordSource, key: str = "updated", value: object = None) -> dt.date | None:
    if key == "updated":
        if not _has(source, "updated"):
            return None
        value = source.data["updated"]
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        source.problem(key, f"{text!r} is not a date in YYYY-MM-DD form")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        source.problem(key, f"{text!r} is not a real date")
        return None


VACANCY_KEYS = ("status", "as_of", "note")
PHOTO_KEYS = ("file", "alt")
MAX_PHOTOS = 10
MAX_ALT = 200


def _photos(source: RecordSource) -> tuple[PhotoRef, ...]:
    """`photos: [{file: photos/x.jpg, alt: 訓練室の様子}]`: files relative to the records folder, alt text required."""
    if not _has(source, "photos"):
        return ()
    value = source.data["photos"]
    if not isinstance(value, list):
        source.problem("photos", "must be a list such as [{file: photos/room.jpg, alt: 訓練室の様子}]")
        return ()
    if len(value) > MAX_PHOTOS:
        source.problem("photos", f"{len(value)} photos; at most {MAX_PHOTOS}")
        return ()
    refs = []
    for i, item in enumerate(value):
        where = f"photos[{i}]"
        if not isinstance(item, dict):
            source.problem(where, "must be a mapping with file and alt")
            continue
        _report_unknown_keys(source, where, item, PHOTO_KEYS)
        alt = _access_text(source, f"{where}.alt", item.get("alt"))
        if not alt:
            if f"{where}.alt" not in {p.field for p in source.problems}:
                source.problem(f"{where}.alt", "alt is missing; describe what the photo shows (訓練室の様子), for people who cannot see it")
        elif len(alt) > MAX_ALT:
            source.problem(f"{where}.alt", f"is {len(alt)} characters long; at most {MAX_ALT}")
            alt = None
        path = _photo_path(source, f"{where}.file", item.get("file"))
        if path is not None and alt:
            refs.append(PhotoRef(file=str(item["file"]).strip(), alt=alt, path=path, line=source.line(f"{where}.file")))
    return tuple(refs)


def _photo_path(source: RecordSource, key: str, value: object) -> Path | None:
    text = _access_text(source, key, value)
    if not text:
        if key not in {p.field for p in source.problems}:
            source.problem(key, "file is missing; give the photo's path relative to the records folder (photos/room.jpg)")
        return None
    relative = Path(text)
    if relative.is_absolute() or ".." in relative.parts or "\\" in text:
        source.problem(key, f"{text!r}: give a path inside the records folder, such as photos/room.jpg")
        return None
    folder = (source.folder or Path(".")).resolve()
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder):
        source.problem(key, f"{text!r} points outside the records folder")
        return None
    if not path.is_file():
        source.problem(key, f"{text!r}: no such file in {display_path(folder)}")
        return None
    try:
        probe(path)
    except PhotoError as exc:
        source.problem(key, f"{text!r}: {exc}")
        return None
    return path


def _vacancy(source: RecordSource) -> Vacancy | None:
    """{status: あり | なし | 要問合せ, as_of: YYYY-MM-DD, note: …}: status and its date are both required."""
    value = _block(source, "vacancy", VACANCY_KEYS, "{status: あり, as_of: 2026-11-01}")
    if value is None:
        return None
    status = _as_written(source, "vacancy.status", value.get("status"))
    if _blank(status):
        source.problem("vacancy.status", "status is missing; write " + ", ".join(VACANCY_STATUSES))
        status = None
    elif str(status).strip() not in VACANCY_STATUSES:
        source.problem("vacancy.status", f"{status!r} is not one of " + ", ".join(VACANCY_STATUSES))
        status = None
    as_of = None
    if _blank(value.get("as_of")):
        source.problem("vacancy.as_of", "as_of is missing; write the day the status was checked (YYYY-MM-DD)")
    else:
        as_of = _date(source, "vacancy.as_of", value.get("as_of"))
    note = _nested_text(source, "vacancy.note", value.get("note"))
    if status is None or as_of is None:
        return None
    return Vacancy(status=str(status).strip(), as_of=as_of, note=note)


# Japan's extent, with a margin: 沖ノ鳥島 20.4°N, 与那国島 123.0°E, 南鳥島 154.0°E, 択捉島 45.6°N.
JAPAN_LAT = (20.0, 46.0)
JAPAN_LNG = (122.0, 154.0)
LOCATION_KEYS = ("lat", "lng")
LOCATION_ALIASES = {"lon": "lng", "long": "lng", "longitude": "lng", "経度": "lng", "latitude": "lat", "緯度": "lat"}


def _location(source: RecordSource) -> Location | None:
    if not _has(source, "location"):
        return None
    value = source.data["location"]
    if not isinstance(value, dict):
        source.problem("location", "must be a mapping {lat: …, lng: …} (degrees, e.g. lat: 35.6866 and lng: 139.7101)")
        return None
    unknown = sorted(str(key) for key in value if key not in LOCATION_KEYS)
    missing = [key for key in LOCATION_KEYS if key not in value]
    _report_unknown_keys(source, "location", unknown, LOCATION_KEYS, aliases=LOCATION_ALIASES)
    for key in missing:
        source.problem("location", f"{key} is missing (location needs both lat and lng, in degrees)")
    numbers = {}
    for key in ("lat", "lng"):
        if key not in value:
            continue
        number = value[key]
        if isinstance(number, bool) or not isinstance(number, (int, float)) or number != number:
            source.problem(f"location.{key}", f"{str(number)!r} is not a number (write degrees such as 35.6866)")
        else:
            numbers[key] = float(number)
    if unknown or missing or len(numbers) < 2:
        return None
    lat, lng = numbers["lat"], numbers["lng"]
    if not (JAPAN_LAT[0] <= lat <= JAPAN_LAT[1] and JAPAN_LNG[0] <= lng <= JAPAN_LNG[1]):
        swapped = JAPAN_LAT[0] <= lng <= JAPAN_LAT[1] and JAPAN_LNG[0] <= lat <= JAPAN_LNG[1]
        hint = "; lat and lng look swapped" if swapped else ""
        source.problem(
            "location",
            f"(lat {lat}, lng {lng}) is not in Japan (lat must be {JAPAN_LAT[0]:g}–{JAPAN_LAT[1]:g}, lng {JAPAN_LNG[0]:g}–{JAPAN_LNG[1]:g}){hint}",
        )
        return None
    return Location(lat, lng)


def _source_block(source: RecordSource) -> dict:
    if not _has(source, "source"):
        return {}
    value = source.data["source"]
    if not isinstance(value, dict):
        source.problem("source", "must be a mapping")
        return {}
    return value
