"""The Pelican generator: validated facilities in, pages out through Pelican's Writer."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from functools import partial
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pelican.generators import Generator

from .. import collector
from ..cache import BuildCache, Fingerprint
from ..records.model import Facility
from ..records.reader import load_facilities
from ..records.vocab import DISABILITIES
from ..settings import reference_date, resolve
from .catalog import Catalog
from .embed import embed_cards
from .facility_data import chunk_count
from .output import BY_CITY, BY_PREFECTURE, EPOCH, SiteOutput, day_start, site_url_for
from .parallel import map_in_processes, worker_count

logger = logging.getLogger(__name__)


class FacilityGenerator(Generator):
    """Reads the records in generate_context (so errors stop the build before any write).

    `output_parts` are the functions that write the rest of the site (compare,
    search, …), each given the same SiteOutput; plugin.py lists them.
    """

    output_parts: tuple[Callable[[SiteOutput], None], ...] = ()
    # Steps run on the validated records before any page is written (photos: encode or reuse);
    # each gets the facilities and the Pelican settings and returns the facilities.
    record_steps: tuple[Callable[[list[Facility], dict], list[Facility]], ...] = ()
    # Steps the build process runs while forked workers still render pages (a clean build: SiteOutput.finish),
    # once every part's data file and page is written; each gets this generator. A step only gets a head
    # start on work a later stage would do anyway (it is not run when nothing renders meanwhile), and must
    # change nothing a page is made from.
    while_rendering: tuple[Callable[[FacilityGenerator], None], ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = resolve(self.settings)
        self.cache = BuildCache(self.options["cache_path"])
        # Shared by the page and data chunk keys (pages/output.py), seeded from the records cache.
        self.fingerprint = Fingerprint(shared_types=(Facility,))
        self.timezone = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
        self.catalog: Catalog | None = None
        self.newest_input = EPOCH

    # --- context ---------------------------------------------------------

    def generate_context(self) -> None:
        memo = self.cache.load("records", changes=True) if self.cache.enabled else None
        facilities = load_facilities(self.options["records_path"], memo, self._map_files)
        collector.settle()  # the records live to the end of the build: later collections need not walk them (collector.py)
        if memo is not None:
            self._remember_digests(memo)
            self.cache.save("records", memo, changes=True)
        for step in self.record_steps:
            facilities = step(facilities, self.settings)
        self._warn_stale(facilities)
        self.catalog = Catalog(facilities, self.cache)
        self.context["facility_catalog"] = self.catalog
        # How many facility-data/<k>.json chunks there are; the site config block tells the browser.
        self.context["FACILITY_DATA_CHUNKS"] = chunk_count(len(facilities))
        # Every page of a site built from imported records credits the open data (its terms ask for it).
        imported = any(f.source for f in facilities)
        self.context["OPEN_DATA_CREDIT"] = self.options["open_data_credit"] if imported else None
        embed_cards(self.context, set(self.catalog.by_id), self._render_embedded_card)
        self.newest_input = self._newest_input_date()
        self._date_undated_pages()
        collector.settle()  # and so do the catalog and its nearby lists; the search index's stage walked them four times

    def _remember_digests(self, memo: dict) -> None:
        """Each cached Facility's fingerprint digest, kept beside it in the records cache.

        The page and chunk keys write a facility as its digest (cache.Fingerprint);
        a record read from the cache brings the digest computed when it was parsed
        (for a Facility with the very same fields), so a rebuild digests only the
        records that were parsed again. A Facility a record step or the satellite
        linking replaced is a new object and is digested as usual.
        """
        for shown, entry in memo.items():
            if len(entry) == 3 and isinstance(entry[2], bytes):
                self.fingerprint.remember(entry[1], entry[2])
            else:
                memo[shown] = (entry[0], entry[1], self.fingerprint.shared_digest(entry[1]))

    def _map_files(self, function, paths: list) -> list:
        """Parse record files in several processes on a large site (the render_workers rule)."""
        return map_in_processes(function, paths, worker_count(self.options["render_workers"], len(paths)))

    def _warn_stale(self, facilities: list[Facility]) -> None:
        today = reference_date(self.options)
        limit = self.options["stale_after_days"]
        for facility in facilities:
            # An import that found the office in the open data (source.confirmed) counts as a check too.
            since = facility.checked_since
            age = (today - since).days
            if age > limit:
                confirmed = f"; official data last confirmed {facility.confirmed.isoformat()}" if facility.confirmed else ""
                logger.warning(
                    "facility_site: %s:%d: updated: last checked %s%s, %d days ago (limit %d)",
                    facility.source_path,
                    facility.updated_line,
                    facility.updated.isoformat(),
                    confirmed,
                    age,
                    limit,
                )

    def _newest_input_date(self) -> dt.date:
        """The newest record or article date: when the home page (which lists both) last changed."""
        days = [f.updated for f in self.catalog.facilities]
        days += [a.date.date() for a in self.context.get("articles") or ()]
        return max(days, default=EPOCH)

    def _date_undated_pages(self) -> None:
        # pelican-sitemap dates a page without Date or Modified with the build
        # time, so two builds would differ. The newest input date is a fixed
        # stand-in; a page's own Modified: header still wins.
        for content in self.context.get("pages") or ():
            if not getattr(content, "modified", None) and not getattr(content, "date", None):
                content.modified = day_start(self.newest_input, self.timezone)

    def _render_embedded_card(self, facility_id: str, content, occurrence: int) -> str:
        return self.get_template("embedded_card").render(
            facility=self.catalog.by_id[facility_id],
            # The first card of a facility keeps the usual id; a repeat gets -2, -3 …
            card_id=f"card-{facility_id}" if occurrence == 1 else f"card-{facility_id}-{occurrence}",
            SITEURL=site_url_for(self.settings, content.save_as),
            SITENAME=self.context.get("SITENAME", ""),
        )

    # --- output ----------------------------------------------------------

    def generate_output(self, writer) -> None:
        site = SiteOutput(self, writer, self.catalog, self.newest_input)
        try:
            # A rebuild: the search data is made in another process meanwhile (SiteOutput.start_parts).
            site.start_parts(self.output_parts)
            write_core_pages(site)
            # A clean build: the facility pages and lists (nearly every page) render in other processes while
            # the parts below write the search data and the rest; finish() renders the parts' pages and waits for them.
            site.start_rendering()
            for write_part in self.output_parts:
                site.write_part(write_part)
            count = site.write_facility_data()
            logger.debug("facility_site: wrote %d facility data chunks", count)
            site.settle_parts()  # the pages of a part whose data half was still running, in their place
        except BaseException:
            site.stop_rendering()
            raise
        site.finish(while_rendering=[partial(step, self) for step in self.while_rendering])


def write_core_pages(site: SiteOutput) -> None:
    """Home, 404, one page per facility, and the prefecture and disability lists."""
    catalog = site.catalog
    site.write_page("", "home", site.newest_input, regions=catalog.regions())
    # The 404 page is served for any missing path, at any depth, so its
    # links must be root-based rather than relative.
    root = urlsplit(site.options["canonical_base"] or site.settings["SITEURL"]).path.rstrip("/")
    site.write_page("404.html", "404", site.newest_input, SITEURL=root)
    for facility in catalog.facilities:
        site.write_page(
            facility.url_path,
            "facility",
            facility.updated,
            facility=facility,
            same_operator=catalog.same_operator(facility),
            nearby=catalog.nearby.get(facility.id, ()),
        )
    for pref in catalog.prefectures_with_facilities():
        disability_counts = catalog.disability_counts_in(pref)
        site.write_list(
            f"pref/{pref.slug}/",
            "prefecture",
            catalog.in_prefecture(pref),
            BY_CITY,
            prefecture=pref,
            disability_counts=disability_counts,
        )
        for disability, count in disability_counts:
            if count:
                site.write_list(
                    f"pref/{pref.slug}/{disability.slug}/",
                    "prefecture_disability",
                    catalog.in_prefecture(pref, disability),
                    BY_CITY,
                    prefecture=pref,
                    disability=disability,
                )
    for disability in DISABILITIES:
        site.write_list(
            f"disability/{disability.slug}/",
            "disability",
            catalog.with_disability(disability),
            BY_PREFECTURE,
            disability=disability,
            prefecture_counts=catalog.prefecture_counts_for(disability),
        )
