"""What `make publish`'s .gz/.br twins cost and save on a built site.

    python tools/bench_precompress.py --site bench-out/site-30000 [--qualities 11 5] [--every 10]

For each brotli quality: the wall and CPU time of writing every twin (the
step `make publish` adds after the build), the number of twins, and the
bytes a client receives for all text files with gzip and with brotli (the
twin where there is one, else the file). The twins are written in place;
the last quality's stay. With --every N, only every Nth text file (in path
order) is copied to a scratch folder and measured there, for the slow
qualities on a busy machine. Prints one Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

from facility_site.hosting.precompress import precompress, text_files  # noqa: E402


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def mib(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="a built output folder")
    parser.add_argument("--qualities", type=int, nargs="+", default=[11, 5], help="brotli qualities to measure")
    parser.add_argument("--every", type=int, default=1, help="measure every Nth text file only (in a scratch folder)")
    args = parser.parse_args(argv)
    files = [p for p in args.site.rglob("*") if p.is_file() and not p.name.endswith((".gz", ".br"))]
    texts = text_files(args.site)
    if args.every > 1:
        scratch = Path(tempfile.mkdtemp(prefix="bench-precompress-"))
        for number, path in enumerate(texts[:: args.every]):
            shutil.copyfile(path, scratch / f"{number}{path.suffix}")
        print(f"every {args.every}th text file: {len(texts[:: args.every]):,} files"
              f" ({mib(sum(p.stat().st_size for p in texts[:: args.every]))}) copied to {scratch}")
        args.site = scratch
    print(f"site: {args.site}: {len(files):,} files ({mib(sum(p.stat().st_size for p in files))}), {len(texts):,} text files; {os.cpu_count()} cores,"
          f" load average {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    print()
    print("| brotli quality | wall | CPU | .gz twins | .br twins | text files as they are | served with gzip | served with brotli"
          " | brotli saves against gzip |")
    print("|---|---|---|---|---|---|---|---|---|")
    for quality in args.qualities:
        wall, cpu = time.perf_counter(), cpu_seconds()
        stats = precompress(args.site, brotli_quality=quality)
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        saved = 1 - stats.brotli_bytes / stats.gzip_bytes
        print(f"| {quality} | {wall:,.1f} s | {cpu:,.1f} s | {stats.gzip_files:,} | {stats.brotli_files:,} | {mib(stats.original_bytes)}"
              f" | {mib(stats.gzip_bytes)} | {mib(stats.brotli_bytes)} | {saved:.1%} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
