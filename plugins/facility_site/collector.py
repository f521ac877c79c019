"""When the build moves its objects out of the cyclic garbage collector's sight, and why.

A 30,000-facility build keeps most of what it makes to the end: the
records, the catalog, the templates, the search index. CPython's full
collections (generation 2) walk every tracked object each time; in a clean
build the parent made 17 of them, 4.9 s of CPU, and each render worker made
one over the whole inherited heap, which writes to every object's GC header
and so copies each page of the parent's heap into the worker (fork shares
it copy-on-write). docs/benchmarks.md "The collector and system time".

`settle()` (gc.freeze) moves everything made so far into the permanent
generation, which no collection walks: objects there are still freed as
soon as nothing refers to them, only garbage cycles among them wait.
The build unfreezes when it ends (build.py, and the tests' build_site), so
a process that builds again (the tests) collects the last build's objects
as usual.
"""

from __future__ import annotations

import contextlib
import gc


def settle() -> None:
    """What exists now lives to the end of the build: keep it out of every later collection (see above)."""
    gc.freeze()


@contextlib.contextmanager
def paused():
    """No cyclic collection meanwhile: for a stretch that makes many objects that are all kept and form no garbage cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
