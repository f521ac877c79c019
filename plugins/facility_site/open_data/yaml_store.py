"""Read the records folder, apply field changes without losing the operator's work, write atomically.

Two ways to write a record, one result:

- A file the importer wrote and nobody touched is exactly what `emit()`
  makes of its data (no comments, importer's layout). Such a file is
  rewritten with `emit()` — fast enough for 30,000 records.
- Any other file (comments, another key order, flow lists, quotes) goes
  through ruamel.yaml's round-trip mode, which keeps comments, key order
  and quoting; only the changed keys are touched.

`emit()` produces the same text ruamel.yaml would for the same data with
the layout set in `_round_trip()`, so a file does not churn when it moves
from one path to the other (tests/test_import_yaml.py checks this).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.scalarstring import SingleQuotedScalarString

from ..errors import Problem
from ..records.fields import CONDITION_KEYS, HOURS_KEYS, OPERATOR_KEYS, VISIT_KEYS
from ..records.reader import RECORD_SUFFIXES, display_path

STR_TAG = "tag:yaml.org,2002:str"
# Record keys in the order README.md documents them; new keys are inserted in this order.
FIELD_ORDER = (
    "name",
    "name_kana",
    "prefecture",
    "city",
    "address",
    "access",
    "services",
    "capacity",
    "retention_rate",
    "hires_last_year",
    "average_stay",
    "disabilities",
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
    "updated",
    "source",
)
HOURS_ORDER = HOURS_KEYS
SOURCE_ORDER = ("dataset", "imported", "confirmed", "files", "office_number", "values")
LOCATION_ORDER = ("lat", "lng")
DELETE = object()  # marks a key to remove in a change list

_PLAIN_UNSAFE_START = set("-?:,[]{}#&*!|>'\"%@`~ ")
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PY_RESOLVER = yaml.resolver.Resolver()


class StoreError(Exception):
    """Records in the folder cannot be read; the import stops before writing anything."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class StoredRecord:
    """One existing record file: its text and its data as PyYAML (the site's reader) sees it."""

    id: str
    path: Path
    text: str
    data: dict
    canonical: bool | None = None  # exactly emit(data): no comments, the importer's layout

    @property
    def source(self) -> dict:
        value = self.data.get("source")
        return value if isinstance(value, dict) else {}

    @property
    def office_number(self) -> str | None:
        """The 事業所番号 this record belongs to: from its source block, else from its own field."""
        number = self.source.get("office_number") or self.data.get("office_number")
        return str(number) if isinstance(number, (str, int)) and not isinstance(number, bool) else None

    @property
    def official(self) -> dict:
        """The official values last imported into this record (empty for a hand-written record)."""
        values = self.source.get("values")
        return values if isinstance(values, dict) else {}


