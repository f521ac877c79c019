"""hours, visit and conditions in the sheet: one column per key, round trip to the site, errors by cell."""

from __future__ import annotations

import pytest
import yaml
from facility_site.records.reader import display_path
from facility_site.sheet.apply import SheetImportError, run_import
from facility_site.sheet.export import export
from sheet_records import Edit, snapshot
from sitebuild import build_site, page

# Written by hand the way README shows it: unquoted 9:00 and yes, which PyYAML
# alone would read as 540 and True; a flow-style visit block; comments.
BLOCKS = """\
# 時間帯は電話で確かめた。
name: テスト事業所 あおば
prefecture: 東京都
city: 中野区
services: [就労移行支援]
disabilities: [精神]
hours:
  weekdays: 9:00〜17:00   # 平日
  saturday: 9:00
  closed: 日曜・祝日
visit: {tour: yes, trial: no, note: 見学は予約制です}
conditions:
  remote: yes
  lunch: unknown
updated: 2026-11-01
"""

PLAIN = """\
name: テスト事業所 しらかば
prefecture: 東京都
city: 杉並区
services: [就労移行支援]
disabilities: [発達]
updated: 2026-11-01
"""


@pytest.fixture
def folder(tmp_path):
    records = tmp_path / "facilities"
    records.mkdir()
    (records / "aoba.yaml").write_text(BLOCKS, encoding="utf-8")
    (records / "shirakaba.yaml").write_text(PLAIN, encoding="utf-8")
    return records


def test_export_shows_the_blocks_as_written(folder, tmp_path):
    sheet = tmp_path / "blocks.xlsx"
    export(folder, sheet)
    edit = Edit(sheet)
    shown = {
        header: edit.cell("aoba", header).value
        for header in (
            "営業時間（平日）",
            "営業時間（土曜）",
            "営業時間（日曜）",
            "定休日",
            "見学",
            "体験",
            "オンライン見学",
            "見学の補足",
            "在宅訓練",
            "昼食の提供",
            "送迎",
        )
    }
    assert shown == {
        "営業時間（平日）": "9:00〜17:00",
        "営業時間（土曜）": "9:00",  # not YAML 1.1's 540
        "営業時間（日曜）": None,
        "定休日": "日曜・祝日",
        "見学": "あり",  # not True
        "体験": "なし",
        "オンライン見学": None,
        "見学の補足": "見学は予約制です",
        "在宅訓練": "あり",
        "昼食の提供": "不明",
        "送迎": None,
    }
    # Untouched, the sheet changes nothing.
    before = snapshot(folder)
    result = run_import(sheet, folder)
    assert result.changed == [] and snapshot(folder) == before


@pytest.fixture
def curated(folder, tmp_path):
    sheet = tmp_path / "blocks.xlsx"
    export(folder, sheet)
    edit = Edit(sheet)
    edit.set("aoba", "営業時間（日曜）", "10:00")  # YAML 1.1 would read it unquoted as 600
    edit.set("aoba", "営業時間（土曜）", "-")
    edit.set("aoba", "定休日", "yes")  # odd, but text: must stay the text 'yes'
    edit.set("aoba", "体験", "-")
    edit.set("aoba", "オンライン見学", "あり")
    edit.set("aoba", "昼食の提供", "なし")
    edit.set("aoba", "在宅訓練", "yes")  # the same answer as あり: no change
    edit.set("shirakaba", "営業時間（平日）", "9:30〜16:00")
    edit.set("shirakaba", "営業時間の備考", "年末年始は休み")
    edit.set("shirakaba", "見学", "あり")
    edit.set("shirakaba", "見学の補足", "見学は随時（要予約）")
    edit.set("shirakaba", "送迎", "○")
    edit.save()
    result = run_import(sheet, folder)
    content = tmp_path / "content"
    content.mkdir()
    site = build_site(tmp_path / "output", facilities=folder, content=content)
    return result, site


