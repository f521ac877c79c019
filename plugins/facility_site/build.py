"""`python -m facility_site.build`: stage what changed, then apply it to the output.

Pelican writes page by page. The build writes into a staging folder beside
the output; a page whose key is unchanged (pages/reuse.py) and a data file
with the same bytes are not written there but kept from the previous
output (staged.py). Only when the whole build succeeded is the staging
folder applied to the output: each staged file whose bytes differ from the
output's is renamed into place, then every output file the build neither
wrote nor kept is removed. A failed build (bad records, a broken article,
a template error) leaves the previous output exactly as it was.

Unchanged files are never rewritten, so they keep their timestamps and
deploy tools that sync by timestamp upload only what changed; whatever the
new build did not write or keep (a deleted record's pages) is removed.

The apply renames many files one by one. While it runs, a marker
`.<output>.applying` sits beside the output; if the process is killed
before the apply finished, the next build finds the marker, says so in
one line, trusts nothing in the output (no page or data file is kept from
it) and writes every file again, then applies as usual.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import NoReturn

from pelican import Pelican
from pelican.log import init as init_logging
from pelican.settings import read_settings

from . import output_folders
from .cache import BuildCache
from .errors import FacilitySiteError
from .hosting.precompress import precompress as write_twins
from .pages.parallel import ErrorCounter
from .pages.reuse import PREVIOUS_OUTPUT
from .settings import resolve
from .staged import StagedTree, register, regular_files, site_files, unregister

try:
    import fcntl
except ImportError:  # Windows: no flock (one_build_at_a_time)
    fcntl = None


def build(settings_file: str, output_dir: str, verbose: bool = False, precompress: bool = False) -> int:
    """Build the site into `output_dir`; return a process exit code.

    With `precompress` (`make publish`), every text file of the finished
    site gets .gz and .br twins (in staging) before the apply.
    """
    try:
        return _build(settings_file, output_dir, verbose, precompress)
    finally:
        gc.unfreeze()  # what the build froze (cache.py's loads, collector.settle) is collectable again


def _build(settings_file: str, output_dir: str, verbose: bool, precompress: bool) -> int:
    output = Path(output_dir).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with one_build_at_a_time(output):
        return _locked_build(settings_file, output, verbose, precompress)


@contextlib.contextmanager
def one_build_at_a_time(output: Path) -> Iterator[None]:
    """Hold the output's build lock (`.<output>.lock` beside it) for the whole build; wait while another build has it.

    Two builds into one folder (`make html` while `make devserver` rebuilds, two
    saves in two devservers) would apply into it at the same time: the second
    failed on a folder the first had just removed, and left the output marked as
    half applied. The lock is the kernel's (flock), so a build that dies releases
    it. The file is removed before it is released, so nothing is left beside the
    output; a build that locked a file removed meanwhile locks the new one instead.
    """
    if fcntl is None:  # no flock on this system: as before, one build at a time is the operator's to keep
        yield
        return
    path = output.with_name(f".{output.name}.lock")
    said = False
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not said:
                print(f"facility_site: another build into {output} is running; waiting for it to finish", file=sys.stderr, flush=True)
                said = True
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            held = os.fstat(descriptor).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            held = False
        if held:
            break
        os.close(descriptor)  # the build before removed it: lock the file there now
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        os.close(descriptor)  # closing releases the lock


def _locked_build(settings_file: str, output: Path, verbose: bool, precompress: bool) -> int:
    marker = apply_marker(output)
    interrupted = _interrupted_apply(marker, output)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.staging-", dir=output.parent))
    tree = StagedTree(staging, output)
    register(tree)
    counter = ErrorCounter()
    logging.getLogger().addHandler(counter)
    try:
        override = {"OUTPUT_PATH": str(staging)}
        if output.is_dir() and not interrupted:  # unchanged pages and data files are kept from it
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
        unregister(tree)
    if counter.count:
        print(f"facility_site: build failed: {counter.count} error(s) logged above; output left unchanged", file=sys.stderr)
        shutil.rmtree(staging, ignore_errors=True)
        return 1
    cache = BuildCache(resolve(settings)["cache_path"])
    kept, written, removed = apply_staged(tree, marker, cache, trust_snapshot=not interrupted)
    cache.commit_pages(output)
    print(f"facility_site: {written} file(s) new or changed, {kept} unchanged (timestamps kept), {removed} removed")
    return 0


def _mib(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


def apply_marker(output: Path) -> Path:
    """The file that says an apply into `output` has started and not finished."""
    return output.with_name(f".{output.name}.applying")


def _interrupted_apply(marker: Path, output: Path) -> bool:
    """True when a previous build was stopped while applying: the output may be half old, half new."""
    if not marker.exists():
        return False
    try:
        left = Path(marker.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        left = None
    if left is not None and left.parent == output.parent and left.name.startswith(f".{output.name}.staging-"):
        shutil.rmtree(left, ignore_errors=True)  # what that build had not moved yet
    print(f"facility_site: the last build stopped while updating {output}; writing every file again", file=sys.stderr)
    return True


def apply_staged(tree: StagedTree, marker: Path, cache: BuildCache | None = None, trust_snapshot: bool = True) -> tuple[int, int, int]:
    """Move the staged files into the output and remove what the build did not write or keep; return (kept, written, removed).

    With a build cache, the output's folders as this apply leaves them are recorded in it
    (output_folders.py), and the next apply lists only the folders changed since (unless
    `trust_snapshot` is false: a stopped apply changed the output without recording it).
    """
    staging, output = tree.staging, tree.output
    taken = time.time_ns()  # before anything is checked or changed (output_folders.save)
    top = os.path.realpath(output)
    if not output.is_dir():
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a served folder must be readable
        if output.exists() or output.is_symlink():
            output.unlink()
        os.rename(staging, output)
        marker.unlink(missing_ok=True)
        files = site_files(output)  # its regular files (no build of it is registered now)
        output_folders.save(cache, os.path.realpath(output), set(files), taken)
        return 0, len(files), 0
    previous = output_folders.load(cache, top) if trust_snapshot else None
    changed = previous.changed_folders(top) if previous is not None else None  # before this apply changes any
    temporary = marker.with_name(marker.name + ".new")
    temporary.write_text(str(staging), encoding="utf-8")
    os.replace(temporary, marker)
    staged = regular_files(staging)
    kept = written = 0
    moved_into: set[str] = set()
    for relative, new_stat in staged.items():
        target = output / relative
        try:
            old_stat = os.lstat(target)
        except OSError:
            old_stat = None
        if old_stat is not None and S_ISREG(old_stat.st_mode) and _same_file(target, old_stat, staging / relative, new_stat):
            kept += 1
            continue
        _move_into_place(staging / relative, target, old_stat, output)
        moved_into.update(output_folders.ancestors(relative))
        written += 1
    kept += sum(1 for relative in tree.kept if relative not in staged)
    produced = staged.keys() | tree.kept
    if changed is None:
        removed, touched = _remove_stale(output, produced), None
    else:
        removed, touched = _remove_known_stale(top, produced, previous, changed)
        touched |= moved_into
    shutil.rmtree(staging, ignore_errors=True)
    output_folders.save(cache, top, produced, taken, previous, touched)
    marker.unlink()
    return kept, written, removed


def _same_file(old: Path, old_stat: os.stat_result, new: Path, new_stat: os.stat_result) -> bool:
    if (old_stat.st_ino, old_stat.st_dev) == (new_stat.st_ino, new_stat.st_dev):  # linked from the previous output
        return True
    return old_stat.st_size == new_stat.st_size and old.read_bytes() == new.read_bytes()


def _move_into_place(source: Path, target: Path, old_stat: os.stat_result | None, output: Path) -> None:
    if old_stat is not None and S_ISDIR(old_stat.st_mode):
        shutil.rmtree(target)  # a folder where the new build has a file
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file where the new build has a folder
        folder = output
        for part in target.parent.relative_to(output).parts:
            folder = folder / part
            if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
                folder.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(source, target)


def _remove_stale(output: Path, produced: set[str], base: str = "") -> int:
    """Remove every file under `output` that is not in `produced`, and the folders left empty; return how many files.

    `base`: where `output` is in the site ("a/b/"), when it is a folder of it.

    One scandir per folder (links are removed, never followed): os.walk's
    bottom-up walk and an lstat per folder were most of a one-record
    rebuild's apply at 36,000 folders.
    """
    removed = 0
    top = os.fspath(output)
    left: dict[str, int] = {}  # folder -> entries still in it
    order: list[str] = []  # parents before their folders
    stack = [(top, base)]
    while stack:
        folder, prefix = stack.pop()
        order.append(folder)
        count = 0
        try:
            entries = os.scandir(folder)
        except OSError:  # gone or unreadable: left as it is, as os.walk would
            left[folder] = 1
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, prefix + entry.name + "/"))
                    count += 1
                elif prefix + entry.name in produced:
                    count += 1
                else:  # a stale file, or a link (to a file or a folder) the build did not make
                    os.unlink(entry.path)
                    removed += 1
        left[folder] = count
    for folder in reversed(order):  # a folder's subfolders before the folder
        if folder != top and not left[folder]:
            os.rmdir(folder)
            left[os.path.dirname(folder)] -= 1
    return removed


def _remove_known_stale(output: str, produced: set[str], previous: output_folders.Snapshot, changed: set[str]) -> tuple[int, set[str]]:
    """`_remove_stale` with the last apply's snapshot: the recorded files not produced now are removed, and
    only the `changed` folders are listed (with any folder in them the snapshot does not know); return
    (how many files were removed, the folders changed or listed)."""
    top = output + os.sep
    removed = 0
    touched = set(changed)
    emptied: set[str] = set()  # folders a file was removed from: removed too when nothing is left in them
    for relative in previous.files - produced:
        try:
            os.unlink(top + relative)
        except OSError:  # gone, or not a file any more: its folder changed, and is listed below
            continue
        removed += 1
        emptied.add(relative[: relative.rfind("/") + 1])
    touched |= emptied
    known = previous.folders
    for folder in changed:
        try:
            entries = os.scandir(top + folder)
        except OSError:  # gone, or not a folder any more (its parent changed, and is listed)
            continue
        with entries:
            for entry in entries:
                relative = folder + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if relative + "/" not in known:  # new since the snapshot: walked whole
                        removed += _remove_stale(Path(entry.path), produced, base=relative + "/")
                        emptied.add(relative + "/")
                elif relative not in produced:
                    os.unlink(entry.path)
                    removed += 1
        emptied.add(folder)
    # Folders left empty, deepest first; a removed folder's parent may be left empty in turn.
    by_depth: dict[int, set[str]] = {}
    for folder in emptied:
        if folder:
            by_depth.setdefault(folder.count("/"), set()).add(folder)
    for depth in sorted(by_depth, reverse=True):
        for folder in by_depth[depth]:
            try:
                os.rmdir(top + folder)
            except OSError:  # not empty (or gone)
                continue
            parent = folder[: folder.rfind("/", 0, len(folder) - 1) + 1]
            touched.add(folder)
            touched.add(parent)
            if parent:
                by_depth.setdefault(depth - 1, set()).add(parent)
    return removed, touched


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


def exit_without_teardown(code: int) -> NoReturn:
    """Flush what was said, then leave without freeing the build's objects one by one.

    At interpreter exit CPython deallocates every object the build made;
    after a 30,000-facility build that was about 2 s of CPU (measured, one
    record edited: 13.0 / 14.4 s with the teardown, 11.3 / 11.1 s without),
    longer than many rebuild stages. Everything the build writes is closed
    and applied before this; the render workers have exited.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_without_teardown(main())
