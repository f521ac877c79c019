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

import functools
import logging
import multiprocessing
import os
import pickle
import sys
import traceback
from collections.abc import Callable, Sequence

from .. import collector
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


class ErrorCounter(logging.Handler):
    """Counts the errors logged while it is attached (a build or worker fails on any)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _in_worker(task: Callable[[int], object], first: int, sender) -> None:
    """In a forked worker: run task(first), then send (errors logged, failure text or None, result)."""
    from pelican import signals

    counter = ErrorCounter()
    logging.getLogger().addHandler(counter)
    failure = result = None
    try:
        with signals.content_written.muted():
            result = task(first)
    except Exception as exc:  # reported to the parent, which stops the build
        failure = "".join(traceback.format_exception_only(exc)).strip()
        logger.debug("facility_site: worker %d failed:\n%s", first, traceback.format_exc())
    sys.stdout.flush()
    sys.stderr.flush()
    sender.send((counter.count, failure, result))
    sender.close()


def run_forked(task: Callable[[int], object], workers: int, name: str) -> list:
    """[task(0), …, task(workers - 1)], each in its own forked process; the results must pickle.

    The one launcher render_pages and map_in_processes share: fork (so the
    workers see the whole build without pickling it), collect each worker's
    result before joining it (a large result would block the worker), and
    raise RenderError naming every worker that failed, logged an error, or
    exited without reporting.
    """
    return _collect(_start(task, workers, name), name)


def _start(task: Callable[[int], object], workers: int, name: str) -> list:
    """Fork `workers` processes running task(0), …, task(workers - 1); [(process, receiver)]."""
    context = multiprocessing.get_context("fork")
    sys.stdout.flush()
    sys.stderr.flush()
    # Frozen right before the fork, as the gc module's documentation advises: the workers' full collections then
    # skip everything they inherit instead of writing to each inherited object's GC header, which copied the
    # parent's heap page by page into every render worker (collector.py). The parent keeps it frozen too: it all
    # lives to the end of the build.
    collector.settle()
    running = []
    try:
        for first in range(workers):
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_in_worker, args=(task, first, sender), name=f"facility-{name}-{first}")
            process.start()
            sender.close()
            running.append((process, receiver))
    except BaseException:
        _stop(running)
        raise
    return running


def _collect(running: list, name: str) -> list:
    """Each worker's result, in order, once it has exited; RenderError naming every worker that failed."""
    results, problems = [], []
    for first, (process, receiver) in enumerate(running):
        # Unpickling the parsed records (30,000 at national scale) set off five full collections
        # over the growing heap; what arrives is all kept and has no garbage cycles.
        with collector.paused():
            try:
                errors, failure, result = receiver.recv()
            except EOFError:
                errors, failure, result = 0, "exited without a result", None
        receiver.close()
        process.join()
        results.append(result)
        if failure:
            problems.append(f"{name} worker {first}: {failure}")
        elif errors:
            problems.append(f"{name} worker {first}: {errors} error(s) logged above")
        elif process.exitcode != 0:
            problems.append(f"{name} worker {first} exited with code {process.exitcode}")
    if problems:
        raise RenderError("; ".join(problems))
    return results


def _stop(running: list) -> None:
    """End workers that are still running and wait for them: nothing writes after this returns."""
    for process, _receiver in running:
        if process.is_alive():
            process.terminate()
    for process, receiver in running:
        process.join()
        receiver.close()


def render_pages(jobs: Sequence, render: Callable, workers: int) -> None:
    """Call `render(job)` for every job, in `workers` forked processes (in this one when workers is 1)."""
    if workers <= 1 or len(jobs) < 2:
        for job in jobs:
            render(job)
        return
    workers = min(workers, len(jobs))

    def render_share(first: int) -> None:
        for index in range(first, len(jobs), workers):
            render(jobs[index])

    run_forked(render_share, workers, "render")
    logger.debug("facility_site: rendered %d pages in %d processes", len(jobs), workers)


def map_in_processes(function: Callable, items: Sequence, workers: int) -> list:
    """[function(item) for item in items], computed in `workers` forked processes; results must pickle."""
    if workers <= 1 or len(items) < 2:
        return [function(item) for item in items]
    workers = min(workers, len(items))
    shares = run_forked(lambda first: [function(items[index]) for index in range(first, len(items), workers)], workers, "map")
    results: list = [None] * len(items)
    for first, share in enumerate(shares):
        results[first::workers] = share
    return results


# Pages a render process takes at a time from a BackgroundRender's queue: small enough that the
# processes finish together, large enough that taking a share costs nothing against rendering it.
SHARE_PAGES = 16


