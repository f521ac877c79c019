"""The search engine (theme/static/js/search/engine.js), run in Node over built sites.

Sites are built into temporary folders as an operator would; the engine reads
their search/ data files. Exact result ids are checked for filter, sort and
text cases on the fixture records of tests/fixtures/search (see its README);
facet counts are checked against counts computed here from the records; and
the relevance order is checked against lunr.js querying the whole lunr.py
index of the same site.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from facility_site.records.reader import load_facilities
from facility_site.records.vocab import CONDITIONS, DISABILITIES, PREFECTURES, SERVICES
from facility_site.search.data import doc_order, has_vacancy
from facility_site.search.index import FIELD_NAMES, PREFIX_FIELDS, READING_MIN_CHARS, document_words, lunr_py_index
from facility_site.search.tokenizer import parse_query
from facility_site.search.words import DEFAULT_PATH as EVERYDAY_WORDS
from facility_site.search.words import load_everyday_words, words_config
from search_helpers import write_synthetic_records
from sitebuild import FIXTURES, ROOT, TODAY, build_site

SEARCH_RECORDS = FIXTURES / "search"
RUN_ENGINE = ROOT / "tests" / "js" / "run_engine.mjs"
LUNR_FULL = ROOT / "tests" / "js" / "lunr_full_index.mjs"



def run_engine(site: Path, searches: list[dict]) -> list[dict]:
    run = subprocess.run(["node", str(RUN_ENGINE), str(site), json.dumps(searches)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def search(site: Path, **state) -> dict:
    return run_engine(site, [{"state": state}])[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("search") / "output", SEARCH_RECORDS, _empty_content(tmp_path_factory))


def _empty_content(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("content")


NAME_ORDER = [
    "shibuya-it",  # あいてぃー…
    "hostile",  # あくあてすと
    "nagareyama-mori",  # おおたか…
    "tokyo-current",  # かれんと
    "sagamihara-midori",  # さがみはら…
    "tokyo-station",  # とうきょう…
    "kyoto-trap",  # ひがしやま…
    "yokohama-midori",  # みどりの…
    "osaka-unchecked",  # no reading: its name (kanji) sorts after kana
]


# --- filters and sorts ----------------------------------------------------------

FILTER_CASES = [
    ({}, NAME_ORDER),
    ({"pref": ["tokyo"]}, ["shibuya-it", "tokyo-current", "tokyo-station"]),
    ({"pref": ["tokyo", "kanagawa"], "dis": ["mental"]}, ["tokyo-current", "tokyo-station", "yokohama-midori"]),
    ({"dis": ["mental", "physical"]}, ["tokyo-station", "yokohama-midori"]),
    ({"svc": ["retention"]}, ["nagareyama-mori", "tokyo-current", "kyoto-trap", "yokohama-midori"]),
    ({"svc": ["transition", "retention", "life-training"]}, ["yokohama-midori"]),
    ({"walk": 5}, ["nagareyama-mori", "tokyo-current", "tokyo-station", "osaka-unchecked"]),
    ({"pref": ["hokkaido"], "svc": ["type-a"]}, []),
    # Practical conditions (opt): offers every one chosen; unknown and no never match.
    ({"opt": ["remote"]}, ["tokyo-current", "tokyo-station", "yokohama-midori"]),
    ({"opt": ["lunch"]}, ["tokyo-current", "kyoto-trap", "yokohama-midori"]),
    ({"opt": ["remote", "lunch"]}, ["tokyo-current", "yokohama-midori"]),
    ({"opt": ["transport"]}, ["yokohama-midori"]),
    ({"opt": ["pickup"]}, ["tokyo-station"]),
    ({"opt": ["remote", "lunch", "transport", "pickup"]}, []),
    ({"opt": ["lunch"], "pref": ["kyoto"]}, ["kyoto-trap"]),
    ({"opt": ["remote"], "svc": ["retention"]}, ["tokyo-current", "yokohama-midori"]),
]


@pytest.mark.parametrize(("state", "expected"), FILTER_CASES, ids=[json.dumps(s, ensure_ascii=False) for s, _ in FILTER_CASES])
def test_filters_give_exact_ids_in_name_order(site, state, expected):
    result = search(site, **state)
    assert result["ids"] == expected
    assert result["total"] == len(expected)
    assert result["sort"] == "name"


UNKNOWN_LAST = ["hostile", "shibuya-it", "sagamihara-midori", "osaka-unchecked"]  # no 就職定着率 / 平均利用期間, doc order
SORT_CASES = {
    # High first; 非公開 always last. Ties, and the unknown ones, in doc order:
    # prefecture (JIS order), then reading.
    "retention": ["nagareyama-mori", "tokyo-current", "kyoto-trap", "tokyo-station", "yokohama-midori", *UNKNOWN_LAST],
    "hires": [
        *["tokyo-station", "tokyo-current", "yokohama-midori", "kyoto-trap", "nagareyama-mori", "sagamihara-midori"],
        *["hostile", "shibuya-it", "osaka-unchecked"],
    ],
    "capacity": [
        *["sagamihara-midori", "shibuya-it", "tokyo-station", "yokohama-midori", "kyoto-trap"],
        *["osaka-unchecked", "tokyo-current", "nagareyama-mori", "hostile"],
    ],
    # Short first, by the upper bound a value guarantees (the comparison's rule): 6ヶ月未満, 9, 6〜12 (12),
    # 12〜18 (18), then 18ヶ月以上, which guarantees no upper bound.
    "stay": ["nagareyama-mori", "kyoto-trap", "tokyo-current", "tokyo-station", "yokohama-midori", *UNKNOWN_LAST],
    "walk": [
        *["nagareyama-mori", "tokyo-station", "tokyo-current", "osaka-unchecked", "kyoto-trap"],
        *["hostile", "yokohama-midori", "sagamihara-midori", "shibuya-it"],
    ],
    "name": NAME_ORDER,
}


@pytest.mark.parametrize("sort", list(SORT_CASES))
def test_sorts(site, sort):
    result = search(site, sort=sort)
    assert result["sort"] == sort
    assert result["ids"] == SORT_CASES[sort]


def test_relevance_without_text_falls_back_to_name_order(site):
    result = search(site, sort="relevance")
    assert result["sort"] == "name"
    assert result["ids"] == NAME_ORDER


def test_a_sort_combines_with_text(site):
    assert search(site, q="東京都", sort="name")["ids"] == ["shibuya-it", "tokyo-current", "tokyo-station"]


def test_limit_gives_the_first_cards_and_the_full_total(site):
    result = run_engine(site, [{"state": {}, "limit": 4}])[0]
    assert result["ids"] == NAME_ORDER[:4]
    assert result["total"] == len(NAME_ORDER)


# --- text -----------------------------------------------------------------------

TEXT_CASES = [
    ("ｶﾚﾝﾄ", ["tokyo-current"]),  # half-width katakana
    ("かれんと", ["tokyo-current"]),  # hiragana finds katakana
    ("カレント", ["tokyo-current"]),
    ("御苑", ["tokyo-current"]),  # part of 新宿御苑前
    ("新宿御苑前駅", ["tokyo-current"]),  # station with 駅
    ("森", ["nagareyama-mori"]),  # one character, last of 流山おおたかの森
    ("緑区", ["sagamihara-midori", "yokohama-midori"]),  # both cities; equal scores, name order
    ("ＩＴ", ["shibuya-it", "tokyo-station"]),  # full-width ＩＴ = it (name, then feature IT訓練)
    ("it", ["shibuya-it", "tokyo-station"]),
    ("東京都", ["shibuya-it", "tokyo-station", "tokyo-current"]),  # not kyoto-trap (東京 … 京都府)
    ("新宿 丸ノ内", ["tokyo-current"]),  # several words: AND
    ("新宿:御苑", ["tokyo-current"]),  # lunr syntax characters separate words
    ("+御苑 -新宿 ~2", ["tokyo-current"]),  # no negation or fuzziness: three words, all in カレント (2 from 1-2-3)
    ("渋谷　プログラミング", ["shibuya-it"]),  # ideographic space
    # An everyday word (search/everyday_words.yaml) finds its condition: every 精神 facility (issue #10).
    ("精神障害", ["hostile", "nagareyama-mori", "tokyo-station", "tokyo-current", "yokohama-midori"]),  # hostile: 精神 alone weighs most
    ("難病", ["kyoto-trap", "yokohama-midori"]),  # disability labels are searched
    ("生活訓練", ["yokohama-midori"]),  # service names are searched
    ("丸ノ内線", ["tokyo-current"]),  # lines are searched
    ("script", ["hostile"]),  # hostile text is searchable as plain text
    ("大阪", ["osaka-unchecked"]),
]


@pytest.mark.parametrize(("query", "expected"), TEXT_CASES, ids=[q for q, _ in TEXT_CASES])
def test_text_queries_give_exact_ids(site, query, expected):
    result = search(site, q=query)
    assert result["ids"] == expected
    assert result["total"] == len(expected)


def test_kyoto_finds_kyoto_and_every_name_containing_it(site):
    # 京都 is one unbroken piece of 京都府 and of 東京都: both are real matches.
    assert set(search(site, q="京都")["ids"]) == {"kyoto-trap", "shibuya-it", "tokyo-station", "tokyo-current"}


def test_only_separators_searches_nothing(site):
    # Issue #10: text with no words used to list every facility as a match.
    result = search(site, q="*:^~+- ・")
    assert result["ids"] == []
    assert result["onlySymbols"] is True
    assert result["ignored"] == ["^~+"]  # the symbols; punctuation (* : - ・) separates silently
    assert result["sort"] == "name"
    assert result["relax"][0] == {"kind": "word", "value": "*:^~+- ・", "count": len(NAME_ORDER)}


def test_only_spaces_is_no_text(site):
    result = search(site, q=" \u3000 ")
    assert result["ids"] == NAME_ORDER
    assert result["onlySymbols"] is False


def test_text_and_filters_combine(site):
    assert search(site, q="東京", dis=["physical"])["ids"] == ["tokyo-station", "kyoto-trap"]


def test_thousand_character_query_neither_hangs_nor_throws(site):
    result = run_engine(site, [{"state": {"q": "カレント" + "あ" * 996}}, {"state": {"q": ("新宿 " * 300)[:1000]}}])
    assert result[0]["truncated"] is True
    assert result[0]["total"] == 0
    assert result[1]["ids"] == ["tokyo-current"]  # one unique word, not truncated
    assert result[1]["truncated"] is False


# --- counts ---------------------------------------------------------------------


def expected_counts(facilities, state: dict) -> dict:
    """Counts computed directly from the records: what each choice would give with the other groups as chosen."""
    words = parse_query(state.get("q", "")).words
    documents = dict(zip((f.id for f in doc_order(facilities)), document_words(doc_order(facilities)), strict=True))

    def has_text(f) -> bool:
        terms = [term for field in documents[f.id] for term in field]
        return all(any(word in term for term in terms) for word in words)

    prefs = set(state.get("pref", []))
    dis = set(state.get("dis", []))
    svc = set(state.get("svc", []))
    opt = set(state.get("opt", []))
    walk = state.get("walk")

    def ok(f, pref=prefs, dis=dis, svc=svc, opt=opt, walk=walk) -> bool:
        return (
            has_text(f)
            and (not pref or f.prefecture.slug in pref)
            and dis <= {d.slug for d in f.disabilities}
            and svc <= {s.slug for s in f.services}
            and opt <= {c.slug for c in CONDITIONS if getattr(f.conditions, c.slug) == "yes"}
            and (walk is None or (f.min_walk is not None and f.min_walk <= walk))
        )

    return {
        "pref": [sum(ok(f, pref={p.slug}) for f in facilities) for p in PREFECTURES],
        "dis": [sum(ok(f, dis=dis | {d.slug}) for f in facilities) for d in DISABILITIES],
        "svc": [sum(ok(f, svc=svc | {s.slug}) for f in facilities) for s in SERVICES],
        "opt": [sum(ok(f, opt=opt | {c.slug}) for f in facilities) for c in CONDITIONS],
        "walk": [sum(ok(f, walk=m) for f in facilities) for m in (5, 10, 15, 20, 30)],
        "vacancy": [sum(ok(f) and bool(has_vacancy(f, TODAY)) for f in facilities)],
        "anyWalk": sum(ok(f, walk=None) for f in facilities),
    }


COUNT_STATES = [
    {},
    {"pref": ["tokyo"]},
    {"pref": ["tokyo", "kanagawa"], "dis": ["mental"]},
    {"dis": ["mental", "developmental"], "svc": ["retention"]},
    {"walk": 10, "svc": ["transition"]},
    {"q": "東京"},
    {"q": "緑区", "dis": ["physical"], "walk": 10},
    {"q": "ない言葉"},
    {"opt": ["remote"]},
    {"opt": ["remote", "lunch"], "pref": ["tokyo", "kanagawa"]},
    {"opt": ["pickup"], "dis": ["mental"], "walk": 10},
    {"q": "東京", "opt": ["lunch"]},
]


def test_every_choice_counts_what_it_would_give(site):
    facilities = load_facilities(SEARCH_RECORDS)
    results = run_engine(site, [{"state": state} for state in COUNT_STATES])
    for state, result in zip(COUNT_STATES, results, strict=True):
        assert result["counts"] == expected_counts(facilities, state), state


def test_counts_keep_zero_choices(site):
    counts = search(site, pref=["tokyo"])["counts"]
    assert len(counts["pref"]) == 47
    assert counts["svc"][[s.slug for s in SERVICES].index("type-a")] == 0


def test_unchecked_disabilities_are_counted_when_a_disability_filter_is_on(site):
    assert search(site)["excludedUnchecked"] == 0
    assert search(site, dis=["mental"])["excludedUnchecked"] == 1  # osaka-unchecked (未確認)
    assert search(site, dis=["mental"], pref=["tokyo"])["excludedUnchecked"] == 0


def test_no_results_says_which_condition_to_loosen(site):
    result = search(site, q="森", pref=["tokyo"], dis=["mental"])
    assert result["total"] == 0
    relax = {(item["kind"], item.get("value")): item["count"] for item in result["relax"]}
    # Without 森: the Tokyo facilities for 精神; without Tokyo: the 森 facility (精神 too).
    assert relax == {("word", "森"): 2, ("pref", None): 1, ("dis", "mental"): 0}


# --- ranking: the same order as lunr.js on the whole lunr.py index ----------------


def _synthetic_records(folder: Path, count: int) -> Path:
    return write_synthetic_records(folder, count, seed=7)


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("synthetic")
    records = _synthetic_records(root / "records", 300)
    return build_site(root / "output", records, _empty_content(tmp_path_factory)), records


RANKING_QUERIES = [
    *["緑区", "森", "さ", "ワークス", "新宿", "就労 定着", "支援", "横浜市", "駅 訓練", "1", "00", "ひだまり 精神", "かれっじ", "東京都", "線"],
    *["よこはま", "しんじゅく", "かわ", "とうきょう", "横浜 発達障害", "adhd", "うつ", "A型", "難病"],
]


def lunr_clauses(word: str, everyday: dict) -> list[dict]:
    """The site's matching rule for one query word, as lunr clauses (tests/js/lunr_full_index.mjs).

    `*word*` in every field but the place readings; `word*` in the readings
    (from READING_MIN_CHARS characters, not for everyday words); an everyday
    word also matches its condition's word in that condition's field.
    """
    plain = [name for name in FIELD_NAMES if name not in PREFIX_FIELDS]
    clauses = [{"term": word, "fields": plain, "wildcard": "both"}]
    entry = everyday.get(word)
    if entry is None and len(word) >= READING_MIN_CHARS:
        clauses.append({"term": word, "fields": list(PREFIX_FIELDS), "wildcard": "trailing"})
    if entry is not None and word not in entry["term"]:
        clauses.append({"term": entry["term"], "fields": [entry["field"]], "wildcard": "none"})
    return clauses


@pytest.mark.parametrize("fixture_name", ["site", "synthetic_site"])
def test_relevance_order_matches_lunr_js_on_the_whole_lunr_py_index(request, tmp_path, fixture_name):
    built = request.getfixturevalue(fixture_name)
    site, records = built if isinstance(built, tuple) else (built, SEARCH_RECORDS)
    docs = doc_order(load_facilities(records))
    serialized = lunr_py_index(document_words(docs)).serialize()
    index_file = tmp_path / "index.json"
    index_file.write_text(json.dumps(serialized, ensure_ascii=False), encoding="utf-8")
    everyday = words_config(load_everyday_words(EVERYDAY_WORDS))
    queries = [[lunr_clauses(word, everyday) for word in parse_query(q).words] for q in RANKING_QUERIES]
    run = subprocess.run(["node", str(LUNR_FULL), str(index_file), json.dumps(queries)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    from_lunr = json.loads(run.stdout)
    ours = run_engine(site, [{"state": {"q": q}} for q in RANKING_QUERIES])
    checked = 0
    for query, lunr_results, result in zip(RANKING_QUERIES, from_lunr, ours, strict=True):
        # lunr lists equal scores in no particular order; the site breaks ties by name (doc order).
        expected = [docs[int(ref)].id for ref, _ in sorted(lunr_results, key=lambda r: (-round(r[1], 9), int(r[0])))]
        assert result["ids"] == expected, query
        checked += len(expected)
    assert checked > 20  # the queries do match things


def test_scores_are_not_all_equal(synthetic_site):
    # The ranking test above would pass trivially if every score were equal.
    site, records = synthetic_site
    docs = doc_order(load_facilities(records))
    ids = search(site, q="新宿")["ids"]
    name_order = [f.id for f in docs if f.id in ids]
    assert len(ids) > 2
    assert ids != name_order


def test_condition_counts_are_exact(site):
    [nothing, remote, tokyo] = run_engine(site, [{"state": {}}, {"state": {"opt": ["remote"]}}, {"state": {"pref": ["tokyo"]}}])
    # remote, lunch, transport, pickup
    assert nothing["counts"]["opt"] == [3, 3, 1, 1]
    assert remote["counts"]["opt"] == [3, 2, 1, 1]
    assert tokyo["counts"]["opt"] == [2, 1, 0, 1]


def test_no_results_offers_to_drop_one_condition(site):
    result = search(site, opt=["remote", "pickup"], pref=["kanagawa"])
    assert result["total"] == 0
    relax = {(item["kind"], item.get("value")): item["count"] for item in result["relax"]}
    # Without 神奈川県: tokyo-station; without 送迎: yokohama-midori; without 在宅訓練: nobody in 神奈川県 picks up.
    assert relax == {("pref", None): 1, ("opt", "remote"): 0, ("opt", "pickup"): 1}
