"""`python -m facility_site.open_data CSV… [--facilities DIR] [--dry-run]` (behind `make import`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

from tqdm import tqdm

from ..errors import Problem
from ..records.reader import display_path
from ..records.vocab import PREFECTURE_BY_NAME
from .csv_reader import CsvFile, CsvFileError, read_csv
from .merge import match, plan_new, plan_update, scope_of
from .offices import group_offices
from .report import FileSummary, ImportReport
from .yaml_store import StoreError, apply_changes, load_folder, new_record_text, write_atomic

# Exit statuses (README "Starting from the open data"). 2 also for usage errors (argparse)
# and whenever `make import` fails, since make exits 2 for any failed recipe: one code either way.
EXIT_OK = 0  # the import ran, even if rows were skipped
EXIT_FAILED = 2  # stopped; nothing was written
EXIT_INTERRUPTED = 130

# Below this many lines a progress bar only flickers.
PROGRESS_MIN_LINES = 2000


class ImportAbortedError(Exception):
    """The import stopped before writing anything; carries every problem found."""

    def __init__(self, problems):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ImportWriteError(Exception):
    """Writing stopped part way (disk full, permissions changed): every file written is whole."""


def run_import(
    csv_paths: list[Path],
    folder: Path,
    dry_run: bool = False,
    today: dt.date | None = None,
    show_progress: bool = False,
    prefer: list[Path] = (),
) -> ImportReport:
    """Read every CSV, merge into the records in `folder`, write (unless dry_run); return the report.

    Raises ImportAbortedError, having written nothing, when a file cannot be
    read (encoding, header, not a file), two files hold the same service and
    prefecture and `prefer` does not say which release wins, an existing
    record cannot be read, or the records folder cannot be written.
    """
    today = today or dt.date.today()
    report = ImportReport(dry_run=dry_run)
    problems = []
    csv_files = []
    for path in dict.fromkeys(csv_paths):  # the same path twice is one file
        try:
            csv_files.append(_read_with_progress(path, show_progress))
        except CsvFileError as exc:
            problems.extend(exc.problems)
    problems.extend(_resolve_releases(csv_files, prefer, report))
    try:
        records = load_folder(folder)
    except StoreError as exc:
        problems.extend(exc.problems)
        records = {}
    if not dry_run and not problems:
        problems.extend(_check_writable(folder))
    if problems:
        raise ImportAbortedError(problems)

    rows, seen = [], []
    for csv_file in csv_files:
        report.files.append(FileSummary(csv_file.path, csv_file.encoding, len(csv_file.rows) + len(csv_file.skipped)))
        report.skipped.extend(csv_file.skipped)
        report.notes.extend(csv_file.notes)
        rows.extend(csv_file.rows)
        seen.extend(csv_file.seen)
    grouping = group_offices(rows)
    report.skipped.extend(grouping.skipped)
    report.notes.extend(grouping.notes)
    skipped_lines = {(p.path, p.line) for p in report.skipped}
    report.notes = [note for note in report.notes if (note.path, note.line) not in skipped_lines]
    scope = scope_of(rows, seen)
    pairs, report.disappeared, report.held = match(grouping.offices, records, scope, seen)
    for office, record, record_id in pairs:
        plan = plan_new(office, record_id, today) if record is None else plan_update(office, record, scope, today)
        report.plans.append(plan)
    report.plans.sort(key=lambda plan: plan.id)

    if not dry_run:
        try:
            _write(report, folder, show_progress)
        except OSError as exc:
            where = display_path(Path(exc.filename)) if exc.filename else display_path(folder)
            raise ImportWriteError(f"{where}: cannot be written: {exc.strerror or exc}; {report.written} record file(s) were written before it") from None
    return report


def _resolve_releases(csv_files: list[CsvFile], prefer: list[Path], report: ImportReport) -> list[Problem]:
    """Two files holding the same service and prefecture: keep the preferred one's rows there, or stop."""
    preferred = {_same_file_key(path) for path in prefer}
    keys = {csv_file.path: _same_file_key(Path(csv_file.path)) for csv_file in csv_files}
    clashes: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (earlier file, later file) → pairs both hold
    covered: dict[tuple[str, str], CsvFile] = {}
    for csv_file in csv_files:
        for pair in sorted(_pairs_of(csv_file), key=lambda p: (PREFECTURE_BY_NAME[p[0]].code, p[1])):
            other = covered.get(pair)
            if other is None:
                covered[pair] = csv_file
                continue
            mine, theirs = keys.get(csv_file.path) in preferred, keys.get(other.path) in preferred
            if mine == theirs:
                clashes.setdefault((other.path, csv_file.path), []).append(pair)
                continue
            loser, winner = (other, csv_file) if mine else (csv_file, other)
            covered[pair] = winner
            left_out = _drop_pair(loser, pair)
            report.notes.append(Problem(loser.path, 1, "file", f"{left_out} row(s) of {pair[0]} {pair[1]} left out: --prefer gives {winner.path}"))
    problems = []
    for (earlier, later), pairs in clashes.items():
        held = ", ".join(f"{pref} {code}" for pref, code in pairs[:3]) + (f" and {len(pairs) - 3} more" if len(pairs) > 3 else "")
        both_preferred = keys.get(later) in preferred
        hint = "give only one of them" if both_preferred else f'name the newer release with --prefer FILE (make import … ARGS="--prefer {later}")'
        message = f"holds {held}, as {earlier} does: two releases of one service and prefecture; {hint}"
        problems.append(Problem(later, 1, "file", message))
    return problems


