"""What the visit planner needs for one office: how to reach it, when, and the facts for a 見学メモ.

The planner (`/visit/?ids=…`) reads each chosen office's entry in the
shared data chunks (`facility-data/<k>.json`, pages/facility_data.py), the
same files the comparison reads, and nothing else. Every value is display text
formatted here, with the same words as the facility page, so the browser
only arranges it; addresses and links were validated by records/reader.py.
"""

from __future__ import annotations

from ..records.metrics import display_metric
from ..records.model import Facility, Station
from ..records.vocab import ANSWER_LABELS, CONDITIONS


def station_text(station: Station) -> str:
    """Same words as the `station_text` macro in _macros.html: `線 駅名駅 徒歩N分`."""
    line = f"{station.line} " if station.line else ""
    return f"{line}{station.name}駅 {station.walk_label}"


def contact_record(facility: Facility) -> dict:
    """Ways to reach the office; absent keys were not published."""
    contact = {
        "phone": facility.phone,
        "tel": facility.tel_href,
        "fax": facility.fax,
        "email": facility.email,
        "form": facility.inquiry_url,
        "website": facility.url,
    }
    return {key: value for key, value in contact.items() if value}


def hours_record(facility: Facility) -> list[list[str]]:
    """[label, text] lines: each kind of day with published hours, then 定休日 and 備考."""
    hours = facility.hours
    lines = [[label, text] for label, text in hours.days]
    if hours.closed:
        lines.append(["定休日", hours.closed])
    if hours.note:
        lines.append(["備考", hours.note])
    return lines


def facts_record(facility: Facility) -> list[list[str]]:
    """[label, text] facts printed at the top of the 見学メモ."""
    facts = [
        ["所在地", facility.full_address],
        ["最寄り駅", "、".join(station_text(s) for s in facility.access) or "情報なし"],
        ["サービス", "・".join(s.label for s in facility.services)],
        ["定員", facility.capacity_label],
        ["就職定着率", _with_note(facility, "retention_rate")],
        ["平均利用期間", _with_note(facility, "average_stay")],
    ]
    return facts


def _with_note(facility: Facility, field_name: str) -> str:
    """A metric as the page shows it, with its definition when the record gives one: the printed memo
    is compared on paper with other offices' (92%（2024年度・就職6ヶ月後・事業所発表）)."""
    note = facility.metric_note(field_name)
    text = display_metric(getattr(facility, field_name))
    return f"{text}（{note}）" if note else text


def visit_fields(facility: Facility) -> dict:
    """What the planner adds to an office's entry in the data chunks (beside id, name and url)."""
    return {
        "contact": contact_record(facility),
        "hours": hours_record(facility),
        "offers": [[kind.label, answer, label] for kind, answer, label in facility.visit.answers],
        "offers_note": facility.visit.note or "",
        "conditions": [[c.slug, c.label, getattr(facility.conditions, c.slug), ANSWER_LABELS[getattr(facility.conditions, c.slug)]] for c in CONDITIONS],
        "facts": facts_record(facility),
        "retention_support": facility.offers_retention,
    }
