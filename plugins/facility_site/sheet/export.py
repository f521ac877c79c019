"""Records → one row each in an .xlsx workbook (or a CSV when the file name ends in .csv)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..open_data.yaml_store import StoredRecord, load_folder
from ..records.vocab import PREFECTURE_BY_NAME, PREFECTURE_BY_SLUG
from .columns import (
    ANSWER,
    ANSWER_LABELS,
    BLOCK_TEXT,
    COLUMNS,
    DATA_COLUMNS,
    FINGERPRINT,
    FORMULA_START,
    HEADERS,
    MARK,
    MARKS,
    METRIC,
    PREFECTURE,
    PREFECTURE_NAMES,
    SHEET_TITLE,
    as_written,
    cell_value,
    csv_escape,
    fingerprint_cell,
    is_missing,
)

ONLY_CHOICES = ("missing",)
# Columns formatted as text in .xlsx (kinds or fields): what Excel would otherwise turn into dates or numbers.
TEXT_FORMAT = (METRIC, BLOCK_TEXT, "phone", "city")


class ExportError(Exception):
    """The export cannot start (unknown prefecture, unknown ONLY=…); nothing was written."""


@dataclass
class ExportSummary:
    path: Path
    rows: int
    records: int  # in the folder


def parse_prefectures(text: str | None) -> set[str] | None:
    """PREF=tokyo,kanagawa (slugs or official names) → official names; None means all."""
    if not text:
        return None
    names = set()
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        pref = PREFECTURE_BY_SLUG.get(item.lower()) or PREFECTURE_BY_NAME.get(item)
        if pref is None:
            raise ExportError(f"PREF: unknown prefecture {item!r}; use slugs such as tokyo,kanagawa or names such as 東京都")
        names.add(pref.name)
    return names


def select(records: dict[str, StoredRecord], prefectures: set[str] | None, only: str | None) -> list[StoredRecord]:
    if only is not None and only not in ONLY_CHOICES:
        raise ExportError(f"ONLY: unknown value {only!r}; use {', '.join(ONLY_CHOICES)}")
    chosen = []
    for record_id in sorted(records):
        record = records[record_id]
        if prefectures is not None and str(record.data.get("prefecture", "")).strip() not in prefectures:
            continue
        if only == "missing" and not is_missing(record.data):
            continue
        chosen.append(record)
    return chosen


def rows(records: list[StoredRecord]):
    for record in records:
        data = as_written(record.text, record.data)
        values = [cell_value(column, record.id, data) for column in DATA_COLUMNS]
        yield [*values, fingerprint_cell(record.text, values)]


def export(folder: Path, target: Path, prefectures: str | None = None, only: str | None = None) -> ExportSummary:
    """Write the selected records to `target` (.xlsx, or .csv); return what was written."""
    if target.suffix.lower() not in (".csv", ".xlsx"):
        raise ExportError(f"SHEET: {target.name}: name the file .xlsx or .csv")
    wanted = parse_prefectures(prefectures)
    records = load_folder(folder)
    chosen = select(records, wanted, only)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.suffix.lower() == ".csv":
        write_csv(target, rows(chosen))
    else:
        write_xlsx(target, rows(chosen))
    return ExportSummary(target, len(chosen), len(records))


def write_csv(target: Path, body) -> None:
    """UTF-8 with a BOM and CRLF line ends: Excel opens it with the Japanese intact.

    Text that Excel would run as a formula (=, +, -, @ first) gets a leading '
    (`csv_escape`); the import takes it off again.
    """
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADERS)
        writer.writerows([csv_escape(value) for value in row] for row in body)


def write_xlsx(target: Path, body) -> None:
    """A real workbook: frozen header, widths, ○ and prefecture drop-downs, a hidden fingerprint column.

    Streamed (openpyxl's write-only mode), so 30,000 rows stay small in memory.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.freeze_panes = "C2"  # the header row and the id and name columns stay in view
    letters = {column.header: get_column_letter(i) for i, column in enumerate(COLUMNS, start=1)}
    for column in COLUMNS:
        dimension = sheet.column_dimensions[letters[column.header]]
        dimension.width = column.width
        dimension.hidden = column.kind == FINGERPRINT

    bold = Font(bold=True)
    locked = PatternFill("solid", fgColor="E7E6E6")  # grey: the read-only columns
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if not column.editable:
            cell.fill = locked
        if column.note:
            cell.comment = Comment(column.note, "しゅうろうナビ")
        header.append(cell)
    sheet.append(header)

    def as_text(value):
        # openpyxl would store a string starting with "=" as a formula; a record's text stays text.
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
            # Excel's own ' prefix (not part of the value): editing =, +, -, @ text in Excel keeps it text.
            cell.quotePrefix = value.startswith(FORMULA_START)
        # Formatted as text, so Excel keeps what is typed: 10-14 is not made a date, 0312345678 keeps its 0.
        cell.number_format = "@"
        return cell

    text_at = [i for i, column in enumerate(COLUMNS) if column.kind in TEXT_FORMAT or column.field in TEXT_FORMAT]
    for i in text_at:
        sheet.column_dimensions[get_column_letter(i + 1)].number_format = "@"
    count = 0
    for row in body:
        for i in text_at:
            row[i] = as_text(row[i])
        sheet.append([as_text(v) if isinstance(v, str) and v.startswith(FORMULA_START) else v for v in row])
        count += 1
    last = max(count + 1, 2)

    def validation(formula: str, headers: list[str], prompt: str) -> None:
        if not headers:
            return
        rule = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
        rule.error = prompt
        rule.errorTitle = "入力できない値です"
        for name in headers:
            rule.add(f"{letters[name]}2:{letters[name]}{last}")
        sheet.data_validations.append(rule)

    validation(f'"{MARK}"', [c.header for c in COLUMNS if c.kind == MARKS], f"{MARK} を選ぶか、空欄にしてください")
    validation('"' + ",".join(PREFECTURE_NAMES) + '"', [c.header for c in COLUMNS if c.kind == PREFECTURE], "47 都道府県の正式名から選んでください")
    answers = ",".join(ANSWER_LABELS.values())
    validation(f'"{answers},-"', [c.header for c in COLUMNS if c.kind == ANSWER], f"{answers} を選ぶか、空欄にしてください（- で削除）")
    workbook.save(target)
