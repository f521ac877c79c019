"""The contact, hours, visit and conditions fields (issue 11), checked by exact problem lines.

Each case adds lines to test_reader's VALID record (which ends on line 8),
so the first added line is line 9.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from facility_site.records.model import Conditions, Hours, Visit
from facility_site.records.reader import load_facilities
from record_text import VALID, problems, with_lines, write

ISSUE_EXAMPLE = (
    "email: info@example.jp",
    "fax: 03-1234-5679",
    "inquiry_url: https://example.jp/contact/",
    "hours:",
    "  weekdays: 9:00〜17:00",
    "  saturday: 9:00〜12:00",
    '  sunday: ""',
    '  holidays: ""',
    "  closed: 日曜・祝日",
    "  note: 年末年始は休み",
    "visit: {tour: yes, trial: yes, online: unknown, note: 見学は予約制です}",
    "conditions: {remote: yes, lunch: no, transport: unknown, pickup: no}",
)


def test_the_issues_example_is_read_field_by_field(folder):
    write(folder, "x.yaml", with_lines(*ISSUE_EXAMPLE))
    [facility] = load_facilities(folder)
    assert (facility.email, facility.fax, facility.inquiry_url) == (
        "info@example.jp",
        "03-1234-5679",
        "https://example.jp/contact/",
    )
    assert facility.mailto_href == "mailto:info@example.jp"
    assert facility.hours == Hours(weekdays="9:00〜17:00", saturday="9:00〜12:00", closed="日曜・祝日", note="年末年始は休み")
    assert facility.hours.days == (("平日", "9:00〜17:00"), ("土曜", "9:00〜12:00"))
    assert facility.visit == Visit(tour="yes", trial="yes", online="unknown", note="見学は予約制です")
    assert [(kind.label, answer, label) for kind, answer, label in facility.visit.answers] == [
        ("見学", "yes", "あり"),
        ("体験", "yes", "あり"),
        ("オンライン見学", "unknown", "不明"),
    ]
    assert facility.conditions == Conditions(remote="yes", lunch="no", transport="unknown", pickup="no")
    assert facility.conditions.offered == ("remote",)
    assert not facility.phone_only


def test_quoted_answers_and_mixed_case_are_accepted(folder):
    write(folder, "x.yaml", with_lines("visit: {tour: 'yes', trial: 'No', online: UNKNOWN}"))
    assert load_facilities(folder)[0].visit == Visit(tour="yes", trial="no", online="unknown")


def test_left_out_or_empty_answers_are_unknown(folder):
    write(folder, "x.yaml", with_lines("visit: {note: 見学は随時}", "conditions:", "  remote:", "  lunch: ''"))
    facility = load_facilities(folder)[0]
    assert facility.visit == Visit(note="見学は随時")
    assert facility.conditions == Conditions()
    assert facility.conditions.offered == ()


@pytest.mark.parametrize(
    ("phone", "fax", "email", "form", "only"),
    [
        ("03-1111-2222", None, None, None, True),
        ("03-1111-2222", "03-1111-2223", None, None, False),
        ("03-1111-2222", None, "a@example.jp", None, False),
        ("03-1111-2222", None, None, "https://example.jp/f", False),
        (None, None, None, None, False),
    ],
)
def test_phone_only_means_no_other_way_is_published(folder, phone, fax, email, form, only):
    lines = [f"{k}: {v}" for k, v in (("phone", phone), ("fax", fax), ("email", email), ("inquiry_url", form)) if v]
    write(folder, "x.yaml", with_lines(*lines))
    assert load_facilities(folder)[0].phone_only is only


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("email: info", "email: 'info' is not an email address such as 'info@example.jp'"),
        ("email: info@example", "email: 'info@example' is not an email address such as 'info@example.jp'"),
        ("email: a b@example.jp", "email: 'a b@example.jp' is not an email address such as 'info@example.jp'"),
        ("email: <script>@x.jp", "email: '<script>@x.jp' is not an email address such as 'info@example.jp'"),
        ("email: 'mailto:a@example.jp'", "email: 'mailto:a@example.jp': write the address alone, without 'mailto:'"),
        ("email: [a@example.jp]", "email: must be text, not a list or mapping"),
        ("fax: ファクスのみ", "fax: 'ファクスのみ' is not a fax number"),
        ("fax: [03, 1234]", "fax: must be a fax number such as '03-1234-5678'"),
        ("inquiry_url: javascript:alert(1)", "inquiry_url: 'javascript:alert(1)' is not an http(s) address"),
        ("inquiry_url: mailto:a@example.jp", "inquiry_url: 'mailto:a@example.jp' is not an http(s) address"),
        ("inquiry_url: //example.jp/form", "inquiry_url: '//example.jp/form' is not an http(s) address"),
        ("hours: 9:00〜17:00", "hours: must be a mapping such as {weekdays: 9:00〜17:00, closed: 日曜・祝日}"),
        ("hours: {weekday: 9:00〜17:00}", "hours.weekday: unknown field; did you mean 'weekdays'?"),
        ("hours: {open: 9:00}", "hours.open: unknown field; known fields are weekdays, saturday, sunday, holidays, closed, note"),
        ("hours: {weekdays: [9:00, 17:00]}", "hours.weekdays: must be text, not a list or mapping"),
        ("hours: {note: " + "あ" * 201 + "}", "hours.note: is 201 characters long; at most 200"),
        ("hours: {closed: " + "あ" * 101 + "}", "hours.closed: is 101 characters long; at most 100"),
        ("visit: yes", "visit: must be a mapping such as {tour: yes, trial: yes, online: yes}"),
        ("visit: {tour: maybe}", "visit.tour: 'maybe' is not one of yes, no, unknown"),
        ("visit: {trial: true}", "visit.trial: 'true' is not one of yes, no, unknown"),
        ("visit: {online: 1}", "visit.online: '1' is not one of yes, no, unknown"),
        ("visit: {tour: [yes]}", "visit.tour: [True] is not one of yes, no, unknown"),
        ("visit: {tours: yes}", "visit.tours: unknown field; did you mean 'tour'?"),
        ("conditions: {bus: yes}", "conditions.bus: unknown field; known fields are remote, lunch, transport, pickup"),
        ("conditions: {note: 送迎は一部地域}", "conditions.note: unknown field; known fields are remote, lunch, transport, pickup"),
        ("conditions: {lunch: あり}", "conditions.lunch: 'あり' is not one of yes, no, unknown"),
        ("conditions: [remote]", "conditions: must be a mapping such as {remote: yes, lunch: yes, transport: yes, pickup: yes}"),
    ],
)
def test_bad_contact_fields(folder, line, expected):
    write(folder, "x.yaml", with_lines(line))
    assert problems(folder) == [f"facilities/x.yaml:9: {expected}"]


def test_every_problem_in_the_blocks_is_reported_at_once_on_its_own_line(folder):
    write(
        folder,
        "x.yaml",
        with_lines(
            "email: nope",  # 9
            "hours:",  # 10
            "  weekdays: 9:00〜17:00",
            "  satuday: 9:00〜12:00",  # 12
            "visit:",
            "  tour: maybe",  # 14
            "  online: no",
            "conditions:",
            "  pickup: sometimes",  # 17
        ),
    )
    assert problems(folder) == [
        "facilities/x.yaml:9: email: 'nope' is not an email address such as 'info@example.jp'",
        "facilities/x.yaml:12: hours.satuday: unknown field; did you mean 'saturday'?",
        "facilities/x.yaml:14: visit.tour: 'maybe' is not one of yes, no, unknown",
        "facilities/x.yaml:17: conditions.pickup: 'sometimes' is not one of yes, no, unknown",
    ]


def test_duplicate_key_inside_a_block_is_reported(folder):
    write(folder, "x.yaml", with_lines("conditions:", "  lunch: yes", "  lunch: no"))
    assert problems(folder) == ["facilities/x.yaml:11: conditions.lunch: duplicate field (first given on line 10)"]


def test_hostile_text_in_hours_and_visit_note_is_kept_as_text(folder):
    write(folder, "x.yaml", with_lines("hours: {note: '<script>alert(1)</script>'}", "visit: {note: '<b>予約制</b>'}"))
    facility = load_facilities(folder)[0]
    assert (facility.hours.note, facility.visit.note) == ("<script>alert(1)</script>", "<b>予約制</b>")


def test_full_width_email_is_normalised(folder):
    write(folder, "x.yaml", with_lines("email: ｉｎｆｏ＠ｅｘａｍｐｌｅ．ｊｐ"))
    assert load_facilities(folder)[0].email == "info@example.jp"


def test_the_readme_example_of_the_contact_fields_is_valid(folder):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Contact, hours, visits and conditions", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    write(folder, "x.yaml", VALID + example)
    [facility] = load_facilities(folder)
    assert facility.inquiry_url == "https://example.jp/contact/"
    assert facility.conditions.offered == ("remote",)
