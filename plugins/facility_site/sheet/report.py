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
# fields of issue 11 (email, fax, inquiry_url) join this tuple once records have them.
CONTACT_FIELDS = ("phone", "url")

# (key, Japanese label, does the facility lack it?)
GAPS: tuple[tuple[str, str, object], ...] = (
    ("disabilities", "対象障害", lambda f: not f.disabilities),
    ("station", "最寄り駅", lambda f: not f.access),
    ("retention_rate", "就職定着率", lambda f: f.retention_rate is None),
    ("hires_last_year", "昨年の就職人数", lambda f: f.hires_last_year is None),
    ("average_stay", "平均利用期間", lambda f: f.average_stay is None),
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


_PAGE = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>記録の充足状況（{{ report.total.records }}件）</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1rem; color: #1a1a1a; background: #fff; line-height: 1.5; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: .875rem; }
th, td { border-bottom: 1px solid #ccc; padding: .25rem .5rem; text-align: right; white-space: nowrap; vertical-align: middle; }
th[scope=row], thead th:first-child { text-align: left; }
tfoot th, tfoot td { font-weight: bold; border-top: 2px solid #1a1a1a; }
meter { display: block; width: 5rem; height: .75rem; }
</style>
</head>
<body>
<main>
<h1>記録の充足状況</h1>
<p>{{ report.total.records }}件の記録のうち、各項目が未入力の件数と割合です。
割合が高い都道府県から手を付けると、絞り込みで見つかる事業所が早く増えます。
「情報が古い」は更新日が{{ report.today.isoformat() }}より{{ report.stale_after_days }}日以上前の記録です。</p>
<div class="scroll">
<table>
<caption>都道府県別の未入力件数（バーは未入力の割合）</caption>
<thead><tr><th scope="col">都道府県</th><th scope="col">件数</th>
{%- for key, label in report.columns %}<th scope="col">{{ label }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for line in report.lines %}
<tr><th scope="row">{{ line.name }}</th><td>{{ line.records }}</td>
{%- for key, label in report.columns %}<td>{{ line.gaps[key] }}（{{ line.share(key) }}%）
<meter min="0" max="100" value="{{ line.share(key) }}" aria-label="{{ line.name }} {{ label }} 未入力 {{ line.share(key) }}%"></meter></td>
{%- endfor %}</tr>
{%- endfor %}
</tbody>
<tfoot><tr><th scope="row">{{ report.total.name }}</th><td>{{ report.total.records }}</td>
{%- for key, label in report.columns %}<td>{{ report.total.gaps[key] }}（{{ report.total.share(key) }}%）</td>{% endfor %}</tr></tfoot>
</table>
</div>
</main>
</body>
</html>
"""


def render_html(report: Completeness) -> str:
    environment = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    return environment.from_string(_PAGE).render(report=report)


def write_html(report: Completeness, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_html(report), encoding="utf-8")
