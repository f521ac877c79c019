"""Who runs the office: the operator on facility pages, 「同じ法人の事業所」, and bad operator blocks."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from facility_site.errors import RecordError
from facility_site.records.reader import display_path, load_facilities
from operator_records import build_operator_site, record
from sitebuild import page


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("operator")
    return build_operator_site(root)


def facts(doc) -> dict[str, str]:
    return {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in doc.select("dl.facts > div")}


def same_operator(doc) -> list[str]:
    return [li["data-facility-id"] for li in doc.select("[data-same-operator] li[data-facility-id]")]


def test_the_page_shows_the_operator_with_its_site_and_number(site):
    doc = page(site, "facilities/current-shinjuku/")
    shown = facts(doc)
    assert shown["運営法人"] == "株式会社カレント（外部サイト）"
    assert shown["法人番号"] == "1011101012345"
    link = doc.select_one("[data-operator] a")
    assert link["href"] == "https://current-corp.example.jp/"
    assert "external" in link["rel"]


def test_an_operator_without_url_or_number_is_plain_text(site):
    doc = page(site, "facilities/midori-1/")
    assert facts(doc)["運営法人"] == "社会福祉法人みどり会"
    assert doc.select_one("[data-operator] a") is None
    assert "法人番号" not in facts(doc)


def test_a_record_without_operator_shows_neither(site):
    doc = page(site, "facilities/plain/")
    assert doc.select_one("[data-operator]") is None
    assert doc.select_one("[data-same-operator]") is None


def test_same_operator_lists_the_other_offices_by_number_own_prefecture_first(site):
    doc = page(site, "facilities/current-shinjuku/")
    # current-shibuya writes the name differently but has the same 法人番号; Osaka comes after Tokyo.
    assert same_operator(doc) == ["current-shibuya", "current-osaka"]
    section = doc.select_one("[data-same-operator]")
    assert section.h2.get_text(strip=True) == "同じ法人の事業所"
    assert "2件" in section.p.get_text()
    for li in section.select("li"):
        href = li.a["href"]
        assert href == f"../../facilities/{li['data-facility-id']}/"
        assert (site / "facilities" / li["data-facility-id"] / "index.html").is_file()
    assert section.select_one("[data-same-operator-more]") is None
    assert same_operator(page(site, "facilities/current-osaka/")) == ["current-shinjuku", "current-shibuya"]


def test_same_operator_groups_by_name_when_there_is_no_number(site):
    assert same_operator(page(site, "facilities/midori-1/")) == ["midori-2"]
    assert same_operator(page(site, "facilities/midori-2/")) == ["midori-1"]


def test_an_operator_with_one_office_has_no_list(site):
    doc = page(site, "facilities/alone/")
    assert facts(doc)["運営法人"] == "株式会社ひとり"
    assert doc.select_one("[data-same-operator]") is None


def test_a_big_operator_shows_ten_offices_and_a_search_link_for_the_rest(site):
    doc = page(site, "facilities/big-05/")  # in 埼玉県: its own prefecture's offices first
    shown = same_operator(doc)
    assert shown == [f"big-{n:02}" for n in (3, 4, 6, 7, 8, 9, 10, 11, 12, 0)]
    section = doc.select_one("[data-same-operator]")
    assert "12件" in section.p.get_text()
    more = section.select_one("[data-same-operator-more] a")
    assert more.get_text(strip=True) == "ほか2件は検索で探す"
    assert parse_qs(urlsplit(more["href"]).query) == {"q": ["社会福祉法人おおきな会"]}
    assert same_operator(page(site, "facilities/big-00/"))[:2] == ["big-01", "big-02"]  # 東京都 first for a Tokyo office


def test_hostile_operator_name_is_text(site):
    doc = page(site, "facilities/hostile/")
    assert facts(doc)["運営法人"] == "<script>alert(1)</script>法人"
    assert not any("alert" in (s.string or "") for s in doc.select("script"))


def test_bad_operator_blocks_are_reported_with_file_line_and_field(tmp_path):
    folder = tmp_path / "facilities"
    folder.mkdir()
    bad = {
        "no-name": "operator:\n  number: '1011101012345'\n",
        "short": "operator: {name: 株式会社A, number: '12345'}\n",
        "check": "operator: {name: 株式会社A, number: '1234567890123'}\n",
        "unquoted": "operator: {name: 株式会社A, number: 1011101012345}\n",
        "script": "operator: {name: 株式会社A, url: 'javascript:alert(1)'}\n",
        "kana": "operator: {name: 株式会社A, name_kana: Kabushiki}\n",
        "typo": "operator: {name: 株式会社A, nmae: x}\n",
        "text": "operator: 株式会社A\n",
    }
    for record_id, operator in bad.items():
        (folder / f"{record_id}.yaml").write_text(record("テスト", "東京都", "新宿区", operator), encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        load_facilities(folder)
    where = display_path(folder)
    assert sorted(str(p) for p in caught.value.problems) == sorted(
        [
            f"{where}/no-name.yaml:6: operator.name: required when operator is given (the corporation's name)",
            f"{where}/short.yaml:6: operator.number: '12345' is not a 13-digit 法人番号 such as '7000012050002'",
            f"{where}/check.yaml:6: operator.number: '1234567890123' is not a 法人番号: "
            "its check digit (the first digit) does not match the other 12; look for a typo",
            f"{where}/unquoted.yaml:6: operator.number: write the 法人番号 in quotes, such as '7000012050002' (unquoted, 1011101012345 is read as a number)",
            f"{where}/script.yaml:6: operator.url: 'javascript:alert(1)' is not an http(s) address",
            f"{where}/kana.yaml:6: operator.name_kana: 'Kabushiki' is not a reading in hiragana or katakana",
            f"{where}/typo.yaml:6: operator.nmae: unknown field; did you mean 'name'?",
            f"{where}/text.yaml:6: operator: must be a mapping such as {{name: 社会福祉法人みどり会, number: '7000012050002'}}",
        ]
    )
