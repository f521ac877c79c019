"""`make publish`: a .gz and a .br twin beside every text file of the output, each only where it is smaller.

For hosts that serve precompressed files as they are (nginx `gzip_static`
and `brotli_static`, Caddy `file_server { precompressed br gzip }`), so no
request waits for compression and brotli's best level costs nothing per
request. Hosts that compress on their own (Netlify, Cloudflare Pages,
GitHub Pages, CloudFront) ignore the twins: `make publish PRECOMPRESS=0`
leaves them out. `make html` never writes them, so local builds stay fast.

The twins are deterministic: gzip with no timestamp and no file name, made
by libdeflate exactly as the build makes the search data's twins
(pages/output.py `gzip_twin`: 7% smaller than zlib's level 9 on the search
data), and brotli at a fixed quality; the same output gives the same bytes.
A data file's twin that the build already wrote is therefore written again
with the same bytes, not different ones.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..errors import FacilitySiteError
from ..pages.output import gzip_twin
from ..staged import site_files, tree_for

TEXT_SUFFIXES = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg", ".txt"})
# Brotli's best quality; docs/benchmarks.md measures its time against lower ones.
BROTLI_QUALITY = 11


class PrecompressError(FacilitySiteError):
    """The twins cannot be written (brotli is not installed)."""


@dataclass(frozen=True)
class PrecompressStats:
    files: int = 0
    original_bytes: int = 0
    gzip_files: int = 0
    brotli_files: int = 0
    # Bytes a client receives for every text file: the twin where there is one, else the file itself.
    gzip_bytes: int = 0
    brotli_bytes: int = 0

    def __add__(self, other: PrecompressStats) -> PrecompressStats:
        return PrecompressStats(*(a + b for a, b in zip(self.__dict__.values(), other.__dict__.values(), strict=True)))


def _brotli():
    try:
        import brotli
    except ImportError:
        raise PrecompressError("brotli is not installed; run `make setup` (requirements.txt pins it)") from None
    return brotli


def twins(data: bytes, brotli_quality: int = BROTLI_QUALITY) -> dict[str, bytes]:
    """{".gz": …, ".br": …} for `data`, leaving out each one that is not smaller than `data`."""
    brotli = _brotli()
    made = {
        ".gz": gzip_twin(data),
        ".br": brotli.compress(data, quality=brotli_quality, mode=brotli.MODE_TEXT),
    }
    return {suffix: blob for suffix, blob in made.items() if len(blob) < len(data)}


def _precompress_file(job: tuple[str, str, int]) -> tuple[PrecompressStats, tuple[str, ...]]:
    """Twins of the file at job[0], written beside job[1]; return the stats and the suffixes not made."""
    source, path, quality = Path(job[0]), Path(job[1]), job[2]
    data = source.read_bytes()
    made = twins(data, quality)
    for suffix in (".gz", ".br"):
        twin = path.with_name(path.name + suffix)
        if suffix in made:
            # A new file, not a write into the old one: an output part may have linked the twin
            # from the previous output (SiteOutput.write_data), which must stay as it was.
            twin.parent.mkdir(parents=True, exist_ok=True)
            fresh = twin.with_name(f".{twin.name}.new")
            fresh.write_bytes(made[suffix])
            os.replace(fresh, twin)
        else:
            twin.unlink(missing_ok=True)  # a twin an output part wrote that is not smaller
    stats = PrecompressStats(
        files=1,
        original_bytes=len(data),
        gzip_files=int(".gz" in made),
        brotli_files=int(".br" in made),
        gzip_bytes=len(made.get(".gz", data)),
        brotli_bytes=len(made.get(".br", data)),
    )
    return stats, tuple(suffix for suffix in (".gz", ".br") if suffix not in made)


def text_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.suffix in TEXT_SUFFIXES and path.is_file())


def precompress(folder: Path, brotli_quality: int = BROTLI_QUALITY, workers: int | None = None) -> PrecompressStats:
    """Write the twins of every text file of the site in `folder`, on every core; return what was written.

    During a staged build (build.py) the site's files include those kept in
    the previous output (staged.py): their twins are written into `folder`
    too, and a kept twin that is no longer smaller is dropped from the site.
    """
    _brotli()  # fail before any work starts
    files = site_files(folder)
    texts = sorted(relative for relative in files if Path(relative).suffix in TEXT_SUFFIXES)
    jobs = [(files[relative], os.path.join(folder, relative), brotli_quality) for relative in texts]
    total = PrecompressStats()
    if not jobs:
        return total
    tree = tree_for(folder)
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        for relative, (stats, not_made) in zip(texts, pool.map(_precompress_file, jobs, chunksize=64), strict=True):
            total = total + stats
            if tree is not None:
                for suffix in not_made:
                    tree.discard(relative + suffix)
    return total
