"""The visit planner in headless Chromium, as a visitor uses it: compose once, send per office, print.

The site is built from tests/visit/visit_records.py: an office with email and
phone (asahi), one with a phone only (kaede), one with fax and its own form
(sakura), one with nothing published (hikari), a fifth (mori) and the hostile record.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from pathlib import Path

import pytest
from conftest import format_violations, run_axe
from sitebuild import StaticServer, build_site
from visit_records import HOSTILE_NAME, NAMES, empty_content, write_records

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("/tmp/visit-screenshots")
FOUR = ["asahi", "kaede", "sakura", "hikari"]
# A4 less the @page margins of visit.css (14mm each side, 14mm top, 12mm bottom), in CSS pixels.
A4_CONTENT_WIDTH = round((210 - 28) / 25.4 * 96)
A4_CONTENT_HEIGHT = round((297 - 26) / 25.4 * 96)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("visit-browser")
    return build_site(root / "output", facilities=write_records(root / "records"), content=empty_content(root))


@pytest.fixture(scope="module")
def server(site):
    with StaticServer(site) as running:
        yield running


def open_planner(tab, server, ids):
    tab.goto(f"{server.url}visit/?ids={','.join(ids)}")
    tab.wait_for_selector("[data-visit-office], [data-visit-empty]")


def office(tab, facility_id):
    return tab.locator(f"[data-visit-office][data-facility-id='{facility_id}']")


def compose(tab, **fields):
    """Type into the composer as a visitor would (labels, not ids)."""
    purpose = fields.pop("purpose", None)
    if purpose:
        tab.get_by_label(purpose, exact=True).check()
    labels = {
        "name": "お名前",
        "dates": "希望する日時",
        "reply_to": "返事を受け取る連絡先",
        "support": "配慮してほしいこと（書かなくてもかまいません）",
        "notes": "そのほかに伝えたいこと・質問（書かなくてもかまいません）",
    }
    for key, value in fields.items():
        tab.get_by_label(labels[key], exact=True).fill(value)


def message(tab, facility_id):
    return office(tab, facility_id).locator("[data-visit-message]").text_content()


def decode_mailto(href):
    """(address, {subject, body}) from a mailto: href, decoded as a mail program would."""
    assert href.startswith("mailto:")
    address, _, query = href[len("mailto:") :].partition("?")
    fields = {}
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        # encodeURIComponent output: no "+" for spaces, so unquote (not unquote_plus).
        fields[key] = urllib.parse.unquote(value, errors="strict")
    return address, fields


# --- composing ------------------------------------------------------------------------------


def test_one_block_per_office_with_its_contact_and_hours(page, server):
    open_planner(page, server, FOUR)
    ids = page.eval_on_selector_all("[data-visit-office]", "nodes => nodes.map(n => n.dataset.facilityId)")
    assert ids == FOUR
    asahi = office(page, "asahi")
    assert asahi.get_by_role("heading", level=3).text_content() == NAMES["asahi"]
    assert asahi.get_by_role("link", name="03-0000-0001").get_attribute("href") == "tel:0300000001"
    text = asahi.locator(".visit-office__screen").inner_text()
    for fact in ("info@asahi.example.jp", "9:00〜17:00", "9:00〜12:00", "日曜・祝日", "見学は予約制です"):
        assert fact in text
    hikari = office(page, "hikari")
    assert "連絡先はまだ登録されていません" in hikari.locator("[data-visit-no-contact]").text_content()
    assert "時間帯と定休日はまだ登録されていません" in hikari.inner_text()
    form_link = office(page, "sakura").get_by_role("link", name=re.compile("事業所のフォームを開く"))
    assert form_link.get_attribute("href") == "https://sakura.example.jp/contact/"
    assert page.errors == []


def test_message_is_composed_once_for_every_office(page, server):
    open_planner(page, server, FOUR)
    compose(page, purpose="体験", name="山田花子", dates="12月3日（水）の午前、12月5日（金）の午後", reply_to="hanako@example.com", notes="駐輪場はありますか")
    for facility_id in FOUR:
        text = message(page, facility_id)
        assert text.startswith(f"{NAMES[facility_id]}\nご担当者様\n")
        assert "山田花子と申します" in text
        assert "体験利用をお願いしたく" in text
        assert "■希望する日時\n12月3日（水）の午前、12月5日（金）の午後" in text
        assert "■返事の受け取り方\nメール：hanako@example.com" in text
        assert "■そのほか\n駐輪場はありますか" in text
        assert "配慮" not in text  # nothing sensitive unless written
        assert office(page, facility_id).locator("[data-visit-subject]").text_content() == "体験利用のお願い（山田花子）"
    compose(page, purpose="相談", support="音に敏感なので、静かな部屋だと助かります")
    text = message(page, "asahi")
    assert "利用についての相談をお願いしたく" in text
    assert "■配慮をお願いしたいこと\n音に敏感なので、静かな部屋だと助かります" in text
    assert page.errors == []


def test_mailto_carries_the_subject_and_body(page, server):
    open_planner(page, server, FOUR)
    compose(page, name="山田 花子", dates="12/3 10:00〜 & 午後も可", reply_to="hanako+visit@example.com", support="音に敏感です。100%静かな部屋を希望")
    mail = office(page, "asahi").locator('a[href^="mailto:"]')
    assert mail.count() == 1
    address, fields = decode_mailto(mail.get_attribute("href"))
    assert address == "info@asahi.example.jp"
    assert sorted(fields) == ["body", "subject"]
    assert fields["subject"] == "見学のお願い（山田 花子）"
    shown = message(page, "asahi")
    assert fields["body"] == shown.replace("\n", "\r\n")  # RFC 6068 line breaks
    assert "12/3 10:00〜 & 午後も可" in fields["body"] and "hanako+visit@example.com" in fields["body"]
    assert "100%静かな部屋を希望" in fields["body"]
    # Offices without an address get no mail link.
    for facility_id in ("kaede", "sakura", "hikari"):
        assert office(page, facility_id).locator('a[href^="mailto:"]').count() == 0
    assert page.errors == []


def test_phone_only_office_gets_a_script(page, server):
    open_planner(page, server, FOUR)
    compose(page, name="山田花子", dates="12月3日の午前", purpose="見学", reply_to="090-0000-0000")
    page.get_by_label("電話", exact=True).check()
    script = office(page, "kaede").locator("[data-visit-phone-script] li").all_text_contents()
    assert script[0] == "「山田花子と申します。就労支援の利用を考えていて、見学のお願いでお電話しました。」"
    assert script[1] == "「希望は12月3日の午前です。ご都合はいかがでしょうか。」"
    assert "返事は電話で、090-0000-0000にお願いします" in script[2]
    # Offices reached in writing get no script.
    for facility_id in ("asahi", "sakura", "hikari"):
        assert office(page, facility_id).locator("[data-visit-phone-script]").count() == 0


def test_a_parent_or_a_support_worker_writes_as_themselves(page, server):
    """The message did not let a parent say the visit is for their child: it read as if the writer would attend."""
    open_planner(page, server, FOUR)
    compose(page, name="山田花子", dates="12月3日の午前", reply_to="090-0000-0000")
    assert "貴事業所の利用を考えており、見学をお願いしたく" in message(page, "asahi")
    page.get_by_label("家族", exact=True).check()
    text = message(page, "asahi")
    assert "家族が貴事業所の利用を考えており、家族として見学をお願いしたくご連絡しました。" in text
    page.get_by_label("電話", exact=True).check()
    script = office(page, "kaede").locator("[data-visit-phone-script] li").all_text_contents()
    assert script[0] == "「山田花子と申します。家族が就労支援の利用を考えていて、見学のお願いでお電話しました。」"
    page.get_by_label("支援者・相談員", exact=True).check()
    assert "支援している方が貴事業所の利用を考えており、支援者として見学をお願いしたく" in message(page, "asahi")
    # The choice is kept with the draft, in this tab only.
    page.reload()
    page.wait_for_selector("[data-visit-office]")
    assert page.get_by_label("支援者・相談員", exact=True).is_checked()
    assert page.errors == []


# --- copying ---------------------------------------------------------------------------------


def test_copy_button_puts_the_message_on_the_clipboard(browser, server):
    context = browser.new_context(locale="ja-JP")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url.rstrip("/"))
    tab = context.new_page()
    try:
        open_planner(tab, server, ["asahi", "sakura"])
        compose(tab, name="山田花子", dates="12月3日")
        card = office(tab, "sakura")
        card.get_by_role("button", name=f"{NAMES['sakura']}あての文面をコピー").click()
        status = card.locator("[data-visit-copy-status]")
        status.filter(has_text="コピーしました").wait_for()
        assert status.get_attribute("role") == "status"
        copied = tab.evaluate("() => navigator.clipboard.readText()")
        assert copied == f"件名：見学のお願い（山田花子）\n\n{message(tab, 'sakura')}"
    finally:
        context.close()


def test_copy_falls_back_without_the_clipboard_api(page, server):
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {configurable: true, get: () => undefined});")
    open_planner(page, server, ["asahi"])
    compose(page, name="山田花子")
    page.evaluate("() => { window.__copied = null; document.addEventListener('copy', (e) => { window.__copied = e.target.value; }); }")
    office(page, "asahi").locator("[data-visit-copy]").click()
    office(page, "asahi").locator("[data-visit-copy-status]").filter(has_text="コピーしました").wait_for()
    assert page.evaluate("() => window.__copied") == f"件名：見学のお願い（山田花子）\n\n{message(page, 'asahi')}"
    assert page.locator(".visit-copy-buffer").count() == 0  # the helper box is gone
    assert page.errors == []


# --- the draft stays in the tab --------------------------------------------------------------


def test_draft_survives_a_reload_but_not_the_sensitive_part_and_can_be_cleared(page, server):
    requests = []
    page.on("request", lambda request: requests.append((request.method, request.url)))
    open_planner(page, server, ["asahi"])
    compose(page, name="山田花子", dates="12月3日", support="音に敏感です")
    page.reload()
    page.wait_for_selector("[data-visit-office]")
    assert page.get_by_label("お名前", exact=True).input_value() == "山田花子"
    assert page.get_by_label("配慮してほしいこと（書かなくてもかまいません）", exact=True).input_value() == ""
    stored = json.loads(page.evaluate("() => sessionStorage.getItem('shuronavi.visit.draft')"))
    assert stored["name"] == "山田花子" and "support" not in stored
    assert page.evaluate("() => Object.keys(localStorage).filter(k => k.includes('visit'))") == []
    page.get_by_role("button", name="書いた内容を消す").click()
    assert page.get_by_label("お名前", exact=True).input_value() == ""
    assert page.evaluate("() => sessionStorage.getItem('shuronavi.visit.draft')") is None
    assert "山田花子" not in message(page, "asahi")
    # Nothing typed went anywhere: every request was a GET of the site's own files.
    assert all(method == "GET" and url.startswith(server.url) for method, url in requests)
    assert not any("%E5%B1%B1%E7%94%B0" in url for _, url in requests)


# --- the selection is the comparison's -----------------------------------------------------


def test_tray_and_comparison_link_here_with_the_same_ids(page, server):
    page.goto(f"{server.url}facilities/asahi/")
    page.get_by_role("button", name=f"{NAMES['asahi']}を比較に追加", exact=True).click()
    page.goto(f"{server.url}facilities/kaede/")
    page.get_by_role("button", name=f"{NAMES['kaede']}を比較に追加", exact=True).click()
    tray_link = page.locator("[data-compare-visit-open]")
    assert tray_link.text_content() == "見学・問い合わせの準備"
    assert tray_link.get_attribute("href").endswith("/visit/?ids=asahi,kaede")
    page.goto(f"{server.url}compare/?ids=asahi,kaede")
    page.wait_for_selector("[data-compare]")
    link = page.get_by_role("link", name="見学・問い合わせの準備")
    assert link.get_attribute("href").endswith("/visit/?ids=asahi,kaede")
    page.get_by_role("button", name=f"{NAMES['kaede']}を比較から外す").click()
    assert link.get_attribute("href").endswith("/visit/?ids=asahi")
    link.click()
    page.wait_for_selector("[data-visit-office]")
    assert page.eval_on_selector_all("[data-visit-office]", "n => n.map(x => x.dataset.facilityId)") == ["asahi"]
    # Without ids, the planner takes the saved list.
    page.goto(f"{server.url}visit/")
    page.wait_for_selector("[data-visit-office]")
    assert page.eval_on_selector_all("[data-visit-office]", "n => n.map(x => x.dataset.facilityId)") == ["asahi"]
    assert page.errors == []


def test_bad_and_too_many_ids_get_a_notice(page, server):
    open_planner(page, server, ["asahi", "nope", "Bad!!", "kaede", "sakura", "hikari", "mori"])
    ids = page.eval_on_selector_all("[data-visit-office]", "n => n.map(x => x.dataset.facilityId)")
    assert ids == ["asahi", "kaede", "sakura", "hikari"]
    notices = page.locator("[data-visit-notices]").inner_text()
    assert "見つからない事業所がありました。次のIDは表示していません：Bad!!、nope" in notices
    assert "4件までです。5件目からの事業所（mori）は表示していません。" in notices
    assert [e for e in page.errors if "status of 404" not in e] == []


def test_only_unknown_ids_show_the_empty_state(page, server):
    open_planner(page, server, ["nope"])
    assert page.locator("[data-visit-empty]").is_visible()
    assert "nope" in page.locator("[data-visit-notices]").inner_text()
    assert not page.locator("[data-visit-app]").is_visible()


def test_hostile_record_is_shown_as_text(page, server):
    open_planner(page, server, ["hostile"])
    card = office(page, "hostile")
    assert card.get_by_role("heading", level=3).text_content() == HOSTILE_NAME
    compose(page, name="<img src=x onerror=window.__pwned=1>")
    assert message(page, "hostile").startswith(HOSTILE_NAME)
    _, fields = decode_mailto(card.locator('a[href^="mailto:"]').get_attribute("href"))
    assert fields["body"].startswith(HOSTILE_NAME)
    assert page.evaluate("() => window.__pwned") is None
    assert page.errors == []


# --- without JavaScript ------------------------------------------------------------------------


def test_without_javascript_the_page_explains_the_steps(browser, server):
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    tab = context.new_page()
    try:
        tab.goto(f"{server.url}visit/?ids=asahi")
        steps = tab.locator("[data-visit-nojs]")
        assert steps.is_visible()
        assert "見学・体験・問い合わせ" in steps.inner_text()
        assert not tab.locator("[data-visit-app]").is_visible()
        assert tab.locator(".visit-questions li").count() == 6
    finally:
        context.close()


# --- print -------------------------------------------------------------------------------------


def test_print_gives_one_memo_per_a4_sheet(page, server):
    SCREENSHOTS.mkdir(exist_ok=True)
    open_planner(page, server, FOUR)
    compose(page, name="山田花子")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CONTENT_WIDTH, "height": A4_CONTENT_HEIGHT})
    visible = page.evaluate(
        """() => [...document.querySelectorAll('main *')].filter(n => n.offsetParent !== null && !n.closest('[data-visit-office]')
              && n.children.length === 0 && n.textContent.trim()).map(n => n.textContent.trim())"""
    )
    assert visible == []  # the composer, notices and help are left off the paper
    for facility_id in FOUR:
        card = office(page, facility_id)
        memo = card.locator("[data-visit-memo]")
        assert memo.is_visible() and not card.locator(".visit-office__screen").is_visible()
        box = card.bounding_box()
        assert box["height"] <= A4_CONTENT_HEIGHT, (facility_id, box["height"])
        assert card.evaluate("n => getComputedStyle(n).breakAfter") == ("auto" if facility_id == FOUR[-1] else "page")
        questions = memo.locator("[data-visit-question]")
        assert questions.count() == 6
        assert memo.locator(".visit-memo__answer").count() == 6
        card.screenshot(path=str(SCREENSHOTS / f"memo-{facility_id}.png"))
    known = office(page, "asahi").locator("[data-visit-question]").all_inner_texts()
    assert "就職定着率：92%" in known[0] and "交通費の支援：不明" in known[2] and "昼食の提供：なし" in known[3]
    assert "在宅訓練：あり" in known[4] and "就労定着支援：あり" in known[5]
    assert "電話 03-0000-0001" in office(page, "asahi").locator("[data-visit-memo]").inner_text()
    pdf = page.pdf(format="A4", print_background=False)
    (SCREENSHOTS / "memos.pdf").write_bytes(pdf)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == len(FOUR)


# --- accessibility and layout -------------------------------------------------------------------


def test_axe_finds_nothing_and_320px_does_not_scroll_sideways(browser, server):
    SCREENSHOTS.mkdir(exist_ok=True)
    for width in (320, 390):
        context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 700})
        tab = context.new_page()
        try:
            open_planner(tab, server, FOUR)
            compose(tab, name="山田花子", dates="12月3日", support="静かな部屋を希望します")
            assert tab.evaluate("document.documentElement.scrollWidth") <= width
            violations = run_axe(tab)
            assert violations == [], format_violations(violations)
            tab.screenshot(path=str(SCREENSHOTS / f"visit-{width}.png"), full_page=True)
        finally:
            context.close()


def test_axe_on_the_empty_planner_and_the_comparison_link(page, server):
    page.goto(f"{server.url}visit/")
    page.wait_for_selector("[data-visit-empty]")
    assert run_axe(page) == []
    page.goto(f"{server.url}compare/?ids=asahi,kaede")
    page.wait_for_selector("[data-compare]")
    violations = run_axe(page)
    assert violations == [], format_violations(violations)


def test_keyboard_only_compose_and_copy(browser, server):
    context = browser.new_context(locale="ja-JP")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url.rstrip("/"))
    tab = context.new_page()
    try:
        open_planner(tab, server, ["asahi"])
        tab.get_by_label("見学", exact=True).focus()
        tab.keyboard.press("ArrowRight")  # radio group: 体験
        assert tab.get_by_label("体験", exact=True).is_checked()
        tab.keyboard.press("Tab")  # who writes: 本人, then 家族 by arrow
        assert tab.evaluate("document.activeElement.name") == "writer"
        tab.keyboard.press("ArrowRight")
        assert tab.get_by_label("家族", exact=True).is_checked()
        tab.keyboard.press("Tab")
        tab.keyboard.type("山田花子")
        assert tab.evaluate("document.activeElement.name") == "name"
        # Tab on to the office's copy button, counting stops so a trap would fail.
        for _ in range(40):
            tab.keyboard.press("Tab")
            if tab.evaluate("document.activeElement.dataset.visitCopy !== undefined"):
                break
        else:
            pytest.fail("the copy button was not reached by Tab")
        tab.keyboard.press("Enter")
        office(tab, "asahi").locator("[data-visit-copy-status]").filter(has_text="コピーしました").wait_for()
        assert tab.evaluate("() => navigator.clipboard.readText()").startswith("件名：体験利用のお願い（山田花子）")
        focused = tab.evaluate("() => { const r = document.activeElement.getBoundingClientRect(); return r.height; }")
        assert focused >= 44
    finally:
        context.close()
