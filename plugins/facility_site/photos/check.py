"""Check a record's photo file before anything is decoded: an image we read, of a sane size.

Only the header is read (Pillow opens lazily), so a decompression bomb — a
small file that would decode to billions of pixels — is refused by its
declared size before a single pixel is decoded.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

# Formats a camera or a phone writes; anything else (GIF, TIFF, PSD, SVG …) is refused.
FORMATS = ("JPEG", "PNG", "WEBP")
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_SIDE = 10_000  # pixels on either side
MAX_PIXELS = 40_000_000  # a 40-megapixel camera; more is refused before decoding
MIN_SIDE = 64


class PhotoError(ValueError):
    """The file is not a photo the build can use; the message says why, for `file:line: field: problem`."""


@dataclass(frozen=True)
class PhotoInfo:
    format: str
    width: int
    height: int


def probe(path: Path) -> PhotoInfo:
    """The photo's format and size from its header; raise PhotoError when it cannot be used."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PhotoError(f"cannot read the file: {exc.strerror or exc}") from None
    if size > MAX_FILE_BYTES:
        raise PhotoError(f"the file is {size / 1024 / 1024:.0f} MB; at most {MAX_FILE_BYTES // 1024 // 1024} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                info = PhotoInfo(image.format or "", *image.size)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(f"the image declares more than {MAX_PIXELS:,} pixels (a decompression bomb, or far too large); resize it") from None
    except UnidentifiedImageError:
        raise PhotoError("not an image Pillow can read; use a JPEG, PNG or WebP photo") from None
    except OSError as exc:
        raise PhotoError(f"cannot read the image: {exc}") from None
    if info.format not in FORMATS:
        raise PhotoError(f"{info.format or 'unknown'} images are not accepted; use a JPEG, PNG or WebP photo")
    if info.width * info.height > MAX_PIXELS or max(info.width, info.height) > MAX_SIDE:
        raise PhotoError(f"{info.width}×{info.height} pixels is too large; at most {MAX_SIDE} pixels a side and {MAX_PIXELS:,} in all")
    if min(info.width, info.height) < MIN_SIDE:
        raise PhotoError(f"{info.width}×{info.height} pixels is too small for a photo; at least {MIN_SIDE} a side")
    return info
