"""Parse the metric notations operators copy from brochures.

`retention_rate`, `hires_last_year` and `average_stay` accept a number
(`92.5`), a range (`10~14`, `10〜14`, `10-14`), an open range (`90以上`,
`5未満`), a mapping (`{min: 6, max: 12}`), each optionally with its unit
(`90%以上`, `10~14名`, `6~12ヶ月`). Everything becomes one `Metric` and is
displayed the same way everywhere.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

# A metric the record says is not published, and one nobody has entered.
# They must read differently: 非公開 tells a visitor the office withholds it.
NOT_PUBLISHED_LABEL = "非公開"
NOT_ENTERED_LABEL = "未掲載"
NOT_PUBLISHED_WORDS = ("非公開", "未公開")
_NO_VALUE_WORDS = ("", *NOT_PUBLISHED_WORDS, "不明", "-", "~")
RANGE_DASH = "〜"


@dataclass(frozen=True)
class MetricSpec:
    field: str
    label: str
    unit: str
    minimum: float
    maximum: float | None
    integer: bool
    higher_is_better: bool
    unit_aliases: tuple[str, ...]


METRIC_SPECS: dict[str, MetricSpec] = {
    spec.field: spec
    for spec in (
        MetricSpec("retention_rate", "就職定着率", "%", 0, 100, False, True, ("%", "パーセント")),
        MetricSpec("hires_last_year", "昨年の就職人数", "名", 0, None, True, True, ("名", "人")),
        MetricSpec(
            "average_stay",
            "平均利用期間",
            "ヶ月",
            0,
            None,
            False,
            False,
            ("ヶ月間", "か月間", "カ月間", "ヵ月間", "ケ月間", "ヶ月", "か月", "カ月", "ヵ月", "ケ月", "箇月", "月"),
        ),
    )
}


@dataclass(frozen=True)
class Metric:
    """A known value or range. `low`/`high` of None mean open on that side.

    `low_inclusive`/`high_inclusive` keep the difference between 以上 and 超,
    以下 and 未満, which matters when comparing ranges.
    """

    unit: str
    low: float | None
    high: float | None
    low_inclusive: bool = True
    high_inclusive: bool = True

    @property
    def is_exact(self) -> bool:
        return self.low is not None and self.low == self.high

    def display(self) -> str:
        unit = self.unit
        if self.is_exact:
            return f"{_num(self.low)}{unit}"
        if self.low is not None and self.high is not None:
            return f"{_num(self.low)}{RANGE_DASH}{_num(self.high)}{unit}"
        if self.low is not None:
            return f"{_num(self.low)}{unit}{'以上' if self.low_inclusive else '超'}"
        return f"{_num(self.high)}{unit}{'以下' if self.high_inclusive else '未満'}"

    def as_json(self) -> list:
        """Compact wire form: [low, high] with null for an open side."""
        return [_json_num(self.low), _json_num(self.high)]


def display_metric(metric: Metric | None, not_published: bool = False) -> str:
    """The metric as every page shows it; without a value, 非公開 or 未掲載."""
    if metric is not None:
        return metric.display()
    return NOT_PUBLISHED_LABEL if not_published else NOT_ENTERED_LABEL


def says_not_published(value: object) -> bool:
    """True when a raw YAML value states that the figure is not published (非公開, 未公開)."""
    return isinstance(value, str) and _normalize(value) in NOT_PUBLISHED_WORDS


# --- ranking: the one rule the search's sorts and the comparison's ★ share ---------------
#
# A published value is often a range, so it is ranked by the number it
# *guarantees* on the side that matters: the lower bound when higher is better
# (`90%以上` → 90, `92%` → 92, `70〜80%` → 70), the upper bound when lower is
# better (`6〜12ヶ月` → 12, `3分` → 3). At the same number 超 and 未満 guarantee
# a little more than 以上 and 以下, so `strict` is 1 for them and breaks the tie
# (`91%` > `90%超` > `90%以上`). A value that guarantees nothing on that side
# (`5名未満` when higher is better, `6ヶ月以上` when lower is better) has no rank.


def metric_rank(metric: Metric | None, higher_is_better: bool) -> tuple[float, int] | None:
    """The guaranteed bound `(number, strict)` on the side that matters, or None."""
    if metric is None:
        return None
    if higher_is_better:
        return None if metric.low is None else (metric.low, 0 if metric.low_inclusive else 1)
    return None if metric.high is None else (metric.high, 0 if metric.high_inclusive else 1)


def metric_order_key(metric: Metric | None, higher_is_better: bool) -> tuple:
    """Sort key, best first: ranked values by their guaranteed bound, then values
    that guarantee nothing on that side (by their other bound), then 非公開."""
    if metric is None:
        return (2, 0.0, 0)
    rank = metric_rank(metric, higher_is_better)
    if rank is not None:
        number, strict = rank
        return (0, -number, -strict) if higher_is_better else (0, number, -strict)
    # Open on the side that matters: `5名未満` (at most 5) beats `3名以下` (at most 3).
    other = metric.high if higher_is_better else metric.low
    return (1, -other, 0) if higher_is_better else (1, other, 0)


class MetricError(ValueError):
    """The text is not a metric notation we understand; the message says why."""


# A leading minus is read (not refused as unreadable) so that "-5" is
# reported as below the minimum, which is what the operator needs to hear.
_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"
_RANGE_RE = re.compile(rf"^({_NUMBER})\s*[~\-]\s*({_NUMBER})$")
_BOUND_RE = re.compile(rf"^({_NUMBER})\s*(以上|以下|未満|超)$")
_EXACT_RE = re.compile(rf"^({_NUMBER})$")


def parse_metric(value: object, spec: MetricSpec) -> Metric | None:
    """Return the Metric for a raw YAML value, None for unknown, or raise MetricError."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise MetricError(f"{value!r} is not a number or range")
    if isinstance(value, (int, float)):
        number = _check_number(value, spec)
        return Metric(spec.unit, number, number)
    if isinstance(value, dict):
        return _parse_mapping(value, spec)
    if not isinstance(value, str):
        raise MetricError(f"expected a number, range or {{min, max}}, got {type(value).__name__}")
    return _parse_text(value, spec)


