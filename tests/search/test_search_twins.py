"""The search data's .gz twins (pages/output.py gzip_twin, issue 15).

They are made with libdeflate: level 10 for most files, a fast level for files of
TWIN_FAST_FROM bytes or more (the digit shards at national scale), so a rebuild whose
edit touches those shards does not spend a second and a half compressing them. Whatever
the level, a twin must be the file's bytes in plain gzip that any host or browser reads,
carry no timestamp or name (the same file gives the same twin), and not cost a phone
more bytes than the zlib level 9 twins they replace.
"""

from __future__ import annotations

import gzip
import struct

import pytest
from search_helpers import write_synthetic_records
from sitebuild import build_site

PRECOMPRESS_BYTES = 4096


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("twins")
    records = write_synthetic_records(root / "records", 400, seed=7)
    (root / "content").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        # Both levels in one build: files of 12 KiB or more (the largest at 400 records) take the fast one here.
        patch.setattr("facility_site.pages.output.TWIN_FAST_FROM", 12 * 1024)
        output = build_site(root / "output", records, root / "content")
    data = sorted(p for p in (output / "search").rglob("*.json") if p.stat().st_size >= PRECOMPRESS_BYTES)
    return output, data


def test_every_large_data_file_has_a_plain_gzip_twin_without_timestamp_or_name(built):
    output, data = built
    assert len(data) > 20
    assert any(p.stat().st_size >= 12 * 1024 for p in data), "no file took the fast level"
    assert any(p.stat().st_size < 12 * 1024 for p in data), "no file took the usual level"
    for path in data:
        twin = path.with_name(path.name + ".gz").read_bytes()
        assert gzip.decompress(twin) == path.read_bytes(), path
        magic, method, flags, mtime = struct.unpack("<HBBI", twin[:8])
        assert (magic, method) == (0x8B1F, 8), path
        assert flags == 0, f"{path}: the header carries a name or other fields"
        assert mtime == 0, f"{path}: the header carries a timestamp"
    small = [p for p in (output / "search").rglob("*.json") if p.stat().st_size < PRECOMPRESS_BYTES]
    assert small and not any(p.with_name(p.name + ".gz").exists() for p in small)


def test_twins_are_smaller_than_zlib_level_9(built):
    """What a phone fetches from a host that serves the twins: no more than zlib 9's bytes, at either level."""
    _, data = built
    for fast in (False, True):
        files = [p for p in data if (p.stat().st_size >= 12 * 1024) == fast]
        twins = sum(p.with_name(p.name + ".gz").stat().st_size for p in files)
        zlib9 = sum(len(gzip.compress(p.read_bytes(), compresslevel=9, mtime=0)) for p in files)
        assert twins < zlib9, (fast, twins, zlib9)
