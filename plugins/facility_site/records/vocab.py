"""Fixed vocabularies: prefectures, regions, disability types and services.

Every label the site shows and every slug in a URL comes from here, so the
reader, the generator and the search index agree on one spelling.
"""

from __future__ import annotations

from dataclasses import dataclass

# Where each vocabulary entry keeps its `__reduce__()` value (set below), for the page keys:
# the page pickle writes ~90,000 entries (the prefecture counts on the disability lists)
# without a Python call each. An entry made elsewhere has none and is described another way.
REDUCE_VALUE = "_reduce_value"


@dataclass(frozen=True)
class Prefecture:
    code: int  # JIS X 0401
    name: str  # official name, e.g. 東京都
    slug: str  # romaji used in URLs
    region: str
    # The page keys write an entry as its stored `__reduce__()` value (cache.py _PageReducers).
    __fingerprint_reduce__ = REDUCE_VALUE

    def __reduce__(self):
        return _reduce_entry(self)


@dataclass(frozen=True)
class Term:
    """A controlled term: the label shown on the site and its URL slug."""

    label: str
    slug: str
    short: str = ""  # a shorter label for tight places, e.g. 定着支援
    tag: str = ""  # the shortest label, for the service tags on cards, e.g. 定着
    __fingerprint_reduce__ = REDUCE_VALUE

    def __reduce__(self):
        return _reduce_entry(self)


REGIONS: tuple[str, ...] = (
    "北海道",
    "東北",
    "関東",
    "中部",
    "近畿",
    "中国",
    "四国",
    "九州・沖縄",
)

_PREFECTURE_ROWS = (
    ("北海道", "hokkaido", "北海道"),
    ("青森県", "aomori", "東北"),
    ("岩手県", "iwate", "東北"),
    ("宮城県", "miyagi", "東北"),
    ("秋田県", "akita", "東北"),
    ("山形県", "yamagata", "東北"),
    ("福島県", "fukushima", "東北"),
    ("茨城県", "ibaraki", "関東"),
    ("栃木県", "tochigi", "関東"),
    ("群馬県", "gunma", "関東"),
    ("埼玉県", "saitama", "関東"),
    ("千葉県", "chiba", "関東"),
    ("東京都", "tokyo", "関東"),
    ("神奈川県", "kanagawa", "関東"),
    ("新潟県", "niigata", "中部"),
    ("富山県", "toyama", "中部"),
    ("石川県", "ishikawa", "中部"),
    ("福井県", "fukui", "中部"),
    ("山梨県", "yamanashi", "中部"),
    ("長野県", "nagano", "中部"),
    ("岐阜県", "gifu", "中部"),
    ("静岡県", "shizuoka", "中部"),
    ("愛知県", "aichi", "中部"),
    ("三重県", "mie", "近畿"),
    ("滋賀県", "shiga", "近畿"),
    ("京都府", "kyoto", "近畿"),
    ("大阪府", "osaka", "近畿"),
    ("兵庫県", "hyogo", "近畿"),
    ("奈良県", "nara", "近畿"),
    ("和歌山県", "wakayama", "近畿"),
    ("鳥取県", "tottori", "中国"),
    ("島根県", "shimane", "中国"),
    ("岡山県", "okayama", "中国"),
    ("広島県", "hiroshima", "中国"),
    ("山口県", "yamaguchi", "中国"),
    ("徳島県", "tokushima", "四国"),
    ("香川県", "kagawa", "四国"),
    ("愛媛県", "ehime", "四国"),
    ("高知県", "kochi", "四国"),
    ("福岡県", "fukuoka", "九州・沖縄"),
    ("佐賀県", "saga", "九州・沖縄"),
    ("長崎県", "nagasaki", "九州・沖縄"),
    ("熊本県", "kumamoto", "九州・沖縄"),
    ("大分県", "oita", "九州・沖縄"),
    ("宮崎県", "miyazaki", "九州・沖縄"),
    ("鹿児島県", "kagoshima", "九州・沖縄"),
    ("沖縄県", "okinawa", "九州・沖縄"),
)

PREFECTURES: tuple[Prefecture, ...] = tuple(
    Prefecture(code=i + 1, name=name, slug=slug, region=region)
    for i, (name, slug, region) in enumerate(_PREFECTURE_ROWS)
)
PREFECTURE_BY_NAME = {p.name: p for p in PREFECTURES}
PREFECTURE_BY_SLUG = {p.slug: p for p in PREFECTURES}
PREFECTURE_BY_CODE = {p.code: p for p in PREFECTURES}

