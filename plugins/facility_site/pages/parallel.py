"""Render many pages in several processes, with the same files as rendering them one by one.

The generator queues its pages (SiteOutput.write_page) instead of writing
them at once; `render_pages` then forks `workers` processes that each write
every `workers`-th page through the same Pelican Writer. Forking shares the
whole build (records, catalog, templates) with the workers without pickling
anything, and each page depends only on its own variables and the shared
context, so the bytes do not depend on which process wrote them.

Pelican's `content_written` signal (pelican-sitemap listens to it, and so
may other plugins) is muted in the workers and sent afterwards in the
parent, once per page in queue order: receivers see exactly what a serial
build would have shown them.

A worker that fails (an exception, or an error logged while rendering)
makes the whole build fail; build.py then leaves the old output in place.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import traceback
from collections.abc import Callable, Sequence

from ..errors import FacilitySiteError

logger = logging.getLogger(__name__)

# Below this many pages a fork costs more than it saves; the tests force workers anyway.
MIN_PARALLEL_PAGES = 2000
WORKERS_ENV = "FACILITY_SITE_WORKERS"


class RenderError(FacilitySiteError):
    """A page failed to render in a worker process."""


def worker_count(configured: int | None, pages: int) -> int:
    """How many processes render `pages` pages.

    FACILITY_SITE_WORKERS from the environment, else the `render_workers`
    setting; when neither is set, os.cpu_count() from MIN_PARALLEL_PAGES pages up, else 1.
    """
    from_env = os.environ.get(WORKERS_ENV, "").strip()
    if from_env:
        try:
            workers = int(from_env)
        except ValueError:
            raise RenderError(f"{WORKERS_ENV} must be a whole number of processes, not {from_env!r}") from None
        if workers < 1:
            raise RenderError(f"{WORKERS_ENV} must be at least 1, not {workers}")
        return workers
    if configured:
        return configured
    return (os.cpu_count() or 1) if pages >= MIN_PARALLEL_PAGES else 1


class _ErrorCounter(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _work(jobs: Sequence, render: Callable, first: int, step: int, sender) -> None:
    """In a worker: render jobs[first::step], then report (errors logged, failure text or None)."""
    from pelican import signals

    counter = _ErrorCounter()
    logging.getLogger().addHandler(counter)
    failure = None
    try:
        with signals.content_written.muted():
            for index in range(first, len(jobs), step):
                render(jobs[index])
    except Exception as exc:  # reported to the parent, which stops the build
        failure = "".join(traceback.format_exception_only(exc)).strip()
        logger.debug("facility_site: worker %d failed:\n%s", first, traceback.format_exc())
    sys.stdout.flush()
    sys.stderr.flush()
    sender.send((counter.count, failure))
    sender.close()


def render_pages(jobs: Sequence, render: Callable, workers: int) -> None:
    """Call `render(job)` for every job, in `workers` forked processes (in this one when workers is 1)."""
    if workers <= 1 or len(jobs) < 2:
        for job in jobs:
            render(job)
        return
    workers = min(workers, len(jobs))
    context = multiprocessing.get_context("fork")
    sys.stdout.flush()
    sys.stderr.flush()
    running = []
    for first in range(workers):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_work, args=(jobs, render, first, workers, sender), name=f"facility-render-{first}")
        process.start()
        sender.close()
        running.append((process, receiver))
    problems = []
    for first, (process, receiver) in enumerate(running):
        try:
            errors, failure = receiver.recv()
        except EOFError:
            errors, failure = 0, None
        process.join()
        if failure:
            problems.append(f"render worker {first}: {failure}")
        elif errors:
            problems.append(f"render worker {first}: {errors} error(s) logged above")
        elif process.exitcode != 0:
            problems.append(f"render worker {first} exited with code {process.exitcode}")
    if problems:
        raise RenderError("; ".join(problems))
    logger.debug("facility_site: rendered %d pages in %d processes", len(jobs), workers)


def _map_work(function: Callable, items: Sequence, first: int, step: int, sender) -> None:
    """In a worker: function(item) for items[first::step], sent back pickled (or the failure)."""
    try:
        results = [function(items[index]) for index in range(first, len(items), step)]
        sender.send(("ok", results))
    except Exception as exc:  # reported to the parent, which stops the build
        sender.send(("failed", "".join(traceback.format_exception_only(exc)).strip()))
    sender.close()


def map_in_processes(function: Callable, items: Sequence, workers: int) -> list:
    """[function(item) for item in items], computed in `workers` forked processes; results must pickle."""
    if workers <= 1 or len(items) < 2:
        return [function(item) for item in items]
    workers = min(workers, len(items))
    context = multiprocessing.get_context("fork")
    sys.stdout.flush()
    sys.stderr.flush()
    running = []
    for first in range(workers):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(target=_map_work, args=(function, items, first, workers, sender), name=f"facility-map-{first}")
        process.start()
        sender.close()
        running.append((process, receiver))
    results: list = [None] * len(items)
    problems = []
    for first, (process, receiver) in enumerate(running):
        try:
            status, payload = receiver.recv()  # before join: a large result would block the worker
        except EOFError:
            status, payload = "failed", "exited without a result"
        process.join()
        if status == "ok":
            results[first::workers] = payload
        else:
            problems.append(f"worker {first}: {payload}")
    if problems:
        raise RenderError("; ".join(problems))
    return results
