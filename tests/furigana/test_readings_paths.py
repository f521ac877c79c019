"""The readings files' shortcuts give what the plain ways give (the readings are the same bytes).

- `staged.site_files_where` (a scandir walk without a stat call per file) finds
  exactly the files `site_files` finds and the predicate accepts, in a plain
  folder and in a staged build (files written to staging, files kept from the
  previous output), links left out as `site_files` leaves them out.
- `browser._summary` (the union of each text's chunks and word pairs) equals
  the chunks of every text and the (word, reading) pairs in them.
"""

from __future__ import annotations

import json
import os

import pytest
from facility_site.furigana.browser import _read_for_readings, _Reader, _strings_in_json, _summary
from facility_site.furigana.reading import Furigana
from facility_site.staged import StagedTree, register, site_files, site_files_where, unregister
from sitebuild import build_site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("readings-paths") / "site", cache_path=None)


def wanted_of(files: dict[str, str]) -> dict[str, str]:
    return {relative: path for relative, path in files.items() if _read_for_readings(relative)}


def test_the_data_files_and_config_pages_are_found_as_site_files_finds_them(site, tmp_path):
    found = site_files_where(site, _read_for_readings)
    assert found == wanted_of(site_files(site))
    assert "search/index.html" in found and any(r.startswith("facility-data/") for r in found)
    assert not any(r.endswith("index.html") and r != "search/index.html" and r not in ("compare/index.html", "visit/index.html") for r in found)

    # Links to a file or a folder are not files of the site, either way.
    linked = tmp_path / "linked"
    (linked / "data").mkdir(parents=True)
    (linked / "data" / "a.json").write_text("[]", encoding="utf-8")
    os.symlink(linked / "data" / "a.json", linked / "data" / "b.json")
    os.symlink(linked / "data", linked / "more")
    assert site_files_where(linked, _read_for_readings) == wanted_of(site_files(linked)) == {"data/a.json": str(linked / "data" / "a.json")}


def test_a_staged_build_gives_written_and_kept_files_alike(tmp_path):
    output, staging = tmp_path / "output", tmp_path / "staging"
    for folder, names in ((output, ("kept.json", "old/replaced.json", "gone.json", "page.html")), (staging, ("new.json", "old/replaced.json"))):
        for name in names:
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(json.dumps(name), encoding="utf-8")
    tree = StagedTree(staging, output)
    tree.keep("kept.json")
    tree.keep("old/replaced.json")
    register(tree)
    try:
        found = site_files_where(staging, _read_for_readings)
        assert found == wanted_of(site_files(staging))
    finally:
        unregister(tree)
    assert found == {
        "kept.json": str(output / "kept.json"),
        "new.json": str(staging / "new.json"),
        "old/replaced.json": str(staging / "old" / "replaced.json"),
    }


def test_a_units_summary_is_its_texts_chunks_and_their_word_pairs(site):
    texts = _strings_in_json((site / "facility-data" / "0.json").read_text(encoding="utf-8"))
    assert len(texts) > 20
    reader = _Reader(Furigana({"就労移行支援事業所": "しゅうろういこうしえんじぎょうしょ"}))
    reader.read(texts[0])  # one text read before: the summary takes it from the reader
    chunks, pairs = _summary(reader, texts + texts[:5])
    expected = frozenset().union(*(reader.read(text)[0] for text in texts))
    assert chunks == expected
    assert pairs == frozenset((base, read) for chunk in expected for base, read in chunk if read)
    assert len(pairs) > 10
    for text in texts[:10]:  # one text alone: its own chunks and pairs
        own = reader.read(text)[0]
        assert _summary(reader, [text]) == (own, frozenset((base, read) for chunk in own for base, read in chunk if read))
