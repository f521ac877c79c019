"""The spreadsheet's columns: the one place that says which record fields a sheet shows and edits.

A new record field reaches the sheet as one more line in COLUMNS (for
example `Column("メール", "email", TEXT)`); export, import, validation-to-cell mapping and the report's header
all follow from this list.

Cells are compared as text (`cell_text`) on both sides: export writes
`cell_value(column, data)`, and import changes a field only when the cell's
text differs from what the record would export now. An untouched row is
therefore never rewritten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass

import yaml

from ..records.metrics import METRIC_SPECS, is_definition
from ..records.vocab import (
    ANSWER_LABELS,
    CONDITIONS,
    DISABILITIES,
    DISABILITY_BY_LABEL,
    HOURS_DAYS,
    NO,
    PREFECTURES,
    SERVICE_BY_LABEL,
    SERVICES,
    UNKNOWN,
    VISIT_KINDS,
    YES,
)

SHEET_TITLE = "対象"
MARK = "○"
# Typed in place of ○ by hand or by an IME: all mean "yes".
MARK_ALIASES = frozenset({"○", "〇", "◯", "o", "O", "ｏ", "Ｏ", "1", "true", "TRUE", "True", "yes", "はい"})
# Typed in a ○ column to mean "no" (a blank cell means no as well).
NO_MARKS = frozenset({"", "-", "×", "x", "X", "－"})
# In any other column a cell holding only this removes the field; a blank cell leaves it as it is.
CLEAR = "-"
CLEAR_ALIASES = frozenset({"-", "－", "ー"})
TAG_SEPARATORS = re.compile(r"[、,，]")
# An answer cell (見学, 在宅訓練 …): what may be typed for yes, no and unknown. Export writes あり/なし/不明.
ANSWER_WORDS = {
    YES: frozenset({"あり", "有", "有り", "yes", "○", "〇", "◯"}),
    NO: frozenset({"なし", "無", "無し", "no", "×", "x"}),
    UNKNOWN: frozenset({"不明", "unknown", "?", "？"}),
}
ANSWER_BY_WORD = {word: answer for answer, words in ANSWER_WORDS.items() for word in words}
# A text cell starting with one of these would be run as a formula by Excel (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Column kinds
ID = "id"
READ_ONLY = "read-only"
TEXT = "text"
INTEGER = "integer"
METRIC = "metric"
DATE = "date"
TAGS = "tags"
PREFECTURE = "prefecture"
MARKS = "marks"  # one ○ column per term of a list field
ACCESS = "access"  # one part of the nearest station, access[0]
BLOCK_TEXT = "block-text"  # one line of text inside a block: hours.weekdays, visit.note
ANSWER = "answer"  # yes/no/unknown inside a block, shown as あり/なし/不明: visit.tour, conditions.lunch
BLOCKS = ("hours", "visit", "conditions", "operator")
FINGERPRINT = "fingerprint"


@dataclass(frozen=True)
class Column:
    header: str  # the Japanese header row text
    field: str  # the record key ("" for the fingerprint)
    kind: str
    width: int = 14
    term: str = ""  # MARKS: the term this column marks
    part: str = ""  # ACCESS: station, line or walk_minutes; BLOCK_TEXT and ANSWER: the key in the block
    note: str = ""  # shown as the header cell's comment in .xlsx

    @property
    def editable(self) -> bool:
        return self.kind not in (ID, READ_ONLY, FINGERPRINT)


def _marks(field: str, terms, width: int) -> tuple[Column, ...]:
    return tuple(Column(t.label, field, MARKS, width, term=t.label, note=f"{MARK} = 対象、空欄 = 対象外") for t in terms)


_ANSWER_NOTE = f"あり・なし・不明。空欄 = そのまま、{CLEAR} で削除"
_HOURS = (
    *(Column(f"営業時間（{label}）", "hours", BLOCK_TEXT, 16, part=key, note=f"例: 9:00〜17:00（1行）。{CLEAR} で削除") for key, label in HOURS_DAYS),
    Column("定休日", "hours", BLOCK_TEXT, 16, part="closed", note="例: 土日・祝日（1行）"),
    Column("営業時間の備考", "hours", BLOCK_TEXT, 24, part="note", note="1行、200字まで"),
)
_VISIT = (
    *(Column(kind.label, "visit", ANSWER, 9, part=kind.slug, note=_ANSWER_NOTE) for kind in VISIT_KINDS),
    Column("見学の補足", "visit", BLOCK_TEXT, 24, part="note", note="例: 見学は予約制です（1行、200字まで）"),
)
_CONDITIONS = tuple(Column(c.label, "conditions", ANSWER, 9, part=c.slug, note=_ANSWER_NOTE) for c in CONDITIONS)

_METRICS = tuple(
    Column(spec.label, field, METRIC, 14, note=f"例: 90{spec.unit}以上、10~14{spec.unit}、非公開。{CLEAR} で削除") for field, spec in METRIC_SPECS.items()
)

COLUMNS: tuple[Column, ...] = (
    Column("id", "id", ID, 22, note="変更不可: 行と記録を結びつけます"),
    Column("事業所名（変更不可）", "name", READ_ONLY, 36, note="変更不可: 名前は記録の YAML で直してください"),
    Column("都道府県", "prefecture", PREFECTURE, 11),
    Column("市区町村", "city", TEXT, 16),
    *_marks("disabilities", DISABILITIES, 6),
    *_marks("services", SERVICES, 12),
    Column("最寄り駅", "access", ACCESS, 14, part="station", note=f"いちばん近い駅（駅は省略可）。{CLEAR} で最寄り駅ごと削除"),
    Column("路線", "access", ACCESS, 18, part="line"),
    Column("徒歩（分）", "access", ACCESS, 9, part="walk_minutes", note="0〜240。徒歩30秒 = 0.5"),
    *_METRICS,
    Column("定員", "capacity", INTEGER, 7),
    Column("特徴", "features", TAGS, 30, note="「、」で区切る"),
    Column("URL", "url", TEXT, 30),
    Column("電話番号", "phone", TEXT, 15),
    Column("FAX", "fax", TEXT, 15),
    Column("メール", "email", TEXT, 24),
    Column("問い合わせフォーム", "inquiry_url", TEXT, 30, note="事業所の問い合わせ・見学申込みページ（http(s)）"),
    # hours, visit and conditions: one column per key of the block.
    *_HOURS,
    *_VISIT,
    *_CONDITIONS,
    # Who runs the office (operator block): `-` in 法人名 removes the whole block.
    Column("法人名", "operator", BLOCK_TEXT, 24, part="name", note=f"運営法人の名称。{CLEAR} で運営法人ごと削除"),
    Column("法人番号", "operator", BLOCK_TEXT, 15, part="number", note="13桁（国税庁の法人番号）"),
    Column("更新日", "updated", DATE, 12, note="事実を確かめた日 YYYY-MM-DD"),
    Column("fingerprint", "", FINGERPRINT, 18, note="変更検出用（編集しないでください）"),
)
HEADERS = tuple(c.header for c in COLUMNS)
# Every column but the fingerprint, in order: what the row digest covers.
DATA_COLUMNS = tuple(c for c in COLUMNS if c.kind != FINGERPRINT)
assert COLUMNS[-1].kind == FINGERPRINT  # export appends it after the data columns
BY_HEADER = {c.header: c for c in COLUMNS}
PREFECTURE_NAMES = tuple(p.name for p in PREFECTURES)
VOCABULARIES = {"disabilities": DISABILITY_BY_LABEL, "services": SERVICE_BY_LABEL}


def fingerprint(text: str) -> str:
    """The record file as exported: any change to the file after the export changes this."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def row_digest(texts) -> str:
    """The row's cells as exported (as `cell_text`, in COLUMNS order): an untouched row is known without reading its record."""
    return hashlib.sha256("\x1f".join(texts).encode("utf-8")).hexdigest()[:16]


