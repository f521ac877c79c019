"""Read one open-data CSV: detect its encoding, check its header, decode each row.

A row that cannot become part of a record is skipped and reported with its
line number; a value that cannot be used (a `javascript:` URL, coordinates of
0.0) is left out of the row and reported as a note. Only a file-level problem
(unreadable encoding, wrong header) stops the import.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import math
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import Problem
from ..records.fields import KANA_RE, NESTED_TEXT_LIMIT, NESTED_TEXT_LIMITS, OPERATOR_LIMITS, TEXT_LIMITS, corporate_number_problem
from ..records.municipalities import prefectures_elsewhere
from ..records.reader import display_path
from ..records.vocab import PREFECTURE_BY_CODE, PREFECTURES, SERVICE_BY_LABEL, Prefecture, Term

# The header row exactly as 障害福祉サービス等情報公表システム publishes it.
HEADER: tuple[str, ...] = (
    "都道府県コード又は市区町村コード",
    "NO（※システム内の固有の番号、連番）",
    "指定機関名",
    "法人の名称",
    "法人の名称_かな",
    "法人番号",
    "法人住所（市区町村）",
    "法人住所（番地以降）",
    "法人電話番号",
    "法人FAX番号",
    "法人URL",
    "サービス種別",
    "事業所の名称",
    "事業所の名称_かな",
    "事業所番号",
    "事業所住所（市区町村）",
    "事業所住所（番地以降）",
    "事業所電話番号",
    "事業所FAX番号",
    "事業所URL",
    "事業所緯度",
    "事業所経度",
    "利用可能な時間帯（平日）",
    "利用可能な時間帯（土曜）",
    "利用可能な時間帯（日曜）",
    "利用可能な時間帯（祝日）",
    "定休日",
    "利用可能曜日特記事項（留意事項）",
    "定員",
)
COL_CODE = "都道府県コード又は市区町村コード"
COL_AUTHORITY = "指定機関名"
COL_NO = "NO（※システム内の固有の番号、連番）"
COL_SERVICE = "サービス種別"
COL_NAME = "事業所の名称"
COL_KANA = "事業所の名称_かな"
COL_NUMBER = "事業所番号"
COL_CITY = "事業所住所（市区町村）"
COL_ADDRESS = "事業所住所（番地以降）"
COL_PHONE = "事業所電話番号"
COL_URL = "事業所URL"
COL_LAT = "事業所緯度"
COL_LNG = "事業所経度"
COL_CAPACITY = "定員"
COL_FAX = "事業所FAX番号"
# The record's operator.<key> and the column each comes from (the corporation that runs the office).
OPERATOR_COLUMNS: dict[str, str] = {
    "name": "法人の名称",
    "name_kana": "法人の名称_かな",
    "number": "法人番号",
    "url": "法人URL",
}
# The record's hours.<key> and the column each comes from.
HOURS_COLUMNS: dict[str, str] = {
    "weekdays": "利用可能な時間帯（平日）",
    "saturday": "利用可能な時間帯（土曜）",
    "sunday": "利用可能な時間帯（日曜）",
    "holidays": "利用可能な時間帯（祝日）",
    "closed": "定休日",
    "note": "利用可能曜日特記事項（留意事項）",
}

# Service codes of the four published files, in the order a record lists them.
SERVICE_CODES: dict[str, Term] = {
    "60": SERVICE_BY_LABEL["就労移行支援"],
    "62": SERVICE_BY_LABEL["就労定着支援"],
    "45": SERVICE_BY_LABEL["就労継続支援A型"],
    "46": SERVICE_BY_LABEL["就労継続支援B型"],
}
CODE_BY_LABEL = {term.label: code for code, term in SERVICE_CODES.items()}
PREFECTURE_NAMES = frozenset(p.name for p in PREFECTURES)

# Bounds records.py accepts for `location`.
LAT_RANGE = (20.0, 46.0)
LNG_RANGE = (122.0, 154.0)

_BOM = b"\xef\xbb\xbf"
# Line and paragraph separators and control characters: never part of a one-line value.
_BREAKS = re.compile(r"[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]+")
# Bidirectional embedding, override and isolate controls: they can make a name read backwards. Removed.
BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Characters that show nothing: a name made only of these (and spaces) is blank.
_INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060-\u2064\u180e\u3164\uffa0\u115f\u1160\u00ad\u034f]+")
MAX_CAPACITY = 1000
# Physical lines of a file; a quoted value may run over several of them.
_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")
_SPACES = re.compile(r"[ \t]{2,}")  # full-width spaces are part of how a name is written: kept
_PHONE_NOISE = re.compile(r"[\s\-()]")


class CsvFileError(Exception):
    """The file as a whole cannot be read: encoding or header. Carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class ServiceRow:
    """One decoded CSV row: one office (or satellite) offering one service."""

    path: str  # as shown in reports
    file_name: str  # recorded in the record's source block
    line: int
    code: str  # 60 / 62 / 45 / 46
    service: Term
    office_number: str
    prefecture: Prefecture
    city: str
    name: str
    name_kana: str | None
    address: str | None
    phone: str | None
    url: str | None
    location: tuple[float, float] | None
    capacity: int | None
    fingerprint: tuple[str, ...]  # every cell but NO, to spot fully duplicate rows
    fax: str | None = None
    hours: tuple[tuple[str, str], ...] = ()  # (record key, text) for each published hours column
    operator: tuple[tuple[str, str], ...] = ()  # (record key, text) for each usable 法人 column
    invalid: frozenset[str] = frozenset()  # record fields whose value in this row was unusable


