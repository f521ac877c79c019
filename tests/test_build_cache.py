"""The build cache: a cached build is byte-identical to a clean one after every kind of change; a bad cache is discarded.

Each step changes the inputs, builds into the same output with the cache
(as `make html` does, through build.py), builds the same inputs into a
fresh folder without a cache, and compares every file byte for byte.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import shutil
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup
from facility_site.build import build
from facility_site.search.page import DATA_GROUPS, data_group
from pelican.log import LimitFilter
from sitebuild import ROOT, SAMPLE_CONTENT, SAMPLE_FACILITIES, files, search_data, without_ruby, write_settings


class Project:
    """A copy of the inputs an operator edits (records, articles, theme) and a settings file pointing at them."""

    def __init__(self, root):
        self.root = root
        self.records = root / "records"
        synth = [sys.executable, str(ROOT / "tools" / "synth.py"), "--count", "80", "--out", str(self.records), "--seed", "9"]
        subprocess.run(synth, check=True, capture_output=True)
        for path in SAMPLE_FACILITIES.glob("*.yaml"):
            shutil.copy(path, self.records / path.name)
        self.content = root / "content"
        shutil.copytree(SAMPLE_CONTENT, self.content)
        self.theme = root / "theme"
        shutil.copytree(ROOT / "theme", self.theme)
        self.cache = root / "cache"
        self.output = root / "output"
        self.clean_runs = 0

    def settings(self, cache, workers) -> str:
        conf = self.root / f"conf-{'cached' if cache else 'clean'}.py"
        return write_settings(conf, self.content, self.records, cache, theme=self.theme, render_workers=workers)

    def cached_build(self, precompress: bool = False) -> dict:
        # Pelican's log filter drops a message it has logged before; the counts below must be this build's.
        LimitFilter._raised_messages.clear()
        assert build(self.settings(self.cache, 2), str(self.output), precompress=precompress) == 0
        return files(self.output)

    def search_files(self) -> dict[str, tuple[str, bytes, os.stat_result]]:
        """The search data files and their .gz twins of the current output: path under its group's folder -> (that folder, bytes, stat)."""
        found = {}
        for path, file in search_data(self.output).items():
            for name, at in ((path, file), (path + ".gz", file.with_name(file.name + ".gz"))):
                if at.exists():
                    found[name] = (at.parent.relative_to(self.output / "search").parts[0], at.read_bytes(), at.stat())
        return found

    def clean_build(self) -> dict:
        self.clean_runs += 1
        out = self.root / f"clean-{self.clean_runs}"
        assert build(self.settings(None, 1), str(out)) == 0
        return files(out)

    def record(self, name):
        return self.records / f"{name}.yaml"


def assert_identical(cached: dict, clean: dict) -> None:
    assert cached.keys() == clean.keys()
    assert [name for name in cached if cached[name] != clean[name]] == []


def reused_pages(caplog) -> int:
    for message in reversed(caplog.messages):
        if "reused from the previous output" in message:
            return int(message.split(",")[1].split()[0])
    raise AssertionError("no page count logged")


def reused_chunks(caplog) -> tuple[int, int]:
    for message in reversed(caplog.messages):
        if "chunks reused from the cache" in message:
            reused, _of, total = message.split(": ")[-1].split()[:3]
            return int(reused), int(total)
    raise AssertionError("no chunk count logged")


def read_again(caplog, what: str) -> tuple[int, int]:
    """(read again, of) from the last "… N of M <what> …" line: how much a cache did not save."""
    for message in reversed(caplog.messages):
        if what in message:
            fresh, _of, total = message.split(": ")[-1].split()[:3]
            return int(fresh), int(total)
    raise AssertionError(f"no {what!r} count logged")


def plain(html: bytes) -> str:
    """A page's text as read with ふりがな off: the ruby the build adds taken out."""
    return without_ruby(BeautifulSoup(html.decode("utf-8"), "html.parser")).get_text()


