"""Every metric notation operators copy from brochures, and how the site shows it."""

from __future__ import annotations

import pytest
from facility_site.records.metrics import (
    METRIC_SPECS,
    Metric,
    MetricError,
    display_metric,
    metric_order_key,
    metric_rank,
    parse_metric,
    says_not_published,
)

RATE = METRIC_SPECS["retention_rate"]
HIRES = METRIC_SPECS["hires_last_year"]
STAY = METRIC_SPECS["average_stay"]

# (spec, raw value as YAML gives it, expected low, high, display)
ACCEPTED = [
    # plain numbers, as YAML numbers and as text
    (RATE, 92.5, 92.5, 92.5, "92.5%"),
    (RATE, "92.5", 92.5, 92.5, "92.5%"),
    (RATE, 100, 100, 100, "100%"),
    (RATE, 0, 0, 0, "0%"),
    (RATE, "100%", 100, 100, "100%"),
    (HIRES, 12, 12, 12, "12名"),
    (HIRES, "12名", 12, 12, "12名"),
    (HIRES, "12人", 12, 12, "12名"),
    (HIRES, 12.0, 12, 12, "12名"),
    (STAY, 8, 8, 8, "8ヶ月"),
    (STAY, "7.5ヶ月", 7.5, 7.5, "7.5ヶ月"),
    # ranges with each dash
    (HIRES, "10~14", 10, 14, "10〜14名"),
    (HIRES, "10〜14", 10, 14, "10〜14名"),  # U+301C wave dash
    (HIRES, "10～14", 10, 14, "10〜14名"),  # U+FF5E full-width tilde
    (HIRES, "10-14", 10, 14, "10〜14名"),
    (HIRES, "10 ~ 14", 10, 14, "10〜14名"),
    (HIRES, "10~14名", 10, 14, "10〜14名"),
    (HIRES, "10名~14名", 10, 14, "10〜14名"),
    (HIRES, "10〜10名", 10, 10, "10名"),
    (RATE, "80~90%", 80, 90, "80〜90%"),
    (RATE, "80.5-90.5%", 80.5, 90.5, "80.5〜90.5%"),
    # every spelling of the month unit
    (STAY, "6~12ヶ月", 6, 12, "6〜12ヶ月"),
    (STAY, "6〜12か月", 6, 12, "6〜12ヶ月"),
    (STAY, "6～12カ月", 6, 12, "6〜12ヶ月"),
    (STAY, "6-12ケ月", 6, 12, "6〜12ヶ月"),
    (STAY, "6~12ヵ月", 6, 12, "6〜12ヶ月"),
    (STAY, "6〜12ヶ月間", 6, 12, "6〜12ヶ月"),
    # open ranges: 以上 / 超 keep the lower bound, 以下 / 未満 the upper
    (RATE, "90以上", 90, None, "90%以上"),
    (RATE, "90%以上", 90, None, "90%以上"),
    (RATE, "90超", 90, None, "90%超"),
    (HIRES, "5未満", None, 5, "5名未満"),
    (HIRES, "5名未満", None, 5, "5名未満"),
    (HIRES, "5人以下", None, 5, "5名以下"),
    (STAY, "24ヶ月以下", None, 24, "24ヶ月以下"),
    (STAY, "3か月以上", 3, None, "3ヶ月以上"),
    # full-width digits and signs (NFKC)
    (RATE, "９０％以上", 90, None, "90%以上"),
    (HIRES, "１０〜１４名", 10, 14, "10〜14名"),
    (STAY, "６～１２ヶ月", 6, 12, "6〜12ヶ月"),
    (RATE, "９２．５％", 92.5, 92.5, "92.5%"),
    # mapping, either side or both; its values may carry the unit
    (STAY, {"min": 6, "max": 12}, 6, 12, "6〜12ヶ月"),
    (STAY, {"min": 6}, 6, None, "6ヶ月以上"),
    (STAY, {"max": 12}, None, 12, "12ヶ月以下"),
    (RATE, {"min": "90%"}, 90, None, "90%以上"),
    (HIRES, {"min": "10名", "max": "１４"}, 10, 14, "10〜14名"),
    (HIRES, {"min": 3, "max": None}, 3, None, "3名以上"),
]


@pytest.mark.parametrize(("spec", "raw", "low", "high", "shown"), ACCEPTED, ids=[f"{s.field}:{r!r}" for s, r, *_ in ACCEPTED])
def test_accepted_notation(spec, raw, low, high, shown):
    metric = parse_metric(raw, spec)
    assert (metric.low, metric.high) == (low, high)
    assert metric.unit == spec.unit
    assert display_metric(metric) == shown


def test_inclusive_flags_keep_the_difference_between_over_and_at_least():
    assert parse_metric("90超", RATE) == Metric("%", 90, None, low_inclusive=False)
    assert parse_metric("90以上", RATE) == Metric("%", 90, None, low_inclusive=True)
    assert parse_metric("5未満", HIRES) == Metric("名", None, 5, high_inclusive=False)
    assert parse_metric("5以下", HIRES) == Metric("名", None, 5, high_inclusive=True)


# (raw value, the record says it is not published)
NO_VALUE = [(None, False), ("", False), ("不明", False), ("-", False), ("〜", False), ("  ", False),
            ("非公開", True), ("未公開", True), (" 非公開 ", True), ("ー", False)]


