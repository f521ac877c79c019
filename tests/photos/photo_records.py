"""Scenario records with generated photos (tools/synth_photos.py), never pictures of real offices."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sitebuild import ROOT

_spec = importlib.util.spec_from_file_location("synth_photos", ROOT / "tools" / "synth_photos.py")
synth_photos = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synth_photos)
make_photo = synth_photos.make_photo

BASE = """\
name: 写真のある事業所
name_kana: しゃしんのあるじぎょうしょ
prefecture: 東京都
city: 新宿区
access:
  - station: 新宿
    walk_minutes: 5
services: [就労移行支援, 就労定着支援]
capacity: 20
retention_rate: {value: 90%以上, period: 2024年度, basis: 6ヶ月, source: 事業所発表}
hires_last_year: 10~14名
average_stay: 6~12ヶ月
disabilities: [精神, 発達]
vacancy: {status: あり, as_of: 2026-11-20, note: 午前の部に空きがあります}
updated: 2026-11-01
"""

GALLERY = """\
photos:
  - file: photos/room.jpg
    alt: 訓練室の様子
  - file: photos/rest.jpg
    alt: 休憩スペース
  - {file: photos/desk.png, alt: 面談室の机}
"""


def write_gallery_records(folder: Path, seed: int = 1) -> Path:
    """`gallery` with three photos (one with GPS in its EXIF, one PNG), `plain` without any."""
    folder.mkdir(parents=True, exist_ok=True)
    make_photo(folder / "photos" / "room.jpg", 1600, 1067, seed=seed, gps=True)
    make_photo(folder / "photos" / "rest.jpg", 1200, 900, seed=seed + 1)
    desk = make_photo(folder / "photos" / "desk.jpg", 800, 600, seed=seed + 2)
    from PIL import Image

    with Image.open(desk) as image:
        image.save(folder / "photos" / "desk.png")
    desk.unlink()
    (folder / "gallery.yaml").write_text(BASE + GALLERY, encoding="utf-8")
    (folder / "plain.yaml").write_text(BASE.replace("写真のある事業所", "写真のない事業所").replace("しゃしんのある", "しゃしんのない"), encoding="utf-8")
    return folder


def empty_content(root: Path) -> Path:
    content = root / "content"
    (content / "articles").mkdir(parents=True, exist_ok=True)
    return content
