"""The importer's YAML writing: same text on both write paths, safe quoting, atomic files."""

from __future__ import annotations

import datetime as dt
import os
import random

import pytest
import yaml
from facility_site.open_data import ImportAbortedError, run_import, yaml_store
from facility_site.open_data.yaml_store import StoredRecord, apply_changes, emit, new_record_text, read_canonical, round_trip_dump
from facility_site.records.reader import load_facilities
from fixtures.opendata import csvdata
from fixtures.opendata.csvdata import CURRENT_MAIN, row, to_csv, write_release
from ruamel.yaml import YAML
from sitebuild import SAMPLE_FACILITIES

DAY = dt.date(2026, 5, 1)
TRICKY = [
    "yes",
    "No",
    "on",
    "OFF",
    "null",
    "~",
    "true",
    "123",
    "0123",
    "1_000",
    "1e3",
    ".5",
    "0o17",
    "0x1F",
    "12:30",
    "2026-11-27",
    ".inf",
    "- item",
    "-",
    "?",
    "a: b",
    "a:b",
    "a #b",
    "#x",
    "x:",
    "'quoted'",
    '"double"',
    "&anchor",
    "*alias",
    "!tag",
    "%directive",
    "@at",
    "`tick",
    "[list]",
    "{map}",
    "a, b",
    "|",
    ">",
    " leading",
    "trailing ",
    "<script>alert(1)</script>",
    "カレント: 新宿",
    "カレント #1",
    "　全角スペース",
    "ーー",
    "<b>みらい</b>",
    "it's",
    "---",
    "...",
]


def read_both(text: str):
    """The document as the site (PyYAML) and as the round-trip writer (ruamel.yaml) read it."""
    return yaml.safe_load(text), YAML(typ="safe", pure=True).load(text)


@pytest.mark.parametrize("value", TRICKY)
def test_tricky_text_reads_back_as_the_same_text(value):
    data = {"name": value, "services": [value], "source": {"values": {"name": value}}}
    text = emit(data)
    assert text is not None
    for document in read_both(text):
        assert document == data
    assert read_canonical(text) == data


@pytest.mark.parametrize(
    "text",
    [
        "name: 0123\n",  # YAML 1.1 octal
        "name: yes\n",  # YAML 1.1 boolean
        "name: 1e3\n",
        "name: 12:30\n",  # YAML 1.1 sexagesimal
        "name: ~\n",
        "# comment\nname: a\n",
        "name: a  # comment\n",
        "name: a\r\n",
        "name: 'a'\n",  # quotes emit() would not write
        "services: [a, b]\n",
        "name: a\n  b\n",
        "name: |\n  a\n",
        "name: &x a\nalias: *x\n",
        "name: a\nname: b\n",
    ],
)
def test_the_fast_reader_leaves_anything_but_emit_layout_to_pyyaml(text):
    assert read_canonical(text) is None


def test_the_fast_reader_never_reads_a_mangled_file_differently_from_pyyaml(tmp_path):
    folder = tmp_path / "facilities"
    run_import(write_release(csvdata.release1(), tmp_path / "csv"), folder, today=DAY)
    texts = [path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())]
    rng = random.Random(6)
    pieces = [" ", "  ", "#", ": ", ":", "-", "- ", "'", "''", "\n", "\n\n", "\t", "yes", "0", "1.5", "~", "[", "{", "&a", "*a", "!", "2026-13-01"]
    accepted = 0
    for _ in range(3000):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            action = rng.random()
            if action < 0.5:
                text = text[:at] + rng.choice(pieces) + text[at:]
            elif action < 0.8:
                text = text[:at] + text[at + rng.randint(1, 4) :]
            else:
                lines = text.split("\n")
                i = rng.randrange(len(lines))
                lines.insert(i, lines[i])
                text = "\n".join(lines)
        fast = read_canonical(text)
        if fast is None:
            continue
        accepted += 1
        assert fast == yaml.safe_load(text), text
    assert accepted > 100  # the mutations did produce files the fast reader accepted and had to get right


def test_the_fast_reader_reads_imported_records_as_pyyaml_does(tmp_path):
    folder = tmp_path / "facilities"
    run_import(write_release(csvdata.release1(), tmp_path / "csv"), folder, today=DAY)
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8")
        assert read_canonical(text) == yaml.safe_load(text), path.name


@pytest.mark.parametrize("value", TRICKY)
def test_tricky_text_written_into_a_commented_file_reads_back_the_same(value):
    record = StoredRecord("x", SAMPLE_FACILITIES / "current.yaml", "# comment\nname: old\ncapacity: 3\n", {"name": "old", "capacity": 3})
    text = apply_changes(record, [(("name",), value), (("url",), value)])
    assert text.startswith("# comment\n")
    for document in read_both(text):
        assert document == {"name": value, "capacity": 3, "url": value}


def test_values_emit_cannot_write_fall_back_to_the_round_trip_writer():
    data = {"name": "カレント", "description": "一行目\n二行目\n", "capacity": 1}
    assert emit(data) is None
    text = new_record_text(data)
    assert yaml.safe_load(text) == data


def test_a_value_that_would_read_back_differently_is_refused():
    # YAML 1.2 writes 1e-05 plainly; PyYAML (YAML 1.1) would read it back as text.
    with pytest.raises(RuntimeError, match="cannot be written so that it reads back the same"):
        new_record_text({"name": "x", "location": {"lat": 1e-05, "lng": 139.0}})


