"""Photos → responsive WebP variants with hashed names, cached by content so unchanged photos are not re-encoded.

Each source photo becomes WebP at up to three widths (WIDTHS, never wider
than the original). A variant's name is `<key>-<width>.webp`, where the key
hashes the source bytes and the encoder settings: the same photo always gives
the same names and bytes, so the files can be cached forever, and a changed
photo (or a changed setting) gets new names.

Encoded files are kept in a cache folder (Pelican's CACHE_PATH) under their
own names; the next build finds them there and copies them instead of
decoding and encoding again. A cached file is exactly what a clean build
writes (the encoder is deterministic), which tests/photos checks.

Privacy: the variants are built from the pixels alone — after turning the
image upright by its EXIF orientation — so no EXIF (GPS position, camera,
time), XMP or comment of the original reaches the site.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import PIL
from PIL import Image, ImageOps

from .check import PhotoError

logger = logging.getLogger(__name__)

WIDTHS = (320, 640, 960)
QUALITY = 72
METHOD = 4
# Part of every key: changing how variants are made renames them all. Pillow's version is in it because
# another libwebp may encode the same photo to other bytes, and a cached variant must equal a fresh one.
ENCODER = f"webp-q{QUALITY}-m{METHOD}-w{'.'.join(map(str, WIDTHS))}-pil{PIL.__version__}-v1"
OUTPUT_DIR = "photos"


@dataclass(frozen=True)
class Variant:
    name: str  # file name under photos/
    width: int
    height: int
    bytes: int

    @property
    def url(self) -> str:
        return f"{OUTPUT_DIR}/{self.name}"


@dataclass(frozen=True)
class Photo:
    """One photo as pages show it: its alt text and its variants, narrowest first."""

    alt: str
    variants: tuple[Variant, ...]

    @property
    def width(self) -> int:
        return self.variants[-1].width

    @property
    def height(self) -> int:
        return self.variants[-1].height

    @property
    def smallest(self) -> Variant:
        return self.variants[0]

    def src(self, site_url: str) -> str:
        """The middle variant: what a browser without srcset support gets."""
        return f"{site_url}/{self.variants[min(1, len(self.variants) - 1)].url}"

    def srcset(self, site_url: str, limit: int | None = None) -> str:
        chosen = [v for v in self.variants if limit is None or v.width <= limit] or [self.smallest]
        return ", ".join(f"{site_url}/{v.url} {v.width}w" for v in chosen)


@dataclass
class EncodeStats:
    encoded: int = 0  # variants made by decoding and encoding
    reused: int = 0  # variants copied from the cache


def photo_key(data: bytes) -> str:
    return hashlib.sha256(ENCODER.encode() + b"\0" + data).hexdigest()[:20]


def target_widths(width: int) -> tuple[int, ...]:
    """The variant widths for an original `width` pixels wide: WIDTHS below it, or the original width alone."""
    return tuple(w for w in WIDTHS if w < width) + ((width,) if width <= WIDTHS[-1] else ()) or (width,)


def _variant_size(width: int, height: int, target: int) -> tuple[int, int]:
    return target, max(1, round(height * target / width))


def prepare_photo(source: Path, alt: str, cache: Path, stats: EncodeStats) -> Photo:
    """The photo's variants, from the cache when there, else encoded now (and cached)."""
    data = source.read_bytes()
    key = photo_key(data)
    manifest = cache / f"{key}.txt"
    if manifest.is_file():
        variants = _read_manifest(manifest, cache)
        if variants is not None:
            stats.reused += len(variants)
            return Photo(alt, variants)
    variants = _encode(data, key, cache, source)
    stats.encoded += len(variants)
    _write_atomic(manifest, "".join(f"{v.name} {v.width} {v.height} {v.bytes}\n" for v in variants).encode())
    return Photo(alt, variants)


def _read_manifest(manifest: Path, cache: Path) -> tuple[Variant, ...] | None:
    """The cached variants, or None when the cache is incomplete (then they are made again)."""
    variants = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        name, width, height, size = line.split()
        path = cache / name
        if not path.is_file() or path.stat().st_size != int(size):
            return None
        variants.append(Variant(name, int(width), int(height), int(size)))
    return tuple(variants) or None


def _encode(data: bytes, key: str, cache: Path, source: Path) -> tuple[Variant, ...]:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            upright = ImageOps.exif_transpose(opened)  # applies and drops the orientation tag
            mode = "RGBA" if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info else "RGB"
            pixels = upright.convert(mode)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PhotoError(f"cannot decode the image ({exc})") from None
    # A fresh image from the pixels alone: no EXIF, XMP, ICC or comment survives.
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    variants = []
    for target in target_widths(clean.width):
        size = _variant_size(clean.width, clean.height, target)
        resized = clean if size == clean.size else clean.resize(size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        resized.save(buffer, "WEBP", quality=QUALITY, method=METHOD, exact=False)
        name = f"{key}-{target}.webp"
        _write_atomic(cache / name, buffer.getvalue())
        variants.append(Variant(name, size[0], size[1], len(buffer.getvalue())))
    logger.debug("facility_site: photos: encoded %s (%d variants)", source, len(variants))
    return tuple(variants)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
