"""The facility model: a validated record, ready for templates and indexes."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .metrics import Metric, MetricNote, display_metric
from .vocab import (
    ANSWER_LABELS,
    CONDITIONS,
    HOURS_DAYS,
    RETENTION_SERVICE,
    SERVICE_BY_LABEL,
    SERVICES,
    TRANSITION_SERVICE,
    UNKNOWN,
    VISIT_KINDS,
    YES,
    Prefecture,
    Term,
)

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
class Hours:
    """Opening hours as published: free text for each kind of day; None = not published."""

    weekdays: str | None = None
    saturday: str | None = None
    sunday: str | None = None
    holidays: str | None = None
    closed: str | None = None  # 定休日
    note: str | None = None  # 利用可能曜日特記事項

    @property
    def days(self) -> tuple[tuple[str, str], ...]:
        """(label, hours) for each kind of day with published hours, weekdays first."""
        return tuple((label, getattr(self, key)) for key, label in HOURS_DAYS if getattr(self, key))

    @property
    def published(self) -> bool:
        return bool(self.days or self.closed or self.note)

    @property
    def lines(self) -> tuple[str, ...]:
        """Short lines for tight places: 平日 9:00〜17:00, …, 定休日 日曜・祝日, 備考 …."""
        lines = [f"{label} {text}" for label, text in self.days]
        if self.closed:
            lines.append(f"定休日 {self.closed}")
        if self.note:
            lines.append(f"備考 {self.note}")
        return tuple(lines)


@dataclass(frozen=True)
class Visit:
    """Whether 見学, 体験 and オンライン見学 are offered: yes, no or unknown each."""

    tour: str = UNKNOWN
    trial: str = UNKNOWN
    online: str = UNKNOWN
    note: str | None = None

    @property
    def answers(self) -> tuple[tuple[Term, str, str], ...]:
        """(kind, yes|no|unknown, label) in the vocabulary's order."""
        return tuple((kind, getattr(self, kind.slug), ANSWER_LABELS[getattr(self, kind.slug)]) for kind in VISIT_KINDS)

    @property
    def lines(self) -> tuple[str, ...]:
        """見学 あり, 体験 不明, …, then the note."""
        return tuple(f"{kind.label} {label}" for kind, _, label in self.answers) + ((self.note,) if self.note else ())


@dataclass(frozen=True)
class Conditions:
    """The practical conditions: 在宅訓練, 昼食, 交通費, 送迎 — yes, no or unknown each."""

    remote: str = UNKNOWN
    lunch: str = UNKNOWN
    transport: str = UNKNOWN
    pickup: str = UNKNOWN

    @property
    def answers(self) -> tuple[tuple[Term, str, str], ...]:
        """(condition, yes|no|unknown, label) in the vocabulary's order."""
        return tuple((c, getattr(self, c.slug), ANSWER_LABELS[getattr(self, c.slug)]) for c in CONDITIONS)

    @property
    def offered(self) -> tuple[str, ...]:
        """Slugs of the conditions the office says it offers."""
        return tuple(c.slug for c in CONDITIONS if getattr(self, c.slug) == YES)


# A card shows its first photo only when the photo's smallest variant is at most this many bytes,
# so that a list page of 50 cards stays light.
CARD_PHOTO_BYTES = 24 * 1024
# 空き状況 older than this many days (before the build's reference date) is shown as 要確認.
VACANCY_FRESH_DAYS = 60
VACANCY_STATUSES = ("あり", "なし", "要問合せ")
VACANCY_STALE_LABEL = "要確認"


@dataclass(frozen=True)
class Vacancy:
    """Whether the office has a place free (あり, なし, 要問合せ), as of a day."""

    status: str
    as_of: dt.date
    note: str | None = None

    def is_stale(self, today: dt.date) -> bool:
        """Older than VACANCY_FRESH_DAYS on `today`: never shown as fresh."""
        return (today - self.as_of).days > VACANCY_FRESH_DAYS

    def shown_status(self, today: dt.date) -> str:
        """あり／なし／要問合せ, or 要確認 once stale."""
        return VACANCY_STALE_LABEL if self.is_stale(today) else self.status

    def is_open(self, today: dt.date) -> bool:
        """A place is free, and the record said so recently: what the search's vacancy=yes keeps."""
        return self.status == "あり" and not self.is_stale(today)


