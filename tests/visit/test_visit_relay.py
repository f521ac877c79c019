"""The operator's relay form against a local endpoint this test starts (127.0.0.1, ephemeral port).

The site is built with FACILITY_SITE inquiry_endpoint pointing at the endpoint
and privacy_policy_url set; the endpoint records what it receives and answers
200 or 500 as the test asks.
"""

from __future__ import annotations

import http.server
import threading
import urllib.parse
from pathlib import Path

import pytest
from conftest import format_violations, run_axe
from sitebuild import StaticServer, build_site
from visit_records import NAMES, empty_content, write_records

pytestmark = pytest.mark.browser

SUPPORT_LABEL = "配慮してほしいこと（書かなくてもかまいません）"


class Endpoint:
    """A form handler on another origin: records POSTs, answers with CORS headers."""

    def __init__(self):
        self.received: list[dict] = []
        self.status = 200
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode("utf-8")
                endpoint.received.append(
                    {"content_type": self.headers.get("Content-Type"), "fields": dict(urllib.parse.parse_qsl(body, keep_blank_values=True))}
                )
                reply = b'{"ok":true}' if endpoint.status == 200 else b'{"ok":false}'
                self.send_response(endpoint.status)
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/inquiry"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def endpoint():
    with Endpoint() as running:
        yield running


@pytest.fixture(scope="module")
def server(tmp_path_factory, endpoint):
    root = tmp_path_factory.mktemp("visit-relay")
    site: Path = build_site(
        root / "output",
        facilities=write_records(root / "records"),
        content=empty_content(root),
        inquiry_endpoint=endpoint.url,
        privacy_policy_url="https://operator.example.jp/privacy/",
    )
    with StaticServer(site) as running:
        yield running


@pytest.fixture
def fresh(endpoint):
    endpoint.received.clear()
    endpoint.status = 200
    return endpoint


def open_with_draft(tab, server, support=""):
    tab.goto(f"{server.url}visit/?ids=asahi,kaede")
    tab.wait_for_selector("[data-visit-office]")
    tab.get_by_label("お名前", exact=True).fill("山田花子")
    tab.get_by_label("希望する日時", exact=True).fill("12月3日の午前")
    tab.get_by_label("返事を受け取る連絡先", exact=True).fill("hanako@example.com")
    if support:
        tab.get_by_label(SUPPORT_LABEL, exact=True).fill(support)


def relay(tab, facility_id):
    return tab.locator(f"[data-visit-office][data-facility-id='{facility_id}'] [data-visit-relay]")


def test_every_office_has_the_form_with_consent_and_privacy_link(page, server, fresh):
    open_with_draft(page, server)
    for facility_id in ("asahi", "kaede"):
        form = relay(page, facility_id)
        assert form.get_by_role("link", name="運営者のプライバシーポリシー").get_attribute("href") == "https://operator.example.jp/privacy/"
        consent = form.get_by_role("checkbox")
        assert "要配慮個人情報" in consent.evaluate("n => n.labels[0].textContent")
        assert not consent.is_checked()
    violations = run_axe(page)
    assert violations == [], format_violations(violations)
    assert fresh.received == []  # nothing is sent until the visitor presses 送る


def test_sensitive_part_needs_consent_then_the_message_arrives(page, server, fresh):
    open_with_draft(page, server, support="静かな部屋を希望します")
    form = relay(page, "asahi")
    status = form.locator("[data-visit-relay-status]")
    form.get_by_role("button", name=f"{NAMES['asahi']}あての文面を運営者に送る").click()
    assert "同意のチェックが必要です" in status.text_content()
    assert fresh.received == []
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name=f"{NAMES['asahi']}あての文面を運営者に送る").click()
    status.filter(has_text="送信しました").wait_for()
    assert status.get_attribute("data-state") == "sent"
    assert "hanako@example.com" in status.text_content()
    assert len(fresh.received) == 1
    received = fresh.received[0]
    assert received["content_type"].startswith("application/x-www-form-urlencoded")
    fields = received["fields"]
    shown = page.locator("[data-visit-office][data-facility-id='asahi'] [data-visit-message]").text_content()
    assert fields == {
        "facility_id": "asahi",
        "facility_name": NAMES["asahi"],
        "purpose": "tour",
        "name": "山田花子",
        "reply_method": "email",
        "reply_to": "hanako@example.com",
        "subject": "見学のお願い（山田花子）",
        "message": shown,
        "sensitive_included": "yes",
        "sensitive_consent": "yes",
    }
    assert "■配慮をお願いしたいこと\n静かな部屋を希望します" in fields["message"]
    assert page.errors == []


def test_without_a_sensitive_part_no_consent_is_needed(page, server, fresh):
    open_with_draft(page, server)
    form = relay(page, "kaede")
    form.get_by_role("button").click()
    form.locator("[data-visit-relay-status]").filter(has_text="送信しました").wait_for()
    assert fresh.received[0]["fields"]["facility_id"] == "kaede"
    assert fresh.received[0]["fields"]["sensitive_included"] == "no"
    assert fresh.received[0]["fields"]["sensitive_consent"] == "no"


def test_no_reply_address_is_refused_before_sending(page, server, fresh):
    open_with_draft(page, server)
    page.get_by_label("返事を受け取る連絡先", exact=True).fill("")
    form = relay(page, "asahi")
    form.get_by_role("button").click()
    assert "返事を受け取る連絡先" in form.locator("[data-visit-relay-status]").text_content()
    assert fresh.received == []


def test_server_error_is_reported_honestly(page, server, fresh):
    fresh.status = 500
    open_with_draft(page, server)
    form = relay(page, "asahi")
    form.get_by_role("button").click()
    status = form.locator("[data-visit-relay-status]")
    status.filter(has_text="送信できませんでした").wait_for()
    assert "500" in status.text_content() and status.get_attribute("data-state") == "failed"
    assert "送信しました" not in status.text_content()
    assert len(fresh.received) == 1  # it was tried once, and the page says it failed
    # The draft is still there to try again.
    assert page.get_by_label("お名前", exact=True).input_value() == "山田花子"
    assert [e for e in page.errors if "status of 500" not in e] == []


def test_unreachable_endpoint_is_reported_honestly(page, server, fresh):
    page.route("**/inquiry", lambda route: route.abort("connectionrefused"))
    open_with_draft(page, server)
    form = relay(page, "asahi")
    form.get_by_role("button").click()
    status = form.locator("[data-visit-relay-status]")
    status.filter(has_text="送信できませんでした").wait_for()
    assert "届いたかどうかは確かめられません" in status.text_content()
    assert fresh.received == []
