"""Read an edited sheet back: its header, and each row's cells with their positions (F12)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..records.reader import display_path
from .columns import BY_HEADER, SHEET_TITLE, Column, cell_text, csv_unescape


class SheetFileError(Exception):
    """The file cannot be read as a sheet (format, encoding, no id column); nothing was written."""


@dataclass(frozen=True)
class Cell:
    column: Column
    letter: str  # F
    text: str


@dataclass
class Row:
    number: int  # the spreadsheet's row number (the header is row 1)
    cells: dict[str, Cell]  # by header

    def text(self, header: str) -> str:
        cell = self.cells.get(header)
        return cell.text if cell else ""


@dataclass
class Sheet:
    path: str  # as shown in messages
    title: str | None  # the worksheet's name; None for CSV
    rows: list[Row]
    headers: set[str]
    ignored_headers: list[str]  # columns this tool does not know (left alone)
    encoding: str = "xlsx"
    letters: dict[str, str] = field(default_factory=dict)  # header → column letter

    def where(self, row: int, letter: str) -> str:
        """`tokyo.xlsx:対象!F12`, or `tokyo.csv:F12`."""
        sheet = f"{self.title}!" if self.title else ""
        return f"{self.path}:{sheet}{letter}{row}"


def read_sheet(path: Path) -> Sheet:
    if not path.is_file():
        raise SheetFileError(f"{display_path(path)}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        title, encoding, table = None, *_csv_rows(path)
    elif suffix == ".xlsx":
        title, table = _xlsx_rows(path)
        encoding = "xlsx"
    else:
        raise SheetFileError(f"{display_path(path)}: read .xlsx or .csv files only")
    return _to_sheet(display_path(path), title, encoding, table)


def _xlsx_rows(path: Path):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise SheetFileError(f"{display_path(path)}: not a readable .xlsx workbook ({exc})") from None
    try:
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
        table = [list(row) for row in sheet.iter_rows(values_only=True)]
        return sheet.title, table
    finally:
        workbook.close()


def _csv_rows(path: Path):
    raw = path.read_bytes()
    try:
        text, encoding = raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        # Excel's plain "CSV" on Japanese Windows is Shift_JIS (cp932).
        try:
            text, encoding = raw.decode("cp932"), "Shift_JIS (cp932)"
        except UnicodeDecodeError:
            raise SheetFileError(f"{display_path(path)}: neither UTF-8 nor Shift_JIS; save it as CSV UTF-8") from None
    return encoding, list(csv.reader(io.StringIO(text, newline="")))


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _to_sheet(shown: str, title: str | None, encoding: str, table: list[list]) -> Sheet:
    if not table:
        raise SheetFileError(f"{shown}: the sheet is empty; its first row must be the header")
    positions: dict[int, Column] = {}
    ignored = []
    seen: dict[str, str] = {}
    for index, raw in enumerate(table[0]):
        header = cell_text(raw)
        if not header:
            continue
        column = BY_HEADER.get(header)
        if column is None:
            ignored.append(header)
            continue
        if header in seen:
            raise SheetFileError(f"{shown}: the column {header!r} is there twice ({seen[header]}1 and {_letter(index)}1)")
        seen[header] = _letter(index)
        positions[index] = column
    if "id" not in seen:
        raise SheetFileError(f"{shown}: no 'id' column in the header row; export the sheet again")
    rows = []
    for number, values in enumerate(table[1:], start=2):
        cells = {}
        for index, column in positions.items():
            text = cell_text(values[index]) if index < len(values) else ""
            if title is None:
                text = csv_unescape(text)  # the ' export put before =, +, -, @
            if text:
                cells[column.header] = Cell(column, _letter(index), text)
        if cells:
            rows.append(Row(number, cells))
    letters = {column.header: _letter(index) for index, column in positions.items()}
    return Sheet(shown, title, rows, set(seen), ignored, encoding, letters)