@dataclass(frozen=True)
class SeenRow:
    """What can be told of a skipped row: enough to never call its office disappeared."""

    path: str
    line: int
    office_number: str | None
    prefecture: str | None
    code: str | None
    name: str | None


@dataclass
class CsvFile:
    """What one file gave: decoded rows, skipped rows and dropped values."""

    path: str
    encoding: str
    rows: list[ServiceRow]
    skipped: list[Problem]
    notes: list[Problem]
    seen: list[SeenRow] = field(default_factory=list)  # the skipped rows, as far as they can be read


def detect_encoding(raw: bytes, path: str) -> tuple[str, str]:
    """Return (encoding name, text). UTF-8 (with or without BOM) first, then cp932."""
    _refuse_other_formats(raw, path)
    if raw.startswith(_BOM):
        try:
            return "UTF-8 (BOM)", raw[len(_BOM) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise CsvFileError([Problem(path, line, "encoding", "starts with a UTF-8 BOM but is not valid UTF-8 here; save it again as UTF-8")]) from None
    try:
        return "UTF-8", raw.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return "cp932", raw.decode("cp932")
        except UnicodeDecodeError:
            line = raw[: utf8_error.start].count(b"\n") + 1
            raise CsvFileError(
                [Problem(path, line, "encoding", "neither UTF-8 nor Shift_JIS (cp932); save the file as UTF-8 or download it again")]
            ) from None


def _refuse_other_formats(raw: bytes, path: str) -> None:
    """Spreadsheets and UTF-16 text saved with a .csv name: say what the file is, in one line."""
    if raw.startswith(b"PK\x03\x04"):
        what = "an Excel workbook (.xlsx) with a .csv name; in Excel save it as 'CSV UTF-8 (comma delimited)', or download the CSV again"
    elif raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        what = "an old Excel workbook (.xls) with a .csv name; in Excel save it as 'CSV UTF-8 (comma delimited)', or download the CSV again"
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        what = "UTF-16 text (as Excel's 'Unicode text' writes it); save it as 'CSV UTF-8 (comma delimited)' or download the CSV again"
    else:
        return
    raise CsvFileError([Problem(path, 1, "file", f"is {what}")])


def _refuse_separators(first_line: str, path: str) -> None:
    """A file separated by tabs or semicolons would otherwise give 31 header problems."""
    if "," in first_line:
        return
    for separator, name in (("\t", "tabs"), (";", "semicolons")):
        if separator in first_line:
            raise CsvFileError([Problem(path, 1, "file", f"its columns are separated by {name}, not commas; save it as comma-separated CSV")])


def check_header(header: list[str], path: str) -> dict[str, int]:
    """Map column name → index, or raise naming every missing and unexpected column."""
    names = [name.strip() for name in header]
    problems = []
    missing = [name for name in HEADER if name not in names]
    unexpected = [name for name in names if name not in HEADER]
    for name in missing:
        close = difflib.get_close_matches(name, unexpected, n=1, cutoff=0.6)
        hint = f" (the file has {close[0]!r} instead)" if close else ""
        problems.append(Problem(path, 1, "header", f"missing column {name!r}{hint}"))
    for name in unexpected:
        close = difflib.get_close_matches(name, missing, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problems.append(Problem(path, 1, "header", f"unexpected column {name!r}{hint}"))
    repeated = sorted({name for name in names if names.count(name) > 1 and name in HEADER})
    for name in repeated:
        problems.append(Problem(path, 1, "header", f"column {name!r} appears more than once"))
    if problems:
        raise CsvFileError(problems)
    return {name: names.index(name) for name in HEADER}


def read_csv(path: Path, progress=None) -> CsvFile:
    """Decode every row of one file. `progress(n)` is called as lines are read."""
    shown = display_path(path)
    raw = read_file_bytes(path, shown)
    encoding, text = detect_encoding(raw, shown)
    lines = [line for line in _LINE_END.split(text) if line]
    if not lines:
        raise CsvFileError([Problem(shown, 1, "file", "is empty; expected the published header row")])
    _refuse_separators(lines[0], shown)
    try:
        header = next(csv.reader(lines[:1], strict=True))
    except csv.Error as exc:
        raise CsvFileError([Problem(shown, 1, "header", f"cannot be read as CSV: {exc}")]) from None
    columns = check_header(header, shown)
    result = CsvFile(shown, encoding, rows=[], skipped=[], notes=[])
    decoder = _RowDecoder(shown, path.name, columns, result)
    source = _Lines(lines, 1)
    reader = csv.reader(source, strict=True)
    while True:
        start = source.position  # 0-based index of the row's first line
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            cells, error = None, str(exc)
        else:
            error = None
        end = source.position  # lines start … end-1 were read for this row
        if cells is not None and not any(cell.strip() for cell in cells):
            continue  # blank line, e.g. at the end of the file
        if error is not None or (end - start > 1 and len(cells) != decoder.width):
            # Most likely an unclosed quote that swallowed the lines after it: skip the
            # first line only and read on from the next one.
            decoder.malformed(lines[start], start + 1, end, error)
            source = _Lines(lines, start + 1)
            reader = csv.reader(source, strict=True)
            if progress is not None:
                progress(1)
            continue
        if progress is not None:
            progress(end - start)
        decoder.decode(cells, start + 1, end)
    return result


def read_file_bytes(path: Path, shown: str) -> bytes:
    """The bytes of a regular file; a FIFO, device or folder is refused without opening it."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise CsvFileError([Problem(shown, 1, "file", f"cannot be read: {exc.strerror or exc}")]) from None
    if not stat.S_ISREG(mode):
        kinds = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))
        kind = next((name for test, name in kinds if test(mode)), "not a regular file")
        raise CsvFileError([Problem(shown, 1, "file", f"is {kind}, not a CSV file; give the downloaded file")])
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CsvFileError([Problem(shown, 1, "file", f"cannot be read: {exc.strerror or exc}")]) from None


class _Lines:
    """The lines of a file from `position` on, for csv.reader; `position` tells how far it read."""

    def __init__(self, lines: list[str], position: int):
        self.lines = lines
        self.position = position

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        self.position += 1
        return self.lines[self.position - 1]


class _RowDecoder:
    """Turns the cells of one row into a ServiceRow, or a reason to skip it."""

    def __init__(self, path: str, file_name: str, columns: dict[str, int], result: CsvFile):
        self.path = path
        self.file_name = file_name
        self.columns = columns
        self.result = result
        self.width = len(HEADER)
        self.no_index = columns[COL_NO]

    def malformed(self, first_line: str, line: int, end_line: int, error: str | None) -> None:
        """A row that is not CSV, or that a quote ran on past its line: skip that line only."""
        if end_line > line:
            swallowed = f"line {end_line}" if end_line == line + 1 else f"lines {line + 1}–{end_line}"
            why = f"not readable as CSV ({error})" if error else "has a quote that is never closed on its line"
            message = f"{why}: a quote opened here runs on and swallowed {swallowed}; this line skipped, reading went on at line {line + 1}"
        else:
            message = f"not readable as CSV ({error}); row skipped"
        self._skip(line, "row", message, first_line.rstrip("\r\n").split(","))

    def decode(self, cells: list[str], line: int, end_line: int) -> None:
        if len(cells) != self.width:
            self._skip(line, "row", f"has {len(cells)} columns, the header has {self.width}; row skipped", cells)
            return
        cell = {name: cells[index] for name, index in self.columns.items()}
        notes: list[Problem] = []
        self._invalid: set[str] = set()
        try:
            prefecture = self._prefecture(cell[COL_CODE])
            city = self._city(cell[COL_CITY], prefecture)
            self._authority(cell[COL_AUTHORITY], prefecture, city)
            code, service = self._service(cell[COL_SERVICE])
            office_number = self._office_number(cell[COL_NUMBER], prefecture)
            self._city_in_prefecture(city, prefecture)
            name = self._name(cell[COL_NAME])
        except _SkipRowError as skip:
            self._skip(line, skip.field, f"{skip.message}; row skipped", cells)
            return
        row = ServiceRow(
            path=self.path,
            file_name=self.file_name,
            line=line,
            code=code,
            service=service,
            office_number=office_number,
            prefecture=prefecture,
            city=city,
            name=name,
            name_kana=self._kana(cell[COL_KANA], line, notes),
            address=self._address(cell[COL_ADDRESS], line, notes),
            phone=self._phone(cell[COL_PHONE], line, notes),
            url=self._url(cell[COL_URL], line, notes),
            location=self._location(cell[COL_LAT], cell[COL_LNG], line, notes),
            capacity=self._capacity(cell[COL_CAPACITY], line, notes),
            fingerprint=tuple(value.strip() for i, value in enumerate(cells) if i != self.no_index),
            fax=self._phone(cell[COL_FAX], line, notes, COL_FAX),
            hours=self._hours(cell, line, notes),
            operator=self._operator(cell, line, notes),
            invalid=frozenset(self._invalid),
        )
        self.result.rows.append(row)
        self.result.notes.extend(notes)

    def _skip(self, line: int, field: str, message: str, cells: list[str]) -> None:
        self.result.skipped.append(Problem(self.path, line, field, message))
        self.result.seen.append(self._seen(line, cells))

    def _seen(self, line: int, cells: list[str]) -> SeenRow:
        """The office number, prefecture, service and name of a skipped row, where they can be read."""

        def cell(column: str) -> str:
            index = self.columns[column]
            return cells[index] if index < len(cells) else ""

        prefecture = code = None
        with contextlib.suppress(_SkipRowError):
            prefecture = self._prefecture(cell(COL_CODE))
        with contextlib.suppress(_SkipRowError):
            code = self._service(cell(COL_SERVICE))[0]
        number = _digits(cell(COL_NUMBER))
        if number is not None and len(number) == 9:
            number = "0" + number
        if number is None or len(number) != 10:
            number = None
        name = _one_line(cell(COL_NAME)) or None
        return SeenRow(self.path, line, number, prefecture.name if prefecture else None, code, name)

    # --- values a record cannot do without: a problem skips the row -------

    def _prefecture(self, value: str) -> Prefecture:
        digits = _digits(value)
        if digits is not None and len(digits) == 4:
            digits = "0" + digits  # 01000 saved as a number loses its leading zero
        if digits is None or len(digits) not in (5, 6) or int(digits[:2]) not in PREFECTURE_BY_CODE:
            raise _SkipRowError(COL_CODE, f"{value.strip()!r} is not a prefecture or municipality code such as 13000 or 131016")
        return PREFECTURE_BY_CODE[int(digits[:2])]

    def _city(self, value: str, prefecture: Prefecture) -> str:
        city = _one_line(value)
        for other in PREFECTURES:
            if city.startswith(other.name):
                if other is not prefecture:
                    raise _SkipRowError(COL_CITY, f"{city!r} is in {other.name}, but the row's code says {prefecture.name}")
                city = city[len(other.name) :].strip()
                break
        if not city:
            raise _SkipRowError(COL_CITY, "blank; a record needs its 市区町村")
        if len(city) > TEXT_LIMITS["city"]:
            raise _SkipRowError(COL_CITY, f"is {len(city)} characters long; at most {TEXT_LIMITS['city']}")
        return city

    def _city_in_prefecture(self, city: str, prefecture: Prefecture) -> None:
        """Last of the place checks: a city that is a real 市区町村 of another prefecture only."""
        elsewhere = prefectures_elsewhere(prefecture.code, city)
        if elsewhere:
            names = "、".join(PREFECTURE_BY_CODE[code].name for code in elsewhere)
            raise _SkipRowError(COL_CITY, f"{city!r} is not a 市区町村 of {prefecture.name} but of {names}; check the code and the city")

    def _authority(self, value: str, prefecture: Prefecture, city: str) -> None:
        """The 指定機関 (designating prefecture or city) must agree with the code and the city.

        Only plain contradictions count: a prefecture other than the code's,
        or a city (市) authority while the office's address is in another 市.
        """
        authority = _one_line(value)
        if not authority:
            return
        if authority in PREFECTURE_NAMES:
            if authority != prefecture.name:
                raise _SkipRowError(COL_AUTHORITY, f"{authority} designated the office, but the row's code says {prefecture.name}; check which is wrong")
            return
        if authority.endswith("市") and "市" in city and not city.startswith(authority):
            raise _SkipRowError(COL_CITY, f"{city!r} is not in {authority}, the 指定機関 that designated the office; check the code and the city")

    def _service(self, value: str) -> tuple[str, Term]:
        text = unicodedata.normalize("NFKC", value).strip()
        code = text.lstrip("0") if text.isdigit() else None
        if code in SERVICE_CODES:
            return code, SERVICE_CODES[code]
        label = text.replace("（", "(").replace("）", ")")
        if label in CODE_BY_LABEL:
            return CODE_BY_LABEL[label], SERVICE_BY_LABEL[label]
        known = ", ".join(f"{c} {t.label}" for c, t in SERVICE_CODES.items())
        raise _SkipRowError(COL_SERVICE, f"{value.strip()!r} is not one of {known}")

    def _office_number(self, value: str, prefecture: Prefecture) -> str:
        digits = _digits(value)
        if digits is not None and len(digits) == 9 and int(digits[:1]) == prefecture.code:
            digits = "0" + digits  # saved as a number: the leading zero of 01…09 is lost
        if digits is None or len(digits) != 10:
            raise _SkipRowError(COL_NUMBER, f"{value.strip()!r} is not a 10-digit 事業所番号")
        if int(digits[:2]) != prefecture.code:
            # A 事業所番号 starts with the code of the prefecture that designated the office.
            owner = PREFECTURE_BY_CODE.get(int(digits[:2]))
            owner_name = owner.name if owner else f"no prefecture ({digits[:2]})"
            raise _SkipRowError(
                COL_CODE,
                f"says {prefecture.name}, but 事業所番号 {digits} is a number of {owner_name}; check which of the two is wrong",
            )
        return digits

    def _name(self, value: str) -> str:
        name = _one_line(value)
        if not name:
            raise _SkipRowError(COL_NAME, "blank; a record needs a name")
        if not _INVISIBLE.sub("", name):
            raise _SkipRowError(COL_NAME, f"{name!r} has no visible characters; a record needs a name")
        if len(name) > TEXT_LIMITS["name"]:
            raise _SkipRowError(COL_NAME, f"is {len(name)} characters long; at most {TEXT_LIMITS['name']}")
        return name

    # --- optional values: a problem leaves the value out, with a note -------

    def _note(self, notes: list[Problem], line: int, field: str, message: str) -> None:
        """An unusable value: left out of the row; an existing record keeps its current value."""
        notes.append(Problem(self.path, line, field, message))
        self._invalid.add(_RECORD_FIELD[field])

    def _kana(self, value: str, line: int, notes: list[Problem]) -> str | None:
        # NFKC turns half-width ｶﾀｶﾅ into full-width カタカナ.
        kana = unicodedata.normalize("NFKC", _one_line(value))
        if not kana:
            return None
        if not KANA_RE.match(kana) or len(kana) > TEXT_LIMITS["name_kana"]:
            self._note(notes, line, COL_KANA, f"{kana!r} is not a reading in kana; not imported")
            return None
        return kana

    def _address(self, value: str, line: int, notes: list[Problem]) -> str | None:
        address = _one_line(value)
        if not address:
            return None
        if len(address) > TEXT_LIMITS["address"]:
            self._note(notes, line, COL_ADDRESS, f"is {len(address)} characters long (at most {TEXT_LIMITS['address']}); not imported")
            return None
        return address

    def _phone(self, value: str, line: int, notes: list[Problem], column: str = COL_PHONE) -> str | None:
        phone = unicodedata.normalize("NFKC", _one_line(value))
        if not phone:
            return None
        if not re.fullmatch(r"\+?\d{6,15}", _PHONE_NOISE.sub("", phone)):
            kind = "fax" if column == COL_FAX else "phone"
            self._note(notes, line, column, f"{phone!r} is not a {kind} number; not imported")
            return None
        return phone

    def _hours(self, cell: dict[str, str], line: int, notes: list[Problem]) -> tuple[tuple[str, str], ...]:
        """The published hours, closed days and note, one line each, within the record's limits."""
        hours = []
        for key, column in HOURS_COLUMNS.items():
            text = _one_line(cell[column])
            if not text:
                continue
            limit = NESTED_TEXT_LIMITS.get(key, NESTED_TEXT_LIMIT)
            if len(text) > limit:
                self._note(notes, line, column, f"is {len(text)} characters long (at most {limit}); not imported")
                continue
            hours.append((key, text))
        return tuple(hours)

    def _operator(self, cell: dict[str, str], line: int, notes: list[Problem]) -> tuple[tuple[str, str], ...]:
        """法人の名称, _かな, 法人番号 and 法人URL: each left out (with a note) when unusable."""
        found = []
        for key, column in OPERATOR_COLUMNS.items():
            if key == "url":
                text = self._url(cell[column], line, notes, column)
            elif key == "number":
                text = _digits(cell[column])
                if text is None and not cell[column].strip():
                    continue
                problem = corporate_number_problem(text or cell[column].strip())
                if problem:
                    self._note(notes, line, column, f"{problem}; not imported")
                    continue
            else:
                text = _one_line(cell[column])
                if key == "name_kana":
                    text = unicodedata.normalize("NFKC", text)
                if not text:
                    continue
                if len(text) > OPERATOR_LIMITS[key] or (key == "name_kana" and not KANA_RE.match(text)):
                    what = "a reading in kana" if key == "name_kana" else f"at most {OPERATOR_LIMITS[key]} characters long"
                    self._note(notes, line, column, f"{text!r} is not {what}; not imported")
                    continue
            if text:
                found.append((key, text))
        return tuple(found)

    def _url(self, value: str, line: int, notes: list[Problem], column: str = COL_URL) -> str | None:
        url = value.strip()
        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme.lower().strip() in ("javascript", "vbscript", "data"):
            self._note(notes, line, column, f"{url!r} is a script, not a web address; not imported")
            return None
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(ch.isspace() or not ch.isprintable() for ch in url):
            self._note(notes, line, column, f"{url!r} is not an http(s) address; not imported")
            return None
        return url

    def _location(self, lat_text: str, lng_text: str, line: int, notes: list[Problem]) -> tuple[float, float] | None:
        if not lat_text.strip() and not lng_text.strip():
            return None
        field = f"{COL_LAT}/{COL_LNG}"
        try:
            lat = float(unicodedata.normalize("NFKC", lat_text).strip())
            lng = float(unicodedata.normalize("NFKC", lng_text).strip())
        except ValueError:
            self._note(notes, line, field, f"({lat_text.strip()!r}, {lng_text.strip()!r}) are not numbers; location not imported")
            return None
        if not (math.isfinite(lat) and math.isfinite(lng)):
            self._note(notes, line, field, f"({lat_text.strip()}, {lng_text.strip()}) are not numbers; location not imported")
            return None
        if lat == 0 and lng == 0:
            self._note(notes, line, field, "0.0 means unknown; location not imported")
            return None
        if not (LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LNG_RANGE[0] <= lng <= LNG_RANGE[1]):
            self._note(notes, line, field, f"({lat_text.strip()}, {lng_text.strip()}) is not in Japan; location not imported")
            return None
        return round(lat, 7), round(lng, 7)

    def _capacity(self, value: str, line: int, notes: list[Problem]) -> int | None:
        text = unicodedata.normalize("NFKC", value).strip().removesuffix("名").removesuffix("人").strip()
        if not text:
            return None
        if re.fullmatch(r"-\s*\d+", text):
            self._note(notes, line, COL_CAPACITY, f"{value.strip()!r} is negative; not imported")
            return None
        if not text.isdigit() or not text.isascii():
            self._note(notes, line, COL_CAPACITY, f"{value.strip()!r} is not a whole number; not imported")
            return None
        capacity = int(text)
        if capacity > MAX_CAPACITY:
            self._note(notes, line, COL_CAPACITY, f"{capacity} is over {MAX_CAPACITY:,}; not imported")
            return None
        return capacity or None  # 0 means no 定員 is published (e.g. 定着支援)


# The record field each optional column fills.
_RECORD_FIELD = {
    COL_KANA: "name_kana",
    COL_ADDRESS: "address",
    COL_PHONE: "phone",
    COL_URL: "url",
    f"{COL_LAT}/{COL_LNG}": "location",
    COL_CAPACITY: "capacity",
    COL_FAX: "fax",
    **{column: f"hours.{key}" for key, column in HOURS_COLUMNS.items()},
    **{column: f"operator.{key}" for key, column in OPERATOR_COLUMNS.items()},
}


class _SkipRowError(Exception):
    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message


def _one_line(value: str) -> str:
    """NFC text on one line: line breaks and control characters become one space."""
    text = BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", value))
    return _SPACES.sub(" ", _BREAKS.sub(" ", text)).strip()


def _digits(value: str) -> str | None:
    text = unicodedata.normalize("NFKC", value).strip()
    if text.endswith(".0"):  # a spreadsheet turned the code into a number
        text = text[:-2]
    return text if text.isdigit() and text.isascii() else None

