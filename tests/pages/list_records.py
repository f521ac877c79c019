"""Records for the list tests: offices of every kind in 神奈川県, in cities whose
character order differs from their municipality-code order.

| id               | city          | code  | services            | 就職定着率 | what it shows                          |
|------------------|---------------|-------|---------------------|-----------|----------------------------------------|
| yamato-a         | 大和市        | 14213 | A型                 | 非公開     | no badge, no 就職定着率                  |
| odawara-b        | 小田原市      | 14206 | B型, 生活訓練        | 60%       | no badge, its published 就職定着率       |
| kawasaki-range   | 川崎市        | 14130 | 移行, 定着           | 70〜80%   | ranks below 72.5% (guarantees 70)       |
| naka-transition  | 横浜市中区    | 14104 | 移行                | 72.5%     | 定着支援なし                             |
| midori-retention | 横浜市緑区    | 14113 | 定着                | 90%以上   | 定着支援あり                             |
| sagami-all       | 相模原市緑区  | 14151 | 移行, 定着, 機能訓練 | 未掲載     | 定着支援あり, 就職定着率 未掲載            |
| mirai-unknown    | みらい市      | —     | 移行                | 50%       | a city the code table does not know: last |

and one office in 東京都 (tokyo-b, B型 only) so national lists span two prefectures.
Every Kanagawa office but yamato-a accepts 発達.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

RECORDS = {
    "yamato-a": ("ヤマト工房", "やまと", "大和市", "[就労継続支援A型]", None, "[精神, 知的]"),
    "odawara-b": ("おだわらワーク", "おだわら", "小田原市", "[就労継続支援B型, 自立訓練(生活訓練)]", "60%", "[知的, 発達]"),
    "kawasaki-range": ("かわさき就労センター", "かわさき", "川崎市", "[就労移行支援, 就労定着支援]", "70~80%", "[精神, 発達]"),
    "naka-transition": ("なか移行支援室", "なか", "横浜市中区", "[就労移行支援]", "72.5%", "[発達]"),
    "midori-retention": ("みどり定着サポート", "みどり", "横浜市緑区", "[就労定着支援]", "90%以上", "[精神, 発達]"),
    "sagami-all": ("さがみキャリア", "さがみ", "相模原市緑区", "[就労移行支援, 就労定着支援, 自立訓練(機能訓練)]", None, "[発達, 身体]"),
    "mirai-unknown": ("みらい就労", "みらい", "みらい市", "[就労移行支援]", "50%", "[発達]"),
}
TOKYO = ("tokyo-b", "とうきょう工房", "とうきょう", "新宿区", "[就労継続支援B型]", None, "[発達]")

NAMES = {record_id: row[0] for record_id, row in RECORDS.items()} | {TOKYO[0]: TOKYO[1]}
TAGS = {
    "yamato-a": ["A型"],
    "odawara-b": ["B型", "生活訓練"],
    "kawasaki-range": ["移行", "定着"],
    "naka-transition": ["移行"],
    "midori-retention": ["定着"],
    "sagami-all": ["移行", "定着", "機能訓練"],
    "mirai-unknown": ["移行"],
    "tokyo-b": ["B型"],
}
# 定着支援あり／なし, or None where the card has no badge.
BADGES = {
    "yamato-a": None,
    "odawara-b": None,
    "kawasaki-range": "定着支援あり",
    "naka-transition": "定着支援なし",
    "midori-retention": "定着支援あり",
    "sagami-all": "定着支援あり",
    "mirai-unknown": "定着支援なし",
    "tokyo-b": None,
}
# 就職定着率 as the card shows it, or None where the card leaves it out.
RETENTION = {
    "yamato-a": None,
    "odawara-b": "60%",
    "kawasaki-range": "70〜80%",
    "naka-transition": "72.5%",
    "midori-retention": "90%以上",
    "sagami-all": "未掲載",
    "mirai-unknown": "50%",
    "tokyo-b": None,
}
# 神奈川県's cities in municipality-code order; the unknown name last.
CITY_ORDER = ["横浜市中区", "横浜市緑区", "川崎市", "相模原市緑区", "小田原市", "大和市", "みらい市"]
DEVELOPMENTAL_CITY_ORDER = [c for c in CITY_ORDER if c != "大和市"]


def _record(name, kana, prefecture, city, services, retention, disabilities) -> str:
    lines = [
        f"name: {name}",
        f"name_kana: {kana}",
        f"prefecture: {prefecture}",
        f"city: {city}",
        f"services: {services}",
        "capacity: 20",
        f"disabilities: {disabilities}",
        "updated: 2026-11-01",
    ]
    if retention:
        lines.append(f"retention_rate: {retention}")
    return "\n".join(lines) + "\n"


def write_records(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for record_id, row in RECORDS.items():
        (folder / f"{record_id}.yaml").write_text(_record(row[0], row[1], "神奈川県", *row[2:]), encoding="utf-8")
    record_id, *row = TOKYO
    (folder / f"{record_id}.yaml").write_text(_record(row[0], row[1], "東京都", *row[2:]), encoding="utf-8")
    return folder


def write_content(root: Path) -> Path:
    """An article that embeds two cards: an A型-only office and a 移行 office."""
    content = root / "content"
    (content / "articles").mkdir(parents=True, exist_ok=True)
    article = """\
        Title: 事業所の例
        Slug: examples
        Date: 2026-11-20

        二つの事業所の例です。

        {% facility yamato-a %}

        {% facility naka-transition %}
    """
    (content / "articles" / "examples.md").write_text(textwrap.dedent(article), encoding="utf-8")
    return content