def _parse_mapping(value: dict, spec: MetricSpec) -> Metric:
    extra = sorted(str(k) for k in value if k not in ("min", "max"))
    if extra:
        raise MetricError(f"unknown key(s) {', '.join(extra)} in range; use min and max")
    low = _mapping_bound(value.get("min"), spec)
    high = _mapping_bound(value.get("max"), spec)
    if low is None and high is None:
        raise MetricError("a range needs min, max or both")
    return _ordered(Metric(spec.unit, low, high), spec)


def _mapping_bound(raw: object, spec: MetricSpec) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise MetricError(f"{raw!r} is not a number")
    if isinstance(raw, str):
        text = _strip_unit(_normalize(raw), spec)
        if not _EXACT_RE.match(text):
            raise MetricError(f"{raw!r} is not a number")
        raw = float(text)
    return _check_number(raw, spec)


def _normalize(text: str) -> str:
    # NFKC folds full-width digits, ％ and ～ (U+FF5E); the wave dash 〜 and
    # the long dashes are not compatibility forms, so map them by hand.
    text = unicodedata.normalize("NFKC", text).strip()
    for dash in ("〜", "–", "—", "−", "ー", "―"):
        text = text.replace(dash, "~")
    return re.sub(r"\s+", "", text).replace(",", "")


def _strip_unit(text: str, spec: MetricSpec) -> str:
    """Drop the field's own unit wherever it stands ("10名~14名", "90%以上")."""
    for alias in spec.unit_aliases:
        text = text.replace(alias, "")
    return text


