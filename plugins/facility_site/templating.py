"""Jinja filters and globals the theme uses to show facility data."""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment

from .metrics import METRIC_SPECS, UNKNOWN_LABEL, display_metric
from .vocab import DISABILITIES, REGIONS, SERVICES


def date_ja(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def page_path(output_file: str) -> str:
    """The URL path of a written file: "pref/tokyo/index.html" -> "pref/tokyo/"."""
    if output_file == "index.html" or output_file.endswith("/index.html"):
        return output_file[: -len("index.html")]
    return output_file


def install(env: Environment, options: dict) -> None:
    def canonical_url(output_file: str | None) -> str:
        """Absolute address of the page written to `output_file`; "" when no canonical_base is set."""
        base = options["canonical_base"]
        return f"{base}/{page_path(output_file)}" if base and output_file else ""

    env.filters.update({"metric": display_metric, "date_ja": date_ja})
    env.globals.update(
        {
            "DISABILITIES": DISABILITIES,
            "SERVICES": SERVICES,
            "REGIONS": REGIONS,
            "METRIC_SPECS": METRIC_SPECS,
            "UNKNOWN_LABEL": UNKNOWN_LABEL,
            "FACILITY_OPTIONS": options,
            "canonical_url": canonical_url,
        }
    )
