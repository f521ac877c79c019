"""Comparison output: the /compare/ page, per-facility JSON, static prefecture tables.

Called once from FacilityGenerator.generate_output. Pages go through the
generator's own writing helpers (Pelican's Writer), so they get the same
relative URLs, canonical links and sitemap entries as every other page.
"""

from __future__ import annotations

import datetime as dt
import logging

from .compare_data import COMPARE_ROWS, compare_cells, rows_config, write_compare_data

logger = logging.getLogger(__name__)


def table_url(prefecture) -> str:
    """Site-relative URL of a prefecture's static comparison table (no JavaScript needed)."""
    return f"pref/{prefecture.slug}/table/"


def write_compare_output(generator, writer) -> None:
    """Write /compare/, /pref/<slug>/table/ (paginated like the card list) and compare/data/<id>.json."""
    # Imported here: generator.py imports this module for its one call line.
    from .generator import BY_CITY

    catalog = generator.catalog
    prefectures = [(p, len(catalog.in_prefecture(p))) for p in catalog.prefectures_with_facilities()]
    newest = max((f.updated for f in catalog.facilities), default=dt.date(2000, 1, 1))
    generator._write(
        writer,
        "compare/",
        "compare",
        newest,
        compare_rows=COMPARE_ROWS,
        compare_rows_config=rows_config(),
        table_prefectures=prefectures,
        table_url=table_url,
    )
    for prefecture, _count in prefectures:
        generator._write_list(
            writer,
            table_url(prefecture),
            "compare_table",
            catalog.in_prefecture(prefecture),
            BY_CITY,
            prefecture=prefecture,
            compare_rows=COMPARE_ROWS,
            compare_cells=compare_cells,
        )
    count = write_compare_data(generator.output_path, catalog.facilities)
    logger.debug("facility_site: compare: wrote %d facility data files", count)