def load_folder(folder: Path, only: set[str] | None = None) -> dict[str, StoredRecord]:
    """Every record in `folder` by id (or only those in `only`). Unreadable records stop the import (listing all of them)."""
    records: dict[str, StoredRecord] = {}
    problems: list[Problem] = []
    if not folder.exists():
        return records
    if not folder.is_dir():
        raise StoreError([Problem(display_path(folder), 1, "records_path", "is not a folder")])
    try:
        paths = sorted(folder.iterdir())
    except OSError as exc:
        raise StoreError([Problem(display_path(folder), 1, "records_path", f"cannot be read: {exc.strerror or exc}")]) from None
    for path in paths:
        if path.name.startswith(".") or path.suffix not in RECORD_SUFFIXES or not path.is_file():
            continue
        if only is not None and path.stem not in only:
            continue
        shown = display_path(path)
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            problems.append(Problem(shown, 1, "file", f"cannot be read: {exc.strerror or exc}; fix its permissions before importing"))
            continue
        except UnicodeDecodeError:
            problems.append(Problem(shown, 1, "encoding", "file is not valid UTF-8; fix it before importing"))
            continue
        data = read_canonical(text)
        if data is not None:
            records[path.stem] = StoredRecord(path.stem, path, text, data, canonical=True)
            continue
        try:
            data = yaml.load(text, Loader=yaml.CSafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            reason = getattr(exc, "problem", None) or exc
            problems.append(Problem(shown, mark.line + 1 if mark else 1, "yaml", f"cannot be read ({reason}); fix it before importing"))
            continue
        if data is None:
            data = {}
        if not isinstance(data, dict):
            problems.append(Problem(shown, 1, "file", "a record must be a mapping of `field: value` lines; fix it before importing"))
            continue
        records[path.stem] = StoredRecord(path.stem, path, text, data)
    if problems:
        raise StoreError(problems)
    return records


# --- reading the importer's own layout ----------------------------------------

_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?")
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"-?[0-9]+\.[0-9]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def read_canonical(text: str) -> dict | None:
    """Read a file written exactly as emit() writes, about twice as fast as PyYAML; else None.

    Sound because every piece is checked against emit(): the structure is
    emit()'s (two-space steps, `- ` items, one key per line, no blank or
    comment lines), every key and scalar is exactly the text scalar_text()
    writes for the value read, and emit()'s text reads back as the same
    data under PyYAML (tests/test_import_yaml.py, which also feeds this
    reader mangled files and compares with PyYAML).
    """
    if not text.endswith("\n"):
        return None
    lines = []
    for raw in text[:-1].split("\n"):
        content = raw.lstrip(" ")
        indent = len(raw) - len(content)
        if content.startswith("- "):
            lines.append([indent, True, content[2:]])
        else:
            lines.append([indent, False, content])
    try:
        data, end = _read_mapping(lines, 0, 0)
    except (_NotCanonicalError, ValueError):
        return None
    return data if end == len(lines) else None


def _read_mapping(lines: list, index: int, indent: int) -> tuple[dict, int]:
    mapping: dict = {}
    while index < len(lines) and lines[index][0] == indent and not lines[index][1]:
        match = _KEY_LINE.fullmatch(lines[index][2])
        if match is None:
            raise _NotCanonicalError
        key, rest = match.group(1), match.group(2)
        if key in mapping or not plain_is_safe(key):
            raise _NotCanonicalError
        index += 1
        if rest is not None:
            mapping[key] = _read_scalar(rest)
        elif index < len(lines) and lines[index][0] == indent + 2:
            if lines[index][1]:
                mapping[key], index = _read_sequence(lines, index, indent + 2)
            else:
                mapping[key], index = _read_mapping(lines, index, indent + 2)
        else:
            mapping[key] = None
    if not mapping:
        raise _NotCanonicalError
    return mapping, index


def _read_sequence(lines: list, index: int, indent: int) -> tuple[list, int]:
    items = []
    while index < len(lines) and lines[index][0] == indent and lines[index][1]:
        content = lines[index][2]
        if _KEY_LINE.fullmatch(content):  # `- key: value`: a mapping whose keys sit two further in
            lines[index] = [indent + 2, False, content]
            item, index = _read_mapping(lines, index, indent + 2)
            items.append(item)
        else:
            value = _read_scalar(content)
            if value is None or value == [] or value == {}:
                raise _NotCanonicalError  # emit() does not write these as list items
            items.append(value)
            index += 1
    return items, index


def _read_scalar(text: str):
    value = _checked_scalar(text)
    if value is _NOT_CANONICAL:
        raise _NotCanonicalError
    if value is _EMPTY_LIST:
        return []
    if value is _EMPTY_MAPPING:
        return {}
    return value


# Markers for the cache below, which must hold only values nobody can change.
_NOT_CANONICAL, _EMPTY_LIST, _EMPTY_MAPPING = object(), object(), object()


@functools.lru_cache(maxsize=1 << 17)
def _checked_scalar(text: str):
    """The value of one scalar if emit() writes it exactly so, else _NOT_CANONICAL. Cached: values repeat."""
    value = _scalar_value(text)
    try:
        if not text or scalar_text(value) != text:
            return _NOT_CANONICAL
    except _NotCanonicalError:
        return _NOT_CANONICAL
    if value == [] and isinstance(value, list):
        return _EMPTY_LIST
    if value == {} and isinstance(value, dict):
        return _EMPTY_MAPPING
    return value


def _scalar_value(text: str):
    if text.startswith("'"):
        if len(text) < 2 or not text.endswith("'"):
            raise _NotCanonicalError
        return text[1:-1].replace("''", "'")
    if text in ("true", "false"):
        return text == "true"
    if text == "[]":
        return []
    if text == "{}":
        return {}
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _DATE.fullmatch(text):
        return dt.date.fromisoformat(text)
    return text


# --- emitting ----------------------------------------------------------------


class _NotCanonicalError(Exception):
    """The data holds something emit() leaves to ruamel.yaml (multi-line text, odd floats…)."""


def emit(data: dict) -> str | None:
    """Block-style YAML for a record, or None when only the round-trip writer can represent it."""
    lines: list[str] = []
    try:
        _emit_mapping(data, 0, lines)
    except _NotCanonicalError:
        return None
    return "\n".join(lines) + "\n"


def _emit_mapping(mapping: dict, indent: int, lines: list[str], first_prefix: str | None = None) -> None:
    if not mapping:
        raise _NotCanonicalError
    pad = " " * indent
    for i, (key, value) in enumerate(mapping.items()):
        if not isinstance(key, str):
            raise _NotCanonicalError
        prefix = first_prefix if (i == 0 and first_prefix is not None) else pad
        head = f"{prefix}{scalar_text(key)}:"
        if isinstance(value, dict) and value:
            lines.append(head)
            _emit_mapping(value, indent + 2, lines)
        elif isinstance(value, list) and value:
            lines.append(head)
            _emit_sequence(value, indent + 2, lines)
        else:
            text = scalar_text(value)
            lines.append(f"{head} {text}" if text else head)


def _emit_sequence(items: list, indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            _emit_mapping(item, indent + 2, lines, first_prefix=pad + "- ")
        elif isinstance(item, (dict, list)):
            if item:
                raise _NotCanonicalError  # nested lists: leave to ruamel
            lines.append(f"{pad}- {scalar_text(item)}")
        else:
            text = scalar_text(item)
            if not text:
                raise _NotCanonicalError
            lines.append(f"{pad}- {text}")


def scalar_text(value) -> str:
    """One scalar as YAML text that PyYAML and ruamel.yaml both read back as the same value."""
    if type(value) is str and plain_is_safe(value):  # most values: checked first for speed
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if not re.fullmatch(r"-?\d+\.\d+", text):
            raise _NotCanonicalError  # 1e-05, inf, nan: YAML 1.1 and 1.2 disagree
        return text
    if isinstance(value, dt.datetime):
        raise _NotCanonicalError
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list) and not value:
        return "[]"
    if isinstance(value, dict) and not value:
        return "{}"
    if not isinstance(value, str):
        raise _NotCanonicalError
    if plain_is_safe(value):
        return value
    if "\n" in value or _NON_PRINTABLE.search(value) or "\ufeff" in value:
        raise _NotCanonicalError
    return "'" + value.replace("'", "''") + "'"


@functools.lru_cache(maxsize=1 << 16)
def plain_is_safe(text: str) -> bool:
    """True when `text` can stand unquoted: both YAML 1.1 (PyYAML) and 1.2 (ruamel) read it as this string."""
    if not text or text[0] in _PLAIN_UNSAFE_START or text[-1] in " :" or text != text.strip():
        return False
    if ": " in text or " #" in text or "\t" in text or _NON_PRINTABLE.search(text) or any(ch in text for ch in "\n\r\x85\u2028\u2029\ufeff"):
        return False
    if text[0] > "\x7f":
        return True  # both resolvers choose a type by the first character, and none starts outside ASCII
    if _PY_RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) != STR_TAG:
        return False
    return _round_trip().resolver.resolve(ScalarNode, text, (True, False)) == STR_TAG