@pytest.fixture()
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("FACILITY_SITE_WORKERS", raising=False)
    return Project(tmp_path)


def test_cached_builds_are_byte_identical_to_clean_builds(project, caplog, monkeypatch):
    caplog.set_level(logging.DEBUG, logger="facility_site")
    # .gz twins from 256 bytes: on this small site most search files then have one, as at national scale.
    monkeypatch.setattr("facility_site.search.page.PRECOMPRESS_BYTES", 256)
    # The search index from the fast builder, as at national scale (above 1,000 facilities), so that a
    # rebuild updates it for the changed records (search/index.py update_text_state) at this size too.
    monkeypatch.setattr("facility_site.search.index.LUNR_PY_LIMIT", 0)
    assert_identical(project.cached_build(), project.clean_build())

    # Nothing changed: every cached page, data chunk and the nearby offices are reused.
    caplog.clear()
    cached = project.cached_build()
    assert reused_pages(caplog) > 300
    reused, total = reused_chunks(caplog)
    assert reused == total > 1
    assert "nearby offices reused from the cache" in caplog.text
    # ふりがな's readings and the search's rows and index: nothing is read or computed again.
    assert read_again(caplog, "data files read again")[0] == 0
    assert read_again(caplog, "search rows computed again")[0] == 0
    assert "text index updated for 0 records" in caplog.text
    assert read_again(caplog, "ranked again whole")[0] == 0  # the search shards' cards
    assert read_again(caplog, "record texts read again")[0] == 0  # the shared words' candidates
    assert_identical(cached, project.clean_build())

    # One record edited: its page and lists are rendered again, the other pages and data chunks reused.
    synth = sorted(p.stem for p in project.records.glob("*.yaml") if p.stem not in {q.stem for q in SAMPLE_FACILITIES.glob("*.yaml")})
    current = project.record("current")
    text = current.read_text(encoding="utf-8").replace("hires_last_year: 10~14名", "hires_last_year: 23")
    current.write_text(text.replace("catchphrase: 少人数で、", "catchphrase: 少人数の教室で、"), encoding="utf-8")
    before = project.search_files()
    caplog.clear()
    cached = project.cached_build()
    assert reused_pages(caplog) > 300
    # Only the search data groups whose files changed moved to a new search/<hash>/ (search/page.py
    # data_group); every other group kept its folder and files. A moved group's unchanged files
    # (and the .gz twins of the large ones) are the previous files linked there, not written again.
    after = project.search_files()
    changed = {p for p in after.keys() | before.keys() if p not in after or p not in before or after[p][1] != before[p][1]}
    assert {"sort-hires.json", "text/chars.json", f"text/{ord('教'):x}.json"} <= changed  # 就職人数 and the catchphrase's words changed
    moved = {data_group(p.removesuffix(".gz")) for p in changed}
    assert 2 <= len(moved) <= DATA_GROUPS // 2  # 96 of 1,076 files changed on this small site: 40 of 128 groups
    for path, (folder, _data, stat) in after.items():
        if path in before:
            assert (folder != before[path][0]) == (data_group(path.removesuffix(".gz")) in moved), path
        if path not in changed:  # the previous file, kept in place or linked into its group's new folder
            assert (stat.st_ino, stat.st_mtime_ns) == (before[path][2].st_ino, before[path][2].st_mtime_ns), path
    # The moved groups' previous folders are gone from the output.
    assert {p.name for p in (project.output / "search").iterdir() if p.is_dir()} == {folder for folder, _data, _stat in after.values()}
    assert reused_chunks(caplog) == (7, 8)
    assert "nearby offices reused from the cache" in caplog.text
    # Only the data files that hold the edited record are read for their readings again (its data
    # chunk, and the search files with its 就職人数: its card chunk and the sort column), though the
    # search data moved to a new search/<hash>/; only the edited record's search row is computed
    # again, and the index is updated for its words (not built whole).
    fresh, total = read_again(caplog, "data files read again")
    assert 1 <= fresh <= 3 < total
    assert read_again(caplog, "search rows computed again")[0] == 1
    assert "text index updated for 1 records" in caplog.text
    fresh, total = read_again(caplog, "ranked again whole")
    assert fresh <= len({p for p in changed if p.startswith("text/") and p.endswith(".json")}) < total  # the changed shards' at most
    fresh, total = read_again(caplog, "record texts read again")
    assert fresh == 1 and total > 80  # the edited catchphrase's record only
    assert "少人数の教室で" in plain(cached["facilities/current/index.html"])
    assert_identical(cached, project.clean_build())
    assert "23名" in plain(cached["facilities/current/index.html"])

    # One added, one deleted. Their names leave or join the ふりがな phrases, which every page's
    # key includes (a name is read the same wherever it appears), so every page is rendered again.
    shutil.copy(project.record(synth[0]), project.record("added-office"))
    project.record(synth[1]).unlink()
    caplog.clear()
    cached = project.cached_build()
    assert "nearby offices reused from the cache" not in caplog.text  # one office came, one went
    reused, total = reused_chunks(caplog)
    assert 0 < reused < total  # the chunks of the added and deleted records only
    assert_identical(cached, project.clean_build())
    assert "facilities/added-office/index.html" in cached and f"facilities/{synth[1]}/index.html" not in cached

    # An office moves: its neighbours' 「近くの事業所」 change (the nearby cache is keyed by every location).
    moved = project.record(synth[2])
    text = moved.read_text(encoding="utf-8")
    lat = next(line for line in text.splitlines() if line.strip().startswith("lat:"))
    moved.write_text(text.replace(lat, lat.split(":")[0] + ": 35.681236"), encoding="utf-8")
    caplog.clear()
    cached = project.cached_build()
    assert "nearby offices reused from the cache" not in caplog.text
    assert "nearby offices updated around the moved offices" in caplog.text  # geo/nearby.py nearest_since
    assert_identical(cached, project.clean_build())

    # A catchphrase gains a word: the search field's average length moves, so every weight of the field
    # is computed again (search/index.py update_text_state), and the index is still updated, not built whole.
    current.write_text(current.read_text(encoding="utf-8").replace("catchphrase: 少人数の教室で、", "catchphrase: 少人数の 教室で、"), encoding="utf-8")
    caplog.clear()
    cached = project.cached_build()
    assert "text index updated for 1 records" in caplog.text
    assert_identical(cached, project.clean_build())

    # An article changes.
    article = project.content / "articles" / "teichaku-shien-guide.md"
    article.write_text(article.read_text(encoding="utf-8").replace("新しい生活のスタートです。", "新しい生活の始まりです。"), encoding="utf-8")
    cached = project.cached_build()
    assert_identical(cached, project.clean_build())
    assert "新しい生活の始まりです。" in plain(cached["articles/teichaku-shien-guide/index.html"])

    # A template changes: every page made from it is rendered again.
    template = project.theme / "templates" / "facility.html"
    text = template.read_text(encoding="utf-8")
    assert "{% block content %}" in text
    template.write_text(text.replace("{% block content %}", "{% block content %}<p data-test-marker>テンプレート変更</p>", 1), encoding="utf-8")
    cached = project.cached_build()
    assert_identical(cached, project.clean_build())
    assert "テンプレート変更" in plain(cached["facilities/current/index.html"])

    # The glossary and the ふりがな overrides are inputs of every page that uses their words.
    glossary = project.content / "glossary.yaml"
    glossary.write_text(glossary.read_text(encoding="utf-8").replace("id: shuro-ikou-shien", "id: ikou-renamed"), encoding="utf-8")
    overrides = project.content / "furigana.yaml"
    overrides.write_text("定着: ていちゃくう\n", encoding="utf-8")
    cached = project.cached_build()
    assert_identical(cached, project.clean_build())
    assert "glossary/#ikou-renamed" in cached["facilities/current/index.html"].decode("utf-8")
    # 定着 is a shared word: its reading reaches the page from furigana/words.json (furigana/shared.py).
    assert "定着《ていちゃくう》" in cached["furigana/words.json"].decode("utf-8")
    assert 'data-r="ていちゃく"' not in cached["facilities/current/index.html"].decode("utf-8")


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (lambda path: path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2]), "unreadable"),
        (lambda path: path.write_bytes(b"not a pickle at all"), "unreadable"),
        (
            lambda path: path.write_bytes(pickle.dumps({"format": 1, "code": "another version"}) + pickle.dumps({})),
            "written by another version of the plugin or its packages",
        ),
    ],
    ids=["truncated", "garbage", "foreign"],
)
def test_a_corrupt_or_foreign_cache_is_discarded_with_one_line(project, capsys, damage, why):
    project.cached_build()
    current = project.record("current")
    current.write_text(current.read_text(encoding="utf-8").replace("hires_last_year: 10~14名", "hires_last_year: 23"), encoding="utf-8")
    # In the order the build says them; a rebuild on two processes reads the shared words in a forked process,
    # whose notice is said when its words are taken, after the nearby offices' (furigana/writer.py), and makes
    # the search data in a forked process, whose notices are said where its result is taken: after the data
    # chunks and the page manifest, which the build process reads to work out page keys meanwhile
    # (SiteOutput.settle_parts).
    damaged = ("records", "nearby", "shared-words", "facility-data", "pages", "search-rows", "search-text", "readings")
    for name in damaged:
        damage(project.cache / f"{name}.pickle")
    capsys.readouterr()
    cached = project.cached_build()
    notices = [line for line in capsys.readouterr().err.splitlines() if "cache:" in line]
    assert len(notices) == len(damaged), notices
    for line, name in zip(notices, damaged, strict=True):
        assert line.startswith(f"facility_site: cache: discarded {project.cache / name}.pickle: {why}")
        assert line.endswith("; building without it")
    assert_identical(cached, project.clean_build())
    # The next build writes a good cache again and needs no notice.
    project.cached_build()
    assert "cache:" not in capsys.readouterr().err