def _pairs_of(csv_file: CsvFile) -> set[tuple[str, str]]:
    pairs = {(row.prefecture.name, row.code) for row in csv_file.rows}
    pairs.update((row.prefecture, row.code) for row in csv_file.seen if row.prefecture and row.code)
    return pairs


def _drop_pair(csv_file: CsvFile, pair: tuple[str, str]) -> int:
    before = len(csv_file.rows) + len(csv_file.seen)
    csv_file.rows = [row for row in csv_file.rows if (row.prefecture.name, row.code) != pair]
    dropped_lines = {row.line for row in csv_file.seen if (row.prefecture, row.code) == pair}
    csv_file.seen = [row for row in csv_file.seen if row.line not in dropped_lines]
    csv_file.skipped = [problem for problem in csv_file.skipped if problem.line not in dropped_lines]
    kept_lines = {row.line for row in csv_file.rows}
    csv_file.notes = [note for note in csv_file.notes if note.line in kept_lines]
    return before - len(csv_file.rows) - len(csv_file.seen)


def _same_file_key(path: Path):
    try:
        return path.resolve()
    except OSError:
        return path


def _check_writable(folder: Path) -> list[Problem]:
    """Try writing into the folder first, so a read-only folder stops the import before any record is written."""
    target = folder if folder.exists() else next((p for p in folder.parents if p.exists()), Path("."))
    try:
        with tempfile.TemporaryFile(dir=target):
            pass
    except OSError as exc:
        return [Problem(display_path(target), 1, "records_path", f"cannot be written: {exc.strerror or exc}")]
    return []


def _read_with_progress(path: Path, show_progress: bool):
    if not show_progress:
        return read_csv(path)
    try:
        with path.open("rb") as handle:
            total = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        total = 0
    with tqdm(total=total, unit=" lines", desc=path.name, disable=total < PROGRESS_MIN_LINES, file=sys.stderr, leave=False) as bar:
        return read_csv(path, progress=bar.update)


def _write(report: ImportReport, folder: Path, show_progress: bool) -> None:
    plans = report.to_write
    if not plans:
        return
    folder.mkdir(parents=True, exist_ok=True)
    with tqdm(plans, unit=" records", desc="writing", disable=not show_progress or len(plans) < PROGRESS_MIN_LINES, file=sys.stderr, leave=False) as bar:
        for plan in bar:
            if plan.record is None:
                write_atomic(folder / f"{plan.id}.yaml", new_record_text(plan.data))
            else:
                write_atomic(plan.record.path, apply_changes(plan.record, plan.changes + ([plan.confirm] if plan.confirm else [])))
            report.written += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m facility_site.open_data",
        description="Import the official open data (障害福祉サービス等情報公表システム CSVs) into facility records.",
    )
    parser.add_argument("csv", nargs="+", type=Path, help="CSV files: 60 就労移行支援, 62 就労定着支援, 45 A型, 46 B型")
    parser.add_argument("--facilities", type=Path, default=Path("facilities"), help="records folder (default: facilities)")
    parser.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None, help="import date for `updated` and the source block (default: today)")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list every new and changed record")
    parser.add_argument(
        "--prefer",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="where two files hold the same service and prefecture (two releases), this file's rows win; repeatable",
    )
    args = parser.parse_args(argv)
    show_progress = sys.stderr.isatty()
    report = None
    try:
        report = run_import(args.csv, args.facilities, dry_run=args.dry_run, today=args.date, show_progress=show_progress, prefer=args.prefer)
    except ImportAbortedError as exc:
        print(f"import failed; nothing was written:\n{exc}", file=sys.stderr)
        return EXIT_FAILED
    except ImportWriteError as exc:
        print(f"import stopped while writing: {exc}; every record file is whole (old or new), run the same import again", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("import interrupted: every record file is whole (old or new); run the same import again to finish.", file=sys.stderr)
        return EXIT_INTERRUPTED
    sys.stdout.write(report.format(args.facilities, verbose=args.verbose))
    if not args.dry_run:
        print(f"wrote {report.written} record file(s) in {display_path(args.facilities)}")
    return EXIT_OK
