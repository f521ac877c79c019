"""Serve a built site for `make serve`, or only check that its port is free.

    python tools/serve.py --directory output --bind 127.0.0.1 --port 8000
    python tools/serve.py --check --bind 127.0.0.1 --port 8000

Standard library only: the Makefile runs `--check` before anything is
installed or built. A port that is taken is one line naming `PORT=`, not a
traceback after a full build.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import socket
import sys


def port_problem(bind: str, port: int) -> str | None:
    """Why the port cannot be served on, in one line; None when it can."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in bind else socket.AF_INET, socket.SOCK_STREAM) as probe:
            # What http.server does too, so a port in TIME_WAIT is not reported as busy.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((bind, port))
    except OSError as exc:
        return describe(exc, bind, port)
    return None


def describe(exc: OSError, bind: str, port: int) -> str:
    if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
        return f"serve: port {port} on {bind} is already in use; choose another, e.g. PORT={port + 1 if port < 65535 else 8001}"
    return f"serve: cannot listen on {bind}:{port} ({exc.strerror or exc}); choose another PORT= or BIND="


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--directory", default="output")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--port", default="8000")
    parser.add_argument("--check", action="store_true", help="only check that the port is free")
    args = parser.parse_args(argv)
    try:
        port = int(args.port)
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        print(f"serve: PORT must be a number from 1 to 65535, not {args.port!r}", file=sys.stderr)
        return 2
    if args.check:
        problem = port_problem(args.bind, port)
        if problem:
            print(problem, file=sys.stderr)
        return 1 if problem else 0
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=args.directory)
    try:
        server = http.server.ThreadingHTTPServer((args.bind, port), handler)
    except OSError as exc:  # taken while the site was being built
        print(describe(exc, args.bind, port), file=sys.stderr)
        return 1
    with server, contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