@dataclass(frozen=True)
class PhotoRef:
    """A photo as the record names it: `file` relative to the records folder, its alt text, the checked path."""

    file: str
    alt: str
    path: Path = field(compare=False)
    line: int = field(default=1, compare=False)  # the line of `file` in the record, for messages


@dataclass(frozen=True)
class Operator:
    """The corporation that runs the office (法人): from the open data's 法人の名称 … or written by hand."""

    name: str
    name_kana: str | None = None
    number: str | None = None  # 法人番号, 13 digits
    url: str | None = None

    @property
    def group_key(self) -> tuple[str, str]:
        """What 「同じ法人の事業所」 groups by: the 法人番号, else the name (spaces and widths aside)."""
        if self.number:
            return ("number", self.number)
        return ("name", "".join(unicodedata.normalize("NFKC", self.name).split()))


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
    # Each metric's definition (period, basis, source) where the record gives one.
    metric_notes: dict[str, MetricNote] = field(default_factory=dict, compare=False, hash=False)
    catchphrase: str | None = None
    description: str | None = None  # Markdown source
    description_html: str = ""  # rendered, raw HTML escaped, links checked
    features: tuple[str, ...] = ()
    url: str | None = None
    phone: str | None = None
    office_number: str | None = None
    email: str | None = None
    fax: str | None = None
    inquiry_url: str | None = None
    hours: Hours = Hours()
    visit: Visit = Visit()
    conditions: Conditions = Conditions()
    operator: Operator | None = None
    location: Location | None = None
    vacancy: Vacancy | None = None
    photos: tuple[PhotoRef, ...] = ()
    # The photos made ready for pages (photos.process.Photo, variants and alt), filled in by the generator.
    gallery: tuple = field(default=(), compare=False, hash=False)
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

    def metric_note(self, field_name: str) -> str:
        """A metric's definition in words (2024年度・就職6ヶ月後・事業所発表), or "" when the record gives none."""
        note = self.metric_notes.get(field_name)
        return note.text() if note else ""

    @property
    def card_photo(self):
        """The first photo for the card, when its smallest variant fits CARD_PHOTO_BYTES; else None."""
        if self.gallery and self.gallery[0].smallest.bytes <= CARD_PHOTO_BYTES:
            return self.gallery[0]
        return None

    @property
    def retention_basis(self) -> int | None:
        """Months after starting work the 就職定着率 counts (its `basis`), or None when unknown."""
        note = self.metric_notes.get("retention_rate")
        return note.basis_months if note else None

    @property
    def mailto_href(self) -> str | None:
        return f"mailto:{self.email}" if self.email else None

    @property
    def contact_links(self) -> tuple[dict, ...]:
        """Every published way to reach the office, as {label, text[, href][, external]}.

        The facility page's 見学・体験・問い合わせ section and the comparison
        both show these. Every href was checked by the reader: tel: digits,
        a validated address, an http(s) form.
        """
        links = []
        if self.phone:
            links.append({"label": "電話", "text": self.phone, "href": self.tel_href})
        if self.fax:
            links.append({"label": "FAX", "text": self.fax})
        if self.email:
            links.append({"label": "メール", "text": self.email, "href": self.mailto_href})
        if self.inquiry_url:
            links.append({"label": "問い合わせフォーム", "text": "フォームを開く", "href": self.inquiry_url, "external": True})
        return tuple({k: v for k, v in link.items() if v is not None} for link in links)

    @property
    def phone_only(self) -> bool:
        """Only a phone number is published: no fax, email or form to write to."""
        return bool(self.phone) and not (self.fax or self.email or self.inquiry_url)

    def accepts(self, disability: Term) -> bool:
        return disability in self.disabilities
