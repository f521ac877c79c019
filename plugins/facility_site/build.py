"""`python -m facility_site.build`: build into a fresh folder, then swap it in.

Pelican writes page by page. Building into a staging folder beside the
output and renaming it into place only on success means a failed build
(bad records, a broken article, a template error) leaves the previous
output exactly as it was.

Before the swap, every staged file whose bytes equal the file of the same
name in the previous output is replaced by that very file (a hard link, or
a copy with its timestamp where links are not possible). Unchanged files
therefore keep their timestamps, so deploy tools that sync by timestamp
upload only what changed, and whatever the new build did not write (a
deleted record's pages) is gone with the old folder.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from stat import S_ISREG

from pelican import Pelican
from pelican.log import init as init_logging
from pelican.settings import read_settings

from .cache import BuildCache
from .errors import FacilitySiteError
from .hosting.precompress import precompress as write_twins
from .pages.parallel import ErrorCounter
from .pages.reuse import PREVIOUS_OUTPUT
from .settings import resolve


def build(settings_file: str, output_dir: str, verbose: bool = False, precompress: bool = False) -> int:
    """Build the site into `output_dir`; return a process exit code.

    With `precompress` (`make publish`), the finished staging folder gets
    .gz and .br twins of its text files before it is swapped in.
    """
    output = Path(output_dir).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.staging-", dir=output.parent))
    counter = ErrorCounter()
    logging.getLogger().addHandler(counter)
    try:
        override = {"OUTPUT_PATH": str(staging)}
        if output.is_dir():  # unchanged pages are linked from it (pages/reuse.py)
            override[PREVIOUS_OUTPUT] = str(output)
        settings = read_settings(settings_file, override=override)
        Pelican(settings).run()
        if precompress and not counter.count:
            started = time.perf_counter()
            stats = write_twins(staging)
            print(
                f"facility_site: precompressed {stats.files} text files ({_mib(stats.original_bytes)}): "
                f"{stats.gzip_files} .gz ({_mib(stats.gzip_bytes)} served), {stats.brotli_files} .br ({_mib(stats.brotli_bytes)} served) "
                f"in {time.perf_counter() - started:.1f} s"
            )
    except FacilitySiteError as exc:
        print(f"facility_site: build failed: {exc}", file=sys.stderr)
        shutil.rmtree(staging, ignore_errors=True)
        return 1
    except Exception as exc:  # any other failure: keep the old output, say what happened
        if verbose:
            raise
        print(f"facility_site: build failed: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        shutil.rmtree(staging, ignore_errors=True)
        return 1
    finally:
        logging.getLogger().removeHandler(counter)
    if counter.count:
        print(f"facility_site: build failed: {counter.count} error(s) logged above; output left unchanged", file=sys.stderr)
        shutil.rmtree(staging, ignore_errors=True)
        return 1
    kept, written, removed = keep_unchanged_files(staging, output)
    _swap_into_place(staging, output)
    BuildCache(resolve(settings)["cache_path"]).commit_pages(output)
    print(f"facility_site: {written} file(s) new or changed, {kept} unchanged (timestamps kept), {removed} removed")
    return 0


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


def keep_unchanged_files(staging: Path, output: Path) -> tuple[int, int, int]:
    """Put the previous output's file in place of each identical staged file; return (kept, written, removed)."""
    kept = written = 0
    old_files = _files_under(output) if output.is_dir() else {}
    new_files = _files_under(staging)
    for relative, new_stat in new_files.items():
        old_stat = old_files.get(relative)
        if old_stat is None:
            written += 1
        elif (old_stat.st_ino, old_stat.st_dev) == (new_stat.st_ino, new_stat.st_dev):  # linked by pages/reuse.py
            kept += 1
        elif old_stat.st_size == new_stat.st_size and (output / relative).read_bytes() == (staging / relative).read_bytes():
            _replace_with(output / relative, staging / relative)
            kept += 1
        else:
            written += 1
    removed = sum(1 for relative in old_files if relative not in new_files)
    return kept, written, removed


def _files_under(root: Path) -> dict[str, os.stat_result]:
    """Every regular file under `root` (relative POSIX path -> stat), without following links."""
    files = {}
    top = os.fspath(root)
    for folder, _dirs, names in os.walk(top):
        # Sliced, not os.path.relpath: relpath was most of this walk's time at 40,000 files.
        prefix = folder[len(top) + 1 :].replace(os.sep, "/") + "/" if folder != top else ""
        for name in names:
            stat = os.lstat(os.path.join(folder, name))
            if S_ISREG(stat.st_mode):
                files[prefix + name] = stat
    return files


def _replace_with(old: Path, new: Path) -> None:
    """Make `new` the same file as `old` (same bytes already), keeping old's timestamp."""
    temporary = new.with_name(f".{new.name}.keep")
    try:
        os.link(old, temporary)
    except OSError:  # no hard links here (another file system, or not supported)
        shutil.copy2(old, temporary)
    os.replace(temporary, new)


def _swap_into_place(staging: Path, output: Path) -> None:
    os.chmod(staging, 0o755)  # mkdtemp makes it private; a served folder must be readable
    if output.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
        os.rename(output, retired / output.name)
        os.rename(staging, output)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.rename(staging, output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m facility_site.build", description=__doc__.splitlines()[0])
    parser.add_argument("-s", "--settings", default="pelicanconf.py")
    parser.add_argument("-o", "--output", default="output")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    parser.add_argument("--precompress", action="store_true", help="also write .gz and .br twins of every text file (make publish)")
    args = parser.parse_args(argv)
    # A plain handler: one message a line, so `file:line:` lines stay greppable.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    init_logging(level=logging.DEBUG if args.debug else logging.WARNING, handler=handler)
    return build(args.settings, args.output, verbose=args.debug, precompress=args.precompress)


if __name__ == "__main__":
    sys.exit(main())
