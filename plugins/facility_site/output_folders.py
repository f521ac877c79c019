"""Which files of the output a rebuild must remove, found without listing every folder of the output.

After an apply (build.py) every file of the output is one the build wrote or
kept; whatever else is there goes (`_remove_stale`). Listing the output's
35,000 folders to find those was most of a one-record rebuild's apply at
30,000 facilities. The build cache keeps, for the output it was made for,
the files the last apply left (`files`) and the inode and change time of
each folder they are in (`folders`), as they were when that apply ended:

- a folder whose inode and change time are those recorded holds exactly
  the files recorded in it: creating, removing or renaming anything in a
  folder moves its change time (which no tool can set back), so a file or
  folder an operator dropped into output/ since is noticed. Such a folder's
  stale files are the recorded ones this build neither wrote nor kept;
- any other folder (changed since, replaced, or new) is listed as before,
  and so is every folder in it that the snapshot does not know;
- a folder whose change time is later than RACY_NS before the last apply
  started (the snapshot's `taken`) is listed again by the next build
  whatever its change time: every folder that apply changed, and any folder
  changed while it ran; a change made within the same tick of the file
  system's coarse clock as the build's own would not move it.

Without a snapshot for this output (the first build, no build cache,
another output folder, a stopped apply) the whole output is listed, and
the snapshot is taken afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from stat import S_ISDIR

from .staged import folders_of

# The build cache's table: {"output": real path, "taken": ns, "folders": {folder: (inode, ctime_ns)}, "files": set}.
CACHE_NAME = "output-folders"
# A folder whose change time is this close to the snapshot's time is listed by the next build anyway.
RACY_NS = 2_000_000_000


class Snapshot:
    """The output's state after the last apply: folder (relative, "" or "a/b/") -> (inode, ctime_ns); its files."""

    def __init__(self, folders: dict[str, tuple[int, int]], files: set[str], taken: int):
        self.folders = folders
        self.files = files
        self.taken = taken

    def changed_folders(self, output: str) -> set[str] | None:
        """The recorded folders that are not as recorded (changed, replaced, gone, or changed close to the
        snapshot); None when the output cannot be opened. One lstat per folder, relative to the output's descriptor."""
        racy = self.taken - RACY_NS
        changed = set()
        try:
            top = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return None
        try:
            lstat = os.lstat
            for folder, (inode, ctime) in self.folders.items():
                try:
                    stat = lstat(folder or ".", dir_fd=top)
                except OSError:
                    changed.add(folder)
                    continue
                if stat.st_ino != inode or stat.st_ctime_ns != ctime or ctime >= racy or not S_ISDIR(stat.st_mode):
                    changed.add(folder)
        finally:
            os.close(top)
        return changed


def load(cache, output: str) -> Snapshot | None:
    """The snapshot the build cache holds for `output` (a real path), or None."""
    if cache is None or not cache.enabled:
        return None
    table = cache.load(CACHE_NAME)
    if table.get("output") != output or not isinstance(table.get("taken"), int):
        return None
    folders, files = table.get("folders"), table.get("files")
    if not isinstance(folders, dict) or not isinstance(files, set):
        return None
    return Snapshot(folders, files, table["taken"])


def save(cache, output: str, files: set[str], taken: int, previous: Snapshot | None = None, touched: set[str] | None = None) -> None:
    """Record the output's state after an apply: `files` (relative paths) are every file in it now;
    `taken`: time.time_ns() before the apply checked or changed anything.

    With `previous` and `touched` (every folder the apply made, changed, listed or removed, and each
    that `previous.changed_folders` found), each other folder of `previous` keeps its recorded state,
    which the apply found unchanged after `taken`; the folders in `touched` are looked at now.
    Otherwise every folder of `files` is. A change after `taken` either moves a folder's change
    time past what is recorded or is within RACY_NS of `taken`: the next build lists that folder.
    """
    if cache is None or not cache.enabled:
        return
    top = os.open(output, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if previous is not None and touched is not None:
            folders = dict(previous.folders)
            look = touched
        else:
            folders = {}
            look = folders_of(files)
        for folder in look:
            try:
                stat = os.lstat(folder or ".", dir_fd=top)
            except OSError:
                folders.pop(folder, None)
                continue
            if S_ISDIR(stat.st_mode):
                folders[folder] = (stat.st_ino, stat.st_ctime_ns)
            else:
                folders.pop(folder, None)
    finally:
        os.close(top)
    cache.save(CACHE_NAME, {"output": output, "taken": taken, "folders": folders, "files": set(files)})


def ancestors(relative: str) -> Iterable[str]:
    """The folders of a relative path, innermost first ("a/b/c.html" -> "a/b/", "a/", "")."""
    cut = relative.rfind("/")
    while cut >= 0:
        yield relative[: cut + 1]
        cut = relative.rfind("/", 0, cut)
    yield ""