def yaml_value(value):
    """A value ready to go into a ruamel document, quoted where emit() would quote it."""
    if isinstance(value, str) and not plain_is_safe(value):
        return SingleQuotedScalarString(value)
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = yaml_value(item)
        return mapping
    if isinstance(value, list):
        return CommentedSeq(yaml_value(item) for item in value)
    return value


@functools.cache
def _round_trip() -> YAML:
    round_trip = YAML(typ="rt")
    round_trip.preserve_quotes = True
    round_trip.indent(mapping=2, sequence=4, offset=2)
    round_trip.width = 4096  # never fold long Japanese lines
    # records.py refuses anchors; never write one for a value used twice (e.g. the import date).
    round_trip.representer.ignore_aliases = lambda data: True
    return round_trip


def round_trip_dump(document) -> str:
    stream = io.StringIO()
    _round_trip().dump(document, stream)
    return stream.getvalue()


# --- applying changes --------------------------------------------------------


Change = tuple[tuple[str, ...], object]  # (key path, new value or DELETE)


def apply_changes(record: StoredRecord, changes: list[Change]) -> str:
    """The record's new text with `changes` applied, keeping everything else as it was."""
    expected = _apply(_copy(record.data), changes, plain=True)
    if record.canonical is None:
        record.canonical = emit(record.data) == record.text
    if record.canonical:
        text = emit(expected)
        if text is not None:
            return text
    document = _round_trip().load(record.text)
    _apply(document, changes, plain=False)
    text = round_trip_dump(document)
    if yaml.load(text, Loader=yaml.CSafeLoader) != expected:  # a guard: never write what we did not mean
        raise RuntimeError(f"{display_path(record.path)}: the round-trip writer changed more than the imported fields")
    return text


