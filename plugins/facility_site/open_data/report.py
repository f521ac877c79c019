"""The report printed at the end of an import: counts first, then every detail an operator must act on."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from ..errors import Problem
from ..records.reader import display_path
from .merge import Conflict, Disappeared, Held, Plan

STATUSES = ("new", "updated", "unchanged", "conflicting")


@dataclass
class FileSummary:
    path: str
    encoding: str
    rows: int


@dataclass
class ImportReport:
    dry_run: bool
    files: list[FileSummary] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    disappeared: list[Disappeared] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    written: int = 0

    def by_status(self, status: str) -> list[Plan]:
        return [plan for plan in self.plans if plan.status == status]

    @property
    def counts(self) -> dict[str, int]:
        counts = {status: len(self.by_status(status)) for status in STATUSES}
        counts["disappeared"] = len(self.disappeared)
        counts["skipped rows"] = len(self.skipped)
        return counts

    @property
    def to_write(self) -> list[Plan]:
        return [plan for plan in self.plans if plan.status == "new" or plan.changes or plan.confirm]

    def format(self, folder, verbose: bool = False) -> str:
        out: list[str] = []
        rows = sum(f.rows for f in self.files)
        out.append(f"import: {len(self.files)} file(s), {rows} row(s) read")
        for summary in self.files:
            out.append(f"  {summary.path}: {summary.encoding}, {summary.rows} row(s)")
        if self.dry_run:
            out.append("dry run: nothing was written; this is what the import would do.")
        out.append("")
        width = max(len(name) for name in self.counts)
        for name, count in self.counts.items():
            out.append(f"{name:<{width}}  {count:>6}")
        out.append("(new + updated + unchanged + conflicting = offices in the files; a conflicting record may have other fields updated too)")

        if self.skipped:
            out.append("")
            out.append("Skipped rows: not imported. Fix the file (or wait for the next release) and import again.")
            out.extend(f"  {problem}" for problem in sorted(self.skipped))
        if self.held:
            out.append("")
            out.append("Left as they were: rows with their 事業所番号 were skipped (above), so these records were not updated.")
            for held in self.held:
                lines = ", ".join(f"{row.path}:{row.line}" for row in held.rows)
                out.append(f"  {display_path(held.record.path)}: 事業所番号 {held.record.office_number}: skipped {lines}")
        conflicting = self.by_status("conflicting")
        if conflicting:
            out.append("")
            out.append("Conflicts: the official value changed where the record was edited by hand.")
            out.append("The record keeps your value; the new official value is recorded in its source block, so this is listed once.")
            for plan in conflicting:
                for conflict in plan.conflicts:
                    out.append(f"  {_record_path(folder, plan)}: {conflict.field}: {_describe(conflict)}")
        kept = [plan for plan in self.plans if plan.kept and plan.record is not None]
        if kept:
            out.append("")
            out.append("Kept: the new official value is not usable (see 'Values left out' below), so the record keeps its current value.")
            for plan in kept:
                for name in plan.kept:
                    current = plan.record.data.get(name)
                    shown = "none" if current in (None, "") else as_json(_plain(current))
                    out.append(f"  {_record_path(folder, plan)}: {name}: kept {shown}")
        if self.disappeared:
            out.append("")
            out.append("Disappeared: imported before, but in none of the rows read. Kept; delete the file if the office has closed.")
            for gone in self.disappeared:
                name = gone.record.official.get("name") or gone.record.data.get("name")
                out.append(f"  {display_path(gone.record.path)}: 事業所番号 {gone.record.office_number} {name}: not in {', '.join(gone.scope)}")
        if self.notes:
            out.append("")
            out.append("Values left out (a record that has the value keeps it) and rows collapsed:")
            out.extend(f"  {problem}" for problem in sorted(self.notes))
        if verbose or self.dry_run:
            changed = [plan for plan in self.plans if plan.status != "unchanged"]
            if changed:
                out.append("")
                out.append("Records:" if not self.dry_run else "Records that would change:")
                for plan in changed:
                    fields = ", ".join(plan.changed_fields) or "source block"
                    out.append(f"  {plan.status}: {_record_path(folder, plan)}: {fields}")
        return "\n".join(out) + "\n"


def _record_path(folder, plan: Plan) -> str:
    return display_path(plan.record.path if plan.record is not None else folder / f"{plan.id}.yaml")


def _describe(conflict: Conflict) -> str:
    yours = "removed by you" if conflict.yours is None else f"yours {as_json(_plain(conflict.yours))}"
    previous = "none" if conflict.previous is None else as_json(_plain(conflict.previous))
    official = "blank" if conflict.official is None else as_json(_plain(conflict.official))
    return f"{yours}; official {previous} → {official}"


def as_json(value) -> str:
    """A value as compact text for the report: 20, "https://…", {"lat": 35.6, "lng": 139.7}."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
