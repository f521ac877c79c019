"""Read one open-data CSV: detect its encoding, check its header, decode each row.

A row that cannot become part of a record is skipped and reported with its
line number; a value that cannot be used (a `javascript:` URL, coordinates of
0.0) is left out of the row and reported as a note. Only a file-level problem
(unreadable encoding, wrong header) stops the import.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import Problem
from ..records.reader import KANA_RE, NESTED_TEXT_LIMIT, NESTED_TEXT_LIMITS, TEXT_LIMITS, display_path
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

# Bounds records.py accepts for `location`.
LAT_RANGE = (20.0, 46.0)
LNG_RANGE = (122.0, 154.0)

_BOM = b"\xef\xbb\xbf"
# Line and paragraph separators and control characters: never part of a one-line value.
_BREAKS = re.compile(r"[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]+")
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


@dataclass
class CsvFile:
    """What one file gave: decoded rows, skipped rows and dropped values."""

    path: str
    encoding: str
    rows: list[ServiceRow]
    skipped: list[Problem]
    notes: list[Problem]


def detect_encoding(raw: bytes, path: str) -> tuple[str, str]:
    """Return (encoding name, text). UTF-8 (with or without BOM) first, then cp932."""
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
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CsvFileError([Problem(shown, 1, "file", f"cannot be read: {exc.strerror or exc}")]) from None
    encoding, text = detect_encoding(raw, shown)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFileError([Problem(shown, 1, "file", "is empty; expected the published header row")]) from None
    except csv.Error as exc:
        raise CsvFileError([Problem(shown, 1, "header", f"cannot be read as CSV: {exc}")]) from None
    columns = check_header(header, shown)
    result = CsvFile(shown, encoding, rows=[], skipped=[], notes=[])
    decoder = _RowDecoder(shown, path.name, columns, result)
    line = reader.line_num
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = reader.line_num
            spans = f", runs to line {line}: check for an unclosed quote" if line > start else ""
            result.skipped.append(Problem(shown, start, "row", f"not readable as CSV ({exc}{spans}); row skipped"))
            continue
        line = reader.line_num
        if progress is not None:
            progress(line - start + 1)
        if not any(cell.strip() for cell in cells):
            continue  # blank line, e.g. at the end of the file
        decoder.decode(cells, start, line)
    return result


class _RowDecoder:
    """Turns the cells of one row into a ServiceRow, or a reason to skip it."""

    def __init__(self, path: str, file_name: str, columns: dict[str, int], result: CsvFile):
        self.path = path
        self.file_name = file_name
        self.columns = columns
        self.result = result
        self.width = len(HEADER)
        self.no_index = columns[COL_NO]

    def decode(self, cells: list[str], line: int, end_line: int) -> None:
        if len(cells) != self.width:
            spans = f" (it runs to line {end_line}: check for an unclosed quote)" if end_line > line else ""
            self._skip(line, "row", f"has {len(cells)} columns, the header has {self.width}{spans}; row skipped")
            return
        cell = {name: cells[index] for name, index in self.columns.items()}
        notes: list[Problem] = []
        try:
            prefecture = self._prefecture(cell[COL_CODE])
            city = self._city(cell[COL_CITY], prefecture)
            code, service = self._service(cell[COL_SERVICE])
            office_number = self._office_number(cell[COL_NUMBER], prefecture)
            name = self._name(cell[COL_NAME])
        except _SkipRowError as skip:
            self._skip(line, skip.field, f"{skip.message}; row skipped")
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
        )
        self.result.rows.append(row)
        self.result.notes.extend(notes)

    def _skip(self, line: int, field: str, message: str) -> None:
        self.result.skipped.append(Problem(self.path, line, field, message))

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
        return digits

    def _name(self, value: str) -> str:
        name = _one_line(value)
        if not name:
            raise _SkipRowError(COL_NAME, "blank; a record needs a name")
        if len(name) > TEXT_LIMITS["name"]:
            raise _SkipRowError(COL_NAME, f"is {len(name)} characters long; at most {TEXT_LIMITS['name']}")
        return name

    # --- optional values: a problem leaves the value out, with a note -------

    def _note(self, notes: list[Problem], line: int, field: str, message: str) -> None:
        notes.append(Problem(self.path, line, field, message))

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

    def _url(self, value: str, line: int, notes: list[Problem]) -> str | None:
        url = value.strip()
        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme.lower().strip() in ("javascript", "vbscript", "data"):
            self._note(notes, line, COL_URL, f"{url!r} is a script, not a web address; not imported")
            return None
        if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(ch.isspace() or not ch.isprintable() for ch in url):
            self._note(notes, line, COL_URL, f"{url!r} is not an http(s) address; not imported")
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
        if not text.isdigit():
            self._note(notes, line, COL_CAPACITY, f"{value.strip()!r} is not a whole number; not imported")
            return None
        return int(text) or None  # 0 means no 定員 is set (e.g. 定着支援)


class _SkipRowError(Exception):
    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message


def _one_line(value: str) -> str:
    """NFC text on one line: line breaks and control characters become one space."""
    return _SPACES.sub(" ", _BREAKS.sub(" ", unicodedata.normalize("NFC", value))).strip()


def _digits(value: str) -> str | None:
    text = unicodedata.normalize("NFKC", value).strip()
    if text.endswith(".0"):  # a spreadsheet turned the code into a number
        text = text[:-2]
    return text if text.isdigit() and text.isascii() else None

