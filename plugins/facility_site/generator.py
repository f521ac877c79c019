"""The Pelican generator: validated facilities in, pages out through Pelican's Writer."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from pelican.generators import Generator
from pelican.utils import get_relative_path, path_to_url

from .catalog import Catalog
from .embed import embed_cards
from .model import Facility
from .pagination import paginate
from .records import load_facilities
from .settings import resolve
from .vocab import DISABILITIES, PREFECTURES

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SitemapEntry:
    """What pelican-sitemap reads from the `page` template variable: a URL and a date.

    Passing our own date keeps sitemap.xml deterministic (it would use "now").
    """

    url: str
    modified: dt.datetime
    status: str = "published"


def _as_datetime(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


class FacilityGenerator(Generator):
    """Reads the records in generate_context (so errors stop the build before any write)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = resolve(self.settings)
        self.catalog: Catalog | None = None

    # --- context ---------------------------------------------------------

    def generate_context(self) -> None:
        facilities = load_facilities(self.options["records_path"])
        self._warn_stale(facilities)
        self.catalog = Catalog(facilities)
        self.context["facility_catalog"] = self.catalog
        embed_cards(self.context, set(self.catalog.by_id), self._render_embedded_card)

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
        if self.settings["RELATIVE_URLS"]:
            return path_to_url(get_relative_path(save_as))
        return self.settings["SITEURL"]

    def _render_embedded_card(self, facility_id: str, content) -> str:
        template = self.get_template("embedded_card")
        return template.render(
            facility=self.catalog.by_id[facility_id],
            SITEURL=self._site_url_for(content.save_as),
            **templating_globals(self.context),
        )

    # --- output ----------------------------------------------------------

    def generate_output(self, writer) -> None:
        catalog = self.catalog
        newest = max((f.updated for f in catalog.facilities), default=dt.date(2000, 1, 1))
        self._write(writer, "index.html", "", "home", newest, regions=catalog.regions())
        # The 404 page is served at any depth, so its links must be root-based.
        root = urlsplit(self.options["canonical_base"] or self.settings["SITEURL"]).path.rstrip("/")
        self._write(writer, "404.html", "404.html", "404", newest, SITEURL=root)
        for facility in catalog.facilities:
            self._write(writer, facility.save_as, facility.url_path, "facility", facility.updated, facility=facility)
        for pref in PREFECTURES:
            facilities = catalog.in_prefecture(pref)
            if not facilities:
                continue
            disability_counts = [(d, len(catalog.in_prefecture(pref, d))) for d in DISABILITIES]
            self._write_list(
                writer,
                f"pref/{pref.slug}/",
                "prefecture",
                facilities,
                prefecture=pref,
                disability_counts=disability_counts,
                cities=_city_index(facilities, self.options["per_page"]),
            )
            for disability, count in disability_counts:
                if count:
                    self._write_list(
                        writer,
                        f"pref/{pref.slug}/{disability.slug}/",
                        "prefecture_disability",
                        catalog.in_prefecture(pref, disability),
                        prefecture=pref,
                        disability=disability,
                    )
        for disability in DISABILITIES:
            facilities = catalog.with_disability(disability)
            pref_counts = [(p, len(catalog.in_prefecture(p, disability))) for p in PREFECTURES]
            self._write_list(
                writer,
                f"disability/{disability.slug}/",
                "disability",
                facilities,
                disability=disability,
                prefecture_counts=[(p, n) for p, n in pref_counts if n],
            )

    def _write_list(self, writer, base_url: str, template: str, facilities: list[Facility], **variables) -> None:
        newest = max((f.updated for f in facilities), default=dt.date(2000, 1, 1))
        for pagination in paginate(base_url, facilities, self.options["per_page"]):
            url = pagination.links[pagination.number - 1].url
            self._write(writer, f"{url}index.html", url, template, newest, pagination=pagination, **variables)

    def _write(self, writer, save_as: str, url: str, template: str, modified: dt.date, **variables) -> None:
        canonical_base = self.options["canonical_base"] or self.settings["SITEURL"]
        writer.write_file(
            save_as,
            self.get_template(template),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            page_url=url,
            canonical_url=f"{canonical_base}/{url}",
            page=SitemapEntry(url, _as_datetime(modified)),
            **variables,
        )


def templating_globals(context: dict) -> dict:
    """The site-wide settings a standalone template render needs (names, titles)."""
    return {key: context[key] for key in ("SITENAME",) if key in context}


def _city_index(facilities: list[Facility], per_page: int) -> list[tuple[str, int, int]]:
    """(city, count, page number where its first card appears), in listing order."""
    index: list[tuple[str, int, int]] = []
    for position, facility in enumerate(facilities):
        if index and index[-1][0] == facility.city:
            city, count, page = index[-1]
            index[-1] = (city, count + 1, page)
        else:
            index.append((facility.city, 1, position // per_page + 1))
    return index
