"""空き状況 (issue 18): `vacancy: {status, as_of, note}`, read, checked and shown with its date; 要確認 after 60 days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from facility_site.records.model import Vacancy
from facility_site.records.reader import load_facilities
from record_text import VALID, problems
from sitebuild import TODAY, build_site, page


def empty_content(root: Path) -> Path:
    content = root / "content"
    (content / "articles").mkdir(parents=True, exist_ok=True)
    return content


def test_vacancy_is_read_with_its_date_and_note(folder):
    (folder / "test.yaml").write_text(VALID + "vacancy: {status: あり, as_of: 2026-11-01, note: 午前の部に2名}\n", encoding="utf-8")
    (facility,) = load_facilities(folder)
    assert facility.vacancy == Vacancy("あり", dt.date(2026, 11, 1), "午前の部に2名")


def test_every_vacancy_problem_is_reported_by_key_and_line(folder):
    found = problems(
        folder,
        """\
        vacancy:
          status: 空いてます
          as_of: 2026-13-01
          memo: x
        """,
    )
    assert found == [
        "facilities/test.yaml:10: vacancy.status: '空いてます' is not one of あり, なし, 要問合せ",
        "facilities/test.yaml:11: vacancy.as_of: '2026-13-01' is not a real date",
        "facilities/test.yaml:12: vacancy.memo: unknown field; known fields are status, as_of, note",
    ]


def test_status_and_date_are_both_required(folder):
    assert problems(folder, "vacancy: {note: 要問合せ}\n") == [
        "facilities/test.yaml:9: vacancy.as_of: as_of is missing; write the day the status was checked (YYYY-MM-DD)",
        "facilities/test.yaml:9: vacancy.status: status is missing; write あり, なし, 要問合せ",
    ]
    assert problems(folder, "vacancy: あり\n") == ["facilities/test.yaml:9: vacancy: must be a mapping such as {status: あり, as_of: 2026-11-01}"]


@pytest.mark.parametrize(("as_of", "stale"), [(TODAY - dt.timedelta(days=60), False), (TODAY - dt.timedelta(days=61), True)])
def test_older_than_sixty_days_is_stale(as_of, stale):
    vacancy = Vacancy("あり", as_of)
    assert vacancy.is_stale(TODAY) is stale
    assert vacancy.shown_status(TODAY) == ("要確認" if stale else "あり")
    assert vacancy.is_open(TODAY) is not stale


# --- on the built facility page (reference date: sitebuild.TODAY, 2026-11-27) ---------------

RECORDS = {
    "fresh": "vacancy: {status: あり, as_of: 2026-11-01, note: 午前の部に2名}\n",
    "full": "vacancy: {status: なし, as_of: 2026-10-20}\n",
    "old": "vacancy: {status: あり, as_of: 2026-09-01, note: 午後に1名}\n",  # 87 days before TODAY
    "ask": "vacancy: {status: 要問合せ, as_of: 2026-11-20, note: '<script>window.__pwned=1</script>'}\n",
    "none": "",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("vacancy")
    folder = root / "records"
    folder.mkdir()
    for record_id, extra in RECORDS.items():
        (folder / f"{record_id}.yaml").write_text(VALID.replace("テスト事業所", f"事業所{record_id}") + extra, encoding="utf-8")
    return build_site(root / "output", facilities=folder, content=empty_content(root))


def vacancy_row(site: Path, facility_id: str):
    return page(site, f"facilities/{facility_id}/").select_one("[data-vacancy]")


def test_a_fresh_status_is_shown_with_its_date_and_note(site):
    row = vacancy_row(site, "fresh")
    assert row["data-vacancy"] == "あり"
    assert row.dt.get_text() == "空き状況"
    assert row.select_one(".vacancy").get_text() == "あり"
    assert row.time["datetime"] == "2026-11-01" and row.time.get_text() == "2026年11月1日"
    assert row.dd.get_text(" ", strip=True) == "あり 2026年11月1日 時点 午前の部に2名"
    assert vacancy_row(site, "full").select_one(".vacancy").get_text() == "なし"


def test_a_status_older_than_sixty_days_reads_to_be_checked_never_fresh(site):
    row = vacancy_row(site, "old")
    assert row["data-vacancy"] == "stale"
    assert row.select_one(".vacancy").get_text() == "要確認"
    text = row.dd.get_text(" ", strip=True)
    assert "2026年9月1日" in text and "問い合わせて確かめてください" in text
    assert "あり" not in text and "午後に1名" not in text


def test_a_hostile_note_is_text_and_a_record_without_vacancy_shows_nothing(site):
    row = vacancy_row(site, "ask")
    assert row.select_one(".vacancy").get_text() == "要問合せ"
    assert row.find("script") is None and "<script>window.__pwned=1</script>" in row.get_text()
    assert vacancy_row(site, "none") is None


def test_the_limit_counts_from_the_builds_reference_date(tmp_path):
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "old.yaml").write_text(VALID + RECORDS["old"], encoding="utf-8")
    site = build_site(tmp_path / "output", facilities=folder, content=empty_content(tmp_path), today=dt.date(2026, 10, 1))
    assert vacancy_row(site, "old").select_one(".vacancy").get_text() == "あり"


@pytest.mark.browser
def test_vacancy_pages_pass_axe_at_390px(browser, site):
    from conftest import format_violations, run_axe
    from sitebuild import StaticServer

    with StaticServer(site) as server:
        context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
        tab = context.new_page()
        try:
            for facility_id in ("fresh", "old"):
                tab.goto(f"{server.url}facilities/{facility_id}/")
                violations = run_axe(tab)
                assert violations == [], format_violations(violations)
                assert tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
                tab.locator("[data-vacancy]").screenshot(path=f"/tmp/facts-vacancy-{facility_id}-390.png")
        finally:
            context.close()
