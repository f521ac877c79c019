"""Jinja filters and globals the theme uses to show facility data."""

from __future__ import annotations

import datetime as dt
import os

from jinja2 import Environment, FileSystemBytecodeCache
from markupsafe import Markup

from ..geo.maps import map_links
from ..geo.nearby import NEARBY_MAX_KM
from ..hosting.policy import content_security_policy
from ..records.metrics import METRIC_SPECS, NOT_ENTERED_LABEL, NOT_PUBLISHED_LABEL
from ..records.vocab import CONDITIONS, DISABILITIES, REGIONS, SERVICES
from ..settings import reference_date


def date_ja(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def page_path(output_file: str) -> str:
    """The URL path of a written file: "pref/tokyo/index.html" -> "pref/tokyo/"."""
    if output_file == "index.html" or output_file.endswith("/index.html"):
        return output_file[: -len("index.html")]
    return output_file


def install(env: Environment, options: dict) -> None:
    if options["cache_path"]:
        # Compiled templates are kept in the build cache (Jinja checks each template's source checksum).
        folder = os.path.join(options["cache_path"], "jinja")
        os.makedirs(folder, exist_ok=True)
        env.bytecode_cache = FileSystemBytecodeCache(folder)

    def canonical_url(output_file: str | None) -> str:
        """Absolute address of the page written to `output_file`; "" when no canonical_base is set."""
        base = options["canonical_base"]
        return f"{base}/{page_path(output_file)}" if base and output_file else ""

    # A facility appears on up to eleven list pages (its prefecture, each
    # disability subpage, each national disability list) but its card only
    # differs by the page's depth (SITEURL) and heading level. Rendering each
    # variant once saves most of a national build's template time.
    rendered_cards: dict[tuple, Markup] = {}

    def facility_card_html(facility, site_url: str, heading_level: int = 3) -> Markup:
        key = (facility.id, site_url, heading_level)
        card = rendered_cards.get(key)
        if card is None:
            macros = env.get_template("_macros.html").module
            card = rendered_cards[key] = Markup(macros.facility_card(facility, site_url, heading_level))
        return card

    # A list's pages share one section index (pages/pagination.py): the same city tiles on every page of a
    # prefecture list. Rendered once per index and page depth; the index is kept with its markup so its
    # id() cannot be reused by another object while the build runs.
    rendered_indexes: dict[tuple, tuple[object, Markup]] = {}

    def section_index_html(pagination, site_url: str, title: str, heading_id: str) -> Markup:
        index = pagination.section_index
        key = (id(index), site_url, title, heading_id)
        kept = rendered_indexes.get(key)
        if kept is None:
            macros = env.get_template("_macros.html").module
            kept = rendered_indexes[key] = (index, Markup(macros.section_index(pagination, site_url, title, heading_id)))
        return kept[1]

    env.filters.update({"date_ja": date_ja})
    env.globals.update(
        {
            "DISABILITIES": DISABILITIES,
            "SERVICES": SERVICES,
            "CONDITIONS": CONDITIONS,
            "REGIONS": REGIONS,
            "METRIC_SPECS": METRIC_SPECS,
            "NOT_PUBLISHED_LABEL": NOT_PUBLISHED_LABEL,
            "NOT_ENTERED_LABEL": NOT_ENTERED_LABEL,
            "FACILITY_OPTIONS": options,
            "CONTENT_SECURITY_POLICY": content_security_policy(options),
            "canonical_url": canonical_url,
            "facility_card_html": facility_card_html,
            "section_index_html": section_index_html,
            # 「地図で見る」 links of a facility: made from the facility alone, so the facility page's
            # key (which holds the facility) covers them without hashing each page's URLs.
            "map_links": map_links,
            # The build's "today", from which a 空き状況 older than 60 days reads 要確認.
            "REFERENCE_DATE": reference_date(options),
            "NEARBY_MAX_KM": NEARBY_MAX_KM,
        }
    )
