"""A clean build computes ふりがな's readings files while a forked worker still renders pages.

- The overlap itself: the readings are read while the render worker is alive (before, only after every
  page was rendered and the worker had exited).
- What the early readings read may change afterwards: a static .json of the operator's (Pelican copies
  `content/images/` after the facility pages) holds text too. The finished site's inputs are read again
  and the readings computed again when they differ, so the files are those of a serial build.
- A readings stage that fails while the worker renders ends the worker and leaves the old output as it was.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time

import pytest
from facility_site.furigana import browser
from facility_site.furigana.browser import early_readings, readings_files, write_readings
from facility_site.furigana.reading import Furigana
from facility_site.pages import output
from sitebuild import ROOT, SAMPLE_CONTENT, build_site, synthetic_with_samples, write_settings

THEME_JS = ROOT / "theme" / "static" / "js"
# Kanji no record has: their chunks come from the operator's static file only.
STATIC_TEXT = "鳳凰台の麒麟像"


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    return synthetic_with_samples(tmp_path_factory.mktemp("early-readings") / "records", 120, seed=7)


@pytest.fixture(autouse=True)
def no_worker_override(monkeypatch):
    monkeypatch.delenv("FACILITY_SITE_WORKERS", raising=False)


def files(site):
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def _render_workers_alive() -> bool:
    return any(process.name.startswith("facility-render-") and process.is_alive() for process in multiprocessing.active_children())


def _hold_the_worker(monkeypatch, until):
    """Render workers wait before their first page until the file `until` exists (20 s at most)."""
    parent = os.getpid()
    render = output.SiteOutput._render_page

    def held(self, job):
        deadline = time.monotonic() + 20
        while os.getpid() != parent and not until.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        render(self, job)

    monkeypatch.setattr(output.SiteOutput, "_render_page", held)


def test_the_readings_are_read_while_a_worker_renders(records, tmp_path, monkeypatch):
    """The worker holds its first page until the readings are read (20 s at most): they must be read
    while it is alive. Reading them after every page (the order before) finds no worker left."""
    go = tmp_path / "readings-read"
    _hold_the_worker(monkeypatch, go)
    read = browser.readings_files
    seen = []

    def spied(*args, **kwargs):
        seen.append(_render_workers_alive())
        go.touch()
        return read(*args, **kwargs)

    monkeypatch.setattr(browser, "readings_files", spied)
    site = build_site(tmp_path / "out", facilities=records, content=SAMPLE_CONTENT, render_workers=2)
    assert seen == [True], "the readings were not read while the render worker was running"
    assert (site / "furigana" / "readings.json").is_file()
    assert multiprocessing.active_children() == []


def _content_with_static_json(folder):
    content = folder / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    (content / "images").mkdir(exist_ok=True)
    (content / "images" / "notes.json").write_text(json.dumps({"note": STATIC_TEXT}, ensure_ascii=False), encoding="utf-8")
    return content


def test_a_static_json_copied_after_the_early_readings_is_read_as_in_a_serial_build(records, tmp_path):
    content = _content_with_static_json(tmp_path)
    serial = files(build_site(tmp_path / "serial", facilities=records, content=content, render_workers=1))
    early = files(build_site(tmp_path / "early", facilities=records, content=content, render_workers=2))
    assert "images/notes.json" in early
    entries = json.loads(early["furigana/readings.json"])
    assert any("鳳凰" in entry for entry in entries) and any("麒麟" in entry for entry in entries)
    assert serial.keys() == early.keys()
    assert [name for name in serial if serial[name] != early[name]] == []


def test_early_readings_are_computed_again_when_the_site_changed(tmp_path):
    """write_readings with early readings: their files when the site is the same; else computed again (from the
    early memo), the same as computing them from scratch, after a data file changed and one came."""
    site = build_site(tmp_path / "site", cache_path=None)
    same = tmp_path / "same"
    shutil.copytree(site, same)
    early = early_readings(same, THEME_JS, Furigana())
    shutil.rmtree(same / "furigana")
    write_readings(same, THEME_JS, Furigana(), early=early)
    assert {path: (same / path).read_bytes() for path in early.files} == early.files

    changed = tmp_path / "changed"
    shutil.copytree(site, changed)
    early = early_readings(changed, THEME_JS, Furigana())
    chunk = changed / "facility-data" / "0.json"
    chunk.write_text(json.dumps({"鳳凰": json.loads(chunk.read_text(encoding="utf-8"))}, ensure_ascii=False), encoding="utf-8")
    (changed / "images").mkdir(exist_ok=True)
    (changed / "images" / "notes.json").write_text(json.dumps([STATIC_TEXT], ensure_ascii=False), encoding="utf-8")
    write_readings(changed, THEME_JS, Furigana(), early=early)
    fresh = readings_files(changed, THEME_JS, Furigana())
    assert fresh != early.files
    assert {path: (changed / path).read_bytes() for path in fresh} == fresh
    assert any("麒麟" in entry for entry in json.loads(fresh["furigana/readings.json"]))


def test_a_readings_stage_that_fails_while_a_worker_renders_stops_it_and_keeps_the_old_output(records, tmp_path, monkeypatch):
    from facility_site.build import build

    conf = write_settings(tmp_path / "conf.py", SAMPLE_CONTENT, records, tmp_path / "cache", render_workers=2)
    assert build(conf, str(tmp_path / "out")) == 0
    before = files(tmp_path / "out")
    shutil.rmtree(tmp_path / "cache")  # a clean build again (its pages render in a worker from the start)
    go = tmp_path / "readings-failed"
    _hold_the_worker(monkeypatch, go)
    workers = []

    def fail(*args, **kwargs):
        workers.extend(process for process in multiprocessing.active_children() if process.is_alive())
        go.touch()
        raise ValueError("readings exploded")

    monkeypatch.setattr(browser, "readings_files", fail)
    assert build(conf, str(tmp_path / "out")) == 1
    assert workers and all(process.name.startswith("facility-render-") for process in workers)
    assert multiprocessing.active_children() == []
    assert all(process.exitcode is not None for process in workers)  # ended and reaped, not left writing
    time.sleep(0.5)
    assert files(tmp_path / "out") == before
    assert not list(tmp_path.glob(".out.staging-*"))
