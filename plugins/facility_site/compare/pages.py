"""Comparison output: the /compare/ page, its fields in the facility data chunks, static prefecture tables.

An output part: the generator calls write_compare_output with its SiteOutput.
Pages go through Pelican's Writer there, so they get the same relative URLs,
canonical links and sitemap entries as every other page.
"""

from __future__ import annotations

from ..pages.output import BY_CITY, EPOCH, SiteOutput
from ..settings import reference_date
from .data import COMPARE_ROWS, CellsOn, CompareFields, rows_config


def table_url(prefecture) -> str:
    """Site-relative URL of a prefecture's static comparison table (no JavaScript needed)."""
    return f"pref/{prefecture.slug}/table/"


def write_compare_output(site: SiteOutput) -> None:
    """Write /compare/ and /pref/<slug>/table/ (paginated like the card list); add the cells to the data chunks."""
    catalog = site.catalog
    today = reference_date(site.options)
    prefectures = [(p, len(catalog.in_prefecture(p))) for p in catalog.prefectures_with_facilities()]
    newest = max((f.updated for f in catalog.facilities), default=EPOCH)
    site.write_page(
        "compare/",
        "compare",
        newest,
        compare_rows=COMPARE_ROWS,
        compare_rows_config=rows_config(),
        table_prefectures=prefectures,
        table_url=table_url,
    )
    for prefecture, _count in prefectures:
        site.write_list(
            table_url(prefecture),
            "compare_table",
            catalog.in_prefecture(prefecture),
            BY_CITY,
            prefecture=prefecture,
            compare_rows=COMPARE_ROWS,
            compare_cells=CellsOn(today),
        )
    site.add_facility_fields(CompareFields(today))
