"""A cached rebuild on two cores works out the search data and half of the page keys in forked processes.

SiteOutput.start_parts forks the search part's data half while the core pages are queued; SiteOutput._decide_pages
forks the second half of the page keys. The rebuild's output is byte-identical to a one-process rebuild's, what the
forked processes log reaches the build's log, and a failure in either process, or in the build process while they
run, fails the build, ends them and leaves the previous output as it was.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import time

import pytest
from facility_site.build import build
from facility_site.pages import generator, parallel, sitemap
from facility_site.search import page as search_page
from pelican.log import LimitFilter
from sitebuild import SAMPLE_CONTENT, synthetic_with_samples, write_settings


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """120 synthetic records plus the sample ones (the sample article embeds those)."""
    return synthetic_with_samples(tmp_path_factory.mktemp("rebuild") / "records", 120, seed=7)


@pytest.fixture
def records(synthetic, tmp_path, monkeypatch):
    monkeypatch.delenv("FACILITY_SITE_WORKERS", raising=False)
    LimitFilter._raised_messages.clear()  # Pelican drops a message it has logged before; these counts are each build's
    return shutil.copytree(synthetic, tmp_path / "records")


def files(site) -> dict[str, tuple[bytes, int]]:
    return {path.relative_to(site).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns) for path in sorted(site.rglob("*")) if path.is_file()}


def edit_catchphrase(records) -> None:
    """Append to the first record's catchphrase: its page, its lists and the search data change."""
    path = sorted(records.glob("*.yaml"))[0]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("catchphrase: "))
    lines[at] = lines[at].rstrip("\n") + "（編集）\n"
    path.write_text("".join(lines), encoding="utf-8")


def forked(monkeypatch) -> list[str]:
    """The name of every group of processes the build forks from now on (parallel._start)."""
    names: list[str] = []
    real = parallel._start

    def recording(task, workers, name):
        names.append(name)
        return real(task, workers, name)

    monkeypatch.setattr(parallel, "_start", recording)
    return names


def settings(tmp_path, records, name: str, workers: int) -> str:
    return write_settings(tmp_path / f"conf-{name}.py", SAMPLE_CONTENT, records, tmp_path / f"cache-{name}", render_workers=workers)


def queue_order(monkeypatch) -> list[list[str]]:
    """Each build's page URLs in queue order, as the sitemap gets them (pages/sitemap.py queue_site_pages)."""
    builds: list[list[str]] = []
    real = sitemap.queue_site_pages

    def recording(pages):
        builds.append([url for url, _date in pages])
        return real(pages)

    monkeypatch.setattr(sitemap, "queue_site_pages", recording)
    return builds


def slow_search_data(monkeypatch, seconds: float) -> None:
    real = search_page.search_files

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(search_page, "search_files", slow)


def test_a_rebuild_forks_the_search_data_and_half_the_page_keys_with_the_output_of_one_process(records, tmp_path, monkeypatch, caplog):
    two, one = settings(tmp_path, records, "two", 2), settings(tmp_path, records, "one", 1)
    assert build(two, str(tmp_path / "two")) == 0
    assert build(one, str(tmp_path / "one")) == 0
    edit_catchphrase(records)
    # The search data done before the build process reaches it: no page key is worked out while it runs.
    monkeypatch.setattr(parallel.ForkedTask, "ready", lambda self: True)
    names = forked(monkeypatch)
    caplog.set_level(logging.DEBUG, logger="facility_site")
    assert build(two, str(tmp_path / "two")) == 0
    # The shared words (beside the nearby offices, furigana/writer.py), the search data, half the page keys;
    # then the edited pages render ("render").
    assert names[:3] == ["shared-words", "write_search_data", "page-keys"]
    forked_two = len(names)
    # Logged in the forked process, handed to the build's log: one record's search row made again.
    assert any("1 of " in message and "search rows computed again" in message for message in caplog.messages)
    assert build(one, str(tmp_path / "one")) == 0
    assert len(names) == forked_two  # one process: nothing forked
    two_files, one_files = files(tmp_path / "two"), files(tmp_path / "one")
    assert len(two_files) > 400
    assert two_files.keys() == one_files.keys()
    assert [path for path in two_files if two_files[path][0] != one_files[path][0]] == []
    assert multiprocessing.active_children() == []


def test_a_search_data_half_that_fails_fails_the_rebuild_and_leaves_the_output(records, tmp_path, monkeypatch, capsys):
    conf = settings(tmp_path, records, "two", 2)
    assert build(conf, str(tmp_path / "out")) == 0
    before = files(tmp_path / "out")
    edit_catchphrase(records)

    def exploded(*args, **kwargs):
        raise ValueError("search data exploded")

    monkeypatch.setattr(search_page, "search_files", exploded)
    names = forked(monkeypatch)
    assert build(conf, str(tmp_path / "out")) == 1
    assert names == ["shared-words", "write_search_data"]  # the shared words taken before the search data failed
    assert "build failed: ValueError: search data exploded" in capsys.readouterr().err  # raised here as itself
    assert multiprocessing.active_children() == []
    assert files(tmp_path / "out") == before


