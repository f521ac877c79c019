"""Every validation rule of facilities/*.yaml, checked by the exact `file:line: field: problem` line.

Most cases write their record into tmp_path/facilities/ and run from tmp_path,
so the reported path reads `facilities/<file>` exactly as an operator sees it.
The two valid scenarios live in tests/fixtures/records/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from facility_site.errors import RecordError
from facility_site.records.metrics import Metric
from facility_site.records.model import Conditions, Hours, Location, Station, Visit
from facility_site.records.reader import display_path, load_facilities
from facility_site.records.vocab import DISABILITY_BY_LABEL, PREFECTURE_BY_NAME, SERVICE_BY_LABEL
from record_text import VALID, problems, with_lines, write
from sitebuild import FIXTURES

RECORD_FIXTURES = FIXTURES / "records"

REQUIRED_FIELDS = ["name", "prefecture", "city", "services", "disabilities", "updated"]




# --- valid records ------------------------------------------------------------


def test_minimal_record_gives_defaults_for_every_optional_field():
    [facility] = load_facilities(RECORD_FIXTURES / "valid_minimal")
    assert facility.id == "minimal"
    assert facility.name == "ミニマル"
    assert facility.prefecture == PREFECTURE_BY_NAME["大阪府"]
    assert facility.city == "大阪市北区"
    assert facility.services == (SERVICE_BY_LABEL["就労継続支援B型"],)  # a single value is a one-item list
    assert facility.capacity == 20
    assert facility.disabilities == (DISABILITY_BY_LABEL["知的"],)
    assert facility.updated == dt.date(2026, 10, 15)
    assert not facility.offers_retention
    assert facility.source_path == display_path(RECORD_FIXTURES / "valid_minimal" / "minimal.yaml")
    optional = {
        "name_kana": None,
        "address": None,
        "access": (),
        "retention_rate": None,
        "hires_last_year": None,
        "average_stay": None,
        "catchphrase": None,
        "description": None,
        "description_html": "",
        "features": (),
        "url": None,
        "phone": None,
        "office_number": None,
        "email": None,
        "fax": None,
        "inquiry_url": None,
        "hours": Hours(),
        "visit": Visit(tour="unknown", trial="unknown", online="unknown"),
        "conditions": Conditions(remote="unknown", lunch="unknown", transport="unknown", pickup="unknown"),
        "location": None,
        "source": {},
    }
    assert {key: getattr(facility, key) for key in optional} == optional


def test_full_record_fills_every_field():
    [facility] = load_facilities(RECORD_FIXTURES / "valid_full")
    assert facility.id == "full-record"
    assert facility.name == "ＡＢＣ・ワークス"  # as written, full-width letters kept
    assert facility.name_kana == "エービーシー・ワークス"
    assert facility.prefecture.slug == "kanagawa"
    assert facility.city == "横浜市緑区"
    assert facility.address == "中山町1-2-3 中山ビル2F"
    assert facility.access == (
        Station(name="中山", walk_minutes=0.5, line="JR横浜線"),  # trailing 駅 dropped, 30 seconds kept
        Station(name="鴨居", walk_minutes=12.0, line=None),
    )
    assert facility.access[0].walk_label == "徒歩30秒"
    # services come in the vocabulary's order; full-width brackets are accepted
    assert [s.label for s in facility.services] == ["就労移行支援", "就労定着支援", "自立訓練(生活訓練)"]
    assert facility.offers_retention
    assert facility.capacity == 12
    assert facility.retention_rate == Metric("%", 90, None)
    assert facility.hires_last_year == Metric("名", 10, 14)
    assert facility.average_stay == Metric("ヶ月", 6, 12)
    assert [d.label for d in facility.disabilities] == ["精神", "発達"]  # 発達障害 is read as 発達
    assert facility.catchphrase == "自分のペースで働く準備を"
    assert facility.description.startswith("**少人数**で訓練します。")
    assert "<strong>少人数</strong>" in facility.description_html
    # text fields keep what was typed: YAML would read `yes` as True and `0123` as octal 83
    assert facility.features == ("少人数制", "在宅訓練可", "yes", "0123")
    assert facility.url == "https://example.jp/"
    assert facility.phone == "045-000-0000"
    assert facility.tel_href == "tel:0450000000"
    assert facility.office_number == "0110400123"  # unquoted, yet not read as an octal number
    assert facility.location == Location(35.51, 139.54)
    assert facility.updated == dt.date(2026, 11, 1)
    assert facility.email == "info@example.jp"
    assert facility.fax == "045-000-0001"  # full width accepted, like phone
    assert facility.inquiry_url == "https://example.jp/contact/"
    # `9:00` alone is text as written, not YAML 1.1's sexagesimal 540; "" and left out are unpublished
    assert facility.hours == Hours(weekdays="9:00〜17:00", saturday="9:00", closed="日曜・祝日", note="年末年始は休み")
    assert facility.visit == Visit(tour="yes", trial="no", online="unknown", note="見学は予約制です")
    assert facility.conditions == Conditions(remote="yes", lunch="no", transport="unknown", pickup="unknown")


def test_records_are_returned_sorted_by_id(folder):
    for name in ("b-2.yaml", "a-1.yml", "c.yaml"):
        write(folder, name, VALID)
    assert [f.id for f in load_facilities(folder)] == ["a-1", "b-2", "c"]


def test_hidden_files_and_other_suffixes_are_not_records(folder):
    write(folder, "ok.yaml", VALID)
    write(folder, ".draft.yaml", "name: [unclosed\n")
    write(folder, "README.md", "# notes\n")
    write(folder, "ok.yaml~", "name: [unclosed\n")
    (folder / "sub.yaml").mkdir()
    assert [f.id for f in load_facilities(folder)] == ["ok"]


# --- required fields ------------------------------------------------------------


@pytest.mark.parametrize("field", REQUIRED_FIELDS)
def test_missing_required_field(folder, field):
    write(folder, "x.yaml", with_lines(drop=(field,)))
    assert problems(folder) == [f"facilities/x.yaml:1: {field}: required field is missing"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('city: ""', "facilities/x.yaml:4: city: required field is empty"),
        ('city: "　 "', "facilities/x.yaml:4: city: required field is empty"),  # full-width and ASCII spaces
        ("city:", "facilities/x.yaml:4: city: required field is empty"),
        ("services: []", "facilities/x.yaml:5: services: required field is empty"),
        ("disabilities: []", "facilities/x.yaml:7: disabilities: required field is empty"),
    ],
)
def test_empty_required_field(folder, line, expected):
    field = line.split(":")[0]
    text = VALID.replace(next(x for x in VALID.splitlines() if x.startswith(field + ":")), line)
    write(folder, "x.yaml", text)
    assert problems(folder) == [expected]


def test_missing_updated_is_reported_even_with_other_fields_present(folder):
    write(folder, "x.yaml", with_lines("catchphrase: 一行", drop=("updated",)))
    assert problems(folder) == ["facilities/x.yaml:1: updated: required field is missing"]


# --- prefecture and city ------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("東京", "unknown prefecture '東京'; did you mean '東京都'?"),
        ("大阪", "unknown prefecture '大阪'; did you mean '大阪府'?"),
        ("神奈川", "unknown prefecture '神奈川'; did you mean '神奈川県'?"),
        ("tokyo", "unknown prefecture 'tokyo'; did you mean '東京都'?"),
        ("架空県", "unknown prefecture '架空県'; use one of the 47 official names such as '東京都'"),
    ],
)
def test_unknown_prefecture(folder, written, message):
    write(folder, "x.yaml", VALID.replace("prefecture: 東京都", f"prefecture: {written}"))
    assert problems(folder) == [f"facilities/x.yaml:3: prefecture: {message}"]


def test_city_written_with_its_prefecture(folder):
    write(folder, "x.yaml", VALID.replace("city: 新宿区", "city: 東京都新宿区"))
    assert problems(folder) == ["facilities/x.yaml:4: city: write the city without the prefecture: '新宿区'"]


# --- services and disabilities ------------------------------------------------------------


def test_unknown_disability_type(folder):
    write(folder, "x.yaml", VALID.replace("[精神, 発達]", "[精神, 視覚]"))
    assert problems(folder) == ["facilities/x.yaml:7: disabilities[1]: unknown value '視覚'; use one of 精神, 知的, 発達, 身体, 難病"]


def test_disability_typo_gets_a_suggestion_and_duplicates_are_reported(folder):
    text = VALID.replace("disabilities: [精神, 発達]", "disabilities:\n  - 精神\n  - 精伸\n  - 精神障害\n  - 発達障がい")
    write(folder, "x.yaml", text)
    assert problems(folder) == [
        "facilities/x.yaml:9: disabilities[1]: unknown value '精伸'; did you mean '精神'?",
        "facilities/x.yaml:10: disabilities[2]: '精神障害' is listed twice",
    ]


@pytest.mark.parametrize("written", ["知的", "知的障害", "知的障がい", "知的障碍"])
def test_disability_with_its_suffix_is_accepted(folder, written):
    write(folder, "x.yaml", VALID.replace("[精神, 発達]", f"[{written}]"))
    assert load_facilities(folder)[0].disabilities == (DISABILITY_BY_LABEL["知的"],)


def test_unknown_service(folder):
    write(folder, "x.yaml", VALID.replace("就労定着支援]", "就労定着]"))
    assert problems(folder) == ["facilities/x.yaml:5: services[1]: unknown value '就労定着'; did you mean '就労定着支援'?"]


def test_services_must_be_a_list(folder):
    write(folder, "x.yaml", VALID.replace("services: [就労移行支援, 就労定着支援]", "services: {a: 1}"))
    assert problems(folder) == ["facilities/x.yaml:5: services: must be a list"]


# --- unknown keys ------------------------------------------------------------------


def test_unknown_key_with_suggestion(folder):
    write(folder, "x.yaml", with_lines("retension_rate: 90%"))
    assert problems(folder) == ["facilities/x.yaml:9: retension_rate: unknown field; did you mean 'retention_rate'?"]


def test_unknown_key_without_close_match_lists_the_known_fields(folder):
    write(folder, "x.yaml", with_lines("colour: blue"))
    [line] = problems(folder)
    assert line.startswith("facilities/x.yaml:9: colour: unknown field; known fields are name, prefecture, city, services,")
    assert line.endswith("office_number, email, fax, inquiry_url, hours, visit, conditions, operator, location, vacancy, photos, source")


def test_unknown_key_inside_access(folder):
    write(folder, "x.yaml", with_lines("access:", "  - station: 新宿", "    walk_minute: 3"))
    assert problems(folder) == [
        "facilities/x.yaml:10: access[0].walk_minutes: walk_minutes is missing",
        "facilities/x.yaml:11: access[0].walk_minute: unknown field; did you mean 'walk_minutes'?",
    ]


# --- metrics -------------------------------------------------------------------------


def test_out_of_range_and_unparseable_metrics(folder):
    write(folder, "x.yaml", with_lines("retention_rate: 120", "hires_last_year: たくさん", "average_stay: 14~10ヶ月"))
    assert problems(folder) == [
        "facilities/x.yaml:9: retention_rate: 120 is above 100",
        "facilities/x.yaml:10: hires_last_year: cannot read 'たくさん'; write a number (12), a range (10~14名), "
        "an open range (90名以上, 5名未満) or {min: …, max: …}",
        "facilities/x.yaml:11: average_stay: range 14~10 runs backwards",
    ]


def test_negative_metric_and_bool_metric(folder):
    write(folder, "x.yaml", with_lines("retention_rate: -5%", "hires_last_year: -1", "average_stay: {min: 3, max: 2}"))
    assert problems(folder) == [
        "facilities/x.yaml:9: retention_rate: -5 is below 0",
        "facilities/x.yaml:10: hires_last_year: -1 is below 0",
        "facilities/x.yaml:11: average_stay: range 3~2 runs backwards",
    ]


def test_metrics_left_out_or_marked_unpublished_are_unknown(folder):
    write(folder, "x.yaml", with_lines("retention_rate: 非公開", "hires_last_year:"))
    [facility] = load_facilities(folder)
    assert (facility.retention_rate, facility.hires_last_year, facility.average_stay) == (None, None, None)
    # Only the value the record marks 非公開 reads so; the others were never entered.
    assert facility.not_published == {"retention_rate"}
    assert [facility.metric_text(f) for f in ("retention_rate", "hires_last_year", "average_stay")] == ["非公開", "未掲載", "未掲載"]


# --- YAML itself --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'name: "テスト\nprefecture: 東京都\ncity: 新宿区\n',
            "facilities/x.yaml:1: yaml: syntax error: a quote opened on this line is never closed; end the value with the same quote mark",
        ),
        (
            "name: テスト\ncity: 新宿区: 西新宿\n",
            "facilities/x.yaml:2: yaml: syntax error: mapping values are not allowed in this context; check the indentation, "
            "and put a value containing ': ' in quotes",
        ),
        (
            "name: テスト\n\tcity: 新宿区\n",
            "facilities/x.yaml:2: yaml: this line is indented with a tab; indent with spaces, not tabs",
        ),
        (
            "name: テスト\nservices: [就労移行支援\ncapacity: 12\n",
            "facilities/x.yaml:3: yaml: syntax error: did not find expected ',' or ']' "
            "(while parsing a flow sequence started on line 2)",
        ),
    ],
    ids=["unclosed-quote", "colon-in-value", "tab-indent", "unclosed-bracket"],
)
def test_yaml_syntax_error_names_its_line(folder, text, expected):
    write(folder, "x.yaml", text)
    assert problems(folder) == [expected]


def test_every_line_indented_with_a_tab_is_named_in_words(folder):
    """PyYAML stops at the first tab and calls an item indented with one "character that cannot start any token"."""
    write(folder, "x.yaml", "name: テスト\nfeatures:\n\t- 少人数\n\t- 駅近\naccess:\n  - station: 新宿\n  \t walk_minutes: 3\n")
    assert problems(folder) == [f"facilities/x.yaml:{line}: yaml: this line is indented with a tab; indent with spaces, not tabs" for line in (3, 4, 7)]


def test_a_tab_inside_a_block_scalars_text_is_not_a_problem(folder):
    write(folder, "x.yaml", VALID + "description: |\n  一行目\n  \t字下げした行\n")
    [facility] = load_facilities(folder)
    assert "字下げした行" in facility.description_html


def test_yaml_alias_bomb_fails_fast(folder):
    # Ten levels of ten aliases: 10**10 strings if expanded. Refusing the
    # first anchor at parse-event level means this returns at once.
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        levels.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]")
    write(folder, "bomb.yaml", with_lines(*levels))
    assert problems(folder) == ["facilities/bomb.yaml:9: yaml: anchors and aliases (&name, *name) are not allowed in records"]


def test_alias_alone_is_refused(folder):
    write(folder, "x.yaml", VALID.replace("city: 新宿区", "city: *somewhere"))
    assert problems(folder) == ["facilities/x.yaml:4: yaml: anchors and aliases (&name, *name) are not allowed in records"]


@pytest.mark.parametrize(
    ("value", "tag"),
    [("!!python/object/apply:os.system [echo]", "!!python/object/apply:os.system"), ("!!binary aGk=", "!!binary"), ("!custom x", "!custom")],
)
def test_yaml_tags_are_refused(folder, value, tag):
    write(folder, "x.yaml", with_lines(f"catchphrase: {value}"))
    assert problems(folder) == [f"facilities/x.yaml:9: yaml: the tag {tag!r} is not allowed in records; write plain values"]


def test_deep_nesting_is_refused_not_a_crash(folder):
    write(folder, "x.yaml", with_lines("catchphrase: " + "[" * 5000 + "]" * 5000))
    assert problems(folder) == ["facilities/x.yaml:9: yaml: values are nested more than 8 levels deep"]


def test_control_character_in_yaml(folder):
    write(folder, "x.yaml", with_lines("catchphrase: a\x00b"))
    assert problems(folder) == ["facilities/x.yaml:9: yaml: the character U+0000 is not allowed in a YAML file"]


def test_more_than_one_document(folder):
    write(folder, "x.yaml", VALID + "---\n" + VALID)
    assert problems(folder) == ["facilities/x.yaml:9: yaml: a record file holds one document; remove the extra '---'"]


def test_top_level_must_be_a_mapping(folder):
    write(folder, "x.yaml", "- name: テスト\n")
    assert problems(folder) == ["facilities/x.yaml:1: file: a record must be a mapping of `field: value` lines"]


def test_duplicate_keys(folder):
    write(folder, "x.yaml", with_lines("name: 別の名前", "access:", "  - station: 新宿", "    walk_minutes: 3", "    station: 代々木"))
    assert problems(folder) == [
        "facilities/x.yaml:9: name: duplicate field (first given on line 1)",
        "facilities/x.yaml:13: access[0].station: duplicate field (first given on line 11)",
    ]


# --- files -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Bad_Name.yaml", "-leading-dash.yaml", "スペース 名.yaml", "upper.YAML"])
def test_bad_file_name(folder, name):
    write(folder, name, VALID)
    assert problems(folder) == [
        f"facilities/{name}:1: file: file name {name!r} is not a valid id; "
        "name it <id>.yaml with lower-case a-z, 0-9 and '-', starting with a letter or digit"
    ]


def test_bad_file_name_does_not_hide_the_records_other_problems(folder):
    write(folder, "Bad_Name.yaml", VALID.replace("東京都", "東京"))
    assert problems(folder) == [
        "facilities/Bad_Name.yaml:1: file: file name 'Bad_Name.yaml' is not a valid id; "
        "name it <id>.yaml with lower-case a-z, 0-9 and '-', starting with a letter or digit",
        "facilities/Bad_Name.yaml:3: prefecture: unknown prefecture '東京'; did you mean '東京都'?",
    ]


def test_two_files_with_the_same_id(folder):
    write(folder, "x.yaml", VALID)
    write(folder, "x.yml", VALID)
    assert problems(folder) == [
        "facilities/x.yaml:1: file: id 'x' is used by more than one file (x.yaml, x.yml)",
        "facilities/x.yml:1: file: id 'x' is used by more than one file (x.yaml, x.yml)",
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# 準備中\n"], ids=["empty", "blank-lines", "comment-only"])
def test_empty_file(folder, text):
    write(folder, "x.yaml", text)
    assert problems(folder) == [
        "facilities/x.yaml:1: file: file is empty; a record needs at least name, prefecture, city, services, disabilities, updated"
    ]


def test_file_that_is_not_utf8(folder):
    write(folder, "sjis.yaml", VALID.replace("テスト事業所", "カレント").encode("cp932"))
    assert problems(folder) == [
        "facilities/sjis.yaml:1: encoding: file is not valid UTF-8 (byte 0x83); save it as UTF-8 (Shift_JIS and UTF-16 are not read)"
    ]


def test_not_utf8_error_names_the_line_of_the_first_bad_byte(folder):
    write(folder, "sjis.yaml", VALID.replace("新宿区", "新宿区").encode("utf-8").replace("新宿区".encode(), "新宿区".encode("cp932")))
    assert problems(folder) == [
        "facilities/sjis.yaml:4: encoding: file is not valid UTF-8 (byte 0x90); save it as UTF-8 (Shift_JIS and UTF-16 are not read)"
    ]


def test_utf8_with_bom_is_read(folder):
    write(folder, "x.yaml", b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    assert [f.name for f in load_facilities(folder)] == ["テスト事業所"]


def test_oversized_file(folder):
    path = write(folder, "x.yaml", with_lines("description: |", *["  " + "あ" * 100] * 1000))
    size = path.stat().st_size
    assert size > 256 * 1024
    assert problems(folder) == [f"facilities/x.yaml:1: file: file is {size} bytes; a record may be at most 262144"]


def test_unreadable_file(folder, monkeypatch):
    write(folder, "x.yaml", VALID)
    real_read_bytes = Path.read_bytes

    def read_bytes(path):
        if path.name == "x.yaml":
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)  # the tests run as root, so chmod would not stop a read
    assert problems(folder) == ["facilities/x.yaml:1: file: cannot read the file: Permission denied"]


def test_missing_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert problems(Path("nowhere")) == ["nowhere:1: records_path: folder does not exist"]


# --- access ---------------------------------------------------------------------------


def test_station_with_trailing_eki_is_dropped_and_decimals_kept(folder):
    write(folder, "x.yaml", with_lines("access:", "  - station: 新宿三丁目駅", "    walk_minutes: 0.5", "  - station: 新宿 駅", "    walk_minutes: 7.5"))
    [facility] = load_facilities(folder)
    assert [(s.name, s.walk_minutes) for s in facility.access] == [("新宿三丁目", 0.5), ("新宿", 7.5)]


@pytest.mark.parametrize("written", ["徒歩5分", "5分", "５", "徒歩　約５分", "'5'"])
def test_walk_minutes_as_a_brochure_writes_them_are_read(folder, written):
    write(folder, "x.yaml", with_lines("access:", "  - station: 関内駅駅", f"    walk_minutes: {written}"))
    [facility] = load_facilities(folder)
    assert [(s.name, s.walk_minutes) for s in facility.access] == [("関内", 5.0)]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (("  - station: 新宿", "    walk_minutes: -1"), "facilities/x.yaml:11: access[0].walk_minutes: -1 is out of range; use minutes from 0 to 240"),
        (("  - station: 新宿", "    walk_minutes: 300"), "facilities/x.yaml:11: access[0].walk_minutes: 300 is out of range; use minutes from 0 to 240"),
        (("  - station: 新宿", "    walk_minutes: .nan"), "facilities/x.yaml:11: access[0].walk_minutes: nan is out of range; use minutes from 0 to 240"),
        (
            ("  - station: 新宿", "    walk_minutes: 三分"),
            "facilities/x.yaml:11: access[0].walk_minutes: '三分': write the minutes on foot as a number, such as 5 (徒歩30秒 = 0.5)",
        ),
        (
            ("  - station: 新宿", "    walk_minutes: true"),
            "facilities/x.yaml:11: access[0].walk_minutes: True: write the minutes on foot as a number, such as 5 (徒歩30秒 = 0.5)",
        ),
        (("  - station: 新宿",), "facilities/x.yaml:10: access[0].walk_minutes: walk_minutes is missing"),
        (("  - station: 駅", "    walk_minutes: 3"), "facilities/x.yaml:10: access[0].station: station is missing"),
        (("  - walk_minutes: 3",), "facilities/x.yaml:10: access[0].station: station is missing"),
        (("  - 新宿",), "facilities/x.yaml:10: access[0]: must be a mapping with station and walk_minutes"),
        (("  - station: [新宿]", "    walk_minutes: 3"), "facilities/x.yaml:10: access[0].station: must be one line of text"),
    ],
    ids=["negative", "too-far", "nan", "text", "bool", "no-walk", "only-eki", "no-station", "not-mapping", "station-list"],
)
def test_bad_access(folder, lines, expected):
    write(folder, "x.yaml", with_lines("access:", *lines))
    assert problems(folder) == [expected]


def test_access_must_be_a_list(folder):
    write(folder, "x.yaml", with_lines("access: 新宿駅 徒歩3分"))
    assert problems(folder) == ["facilities/x.yaml:9: access: must be a list of {line, station, walk_minutes}"]


# --- url, phone, office number ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//example.jp/",
        "ftp://example.jp/",
        "https://",
        "https://exa mple.jp/",
    ],
)
def test_url_must_be_http_or_https(folder, url):
    write(folder, "x.yaml", with_lines(f"url: {url!r}"))
    assert problems(folder) == [f"facilities/x.yaml:9: url: {url.strip()!r} is not an http(s) address"]


@pytest.mark.parametrize("url", ["https://example.jp/", "http://example.jp/path?q=1", "HTTPS://EXAMPLE.JP"])
def test_http_urls_are_accepted(folder, url):
    write(folder, "x.yaml", with_lines(f"url: {url}"))
    assert load_facilities(folder)[0].url == url


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("phone: 電話してください", "phone: '電話してください' is not a phone number"),
        ("phone: [03, 1234]", "phone: must be a phone number such as '03-1234-5678'"),
        ("office_number: 12345", "office_number: '12345' is not a 10-digit 事業所番号 such as '1310400123'"),
        ("office_number: '13104001234'", "office_number: '13104001234' is not a 10-digit 事業所番号 such as '1310400123'"),
    ],
)
def test_bad_phone_and_office_number(folder, line, expected):
    write(folder, "x.yaml", with_lines(line))
    assert problems(folder) == [f"facilities/x.yaml:9: {expected}"]


def test_full_width_phone_and_office_number_are_accepted(folder):
    write(folder, "x.yaml", with_lines("phone: ０３－１２３４－５６７８", "office_number: '１３１０４００１２３'"))
    [facility] = load_facilities(folder)
    assert (facility.phone, facility.office_number) == ("03-1234-5678", "1310400123")


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2026-02-30", "'2026-02-30' is not a real date"),
        ("2026-13-01", "'2026-13-01' is not a real date"),
        ("2026/11/01", "'2026/11/01' is not a date in YYYY-MM-DD form"),
        ("2026-1-5", "'2026-1-5' is not a date in YYYY-MM-DD form"),
        ("令和8年11月1日", "'令和8年11月1日' is not a date in YYYY-MM-DD form"),
    ],
)
def test_impossible_or_misformatted_date(folder, written, message):
    write(folder, "x.yaml", VALID.replace("updated: 2026-11-01", f"updated: {written}"))
    assert problems(folder) == [f"facilities/x.yaml:8: updated: {message}"]


def test_leap_day_is_a_real_date(folder):
    write(folder, "x.yaml", VALID.replace("2026-11-01", "2028-02-29"))
    assert load_facilities(folder)[0].updated == dt.date(2028, 2, 29)


# --- capacity ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("0", "must be greater than 0, got 0; leave it out if the office publishes none"),
        ("-3", "must be greater than 0, got -3; leave it out if the office publishes none"),
        ("1001", "1001 is over 1,000; no office of these services is that large"),
        ("12.5", "12.5 is not a whole number"),
        ("多数", "'多数' is not a whole number"),
        ("true", "True is not a whole number"),
    ],
)
def test_bad_capacity(folder, written, message):
    write(folder, "x.yaml", VALID.replace("capacity: 12", f"capacity: {written}"))
    assert problems(folder) == [f"facilities/x.yaml:6: capacity: {message}"]


@pytest.mark.parametrize("written", ["20", "20名", "２０人", "'20'"])
def test_capacity_notations(folder, written):
    write(folder, "x.yaml", VALID.replace("capacity: 12", f"capacity: {written}"))
    assert load_facilities(folder)[0].capacity == 20


def test_capacity_may_be_left_out(folder):
    # Issue 19: a record without 定員 is valid; the model says None and the label says why.
    write(folder, "x.yaml", VALID.replace("capacity: 12\n", ""))
    facility = load_facilities(folder)[0]
    assert facility.capacity is None
    assert facility.capacity_label == "未掲載"
    write(folder, "x.yaml", VALID.replace("capacity: 12\n", "").replace("services: [就労移行支援, 就労定着支援]", "services: [就労定着支援]"))
    facility = load_facilities(folder)[0]
    assert facility.capacity_label == "定員なし（定着支援）"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("'\u200b\u3000\u200b'", "has no visible characters"),
        ("'\u202eトスエテ'", "contains bidirectional override characters (U+202A–202E, U+2066–2069), which can make text read backwards; remove them"),
    ],
)
def test_invisible_and_bidi_override_names_are_refused(folder, name, message):
    write(folder, "x.yaml", VALID.replace("name: テスト事業所", f"name: {name}"))
    assert problems(folder) == [f"facilities/x.yaml:1: name: {message}"]


# --- text fields ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("catchphrase: [a, b]", "facilities/x.yaml:9: catchphrase: must be text, not a list or mapping"),
        ('catchphrase: "一行目\\n二行目"', "facilities/x.yaml:9: catchphrase: must be a single line"),
        ('catchphrase: "ベル\\a"', "facilities/x.yaml:9: catchphrase: contains control characters"),
        ("catchphrase: " + "あ" * 201, "facilities/x.yaml:9: catchphrase: is 201 characters long; at most 200"),
        ("features: 少人数制", "facilities/x.yaml:9: features: must be a list of short tags"),
        ("features: [[a]]", "facilities/x.yaml:9: features[0]: must be a short text tag"),
        ("features: ['']", "facilities/x.yaml:9: features[0]: must be a short text tag"),
        ("features: [" + "あ" * 41 + "]", "facilities/x.yaml:9: features[0]: is 41 characters long; at most 40"),
    ],
)
def test_bad_text_fields(folder, line, expected):
    write(folder, "x.yaml", with_lines(line))
    assert problems(folder) == [expected]


def test_name_kana_must_be_kana(folder):
    write(folder, "x.yaml", VALID.replace("てすとじぎょうしょ", "test"))
    assert problems(folder) == ["facilities/x.yaml:2: name_kana: 'test' is not a reading in hiragana or katakana"]


def test_text_that_yaml_would_read_as_numbers_or_bools_is_kept_as_written(folder):
    text = VALID.replace("name: テスト事業所", "name: 1.50").replace("city: 新宿区", "city: yes")
    write(folder, "x.yaml", with_lines("address: 0123", "access:", "  - line: ON", "    station: 010", "    walk_minutes: 1"))
    write(folder, "y.yaml", text)
    x, y = load_facilities(folder)
    assert (x.address, x.access[0].line, x.access[0].name) == ("0123", "ON", "010")
    assert (y.name, y.city) == ("1.50", "yes")


def test_hostile_text_is_valid_data(folder):
    write(folder, "x.yaml", with_lines("catchphrase: '<script>alert(1)</script>'", "features: ['\"><svg onload=alert(1)>']"))
    [facility] = load_facilities(folder)
    assert facility.catchphrase == "<script>alert(1)</script>"
    assert facility.features == ('"><svg onload=alert(1)>',)


def test_description_raw_html_is_escaped_and_unsafe_links_become_text(folder):
    write(folder, "x.yaml", with_lines("description: |", "  <b>太字</b> [x](javascript:alert(1)) [ok](https://example.jp/)"))
    html = load_facilities(folder)[0].description_html
    assert html == '<p>&lt;b&gt;太字&lt;/b&gt; <span>x</span> <a href="https://example.jp/" rel="noopener noreferrer">ok</a></p>'


@pytest.mark.parametrize(
    "markdown",
    [
        "[x](javascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](java&#115;cript:alert(1))",
        "[x](JAVASCRIPT:alert(1) \"t\")",
        "[x](data:text/html,<script>alert(1)</script>)",
        "[x](vbscript:msgbox)",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "<ftp://example.jp/>",
    ],
)
def test_description_links_other_than_http_mailto_tel_become_text(markdown):
    from facility_site.records.markup import render_description

    html = render_description(markdown)
    assert "<a" not in html and "href" not in html and "title" not in html
    assert "<span>" in html


def test_description_link_references_do_not_leak_from_one_record_to_the_next():
    from facility_site.records.markup import render_description

    assert "href" in render_description("[x][ref]\n\n[ref]: https://example.jp/")
    assert render_description("[x][ref]") == "<p>[x][ref]</p>"


def test_description_images_keep_only_their_alt_text():
    from facility_site.records.markup import render_description

    assert render_description('![写真"onerror=alert(1)](x.png)') == '<p><span>写真"onerror=alert(1)</span></p>'


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("<a href=javascript:alert(1)>x</a>", "<p>&lt;a href=javascript:alert(1)&gt;x&lt;/a&gt;</p>"),
        ("<!-- hidden -->", "<p>&lt;!-- hidden --&gt;</p>"),
        ("[mail](mailto:info@example.jp)", '<p><a href="mailto:info@example.jp" rel="noopener noreferrer">mail</a></p>'),
        ("[電話](tel:0312345678)", '<p><a href="tel:0312345678" rel="noopener noreferrer">電話</a></p>'),
    ],
)
def test_description_raw_html_is_text_and_safe_links_stay(markdown, html):
    from facility_site.records.markup import render_description

    assert render_description(markdown) == html


# --- all problems at once ---------------------------------------------------------------------


def test_every_problem_in_every_file_is_reported_once_sorted(folder):
    write(folder, "ok.yaml", VALID)
    write(folder, "b-bad.yaml", with_lines("retention_rate: 120", "url: javascript:alert(1)", drop=("city",)))
    write(folder, "a-bad.yaml", VALID.replace("東京都", "東京").replace("2026-11-01", "2026-02-30"))
    write(folder, "empty.yaml", "")
    write(folder, "c.yaml", 'name: "unclosed\n')
    with pytest.raises(RecordError) as caught:
        load_facilities(folder)
    assert str(caught.value) == "\n".join(
        [
            "7 problem(s) in facility records; nothing was written:",
            "facilities/a-bad.yaml:3: prefecture: unknown prefecture '東京'; did you mean '東京都'?",
            "facilities/a-bad.yaml:8: updated: '2026-02-30' is not a real date",
            "facilities/b-bad.yaml:1: city: required field is missing",
            "facilities/b-bad.yaml:8: retention_rate: 120 is above 100",
            "facilities/b-bad.yaml:9: url: 'javascript:alert(1)' is not an http(s) address",
            "facilities/c.yaml:1: yaml: syntax error: a quote opened on this line is never closed; end the value with the same quote mark",
            "facilities/empty.yaml:1: file: file is empty; a record needs at least name, prefecture, city, services, disabilities, updated",
        ]
    )


def test_display_path_is_relative_inside_the_working_directory_and_absolute_outside(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "facilities" / "x.yaml") == "facilities/x.yaml"
    outside = tmp_path.parent / "elsewhere.yaml"
    assert display_path(outside) == str(outside)


def test_the_readme_example_record_is_valid(folder):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Writing a facility record", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    write(folder, "current.yaml", example)
    [facility] = load_facilities(folder)
    assert (facility.name, facility.phone, facility.office_number) == ("カレント", "03-1234-5678", "1310400123")
    assert facility.access == (Station(name="新宿御苑前", walk_minutes=3.0, line="東京メトロ丸ノ内線"),)


def test_description_headings_start_below_the_pages_own_section_heading():
    from facility_site.records.markup import render_description

    html = render_description("# 大見出し\n\n## 中見出し\n\n###### 小見出し")
    assert html == "<h3>大見出し</h3>\n<h4>中見出し</h4>\n<h6>小見出し</h6>"


def test_validate_record_text_reports_what_the_build_reports_for_one_record(tmp_path):
    from facility_site.records.reader import validate_record_text

    for path in sorted((FIXTURES / "records" / "broken").glob("*.yaml")):
        if path.stem in ("Bad_Name", "same-id", "shift-jis"):
            continue  # file-name, folder-wide and encoding problems belong to the folder reader
        single = tmp_path / path.stem
        single.mkdir()
        (single / path.name).write_bytes(path.read_bytes())
        try:
            expected, built = [], load_facilities(single)
        except RecordError as exc:
            expected, built = exc.problems, []
        facility, problems = validate_record_text(path.read_text(encoding="utf-8"), path.stem, display_path(single / path.name))
        assert sorted(problems) == expected, path.name
        assert ([facility] if facility else []) == built
    text = (FIXTURES / "records" / "valid_minimal" / "minimal.yaml").read_text(encoding="utf-8")
    facility, problems = validate_record_text(text, "minimal", "minimal.yaml")
    assert problems == [] and facility.id == "minimal" and facility.prefecture.name == "大阪府"


# --- location written by hand (issue 12) -------------------------------------


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ("location: {lat: 139.7101, lng: 35.6866}",),
            ["facilities/x.yaml:9: location: (lat 139.7101, lng 35.6866) is not in Japan (lat must be 20–46, lng 122–154); lat and lng look swapped"],
        ),
        (
            ("location: {lat: 51.5, lng: -0.12}",),
            ["facilities/x.yaml:9: location: (lat 51.5, lng -0.12) is not in Japan (lat must be 20–46, lng 122–154)"],
        ),
        (
            ("location:", "  lat: 35,6866", "  lng: 139.7101"),
            ["facilities/x.yaml:10: location.lat: '35,6866' is not a number (write degrees such as 35.6866)"],
        ),
        (
            ("location:", "  lat: 35.6866", "  lon: 139.7101"),
            [
                "facilities/x.yaml:9: location: lng is missing (location needs both lat and lng, in degrees)",
                "facilities/x.yaml:11: location.lon: unknown field; did you mean 'lng'?",
            ],
        ),
        (
            ("location: 35.6866, 139.7101",),
            ["facilities/x.yaml:9: location: must be a mapping {lat: …, lng: …} (degrees, e.g. lat: 35.6866 and lng: 139.7101)"],
        ),
    ],
)
def test_a_bad_hand_written_location_is_named_with_its_line(folder, lines, expected):
    write(folder, "x.yaml", with_lines(*lines))
    assert problems(folder) == expected


def test_a_hand_written_location_inside_japan_is_read(folder):
    write(folder, "x.yaml", with_lines("location: {lat: 24.4706, lng: 123.0047}"))  # 与那国島
    (facility,) = load_facilities(folder)
    assert facility.location == Location(24.4706, 123.0047)