@pytest.mark.parametrize(("raw", "withheld"), NO_VALUE)
def test_no_value_reads_hikokai_only_when_the_record_says_so(raw, withheld):
    metric = parse_metric(raw, RATE)
    assert metric is None
    assert says_not_published(raw) is withheld
    assert display_metric(metric, says_not_published(raw)) == ("非公開" if withheld else "未掲載")


# (spec, raw value, exact message)
REFUSED = [
    # out of range
    (RATE, 120, "120 is above 100"),
    (RATE, "120%", "120 is above 100"),
    (RATE, "100.5", "100.5 is above 100"),
    (RATE, "90~120", "120 is above 100"),
    (RATE, {"max": 101}, "101 is above 100"),
    (RATE, -1, "-1 is below 0"),
    (RATE, "-5", "-5 is below 0"),
    (HIRES, -3, "-3 is below 0"),
    (HIRES, "-3~5", "-3 is below 0"),
    (STAY, -0.5, "-0.5 is below 0"),
    (STAY, {"min": -1}, "-1 is below 0"),
    # whole numbers only for a count of people
    (HIRES, 10.5, "10.5 is not a whole number"),
    (HIRES, "10.5~12名", "10.5 is not a whole number"),
    # backwards ranges
    (HIRES, "14~10", "range 14~10 runs backwards"),
    (HIRES, "14〜10名", "range 14~10 runs backwards"),
    (STAY, {"min": 12, "max": 6}, "range 12~6 runs backwards"),
    # not a number at all
    (RATE, True, "True is not a number or range"),
    (RATE, False, "False is not a number or range"),
    (RATE, float("nan"), "nan is not a finite number"),
    (RATE, float("inf"), "inf is not a finite number"),
    (HIRES, 10**400, "10000000000000000000… is too large"),
    (RATE, [90], "expected a number, range or {min, max}, got list"),
    (RATE, {"low": 1}, "unknown key(s) low in range; use min and max"),
    (RATE, {}, "a range needs min, max or both"),
    (RATE, {"min": None, "max": None}, "a range needs min, max or both"),
    (RATE, {"min": True}, "True is not a number"),
    (RATE, {"min": "たくさん"}, "'たくさん' is not a number"),
    (
        HIRES,
        "たくさん",
        "cannot read 'たくさん'; write a number (12), a range (10~14名), an open range (90名以上, 5名未満) or {min: …, max: …}",
    ),
    (
        RATE,
        "nan",
        "cannot read 'nan'; write a number (12), a range (10~14%), an open range (90%以上, 5%未満) or {min: …, max: …}",
    ),
    # the wrong unit for the field is not silently dropped
    (
        HIRES,
        "90%",
        "cannot read '90%'; write a number (12), a range (10~14名), an open range (90名以上, 5名未満) or {min: …, max: …}",
    ),
    (
        STAY,
        "1年",
        "cannot read '1年'; write a number (12), a range (10~14ヶ月), an open range (90ヶ月以上, 5ヶ月未満) or {min: …, max: …}",
    ),
    (
        RATE,
        "90以上100以下",
        "cannot read '90以上100以下'; write a number (12), a range (10~14%), an open range (90%以上, 5%未満) or {min: …, max: …}",
    ),
]


@pytest.mark.parametrize(("spec", "raw", "message"), REFUSED, ids=[f"{s.field}:{r!r}"[:60] for s, r, _ in REFUSED])
def test_refused_notation(spec, raw, message):
    with pytest.raises(MetricError) as caught:
        parse_metric(raw, spec)
    assert str(caught.value) == message


def best_first(texts, spec):
    return sorted(texts, key=lambda t: metric_order_key(parse_metric(t, spec), spec.higher_is_better))


def test_one_rule_ranks_a_range_by_what_it_guarantees():
    # 70〜80% guarantees 70, so it ranks below 72.5% (the midpoint 75 used to rank it above).
    assert best_first(["70〜80%", "72.5%"], RATE) == ["72.5%", "70〜80%"]
    assert metric_rank(parse_metric("70〜80%", RATE), True) == (70, 0)
    assert best_first(["90%以上", "非公開", "91%", "5%未満", "90%超", "92%", "0%"], RATE) == [
        "92%",
        "91%",
        "90%超",
        "90%以上",
        "0%",
        "5%未満",  # guarantees nothing on the side that matters: after every ranked value
        "非公開",
    ]
    assert best_first(["6〜12ヶ月", "6〜9ヶ月", "6ヶ月以上", "12ヶ月未満", "12ヶ月以下", "-"], STAY) == [
        "6〜9ヶ月",
        "12ヶ月未満",
        "6〜12ヶ月",  # ties with 12ヶ月以下 (same bound, same strictness): the stable order keeps them
        "12ヶ月以下",
        "6ヶ月以上",
        "-",
    ]


def test_json_form_uses_null_for_an_open_side_and_ints_where_whole():
    assert parse_metric("90%以上", RATE).as_json() == [90, None]
    assert parse_metric("92.5", RATE).as_json() == [92.5, 92.5]
    assert parse_metric({"max": 12}, STAY).as_json() == [None, 12]