def new_record_text(data: dict) -> str:
    text = emit(data)
    if text is None:
        text = round_trip_dump(yaml_value(data))
        if yaml.load(text, Loader=yaml.CSafeLoader) != data:
            raise RuntimeError(f"record {data.get('name')!r}: cannot be written so that it reads back the same")
    return text


def _apply(document: dict, changes: list[Change], plain: bool) -> dict:
    for path, value in changes:
        parent = document
        for depth, key in enumerate(path[:-1]):
            if not isinstance(parent.get(key), dict):
                _insert(parent, key, {} if plain else CommentedMap(), _order_for(path[:depth]))
            parent = parent[key]
        key = path[-1]
        if value is DELETE:
            parent.pop(key, None)
            if not parent and len(path) > 1 and path[-2] in ("hours", "operator"):
                _drop_empty(document, path[:-1])  # hours (or operator) without its last entry: no `hours: {}` left behind
        elif not plain and isinstance(parent.get(key), CommentedSeq) and isinstance(value, list):
            parent[key][:] = [yaml_value(item) for item in value]  # keeps flow or block style
        else:
            _insert(parent, key, value if plain else yaml_value(value), _order_for(path[:-1]))
    return document


def _drop_empty(document: dict, path: tuple[str, ...]) -> None:
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if not parent[path[-1]]:
        parent.pop(path[-1])


def _order_for(parent_path: tuple[str, ...]) -> tuple[str, ...]:
    if parent_path == ():
        return FIELD_ORDER
    if parent_path == ("source",):
        return SOURCE_ORDER
    if parent_path[-1] == "values":
        return FIELD_ORDER
    if parent_path[-1] == "location":
        return LOCATION_ORDER
    if parent_path[-1] == "hours":
        return HOURS_ORDER
    if parent_path[-1] == "operator":
        return OPERATOR_KEYS
    if parent_path == ("visit",):
        return VISIT_KEYS
    if parent_path == ("conditions",):
        return CONDITION_KEYS
    return ()


def _insert(mapping: dict, key: str, value, order: tuple[str, ...]) -> None:
    """Set mapping[key]; a new key goes after the keys that come before it in `order`."""
    if key in mapping or key not in order:
        mapping[key] = value
        return
    rank = order.index(key)
    keys = list(mapping)
    position = 0
    for index, existing in enumerate(keys):
        if existing in order and order.index(existing) < rank:
            position = index + 1
    if isinstance(mapping, CommentedMap):
        mapping.insert(position, key, value)
        return
    items = list(mapping.items())
    items.insert(position, (key, value))
    mapping.clear()
    mapping.update(items)


def _copy(value):
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


# --- writing -----------------------------------------------------------------


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to a hidden temporary file beside `path`, then rename it over `path`.

    A reader (or the site build) sees the old file or the new one, never
    half of one, whenever the import stops. The temporary name starts with
    '.', which records.py skips. No fsync per file: it made 2,500 writes
    take 43 s on this machine, and the rename alone is what keeps an
    interrupted import from leaving half a file.
    """
    mode = path.stat().st_mode & 0o777 if path.exists() else _default_mode()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise

