"""The one writing interface every output part gets: pages, paginated lists and data files.

The generator builds a SiteOutput per build and hands it to each part
(compare, search, …). A part reads the catalog and options from it and
writes only through it, so no part needs the generator's internals and
every page gets the same relative URLs, canonical links and sitemap entry.
"""

from __future__ import annotations

import datetime as dt
import logging
import operator
import os
import re
from collections import ChainMap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from pathlib import Path

import deflate
from pelican import signals
from pelican.utils import get_relative_path, path_to_url, posixize_path, sanitised_join

from ..cache import BuildCache, Fingerprint
from ..errors import FacilitySiteError
from ..records.model import Facility
from ..staged import tree_for
from . import sitemap
from .catalog import Catalog
from .facility_data import FieldsFor, chunk_files
from .pagination import paginate
from .parallel import BackgroundRender, ForkedTask, render_pages, worker_count
from .reuse import PREVIOUS_OUTPUT, PageReuse, may_reuse_pages

logger = logging.getLogger(__name__)

# A "." or ".." part of a path: such a path goes through Pelican's own path functions.
_DOT_PART = re.compile(r"(^|/)\.\.?(/|$)")

# Written when there are no records at all, so the dates stay fixed.
EPOCH = dt.date(2000, 1, 1)

# The .gz twins of data files (write_data) are made with libdeflate (the `deflate` package): at
# level 10 (near-optimal parsing) they are 7% smaller than zlib's level 9 over the search data at
# 30,000 facilities, in about the same time. A file of TWIN_FAST_FROM bytes or more (the ten digit
# shards text/30.json … text/39.json, 0.5-1 MB each) gets level 6: about 9 ms a megabyte against
# zlib 9's 145 ms, and still 6-10% smaller than zlib 9's twin (docs/benchmarks.md, issue 15).
TWIN_LEVEL = 10
TWIN_FAST_LEVEL = 6
TWIN_FAST_FROM = 512 * 1024


# How many of the render processes the build process stands for when pages render while it goes on
# (start_rendering): it renders what is left once its own stages are done, so `render_workers` (2 on
# two cores) still counts the processes that render. One: clean 30,000 builds on two shared cores were
# no slower with one early worker than with two, in less memory (docs/benchmarks.md, "Overlapped stages").
BUILD_PROCESS_SHARE = 1

# Page keys worked out between two looks at whether a data half is done (settle_parts): at 20-150 µs a
# key, a look every few milliseconds.
WAITING_CHUNK = 64


def gzip_twin(data: bytes) -> bytes:
    """The .gz twin of `data`: gzip with no timestamp and no file name, so the same bytes give the same twin."""
    return deflate.gzip_compress(data, TWIN_FAST_LEVEL if len(data) >= TWIN_FAST_FROM else TWIN_LEVEL)


@dataclass(frozen=True)
class SitemapEntry:
    """What pelican-sitemap reads from the `page` template variable: a URL and a date.

    Passing our own date keeps sitemap.xml deterministic (it would use "now").
    """

    url: str
    modified: dt.datetime
    status: str = "published"


@dataclass(frozen=True)
class PageJob:
    """A page queued by write_page: its URL, template, sitemap date and template variables."""

    url: str
    template: str
    modified: dt.date
    variables: dict


@dataclass(frozen=True)
class SplitPart:
    """An output part in two halves: `data(site)` writes data files only (no page) and returns plain values
    that pickle; `pages(site, values)` queues the part's pages from them. Called, it runs both in turn;
    a rebuild runs `data` in a forked process from the start of the output stage (SiteOutput.start_parts)."""

    data: Callable[[SiteOutput], object]
    pages: Callable[[SiteOutput, object], None]

    def __call__(self, site: SiteOutput) -> None:
        self.pages(site, self.data(site))

    @property
    def __name__(self) -> str:
        return self.data.__name__


@dataclass(frozen=True)
class Sections:
    """How a list page is divided: the heading each facility falls under, and the headings' id prefix."""

    title_of: Callable[[Facility], str]
    anchor_prefix: str


# attrgetters, not lambdas: called for every card of every list (about 150,000 at 30,000 facilities) from C.
BY_CITY = Sections(operator.attrgetter("city"), "city")
BY_PREFECTURE = Sections(operator.attrgetter("prefecture.name"), "pref")
_UPDATED = operator.attrgetter("updated")


def save_as_for(url: str) -> str:
    """The file a site URL is written to: "pref/tokyo/" -> "pref/tokyo/index.html"."""
    return f"{url}index.html" if url == "" or url.endswith("/") else url


def _decision(reuse: PageReuse, job: PageJob, may_keep: bool = True) -> tuple[str | None, bool]:
    """The job's page key, and whether the previous output holds that very page (only asked when `may_keep`)."""
    # Keyed by what the page is made from: its page_url and sitemap entry follow from the URL,
    # the date and the time zone (a setting), so they are not fingerprinted again for each page.
    key = reuse.page_key(job.template, (job.url, job.modified, job.variables))
    return key, may_keep and reuse.unchanged(save_as_for(job.url), key)


def site_url_for(settings: dict, save_as: str) -> str:
    """SITEURL as the Writer gives it to the page written to `save_as`."""
    if settings["RELATIVE_URLS"]:
        return path_to_url(get_relative_path(save_as))
    return settings["SITEURL"]


def day_start(day: dt.date, timezone: tzinfo) -> dt.datetime:
    """Midnight of `day` in the site's time zone: the dates pages carry in the sitemap."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=timezone)


class SiteOutput:
    """Writes one build's pages (through Pelican's Writer) and data files (under the output folder)."""

    def __init__(self, generator, writer, catalog: Catalog, newest_input: dt.date):
        self._generator = generator
        self._writer = writer
        self.catalog = catalog
        self.newest_input = newest_input
        self.options: dict = generator.options
        self.settings: dict = generator.settings
        self.output_path = Path(generator.output_path)
        self._facility_fields: list[FieldsFor] = []
        self._pages: list[PageJob] = []
        self._queued: set[str] = set()
        # The first pages of _pages, rendering in forked workers while the build goes on (start_rendering).
        self._background: BackgroundRender | None = None
        # The data halves of split parts running in forked processes (start_parts), by part.
        self._forked: dict[SplitPart, ForkedTask] = {}
        # Parts whose data half was still running when write_part reached them, with where their pages go
        # in the queue (settle_parts), and the page decisions made meanwhile (save_as -> (key, unchanged)).
        self._waiting: list[tuple[SplitPart, int]] = []
        self._early: dict[str, tuple[str | None, bool]] = {}
        self._early_reuse: PageReuse | None = None
        # One per build, shared by the data chunks and the page keys: each facility is hashed once
        # (or not at all: the generator seeds it with the digests the records cache keeps).
        self.fingerprint = getattr(generator, "fingerprint", None) or Fingerprint(shared_types=(Facility,))
        if self.cache.enabled:
            for facility in catalog.facilities:  # written as its digest in page and chunk keys (Fingerprint.page_digest)
                self.fingerprint.tag(facility)

    @property
    def cache(self) -> BuildCache:
        """The build cache (cache.py), for parts that keep what they computed between builds."""
        return self._generator.cache

    def write_page(self, url: str, template: str, modified: dt.date, **variables) -> None:
        """One page at a site URL ("pref/tokyo/"), dated `modified` in the sitemap.

        The page is queued and written by `finish()`, in several processes on
        a large site (pages/parallel.py); parts never see the difference.
        """
        save_as = save_as_for(url)
        if save_as in self._queued:
            raise FacilitySiteError(f"two pages would be written to {save_as}")
        self._queued.add(save_as)
        self._pages.append(PageJob(url, template, modified, variables))

    def _render_page(self, job: PageJob) -> None:
        """Write one queued page through Pelican's Writer (in whichever process renders it)."""
        self._writer.write_file(
            save_as_for(job.url),
            self._generator.get_template(job.template),
            self._generator.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            **self._page_variables(job),
        )

    def _page_variables(self, job: PageJob) -> dict:
        return {"page_url": job.url, "page": SitemapEntry(job.url, day_start(job.modified, self._generator.timezone)), **job.variables}

    def start_parts(self, parts) -> None:
        """In a rebuild with more than one process, start the data half of each SplitPart in a forked process.

        A rebuild keeps nearly every page and renders the few an edit reaches once
        it has every page's key, in one process: the search data (its rows, text
        index and 4,000 files) was the largest stage that needs nothing the core
        pages and page keys make, and the second core idled. The data half reads
        only the catalog, the options, the cache and the previous output, writes
        only its own data files and cache tables, and queues no page; what it keeps
        of the previous output and what it logs are handed back when `write_part`
        reaches the part, which then queues the part's pages in its usual place.
        A clean build renders pages in the other processes instead (start_rendering)
        and runs each part whole in its turn.
        """
        if not may_reuse_pages(self.cache, self.settings):
            return
        if worker_count(self.options["render_workers"], len(self.catalog.facilities)) <= 1:
            return
        for part in parts:
            if isinstance(part, SplitPart):
                self._forked[part] = ForkedTask(lambda part=part: self._data_half(part), part.__name__)

    def _data_half(self, part: SplitPart) -> tuple[object, set[str]]:
        """In the forked process: the part's data half; (its values, the previous output's files it kept)."""
        tree = tree_for(self.output_path)
        kept_before = set(tree.kept) if tree is not None else set()
        queued = len(self._pages)
        values = part.data(self)
        if len(self._pages) != queued:
            raise FacilitySiteError(f"{part.__name__} queued a page in its data half")
        return values, (tree.kept - kept_before) if tree is not None else set()

    def write_part(self, part: Callable[[SiteOutput], None]) -> None:
        """Run an output part here, or queue its pages from the result of its data half (start_parts).

        A forked data half is not waited for here: the parts after it and the
        facility data chunks go on meanwhile, and its pages are queued at this
        place in the queue when settle_parts takes its result. (Always then,
        even when it is done already: what it logged is said at one place.)
        """
        if part in self._forked:
            self._waiting.append((part, len(self._pages)))
        else:
            part(self)

    def settle_parts(self) -> None:
        """Queue the pages of the parts write_part left waiting for their data half, each at its place.

        While a data half still runs, this process works out the keys of the
        pages queued so far (_decide_while_waiting): in a one-record rebuild at
        30,000 facilities it used to wait 0.4-1.8 s for the search data, a core
        idle, and then work out all 35,000 keys in finish().
        """
        waiting, self._waiting = self._waiting, []
        facility_fields = len(self._facility_fields)
        placed: list[tuple[int, list[PageJob]]] = []
        for part, at in waiting:  # results taken in order, so what the data halves logged is said in order
            self._decide_while_waiting(self._forked[part])
            queued = len(self._pages)
            self._queue_forked_part(part)
            placed.append((at, self._pages[queued:]))
            del self._pages[queued:]
        for at, jobs in reversed(placed):  # the last first: the earlier places stay where they are
            self._pages[at:at] = jobs
        if len(self._facility_fields) != facility_fields:
            raise FacilitySiteError("a split part's pages half added facility fields after the data chunks were written")

    def _decide_while_waiting(self, forked: ForkedTask) -> None:
        """Work out the queued pages' keys (in a rebuild) until `forked` has its result."""
        if self._early_reuse is None:  # made even when `forked` is done: the page manifest is read at one place
            if not may_reuse_pages(self.cache, self.settings):
                return
            self._early_reuse = PageReuse(self._generator.cache, self.settings, self._generator.context, self.fingerprint)
        reuse, jobs, early = self._early_reuse, self._pages, self._early
        if not reuse.manifest:
            return
        before = len(early)
        while len(early) < len(jobs) and not forked.ready():
            for job in jobs[len(early) : len(early) + WAITING_CHUNK]:
                early[save_as_for(job.url)] = _decision(reuse, job)
        logger.debug("facility_site: %d page keys worked out while %s ran", len(early) - before, forked.name)

    def _queue_forked_part(self, part: SplitPart) -> None:
        values, kept = self._forked.pop(part).result()
        tree = tree_for(self.output_path)
        for relative in sorted(kept) if tree is not None else ():
            tree.keep(relative)
        part.pages(self, values)

    def start_rendering(self) -> None:
        """Start rendering the pages queued so far in forked workers, while the build goes on.

        Only in a build with no previous pages to reuse (a clean build, where
        every page is rendered): a rebuild renders the few pages an edit reaches
        in finish(), once it knows which. The workers render each page from what
        the build held when they forked. That is what finish() would render it
        from: the parts and stages that run afterwards (the search output, the
        facility data chunks, …) add pages and data files but change neither
        the settings, nor the shared context, nor a queued page's variables,
        nor the catalog and records those point to; a W=1 and a W=2 build are
        compared byte for byte in tests/pages/test_parallel_render.py.
        """
        if self._background is not None or not self._pages or may_reuse_pages(self.cache, self.settings):
            return
        workers = worker_count(self.options["render_workers"], len(self._pages))
        if workers <= 1 or len(self._pages) < 2:
            return
        self._compile_templates(self._pages)
        self._background = BackgroundRender(list(self._pages), self._render_page, max(1, workers - BUILD_PROCESS_SHARE))

    def _compile_templates(self, jobs: list[PageJob]) -> None:
        """Compile the jobs' templates here, once, before the render workers fork (else each worker would)."""
        for name in sorted({job.template for job in jobs}):
            self._generator.get_template(name)

    def stop_rendering(self) -> None:
        """End the workers start_rendering and start_parts began (the build failed), so none writes into the staged output."""
        background, self._background = self._background, None
        if background is not None:
            background.stop()
        forked, self._forked = self._forked, {}
        for task in forked.values():
            task.stop()

    def finish(self, while_rendering: Sequence[Callable[[], None]] = ()) -> None:
        """Write every queued page: unchanged ones linked from the previous output (pages/reuse.py),
        the rest rendered, in several processes on a large site (parallel.worker_count). Pages that
        start_rendering gave to workers are rendered there; this process renders the pages queued
        since, runs the `while_rendering` steps (only then: not when no worker renders meanwhile),
        then takes what is left of the workers' pages. A step that fails ends the workers."""
        try:
            self._finish(while_rendering)
        except BaseException:
            self.stop_rendering()
            raise

    def _finish(self, while_rendering: Sequence[Callable[[], None]]) -> None:
        if self._waiting:
            raise FacilitySiteError("finish() before settle_parts(): a split part's pages are not queued")
        jobs, self._pages = self._pages, []
        background = self._background
        started = len(background) if background is not None else 0
        # The decisions made while waiting for a data half (settle_parts) hold if the site key still says what it said.
        reuse, early = self._early_reuse, self._early
        self._early_reuse, self._early = None, {}
        if reuse is None or not reuse.still_current(self.settings, self._generator.context):
            reuse, early = PageReuse(self._generator.cache, self.settings, self._generator.context, self.fingerprint), {}
        keys, to_render = {}, []
        for index, (job, (key, unchanged)) in enumerate(zip(jobs, self._decide_pages(reuse, jobs, started, early), strict=True)):
            save_as = save_as_for(job.url)
            if key is not None:
                keys[save_as] = key
            # A page given to the workers is rendered (no previous page to reuse: start_rendering).
            if index >= started and not (unchanged and reuse.keep(save_as, self.output_path)):
                to_render.append(job)
        with signals.content_written.muted():  # sent below for every page, reused or rendered, in order
            if background is None:
                workers = worker_count(self.options["render_workers"], len(to_render))
                if workers > 1:
                    self._compile_templates(to_render)
                render_pages(to_render, self._render_page, workers)
            else:
                for job in to_render:
                    self._render_page(job)
                for step in while_rendering:
                    step()
                background.help()
                background.join()
                self._background = None
        logger.debug("facility_site: %d pages rendered, %d reused from the previous output", started + len(to_render), len(jobs) - started - len(to_render))
        if reuse.site_key is not None:
            reuse.remember(keys)
        self._queue_for_sitemap(jobs)

    def _decide_pages(self, reuse: PageReuse, jobs: list[PageJob], started: int, early: dict) -> list[tuple[str | None, bool]]:
        """Each job's page key, and whether the previous output holds that very page (jobs from `started` on).

        `early` holds the decisions made while a data half ran (settle_parts), by
        file. In a rebuild on a large site the second half of the others is
        worked out in a forked process meanwhile: keying 35,000 pages was the
        largest stage of a one-record rebuild left in one process. Both halves
        read and change nothing (PageReuse.unchanged); the pages are kept or
        rendered here afterwards.
        """
        decided = [early.get(save_as_for(job.url)) if early else None for job in jobs]
        todo = [index for index, decision in enumerate(decided) if decision is None]

        def decide(first: int, stop: int) -> list[tuple[str | None, bool]]:
            return [_decision(reuse, jobs[index], index >= started) for index in todo[first:stop]]

        if not reuse.manifest or len(todo) < 2 or worker_count(self.options["render_workers"], len(todo)) <= 1:
            made = decide(0, len(todo))
        else:
            half = len(todo) // 2
            other = ForkedTask(lambda: decide(half, len(todo)), "page-keys")
            try:
                here = decide(0, half)
            except BaseException:
                other.stop()
                raise
            made = here + other.result()
        for index, decision in zip(todo, made, strict=True):
            decided[index] = decision
        return decided

    def _queue_for_sitemap(self, jobs: list[PageJob]) -> None:
        """Give the pages to the sitemap (pages/sitemap.py), and send content_written for them only
        when some other receiver listens, or when pelican-sitemap writes this build's sitemap."""
        timezone = self._generator.timezone
        # Each date's midnight, made once: 35,000 pages share a few hundred dates.
        days = {day: day_start(day, timezone) for day in {job.modified for job in jobs}}
        if not sitemap.queue_site_pages([(job.url, days[job.modified]) for job in jobs]):
            self._announce_written(jobs, days)
        elif sitemap.others_listen():
            with sitemap.paused():  # queued above already
                self._announce_written(jobs, days)

    def _announce_written(self, jobs: list[PageJob], days: dict[dt.date, dt.datetime]) -> None:
        """Send content_written for each page in queue order, as the Writer would have (muted while rendering);
        `days`: each page date's midnight in the site's time zone."""
        if not signals.content_written.receivers:
            return
        context = self._generator.context
        relative = self.settings["RELATIVE_URLS"]
        output = str(self.output_path)
        base = posixize_path(os.path.abspath(output)) + "/"
        roots: dict[int, str] = {}
        send = signals.content_written.send
        for job in jobs:
            save_as = save_as_for(job.url)
            # A plain relative path ("pref/tokyo/index.html", as the generator's URLs give): Pelican's
            # sanitised_join and get_relative_path, worked out without splitting each path again
            # (they were most of this loop at 35,000 pages); anything else goes through Pelican's.
            plain = not save_as.startswith("/") and "//" not in save_as and not _DOT_PART.search(save_as)
            own = {"localsiteurl": context.get("localsiteurl")}
            if relative:
                if plain:
                    root = roots.get(save_as.count("/"))
                    if root is None:
                        root = roots[save_as.count("/")] = path_to_url(get_relative_path(save_as))
                else:
                    root = path_to_url(get_relative_path(save_as))
                own["SITEURL"] = own["localsiteurl"] = root
            own["output_file"] = save_as
            # As _page_variables gives them, with each date's midnight shared.
            own["page_url"] = job.url
            own["page"] = SitemapEntry(job.url, days[job.modified])
            own.update(job.variables)
            # The page's own values over the shared context, as the Writer's copy would read; a view,
            # not a copy of the whole context for each of 35,000 pages.
            path = base + save_as if plain else sanitised_join(output, save_as)
            send(path, context=ChainMap(own, context))

    def write_list(self, base_url: str, template: str, facilities: list[Facility], sections: Sections, **variables) -> None:
        """A paginated list of facility cards, divided into sections (cities or prefectures)."""
        newest = max(map(_UPDATED, facilities), default=EPOCH)
        per_page = self.options["per_page"]
        for pagination in paginate(base_url, facilities, per_page, sections.title_of, sections.anchor_prefix):
            self.write_page(pagination.url, template, newest, pagination=pagination, **variables)

    @property
    def previous_output(self) -> Path | None:
        """The output folder this build will replace (build.py sets it), or None."""
        previous = self.settings.get(PREVIOUS_OUTPUT)
        return Path(previous) if previous else None

    def write_data(self, path: str, data: bytes, gzip_from: int | None = None, previous: str | None = None) -> Path:
        """A data file at `path` under the output folder; a .gz twin too when it is `gzip_from` bytes or more.

        When the previous output's file at `previous` (default: the same path)
        holds the same bytes, that file (and its .gz twin) is linked instead:
        nothing is written or compressed again, and the timestamp is kept.
        """
        target = self.output_path / path
        twin = gzip_from is not None and len(data) >= gzip_from
        if self._link_previous(previous or path, data, target, twin, kept=path if previous in (None, path) else None):
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if twin:
            target.with_name(target.name + ".gz").write_bytes(gzip_twin(data))
        return target

    def _link_previous(self, path: str, data: bytes, target: Path, twin: bool, kept: str | None) -> bool:
        if self.previous_output is None:
            return False
        old = self.previous_output / path
        old_twin = old.with_name(old.name + ".gz")
        try:
            if old.stat().st_size != len(data) or (twin and not old_twin.is_file()) or old.read_bytes() != data:
                return False
            tree = tree_for(self.output_path)
            if kept is not None and tree is not None and tree.output == self.previous_output:
                # The same file at the same place: kept where it is (staged.py), nothing written to staging.
                tree.keep(kept)
                if twin:
                    tree.keep(kept + ".gz")
                return True
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(old, target)
            if twin:
                os.link(old_twin, target.with_name(target.name + ".gz"))
        except OSError:  # gone, unreadable, or no hard links here: write it
            target.unlink(missing_ok=True)
            return False
        return True

    def add_facility_fields(self, fields_for: FieldsFor) -> None:
        """Fields a part adds to every facility's entry in the shared data chunks (pages/facility_data.py)."""
        self._facility_fields.append(fields_for)

    def write_facility_data(self) -> int:
        """Write the chunks once every part has added its fields; return how many files were written."""
        files = chunk_files(self.catalog.facilities, self._facility_fields, self._generator.cache, self.fingerprint)
        for path, data in files.items():
            self.write_data(path, data)
        return len(files)