def test_a_failure_in_the_build_process_ends_the_search_data_process(records, tmp_path, monkeypatch):
    conf = settings(tmp_path, records, "two", 2)
    assert build(conf, str(tmp_path / "out")) == 0
    before = files(tmp_path / "out")
    edit_catchphrase(records)
    real = search_page.search_files

    def slow(*args, **kwargs):
        time.sleep(3)
        return real(*args, **kwargs)

    running = []

    def fail(site):
        running.extend(process.name for process in multiprocessing.active_children())
        raise ValueError("core pages exploded")

    monkeypatch.setattr(search_page, "search_files", slow)
    monkeypatch.setattr(generator, "write_core_pages", fail)
    assert build(conf, str(tmp_path / "out")) == 1
    assert running == ["facility-write_search_data-0"]
    assert multiprocessing.active_children() == []
    time.sleep(4)  # what the stopped process would have written by now
    assert files(tmp_path / "out") == before
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".out.staging-")] == []


def test_a_page_keys_half_that_fails_fails_the_rebuild_and_leaves_the_output(records, tmp_path, monkeypatch, capsys):
    from facility_site.pages.reuse import PageReuse

    conf = settings(tmp_path, records, "two", 2)
    assert build(conf, str(tmp_path / "out")) == 0
    before = files(tmp_path / "out")
    edit_catchphrase(records)
    parent = os.getpid()
    real = PageReuse.page_key

    def exploded_elsewhere(self, template, variables):
        if os.getpid() != parent:
            raise ValueError("page key exploded")
        return real(self, template, variables)

    monkeypatch.setattr(PageReuse, "page_key", exploded_elsewhere)
    monkeypatch.setattr(parallel.ForkedTask, "ready", lambda self: True)  # no key is worked out while the search data runs
    assert build(conf, str(tmp_path / "out")) == 1
    assert "page key exploded" in capsys.readouterr().err
    assert multiprocessing.active_children() == []
    assert files(tmp_path / "out") == before


def test_while_the_search_data_runs_the_build_process_works_out_the_page_keys_and_queues_its_pages_in_place(records, tmp_path, monkeypatch, caplog):
    two, one = settings(tmp_path, records, "two", 2), settings(tmp_path, records, "one", 1)
    assert build(two, str(tmp_path / "two")) == 0
    assert build(one, str(tmp_path / "one")) == 0
    edit_catchphrase(records)
    slow_search_data(monkeypatch, 2)
    names = forked(monkeypatch)
    order = queue_order(monkeypatch)
    caplog.set_level(logging.DEBUG, logger="facility_site")
    assert build(two, str(tmp_path / "two")) == 0
    # Every key was worked out in the two seconds the search data took: no fork for the page keys.
    # (The shared words' fork comes and goes before, furigana/writer.py.)
    assert names[:2] == ["shared-words", "write_search_data"] and "page-keys" not in names
    waited = [message for message in caplog.messages if "page keys worked out while write_search_data ran" in message]
    assert len(waited) == 1 and int(waited[0].split()[1]) > 400
    assert build(one, str(tmp_path / "one")) == 0
    # The search page is queued where the search part stands, as in one process (which never waits).
    assert len(order) == 2 and order[0] == order[1] and "search/" in order[0]
    two_files, one_files = files(tmp_path / "two"), files(tmp_path / "one")
    assert two_files.keys() == one_files.keys()
    assert [path for path in two_files if two_files[path][0] != one_files[path][0]] == []
    assert multiprocessing.active_children() == []


def test_keys_worked_out_while_waiting_are_worked_out_again_when_the_site_key_changed_meanwhile(records, tmp_path, monkeypatch):
    from facility_site.pages.reuse import PageReuse

    conf = settings(tmp_path, records, "two", 2)
    assert build(conf, str(tmp_path / "out")) == 0
    edit_catchphrase(records)
    slow_search_data(monkeypatch, 1)
    parent, calls = os.getpid(), []
    real_key = PageReuse.page_key

    def counted(self, template, variables):
        if os.getpid() == parent:
            calls.append(template)
        return real_key(self, template, variables)

    monkeypatch.setattr(PageReuse, "page_key", counted)
    monkeypatch.setattr(PageReuse, "still_current", lambda self, settings, context: False)
    names = forked(monkeypatch)
    assert build(conf, str(tmp_path / "out")) == 0
    # Once while waiting, then every page again in finish() (half of them in the page-keys fork).
    assert "page-keys" in names
    pages = sum(1 for path in (tmp_path / "out").rglob("*.html"))
    assert len(calls) > pages * 1.4
