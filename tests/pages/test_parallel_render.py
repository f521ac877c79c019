"""Pages rendered in several processes are byte-identical to a serial build, and a failing worker fails the build."""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import time

import pytest
from facility_site.pages import output
from facility_site.pages.parallel import RenderError, run_forked, worker_count
from sitebuild import ROOT, SAMPLE_CONTENT, build_site, synthetic_with_samples


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    """120 synthetic records plus the sample ones (the sample article embeds those)."""
    return synthetic_with_samples(tmp_path_factory.mktemp("parallel") / "records", 120, seed=5)


@pytest.fixture(autouse=True)
def unfrozen():
    """run_forked freezes the parent's objects until the build ends (collector.py); these tests call it outside a build."""
    yield
    gc.unfreeze()


def files(site):
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def test_parallel_build_is_byte_identical_to_the_serial_one(records, tmp_path, caplog, monkeypatch):
    monkeypatch.delenv("FACILITY_SITE_WORKERS", raising=False)
    serial = files(build_site(tmp_path / "serial", facilities=records, content=SAMPLE_CONTENT, render_workers=1))
    with caplog.at_level(logging.DEBUG, logger="facility_site.pages.parallel"):
        parallel = files(build_site(tmp_path / "parallel", facilities=records, content=SAMPLE_CONTENT, render_workers=3))
    assert "facility_site: rendered" in caplog.text and "pages in 3 processes" in caplog.text
    assert len(serial) > 400
    assert serial.keys() == parallel.keys()
    assert [name for name in serial if serial[name] != parallel[name]] == []
    sitemap = parallel["sitemap.xml"].decode("utf-8")
    assert sitemap.count("<url>") > 300 and "/facilities/current/" in sitemap


def test_a_page_that_fails_in_a_worker_fails_the_build(records, tmp_path, monkeypatch):
    real = output.SiteOutput._render_page

    def broken(self, job):
        if job.url == "facilities/current/":
            raise ValueError("template exploded")
        return real(self, job)

    monkeypatch.setattr(output.SiteOutput, "_render_page", broken)
    with pytest.raises(RenderError, match="template exploded"):
        build_site(tmp_path / "out", facilities=records, content=SAMPLE_CONTENT, render_workers=2)


def test_worker_count_setting_and_environment(monkeypatch):
    monkeypatch.delenv("FACILITY_SITE_WORKERS", raising=False)
    assert worker_count(None, 10) == 1  # a small site is not worth a fork
    assert worker_count(3, 10) == 3
    monkeypatch.setenv("FACILITY_SITE_WORKERS", "1")
    assert worker_count(4, 100_000) == 1
    monkeypatch.setenv("FACILITY_SITE_WORKERS", "many")
    with pytest.raises(RenderError, match="FACILITY_SITE_WORKERS must be a whole number"):
        worker_count(None, 10)


def test_records_parsed_in_workers_report_the_same_problems():
    from facility_site.errors import RecordError
    from facility_site.pages.parallel import map_in_processes
    from facility_site.records.reader import load_facilities

    broken = ROOT / "tests" / "fixtures" / "records" / "broken"
    with pytest.raises(RecordError) as serial:
        load_facilities(broken)
    with pytest.raises(RecordError) as parallel:
        load_facilities(broken, map_files=lambda function, paths: map_in_processes(function, paths, 3))
    assert len(serial.value.problems) > 10
    assert str(parallel.value) == str(serial.value)


def test_map_in_processes_keeps_the_order_and_names_a_failing_worker():
    from facility_site.pages.parallel import map_in_processes

    assert map_in_processes(lambda n: n * n, list(range(11)), 3) == [n * n for n in range(11)]

    def fails_on_seven(n):
        if n == 7:
            raise ValueError("seven is bad")
        return n

    with pytest.raises(RenderError, match=r"map worker 1: ValueError: seven is bad"):
        map_in_processes(fails_on_seven, list(range(11)), 3)


def test_an_error_logged_in_a_map_worker_fails_like_one_logged_while_rendering():
    from facility_site.pages.parallel import map_in_processes

    def logs_an_error(n):
        if n == 2:
            logging.getLogger("facility_site.test").error("bad item %d", n)
        return n

    with pytest.raises(RenderError, match=r"map worker 0: 1 error\(s\) logged above"):
        map_in_processes(logs_an_error, [0, 1, 2, 3], 2)


def _wrap_search_output(monkeypatch, during):
    """Run during(site) inside the search part (while a clean build's facility pages render elsewhere)."""
    from facility_site import plugin
    from facility_site.search.page import write_search_output

    def wrapped(site):
        during(site)
        return write_search_output(site)

    parts = tuple(wrapped if part is write_search_output else part for part in plugin.SiteGenerator.output_parts)
    assert wrapped in parts
    monkeypatch.setattr(plugin.SiteGenerator, "output_parts", parts)


