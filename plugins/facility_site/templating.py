"""Jinja filters and globals the theme uses to show facility data."""

from __future__ import annotations

import datetime as dt

from jinja2 import Environment

from .metrics import METRIC_SPECS, UNKNOWN_LABEL, display_metric
from .vocab import DISABILITIES, REGIONS, SERVICES


def date_ja(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def install(env: Environment, options: dict) -> None:
    env.filters.update({"metric": display_metric, "date_ja": date_ja})
    env.globals.update(
        {
            "DISABILITIES": DISABILITIES,
            "SERVICES": SERVICES,
            "REGIONS": REGIONS,
            "METRIC_SPECS": METRIC_SPECS,
            "UNKNOWN_LABEL": UNKNOWN_LABEL,
            "FACILITY_OPTIONS": options,
        }
    )
