"""`python -m facility_site.sheet export|import|report …` (behind make sheet-export, sheet-import, report)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..errors import FacilitySiteError
from ..open_data.yaml_store import StoreError
from ..records.reader import display_path, load_facilities
from .apply import SheetImport, SheetImportError, run_import
from .columns import CLEAR
from .export import ONLY_CHOICES, ExportError, export
from .report import completeness, format_text, write_html


def format_import(result: SheetImport, verbose: bool = False) -> str:
    """The import report: counts, then conflicts and rejected rows, then (with -v or --dry-run) every change."""
    sheet = result.sheet
    out = [f"sheet import: {sheet.path}" + (f" (sheet {sheet.title})" if sheet.title else f" ({sheet.encoding})") + f", {len(sheet.rows)} row(s) read"]
    if result.dry_run:
        out.append("dry run: nothing was written; this is what the import would do.")
    if result.force:
        out.append("--force: rows whose record changed after the export are applied too.")
    counts = {
        "changed": len(result.changed),
        "unchanged": result.unchanged,
        "conflicts": len(result.conflicts),
        "rejected rows": len(result.rejected),
    }
    out.append("")
    width = max(len(name) for name in counts)
    out.extend(f"{name:<{width}}  {count:>6}" for name, count in counts.items())
    if result.changed:
        tally = ", ".join(f"{header} {count}" for header, count in sorted(result.field_counts.items(), key=lambda item: (-item[1], item[0])))
        out.append(f"fields changed: {tally}")
    if sheet.ignored_headers:
        out.append(f"columns not imported (unknown headers): {', '.join(sheet.ignored_headers)}")
    if result.conflicts:
        out.append("")
        out.append("Conflicts: the record changed after the export, so the row was left alone.")
        out.extend(f"  {note}" for note in result.conflicts)
    if result.rejected:
        out.append("")
        out.append("Rejected rows:")
        out.extend(f"  {note}" for note in result.rejected)
    if result.changed and (verbose or result.dry_run):
        out.append("")
        out.append("Records that would change:" if result.dry_run else "Records changed:")
        for change in result.changed:
            forced = " (forced: changed after the export)" if change.forced else ""
            out.append(f"  row {change.row}: {display_path(change.record.path)}: {', '.join(change.headers)}{forced}")
    return "\n".join(out) + "\n"


def _export(args) -> int:
    try:
        summary = export(args.facilities, args.sheet, prefectures=args.pref, only=args.only)
    except (ExportError, StoreError) as exc:
        print(f"sheet export failed; nothing was written:\n{exc}", file=sys.stderr)
        return 1
    print(f"wrote {summary.rows} of {summary.records} record(s) to {display_path(summary.path)}")
    return 0


def _import(args) -> int:
    try:
        result = run_import(args.sheet, args.facilities, dry_run=args.dry_run, force=args.force)
    except SheetImportError as exc:
        print(f"sheet import failed; nothing was written ({len(exc.problems)} problem(s)):\n{exc}", file=sys.stderr)
        return 1
    sys.stdout.write(format_import(result, verbose=args.verbose))
    if not args.dry_run:
        print(f"wrote {result.written} record file(s) in {display_path(args.facilities)}")
    return 0


def _report(args) -> int:
    stale_after_days, today = args.stale_after_days, args.today
    if args.conf is not None:
        from pelican.settings import read_settings

        from ..settings import resolve

        options = resolve(read_settings(str(args.conf)))
        stale_after_days = stale_after_days if stale_after_days is not None else options["stale_after_days"]
        today = today or options["today"]
    try:
        facilities = load_facilities(args.facilities)
    except FacilitySiteError as exc:
        print(f"report failed:\n{exc}", file=sys.stderr)
        return 1
    report = completeness(facilities, today or dt.date.today(), 365 if stale_after_days is None else stale_after_days)
    sys.stdout.write(format_text(report))
    if args.html:
        write_html(report, args.html)
        print(f"wrote {display_path(args.html)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m facility_site.sheet",
        description="Curate facility records in a spreadsheet, and see what is still missing.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def with_folder(command):
        command.add_argument("--facilities", type=Path, default=Path("facilities"), help="records folder (default: facilities)")
        return command

    out = with_folder(commands.add_parser("export", help="write one row per record to an .xlsx (or .csv) file"))
    out.add_argument("sheet", type=Path, help="the file to write: name.xlsx, or name.csv for CSV (UTF-8 with BOM)")
    out.add_argument("--pref", default=None, help="only these prefectures: tokyo,kanagawa or 東京都,神奈川県")
    out.add_argument("--only", choices=ONLY_CHOICES, default=None, help="missing: only records lacking disability types, a station or a metric")
    out.set_defaults(run=_export)

    into = with_folder(commands.add_parser("import", help=f"apply an edited sheet to the records (blank = leave as is, {CLEAR} = remove)"))
    into.add_argument("sheet", type=Path, help="the edited .xlsx or .csv")
    into.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    into.add_argument("--force", action="store_true", help="also apply rows whose record changed after the export")
    into.add_argument("-v", "--verbose", action="store_true", help="list every changed record and its columns")
    into.set_defaults(run=_import)

    rep = with_folder(commands.add_parser("report", help="per prefecture, how many records lack what visitors filter by"))
    rep.add_argument("--html", type=Path, default=None, help="also write the report as an HTML page with bars here")
    rep.add_argument("--conf", type=Path, default=None, help="read stale_after_days (and today) from this pelicanconf.py")
    rep.add_argument("--stale-after-days", type=int, default=None, help="overrides the setting (default 365)")
    rep.add_argument("--today", type=dt.date.fromisoformat, default=None, help="the day staleness is measured from (default: today)")
    rep.set_defaults(run=_report)

    args = parser.parse_args(argv)
    return args.run(args)