def fingerprint_cell(record_text: str, values: list) -> str:
    """The hidden column: `<file fingerprint>.<row digest>`."""
    return f"{fingerprint(record_text)}.{row_digest(cell_text(v) for v in values)}"


def split_fingerprint(text: str) -> tuple[str, str]:
    """(file fingerprint, row digest) from the hidden column; empty parts when it is missing."""
    file_part, _, row_part = text.partition(".")
    return file_part, row_part


def cell_text(value) -> str:
    """One cell as text, the same for a value written by export and one read back from .xlsx or CSV."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value == int(value) else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def terms_of(data: dict, field: str) -> list[str]:
    """The term labels a record lists (精神障害 → 精神), in vocabulary order; unknown labels are left out."""
    raw = data.get(field)
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        return []
    vocabulary = VOCABULARIES[field]
    found = set()
    for item in raw:
        label = str(item).strip().replace("（", "(").replace("）", ")")
        label = label if label in vocabulary else re.sub(r"(障害|障がい|障碍)$", "", label)
        if label in vocabulary:
            found.add(label)
    return [label for label in vocabulary if label in found]


def nearest(data: dict) -> dict:
    access = data.get("access")
    if isinstance(access, list) and access and isinstance(access[0], dict):
        return access[0]
    return {}


def cell_value(column: Column, record_id: str, data: dict):
    """What export writes in this column for a record (the fingerprint column excepted: `fingerprint_cell`)."""
    if column.kind == ID:
        return record_id
    if column.kind == MARKS:
        return MARK if column.term in terms_of(data, column.field) else None
    if column.kind == ACCESS:
        return _plain(nearest(data).get(column.part))
    if column.kind in (BLOCK_TEXT, ANSWER):
        block = data.get(column.field)
        value = block.get(column.part) if isinstance(block, dict) else None
        if column.kind == ANSWER:
            answer = answer_of(value)
            return ANSWER_LABELS.get(answer, answer) if answer else None
        return _plain(value)
    value = data.get(column.field)
    if column.kind == TAGS and isinstance(value, list):
        return "、".join(cell_text(v) for v in value)
    if column.kind == METRIC:
        value = metric_value(value)
        if isinstance(value, dict):
            return _range_text(value)
    return _plain(value)


def metric_value(value):
    """A metric's figure: the value itself, or `value` of {value, period, basis, source} (the sheet edits only that)."""
    return value.get("value") if is_definition(value) else value


