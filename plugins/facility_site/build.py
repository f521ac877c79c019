"""`python -m facility_site.build`: build into a fresh folder, then swap it in.

Pelican writes page by page. Building into a staging folder beside the
output and renaming it into place only on success means a failed build
(bad records, a broken article, a template error) leaves the previous
output exactly as it was.
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

from pelican import Pelican
from pelican.log import init as init_logging
from pelican.settings import read_settings

from .errors import FacilitySiteError
from .hosting.precompress import precompress as write_twins


class _ErrorCounter(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def build(settings_file: str, output_dir: str, verbose: bool = False, precompress: bool = False) -> int:
    """Build the site into `output_dir`; return a process exit code.

    With `precompress` (`make publish`), the finished staging folder gets
    .gz and .br twins of its text files before it is swapped in.
    """
    output = Path(output_dir).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.staging-", dir=output.parent))
    counter = _ErrorCounter()
    logging.getLogger().addHandler(counter)
    try:
        settings = read_settings(settings_file, override={"OUTPUT_PATH": str(staging)})
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
    _swap_into_place(staging, output)
    return 0


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


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
