"""`make devserver`: build, serve, and rebuild whenever a watched file changes.

    python -m facility_site.devserver -s pelicanconf.py -o output --port 8000

Watched: the facility records (FACILITY_SITE["records_path"]), the content
folder (articles, pages), the theme, the settings file and the plugin's own
code. Only folders that exist are watched, so nothing is said about folders
the project does not use (Pelican's own `--autoreload` warns about
`content/images`).

Every rebuild is the staged build of `python -m facility_site.build`, run
in a fresh process: a build that fails (a record with an error, a broken
template) prints its `file:line: field: problem` lines and leaves the last
good site in place, and the server keeps serving it. A fresh process also
picks up edits to the settings and the plugin's code.

Changes are reported by the operating system (inotify, FSEvents, …) through
watchfiles, the watcher Pelican's own `--autoreload` uses: polling 30,000
record files took 0.15 s of CPU every half second, all day, and added up to
0.7 s between a save and the start of its build. The settings file alone is
checked by its size and modification time, every `--interval` (watching one
file misses an editor that saves by replacing it). `--poll` makes watchfiles
poll too, for file systems that report nothing (some network and container
mounts).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import watchfiles

PLUGIN_DIR = Path(__file__).resolve().parent
# Editor droppings and hidden files never trigger a rebuild.
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".pyc")
# How long after the last change in a batch watchfiles waits before it reports the batch (milliseconds).
STEP_MS = 50


def watched_paths(settings_file: str) -> list[Path]:
    """The folders and files a rebuild depends on, from the settings as they are now."""
    from pelican.settings import read_settings

    from .settings import resolve

    settings = read_settings(settings_file)
    candidates = [
        Path(settings_file),
        Path(settings["PATH"]),
        Path(settings["THEME"]),
        Path(resolve(settings)["records_path"]),
        PLUGIN_DIR,
    ]
    seen, paths = set(), []
    for path in candidates:
        resolved = path.resolve()
        if resolved.exists() and resolved not in seen:
            seen.add(resolved)
            paths.append(resolved)
    return paths


def is_watched(path: str, roots: list[Path]) -> bool:
    """Whether a change to `path` rebuilds: not a hidden file or folder below its watched root, an editor
    dropping or Python's cache (a root may itself sit in a hidden folder, such as ~/.local)."""
    root = next((str(root) for root in roots if path.startswith(os.path.join(root, ""))), None)
    below = path[len(root) + 1 :] if root is not None else os.path.basename(path)
    parts = below.split(os.sep)
    if any(part.startswith(".") or part == "__pycache__" for part in parts[:-1]):
        return False
    return not (parts[-1].startswith(".") or parts[-1].endswith(IGNORED_SUFFIXES))


def _filter(roots: list[Path], _change, path: str) -> bool:
    return is_watched(path, roots)


def file_state(path: Path) -> tuple[int, int] | None:
    """(mtime in ns, size) of one file, None when it is not there."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def changes(settings_file: str, interval: float, force_polling: bool = False) -> Iterator[list[str]]:
    """Each batch of changed files (sorted) under the watched paths, as it happens; the paths are found again
    after a change to the settings file.

    The folders are watched through watchfiles (the settings file's folder is the project, with output/ and
    .venv/ in it: only the file itself is looked at, every `interval`). A batch is given once nothing more
    changed for STEP_MS: an editor's save (truncate, then write) is one batch.
    """
    settings = Path(settings_file).resolve()
    while True:
        paths = watched_paths(settings_file)
        folders = [path for path in paths if path.is_dir()]
        files = {path: file_state(path) for path in paths if not path.is_dir()}
        for batch in watchfiles.watch(
            *folders,
            watch_filter=functools.partial(_filter, folders),
            step=STEP_MS,
            rust_timeout=max(1, round(interval * 1000)),
            yield_on_timeout=True,
            force_polling=force_polling or None,
            poll_delay_ms=max(1, round(interval * 1000)),
        ):
            changed = {path for _change, path in batch}
            for path, state in files.items():
                now = file_state(path)
                if now != state:
                    files[path] = now
                    changed.add(str(path))
            if changed:
                yield sorted(changed)
                if str(settings) in changed and _paths_now(settings_file, paths) != paths:
                    break  # the settings name other folders now: watch those from here on


def _paths_now(settings_file: str, paths: list[Path]) -> list[Path]:
    """watched_paths, or `paths` as they were while the settings file cannot be read (kept until it is fixed)."""
    try:
        return watched_paths(settings_file)
    except Exception:
        return paths


def run_build(settings_file: str, output: str, debug: bool) -> bool:
    """One staged build in a fresh process; its messages go straight to this terminal."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PLUGIN_DIR.parent), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "facility_site.build", "-s", settings_file, "-o", output]
    if debug:
        command.append("--debug")
    return subprocess.run(command, env=env, check=False).returncode == 0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the terminal is for build messages
        pass


def serve(output: str, bind: str, port: int) -> http.server.ThreadingHTTPServer:
    """Serve `output` in a background thread.

    The handler resolves each request against the folder's path, so it
    serves whatever the last successful build applied there.
    """
    handler = functools.partial(_QuietHandler, directory=output)
    server = http.server.ThreadingHTTPServer((bind, port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def say(message: str) -> None:
    print(f"devserver: {message}", flush=True)


def watch(settings_file: str, output: str, interval: float, debug: bool, force_polling: bool = False) -> None:
    for changed in changes(settings_file, interval, force_polling):
        shown = ", ".join(os.path.relpath(p) for p in changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        say(f"changed: {shown}; rebuilding")
        started = time.perf_counter()
        if run_build(settings_file, output, debug):
            say(f"rebuilt in {time.perf_counter() - started:.1f} s")
        else:
            say("build failed (see above); still serving the last good site")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m facility_site.devserver", description=__doc__.splitlines()[0])
    parser.add_argument("-s", "--settings", default="pelicanconf.py")
    parser.add_argument("-o", "--output", default="output")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between looks at the settings file (and between polls with --poll)")
    parser.add_argument("--poll", action="store_true", help="poll for changes, on file systems that report none (some network and container mounts)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    args = parser.parse_args(argv)
    output = str(Path(args.output).resolve())
    started = time.perf_counter()
    if run_build(args.settings, output, args.debug):
        say(f"built in {time.perf_counter() - started:.1f} s")
    else:
        say("first build failed (see above); fix it and save, the site is built again")
    try:
        server = serve(output, args.bind, args.port)
    except OSError as exc:
        print(f"devserver: cannot listen on {args.bind}:{args.port} ({exc.strerror or exc}); choose another PORT=", file=sys.stderr)
        return 1
    say(f"serving {os.path.relpath(output)}/ on http://{args.bind}:{args.port}/ (Ctrl+C to stop)")
    with server, contextlib.suppress(KeyboardInterrupt):
        watch(args.settings, output, args.interval, args.debug, args.poll)
    return 0


if __name__ == "__main__":
    sys.exit(main())
