"""What an operator meets first: the make targets around building and publishing.

Each test runs make (or the build module) in a process of its own, as an
operator would, with variables pointing into a temporary folder.
"""

from __future__ import annotations

import ast
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from sitebuild import ROOT

# Modules a build imports, by the requirements.txt line that provides them.
BUILD_MODULES = {"pelican": "pelican", "markdown": "markdown", "jinja2": "jinja2", "markupsafe": "jinja2",
                 "yaml": "pyyaml", "lunr": "lunr", "ruamel": "ruamel.yaml", "tqdm": "tqdm", "openpyxl": "openpyxl",
                 "sudachipy": "sudachipy", "PIL": "pillow", "brotli": "brotli", "deflate": "deflate",
                 "watchfiles": "watchfiles"}
DEV_ONLY = ("pytest", "beautifulsoup4", "playwright", "ruff", "pagefind")


def make(*args: str, timeout: int = 120, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("SITEURL", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PORT")}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=dict(environment, **env),
                          capture_output=True, text=True, timeout=timeout)


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


# --- make publish needs the real address ------------------------------------------------


def test_make_publish_without_siteurl_stops_in_one_line_before_building(tmp_path):
    output = tmp_path / "public"
    result = make("publish", f"OUTPUTDIR={output}")
    assert result.returncode != 0
    assert "make publish SITEURL=https://" in one_line(result.stderr)
    assert not output.exists()


@pytest.mark.parametrize(("siteurl", "problem"), [(None, "SITEURL is not set"), ("", "SITEURL is not set"),
                                                  ("shuro-navi.jp", "'shuro-navi.jp' is not an absolute http(s) address"),
                                                  ("ftp://example.jp", "'ftp://example.jp' is not an absolute http(s) address")])
def test_publishconf_refuses_a_missing_or_relative_siteurl(tmp_path, siteurl, problem):
    env = {k: v for k, v in os.environ.items() if k != "SITEURL"}
    if siteurl is not None:
        env["SITEURL"] = siteurl
    output = tmp_path / "public"
    result = subprocess.run([sys.executable, "-m", "facility_site.build", "-s", str(ROOT / "publishconf.py"), "-o", str(output)],
                            cwd=tmp_path, env=dict(env, PYTHONPATH=str(ROOT / "plugins")), capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert one_line(result.stderr) == (f"facility_site: build failed: publishconf.py: {problem}; "
                                       "publish with `make publish SITEURL=https://your-site.jp`")
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no output, no staging folder left behind


# --- make serve on a busy port ------------------------------------------------------------


@pytest.mark.parametrize("target", ["serve", "devserver"])
def test_serving_on_a_busy_port_says_so_in_one_line_before_building(tmp_path, target):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        output = tmp_path / "output"
        result = make(target, f"PORT={port}", "BIND=127.0.0.1", f"OUTPUTDIR={output}", timeout=120)
    assert result.returncode != 0
    line = one_line(result.stderr)
    assert f"serve: port {port} on 127.0.0.1 is already in use" in line
    assert f"PORT={port + 1}" in line
    assert not output.exists()


def test_serve_script_reports_a_port_taken_during_the_build(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, str(ROOT / "tools" / "serve.py"), "--directory", str(tmp_path), "--port", str(port)],
                                capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert one_line(result.stderr) == f"serve: port {port} on 127.0.0.1 is already in use; choose another, e.g. PORT={port + 1}"


# --- building installs only what building needs --------------------------------------------


def requirement_names(path: Path) -> list[str]:
    names = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-r"):
            names.append(re.split(r"[\[=<>]", line)[0].lower())
    return names


def test_build_requirements_hold_no_test_or_bench_packages():
    build = requirement_names(ROOT / "requirements.txt")
    assert not set(build) & set(DEV_ONLY)
    dev = ROOT / "requirements-dev.txt"
    assert "-r requirements.txt" in dev.read_text(encoding="utf-8").splitlines()
    assert set(DEV_ONLY) <= set(requirement_names(dev))


def test_every_package_the_plugin_imports_is_a_build_requirement():
    build = set(requirement_names(ROOT / "requirements.txt"))
    imported = set()
    for path in (ROOT / "plugins").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"facility_site", "__future__"}
    assert third_party <= set(BUILD_MODULES), third_party - set(BUILD_MODULES)
    assert {BUILD_MODULES[m] for m in third_party} <= build


def recipes(target: str, tmp_path: Path) -> str:
    """What `make <target>` would run from nothing (-B: as if no stamp existed), without running it."""
    result = make("-n", "-B", target, f"VENV={tmp_path / 'venv'}", f"OUTPUTDIR={tmp_path / 'out'}", "SITEURL=https://example.jp")
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("target", ["html", "publish", "setup", "import"])
def test_build_targets_install_only_the_build_packages(tmp_path, target):
    commands = recipes(target, tmp_path)
    assert "-r requirements.txt" in commands
    assert "requirements-dev.txt" not in commands
    assert "chromium" not in commands
    if target != "import":
        assert "npm ci --omit=dev" in commands


@pytest.mark.parametrize("target", ["test", "lint", "bench", "setup-dev"])
def test_test_targets_install_the_dev_packages(tmp_path, target):
    commands = recipes(target, tmp_path)
    assert "-r requirements-dev.txt" in commands
    if target != "lint":
        assert "npm ci --no-audit" in commands and "chromium" in commands


def test_requirements_name_only_targets_that_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.M))
    for name in ("requirements.txt", "requirements-dev.txt"):
        named = re.findall(r"`make ([a-z-]+)", (ROOT / name).read_text(encoding="utf-8"))
        assert named, name
        assert set(named) <= targets, (name, set(named) - targets)
