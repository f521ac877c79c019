"""Edited rows → changes → the same validation as the build → records rewritten round-trip.

Nothing is written when any changed row fails validation; every problem is
named by its cell. Rows for unknown or duplicated ids, and rows that edit a
read-only column, are rejected (reported, not applied); rows whose record
changed after the export are conflicts, left alone unless `force`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..open_data.yaml_store import DELETE, StoredRecord, StoreError, apply_changes, load_folder, write_atomic
from ..records.reader import RECORD_SUFFIXES, display_path, validate_record_text
from .columns import (
    ACCESS,
    ANSWER,
    ANSWER_LABELS,
    BLOCK_TEXT,
    CLEAR,
    CLEAR_ALIASES,
    COLUMNS,
    DATA_COLUMNS,
    FINGERPRINT,
    ID,
    MARK_ALIASES,
    MARKS,
    NO_MARKS,
    READ_ONLY,
    VOCABULARIES,
    Column,
    as_written,
    cell_text,
    cell_value,
    fingerprint,
    metric_path,
    nearest,
    row_digest,
    split_fingerprint,
    terms_of,
    typed_answer,
    yaml_value,
)
from .workbook import Row, Sheet, SheetFileError, read_sheet

ACCESS_ORDER = ("line", "station", "walk_minutes")
ID_HEADER = next(c.header for c in COLUMNS if c.kind == ID)
FINGERPRINT_HEADER = next(c.header for c in COLUMNS if c.kind == FINGERPRINT)


@dataclass(frozen=True, order=True)
class CellProblem:
    """One problem in one cell: `tokyo.xlsx:対象!F12: 就職定着率: 120 is above 100`."""

    row: int
    order: int  # the column's place in the sheet, for sorting
    where: str
    header: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.header}: {self.message}"


class SheetImportError(Exception):
    """The import stopped before writing anything; carries every problem found."""

    def __init__(self, problems: list):
        self.problems = sorted(problems, key=lambda p: (getattr(p, "row", 0), getattr(p, "order", 0), str(p)))
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class RowChange:
    row: int
    record: StoredRecord
    headers: list[str]  # the columns that changed
    text: str  # the record's new YAML
    forced: bool = False  # the record changed after the export; applied because of --force


@dataclass
class RowNote:
    """A rejected row or a conflict: where, which id, why."""

    row: int
    where: str
    record_id: str
    reason: str

    def __str__(self) -> str:
        shown = f"id {self.record_id!r}: " if self.record_id else ""
        return f"{self.where}: {shown}{self.reason}"


@dataclass
class SheetImport:
    sheet: Sheet
    dry_run: bool
    force: bool
    changed: list[RowChange] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[RowNote] = field(default_factory=list)
    rejected: list[RowNote] = field(default_factory=list)
    written: int = 0

    @property
    def field_counts(self) -> Counter:
        return Counter(header for change in self.changed for header in change.headers)


def run_import(path: Path, folder: Path, dry_run: bool = False, force: bool = False) -> SheetImport:
    """Apply the edited sheet at `path` to the records in `folder` (unless dry_run); return the report."""
    try:
        sheet = read_sheet(path)
    except SheetFileError as exc:
        raise SheetImportError([str(exc)]) from None
    if FINGERPRINT_HEADER not in sheet.headers and not force:
        reason = "so changes made to the records after the export cannot be seen; export again, or pass --force"
        raise SheetImportError([f"{sheet.path}: no {FINGERPRINT_HEADER!r} column, {reason}"])
    rows_by_id: dict[str, list[int]] = {}
    for row in sheet.rows:
        rows_by_id.setdefault(row.text(ID_HEADER), []).append(row.number)
    # A row whose cells are still those exported is left alone without reading its record.
    digest_headers = [c.header for c in DATA_COLUMNS]
    whole = all(header in sheet.headers for header in digest_headers)
    untouched = set()
    if whole:
        for row in sheet.rows:
            digest = split_fingerprint(row.text(FINGERPRINT_HEADER))[1]
            if digest and digest == row_digest(row.text(header) for header in digest_headers):
                untouched.add(row.number)
    needed = {row.text(ID_HEADER) for row in sheet.rows if row.number not in untouched}
    try:
        records = load_folder(folder, only=needed)
    except StoreError as exc:
        raise SheetImportError(exc.problems) from None
    existing = _record_ids(folder)

    result = SheetImport(sheet, dry_run, force)
    problems: list[CellProblem] = []
    for row in sheet.rows:
        record_id = row.text(ID_HEADER)
        note = _rejection(sheet, row, record_id, records, existing, rows_by_id)
        if note:
            result.rejected.append(note)
            continue
        if row.number in untouched:
            result.unchanged += 1
            continue
        record = records[record_id]
        changes, headers, marks = _changes(sheet, row, record, problems)
        if not changes:
            result.unchanged += 1
            continue
        forced = split_fingerprint(row.text(FINGERPRINT_HEADER))[0] != fingerprint(record.text)
        if forced and not force:
            reason = f"{display_path(record.path)} changed after the export; row left alone (export again, or pass --force to apply it anyway)"
            result.conflicts.append(RowNote(row.number, sheet.where(row.number, sheet.letters[ID_HEADER]), record_id, reason))
            continue
        text = apply_changes(record, changes)
        _facility, found = validate_record_text(text, record_id, display_path(record.path))
        problems.extend(_cell_problem(sheet, row, problem, marks) for problem in found)
        result.changed.append(RowChange(row.number, record, headers, text, forced))
    if problems:
        raise SheetImportError(problems)
    if not dry_run:
        for change in result.changed:
            write_atomic(change.record.path, change.text)
            result.written += 1
    return result


def _record_ids(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {path.stem for path in folder.iterdir() if path.suffix in RECORD_SUFFIXES and not path.name.startswith(".")}


def _rejection(sheet: Sheet, row: Row, record_id: str, records: dict, existing: set[str], rows_by_id: dict) -> RowNote | None:
    where = sheet.where(row.number, sheet.letters.get(ID_HEADER, "A"))
    if not record_id:
        return RowNote(row.number, where, "", "no id; a row is matched to its record by id (new records are written as YAML, not added here)")
    if len(rows_by_id[record_id]) > 1:
        others = ", ".join(str(n) for n in rows_by_id[record_id])
        return RowNote(row.number, where, record_id, f"the id is on more than one row ({others}); keep one")
    if record_id not in existing:
        return RowNote(row.number, where, record_id, "unknown id: no such record in the records folder")
    record = records.get(record_id)
    if record is None:
        return None  # an untouched row: its read-only cells are as exported
    if split_fingerprint(row.text(FINGERPRINT_HEADER))[0] != fingerprint(record.text):
        return None  # the file changed after the export (a new name, say): a conflict, not an edit here
    for column in COLUMNS:
        if column.kind != READ_ONLY or column.header not in row.cells:
            continue
        typed = row.text(column.header)
        current = cell_text(cell_value(column, record_id, record.data))
        if typed != current:
            where = sheet.where(row.number, sheet.letters[column.header])
            reason = f"{column.header} is read-only: {typed!r} differs from the record's {current!r}; change it in {display_path(record.path)}"
            return RowNote(row.number, where, record_id, reason)
    return None


def _changes(sheet: Sheet, row: Row, record: StoredRecord, problems: list) -> tuple[list, list[str], dict]:
    """The changes one row makes to its record, the headers that changed, and the new term lists."""
    data = as_written(record.text, record.data)
    changes, headers = [], []
    marks: dict[str, list[str]] = {}
    groups: dict[str, list[Column]] = {}
    for column in COLUMNS:
        if column.header not in sheet.headers or not column.editable:
            continue
        if column.kind in (MARKS, ACCESS, BLOCK_TEXT, ANSWER):
            groups.setdefault(column.field, []).append(column)
            continue
        typed = row.text(column.header)
        if not typed or typed == cell_text(cell_value(column, record.id, data)):
            continue  # blank, or as exported (a value that is itself `-` included): leave as it is
        if typed in CLEAR_ALIASES:
            if column.field in data:
                changes.append(((column.field,), DELETE))
                headers.append(column.header)
            continue
        # A metric written with its definition keeps it: the cell edits only its `value`.
        changes.append((metric_path(column, data), yaml_value(column, typed)))
        headers.append(column.header)
    for name, columns in groups.items():
        if columns[0].kind == MARKS:
            change = _marks_change(sheet, row, data, name, columns, problems)
            if change is not None:
                marks[name] = [] if change[1] is DELETE else change[1]
                current = terms_of(data, name)
                headers.extend(c.header for c in columns if (c.term in current) != (c.term in marks[name]))
        elif columns[0].kind == ACCESS:
            change, parts = _access_change(row, data, columns)
            headers.extend(c.header for c in columns if c.part in parts)
        else:
            block_changes, parts = _block_changes(sheet, row, data, name, columns, problems)
            headers.extend(c.header for c in columns if c.part in parts)
            changes.extend(block_changes)
            change = None
        if change is not None:
            changes.append(change)
    return changes, _unique(headers), marks


def _block_changes(sheet: Sheet, row: Row, data: dict, name: str, columns: list[Column], problems: list):
    """hours, visit, conditions or operator: one change per key whose cell differs; the block goes when its last key does."""
    block = data.get(name) if isinstance(data.get(name), dict) else {}
    changes, parts = [], []
    removed = set()
    for column in columns:
        typed = row.text(column.header)
        current = cell_text(cell_value(column, "", data))
        if not typed or typed == current:
            continue
        if typed in CLEAR_ALIASES:
            if name == "operator" and column.part == "name" and name in data:
                return [((name,), DELETE)], [c.part for c in columns if c.part in block]  # no operator without its name
            if column.part in block:
                changes.append(((name, column.part), DELETE))
                removed.add(column.part)
                parts.append(column.part)
            continue
        if column.kind == ANSWER:
            answer = typed_answer(typed)
            if answer is None:
                where = sheet.where(row.number, sheet.letters[column.header])
                words = "、".join(ANSWER_LABELS.values())
                problems.append(CellProblem(row.number, _order(column), where, column.header, f"{typed!r}: write {words}, or {CLEAR} to remove it"))
                continue
            if ANSWER_LABELS[answer] == current:
                continue  # yes typed where the record says yes (shown as あり)
            value = answer
        else:
            value = yaml_value(column, typed)
        changes.append(((name, column.part), value))
        parts.append(column.part)
    if removed and all(value is DELETE for _, value in changes) and set(block) <= removed:
        return [((name,), DELETE)], parts  # every key removed: no empty block left behind
    return changes, parts


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _marks_change(sheet: Sheet, row: Row, data: dict, name: str, columns: list[Column], problems: list):
    current = terms_of(data, name)
    shown = {c.term for c in columns}
    chosen = set(term for term in current if term not in shown)  # terms whose column was removed from the sheet
    unreadable = False
    for column in columns:
        typed = row.text(column.header)
        if typed in MARK_ALIASES:
            chosen.add(column.term)
        elif typed not in NO_MARKS:
            where = sheet.where(row.number, sheet.letters[column.header])
            problems.append(CellProblem(row.number, _order(column), where, column.header, f"{typed!r}: write ○ or leave the cell blank"))
            unreadable = True
    if unreadable:
        return None  # reported above; the list is not guessed
    new = [term for term in VOCABULARIES[name] if term in chosen]
    if new == current:
        return None
    if not new:
        return ((name,), DELETE) if name in data else None
    return ((name,), new)


def _access_change(row: Row, data: dict, columns: list[Column]):
    access = data.get("access") if isinstance(data.get("access"), list) else []
    first = dict(nearest(data))
    parts: list[str] = []  # the parts that changed
    remove_first = False
    for column in columns:
        typed = row.text(column.header)
        if not typed:
            continue
        if typed in CLEAR_ALIASES:
            if column.part == "station" and first:
                remove_first = True
                parts.append(column.part)
            elif column.part in first:
                first.pop(column.part)
                parts.append(column.part)
        elif typed != cell_text(first.get(column.part)):
            first[column.part] = yaml_value(column, typed)
            parts.append(column.part)
    if not parts:
        return None, parts
    rest = list(access[1:]) if access and isinstance(access[0], dict) else list(access)
    if remove_first:
        new = rest
    else:
        ordered = {key: first[key] for key in ACCESS_ORDER if key in first}
        ordered.update((key, value) for key, value in first.items() if key not in ordered)
        new = [ordered, *rest]
    if not new:
        return ((("access",), DELETE) if "access" in data else None), parts
    return (("access",), new), parts


_INDEXED = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?(?:\.([a-z_]+))?")


def _order(column: Column) -> int:
    return COLUMNS.index(column)


def _cell_problem(sheet: Sheet, row: Row, problem, marks: dict) -> CellProblem:
    """The reader's `field: problem` moved to the cell that holds the field."""
    column = _column_for(problem.field, sheet, marks)
    if column is None:
        id_column = next(c for c in COLUMNS if c.kind == ID)
        where = sheet.where(row.number, sheet.letters.get(ID_HEADER, "A"))
        message = f"{problem.message} (not in the sheet: fix {problem.path} line {problem.line})"
        return CellProblem(row.number, _order(id_column), where, problem.field, message)
    return CellProblem(row.number, _order(column), sheet.where(row.number, sheet.letters[column.header]), column.header, problem.message)


def _column_for(field_name: str, sheet: Sheet, marks: dict) -> Column | None:
    match = _INDEXED.match(field_name)
    if not match:
        return None
    key, index, part = match.group(1), match.group(2), match.group(3)
    candidates = [c for c in COLUMNS if c.field == key and c.header in sheet.headers and c.editable]
    if key == "access":
        if index not in (None, "0"):
            return None
        wanted = part or "station"
        return next((c for c in candidates if c.part == wanted), None)
    if candidates and candidates[0].kind in (BLOCK_TEXT, ANSWER):
        return next((c for c in candidates if c.part == part), None)
    if candidates and candidates[0].kind == MARKS:
        terms = marks.get(key, [])
        if index is not None and int(index) < len(terms):
            return next((c for c in candidates if c.term == terms[int(index)]), candidates[0])
        return candidates[0]
    return candidates[0] if candidates else None
