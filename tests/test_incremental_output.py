"""A second build into the same output: unchanged files keep their timestamps, a deleted record's output is gone."""

from __future__ import annotations

import os
import shutil
import time

import pytest
from facility_site import build as build_module
from facility_site import output_folders
from facility_site.build import build
from sitebuild import ROOT, SAMPLE_CONTENT, SAMPLE_FACILITIES, facility_data, page

OLD = 1_000_000_000  # a timestamp no build writes: a file that still has it was not rewritten


def age_everything(folder):
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (OLD, OLD))


def every_text(site) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(site.rglob("*")) if p.is_file())


@pytest.fixture()
def folders(tmp_path, monkeypatch):
    records = tmp_path / "records"
    shutil.copytree(SAMPLE_FACILITIES, records)
    # An extra office the sample article does not embed, so it can be deleted.
    text = (SAMPLE_FACILITIES / "current.yaml").read_text(encoding="utf-8")
    (records / "extra-office.yaml").write_text(text.replace("name: カレント", "name: 削除される事業所"), encoding="utf-8")
    monkeypatch.setenv("FACILITIES", str(records))
    monkeypatch.setenv("CONTENT", str(SAMPLE_CONTENT))
    monkeypatch.chdir(ROOT)
    return records, tmp_path / "output"


def test_unchanged_files_keep_their_timestamps_and_stale_output_is_removed(folders, capsys):
    records, output = folders
    assert build("pelicanconf.py", str(output)) == 0
    assert "削除される事業所" in every_text(output)
    age_everything(output)
    capsys.readouterr()

    current = records / "current.yaml"
    current.write_text(current.read_text(encoding="utf-8").replace("hires_last_year: 10~14名", "hires_last_year: 23"), encoding="utf-8")
    (records / "extra-office.yaml").unlink()
    assert build("pelicanconf.py", str(output)) == 0

    changed = output / "facilities" / "current" / "index.html"
    untouched = output / "facilities" / "coco-color" / "index.html"
    assert changed.stat().st_mtime != OLD and "23名" in page(output, "facilities/current/").get_text()
    assert untouched.stat().st_mtime == OLD
    assert (output / "404.html").stat().st_mtime == OLD
    # The deleted office: its page, its data entry, and every mention in lists, search data and sitemap.
    assert not (output / "facilities" / "extra-office").exists()
    assert "extra-office" not in facility_data(output)
    assert "削除される事業所" not in every_text(output) and "extra-office" not in every_text(output)
    assert "facilities/extra-office/" not in (output / "sitemap.xml").read_text(encoding="utf-8")
    cards = page(output, "pref/tokyo/").select("article.card")
    assert [card["data-facility-id"] for card in cards] == ["current"]  # the deleted copy was in 東京都 too
    summary = capsys.readouterr().out
    assert "unchanged (timestamps kept)" in summary and " 0 removed" not in summary


def test_a_failed_build_after_a_good_one_changes_no_timestamp(folders):
    records, output = folders
    assert build("pelicanconf.py", str(output)) == 0
    age_everything(output)
    (records / "current.yaml").write_text("name: [broken\n", encoding="utf-8")
    assert build("pelicanconf.py", str(output)) == 1
    assert {p.stat().st_mtime for p in output.rglob("*") if p.is_file()} == {OLD}


def test_a_rebuild_removes_every_stray_file_link_and_folder_but_keeps_what_it_built(folders, tmp_path):
    _records, output = folders
    assert build("pelicanconf.py", str(output)) == 0
    built = sorted(str(p.relative_to(output)) for p in output.rglob("*"))
    outside = tmp_path / "outside"
    (outside / "inside").mkdir(parents=True)
    (outside / "inside" / "keep.txt").write_text("not the build's", encoding="utf-8")
    (output / "stray.html").write_text("stray", encoding="utf-8")
    (output / "facilities" / "current" / "stray.txt").write_text("stray", encoding="utf-8")  # beside a built page
    (output / "old" / "deep" / "deeper").mkdir(parents=True)
    (output / "old" / "deep" / "deeper" / "page.html").write_text("stray", encoding="utf-8")
    (output / "old" / "empty").mkdir()
    (output / "pref" / "empty-folder").mkdir()
    (output / "linked-folder").symlink_to(outside, target_is_directory=True)
    (output / "facilities" / "linked-file.html").symlink_to(outside / "inside" / "keep.txt")
    (output / "broken-link").symlink_to(tmp_path / "missing")

    assert build("pelicanconf.py", str(output)) == 0

    assert sorted(str(p.relative_to(output)) for p in output.rglob("*")) == built
    assert not any(p.is_symlink() for p in output.rglob("*"))
    assert (outside / "inside" / "keep.txt").read_text(encoding="utf-8") == "not the build's"  # links removed, not followed
    assert "カレント" in page(output, "facilities/current/").get_text()


def test_a_rebuild_lists_only_the_folders_changed_since_the_last_apply_and_still_removes_what_an_operator_dropped(folders, tmp_path, monkeypatch):
    """output_folders.py: the build cache's snapshot of the output's folders spares a rebuild listing all of them;
    a file or folder dropped into one since changes that folder's change time, so it is still listed and cleaned."""
    _records, output = folders
    monkeypatch.setenv("FACILITY_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(output_folders, "RACY_NS", 0)  # only the change times tell: no folder is listed for being recent
    assert build("pelicanconf.py", str(output)) == 0
    assert build("pelicanconf.py", str(output)) == 0  # the snapshot of a rebuild's apply, as the next rebuild finds it
    built = sorted(str(p.relative_to(output)) for p in output.rglob("*"))
    folder_count = sum(1 for p in output.rglob("*") if p.is_dir())
    time.sleep(0.05)  # past the file system's clock tick of the last apply
    (output / "stray.html").write_text("stray", encoding="utf-8")
    (output / "facilities" / "coco-color" / "stray.txt").write_text("stray", encoding="utf-8")  # a folder no build touched since
    (output / "pref" / "new-folder" / "deeper").mkdir(parents=True)
    (output / "pref" / "new-folder" / "deeper" / "page.html").write_text("stray", encoding="utf-8")

    listed = []  # the output's folders the apply lists
    scandir, apply_staged = os.scandir, build_module.apply_staged

    def counting(path="."):
        if isinstance(path, (str, os.PathLike)) and os.fspath(path).startswith(str(output)):
            listed.append(os.fspath(path).rstrip("/"))
        return scandir(path)

    def counted_apply(*args, **kwargs):
        monkeypatch.setattr(os, "scandir", counting)
        try:
            return apply_staged(*args, **kwargs)
        finally:
            monkeypatch.setattr(os, "scandir", scandir)

    monkeypatch.setattr(build_module, "apply_staged", counted_apply)
    assert build("pelicanconf.py", str(output)) == 0

    assert sorted(str(p.relative_to(output)) for p in output.rglob("*")) == built
    assert str(output / "facilities" / "coco-color") in listed  # changed since the snapshot: listed
    assert len(listed) < folder_count / 2, (len(listed), folder_count)  # the rest only checked by their change time
