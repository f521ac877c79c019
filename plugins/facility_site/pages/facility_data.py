"""Per-facility data for the browser, in a few hundred chunk files instead of one file per facility.

The comparison and the visit planner fetch what they show for the ids in
their address. A file per facility and per part was 60,000 files at
30,000 facilities; instead every facility's entry goes into one of
`chunk_count(n)` files, `facility-data/<k>.json`, chosen by a hash of its
id that the browser computes too (theme/static/js/compare/ids.js
`chunkOf`). No index is needed, adding a facility changes only its own
chunk, and the chunk count (a power of two, about CHUNK_TARGET entries a
chunk) reaches the browser in the site config block.

An entry is `{"id", "name", "url"}` plus the fields each output part adds
through `SiteOutput.add_facility_fields` (the comparison its `cells`, the
planner its contact, hours, …). A chunk is `{id: entry}` with sorted keys.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence

from ..cache import UncacheableError
from ..errors import FacilitySiteError
from ..records.model import Facility

DATA_DIR = "facility-data"
# Entries a chunk holds on average: a comparison of 4 fetches at most 4 small files.
CHUNK_TARGET = 16

FieldsFor = Callable[[Facility], dict]

logger = logging.getLogger(__name__)


def chunk_count(facilities: int) -> int:
    """The smallest power of two with at most CHUNK_TARGET facilities a chunk on average (1 for a small site)."""
    count = 1
    while count * CHUNK_TARGET < facilities:
        count *= 2
    return count


def chunk_of(facility_id: str, chunks: int) -> int:
    """FNV-1a (32 bit) of the id's UTF-8 bytes, masked to the chunk count; ids.js chunkOf is the same."""
    value = 0x811C9DC5
    for byte in facility_id.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value & (chunks - 1)


def chunk_path(number: int) -> str:
    return f"{DATA_DIR}/{number}.json"


def facility_entry(facility: Facility, parts: Sequence[FieldsFor]) -> dict:
    """One facility's entry: id, name and url, then each part's fields (no part may overwrite another's)."""
    entry = {"id": facility.id, "name": facility.name, "url": facility.url_path}
    for fields_for in parts:
        for key, value in fields_for(facility).items():
            if key in entry:
                raise FacilitySiteError(f"facility data: two output parts write the field {key!r}")
            entry[key] = value
    return entry


def chunk_files(facilities: Sequence[Facility], parts: Sequence[FieldsFor], cache=None, fingerprint=None) -> dict[str, bytes]:
    """Every chunk file's path and bytes (sorted keys, compact, one trailing newline).

    With a BuildCache and a cache.Fingerprint, a chunk whose facilities
    (by all their fields), chunk count and parts are the same as last build
    is taken from `.cache/facility-data.pickle` instead of encoded again:
    one record edit re-encodes one chunk. A part that cannot be fingerprinted
    (a lambda or closure) turns this off.
    """
    chunks = chunk_count(len(facilities))
    grouped: dict[int, list[Facility]] = {}
    for facility in facilities:
        grouped.setdefault(chunk_of(facility.id, chunks), []).append(facility)
    stored, keys = {}, None
    if cache is not None and cache.enabled and fingerprint is not None:
        try:
            keys = {number: _chunk_key(number, chunks, members, parts, fingerprint) for number, members in grouped.items()}
        except UncacheableError:
            keys = None
        else:
            stored = cache.load("facility-data")
    files, remembered, reused = {}, {}, 0
    for number, members in sorted(grouped.items()):
        path = chunk_path(number)
        entry = stored.get(path)
        if keys is not None and isinstance(entry, tuple) and len(entry) == 2 and entry[0] == keys[number] and isinstance(entry[1], bytes):
            data = entry[1]
            reused += 1
        else:
            entries = {facility.id: facility_entry(facility, parts) for facility in members}
            data = (json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
        files[path] = data
        if keys is not None:
            remembered[path] = (keys[number], data)
    if keys is not None:
        cache.save("facility-data", remembered)
        logger.debug("facility_site: facility data: %d of %d chunks reused from the cache", reused, len(files))
    return files


def _chunk_key(number: int, chunks: int, members: list[Facility], parts: Sequence[FieldsFor], fingerprint) -> bytes:
    return fingerprint.page_digest((number, chunks, tuple(parts), tuple(members)))
