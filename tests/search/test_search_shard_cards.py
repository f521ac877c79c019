"""A character shard carries the cards of its one-character search's first page (issue 17),
and of that search's first page with each one disability type chosen.

On a phone network the first key of a new word used to take two round trips:
its character's shard, and only then the cards of the matches the shard named.
Each shard now carries the card rows of the first page (search/index.py
first_page, computed at build time in the engine's order), so a fresh engine
asked for one character fetches its shard and no card file, and shows the same
cards as the card files hold.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from search_helpers import write_synthetic_records
from sitebuild import build_site, search_data
from test_search_engine import run_engine

PAGE = 20  # the search page's batch (page.js PAGE_SIZE), index.py SHARD_CARDS


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("shard-cards")
    (root / "content").mkdir()
    return build_site(root / "output", write_synthetic_records(root / "records", 400, seed=5), root / "content")


def data_folder(site) -> dict[str, Path]:
    return search_data(site)


def test_the_first_key_of_a_word_needs_its_shard_and_no_card_file(synthetic_site):
    """With no condition, and with one disability type chosen (the shard carries that page too)."""
    data = data_folder(synthetic_site)
    chars = json.loads((data["text/chars.json"]).read_text(encoding="utf-8"))["chars"]
    config = json.loads((synthetic_site / "search" / "index.html").read_text(encoding="utf-8").split('id="search-config">', 1)[1].split("</script>", 1)[0])
    conditions = [{}] + [{"dis": [slug]} for slug in config["disabilities"]]
    # One run per condition (the command line holds one search per character).
    by_condition = [
        run_engine(synthetic_site, [{"state": {"q": char, **condition}, "limit": PAGE, "fresh": True} for char in chars]) for condition in conditions
    ]
    results = iter([result for per_char in zip(*by_condition, strict=True) for result in per_char])
    assert len(chars) > 100
    with_condition = 0
    for char in chars:
        shard = json.loads((data[f"text/{ord(char):x}.json"]).read_text(encoding="utf-8"))
        carried = {row[0] for _, row in shard["cards"]}
        pages, without = set(), set()
        for condition in conditions:
            result = next(results)
            assert [path for path in result["requested"] if path.startswith("cards/")] == [], (char, condition)
            assert len(result["ids"]) == min(PAGE, result["total"]), (char, condition)
            if condition:
                with_condition += bool(set(result["ids"]) - without)
            else:
                assert result["total"] > 0, char
                without = set(result["ids"])
            pages |= set(result["ids"])
        # The shard's rows are these pages, exactly.
        assert carried == pages, char
    # The disability pages are not just the page without a condition again.
    assert with_condition > 100


def test_the_rows_a_shard_carries_are_the_card_files_rows(synthetic_site):
    data = data_folder(synthetic_site)
    chunk = len(json.loads((data["cards/doc-0.json"]).read_text(encoding="utf-8")))
    checked = 0
    for name in sorted(name for name in data if name.count("/") == 1 and name.startswith("text/")):
        path = data[name]
        if path.name == "chars.json":
            continue
        for doc, row in json.loads(path.read_text(encoding="utf-8"))["cards"]:
            rows = json.loads((data[f"cards/doc-{doc // chunk}.json"]).read_text(encoding="utf-8"))
            assert rows[doc % chunk] == row, (path.name, doc)
            checked += 1
    assert checked > 1000


def test_the_next_keys_fetch_only_the_cards_no_shard_carried(synthetic_site):
    """The rows are a head start, never the answer: a longer word, or a prefecture, shows what a fresh engine shows."""
    data = data_folder(synthetic_site)
    first = json.loads((data[f"text/{ord('東'):x}.json"]).read_text(encoding="utf-8"))
    carried = {row[0] for _, row in first["cards"]}
    states = [{"q": "東"}, {"q": "東京"}, {"q": "東京", "pref": ["tokyo"]}]
    typed = run_engine(synthetic_site, [{"state": state, "limit": PAGE} for state in states])
    fresh = run_engine(synthetic_site, [{"state": state, "limit": PAGE, "fresh": True} for state in states])
    for state, one, other in zip(states, typed, fresh, strict=True):
        assert one["ids"] == other["ids"] and one["total"] == other["total"] > 0, state
    assert not [path for path in typed[0]["requested"] if path.startswith("cards/")]
    # 東京's first page is not 東's: the rows the shard lacks come from the card files.
    assert set(typed[1]["ids"]) - carried and any(path.startswith("cards/") for path in typed[1]["requested"])
