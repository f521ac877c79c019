"""Scenario records for the spreadsheet tests: a hand-kept record, imported ones, gaps to count."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

# Written by hand: comments, flow lists, quotes and its own key order must survive an import.
HAND_KEPT = """\
# 手で確かめた記録。このコメントは残ること。
name: テスト事業所 みどり   # 名前の横のコメント
prefecture: 東京都
city: 新宿区
services: [就労移行支援, 就労定着支援]
capacity: 12
disabilities: [精神]
retention_rate: "80%以上"
hires_last_year: 10~14名
catchphrase: 'ここは: 引用符つき'
features: [少人数制, 在宅訓練可]
updated: 2026-11-01
"""

# Written by `make import`: no disability types, no station, no metrics.
IMPORTED = """\
name: テスト事業所 わかば
prefecture: 東京都
city: 豊島区
address: 1-2-3
services:
  - 就労移行支援
capacity: 20
url: https://example.jp/wakaba/
location:
  lat: 35.7
  lng: 139.7
updated: 2026-10-01
source:
  dataset: test
  imported: 2026-10-01
  office_number: '1300000001'
"""

OSAKA = """\
name: テスト事業所 なにわ
prefecture: 大阪府
city: 大阪市北区
access:
  - line: 大阪メトロ御堂筋線
    station: 梅田
    walk_minutes: 4
services: [就労継続支援B型]
capacity: 15
retention_rate: 70%以上
hires_last_year: 5名
average_stay: 6~12ヶ月
disabilities: [知的, 身体]
phone: 06-0000-0000
updated: 2026-09-01
"""

# Not checked for a long time, no way to contact it; says its 就職定着率 is not published.
STALE = """\
name: テスト事業所 ふるい
prefecture: 大阪府
city: 堺市堺区
services: [就労移行支援]
capacity: 10
retention_rate: 非公開
disabilities: [精神]
updated: 2024-01-10
"""

RECORDS = {"midori": HAND_KEPT, "wakaba": IMPORTED, "naniwa": OSAKA, "furui": STALE}


def write_records(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for record_id, text in RECORDS.items():
        (folder / f"{record_id}.yaml").write_text(text, encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


class Edit:
    """The exported workbook opened in openpyxl, edited cell by cell as a person would, by id and header."""

    def __init__(self, path):
        self.path = path
        self.book = load_workbook(path)
        self.sheet = self.book["対象"]
        self.header = {cell.value: cell.column for cell in self.sheet[1]}
        self.rows = {self.sheet.cell(row=r, column=1).value: r for r in range(2, self.sheet.max_row + 1)}

    def cell(self, record_id: str, header: str):
        return self.sheet.cell(row=self.rows[record_id], column=self.header[header])

    def set(self, record_id: str, header: str, value) -> str:
        """Type `value` into the cell; return its coordinate (F12)."""
        cell = self.cell(record_id, header)
        cell.value = value
        return cell.coordinate

    def save(self, path=None):
        self.book.save(path or self.path)
        return path or self.path