def test_a_cached_build_freezes_what_it_loads_and_unfreezes_when_done(project, monkeypatch):
    """The tables loaded from the cache are kept out of the cyclic collector's walks during the build (cache.py
    _settled_load); once build.py returns, nothing stays frozen, so a process that builds again collects as usual."""
    from facility_site.pages.generator import FacilityGenerator

    project.cached_build()
    frozen = []
    generate = FacilityGenerator.generate_context

    def spy(self):
        generate(self)
        frozen.append(gc.get_freeze_count())

    monkeypatch.setattr(FacilityGenerator, "generate_context", spy)
    project.cached_build()
    assert frozen and frozen[0] > 1000  # the records table and everything before it
    assert gc.get_freeze_count() == 0



def build_over_damaged_changes(project, changes, current, capsys) -> dict:
    """Truncate a table's changes file, edit `current` (hires 23 → 24) and rebuild: one notice that the file was
    discarded, and the output equals a clean build's. Returns the cached build's files."""
    changes.write_bytes(changes.read_bytes()[:40])
    current.write_text(current.read_text(encoding="utf-8").replace("hires_last_year: 23", "hires_last_year: 24"), encoding="utf-8")
    capsys.readouterr()
    cached = project.cached_build()
    notices = [line for line in capsys.readouterr().err.splitlines() if "cache:" in line]
    assert len(notices) == 1 and notices[0].startswith(f"facility_site: cache: discarded {changes}: unreadable")
    assert_identical(cached, project.clean_build())
    return cached