def metric_path(column: Column, data: dict) -> tuple[str, ...]:
    """Where a metric column's cell is stored: the field, or its `value` when the record defines the metric."""
    return (column.field, "value") if column.kind == METRIC and is_definition(data.get(column.field)) else (column.field,)


def _plain(value):
    if value is None or isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return value
    return cell_text(value)


def _range_text(value: dict) -> str:
    low, high = cell_text(value.get("min")), cell_text(value.get("max"))
    if low and high:
        return f"{low}~{high}"
    return f"{low}以上" if low else f"{high}以下"


def answer_of(value) -> str | None:
    """A block's yes/no/unknown as the record holds it (a bare yes is a boolean to PyYAML); None when blank."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return YES if value else NO
    return str(value).strip().lower()


def typed_answer(text: str) -> str | None:
    """yes, no or unknown for what was typed in an answer cell; None when it is none of them."""
    word = unicodedata.normalize("NFKC", text).strip()
    return ANSWER_BY_WORD.get(word) or ANSWER_BY_WORD.get(word.lower()) or ANSWER_BY_WORD.get(text.strip())


def as_written(text: str, data: dict) -> dict:
    """`data` with its hours, visit and conditions blocks as typed in the file.

    PyYAML reads an unquoted 9:00 as 540 (YAML 1.1's base 60) and yes as
    True; the build reads these blocks as written (reader.py's _as_written),
    so the sheet shows and compares them as written too. Only records whose
    blocks hold such values are parsed a second time (all scalars as text).
    """
    if not any(_has_non_text(data.get(name)) for name in BLOCKS):
        return data
    try:
        raw = yaml.load(text, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader))
    except yaml.YAMLError:
        return data
    if not isinstance(raw, dict):
        return data
    fixed = dict(data)
    for name in BLOCKS:
        if _has_non_text(data.get(name)) and isinstance(raw.get(name), dict):
            fixed[name] = raw[name]
    return fixed


def _has_non_text(block) -> bool:
    return isinstance(block, dict) and any(value is not None and not isinstance(value, str) for value in block.values())


def csv_escape(value):
    """A text cell that Excel would run as a formula gets a leading ' (shown, and taken off on import)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_unescape(text: str) -> str:
    """Undo `csv_escape`: '=SUM(…) is the text =SUM(…), and '- the text - (not the clear marker)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


def yaml_value(column: Column, text: str):
    """The YAML value a changed cell stores: numbers as numbers, dates as dates, the rest as typed."""
    if column.kind == TAGS:
        return [tag.strip() for tag in TAG_SEPARATORS.split(text) if tag.strip()]
    if column.kind in (INTEGER, METRIC) or column.part == "walk_minutes":
        number = unicodedata.normalize("NFKC", text)
        if re.fullmatch(r"[0-9]+", number):
            return int(number)
        if re.fullmatch(r"[0-9]+\.[0-9]+", number):
            return float(number)
        return text
    if column.kind == DATE and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text  # the reader names the impossible date
    return text


def is_missing(data: dict) -> bool:
    """ONLY=missing: the record lacks disability types, a station or any of the three metrics."""
    if not terms_of(data, "disabilities") or not nearest(data).get("station"):
        return True
    return any(metric_value(data.get(field)) in (None, "", "非公開", "不明", "未公開", "-") for field in METRIC_SPECS)