DISABILITIES: tuple[Term, ...] = (
    Term("精神", "mental", "精神障害"),
    Term("知的", "intellectual", "知的障害"),
    Term("発達", "developmental", "発達障害"),
    Term("身体", "physical", "身体障害"),
    Term("難病", "intractable", "難病"),
)
DISABILITY_BY_LABEL = {t.label: t for t in DISABILITIES}
DISABILITY_BY_SLUG = {t.slug: t for t in DISABILITIES}

RETENTION_SERVICE = "就労定着支援"
TRANSITION_SERVICE = "就労移行支援"
SERVICES: tuple[Term, ...] = (
    Term(TRANSITION_SERVICE, "transition", "移行支援", "移行"),
    Term(RETENTION_SERVICE, "retention", "定着支援", "定着"),
    Term("就労継続支援A型", "type-a", "A型", "A型"),
    Term("就労継続支援B型", "type-b", "B型", "B型"),
    Term("自立訓練(生活訓練)", "life-training", "生活訓練", "生活訓練"),
    Term("自立訓練(機能訓練)", "functional-training", "機能訓練", "機能訓練"),
)
SERVICE_BY_LABEL = {t.label: t for t in SERVICES}
SERVICE_BY_SLUG = {t.slug: t for t in SERVICES}


def prefecture_suggestion(text: str) -> str | None:
    """The official name a near-miss such as 東京 or 大阪 most likely meant."""
    text = text.strip()
    if not text:
        return None
    for pref in PREFECTURES:
        bare = pref.name if pref.name == "北海道" else pref.name[:-1]
        if text in (bare, pref.slug) or text.lower() == pref.slug:
            return pref.name
    for pref in PREFECTURES:
        if text in pref.name or pref.name in text:
            return pref.name
    return None


# --- contact, visits and practical conditions (issue 11) ---------------------

# Whether an office offers something. A record writes yes, no or unknown;
# left out means unknown (not published), which is never shown as "no".
YES, NO, UNKNOWN = "yes", "no", "unknown"
ANSWERS: tuple[str, ...] = (YES, NO, UNKNOWN)
ANSWER_LABELS = {YES: "あり", NO: "なし", UNKNOWN: "不明"}

# The opening-hours fields in the order the page shows them; `closed` and
# `note` follow them. The labels match the official CSV's 平日/土曜/日曜/祝日.
HOURS_DAYS: tuple[tuple[str, str], ...] = (
    ("weekdays", "平日"),
    ("saturday", "土曜"),
    ("sunday", "日曜"),
    ("holidays", "祝日"),
)

VISIT_KINDS: tuple[Term, ...] = (
    Term("見学", "tour"),
    Term("体験", "trial"),
    Term("オンライン見学", "online"),
)

# The practical conditions: shown on pages and in the comparison, and
# filters on /search/ (URL parameter `opt`, these slugs).
CONDITIONS: tuple[Term, ...] = (
    Term("在宅訓練", "remote", "在宅訓練"),
    Term("昼食の提供", "lunch", "昼食"),
    Term("交通費の支援", "transport", "交通費"),
    Term("送迎", "pickup", "送迎"),
)
CONDITION_BY_SLUG = {t.slug: t for t in CONDITIONS}


# --- pickling ----------------------------------------------------------------

# A vocabulary entry is pickled as where it sits here (the build cache's
# records, the page keys), so a record read from the cache holds the very
# objects above: `disability in facility.disabilities` is then an identity
# check, not a dataclass comparison (millions of them at 30,000 facilities).
_VOCABULARIES = ("PREFECTURES", "DISABILITIES", "SERVICES", "VISIT_KINDS", "CONDITIONS")
_PLACES = {id(entry): (name, index) for name in _VOCABULARIES for index, entry in enumerate(globals()[name])}


def vocabulary_entry(name: str, index: int):
    """The entry at `index` of the vocabulary `name` (what a pickled entry is loaded as)."""
    if name not in _VOCABULARIES:
        raise ValueError(f"no vocabulary {name!r}")
    return globals()[name][index]


def _reduce_entry(entry):
    place = _PLACES.get(id(entry))
    if place is not None:
        return (vocabulary_entry, place)
    return (type(entry), tuple(getattr(entry, field) for field in entry.__dataclass_fields__))


for _name in _VOCABULARIES:
    for _entry in globals()[_name]:
        # Outside the dataclass fields (equality, repr and the other digests ignore it).
        object.__setattr__(_entry, REDUCE_VALUE, _reduce_entry(_entry))
del _name, _entry
