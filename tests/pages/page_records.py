"""Facility records for the page tests, written as YAML an operator would write.

FULL_RECORD fills every field the record format has; MINIMAL_RECORD has
only the required ones and no 就労定着支援, so every optional part of a page
is seen both present and absent.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sitebuild import FIXTURES, ROOT, SAMPLE_CONTENT, SAMPLE_FACILITIES

PAGES_CONTENT = FIXTURES / "content" / "pages_site"

FULL_RECORD = """\
name: フルレコード就労支援センター
name_kana: ふるれこーどしゅうろうしえんせんたー
prefecture: 東京都
city: 新宿区
address: 西新宿2-8-1 テストビル3階
access:
  - line: JR山手線
    station: 新宿駅
    walk_minutes: 5
  - station: 都庁前
    walk_minutes: 0.5
services: [就労移行支援, 就労定着支援, 自立訓練(生活訓練)]
capacity: 20
retention_rate: 92.5
hires_last_year: 10~14名
average_stay: {min: 6, max: 12}
disabilities: [精神, 発達]
catchphrase: 全項目を埋めたテスト用の事業所
description: |
  ## 一日の流れ

  - 午前は**ビジネスマナー**の訓練
  - 午後は[個別面談](https://example.jp/interview)

  見学はいつでも受け付けています。
features: [少人数制, 在宅訓練可]
url: https://example.jp/full-record/
phone: "03-1234-5678"
office_number: "1310400123"
email: info@example.jp
fax: 03-1234-5679
inquiry_url: https://example.jp/full-record/contact/
hours:
  weekdays: 9:00〜17:00
  saturday: 9:00〜12:00
  sunday: ""
  closed: 日曜・祝日
  note: 年末年始は休み
visit: {tour: yes, trial: yes, online: unknown, note: 見学は予約制です}
conditions: {remote: yes, lunch: no, transport: unknown, pickup: no}
updated: 2026-10-01
"""

MINIMAL_RECORD = """\
name: ミニマル事業所
prefecture: 東京都
city: 港区
services: [就労移行支援]
capacity: 8
disabilities: [身体]
updated: 2026-09-15
"""

OSAKA_RECORD = """\
name: 大阪テスト事業所
name_kana: おおさかてすとじぎょうしょ
prefecture: 大阪府
city: 大阪市北区
access:
  - line: 大阪メトロ御堂筋線
    station: 梅田
    walk_minutes: 4
services: [就労移行支援, 就労定着支援]
capacity: 15
retention_rate: 80%以上
disabilities: [精神]
updated: 2026-08-20
"""


def write_records(folder: Path, records: dict[str, str]) -> Path:
    """Write `{id: yaml_text}` as folder/<id>.yaml and return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for record_id, text in records.items():
        (folder / f"{record_id}.yaml").write_text(text, encoding="utf-8")
    return folder


def no_articles(root: Path) -> Path:
    """An empty content folder, for sites built from records alone."""
    folder = root / "content"
    folder.mkdir(exist_ok=True)
    return folder


def numbered_records(count: int, cities: list[tuple[str, int]], prefecture: str = "東京都") -> dict[str, str]:
    """`count` small records spread over `cities` [(city, how many)], named in reading order."""
    assert sum(n for _, n in cities) == count
    records = {}
    number = 0
    for city, how_many in cities:
        for _ in range(how_many):
            number += 1
            records[f"office-{number:03d}"] = (
                f"name: 事業所{number:03d}\n"
                f"name_kana: じぎょうしょ{number:03d}\n"
                f"prefecture: {prefecture}\n"
                f"city: {city}\n"
                "services: [就労移行支援, 就労定着支援]\n"
                "capacity: 10\n"
                "disabilities: [精神]\n"
                "updated: 2026-11-01\n"
            )
    return records


def build_in_process(
    output: Path,
    facilities: Path = SAMPLE_FACILITIES,
    content: Path = SAMPLE_CONTENT,
    settings: str = "pelicanconf.py",
    **env: str,
) -> None:
    """Build as `make html` does: `python -m facility_site.build` in a process of its own."""
    environment = dict(os.environ, FACILITIES=str(facilities), CONTENT=str(content), PYTHONPATH=str(ROOT / "plugins"), **env)
    result = subprocess.run(
        [sys.executable, "-m", "facility_site.build", "-s", str(ROOT / settings), "-o", str(output)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
