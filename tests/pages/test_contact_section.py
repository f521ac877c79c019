"""The facility page's 見学・体験・問い合わせ section (issue 11), as parsed HTML of a real build.

Records with and without each new field build: full-record has every one,
phone-only has only a phone, fax-only a fax, minimal none of them, and
hostile puts markup into every new text field.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from page_records import FULL_RECORD, MINIMAL_RECORD, no_articles, write_records
from sitebuild import build_site, page

BASE = MINIMAL_RECORD.replace("updated: 2026-09-15\n", "")


def record(name: str, *lines: str) -> str:
    return BASE.replace("name: ミニマル事業所", f"name: {name}") + "".join(f"{line}\n" for line in lines) + "updated: 2026-09-15\n"


RECORDS = {
    "full-record": FULL_RECORD,
    "minimal": MINIMAL_RECORD,
    "phone-only": record("電話だけ事業所", "phone: 03-5555-0000", "url: https://example.jp/phone-only/"),
    "fax-only": record("FAXだけ事業所", "fax: 03-5555-0001", "hours: {weekdays: 10:00〜16:00}", "visit: {tour: no}"),
    "email-only": record("メールだけ事業所", "email: office@example.jp", "conditions: {pickup: yes}"),
    "form-only": record("フォームだけ事業所", "inquiry_url: http://example.jp/form?a=1&b=2", "hours: {note: 土日は要予約}"),
    "hostile": record(
        "敵対的な事業所",
        "email: x@example.jp",
        "hours: {weekdays: '<script>window.__pwned=1</script>', closed: '<img src=x onerror=alert(1)>'}",
        "visit: {tour: yes, note: '<b>太字</b>'}",
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("contact")
    return build_site(root / "output", write_records(root / "facilities", RECORDS), no_articles(root))


def section(site: Path, facility_id: str):
    doc = page(site, f"facilities/{facility_id}/")
    found = doc.select("main [data-contact-section]")
    assert len(found) == 1
    return found[0]


def rows(dl) -> dict[str, str]:
    return {div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True) for div in dl.find_all("div", recursive=False)}


def answers(dl) -> dict[str, str]:
    return {div.dt.get_text(strip=True): div.dd["data-answer"] for div in dl.find_all("div", recursive=False) if div.dd.has_attr("data-answer")}


def test_every_facility_page_has_the_section_with_its_heading(site):
    for facility_id in RECORDS:
        contact = section(site, facility_id)
        assert contact.h2.get_text() == "見学・体験・問い合わせ"
        assert contact["aria-labelledby"] == contact.h2["id"]
        assert [h3.get_text() for h3 in contact.find_all("h3")] == ["連絡先", "利用できる時間帯・定休日", "見学・体験", "通うときの条件"]


def test_full_record_shows_every_way_to_reach_the_office(site):
    contact = section(site, "full-record")
    ways = contact.select_one("[data-contact-ways]")
    assert rows(ways) == {
        "電話": "03-1234-5678",
        "FAX": "03-1234-5679",
        "メール": "info@example.jp",
        "問い合わせフォーム": "フォームを開く （外部サイト）",
    }
    assert ways.find("a", string="03-1234-5678")["href"] == "tel:0312345678"
    assert ways.find("a", string="info@example.jp")["href"] == "mailto:info@example.jp"
    form = ways.find("a", href="https://example.jp/full-record/contact/")
    assert set(form["rel"]) == {"external", "noopener", "noreferrer"}
    assert ways.find(string="03-1234-5679").parent.name == "dd"  # fax is text, not a link
    assert contact.select_one("[data-contact-phone-only]") is None
    assert contact.select_one("[data-contact-none]") is None


def test_full_record_shows_hours_visit_and_conditions(site):
    contact = section(site, "full-record")
    # sunday "" and holidays left out are not published: no row, not an empty one
    assert rows(contact.select_one("[data-contact-hours]")) == {
        "平日": "9:00〜17:00",
        "土曜": "9:00〜12:00",
        "定休日": "日曜・祝日",
        "備考": "年末年始は休み",
    }
    visit = contact.select_one("[data-contact-visit]")
    assert rows(visit) == {"見学": "あり", "体験": "あり", "オンライン見学": "不明", "補足": "見学は予約制です"}
    assert answers(visit) == {"見学": "yes", "体験": "yes", "オンライン見学": "unknown"}
    conditions = contact.select_one("[data-contact-conditions]")
    assert rows(conditions) == {"在宅訓練": "あり", "昼食の提供": "なし", "交通費の支援": "不明", "送迎": "なし"}
    assert answers(conditions) == {"在宅訓練": "yes", "昼食の提供": "no", "交通費の支援": "unknown", "送迎": "no"}


def test_phone_only_gets_a_plain_note(site):
    contact = section(site, "phone-only")
    assert rows(contact.select_one("[data-contact-ways]")) == {"電話": "03-5555-0000"}
    note = contact.select_one("[data-contact-phone-only]")
    assert note.get_text().startswith("公開されている連絡先は電話番号だけです。")
    assert "相談支援事業所" in note.get_text()


@pytest.mark.parametrize(
    ("facility_id", "expected", "href"),
    [
        ("fax-only", {"FAX": "03-5555-0001"}, None),
        ("email-only", {"メール": "office@example.jp"}, "mailto:office@example.jp"),
        ("form-only", {"問い合わせフォーム": "フォームを開く （外部サイト）"}, "http://example.jp/form?a=1&b=2"),
    ],
)
def test_other_single_ways_get_no_phone_only_note(site, facility_id, expected, href):
    contact = section(site, facility_id)
    ways = contact.select_one("[data-contact-ways]")
    assert rows(ways) == expected
    assert [a["href"] for a in ways.find_all("a")] == ([href] if href else [])
    assert contact.select_one("[data-contact-phone-only]") is None


def test_record_without_any_new_field_says_what_is_missing(site):
    contact = section(site, "minimal")
    assert contact.select_one("[data-contact-ways]") is None
    assert contact.select_one("[data-contact-none]").get_text().startswith("この事業所の連絡先はまだ登録されていません。")
    assert contact.select_one("[data-contact-hours]") is None
    assert contact.select_one("[data-contact-no-hours]").get_text() == "時間帯と定休日はまだ登録されていません。問い合わせのときに確かめてください。"
    # Left out means unknown, never "no".
    assert set(answers(contact.select_one("[data-contact-visit]")).values()) == {"unknown"}
    assert rows(contact.select_one("[data-contact-conditions]")) == {"在宅訓練": "不明", "昼食の提供": "不明", "交通費の支援": "不明", "送迎": "不明"}
    assert contact.find("a") is None


def test_partial_hours_and_answers(site):
    fax = section(site, "fax-only")
    assert rows(fax.select_one("[data-contact-hours]")) == {"平日": "10:00〜16:00"}
    assert answers(fax.select_one("[data-contact-visit]")) == {"見学": "no", "体験": "unknown", "オンライン見学": "unknown"}
    form = section(site, "form-only")
    assert rows(form.select_one("[data-contact-hours]")) == {"備考": "土日は要予約"}
    assert answers(section(site, "email-only").select_one("[data-contact-conditions]"))["送迎"] == "yes"


def test_hostile_text_in_the_new_fields_is_shown_as_text(site):
    contact = section(site, "hostile")
    assert contact.find("script") is None and contact.find("img") is None and contact.find("b") is None
    assert rows(contact.select_one("[data-contact-hours]")) == {
        "平日": "<script>window.__pwned=1</script>",
        "定休日": "<img src=x onerror=alert(1)>",
    }
    assert rows(contact.select_one("[data-contact-visit]"))["補足"] == "<b>太字</b>"


def test_the_phone_is_no_longer_repeated_in_the_basics(site):
    doc = page(site, "facilities/phone-only/")
    assert len(doc.select("main a[href^='tel:']")) == 1