def test_changed_keys_are_written_round_trip_with_quotes_where_yaml_1_1_needs_them(curated, folder):
    result, _ = curated
    headers = {change.record.id: change.headers for change in result.changed}
    assert headers == {
        "aoba": ["営業時間（土曜）", "営業時間（日曜）", "定休日", "体験", "オンライン見学", "昼食の提供"],
        "shirakaba": ["営業時間（平日）", "営業時間の備考", "見学", "見学の補足", "送迎"],
    }
    assert (folder / "aoba.yaml").read_text(encoding="utf-8") == (
        BLOCKS.replace("  saturday: 9:00\n", "  sunday: '10:00'\n")
        .replace("  closed: 日曜・祝日\n", "  closed: 'yes'\n")
        .replace("visit: {tour: yes, trial: no, note: 見学は予約制です}", "visit: {tour: yes, online: 'yes', note: 見学は予約制です}")
        .replace("  lunch: unknown\n", "  lunch: 'no'\n")
    )
    # A new block is written in the documented key order, and reads back as text under YAML 1.1.
    shirakaba = yaml.load((folder / "shirakaba.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    assert list(shirakaba["hours"].items()) == [("weekdays", "9:30〜16:00"), ("note", "年末年始は休み")]
    assert shirakaba["visit"] == {"tour": "yes", "note": "見学は随時（要予約）"}
    assert shirakaba["conditions"] == {"pickup": "yes"}


def test_the_site_shows_the_blocks_edited_in_the_sheet(curated):
    _, site = curated
    doc = page(site, "facilities/aoba/")
    hours = {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in doc.select("[data-contact-hours] > div")}
    assert hours["平日"] == "9:00〜17:00" and hours["日曜"] == "10:00" and hours["定休日"] == "yes"
    assert "土曜" not in hours
    visit = {div.dt.get_text(strip=True): div.dd["data-answer"] for div in doc.select("[data-contact-visit] > div") if div.dd.has_attr("data-answer")}
    assert visit == {"見学": "yes", "体験": "unknown", "オンライン見学": "yes"}
    conditions = {div.dt.get_text(strip=True): div.dd["data-answer"] for div in doc.select("[data-contact-conditions] > div")}
    assert conditions["在宅訓練"] == "yes" and conditions["昼食の提供"] == "no"

    doc = page(site, "facilities/shirakaba/")
    hours = {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in doc.select("[data-contact-hours] > div")}
    assert hours["平日"] == "9:30〜16:00" and hours["備考"] == "年末年始は休み"
    visit = {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in doc.select("[data-contact-visit] > div")}
    assert visit["見学"] == "あり" and visit["補足"] == "見学は随時（要予約）"
    conditions = {div.dt.get_text(strip=True): div.dd["data-answer"] for div in doc.select("[data-contact-conditions] > div")}
    assert conditions["送迎"] == "yes"


def test_clearing_every_key_of_a_block_removes_the_block(folder, tmp_path):
    sheet = tmp_path / "blocks.xlsx"
    export(folder, sheet)
    edit = Edit(sheet)
    edit.set("aoba", "在宅訓練", "-")
    edit.set("aoba", "昼食の提供", "－")  # full-width: the same marker
    edit.save()
    run_import(sheet, folder)
    text = (folder / "aoba.yaml").read_text(encoding="utf-8")
    assert text == BLOCKS.replace("conditions:\n  remote: yes\n  lunch: unknown\n", "")


def test_bad_block_cells_are_named_and_nothing_is_written(folder, tmp_path):
    sheet = tmp_path / "blocks.xlsx"
    export(folder, sheet)
    edit = Edit(sheet)
    where = display_path(sheet) + ":対象!"
    cells = {
        "answer": edit.set("aoba", "見学", "たぶん"),
        "long": edit.set("aoba", "営業時間（平日）", "あ" * 101),
        "lines": edit.set("shirakaba", "定休日", "土曜\n日曜"),
        "note": edit.set("shirakaba", "見学の補足", "い" * 201),
    }
    edit.save()
    before = snapshot(folder)
    with pytest.raises(SheetImportError) as caught:
        run_import(sheet, folder)
    assert sorted(str(p) for p in caught.value.problems) == sorted(
        [
            f"{where}{cells['answer']}: 見学: 'たぶん': write あり、なし、不明, or - to remove it",
            f"{where}{cells['long']}: 営業時間（平日）: is 101 characters long; at most 100",
            f"{where}{cells['lines']}: 定休日: must be a single line",
            f"{where}{cells['note']}: 見学の補足: is 201 characters long; at most 200",
        ]
    )
    assert snapshot(folder) == before
