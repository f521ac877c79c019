"""Photo output: encode (or reuse) every record's photos before any page is written, then copy the variants.

`prepare_galleries` runs while the generator builds its context, so a photo
that cannot be decoded stops the build before anything is written, like any
other record problem. `write_photo_output` is the output part: it copies each
variant from the cache to `photos/<key>-<width>.webp` through the SiteOutput.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from ..errors import Problem, RecordError
from ..pages.output import SiteOutput
from ..records.model import Facility
from .check import PhotoError
from .process import EncodeStats, prepare_photo

logger = logging.getLogger(__name__)
CACHE_FOLDER = "facility_photos"


def photo_cache(settings: dict) -> Path:
    """Where encoded variants are kept between builds: Pelican's CACHE_PATH."""
    return Path(settings.get("CACHE_PATH") or "cache") / CACHE_FOLDER


def prepare_photo_step(facilities: list[Facility], settings: dict) -> list[Facility]:
    """The generator's record step: galleries made ready before any page is written."""
    return prepare_galleries(facilities, photo_cache(settings))[0]


def prepare_galleries(facilities: list[Facility], cache: Path) -> tuple[list[Facility], EncodeStats]:
    """Every facility with its `gallery` filled; raise RecordError naming each photo that cannot be made."""
    stats = EncodeStats()
    problems: list[Problem] = []
    ready = []
    for facility in facilities:
        if not facility.photos:
            ready.append(facility)
            continue
        gallery = []
        for i, ref in enumerate(facility.photos):
            try:
                gallery.append(prepare_photo(ref.path, ref.alt, cache, stats))
            except PhotoError as exc:
                problems.append(Problem(facility.source_path, ref.line, f"photos[{i}].file", f"{ref.file!r}: {exc}"))
        ready.append(dataclasses.replace(facility, gallery=tuple(gallery)))
    if problems:
        raise RecordError(problems)
    if stats.encoded or stats.reused:
        logger.info("facility_site: photos: %d variants encoded, %d reused from %s", stats.encoded, stats.reused, cache)
    return ready, stats


def write_photo_output(site: SiteOutput) -> None:
    """Copy every variant the pages use into photos/ (each name once)."""
    cache = photo_cache(site.settings)
    written = set()
    for facility in site.catalog.facilities:
        for photo in facility.gallery:
            for variant in photo.variants:
                if variant.name not in written:
                    site.write_data(variant.url, (cache / variant.name).read_bytes())
                    written.add(variant.name)
    if written:
        logger.debug("facility_site: photos: wrote %d files", len(written))