def test_a_one_record_edit_writes_only_the_changed_records_beside_the_records_cache(project, capsys, monkeypatch):
    """records.pickle is written whole once; a small edit writes records.changes.pickle, which the next build applies
    over it (cache.py BuildCache.save(changes=True)); a damaged changes file is discarded with one line."""
    import hashlib

    from facility_site.cache import BuildCache
    from facility_site.records import reader
    from facility_site.records.reader import display_path

    # The test's files are seconds old: without this, the second build records every file's signature
    # (records/reader.py), which changes every entry once and writes the table whole.
    monkeypatch.setattr(reader, "SETTLED_NS", 0)
    project.cached_build()
    whole = project.cache / "records.pickle"
    changes = project.cache / "records.changes.pickle"
    written = whole.stat().st_mtime_ns
    assert not changes.exists()
    current = project.record("current")
    current.write_text(current.read_text(encoding="utf-8").replace("hires_last_year: 10~14名", "hires_last_year: 23"), encoding="utf-8")
    assert_identical(project.cached_build(), project.clean_build())
    assert changes.exists() and whole.stat().st_mtime_ns == written
    # A second edit: the changes file holds both, and loading applies it over the whole file.
    current.write_text(current.read_text(encoding="utf-8").replace("catchphrase: 少人数で、", "catchphrase: 少人数の教室で、"), encoding="utf-8")
    cached = project.cached_build()
    assert_identical(cached, project.clean_build())
    assert whole.stat().st_mtime_ns == written
    table = BuildCache(project.cache).load("records", changes=True)
    assert table[display_path(current)][0][0] == hashlib.sha256(current.read_bytes()).hexdigest()
    # A damaged changes file: one notice, the whole file alone, the same output.
    cached = build_over_damaged_changes(project, changes, current, capsys)
    assert "24名" in plain(cached["facilities/current/index.html"])


