"""Metrics written with their definition (issue 18): {value, period, basis, source}, checked by exact problem lines.

Each case adds lines to VALID (which ends on line 8), so the first added line is line 9.
"""

from __future__ import annotations

import pytest
from facility_site.records.metrics import Metric, MetricError, MetricNote, parse_basis
from record_text import problems, read_one


def test_the_mapping_form_carries_value_and_definition(folder):
    facility = read_one(
        folder,
        """\
        retention_rate:
          value: 90%以上
          period: 2024年度
          basis: 6ヶ月
          source: 事業所発表
        hires_last_year: {value: 10~14名, period: 2024年度, source: 自治体公表}
        average_stay: {value: {min: 6, max: 12}, source: 情報公表システム}
        """,
    )
    assert facility.retention_rate == Metric("%", 90, None)
    assert facility.metric_text("retention_rate") == "90%以上"
    assert facility.metric_note("retention_rate") == "2024年度・就職6ヶ月後・事業所発表"
    assert facility.retention_basis == 6
    assert facility.metric_text("hires_last_year") == "10〜14名"
    assert facility.metric_note("hires_last_year") == "2024年度・自治体公表"
    assert facility.metric_text("average_stay") == "6〜12ヶ月"
    assert facility.metric_note("average_stay") == "情報公表システム"


def test_the_plain_form_stays_valid_and_has_no_definition(folder):
    facility = read_one(folder, "retention_rate: 90%以上\nhires_last_year: 非公開\n")
    assert facility.metric_text("retention_rate") == "90%以上"
    assert facility.metric_note("retention_rate") == "" and facility.retention_basis is None
    assert facility.metric_text("hires_last_year") == "非公開"


def test_a_value_of_not_published_reads_so_with_its_definition(folder):
    facility = read_one(folder, "retention_rate: {value: 非公開, period: 2024年度}\n")
    assert facility.retention_rate is None
    assert facility.metric_text("retention_rate") == "非公開"
    assert facility.metric_note("retention_rate") == "2024年度"


def test_free_text_source_and_a_period_typed_as_a_number_are_kept_as_written(folder):
    facility = read_one(folder, "retention_rate: {value: 92%, period: 2024, basis: 1年, source: 法人の事業報告書}\n")
    assert facility.metric_note("retention_rate") == "2024・就職1年後・法人の事業報告書"
    assert facility.retention_basis == 12


@pytest.mark.parametrize(
    ("written", "months"),
    [("6ヶ月", 6), ("6か月", 6), ("６カ月", 6), ("就職6ヶ月後", 6), ("12ヶ月", 12), ("1年", 12), ("1年後", 12), ("18ヶ月", 18)],
)
def test_basis_is_read_in_months(written, months):
    assert parse_basis(written) == months


@pytest.mark.parametrize("written", ["半年", "6", "6週間", "0ヶ月", "いつも"])
def test_an_unreadable_basis_is_refused(written):
    with pytest.raises(MetricError):
        parse_basis(written)


def test_basis_label_uses_years_for_whole_years():
    assert MetricNote(basis_months=12).basis_label == "就職1年後"
    assert MetricNote(basis_months=18).basis_label == "就職18ヶ月後"
    assert MetricNote(basis_months=24).text() == "就職2年後"


def test_every_problem_of_a_definition_is_reported_by_its_key_and_line(folder):
    found = problems(
        folder,
        """\
        retention_rate:
          value: 120%
          basis: 半年
          perod: 2024年度
        hires_last_year: {value: 10名, basis: 6ヶ月}
        average_stay: {period: 2024年度}
        """,
    )
    assert found == [
        "facilities/test.yaml:10: retention_rate.value: 120 is above 100",
        "facilities/test.yaml:11: retention_rate.basis: cannot read '半年'; write how long after starting work the rate counts, such as 6ヶ月 or 1年",
        "facilities/test.yaml:12: retention_rate.perod: unknown field; did you mean 'period'?",
        "facilities/test.yaml:13: hires_last_year.basis: basis is for retention_rate only (how long after starting work a person counts as retained)",
        "facilities/test.yaml:14: average_stay.value: value is missing; write the figure (or 非公開) as value: …",
    ]


def test_a_period_that_is_not_one_short_line_is_refused(folder):
    found = problems(folder, "retention_rate: {value: 92%, period: [2024, 2025]}\nhires_last_year: {value: 3, period: " + "年" * 41 + "}\n")
    assert found == [
        "facilities/test.yaml:9: retention_rate.period: must be text, not a list or mapping",
        "facilities/test.yaml:10: hires_last_year.period: is 41 characters long; at most 40",
    ]
