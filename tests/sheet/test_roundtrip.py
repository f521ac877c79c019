"""The issue's round trip on real files: export, edit cells in openpyxl, import, build, see the new facts."""

from __future__ import annotations

import pytest
import yaml
from facility_site.records.reader import display_path
from facility_site.sheet.apply import SheetImportError, run_import
from facility_site.sheet.export import export
from sheet_records import HAND_KEPT, IMPORTED, Edit, snapshot, write_records
from sitebuild import build_site, page


def facts(doc) -> dict[str, str]:
    return {div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True) for div in doc.select("dl.facts > div")}


def metrics(doc) -> dict[str, str]:
    return {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in doc.select("dl.metrics > div")}


@pytest.fixture(scope="module")
def curated(tmp_path_factory):
    """Records before, the import's result, the records folder and the site built after it."""
    work = tmp_path_factory.mktemp("sheet-roundtrip")
    folder = write_records(work / "facilities")
    before = snapshot(folder)
    sheet = work / "tokyo.xlsx"
    export(folder, sheet)
    edit = Edit(sheet)
    # The imported office: its disability types, a station and a metric are filled in.
    edit.set("wakaba", "精神", "○")
    edit.set("wakaba", "発達", "〇")  # the IME's 〇 (U+3007) is taken as ○ too
    edit.set("wakaba", "最寄り駅", "池袋駅")
    edit.set("wakaba", "路線", "JR山手線")
    edit.set("wakaba", "徒歩（分）", 7)
    edit.set("wakaba", "就職定着率", "85%以上")
    # The hand-kept record: one more disability type, a metric cleared, a new capacity.
    edit.set("midori", "知的", "○")
    edit.set("midori", "昨年の就職人数", "-")
    edit.set("midori", "定員", 15)
    edit.save()
    result = run_import(sheet, folder)
    content = work / "content"
    content.mkdir()
    site = build_site(work / "output", facilities=folder, content=content)
    return before, result, folder, site


def test_the_site_shows_the_new_facts_of_an_imported_office(curated):
    _, _, _, site = curated
    doc = page(site, "facilities/wakaba/")
    shown = facts(doc)
    assert shown["対象障害"] == "精神障害 発達障害"
    assert shown["最寄り駅"] == "JR山手線 池袋駅 徒歩7分"
    assert metrics(doc)["就職定着率"] == "85%以上"
    # Filtered by disability type, the office is found now.
    cards = page(site, "disability/mental/").select('article.card[data-facility-id="wakaba"]')
    assert len(cards) == 1


def test_the_site_shows_the_hand_kept_record_changed_and_a_cleared_metric_as_not_listed(curated):
    _, _, _, site = curated
    doc = page(site, "facilities/midori/")
    assert facts(doc)["対象障害"] == "精神障害 知的障害"
    shown = metrics(doc)
    assert shown["昨年の就職人数"] == "未掲載"  # removed with `-`: not given, rather than said to be 非公開
    assert shown["定員"] == "15名"
    assert shown["就職定着率"] == "80%以上"


def test_comments_key_order_and_quoting_survive(curated):
    _, _, folder, _ = curated
    text = (folder / "midori.yaml").read_text(encoding="utf-8")
    expected = (
        HAND_KEPT.replace("disabilities: [精神]", "disabilities: [精神, 知的]")
        .replace("capacity: 12", "capacity: 15")
        .replace("hires_last_year: 10~14名\n", "")
    )
    assert text == expected


def test_the_imported_record_keeps_its_source_block_and_layout(curated):
    _, _, folder, _ = curated
    data = yaml.safe_load((folder / "wakaba.yaml").read_text(encoding="utf-8"))
    original = yaml.safe_load(IMPORTED)
    assert data["source"] == original["source"]
    assert data["disabilities"] == ["精神", "発達"]
    assert data["access"] == [{"line": "JR山手線", "station": "池袋駅", "walk_minutes": 7}]
    assert data["retention_rate"] == "85%以上"
    order = ["name", "prefecture", "city", "address", "access", "services", "capacity"]
    order += ["retention_rate", "disabilities", "url", "location", "updated", "source"]
    assert list(data) == order


def test_untouched_rows_are_not_rewritten(curated):
    before, result, folder, _ = curated
    after = snapshot(folder)
    assert after["naniwa.yaml"] == before["naniwa.yaml"]
    assert after["furui.yaml"] == before["furui.yaml"]
    assert sorted(change.record.id for change in result.changed) == ["midori", "wakaba"]
    assert result.unchanged == 2 and result.written == 2


def test_the_report_names_the_changed_columns(curated):
    _, result, _, _ = curated
    by_id = {change.record.id: change.headers for change in result.changed}
    assert by_id["wakaba"] == ["就職定着率", "精神", "発達", "最寄り駅", "路線", "徒歩（分）"]
    assert by_id["midori"] == ["昨年の就職人数", "定員", "知的"]


def test_importing_the_same_sheet_again_changes_nothing(tmp_path):
    folder = write_records(tmp_path / "facilities")
    sheet = tmp_path / "all.xlsx"
    export(folder, sheet)
    before = snapshot(folder)
    result = run_import(sheet, folder)
    assert result.changed == [] and result.unchanged == 4
    assert snapshot(folder) == before


def test_a_dry_run_writes_nothing(tmp_path):
    folder = write_records(tmp_path / "facilities")
    sheet = tmp_path / "all.xlsx"
    export(folder, sheet)
    edit = Edit(sheet)
    edit.set("naniwa", "就職定着率", 75)
    edit.save()
    before = snapshot(folder)
    result = run_import(sheet, folder, dry_run=True)
    assert [c.record.id for c in result.changed] == ["naniwa"] and result.written == 0
    assert snapshot(folder) == before


def test_contact_columns_round_trip_and_a_bad_address_is_named_by_its_cell(tmp_path):
    folder = write_records(tmp_path / "facilities")
    sheet = tmp_path / "tokyo.xlsx"
    export(folder, sheet)
    edit = Edit(sheet)
    edit.set("wakaba", "メール", "info@wakaba.example.jp")
    edit.set("wakaba", "FAX", "03-0000-1111")
    edit.set("wakaba", "問い合わせフォーム", "https://wakaba.example.jp/visit/")
    bad = edit.set("midori", "メール", "mailto:midori")
    edit.save()
    with pytest.raises(SheetImportError) as caught:
        run_import(sheet, folder)
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1 and problems[0].startswith(f"{display_path(sheet)}:対象!{bad}: メール: ")
    edit = Edit(sheet)
    edit.set("midori", "メール", None)
    edit.save()
    run_import(sheet, folder)
    record = yaml.safe_load((folder / "wakaba.yaml").read_text(encoding="utf-8"))
    assert (record["email"], record["fax"], record["inquiry_url"]) == ("info@wakaba.example.jp", "03-0000-1111", "https://wakaba.example.jp/visit/")
    assert "email" not in yaml.safe_load((folder / "midori.yaml").read_text(encoding="utf-8"))