def test_a_one_record_edit_writes_only_the_changed_search_rows(project, capsys):
    """search-rows.pickle (search/page.py ROWS_CACHE) is written whole once; a one-record edit writes only the
    new and removed rows to search-rows.changes.pickle, which the next build applies over it; a damaged
    changes file is discarded with one line; the output is a clean build's each time."""
    from facility_site.cache import BuildCache
    from facility_site.search.page import ROWS_CACHE

    project.cached_build()
    whole = project.cache / f"{ROWS_CACHE}.pickle"
    changes = project.cache / f"{ROWS_CACHE}.changes.pickle"
    written = whole.stat().st_mtime_ns
    rows = len(BuildCache(project.cache).load(ROWS_CACHE))
    assert rows == len(list(project.records.glob("*.yaml"))) and not changes.exists()
    current = project.record("current")
    current.write_text(current.read_text(encoding="utf-8").replace("catchphrase: 少人数で、", "catchphrase: 少人数の教室で、"), encoding="utf-8")
    assert_identical(project.cached_build(), project.clean_build())
    assert changes.exists() and whole.stat().st_mtime_ns == written
    delta = BuildCache(project.cache)._read(f"{ROWS_CACHE}.changes")[0]
    assert (len(delta["set"]), len(delta["removed"])) == (1, 1)
    # A second edit of the same record: the changes file still holds one row (the first edit's is gone).
    current.write_text(current.read_text(encoding="utf-8").replace("hires_last_year: 10~14名", "hires_last_year: 23"), encoding="utf-8")
    assert_identical(project.cached_build(), project.clean_build())
    assert whole.stat().st_mtime_ns == written
    delta = BuildCache(project.cache)._read(f"{ROWS_CACHE}.changes")[0]
    assert (len(delta["set"]), len(delta["removed"])) == (1, 1)
    assert len(BuildCache(project.cache).load(ROWS_CACHE, changes=True)) == rows
    # A damaged changes file: one notice, the rows of the whole file alone, the same output.
    build_over_damaged_changes(project, changes, current, capsys)


# The per-record tables written as changes beside the whole file after a small edit (BuildCache.save(changes=True)).
CHANGE_TABLES = ("search-rows", "shared-words", "readings")