def test_emit_writes_what_the_round_trip_writer_writes(tmp_path):
    """A file moving from the fast path to the round-trip path does not churn."""
    folder = tmp_path / "facilities"
    run_import(write_release(csvdata.release1(), tmp_path / "csv"), folder, today=DAY)
    round_trip = YAML(typ="rt")
    documents = [path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())]
    # The sample records as data (block style, no comments) too: lists of mappings, floats, dates.
    for path in sorted(SAMPLE_FACILITIES.iterdir()):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.pop("description", None)  # multi-line text is left to ruamel.yaml on purpose
        documents.append(emit(data))
    assert len(documents) == 11
    for text in documents:
        assert text is not None
        assert round_trip_dump(round_trip.load(text)) == text


def test_no_anchors_even_when_one_value_is_used_twice(tmp_path):
    record = StoredRecord("x", tmp_path / "x.yaml", "# c\nname: a\n", {"name": "a"})
    shared = [1, 2]
    text = apply_changes(record, [(("updated",), DAY), (("source", "imported"), DAY), (("a",), shared), (("b",), shared)])
    assert "&" not in text and "*" not in text


def test_a_flow_list_stays_a_flow_list(tmp_path):
    text = "# c\nname: a\nservices: [就労移行支援]\n"
    record = StoredRecord("x", tmp_path / "x.yaml", text, yaml.safe_load(text))
    assert apply_changes(record, [(("services",), ["就労移行支援", "就労定着支援"])]) == "# c\nname: a\nservices: [就労移行支援, 就労定着支援]\n"


# --- atomic writes ----------------------------------------------------------------


def test_an_interrupted_import_leaves_every_file_whole_and_a_rerun_finishes(tmp_path, monkeypatch):
    folder = tmp_path / "facilities"
    run_import(write_release(csvdata.release1(), tmp_path / "r1"), folder, today=DAY)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    release2 = write_release(csvdata.release2(), tmp_path / "r2")

    # What an uninterrupted import produces, in a copy.
    reference = tmp_path / "reference"
    reference.mkdir()
    for name, data in before.items():
        (reference / name).write_bytes(data)
    run_import(release2, reference, today=dt.date(2026, 11, 27))
    after = {p.name: p.read_bytes() for p in reference.iterdir()}

    real_replace = os.replace
    calls = []

    def interrupted_replace(source, target):
        calls.append(target)
        if len(calls) == 3:
            raise KeyboardInterrupt  # Ctrl+C between writing a temporary file and renaming it
        real_replace(source, target)

    monkeypatch.setattr(yaml_store.os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        run_import(release2, folder, today=dt.date(2026, 11, 27))
    monkeypatch.setattr(yaml_store.os, "replace", real_replace)

    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")], "a temporary file was left behind"
    for path in folder.iterdir():
        assert path.read_bytes() in (before.get(path.name), after.get(path.name)), path.name
    assert sum(path.read_bytes() == after[path.name] and path.read_bytes() != before.get(path.name) for path in folder.iterdir()) == 2
    load_facilities(folder)  # the half-done folder still builds

    run_import(release2, folder, today=dt.date(2026, 11, 27))
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == after


def test_a_failure_while_writing_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "x.yaml"
    target.write_text("name: old\n", encoding="utf-8")

    def refused(path, mode):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(yaml_store.os, "chmod", refused)  # fails after the temporary file is written
    with pytest.raises(OSError):
        yaml_store.write_atomic(target, "name: new\n")
    assert target.read_text(encoding="utf-8") == "name: old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.yaml"]


def test_written_files_keep_their_permissions(tmp_path):
    target = tmp_path / "x.yaml"
    target.write_text("name: old\n", encoding="utf-8")
    target.chmod(0o640)
    yaml_store.write_atomic(target, "name: new\n")
    assert target.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "y.yaml"
    yaml_store.write_atomic(fresh, "name: new\n")
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask


def test_an_unreadable_record_stops_the_import_before_anything_is_written(tmp_path):
    folder = tmp_path / "facilities"
    folder.mkdir()
    (folder / "broken.yaml").write_text("name: [unclosed\ncapacity: 3\n", encoding="utf-8")
    (folder / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    (tmp_path / "a.csv").write_text(to_csv([row(service="60", **CURRENT_MAIN)]), encoding="utf-8")
    with pytest.raises(ImportAbortedError) as caught:
        run_import([tmp_path / "a.csv"], folder, today=DAY)
    shown = [f"{p.path.rsplit('/', 1)[-1]}:{p.line}: {p.field}" for p in caught.value.problems]
    assert shown == ["broken.yaml:2: yaml", "latin1.yaml:1: encoding"]
    assert sorted(p.name for p in folder.iterdir()) == ["broken.yaml", "latin1.yaml"]


def test_no_implicit_type_starts_outside_ascii():
    """plain_is_safe() skips the resolvers for text starting with, say, a kana; this is why that is right."""
    pyyaml_keys = set(yaml.resolver.Resolver.yaml_implicit_resolvers)
    ruamel_keys = set(YAML().resolver.versioned_resolver)
    for keys in (pyyaml_keys, ruamel_keys):
        assert keys and all(key is not None and key.isascii() for key in keys)
