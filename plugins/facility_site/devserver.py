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

Changes are found by polling file sizes and modification times, which works
the same on every system and editor (no inotify dependency).
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
from pathlib import Path

PLUGIN_DIR = Path(__file__).resolve().parent
# Editor droppings and hidden files never trigger a rebuild.
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".pyc")

Snapshot = dict[str, tuple[int, int]]


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


def snapshot(paths: list[Path]) -> Snapshot:
    """(mtime in ns, size) of every file under `paths`, hidden files and editor droppings left out."""
    files: Snapshot = {}
    for root in paths:
        if root.is_file():
            stat = root.stat()
            files[str(root)] = (stat.st_mtime_ns, stat.st_size)
            continue
        for folder, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".") and d != "__pycache__"]
            for name in filenames:
                if name.startswith(".") or name.endswith(IGNORED_SUFFIXES):
                    continue
                path = os.path.join(folder, name)
                with contextlib.suppress(FileNotFoundError):  # removed while we looked
                    stat = os.stat(path)
                    files[path] = (stat.st_mtime_ns, stat.st_size)
    return files


def changed_files(before: Snapshot, after: Snapshot) -> list[str]:
    """Files added, removed or modified between two snapshots, sorted."""
    return sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))


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


def watch(settings_file: str, output: str, interval: float, debug: bool) -> None:
    paths = watched_paths(settings_file)
    before = snapshot(paths)
    while True:
        time.sleep(interval)
        after = snapshot(paths)
        changed = changed_files(before, after)
        if not changed:
            continue
        time.sleep(min(interval, 0.2))  # let an editor finish writing (save = truncate + write)
        after = snapshot(paths)
        changed = changed_files(before, after) or changed
        shown = ", ".join(os.path.relpath(p) for p in changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        say(f"changed: {shown}; rebuilding")
        started = time.perf_counter()
        if run_build(settings_file, output, debug):
            say(f"rebuilt in {time.perf_counter() - started:.1f} s")
        else:
            say("build failed (see above); still serving the last good site")
        with contextlib.suppress(Exception):  # a broken settings file: keep the old list until it is fixed
            paths = watched_paths(settings_file)
        before = after


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m facility_site.devserver", description=__doc__.splitlines()[0])
    parser.add_argument("-s", "--settings", default="pelicanconf.py")
    parser.add_argument("-o", "--output", default="output")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between checks for changes")
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
        watch(args.settings, output, args.interval, args.debug)
    return 0


if __name__ == "__main__":
    sys.exit(main())