def _tables(cache) -> dict:
    """Each change table as the next build loads it: the whole file with its changes applied (cache.py)."""
    from facility_site.cache import BuildCache

    loaded = {}
    for name in CHANGE_TABLES:
        table = BuildCache(cache).load(name, changes=True)
        # shared-words' sums over its records: compared by content (the object has no equality of its own).
        tally = table.pop("tally", None)
        if tally is not None:
            table["tally"] = (dict(tally.count), dict(tally.pairs), dict(tally.records))
        # The readings' site-wide counts (furigana/browser.py _Sums), likewise.
        sums = table.pop("sums", None)
        if sums is not None:
            table["sums"] = (dict(sums.units), dict(sums.pairs), sums.site_part, sums.singles)
        if name == "readings":
            for key, value in table.items():
                if isinstance(key, bytes) and key[:1] == b"u":  # each summary pickled on its own: by content
                    table[key] = pickle.loads(value) if isinstance(value, bytes) else value
                elif isinstance(key, bytes) and key[:1] == b"s":  # a file's inode and time are those of its output
                    table[key] = (value[1], value[3])  # its size and digest
        loaded[name] = table
    return loaded


def test_a_one_record_edit_writes_only_the_changed_rows_words_and_readings_beside_their_tables(project, monkeypatch):
    """search-rows, shared-words and readings are written whole once; after a one-record edit only their changed
    entries go to `<name>.changes.pickle` (issue 15: saving them whole cost about 0.4 s of a rebuild at 30,000).
    What the next build loads equals the tables a build with an empty cache makes of the same records, so an
    entry changed in place without being written (shared-words' sums) would show here."""
    project.cached_build()
    written = {name: (project.cache / f"{name}.pickle").stat().st_mtime_ns for name in CHANGE_TABLES}
    assert not any((project.cache / f"{name}.changes.pickle").exists() for name in CHANGE_TABLES)
    current = project.record("current")
    for old, new in (("catchphrase: 少人数で、", "catchphrase: 少人数の教室で、"), ("少人数の教室で、", "少人数の静かな教室で、")):
        text = current.read_text(encoding="utf-8")
        assert old in text
        current.write_text(text.replace(old, new), encoding="utf-8")
        cached = project.cached_build()
        assert_identical(cached, project.clean_build())
        for name in CHANGE_TABLES:
            assert (project.cache / f"{name}.changes.pickle").exists(), name
            assert (project.cache / f"{name}.pickle").stat().st_mtime_ns == written[name], name
        fresh_cache = project.root / f"fresh-cache-{project.clean_runs}"
        LimitFilter._raised_messages.clear()
        assert build(project.settings(fresh_cache, 2), str(project.root / f"fresh-output-{project.clean_runs}")) == 0
        assert _tables(project.cache) == _tables(fresh_cache)
    assert "静かな教室" in plain(cached["facilities/current/index.html"])


