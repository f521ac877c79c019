"""`make report`: per prefecture, how many records still lack what visitors filter and compare by.

Printed as a table and written as a small standalone HTML page with bars
(outside output/, not part of the public site).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, select_autoescape

from ..records.model import Facility
from ..records.vocab import PREFECTURES

# A record "has contact details" when any of these is given. The contact
# ways of issue 11 (fax, email, the inquiry form) count as much as a phone.
CONTACT_FIELDS = ("phone", "fax", "email", "inquiry_url", "url")

def _not_entered(facility: Facility, field_name: str) -> bool:
    return getattr(facility, field_name) is None and field_name not in facility.not_published


# (key, Japanese label, does the facility lack it?)
GAPS: tuple[tuple[str, str, object], ...] = (
    ("disabilities", "対象障害", lambda f: not f.disabilities),
    ("station", "最寄り駅", lambda f: not f.access),
    # A metric the record says is 非公開 is known, not missing: only 未掲載 ones count.
    ("retention_rate", "就職定着率", lambda f: _not_entered(f, "retention_rate")),
    ("hires_last_year", "昨年の就職人数", lambda f: _not_entered(f, "hires_last_year")),
    ("average_stay", "平均利用期間", lambda f: _not_entered(f, "average_stay")),
    ("contact", "連絡先", lambda f: not any(getattr(f, name, None) for name in CONTACT_FIELDS)),
)
STALE = ("stale", "情報が古い")


@dataclass
class Line:
    name: str  # the prefecture, or 合計
    records: int = 0
    gaps: dict[str, int] = field(default_factory=dict)

    def share(self, key: str) -> int:
        """Percent of the records lacking `key`, rounded down (so 100 means all)."""
        return self.gaps.get(key, 0) * 100 // self.records if self.records else 0


@dataclass
class Completeness:
    today: dt.date
    stale_after_days: int
    lines: list[Line]  # prefectures with records, in JIS order
    total: Line

    @property
    def columns(self) -> list[tuple[str, str]]:
        return [(key, label) for key, label, _ in GAPS] + [STALE]


def completeness(facilities: list[Facility], today: dt.date, stale_after_days: int) -> Completeness:
    by_name = {p.name: Line(p.name) for p in PREFECTURES}
    total = Line("合計")
    keys = [key for key, _, _ in GAPS] + [STALE[0]]
    for line in [*by_name.values(), total]:
        line.gaps = dict.fromkeys(keys, 0)
    for facility in facilities:
        for line in (by_name[facility.prefecture.name], total):
            line.records += 1
            for key, _, lacks in GAPS:
                line.gaps[key] += bool(lacks(facility))
            line.gaps[STALE[0]] += (today - facility.updated).days > stale_after_days
    lines = [by_name[p.name] for p in PREFECTURES if by_name[p.name].records]
    return Completeness(today, stale_after_days, lines, total)


def format_text(report: Completeness) -> str:
    headers = ["都道府県", "件数", *(label for _, label in report.columns)]
    table = [[line.name, str(line.records), *(str(line.gaps[key]) for key, _ in report.columns)] for line in [*report.lines, report.total]]
    widths = [max(_width(row[i]) for row in [headers, *table]) for i in range(len(headers))]
    out = [f"completeness: {report.total.records} record(s); 情報が古い = updated more than {report.stale_after_days} days before {report.today.isoformat()}"]
    for row in [headers, *table]:
        cells = [_pad(row[0], widths[0])] + [_pad(cell, width, right=True) for cell, width in zip(row[1:], widths[1:], strict=True)]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out) + "\n"


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


TEMPLATE = Path(__file__).with_name("report.html")

def render_html(report: Completeness) -> str:
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True), keep_trailing_newline=True)
    return environment.from_string(TEMPLATE.read_text(encoding="utf-8")).render(report=report)


def write_html(report: Completeness, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(report), encoding="utf-8")
