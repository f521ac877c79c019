"""What a staged build will leave in the output: the files it wrote, and the previous output's files it keeps.

build.py stages only what may change: the staging folder receives the
pages that are rendered and the files that are written, while a page whose
key is unchanged (pages/reuse.py) or a data file with the same bytes at the
same path (SiteOutput.write_data) is only *kept*: its name is added to the
build's StagedTree and the previous output's file stays where it is. Once
the build has succeeded, build.py applies the staging folder to the output
(pages/apply in build.py), and removes every file the tree does not hold.

Parts that read the finished site before that (ふりがな's readings, the
`_headers` rules, `make publish`'s twins) read it through `site_files`,
which gives each file's current place: in staging when it was written, in
the previous output when it was kept. A folder built without build.py
(the tests' direct Pelican builds) has no tree; `site_files` walks it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from stat import S_ISREG

_TREES: dict[str, StagedTree] = {}


class StagedTree:
    """One build: the staging folder it writes to, the output it will replace, the output files it keeps."""

    def __init__(self, staging: Path, output: Path):
        self.staging = staging
        self.output = output
        self.kept: set[str] = set()

    def keep(self, relative: str) -> None:
        """The previous output's file at `relative` is part of this build as it is."""
        self.kept.add(relative)

    def discard(self, relative: str) -> None:
        self.kept.discard(relative)

    def files(self) -> dict[str, str]:
        """Every file of the finished site (relative POSIX path -> where its bytes are now), written ones first."""
        # Strings, not Paths: building 35,000 Path objects cost seconds at 30,000 facilities. Found by
        # scandir, without an lstat of each file (half of this walk's time at 47,000 files).
        output = os.fspath(self.output) + os.sep
        found = {relative: output + relative for relative in self.kept}
        found.update(_regular_where(self.staging, _every))
        return found


def register(tree: StagedTree) -> None:
    _TREES[_key(tree.staging)] = tree


def unregister(tree: StagedTree) -> None:
    _TREES.pop(_key(tree.staging), None)


def tree_for(folder: str | os.PathLike) -> StagedTree | None:
    """The StagedTree of the build writing to `folder`, if build.py runs it."""
    return _TREES.get(_key(folder)) if _TREES else None


def site_files(folder: str | os.PathLike) -> dict[str, str]:
    """Every file of the site being built into `folder`: relative POSIX path -> the file to read (an OS path)."""
    tree = tree_for(folder)
    if tree is not None:
        return tree.files()
    return _regular_where(folder, _every)


def site_paths(folder: str | os.PathLike) -> set[str]:
    """The relative POSIX paths of `site_files(folder)`, without where each is now (no OS path made for each)."""
    tree = tree_for(folder)
    if tree is None:
        return set(_regular_where(folder, _every))
    return tree.kept | _regular_where(tree.staging, _every).keys()


def site_files_where(folder: str | os.PathLike, wanted: Callable[[str], bool]) -> dict[str, str]:
    """The files of `site_files(folder)` whose relative path `wanted` accepts, found without an lstat
    of every file: a reader of a few kinds of file (the data files) walks 47,000 files at 30,000
    facilities, and their lstat calls were most of site_files' time."""
    tree = tree_for(folder)
    if tree is None:
        return _regular_where(folder, wanted)
    output = os.fspath(tree.output) + os.sep
    found = {relative: output + relative for relative in tree.kept if wanted(relative)}
    found.update(_regular_where(tree.staging, wanted))
    return found


def folders_of(paths) -> set[str]:
    """Every folder holding one of `paths` (relative POSIX paths), at any depth: "a/b/c.html" -> "", "a/", "a/b/".

    Each path is cut at its slashes from the right, stopping at a folder already found, so each folder
    is added once (35,000 folders for 47,000 files at 30,000 facilities)."""
    folders = {""}
    for relative in paths:
        cut = relative.rfind("/")
        while cut >= 0:
            folder = relative[: cut + 1]
            if folder in folders:
                break
            folders.add(folder)
            cut = relative.rfind("/", 0, cut)
    return folders


def _every(_relative: str) -> bool:
    return True


def _regular_where(root: str | os.PathLike, wanted: Callable[[str], bool]) -> dict[str, str]:
    """regular_files' names that `wanted` accepts (relative POSIX path -> OS path), by scandir (no stat call)."""
    top = os.fspath(root)
    if not os.path.isdir(top):
        return {}
    return {relative: entry.path for relative, entry in scan_tree(top) if wanted(relative) and entry.is_file(follow_symlinks=False)}


def scan_tree(root: str | os.PathLike) -> Iterator[tuple[str, os.DirEntry]]:
    """Every entry under `root` that is not a folder, as (relative POSIX path, its DirEntry), by scandir.

    Links are not followed. An unreadable folder raises OSError.
    """
    folders = [(os.fspath(root), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, prefix + entry.name + "/"))
                else:
                    yield prefix + entry.name, entry


def write_file(folder: str | os.PathLike, relative: str, data: bytes) -> None:
    """Write `data` at `relative` under the site being built into `folder`, or keep the previous
    output's file there when it already holds these bytes (nothing written to staging)."""
    write_files(folder, ((relative, data),))


def write_files(folder: str | os.PathLike, files: Iterable[tuple[str, bytes]]) -> None:
    """`write_file` for many files (relative path, bytes): the build's tree is looked up once and each
    folder made once (ふりがな's readings files: 5,000 at 30,000 facilities)."""
    tree = tree_for(folder)
    old_root = os.fspath(tree.output) + os.sep if tree is not None else None
    root = os.fspath(folder) + os.sep
    made: set[str] = set()
    for relative, data in files:
        if old_root is not None:
            try:
                old = old_root + relative
                if os.stat(old).st_size == len(data) and Path(old).read_bytes() == data:
                    tree.keep(relative)
                    continue
            except OSError:
                pass
        target = root + relative
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        with open(target, "wb") as file:
            file.write(data)


def regular_files(root: str | os.PathLike) -> dict[str, os.stat_result]:
    """Every regular file under `root` (relative POSIX path -> lstat), without following links."""
    files = {}
    top = os.fspath(root)
    if not os.path.isdir(top):
        return files
    for folder, _dirs, names in os.walk(top):
        # Sliced, not os.path.relpath: relpath was most of this walk's time at 40,000 files.
        prefix = folder[len(top) + 1 :].replace(os.sep, "/") + "/" if folder != top else ""
        for name in names:
            stat = os.lstat(os.path.join(folder, name))
            if S_ISREG(stat.st_mode):
                files[prefix + name] = stat
    return files


def _key(folder: str | os.PathLike) -> str:
    return os.path.realpath(os.fspath(folder))
