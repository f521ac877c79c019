"""The Pelican generator: validated facilities in, pages out through Pelican's Writer."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url

from .catalog import Catalog
from .compare_pages import write_compare_output
from .embed import embed_cards
from .model import Facility
from .pagination import paginate
from .records import load_facilities
from .search_page import write_search_output
from .settings import resolve
from .vocab import DISABILITIES

logger = logging.getLogger(__name__)

# Written when there are no records at all, so the dates stay fixed.
EPOCH = dt.date(2000, 1, 1)


@dataclass(frozen=True)
class SitemapEntry:
    """What pelican-sitemap reads from the `page` template variable: a URL and a date.

    Passing our own date keeps sitemap.xml deterministic (it would use "now").
    """

    url: str
    modified: dt.datetime
    status: str = "published"


@dataclass(frozen=True)
class Sections:
    """How a list page is divided: the heading each facility falls under, and the headings' id prefix."""

    title_of: Callable[[Facility], str]
    anchor_prefix: str


BY_CITY = Sections(lambda facility: facility.city, "city")
BY_PREFECTURE = Sections(lambda facility: facility.prefecture.name, "pref")


def save_as_for(url: str) -> str:
    """The file a site URL is written to: "pref/tokyo/" -> "pref/tokyo/index.html"."""
    return f"{url}index.html" if url == "" or url.endswith("/") else url


class FacilityGenerator(Generator):
    """Reads the records in generate_context (so errors stop the build before any write)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = resolve(self.settings)
        self.timezone = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
        self.catalog: Catalog | None = None
        self.newest_input = EPOCH

    # --- context ---------------------------------------------------------

    def generate_context(self) -> None:
        facilities = load_facilities(self.options["records_path"])
        self._warn_stale(facilities)
        self.catalog = Catalog(facilities)
        self.context["facility_catalog"] = self.catalog
        embed_cards(self.context, set(self.catalog.by_id), self._render_embedded_card)
        self.newest_input = self._newest_input_date()
        self._date_undated_pages()

    def _warn_stale(self, facilities: list[Facility]) -> None:
        today = self.options["today"] or dt.date.today()
        limit = self.options["stale_after_days"]
        for facility in facilities:
            age = (today - facility.updated).days
            if age > limit:
                logger.warning(
                    "facility_site: %s: updated: last checked %s, %d days ago (limit %d)",
                    facility.source_path,
                    facility.updated.isoformat(),
                    age,
                    limit,
                )

    def _site_url_for(self, save_as: str) -> str:
        """SITEURL as the Writer gives it to the page written to `save_as`."""
        if self.settings["RELATIVE_URLS"]:
            return path_to_url(get_relative_path(save_as))
        return self.settings["SITEURL"]

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
                content.modified = self._as_datetime(self.newest_input)

    def _as_datetime(self, day: dt.date) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, tzinfo=self.timezone)

    def _render_embedded_card(self, facility_id: str, content) -> str:
        return self.get_template("embedded_card").render(
            facility=self.catalog.by_id[facility_id],
            SITEURL=self._site_url_for(content.save_as),
            SITENAME=self.context.get("SITENAME", ""),
        )

    # --- output ----------------------------------------------------------

    def generate_output(self, writer) -> None:
        catalog = self.catalog
        self._write(writer, "", "home", self.newest_input, regions=catalog.regions())
        self._write_not_found(writer)
        for facility in catalog.facilities:
            self._write(writer, facility.url_path, "facility", facility.updated, facility=facility)
        for pref in catalog.prefectures_with_facilities():
            disability_counts = catalog.disability_counts_in(pref)
            self._write_list(
                writer,
                f"pref/{pref.slug}/",
                "prefecture",
                catalog.in_prefecture(pref),
                BY_CITY,
                prefecture=pref,
                disability_counts=disability_counts,
            )
            for disability, count in disability_counts:
                if count:
                    self._write_list(
                        writer,
                        f"pref/{pref.slug}/{disability.slug}/",
                        "prefecture_disability",
                        catalog.in_prefecture(pref, disability),
                        BY_CITY,
                        prefecture=pref,
                        disability=disability,
                    )
        for disability in DISABILITIES:
            self._write_list(
                writer,
                f"disability/{disability.slug}/",
                "disability",
                catalog.with_disability(disability),
                BY_PREFECTURE,
                disability=disability,
                prefecture_counts=catalog.prefecture_counts_for(disability),
            )
        write_compare_output(self, writer)
        write_search_output(self, writer)

    def _write_not_found(self, writer) -> None:
        # The 404 page is served for any missing path, at any depth, so its
        # links must be root-based rather than relative.
        root = urlsplit(self.options["canonical_base"] or self.settings["SITEURL"]).path.rstrip("/")
        self._write(writer, "404.html", "404", self.newest_input, SITEURL=root)

    def _write_list(
        self,
        writer,
        base_url: str,
        template: str,
        facilities: list[Facility],
        sections: Sections,
        **variables,
    ) -> None:
        """A paginated list of facility cards, divided into sections (cities or prefectures)."""
        newest = max((f.updated for f in facilities), default=EPOCH)
        per_page = self.options["per_page"]
        for pagination in paginate(base_url, facilities, per_page, sections.title_of, sections.anchor_prefix):
            self._write(writer, pagination.url, template, newest, pagination=pagination, **variables)

    def _write(self, writer, url: str, template: str, modified: dt.date, **variables) -> None:
        writer.write_file(
            save_as_for(url),
            self.get_template(template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            page_url=url,
            page=SitemapEntry(url, self._as_datetime(modified)),
            **variables,
        )
