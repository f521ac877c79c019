"""The sheet with issue 18's fields: a metric's cell edits its `value` (the definition stays); vacancy and photos survive."""

from __future__ import annotations

import yaml
from facility_site.sheet.apply import run_import
from facility_site.sheet.export import export
from sheet_records import Edit
from sitebuild import build_site, page

DEFINED = """\
name: テスト事業所 さだめ
prefecture: 東京都
city: 新宿区
services: [就労移行支援, 就労定着支援]
retention_rate:
  value: 90%以上
  period: 2024年度
  basis: 6ヶ月
  source: 事業所発表
hires_last_year: {value: {min: 10, max: 14}, source: 自治体公表}
disabilities: [精神]
vacancy: {status: あり, as_of: 2026-11-01}
photos:
  - file: photos/room.png
    alt: 訓練室
updated: 2026-11-01
"""


def write_defined(folder):
    from PIL import Image

    (folder / "photos").mkdir(parents=True)
    Image.new("RGB", (200, 150), (120, 140, 160)).save(folder / "photos" / "room.png")
    (folder / "sadame.yaml").write_text(DEFINED, encoding="utf-8")


def test_export_shows_the_value_and_an_edit_keeps_the_definition(tmp_path):
    folder = tmp_path / "facilities"
    write_defined(folder)
    sheet = tmp_path / "tokyo.xlsx"
    export(folder, sheet)
    edit = Edit(sheet)
    assert edit.cell("sadame", "就職定着率").value == "90%以上"
    assert edit.cell("sadame", "昨年の就職人数").value == "10~14"
    edit.set("sadame", "就職定着率", "95%以上")
    edit.save()
    result = run_import(sheet, folder)
    assert result.written == 1 and result.changed[0].headers == ["就職定着率"]
    data = yaml.safe_load((folder / "sadame.yaml").read_text(encoding="utf-8"))
    assert data["retention_rate"] == {"value": "95%以上", "period": "2024年度", "basis": "6ヶ月", "source": "事業所発表"}
    assert data["hires_last_year"] == {"value": {"min": 10, "max": 14}, "source": "自治体公表"}
    assert data["photos"] == [{"file": "photos/room.png", "alt": "訓練室"}] and data["vacancy"]["status"] == "あり"
    content = tmp_path / "content"
    content.mkdir()
    site = build_site(tmp_path / "output", facilities=folder, content=content, pelican_settings={"CACHE_PATH": str(tmp_path / "cache")})
    (dd,) = [div.dd for div in page(site, "facilities/sadame/").select("dl.metrics > div") if div.dt.get_text(strip=True) == "就職定着率"]
    assert dd.get_text() == "95%以上2024年度・就職6ヶ月後・事業所発表"


def test_an_untouched_export_imports_as_unchanged(tmp_path):
    folder = tmp_path / "facilities"
    write_defined(folder)
    sheet = tmp_path / "all.csv"
    export(folder, sheet)
    result = run_import(sheet, folder)
    assert result.written == 0 and result.unchanged == 1
    assert (folder / "sadame.yaml").read_text(encoding="utf-8") == DEFINED