def _parse_text(raw: str, spec: MetricSpec) -> Metric | None:
    text = _normalize(raw)
    if text in _NO_VALUE_WORDS:
        return None
    bare = _strip_unit(text, spec)
    if m := _EXACT_RE.match(bare):
        number = _check_number(float(m.group(1)), spec)
        return Metric(spec.unit, number, number)
    if m := _RANGE_RE.match(bare):
        low = _check_number(float(m.group(1)), spec)
        high = _check_number(float(m.group(2)), spec)
        return _ordered(Metric(spec.unit, low, high), spec)
    if m := _BOUND_RE.match(bare):
        number = _check_number(float(m.group(1)), spec)
        word = m.group(2)
        if word in ("以上", "超"):
            return Metric(spec.unit, number, None, low_inclusive=word == "以上")
        return Metric(spec.unit, None, number, high_inclusive=word == "以下")
    hint = f"{spec.unit}" if spec.unit else ""
    raise MetricError(
        f"cannot read {raw!r}; write a number (12), a range (10~14{hint}), "
        f"an open range (90{hint}以上, 5{hint}未満) or {{min: …, max: …}}"
    )


def _check_number(value: float | int, spec: MetricSpec) -> float:
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        raise MetricError(f"{str(value)[:20]}… is too large") from None
    if math.isnan(number) or math.isinf(number):
        raise MetricError(f"{value!r} is not a finite number")
    if number < spec.minimum:
        raise MetricError(f"{_num(number)} is below {_num(spec.minimum)}")
    if spec.maximum is not None and number > spec.maximum:
        raise MetricError(f"{_num(number)} is above {_num(spec.maximum)}")
    if spec.integer and number != int(number):
        raise MetricError(f"{_num(number)} is not a whole number")
    return number


def _ordered(metric: Metric, spec: MetricSpec) -> Metric:
    if metric.low is not None and metric.high is not None and metric.low > metric.high:
        raise MetricError(f"range {_num(metric.low)}~{_num(metric.high)} runs backwards")
    return metric


def _num(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if number == int(number) else f"{number:g}"


def _json_num(number: float | None) -> float | int | None:
    if number is None:
        return None
    return int(number) if number == int(number) else number


# --- definitions: what a figure counts, over which period, and who says so ---------------
#
# Each metric may be written as a mapping that carries its definition beside
# the value (the plain value stays valid):
#
#   retention_rate: {value: 90%以上, period: 2024年度, basis: 6ヶ月, source: 事業所発表}
#
# `basis` (就職定着率 only) is how long after starting work a person counts as
# retained; it decides whether two offices' rates can be compared at all.

DEFINITION_KEYS = ("value", "period", "basis", "source")
BASIS_FIELD = "retention_rate"
# The usual sources, spelled as the site shows them; any other short text is accepted as written.
KNOWN_SOURCES = ("事業所発表", "自治体公表", "情報公表システム")
_BASIS_RE = re.compile(r"^(?:就職)?([0-9]+)(ヶ月|か月|カ月|ヵ月|ケ月|箇月|月|年)(?:後|間)?$")


@dataclass(frozen=True)
class MetricNote:
    """A metric's definition: the period it covers, its basis in months (定着率 only), its source."""

    period: str | None = None
    basis_months: int | None = None
    source: str | None = None

    @property
    def basis_label(self) -> str | None:
        """就職6ヶ月後, 就職1年後: how long after starting work the rate counts."""
        if self.basis_months is None:
            return None
        months = self.basis_months
        span = f"{months // 12}年" if months % 12 == 0 else f"{months}ヶ月"
        return f"就職{span}後"

    def text(self) -> str:
        """As pages show it beside the value: 2024年度・就職6ヶ月後・事業所発表."""
        return "・".join(part for part in (self.period, self.basis_label, self.source) if part)


def is_definition(value: object) -> bool:
    """True when a raw metric value is the definition mapping ({value, period, …}), not a {min, max} range."""
    return isinstance(value, dict) and not ({"min", "max"} & set(value))


def parse_basis(value: object) -> int:
    """`6ヶ月`, `6か月後`, `1年` → months; raise MetricError otherwise."""
    text = _normalize(str(value)) if isinstance(value, str) else ""
    match = _BASIS_RE.match(text)
    if not match:
        raise MetricError(f"cannot read {value!r}; write how long after starting work the rate counts, such as 6ヶ月 or 1年")
    months = int(match.group(1)) * (12 if match.group(2) == "年" else 1)
    if not 1 <= months <= 120:
        raise MetricError(f"{value!r} is out of range; use 1ヶ月 to 10年")
    return months
