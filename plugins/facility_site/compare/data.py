"""What the comparison shows for one facility: rows, display strings, ranking bounds.

The comparison page (`/compare/?ids=…`) and the static per-prefecture
tables (`/pref/<slug>/table/`) both read their cells from `compare_cells()`,
which formats values with the same functions the cards and facility pages
use (`Facility.metric_text`, `Station.walk_label`, `date_ja`). The browser gets the
same cells in each facility's entry of the shared data chunks
(`facility-data/<k>.json`, pages/facility_data.py), so the comparison never
loads the national search index.

Best values. A cell of a row where better is unambiguous also carries
`rank`: `[number, strict]` from `records.metrics.metric_rank`, the rule the
search's sorts use too (the bound a published range *guarantees* on the side
that matters; see there). Only two rows are ranked: 就職定着率 (higher is
better) and the walk to the nearest station (shorter is better). 定員,
平均利用期間 and 昨年の就職人数 are shown without a mark: a small group or a
longer stay is what some people look for. Cells without a rank (非公開, or
nothing guaranteed on that side) are never marked best; equal ranks are all
marked. 就職定着率 is marked only when every ranked cell carries the same
`basis` (months after starting work the rate counts): offices that count at
6 months and at 1 year, or that do not say, are not compared, and the table
says why (the row's unlike/unknown note).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from ..pages.templating import date_ja
from ..records.metrics import Metric, metric_rank
from ..records.model import Facility, Station
from ..records.vocab import ANSWER_LABELS, CONDITIONS

HIGHER = "higher"
LOWER = "lower"
NO_STATION_LABEL = "情報なし"
NO_FEATURES_LABEL = "登録なし"
UNCHECKED_DISABILITIES_LABEL = "未確認"
NOT_PUBLISHED_LABEL = "登録なし"


@dataclass(frozen=True)
class CompareRow:
    key: str
    label: str
    better: str | None = None  # HIGHER, LOWER, or None for rows that are not ranked
    best_label: str = ""  # the visible mark on the best cell, e.g. 最高
    # Marked only where every ranked cell counts the same way (its `basis`, known and equal);
    # otherwise the table says why there is no mark (the two texts below).
    same_basis: bool = False
    unlike_basis_note: str = ""
    unknown_basis_note: str = ""


COMPARE_ROWS: tuple[CompareRow, ...] = (
    CompareRow("retention_support", "定着支援"),
    CompareRow(
        "retention_rate",
        "就職定着率",
        HIGHER,
        "最高",
        same_basis=True,
        unlike_basis_note="定着率の数え方が事業所によって違うため比べられません（就職から何ヶ月後に数えたかが異なります）。",
        unknown_basis_note="定着率の数え方（就職から何ヶ月後に数えたか）が分からない事業所があるため比べられません。",
    ),
    CompareRow("vacancy", "空き状況"),
    CompareRow("hires_last_year", "昨年の就職人数"),
    CompareRow("capacity", "定員"),
    CompareRow("average_stay", "平均利用期間"),
    CompareRow("disabilities", "対象障害"),
    CompareRow("services", "サービス"),
    CompareRow("access", "最寄り駅と徒歩", LOWER, "最短"),
    CompareRow("address", "所在地"),
    CompareRow("contact", "連絡先"),
    CompareRow("hours", "利用できる時間帯"),
    CompareRow("visit", "見学・体験"),
    *(CompareRow(f"condition_{c.slug}", c.label) for c in CONDITIONS),
    CompareRow("features", "特徴"),
    CompareRow("updated", "情報更新日"),
)
ROW_BY_KEY = {row.key: row for row in COMPARE_ROWS}


def station_text(station: Station) -> str:
    """Same words as the `station_text` macro in _macros.html: `線 駅名駅 徒歩N分`."""
    line = f"{station.line} " if station.line else ""
    return f"{line}{station.name}駅 {station.walk_label}"


def cell_rank(metric: Metric | None, better: str) -> list | None:
    """`metric_rank` as the JSON the browser compares: `[number, strict]`, or None."""
    rank = metric_rank(metric, better == HIGHER)
    return None if rank is None else [_json_number(rank[0]), rank[1]]


def _exact(number: float | None) -> Metric | None:
    return None if number is None else Metric("", number, number)


def compare_cells(facility: Facility, today: dt.date) -> dict[str, dict]:
    """Every row's cell for one facility: `text` or `items`, plus `rank` on ranked rows.

    `today` is the build's reference date: 空き状況 older than 60 days reads 要確認, as on the facility page.
    """
    cells: dict[str, dict] = {
        "vacancy": _vacancy_cell(facility, today),
        "retention_support": {"text": "あり" if facility.offers_retention else "なし"},
        "capacity": {"text": facility.capacity_label},  # 20名, 定員なし（定着支援） or 未掲載
        # Same words as the card's disability_list macro: 精神・知的・発達, or 未確認.
        "disabilities": {"text": "・".join(d.label for d in facility.disabilities) or UNCHECKED_DISABILITIES_LABEL},
        "services": {"items": [s.label for s in facility.services]},
        "access": {"items": [station_text(s) for s in facility.access]} if facility.access else {"text": NO_STATION_LABEL},
        "address": {"text": facility.full_address},
        "contact": {"links": list(facility.contact_links)} if facility.contact_links else {"text": NOT_PUBLISHED_LABEL},
        "hours": {"items": list(facility.hours.lines)} if facility.hours.published else {"text": NOT_PUBLISHED_LABEL},
        "visit": {"items": list(facility.visit.lines)},
        **{f"condition_{c.slug}": {"text": ANSWER_LABELS[getattr(facility.conditions, c.slug)]} for c in CONDITIONS},
        "features": {"items": list(facility.features)} if facility.features else {"text": NO_FEATURES_LABEL},
        "updated": _updated_cell(facility),
    }
    for field in ("retention_rate", "hires_last_year", "average_stay"):
        cells[field] = {"text": facility.metric_text(field)}
        if note := facility.metric_note(field):
            cells[field]["note"] = note  # its definition: 2024年度・就職6ヶ月後・事業所発表
    if facility.retention_basis is not None:
        cells["retention_rate"]["basis"] = facility.retention_basis  # months; ★ only among equal bases
    ranked = {"retention_rate": facility.retention_rate, "access": _exact(facility.min_walk)}
    for key, metric in ranked.items():
        rank = cell_rank(metric, ROW_BY_KEY[key].better)
        if rank is not None:
            cells[key]["rank"] = rank
    return {row.key: cells[row.key] for row in COMPARE_ROWS}


def _vacancy_cell(facility: Facility, today: dt.date) -> dict:
    """あり／なし／要問合せ with the day it was checked; 要確認 once stale (the facility page's words)."""
    vacancy = facility.vacancy
    if vacancy is None:
        return {"text": NOT_PUBLISHED_LABEL}
    as_of = f"{date_ja(vacancy.as_of)}時点"
    if vacancy.is_stale(today):
        return {"text": vacancy.shown_status(today), "note": f"{as_of}の情報です。古いため、問い合わせて確かめてください。"}
    return {"text": vacancy.status, "note": as_of}


def _updated_cell(facility: Facility) -> dict:
    """When the facts were last checked. For an imported record `updated` may be only the import day,
    so the cell says when a person checked (or 未確認) and when the official data confirmed it."""
    if not facility.source:
        return {"text": date_ja(facility.updated), "datetime": facility.updated.isoformat()}
    person = facility.person_checked
    official = f"（公的データ確認：{date_ja(facility.confirmed)}）" if facility.confirmed else ""
    if person is None:
        return {"text": f"運営者は未確認{official}"}
    return {"text": f"{date_ja(person)}{official}", "datetime": person.isoformat()}


@dataclass(frozen=True)
class CellsOn:
    """compare_cells on the build's reference date; a dataclass, so the build cache can fingerprint it by that date."""

    today: dt.date

    def __call__(self, facility: Facility) -> dict[str, dict]:
        return compare_cells(facility, self.today)


class CompareFields(CellsOn):
    """What the comparison adds to a facility's entry in the data chunks (beside id, name and url)."""

    def __call__(self, facility: Facility) -> dict:
        return {"cells": super().__call__(facility)}


def rows_config() -> list[dict]:
    """Row definitions for the page's JSON block, so the browser and Python agree on them."""
    return [asdict(row) for row in COMPARE_ROWS]


def _json_number(number: float) -> float | int:
    return int(number) if number == int(number) else number