def test_facility_pages_render_while_the_search_output_is_written(records, tmp_path, monkeypatch):
    """The overlap itself: a facility page is written by a worker before the search part has even begun
    its own work. Rendering every page after the parts (the order before) never writes one here."""
    monkeypatch.delenv("FACILITY_SITE_WORKERS", raising=False)
    seen = []

    def wait_for_a_facility_page(site):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not seen:
            seen.extend(sorted((site.output_path / "facilities").glob("*/index.html"))[:1])
            time.sleep(0.05)

    _wrap_search_output(monkeypatch, wait_for_a_facility_page)
    site = build_site(tmp_path / "out", facilities=records, content=SAMPLE_CONTENT, render_workers=2)
    assert seen, "no facility page was rendered while the search output was being written"
    assert len(list((site / "facilities").glob("*/index.html"))) > 120
    assert multiprocessing.active_children() == []


def test_a_failure_in_the_build_process_stops_the_workers(records, tmp_path, monkeypatch):
    """A part that fails while the pages render ends the workers: none is left writing into the output."""
    monkeypatch.delenv("FACILITY_SITE_WORKERS", raising=False)
    workers = []

    def fail(site):
        workers.extend(multiprocessing.active_children())
        raise ValueError("search part exploded")

    _wrap_search_output(monkeypatch, fail)
    with pytest.raises(ValueError, match="search part exploded"):
        build_site(tmp_path / "out", facilities=records, content=SAMPLE_CONTENT, render_workers=2)
    assert [process.name for process in workers] and all(process.name.startswith("facility-render-") for process in workers)
    assert multiprocessing.active_children() == []
    assert all(process.exitcode is not None for process in workers)  # ended and reaped, not orphaned
    before = files(tmp_path / "out")
    time.sleep(0.5)
    assert files(tmp_path / "out") == before


def test_a_rebuild_renders_only_after_the_parts(records, tmp_path, monkeypatch):
    """Workers start early only when every page is rendered: a cached rebuild first finds the pages an edit reaches."""
    from facility_site.build import build
    from facility_site.pages import parallel
    from sitebuild import write_settings

    monkeypatch.delenv("FACILITY_SITE_WORKERS", raising=False)
    started = []
    real = parallel.BackgroundRender.__init__

    def counted(self, jobs, render, workers):
        started.append(len(jobs))
        real(self, jobs, render, workers)

    monkeypatch.setattr(parallel.BackgroundRender, "__init__", counted)
    conf = write_settings(tmp_path / "conf.py", SAMPLE_CONTENT, records, tmp_path / "cache", render_workers=2)
    assert build(conf, str(tmp_path / "out")) == 0
    assert len(started) == 1 and started[0] > 120  # the clean build: facility pages and lists
    assert build(conf, str(tmp_path / "out")) == 0
    assert len(started) == 1
def test_workers_start_with_the_parents_objects_frozen():
    """Frozen before the fork, what a worker inherits is not walked by its collections (collector.py)."""
    made_before = [object()]  # a container the collector tracks, made in the parent
    assert gc.is_tracked(made_before)

    def look(first):
        return gc.get_freeze_count(), any(obj is made_before for obj in gc.get_objects())

    for frozen, walked in run_forked(look, 2, "look"):
        assert frozen > 0
        assert not walked
    assert gc.get_freeze_count() > 0  # and the parent keeps it so, to the end of the build


def test_a_build_renders_in_workers_with_its_records_frozen_and_unfreezes_at_the_end(records, tmp_path, monkeypatch):
    """A real build with two render workers: in each, the catalog's records are frozen, not in a generation the
    worker's collections walk; the parent unfreezes when the build ends (tests/sitebuild.py, as build.py does)."""
    from facility_site.records.model import Facility

    parent = os.getpid()
    seen = tmp_path / "seen"
    seen.mkdir()
    render = output.SiteOutput._render_page

    def spy(self, job):
        mark = seen / str(os.getpid())
        if os.getpid() != parent and not mark.exists():
            walked = sum(isinstance(obj, Facility) for obj in gc.get_objects())
            mark.write_text(f"{gc.get_freeze_count()} {walked} {len(self.catalog.facilities)}")
        render(self, job)

    monkeypatch.setattr(output.SiteOutput, "_render_page", spy)
    build_site(tmp_path / "out", facilities=records, content=SAMPLE_CONTENT, render_workers=2)
    marks = [path.read_text().split() for path in seen.iterdir()]
    # Two render processes in a clean build: one forked worker and the build process (output.BUILD_PROCESS_SHARE).
    assert len(marks) == 2 - output.BUILD_PROCESS_SHARE
    for frozen, walked, facilities in marks:
        assert int(facilities) > 120
        assert int(frozen) > int(facilities)
        assert walked == "0"
    assert gc.get_freeze_count() == 0
