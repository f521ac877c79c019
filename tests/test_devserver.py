"""`make devserver` as an operator uses it: edit a record, reload, see the change; break it, keep the old site."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bs4 import BeautifulSoup
from sitebuild import ROOT, SAMPLE_CONTENT, SAMPLE_FACILITIES, without_ruby, write_settings

TIMEOUT = 90


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(condition, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def hires_shown(html: str | None) -> str | None:
    """The 昨年の就職人数 value on a facility page, as a visitor reads it."""
    if html is None:
        return None
    soup = without_ruby(BeautifulSoup(html, "html.parser"))  # the text as read with ふりがな off
    for term in soup.select("dt"):
        if term.get_text(strip=True) == "昨年の就職人数":
            return term.find_next_sibling("dd").get_text(" ", strip=True)
    return None


def test_devserver_rebuilds_on_a_record_edit_and_keeps_the_last_good_site_on_an_error(tmp_path):
    facilities = tmp_path / "facilities"
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_FACILITIES, facilities)
    shutil.copytree(SAMPLE_CONTENT, content)
    output = tmp_path / "output"
    log = tmp_path / "devserver.log"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(FACILITIES=str(facilities), CONTENT=str(content), PYTHONPATH=str(ROOT / "plugins"))
    command = [sys.executable, "-m", "facility_site.devserver", "-s", "pelicanconf.py", "-o", str(output), "--port", str(port), "--interval", "0.2"]
    with log.open("w") as sink:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/facilities/current/"
    try:
        before = wait_for(lambda: hires_shown(fetch(url)), "the first build to be served")
        assert before == "10〜14名"

        record = facilities / "current.yaml"
        text = record.read_text(encoding="utf-8")
        record.write_text(text.replace("hires_last_year: 10~14名", "hires_last_year: 23"), encoding="utf-8")
        assert wait_for(lambda: hires_shown(fetch(url)) == "23名", "the edited value to be served")

        broken = text.replace("hires_last_year: 10~14名", "hires_last_year: たくさん")
        line = 1 + broken.splitlines().index("hires_last_year: たくさん")
        record.write_text(broken, encoding="utf-8")
        expected = f"{record}:{line}: hires_last_year: cannot read 'たくさん'"
        wait_for(lambda: expected in log.read_text(encoding="utf-8"), "the record error in the log")
        wait_for(lambda: "still serving the last good site" in log.read_text(encoding="utf-8"), "the failed build to finish")
        assert hires_shown(fetch(url)) == "23名"
    finally:
        server.terminate()
        server.wait(timeout=30)
    messages = log.read_text(encoding="utf-8")
    assert "images" not in messages
    assert "does not exist" not in messages


def test_only_files_an_operator_edits_start_a_rebuild():
    """Hidden files and folders below a watched root, editor droppings and Python's cache never rebuild;
    a root inside a hidden folder (a project under ~/.local) still does."""
    from facility_site.devserver import is_watched

    roots = [Path("/home/op/.local/site/facilities"), Path("/home/op/.local/site/theme")]
    assert is_watched("/home/op/.local/site/facilities/current.yaml", roots)
    assert is_watched("/home/op/.local/site/theme/templates/facility.html", roots)
    for ignored in (
        "/home/op/.local/site/facilities/.current.yaml.swp",
        "/home/op/.local/site/facilities/current.yaml~",
        "/home/op/.local/site/facilities/4913.tmp",
        "/home/op/.local/site/theme/.git/index",
        "/home/op/.local/site/theme/static/__pycache__/x.pyc",
    ):
        assert not is_watched(ignored, roots), ignored


def start_devserver(tmp_path, *extra: str):
    facilities, content = tmp_path / "facilities", tmp_path / "content"
    shutil.copytree(SAMPLE_FACILITIES, facilities)
    shutil.copytree(SAMPLE_CONTENT, content)
    settings = Path(write_settings(tmp_path / "conf.py", content, facilities, tmp_path / "cache"))
    log, port = tmp_path / "devserver.log", free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env.update(FACILITIES=str(facilities), CONTENT=str(content), PYTHONPATH=str(ROOT / "plugins"))
    output = tmp_path / "output"
    command = [sys.executable, "-m", "facility_site.devserver", "-s", str(settings), "-o", str(output), "--port", str(port), "--interval", "0.2", *extra]
    with log.open("w") as sink:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT)
    return server, facilities, settings, log, f"http://127.0.0.1:{port}/facilities/current/"


def rebuilds(log) -> int:
    return log.read_text(encoding="utf-8").count("; rebuilding")


def test_devserver_rebuilds_on_a_save_by_replacement_and_a_settings_edit_and_not_on_droppings(tmp_path):
    server, facilities, settings, log, url = start_devserver(tmp_path)
    try:
        assert wait_for(lambda: hires_shown(fetch(url)), "the first build to be served") == "10〜14名"
        wait_for(lambda: "serving" in log.read_text(encoding="utf-8"), "the watcher to start")
        # Droppings and hidden files: no rebuild.
        record = facilities / "current.yaml"
        (facilities / ".current.yaml.swp").write_text("x", encoding="utf-8")
        (facilities / "current.yaml~").write_text("x", encoding="utf-8")
        time.sleep(1.5)
        assert rebuilds(log) == 0
        # An editor that saves by writing a new file and renaming it over the record (vim, many IDEs).
        text = record.read_text(encoding="utf-8")
        fresh = facilities / "4913"
        fresh.write_text(text.replace("hires_last_year: 10~14名", "hires_last_year: 31"), encoding="utf-8")
        os.replace(fresh, record)
        assert wait_for(lambda: hires_shown(fetch(url)) == "31名", "the replaced record to be served")
        # The settings file is looked at by itself: an edit to it rebuilds too.
        done = rebuilds(log)
        wait_for(lambda: "rebuilt in" in log.read_text(encoding="utf-8"), "the rebuild to finish")
        settings.write_text(settings.read_text(encoding="utf-8") + "SITENAME = 'テスト用ナビ'\n", encoding="utf-8")
        wait_for(lambda: "テスト用ナビ" in (fetch(url) or ""), "the settings edit to be served")
        assert rebuilds(log) == done + 1
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "conf.py" in log.read_text(encoding="utf-8")


def test_devserver_polls_when_asked(tmp_path):
    """--poll: for file systems that report no changes (some network and container mounts)."""
    server, facilities, _settings, log, url = start_devserver(tmp_path, "--poll")
    try:
        assert wait_for(lambda: hires_shown(fetch(url)), "the first build to be served") == "10〜14名"
        wait_for(lambda: "serving" in log.read_text(encoding="utf-8"), "the watcher to start")
        record = facilities / "current.yaml"
        record.write_text(record.read_text(encoding="utf-8").replace("hires_last_year: 10~14名", "hires_last_year: 27"), encoding="utf-8")
        assert wait_for(lambda: hires_shown(fetch(url)) == "27名", "the edited value to be served")
    finally:
        server.terminate()
        server.wait(timeout=30)
