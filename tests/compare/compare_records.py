"""Facility records for the comparison tests, written as an operator would write them.

Four facilities in 東京都 whose figures make every best-value rule visible:

| id      | 定着率  | 就職人数 | 定員 | 平均利用期間 | 徒歩 |
|---------|---------|----------|------|--------------|------|
| alpha   | 92%     | 10〜14名 | 20   | 6〜12ヶ月    | 3分  |
| bravo   | 90%以上 | 15名以上 | 20   | 12〜18ヶ月   | 30秒 |
| charlie | 非公開  | 5名未満  | 10   | 6ヶ月以上    | —    |
| delta   | 90%超   | 3名      | 12   | 6〜9ヶ月     | 10分 |

The three published 定着率 all count 6 months after starting work (their
`basis`, written three ways), so they can be compared and one is marked.

plus echo (神奈川県, for the limit), and the hostile record of the records tests.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from sitebuild import FIXTURES

HOSTILE_RECORD = FIXTURES / "records" / "hostile" / "hostile.yaml"
HOSTILE_NAME = "<script>window.__pwned=1</script>カレント"

RECORDS = {
    "alpha": """\
        name: アルファ就労支援
        name_kana: あるふぁ
        prefecture: 東京都
        city: 新宿区
        address: 西新宿1-1-1
        access:
          - line: JR山手線
            station: 新宿駅
            walk_minutes: 3
          - station: 新宿三丁目
            walk_minutes: 7
        services: [就労移行支援, 就労定着支援]
        capacity: 20
        retention_rate:
          value: 92%
          period: 2024年度
          basis: 6ヶ月
          source: 事業所発表
        hires_last_year: 10~14名
        average_stay: 6~12ヶ月
        disabilities: [精神, 知的]
        features: [少人数制]
        phone: 03-1111-2222
        email: alpha@example.jp
        inquiry_url: https://example.jp/alpha/contact/
        hours: {weekdays: 9:00〜17:00, saturday: 9:00〜12:00, closed: 日曜・祝日}
        visit: {tour: yes, trial: yes, online: no, note: 見学は予約制です}
        conditions: {remote: yes, lunch: yes, transport: no, pickup: no}
        vacancy: {status: あり, as_of: 2026-11-20}
        updated: 2026-10-01
    """,
    "bravo": """\
        name: ブラボーワークス
        name_kana: ぶらぼー
        prefecture: 東京都
        city: 渋谷区
        access:
          - station: 渋谷
            walk_minutes: 0.5
        services: [就労移行支援]
        capacity: 20
        retention_rate: {value: 90%以上, basis: 6か月}
        hires_last_year: 15名以上
        average_stay: 12~18ヶ月
        disabilities: [精神, 知的, 発達, 身体, 難病]
        phone: 03-3333-4444
        vacancy: {status: なし, as_of: 2026-08-01}  # stale on the tests' day, 2026-11-27
        updated: 2026-09-15
    """,
    "charlie": """\
        name: チャーリー・キャリア
        name_kana: ちゃーりー
        prefecture: 東京都
        city: 中野区
        services: [就労移行支援, 就労定着支援, 自立訓練(生活訓練)]
        capacity: 10
        retention_rate: 非公開
        hires_last_year: 5名未満
        average_stay: 6ヶ月以上
        disabilities: [発達]
        features: [在宅訓練可, IT訓練]
        updated: 2026-11-01
    """,
    "delta": """\
        name: デルタ就労センター
        name_kana: でるた
        prefecture: 東京都
        city: 新宿区
        access:
          - station: 新宿御苑前
            walk_minutes: 10
        services: [就労移行支援, 就労定着支援]
        capacity: 12
        retention_rate: {value: 90%超, basis: 就職6ヶ月後, source: 自治体公表}
        hires_last_year: 3
        average_stay: 6~9ヶ月
        disabilities: [身体, 難病]
        fax: 03-5555-6666
        hours: {note: 土日は休み}
        conditions: {pickup: yes}
        updated: 2026-08-20
    """,
    "echo": """\
        name: エコー横浜
        name_kana: えこー
        prefecture: 神奈川県
        city: 横浜市中区
        access:
          - station: 関内
            walk_minutes: 5
        services: [就労移行支援, 就労定着支援]
        capacity: 8
        retention_rate: 80
        disabilities: [精神]
        updated: 2026-11-01
    """,
}

NAMES = {
    "alpha": "アルファ就労支援",
    "bravo": "ブラボーワークス",
    "charlie": "チャーリー・キャリア",
    "delta": "デルタ就労センター",
    "echo": "エコー横浜",
    "hostile": HOSTILE_NAME,
}

# What the comparison shows for each record, row by row, written out from
# the YAML above (lists as lists, one entry per line in the cell). A metric's
# definition (METRIC_NOTES) is left out here and checked on its own.
EXPECTED_CELLS = {
    "alpha": {
        "定着支援": "あり",
        "就職定着率": "92%",
        "空き状況": "あり",
        "昨年の就職人数": "10〜14名",
        "定員": "20名",
        "平均利用期間": "6〜12ヶ月",
        "対象障害": "精神・知的",
        "サービス": ["就労移行支援", "就労定着支援"],
        "最寄り駅と徒歩": ["JR山手線 新宿駅 徒歩3分", "新宿三丁目駅 徒歩7分"],
        "所在地": "東京都新宿区西新宿1-1-1",
        "連絡先": ["電話：03-1111-2222", "メール：alpha@example.jp", "問い合わせフォーム：フォームを開く（外部サイト）"],
        "利用できる時間帯": ["平日 9:00〜17:00", "土曜 9:00〜12:00", "定休日 日曜・祝日"],
        "見学・体験": ["見学 あり", "体験 あり", "オンライン見学 なし", "見学は予約制です"],
        "在宅訓練": "あり",
        "昼食の提供": "あり",
        "交通費の支援": "なし",
        "送迎": "なし",
        "特徴": ["少人数制"],
        "情報更新日": "2026年10月1日",
    },
    "bravo": {
        "定着支援": "なし",
        "就職定着率": "90%以上",
        "空き状況": "要確認",
        "昨年の就職人数": "15名以上",
        "定員": "20名",
        "平均利用期間": "12〜18ヶ月",
        "対象障害": "精神・知的・発達・身体・難病",
        "サービス": ["就労移行支援"],
        "最寄り駅と徒歩": ["渋谷駅 徒歩30秒"],
        "所在地": "東京都渋谷区",
        "連絡先": ["電話：03-3333-4444"],
        "利用できる時間帯": "登録なし",
        "見学・体験": ["見学 不明", "体験 不明", "オンライン見学 不明"],
        "在宅訓練": "不明",
        "昼食の提供": "不明",
        "交通費の支援": "不明",
        "送迎": "不明",
        "特徴": "登録なし",
        "情報更新日": "2026年9月15日",
    },
    "charlie": {
        "定着支援": "あり",
        "就職定着率": "非公開",
        "空き状況": "登録なし",
        "昨年の就職人数": "5名未満",
        "定員": "10名",
        "平均利用期間": "6ヶ月以上",
        "対象障害": "発達",
        "サービス": ["就労移行支援", "就労定着支援", "自立訓練(生活訓練)"],
        "最寄り駅と徒歩": "情報なし",
        "所在地": "東京都中野区",
        "連絡先": "登録なし",
        "利用できる時間帯": "登録なし",
        "見学・体験": ["見学 不明", "体験 不明", "オンライン見学 不明"],
        "在宅訓練": "不明",
        "昼食の提供": "不明",
        "交通費の支援": "不明",
        "送迎": "不明",
        "特徴": ["在宅訓練可", "IT訓練"],
        "情報更新日": "2026年11月1日",
    },
    "delta": {
        "定着支援": "あり",
        "就職定着率": "90%超",
        "空き状況": "登録なし",
        "昨年の就職人数": "3名",
        "定員": "12名",
        "平均利用期間": "6〜9ヶ月",
        "対象障害": "身体・難病",
        "サービス": ["就労移行支援", "就労定着支援"],
        "最寄り駅と徒歩": ["新宿御苑前駅 徒歩10分"],
        "所在地": "東京都新宿区",
        "連絡先": ["FAX：03-5555-6666"],
        "利用できる時間帯": ["備考 土日は休み"],
        "見学・体験": ["見学 不明", "体験 不明", "オンライン見学 不明"],
        "在宅訓練": "不明",
        "昼食の提供": "不明",
        "交通費の支援": "不明",
        "送迎": "あり",
        "特徴": "登録なし",
        "情報更新日": "2026年8月20日",
    },
}

# The definitions shown under the values (data-metric-note), by facility and row.
METRIC_NOTES = {
    "alpha": {"就職定着率": "2024年度・就職6ヶ月後・事業所発表"},
    "bravo": {"就職定着率": "就職6ヶ月後"},
    "delta": {"就職定着率": "就職6ヶ月後・自治体公表"},
}

# Best values among alpha, bravo, charlie, delta, and the mark each shows.
# 定着率: 92% beats 90%超, which beats 90%以上 (compared by lower bound).
# 就職人数: 15名以上 guarantees 15; 5名未満 guarantees nothing, so it is never best.
# 定員: 20 and 20 tie, both marked.  利用期間: 6〜9ヶ月 (upper bound 9) beats 12;
# 6ヶ月以上 guarantees no upper bound.  徒歩: 30秒.  定着支援 etc.: not ranked.
EXPECTED_BEST = {
    "就職定着率": ({"alpha"}, "★最高"),
    "最寄り駅と徒歩": ({"bravo"}, "★最短"),
}


def write_records(folder: Path, with_hostile: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for record_id, text in RECORDS.items():
        (folder / f"{record_id}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    if with_hostile:
        (folder / "hostile.yaml").write_text(HOSTILE_RECORD.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def empty_content(root: Path) -> Path:
    content = root / "content"
    (content / "articles").mkdir(parents=True, exist_ok=True)
    return content
