"""`python -m facility_site.open_data CSV… [--facilities DIR] [--dry-run]` (behind `make import`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from tqdm import tqdm

from ..records.reader import display_path
from .csv_reader import CsvFileError, read_csv
from .merge import match, plan_new, plan_update, scope_of
from .offices import group_offices
from .report import FileSummary, ImportReport
from .yaml_store import StoreError, apply_changes, load_folder, new_record_text, write_atomic

# Below this many lines a progress bar only flickers.
PROGRESS_MIN_LINES = 2000


class ImportAbortedError(Exception):
    """The import stopped before writing anything; carries every problem found."""

    def __init__(self, problems):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def run_import(csv_paths: list[Path], folder: Path, dry_run: bool = False, today: dt.date | None = None, show_progress: bool = False) -> ImportReport:
    """Read every CSV, merge into the records in `folder`, write (unless dry_run); return the report.

    Raises ImportAbortedError, having written nothing, when a file cannot be read
    (encoding, header) or an existing record cannot be parsed.
    """
    today = today or dt.date.today()
    report = ImportReport(dry_run=dry_run)
    problems = []
    csv_files = []
    for path in csv_paths:
        try:
            csv_files.append(_read_with_progress(path, show_progress))
        except CsvFileError as exc:
            problems.extend(exc.problems)
    try:
        records = load_folder(folder)
    except StoreError as exc:
        problems.extend(exc.problems)
        records = {}
    if problems:
        raise ImportAbortedError(problems)

    rows = []
    for csv_file in csv_files:
        report.files.append(FileSummary(csv_file.path, csv_file.encoding, len(csv_file.rows) + len(csv_file.skipped)))
        report.skipped.extend(csv_file.skipped)
        report.notes.extend(csv_file.notes)
        rows.extend(csv_file.rows)
    grouping = group_offices(rows)
    report.skipped.extend(grouping.skipped)
    report.notes.extend(grouping.notes)
    skipped_lines = {(p.path, p.line) for p in report.skipped}
    report.notes = [note for note in report.notes if (note.path, note.line) not in skipped_lines]
    scope = scope_of(grouping.offices)
    pairs, report.disappeared = match(grouping.offices, records, scope)
    for office, record, record_id in pairs:
        plan = plan_new(office, record_id, today) if record is None else plan_update(office, record, scope, today)
        report.plans.append(plan)
    report.plans.sort(key=lambda plan: plan.id)

    if not dry_run:
        _write(report, folder, show_progress)
    return report


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
                write_atomic(plan.record.path, apply_changes(plan.record, plan.changes))
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
    args = parser.parse_args(argv)
    show_progress = sys.stderr.isatty()
    report = None
    try:
        report = run_import(args.csv, args.facilities, dry_run=args.dry_run, today=args.date, show_progress=show_progress)
    except ImportAbortedError as exc:
        print(f"import failed; nothing was written:\n{exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("import interrupted: every record file is whole (old or new); run the same import again to finish.", file=sys.stderr)
        return 130
    sys.stdout.write(report.format(args.facilities, verbose=args.verbose))
    if not args.dry_run:
        print(f"wrote {report.written} record file(s) in {display_path(args.facilities)}")
    return 0
