"""Records with an operator (運営法人) for the page, browser and search tests."""

from __future__ import annotations

from pathlib import Path

from sitebuild import build_site

# 1011101012345 has a valid check digit (see records/reader.py corporate_number_problem).
CURRENT = "operator: {name: 株式会社カレント, name_kana: カブシキガイシャカレント, number: '1011101012345', url: 'https://current-corp.example.jp/'}\n"
# The same 法人番号 with the name written another way: still the same operator.
CURRENT_SPACED = "operator: {name: 株式会社 カレント, number: '1011101012345'}\n"
# No number: grouped by name.
MIDORI = "operator:\n  name: 社会福祉法人みどり会\n"
BIG = "operator:\n  name: 社会福祉法人おおきな会\n  number: '9120001098765'\n"
HOSTILE = "operator:\n  name: '<script>alert(1)</script>法人'\n"


def record(name: str, prefecture: str, city: str, operator: str = "") -> str:
    return f"name: {name}\nprefecture: {prefecture}\ncity: {city}\nservices: [就労移行支援]\ndisabilities: [精神]\n{operator}updated: 2026-11-01\n"


RECORDS = {
    "current-shinjuku": record("カレント新宿", "東京都", "新宿区", CURRENT),
    "current-osaka": record("カレント梅田", "大阪府", "大阪市北区", CURRENT),
    "current-shibuya": record("カレント渋谷", "東京都", "渋谷区", CURRENT_SPACED),
    "midori-1": record("みどり第一", "神奈川県", "横浜市中区", MIDORI),
    "midori-2": record("みどり第二", "神奈川県", "川崎市川崎区", MIDORI),
    "alone": record("ひとり法人の事業所", "東京都", "中野区", "operator: {name: 株式会社ひとり}\n"),
    "plain": record("法人未登録の事業所", "東京都", "中野区"),
    "hostile": record("あやしい法人の事業所", "東京都", "北区", HOSTILE),
    **{f"big-{n:02}": record(f"おおきな{n:02}", "東京都" if n < 3 else "埼玉県", "中野区" if n < 3 else "さいたま市大宮区", BIG) for n in range(13)},
}


def write_operator_records(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for record_id, text in RECORDS.items():
        (folder / f"{record_id}.yaml").write_text(text, encoding="utf-8")
    return folder


def build_operator_site(root: Path) -> Path:
    """A site built from these records (and no articles) under `root`; returns its output folder."""
    folder = write_operator_records(root / "facilities")
    content = root / "content"
    content.mkdir()
    return build_site(root / "output", folder, content)
