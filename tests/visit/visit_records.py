"""Facility records for the visit planner tests: one office per way of being reached.

| id     | reached by                     | hours | visit offers          | conditions           |
|--------|--------------------------------|-------|-----------------------|----------------------|
| asahi  | phone, email                   | yes   | 見学 yes, 体験 yes    | remote yes, lunch no |
| kaede  | phone only                     | no    | left out (unknown)    | left out (unknown)   |
| sakura | fax and the office's own form  | yes   | 見学 yes, online no   | transport yes        |
| hikari | nothing published              | no    | —                     | —                    |
| mori   | email (a fifth office, for the limit) | no | —                  | —                    |

plus the hostile record of the records tests, with an email address added.
All addresses and numbers are fictitious (example.jp, 03-0000-…).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from sitebuild import FIXTURES

HOSTILE_RECORD = FIXTURES / "records" / "hostile" / "hostile.yaml"
HOSTILE_NAME = "<script>window.__pwned=1</script>カレント"

RECORDS = {
    "asahi": """\
        name: あさひ就労支援センター
        prefecture: 東京都
        city: 新宿区
        address: 西新宿1-1-1
        access:
          - line: JR山手線
            station: 新宿
            walk_minutes: 5
        services: [就労移行支援, 就労定着支援]
        capacity: 20
        retention_rate: {value: 92%, period: 2024年度, basis: 6ヶ月, source: 事業所発表}
        average_stay: 6~12ヶ月
        disabilities: [精神, 発達]
        phone: 03-0000-0001
        email: info@asahi.example.jp
        hours:
          weekdays: 9:00〜17:00
          saturday: 9:00〜12:00
          closed: 日曜・祝日
        visit: {tour: yes, trial: yes, online: unknown, note: 見学は予約制です}
        conditions: {remote: yes, lunch: no, transport: unknown, pickup: no}
        updated: 2026-10-01
    """,
    "kaede": """\
        name: かえでワークス
        prefecture: 東京都
        city: 渋谷区
        services: [就労移行支援]
        capacity: 10
        disabilities: [知的]
        phone: 03-0000-0002
        updated: 2026-10-01
    """,
    "sakura": """\
        name: さくらキャリア
        prefecture: 東京都
        city: 中野区
        services: [就労移行支援, 就労定着支援]
        capacity: 15
        disabilities: [身体, 難病]
        fax: 03-0000-0003
        inquiry_url: https://sakura.example.jp/contact/
        hours:
          weekdays: 10:00〜16:00
        visit: {tour: yes, online: no}
        conditions: {transport: yes}
        updated: 2026-10-01
    """,
    "hikari": """\
        name: ひかり就労ステーション
        prefecture: 東京都
        city: 豊島区
        services: [就労移行支援]
        disabilities: [精神]
        updated: 2026-10-01
    """,
    "mori": """\
        name: もりのキャリア
        prefecture: 神奈川県
        city: 横浜市中区
        services: [就労移行支援]
        capacity: 8
        disabilities: [精神]
        email: hello@mori.example.jp
        updated: 2026-10-01
    """,
}

NAMES = {
    "asahi": "あさひ就労支援センター",
    "kaede": "かえでワークス",
    "sakura": "さくらキャリア",
    "hikari": "ひかり就労ステーション",
    "mori": "もりのキャリア",
    "hostile": HOSTILE_NAME,
}


def write_records(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for record_id, text in RECORDS.items():
        (folder / f"{record_id}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    hostile = HOSTILE_RECORD.read_text(encoding="utf-8") + "email: x@hostile.example.jp\n"
    (folder / "hostile.yaml").write_text(hostile, encoding="utf-8")
    return folder


def empty_content(root: Path) -> Path:
    content = root / "content"
    (content / "articles").mkdir(parents=True, exist_ok=True)
    return content
