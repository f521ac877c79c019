"""A rebuild keeps each search data group whose hash is unchanged as a whole folder (issue 15).

search/page.py keep_unchanged_groups lists the previous output's search/<hash>/ of every
group whose hash did not move and keeps its files without reading them, when the folder
holds exactly the group's files (each of its size) and their .gz twins; any other folder
goes through write_data, file by file. Either way the output must be a clean build's
bytes, kept files must keep their timestamps, and nothing stray may survive.
"""

from __future__ import annotations

import logging
import os
import shutil

import pytest
from facility_site.build import build
from pelican.log import LimitFilter
from search_helpers import write_synthetic_records
from sitebuild import ROOT, SAMPLE_CONTENT, SAMPLE_FACILITIES, files, search_data, write_settings

OLD = 1_000_000_000  # a timestamp no build writes: a file that still has it was not rewritten


def kept_whole(caplog) -> tuple[int, int]:
    """(groups moved, groups kept whole) from the last search data line."""
    message = next(m for m in reversed(caplog.messages) if "kept whole" in m)
    words = message.split(", ")
    return int(words[-2].split()[0]), int(words[-1].split()[0])


@pytest.fixture()
def site(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    # .gz twins from 256 bytes: most search files then have one, as at national scale.
    monkeypatch.setattr("facility_site.search.page.PRECOMPRESS_BYTES", 256)
    records = write_synthetic_records(tmp_path / "records", 40, seed=5)
    for path in SAMPLE_FACILITIES.glob("*.yaml"):
        shutil.copy(path, records / path.name)
    conf = write_settings(tmp_path / "conf.py", SAMPLE_CONTENT, records, None)
    return records, conf, tmp_path


def rebuild(conf, output) -> dict:
    LimitFilter._raised_messages.clear()
    assert build(conf, str(output)) == 0
    return files(output)


def group_folders(output) -> list:
    return sorted(p for p in (output / "search").iterdir() if p.is_dir())


def test_unchanged_groups_are_kept_whole_and_any_other_folder_is_rewritten(site, caplog):
    caplog.set_level(logging.DEBUG, logger="facility_site")
    records, conf, root = site
    output, clean = root / "output", root / "clean"
    first = rebuild(conf, output)
    for path in output.rglob("*"):
        if path.is_file():
            os.utime(path, (OLD, OLD))
    folders = group_folders(output)
    assert len(folders) > 20

    # Nothing changed: every group is kept whole, every search file keeps its timestamp.
    caplog.clear()
    assert rebuild(conf, output) == first
    assert kept_whole(caplog) == (0, len(folders))
    assert {p.stat().st_mtime for f in folders for p in f.rglob("*") if p.is_file()} == {OLD}

    # Three unchanged groups' folders no longer hold what their hash says: a stray file in one, a
    # .gz twin missing in another, a file of another size in a third. Each is written again file by
    # file (write_data), the other groups are still kept whole.
    with_twins = [f for f in folders if any(f.rglob("*.gz"))]
    stray = with_twins[0] / "cards" / "stray.json"
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"{}")
    twin = next(with_twins[1].rglob("*.gz"))
    twin.unlink()
    shorter = next(with_twins[2].rglob("*.json"))
    shorter.write_bytes(shorter.read_bytes()[:-1])
    caplog.clear()
    cached = rebuild(conf, output)
    assert kept_whole(caplog) == (0, len(folders) - 3)
    assert not stray.exists() and twin.is_file()
    assert cached == rebuild(conf, clean)
    rewritten = {twin, shorter}
    others = [p for f in folders for p in f.rglob("*") if p.is_file() and p not in rewritten]
    assert {p.stat().st_mtime for p in others} == {OLD}

    # One record's catchphrase edited: the groups of the changed files move, every other is kept
    # whole, and the output is a clean build's.
    before = search_data(output)
    current = records / "current.yaml"
    current.write_text(current.read_text(encoding="utf-8").replace("catchphrase: 少人数で、", "catchphrase: 少人数の教室で、"), encoding="utf-8")
    caplog.clear()
    shutil.rmtree(clean)
    cached = rebuild(conf, output)
    moved, whole = kept_whole(caplog)
    assert 1 <= moved < len(folders) // 2 and moved + whole == len(folders)
    assert cached == rebuild(conf, clean)
    after = search_data(output)
    hash_of = {path: file.parents[path.count("/")].name for path, file in after.items()}
    unmoved = [path for path in after if path in before and before[path].parents[path.count("/")].name == hash_of[path]]
    assert len(unmoved) > len(after) // 2
    for path in unmoved:
        for file in (after[path], after[path].with_name(after[path].name + ".gz")):
            if file.exists() and file not in rewritten:  # (rewritten by the step before)
                assert file.stat().st_mtime == OLD, path
    # The moved groups' previous folders are gone.
    assert {p.name for p in group_folders(output)} == set(hash_of.values())


