"""Generated photos for the synthetic set and the tests: rooms drawn by Pillow, never real offices.

    python tools/synth_photos.py --records /tmp/synth --count 50 [--per 3] [--seed 1]

adds `per` photos to each of the first `count` records in the folder (written
to <records>/photos/ and listed under `photos:` with alt text). The same seed
gives the same pixels. `make_photo()` is what the tests use; with `gps=True`
the JPEG carries EXIF with a GPS position, as a phone's photo would.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ALTS = ("訓練室の様子（生成した見本画像）", "休憩スペース（生成した見本画像）", "面談室（生成した見本画像）")


def make_photo(path: Path, width: int = 1600, height: int = 1067, seed: int = 1, gps: bool = False, quality: int = 88) -> Path:
    """A photo-like JPEG: a lit wall, a window, desks, clutter and sensor noise.

    Tuned so WebP variants weigh what a phone photo's do (about 15, 30 and
    55 KB at 320, 640 and 960 px wide), which the page-weight budget needs.
    """
    rng = random.Random(seed)
    wall = Image.new("RGB", (width, height), tuple(rng.randint(170, 225) for _ in range(3)))
    light = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.blend(light, wall, 0.6)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, int(height * 0.62), width, height], fill=(120, 95, 70))  # the floor
    wx = rng.randint(width // 10, width // 2)
    draw.rectangle([wx, height // 8, wx + width // 3, height // 2], fill=(225, 238, 250), outline=(90, 90, 90), width=max(2, width // 200))
    for _ in range(width * 3 // 4):  # desks, chairs, posters, books
        x, y = rng.randint(0, width), rng.randint(0, height)
        size = rng.randint(4, max(5, width // 12))
        colour = tuple(rng.randint(0, 255) for _ in range(3))
        if rng.random() < 0.5:
            draw.rectangle([x, y, x + size, y + rng.randint(4, size)], fill=colour)
        else:
            draw.ellipse([x, y, x + size, y + size], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    image = Image.blend(image, Image.effect_noise((width, height), 60).convert("RGB"), 0.12)
    exif = Image.Exif()
    exif[0x010F] = "SynthCam"  # Make
    exif[0x0132] = "2026:11:01 10:00:00"  # DateTime
    if gps:
        # GPSInfo: 35°41'N 139°42'E, the kind of position a phone writes.
        exif[0x8825] = {1: "N", 2: (35.0, 41.0, 0.0), 3: "E", 4: (139.0, 42.0, 0.0)}
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=quality, exif=exif.tobytes())
    return path


def add_photos(records: Path, count: int, per: int, seed: int) -> int:
    """Give the first `count` records (by file name) `per` generated photos each; return how many records changed."""
    changed = 0
    for n, record in enumerate(sorted(records.glob("*.yaml"))[:count]):
        text = record.read_text(encoding="utf-8")
        if "\nphotos:" in text:
            continue
        lines = ["photos:"]
        for k in range(per):
            name = f"photos/{record.stem}-{k + 1}.jpg"
            make_photo(records / name, seed=seed * 100_000 + n * 10 + k)
            lines.append(f"  - {{file: {name}, alt: {ALTS[k % len(ALTS)]}}}")
        record.write_text(text.rstrip("\n") + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        changed += 1
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=Path, required=True)
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--per", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    changed = add_photos(args.records, args.count, args.per, args.seed)
    print(f"synth_photos: added {args.per} photos to {changed} records in {args.records}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