class BackgroundRender:
    """Render `jobs` in forked workers while this process goes on with the build.

    The workers take SHARE_PAGES pages at a time from a counter in shared
    memory; once the build process has nothing else to do it takes shares
    too (`help`), so no core idles while pages are left, whichever process
    is done first. A page is rendered from what the build held when the
    workers forked: nothing run after `start` may change what a queued page
    is made from (SiteOutput.start_rendering says why that holds).
    """

    def __init__(self, jobs: Sequence, render: Callable, workers: int):
        self._jobs = jobs
        self._render = render
        self._next = multiprocessing.get_context("fork").Value("q", 0)
        self.workers = min(workers, len(jobs))
        self._here = 0  # pages this process rendered (help)
        self._running = _start(self._render_shares, self.workers, "render")

    def __len__(self) -> int:
        return len(self._jobs)

    def _take(self) -> range:
        with self._next.get_lock():
            start = self._next.value
            self._next.value = start + SHARE_PAGES
        return range(start, min(start + SHARE_PAGES, len(self._jobs)))

    def _render_shares(self, _first: int = 0) -> int:
        rendered = 0
        while share := self._take():
            for index in share:
                self._render(self._jobs[index])
            rendered += len(share)
        return rendered

    def help(self) -> int:
        """Render shares in this process until none is left; how many pages this process rendered."""
        try:
            self._here = self._render_shares()
            return self._here
        except Exception as exc:  # as a worker's failure would read
            failure = "".join(traceback.format_exception_only(exc)).strip()
            raise RenderError(f"render in the build process: {failure}") from exc

    def join(self) -> list[int]:
        """Wait for the workers; how many pages each rendered. RenderError if any failed."""
        running, self._running = self._running, []
        shares = _collect(running, "render")
        logger.debug(
            "facility_site: rendered %d pages in %d processes (%d of them in the build process, after its other stages)",
            len(self._jobs),
            len(shares) + 1,
            self._here,
        )
        return shares

    def stop(self) -> None:
        """End the workers without waiting for their pages (the build failed): nothing is written after this."""
        running, self._running = self._running, []
        _stop(running)


class ForkedTask:
    """`task()` in one forked process while this one goes on; `result()` waits for it and returns its value.

    For a stage of the build that is independent of what this process does
    meanwhile (a rebuild's search data and half of its page keys, pages/output.py).
    What the task logs and prints is collected there and said here by `result()`,
    in order, as if this process had said it at that point: the build's error
    counter, its handlers, the tests' log capture and the order of the build's
    messages are as without the fork. An exception the task raises is raised
    here (as itself when it pickles, else as a RenderError naming it). `stop()`
    ends the process without waiting for it: nothing it does reaches the output
    after that.
    """

    def __init__(self, task: Callable[[], object], name: str):
        self.name = name
        self._running = _start(functools.partial(_said_here, task), 1, name)

    def ready(self) -> bool:
        """Whether result() would return without waiting: the task has sent its outcome, or its process is gone."""
        if not self._running:
            return True
        process, receiver = self._running[0]
        return receiver.poll() or not process.is_alive()

    def result(self):
        running, self._running = self._running, []
        if not running:
            raise RenderError(f"{self.name} worker: stopped before its result was taken")
        ((outcome, said),) = _collect(running, self.name)
        for where, what in said:
            if where == "log":
                logging.getLogger(what.name).handle(what)
            else:
                getattr(sys, where).write(what)
        kind, value = outcome
        if kind == "raised":
            raise value
        return value

    def stop(self) -> None:
        running, self._running = self._running, []
        _stop(running)


class _Collected(logging.Handler):
    """The records a forked task logs, made ready to be sent to the parent (as logging.handlers.QueueHandler does)."""

    def __init__(self, said: list):
        super().__init__(level=logging.NOTSET)
        self._said = said

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
        self._said.append(("log", record))


class _Printed:
    """Stands for sys.stdout or sys.stderr in a forked task: what is written goes to the parent, in order."""

    def __init__(self, said: list, where: str):
        self._said = said
        self._where = where

    def write(self, text: str) -> int:
        self._said.append((self._where, text))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _said_here(task: Callable[[], object], _first: int) -> tuple[tuple[str, object], list]:
    """In a ForkedTask's process: run the task with what it logs and prints collected; ((kind, value), what it said)."""
    said: list = []
    logging.getLogger().handlers = [_Collected(said)]  # this process's own; the parent handles the records
    sys.stdout, sys.stderr = _Printed(said, "stdout"), _Printed(said, "stderr")
    try:
        outcome = ("returned", task())
    except Exception as exc:
        logger.debug("facility_site: %s", traceback.format_exc())
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            exc = RenderError("".join(traceback.format_exception_only(exc)).strip())
        outcome = ("raised", exc)
    return outcome, said
