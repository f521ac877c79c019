"""The facility model: a validated record, ready for templates and indexes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .metrics import Metric, display_metric
from .vocab import RETENTION_SERVICE, SERVICE_BY_LABEL, SERVICES, TRANSITION_SERVICE, Prefecture, Term

RETENTION_TERM = SERVICE_BY_LABEL[RETENTION_SERVICE]


@dataclass(frozen=True)
class Station:
    name: str  # without 駅
    walk_minutes: float
    line: str | None = None

    @property
    def walk_label(self) -> str:
        if self.walk_minutes < 1:
            seconds = round(self.walk_minutes * 60)
            return f"徒歩{seconds}秒"
        minutes = self.walk_minutes
        shown = int(minutes) if minutes == int(minutes) else f"{minutes:g}"
        return f"徒歩{shown}分"


@dataclass(frozen=True)
class Location:
    lat: float
    lng: float


@dataclass(frozen=True)
class Facility:
    id: str
    name: str
    prefecture: Prefecture
    city: str
    services: tuple[Term, ...]
    disabilities: tuple[Term, ...]  # empty means 未確認 (imported, not yet checked)
    updated: dt.date
    source_path: str
    capacity: int | None = None  # None: not published (or, offering only 就労定着支援, none to have)
    name_kana: str | None = None
    address: str | None = None
    access: tuple[Station, ...] = ()
    retention_rate: Metric | None = None
    hires_last_year: Metric | None = None
    average_stay: Metric | None = None
    # Metric fields the record marks 非公開; any other metric without a value was never entered.
    not_published: frozenset[str] = frozenset()
    catchphrase: str | None = None
    description: str | None = None  # Markdown source
    description_html: str = ""  # rendered, raw HTML escaped, links checked
    features: tuple[str, ...] = ()
    url: str | None = None
    phone: str | None = None
    office_number: str | None = None
    location: Location | None = None
    source: dict = field(default_factory=dict, compare=False, hash=False)
    updated_line: int = field(default=1, compare=False)  # the line of `updated` in the record file, for messages
    # The id of the main office (same 事業所番号) that offers 就労定着支援, for a satellite listed without it.
    retention_via: str | None = None

    @property
    def offers_retention(self) -> bool:
        """定着支援 here, or through the main office of the same 事業所番号 (a satellite, 従たる事業所)."""
        return self.retention_via is not None or any(s.label == RETENTION_SERVICE for s in self.services)

    @property
    def services_offered(self) -> tuple[Term, ...]:
        """`services`, plus 就労定着支援 when the main office of a satellite offers it."""
        if self.retention_via is None:
            return self.services
        return (*self.services, RETENTION_TERM)

    @property
    def offers_transition(self) -> bool:
        return any(s.label == TRANSITION_SERVICE for s in self.services)

    @property
    def service_tags(self) -> list[str]:
        """The short labels cards show (移行・定着・A型 …), in vocabulary order."""
        return [term.tag for term in SERVICES if term in self.services]

    @property
    def retention_badge(self) -> bool | None:
        """定着支援あり (True) / なし (False) where the question arises — for offices of
        就労移行支援 or 就労定着支援 — and None for the others (an A型-only office has
        no 定着支援 to lack; its service tags say what it is)."""
        if self.offers_retention:
            return True
        return False if self.offers_transition else None

    @property
    def shows_retention_rate(self) -> bool:
        """Whether cards show 就職定着率: always when published; as 非公開 only for
        offices of 就労移行支援 or 就労定着支援, whose figure it is."""
        return self.retention_rate is not None or self.retention_badge is not None

    @property
    def retention_only(self) -> bool:
        """Offers only 就労定着支援, which is not a day service and has no 定員."""
        return bool(self.services) and all(s.label == RETENTION_SERVICE for s in self.services)

    @property
    def capacity_label(self) -> str:
        """定員 as shown: 20名, 定員なし（定着支援）, or 未掲載 when the record does not give it."""
        if self.capacity is not None:
            return f"{self.capacity}名"
        return "定員なし（定着支援）" if self.retention_only else "未掲載"

    def _source_date(self, key: str) -> dt.date | None:
        value = self.source.get(key) if isinstance(self.source, dict) else None
        try:
            return dt.date.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    @property
    def confirmed(self) -> dt.date | None:
        """The day the last import found this office in the open data (source.confirmed, else source.imported)."""
        return self._source_date("confirmed") or self._source_date("imported")

    @property
    def person_checked(self) -> dt.date | None:
        """The day a person last checked the record: `updated`, unless the import set it (then None: 未確認).

        An import writes `updated` as the import day; a person checking the
        record afterwards moves it later than source.imported.
        """
        imported = self._source_date("imported")
        if imported is not None and self.updated <= imported:
            return None
        return self.updated

    @property
    def checked_since(self) -> dt.date:
        """The later of `updated` and source.confirmed: what staleness counts from."""
        confirmed = self.confirmed
        return max(self.updated, confirmed) if confirmed else self.updated

    @property
    def nearest_station(self) -> Station | None:
        return self.access[0] if self.access else None

    @property
    def min_walk(self) -> float | None:
        return min((s.walk_minutes for s in self.access), default=None)

    @property
    def url_path(self) -> str:
        return f"facilities/{self.id}/"

    @property
    def save_as(self) -> str:
        return f"facilities/{self.id}/index.html"

    @property
    def full_address(self) -> str:
        return f"{self.prefecture.name}{self.city}{self.address or ''}"

    @property
    def tel_href(self) -> str | None:
        if not self.phone:
            return None
        digits = "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        return f"tel:{digits}" if digits else None

    def metric_text(self, field_name: str) -> str:
        """A metric as shown everywhere: its value, 非公開 when the record says so, else 未掲載."""
        return display_metric(getattr(self, field_name), field_name in self.not_published)

    def accepts(self, disability: Term) -> bool:
        return disability in self.disabilities