def test_filter_counts_are_the_counts_of_each_filter(tmp_path):
    """search/page.py filter_counts (one pass over the search rows, carried in search_files' result) gives what
    counting each filter's offices gives, in a clean build and from cached rows."""
    import dataclasses

    from facility_site.cache import Fingerprint
    from facility_site.records.model import Facility
    from facility_site.records.reader import load_facilities
    from facility_site.records.vocab import CONDITIONS, DISABILITIES, SERVICES
    from facility_site.search.data import has_vacancy
    from facility_site.search.page import WALK_OPTIONS, search_files
    from sitebuild import FIXTURES, TODAY

    records = write_synthetic_records(tmp_path / "records", 200, seed=3)
    for source in (*SAMPLE_FACILITIES.glob("*.yaml"), *(FIXTURES / "search").glob("*.yaml")):
        shutil.copy(source, records / source.name)
    facilities = load_facilities(records)
    # A satellite of an office offering 就労定着支援 (records/reader.py _link_satellites): its row's service bits
    # have it (services_offered), and so does the count beside the filter: the filter finds it.
    main = next(f for f in facilities if f.offers_retention)
    number = next(i for i, f in enumerate(facilities) if not f.offers_retention)
    facilities[number] = dataclasses.replace(facilities[number], retention_via=main.id)
    assert set(facilities[number].services_offered) - set(facilities[number].services)
    counts = search_files(facilities, TODAY).counts
    rows: dict = {}
    digest = Fingerprint(shared_types=(Facility,)).shared_digest
    search_files(facilities, TODAY, rows, None, digest)
    edited = list(facilities)
    edited[0] = dataclasses.replace(edited[0], disabilities=(), services=edited[1].services)
    assert search_files(edited, TODAY, rows, None, digest).counts == search_files(edited, TODAY).counts
    assert search_files(facilities, TODAY, rows, None, digest).counts == counts
    assert counts == {
        "disability_counts": {d.slug: sum(1 for f in facilities if d in f.disabilities) for d in DISABILITIES},
        "service_counts": {s.slug: sum(1 for f in facilities if s in f.services_offered) for s in SERVICES},
        "option_counts": {c.slug: sum(1 for f in facilities if c.slug in f.conditions.offered) for c in CONDITIONS},
        "vacancy_count": sum(has_vacancy(f, TODAY) for f in facilities),
        "walk_counts": {m: sum(1 for f in facilities if f.min_walk is not None and f.min_walk <= m) for m in WALK_OPTIONS},
        "unchecked_count": sum(1 for f in facilities if not f.disabilities),
    }
    # Every kind of count is there to be compared: not all zero, not all the whole set.
    assert 0 < counts["unchecked_count"] < len(facilities)
    assert len(set(counts["walk_counts"].values())) > 1 and len(set(counts["option_counts"].values())) > 1
    # The same order as the vocabularies (the page lists them in this order).
    assert list(counts["disability_counts"]) == [d.slug for d in DISABILITIES] and list(counts["walk_counts"]) == list(WALK_OPTIONS)
