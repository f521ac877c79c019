"""The visit planner as built: /visit/ without JavaScript, its fields in facility-data/<k>.json, and the relay settings."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from facility_site.errors import SettingsError
from facility_site.records.metrics import display_metric
from facility_site.settings import resolve
from sitebuild import ROOT, build_site, facility_data, page
from visit_records import HOSTILE_NAME, NAMES, empty_content, write_records


@pytest.fixture(scope="module")
def visit_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("visit-pages")
    return build_site(root / "output", facilities=write_records(root / "records"), content=empty_content(root))


def data(site, facility_id):
    return facility_data(site)[facility_id]


def test_every_office_has_an_entry_in_the_shared_data_chunks(visit_site):
    assert sorted(facility_data(visit_site)) == sorted(NAMES)
    assert not (visit_site / "visit" / "data").exists()  # the planner reads the comparison's chunks
    assert "cells" in data(visit_site, "asahi")  # one entry carries both parts' fields


def test_json_carries_contact_hours_offers_and_conditions(visit_site):
    asahi = data(visit_site, "asahi")
    assert asahi["name"] == "あさひ就労支援センター" and asahi["url"] == "facilities/asahi/"
    assert asahi["contact"] == {"email": "info@asahi.example.jp", "phone": "03-0000-0001", "tel": "tel:0300000001"}
    assert asahi["hours"] == [["平日", "9:00〜17:00"], ["土曜", "9:00〜12:00"], ["定休日", "日曜・祝日"]]
    assert asahi["offers"] == [["見学", "yes", "あり"], ["体験", "yes", "あり"], ["オンライン見学", "unknown", "不明"]]
    assert asahi["offers_note"] == "見学は予約制です"
    assert asahi["conditions"] == [
        ["remote", "在宅訓練", "yes", "あり"],
        ["lunch", "昼食の提供", "no", "なし"],
        ["transport", "交通費の支援", "unknown", "不明"],
        ["pickup", "送迎", "no", "なし"],
    ]
    facts = dict(asahi["facts"])
    assert facts["所在地"] == "東京都新宿区西新宿1-1-1"
    assert facts["最寄り駅"] == "JR山手線 新宿駅 徒歩5分"
    # The memo is compared on paper: the rate keeps its definition, as on the page and in the comparison.
    assert facts["就職定着率"] == "92%（2024年度・就職6ヶ月後・事業所発表）" and facts["平均利用期間"] == "6〜12ヶ月" and facts["定員"] == "20名"
    assert asahi["retention_support"] is True


def test_records_without_the_new_fields_build_with_nothing_invented(visit_site):
    assert data(visit_site, "kaede")["contact"] == {"phone": "03-0000-0002", "tel": "tel:0300000002"}
    hikari = data(visit_site, "hikari")
    assert hikari["contact"] == {} and hikari["hours"] == [] and hikari["offers_note"] == ""
    assert {answer for _, answer, _ in hikari["offers"]} == {"unknown"}
    # An unpublished figure reads as everywhere else on the site.
    assert dict(hikari["facts"])["就職定着率"] == display_metric(None) != ""
    assert "None" not in dict(hikari["facts"])["定員"]  # capacity left out reads as the site's word for it
    sakura = data(visit_site, "sakura")
    assert sakura["contact"] == {"fax": "03-0000-0003", "form": "https://sakura.example.jp/contact/"}


def test_json_is_byte_identical_across_builds(visit_site, tmp_path):
    again = build_site(tmp_path / "out", facilities=write_records(tmp_path / "records"), content=empty_content(tmp_path))
    chunks = sorted((visit_site / "facility-data").glob("*.json"))
    assert chunks
    for path in chunks:
        assert (again / "facility-data" / path.name).read_bytes() == path.read_bytes()
    assert (again / "visit" / "index.html").read_bytes() == (visit_site / "visit" / "index.html").read_bytes()


def test_hostile_text_stays_data(visit_site):
    assert data(visit_site, "hostile")["name"] == HOSTILE_NAME


def test_visit_page_explains_the_steps_without_javascript(visit_site):
    soup = page(visit_site, "visit/")
    assert soup.h1.get_text() == "見学・問い合わせの準備"
    steps = soup.select_one("[data-visit-nojs]")
    assert steps is not None and not steps.has_attr("hidden")
    assert len(steps.select("ol > li")) == 5
    assert "JavaScriptが必要" in steps.get_text()
    # The planner itself waits for JavaScript.
    assert soup.select_one("[data-visit-app]").has_attr("hidden")
    privacy = soup.select_one("[data-visit-privacy]").get_text()
    assert "保存も送信もされません" in privacy and "sessionStorage" in privacy
    sensitive = soup.select_one("[data-visit-sensitive-note]").get_text()
    assert "要配慮個人情報" in sensitive and "このサイト" not in sensitive
    # No inline scripts: only the JSON blocks, the module and the ふりがな script file
    # (a classic script: it must run before the first paint).
    for script in soup.find_all("script"):
        assert script.get("type") in ("application/json", "module", None)
        assert script.get("type") == "application/json" or script.get("src")


def test_questions_cover_what_the_issue_lists(visit_site):
    soup = page(visit_site, "visit/")
    questions = [li.get_text() for li in soup.select(".visit-questions ol > li")]
    config = json.loads(soup.select_one("#visit-config").string)
    assert [q["text"] for q in config["questions"]] == questions
    text = "".join(questions)
    for topic in ("就職定着率", "いつからいつまで", "1日の流れ", "交通費", "昼食", "在宅", "就労定着支援"):
        assert topic in text, topic
    assert config["inquiryEndpoint"] == "" and config["privacyPolicyUrl"] == ""


def test_comparison_page_has_the_planner_link(visit_site):
    soup = page(visit_site, "compare/")
    holder = soup.select_one("[data-compare-visit]")
    assert holder.has_attr("hidden")
    assert holder.select_one("a[data-compare-visit-link]").get_text() == "見学・問い合わせの準備"


def test_facility_pages_with_a_contact_link_to_the_planner_for_that_office(visit_site):
    linked = 0
    for facility_id in NAMES:
        doc = page(visit_site, f"facilities/{facility_id}/")
        link = doc.select_one("[data-contact-section] a[data-contact-plan]")
        if doc.select_one("[data-contact-ways]") is None:
            assert link is None, facility_id  # nothing to write to or call: no planner to offer
            continue
        assert link["href"] == f"../../visit/?ids={facility_id}", facility_id
        assert link.get_text() == "この事業所に送る見学・問い合わせの文面を作る"
        linked += 1
    assert linked >= 2


def test_relay_settings_reach_the_page(tmp_path):
    site = build_site(
        tmp_path / "out",
        facilities=write_records(tmp_path / "records"),
        content=empty_content(tmp_path),
        inquiry_endpoint="https://relay.example.jp/inquiry",
        privacy_policy_url="/privacy/",
    )
    soup = page(site, "visit/")
    config = json.loads(soup.select_one("#visit-config").string)
    assert config["inquiryEndpoint"] == "https://relay.example.jp/inquiry"
    assert config["privacyPolicyUrl"] == "/privacy/"
    assert "運営者に送る" in soup.select_one("[data-visit-privacy]").get_text()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"inquiry_endpoint": "https://relay.example.jp/inquiry"},
            "FACILITY_SITE: inquiry_endpoint is set but privacy_policy_url is not; the inquiry form must link to the operator's privacy policy",
        ),
        (
            {"inquiry_endpoint": "javascript:alert(1)", "privacy_policy_url": "/privacy/"},
            "FACILITY_SITE: inquiry_endpoint must be an http(s) URL or a path starting with /, not 'javascript:alert(1)'",
        ),
        (
            {"inquiry_endpoint": "/inquiry", "privacy_policy_url": "//evil.example/"},
            "FACILITY_SITE: privacy_policy_url must be an http(s) URL or a path starting with /, not '//evil.example/'",
        ),
    ],
)
def test_bad_relay_settings_are_refused(options, message):
    with pytest.raises(SettingsError) as caught:
        resolve({"FACILITY_SITE": options})
    assert str(caught.value) == message


def test_endpoint_without_privacy_policy_stops_the_build_with_one_line(tmp_path):
    settings = tmp_path / "relayconf.py"
    settings.write_text(
        textwrap.dedent(
            f"""\
            import sys
            sys.path.insert(0, {str(ROOT)!r})
            from pelicanconf import *  # noqa: F403
            FACILITY_SITE = dict(FACILITY_SITE, inquiry_endpoint="https://relay.example.jp/inquiry")  # noqa: F405
            """
        ),
        encoding="utf-8",
    )
    output = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "facility_site.build", "-s", str(settings), "-o", str(output)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "plugins"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "facility_site: build failed: FACILITY_SITE: inquiry_endpoint is set but privacy_policy_url is not; "
        "the inquiry form must link to the operator's privacy policy"
    ]
    assert not output.exists()