def test_a_record_file_with_the_recorded_signature_is_not_read_again(project, monkeypatch):
    """records/reader.py: a file whose size, mtime, ctime and inode are the recorded ones is taken from the cache
    unread; an edit that keeps the size and sets the mtime back still moves the ctime, so it is read again."""
    from facility_site.records import reader

    monkeypatch.setattr(reader, "SETTLED_NS", 0)  # the test's files are seconds old
    project.cached_build()
    reads = []
    digest = reader._file_digest
    monkeypatch.setattr(reader, "_file_digest", lambda path: reads.append(os.path.basename(path)) or digest(path))
    project.cached_build()
    assert reads == []
    current = project.record("current")
    before = current.stat()
    current.write_text(current.read_text(encoding="utf-8").replace("catchphrase: 少人数で、", "catchphrase: 小人数で、"), encoding="utf-8")
    os.utime(current, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (current.stat().st_size, current.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    cached = project.cached_build()
    assert reads == ["current.yaml"]
    assert_identical(cached, project.clean_build())
    assert "小人数で" in plain(cached["facilities/current/index.html"])


def test_make_publish_on_a_cached_build_leaves_the_previous_output_untouched(project):
    """The twins `make publish` writes replace the files an output part linked from the previous output."""
    project.cached_build(precompress=True)
    folder = search_data(project.output)["sort-hires.json"].parent  # its group moves with the 就職人数 edit below
    held = project.root / "held-facets.json.gz"
    os.link(search_data(project.output)["facets.json"].with_suffix(".json.gz"), held)  # the previous output's file, kept past the swap
    stat, data = held.stat(), held.read_bytes()
    current = project.record("current")
    current.write_text(current.read_text(encoding="utf-8").replace("hires_last_year: 10~14名", "hires_last_year: 23"), encoding="utf-8")
    cached = project.cached_build(precompress=True)
    assert held.read_bytes() == data and held.stat().st_mtime_ns == stat.st_mtime_ns
    assert search_data(project.output)["sort-hires.json"].parent != folder
    assert search_data(project.output)["facets.json"].with_suffix(".json.gz").read_bytes() == data
    assert "23名" in plain(cached["facilities/current/index.html"])


def staged_sizes(monkeypatch) -> list[set[str]]:
    """The files each following build put in its staging folder (build.py applies only those)."""
    from facility_site import build as build_module
    from facility_site.staged import regular_files

    seen: list[set[str]] = []
    apply = build_module.apply_staged

    def spy(tree, marker, *args, **kwargs):
        seen.append(set(regular_files(tree.staging)))
        return apply(tree, marker, *args, **kwargs)

    monkeypatch.setattr(build_module, "apply_staged", spy)
    return seen


def test_a_rebuild_stages_only_what_changed_and_updates_the_output_folder_in_place(project, monkeypatch):
    project.cached_build()
    folder = project.output.stat().st_ino
    staged = staged_sizes(monkeypatch)
    current = project.record("current")
    current.write_text(current.read_text(encoding="utf-8").replace("hires_last_year: 10~14名", "hires_last_year: 23"), encoding="utf-8")
    cached = project.cached_build()

    assert project.output.stat().st_ino == folder  # the same folder, updated, not a new one swapped in
    pages = [name for name in cached if name.startswith("facilities/") and name.endswith("/index.html")]
    staged_pages = [name for name in staged[0] if name.startswith("facilities/") and name.endswith("/index.html")]
    assert "facilities/current/index.html" in staged_pages
    assert len(pages) > 80 and len(staged_pages) <= 3  # the edited facility (and the few pages that show it)
    # Outside the search data (which moves to a new search/<hash>/ on this edit): the theme's files,
    # the site-wide pages and the lists that show the record; not the hundreds of unchanged pages.
    outside_search = [name for name in staged[0] if not name.startswith("search/")]
    assert len(outside_search) < len([name for name in cached if not name.startswith("search/")]) / 4
    assert "23名" in plain(cached["facilities/current/index.html"])
    assert_identical(cached, project.clean_build())
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(".")) == []  # no staging folder, no marker


def test_a_build_stopped_while_applying_is_noticed_and_the_next_one_writes_every_file(project, monkeypatch, capsys, caplog):
    from facility_site import build as build_module

    caplog.set_level(logging.DEBUG, logger="facility_site")

    project.cached_build()
    current = project.record("current")
    current.write_text(current.read_text(encoding="utf-8").replace("hires_last_year: 10~14名", "hires_last_year: 23"), encoding="utf-8")
    gone = sorted(p for p in project.records.glob("*.yaml") if p.stem not in {q.stem for q in SAMPLE_FACILITIES.glob("*.yaml")})[0]
    gone.unlink()

    # The process dies after a few files were moved into the output (simulated by an exception).
    move, moved = build_module._move_into_place, []

    def dies_midway(*args):
        if len(moved) == 5:
            raise KeyboardInterrupt
        moved.append(args[1])
        return move(*args)

    monkeypatch.setattr(build_module, "_move_into_place", dies_midway)
    with pytest.raises(KeyboardInterrupt):
        project.cached_build()
    monkeypatch.setattr(build_module, "_move_into_place", move)
    assert (project.root / ".output.applying").is_file() and len(moved) == 5
    capsys.readouterr()

    caplog.clear()
    cached = project.cached_build()
    assert reused_pages(caplog) == 0  # nothing in the half-updated output is trusted
    notices = [line for line in capsys.readouterr().err.splitlines() if "stopped while updating" in line]
    assert notices == [f"facility_site: the last build stopped while updating {project.output}; writing every file again"]
    assert_identical(cached, project.clean_build())  # the deleted record's page is gone, the edit is in
    assert f"facilities/{gone.stem}/index.html" not in cached and "23名" in plain(cached["facilities/current/index.html"])
    assert sorted(p.name for p in project.root.iterdir() if p.name.startswith(".")) == []
    # And the build after that trusts the output again: pages are reused.
    capsys.readouterr()
    caplog.clear()
    assert_identical(project.cached_build(), cached)
    assert "stopped while updating" not in capsys.readouterr().err and reused_pages(caplog) > 300


def test_the_page_manifest_records_the_output_files_and_a_kept_page_changed_since_is_rendered_again(project):
    from facility_site.cache import BuildCache
    from facility_site.pages.reuse import SHARED_WORDS_ENTRY

    project.cached_build()
    current = project.record("current")
    current.write_text(current.read_text(encoding="utf-8").replace("hires_last_year: 10~14名", "hires_last_year: 23"), encoding="utf-8")
    project.cached_build()
    # Kept pages keep the entries checked in this build; rendered ones get their new file's (build.py commit_pages).
    manifest = BuildCache(project.cache).load("pages")
    # Beside the pages: the ふりがな shared words they were made with (pages/reuse.py SHARED_WORDS_ENTRY).
    assert manifest.pop(SHARED_WORDS_ENTRY)[0] == "shared-words"
    assert len(manifest) > 80 and "facilities/current/index.html" in manifest
    for save_as, (_key, inode, size, mtime) in manifest.items():
        stat = os.stat(project.output / save_as)
        assert (stat.st_ino, stat.st_size, stat.st_mtime_ns) == (inode, size, mtime), save_as
    # A kept page overwritten in the output afterwards is not trusted: the next build renders it again.
    other = sorted(name for name in manifest if name.startswith("facilities/") and name != "facilities/current/index.html")[0]
    (project.output / other).write_text("<p>書き換えられたページ</p>", encoding="utf-8")
    assert_identical(project.cached_build(), project.clean_build())


def test_a_rebuild_chooses_its_shared_words_in_a_forked_process_while_the_nearby_offices_are_worked_out(project, monkeypatch):
    """furigana/writer.py: on more than one process a rebuild reads its shared words in a forked process, and the
    build process computes the catalog's nearby offices meanwhile; one process, or a clean build, does neither."""
    from facility_site.furigana import writer
    from facility_site.pages.catalog import Catalog

    events = []

    class Spy(writer.ForkedTask):
        def __init__(self, task, name):
            events.append(("forked", name))
            super().__init__(task, name)

        def result(self):
            events.append(("taken", self.name))
            return super().result()

    prepare_pages = Catalog.prepare_pages

    def spied(self):
        events.append(("nearby", "nearby" in vars(self)))  # not computed before
        prepare_pages(self)

    monkeypatch.setattr(writer, "ForkedTask", Spy)
    monkeypatch.setattr(Catalog, "prepare_pages", spied)
    clean = project.cached_build()
    assert events == []  # a clean build: its shared words are needed before the render workers fork
    current = project.record("current")
    current.write_text(current.read_text(encoding="utf-8").replace("hires_last_year: 10~14名", "hires_last_year: 23"), encoding="utf-8")
    cached = project.cached_build()
    assert events == [("forked", "shared-words"), ("nearby", False), ("taken", "shared-words")]
    assert cached["furigana/words.json"] == clean["furigana/words.json"]
    assert_identical(cached, project.clean_build())
    events.clear()
    monkeypatch.setenv("FACILITY_SITE_WORKERS", "1")
    project.cached_build()
    assert events == []
