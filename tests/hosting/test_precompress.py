"""`make publish` twins: a .gz and a .br beside every text file, only where smaller, byte for byte the same on every build."""

from __future__ import annotations

import gzip
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import brotli
import pytest
from facility_site.hosting.precompress import TEXT_SUFFIXES, precompress
from facility_site.pages.output import gzip_twin
from sitebuild import ROOT, SAMPLE_CONTENT, SAMPLE_FACILITIES


def publish(output: Path, *flags: str) -> Path:
    """`make publish`'s command, in its own process as make runs it."""
    env = dict(os.environ, SITEURL="https://example.jp", FACILITIES=str(SAMPLE_FACILITIES), CONTENT=str(SAMPLE_CONTENT), PYTHONPATH=str(ROOT / "plugins"))
    command = [sys.executable, "-m", "facility_site.build", "-s", str(ROOT / "publishconf.py"), "-o", str(output), *flags]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return output


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    return publish(tmp_path_factory.mktemp("published") / "output", "--precompress")


def test_every_text_file_gets_twins_that_decompress_to_it_and_only_where_smaller(published):
    texts = [p for p in published.rglob("*") if p.suffix in TEXT_SUFFIXES]
    assert {p.suffix for p in texts} >= {".html", ".css", ".js", ".json", ".xml", ".svg"}
    with_gz = with_br = 0
    for path in texts:
        data = path.read_bytes()
        gz, br = path.with_name(path.name + ".gz"), path.with_name(path.name + ".br")
        if gz.exists():
            with_gz += 1
            blob = gz.read_bytes()
            assert len(blob) < len(data), gz
            assert gzip.decompress(blob) == data, gz
            assert blob[4:8] == b"\0\0\0\0", f"{gz}: gzip header carries a timestamp"
            # libdeflate's, as the build's own twins of the search data: no second, different twin of one file
            assert blob == gzip_twin(data), gz
        else:
            assert len(gzip_twin(data)) >= len(data), f"{path}: no .gz though it would be smaller"
        if br.exists():
            with_br += 1
            blob = br.read_bytes()
            assert len(blob) < len(data), br
            assert brotli.decompress(blob) == data, br
        else:
            assert len(brotli.compress(data, quality=11, mode=brotli.MODE_TEXT)) >= len(data), f"{path}: no .br though it would be smaller"
    assert with_gz > len(texts) / 2 and with_br > len(texts) / 2
    # Only text files get twins.
    for twin in list(published.rglob("*.gz")) + list(published.rglob("*.br")):
        assert Path(twin.stem).suffix in TEXT_SUFFIXES, twin


def test_twins_are_the_same_bytes_on_every_build(published, tmp_path):
    again = publish(tmp_path / "again", "--precompress")
    assert tree_digest(again) == tree_digest(published)


def test_html_builds_write_no_twins_and_publish_asks_for_them_unless_precompress_is_0(sample_site):
    assert not list(sample_site.rglob("*.br"))
    assert not list(sample_site.rglob("*.html.gz"))

    def publish_command(*variables: str) -> str:
        done = subprocess.run(["make", "-n", "publish", "SITEURL=https://example.jp", *variables], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return next(line for line in done.stdout.splitlines() if "facility_site.build" in line)

    assert publish_command().endswith("--precompress")
    assert "--precompress" not in publish_command("PRECOMPRESS=0")
    html = subprocess.run(["make", "-n", "html"], cwd=ROOT, capture_output=True, text=True, timeout=60).stdout
    assert "facility_site.build" in html and "--precompress" not in html


def test_small_and_binary_files_get_no_twin_and_a_stale_larger_twin_goes(tmp_path):
    (tmp_path / "tiny.txt").write_bytes(b"ok")
    (tmp_path / "big.json").write_bytes(b'{"a":"' + b"abc" * 2000 + b'"}')
    (tmp_path / "pic.png").write_bytes(b"\x89PNG" + b"\0" * 5000)
    (tmp_path / "tiny.txt.gz").write_bytes(b"stale twin, larger than tiny.txt")
    stats = precompress(tmp_path, workers=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.json", "big.json.br", "big.json.gz", "pic.png", "tiny.txt"]
    assert stats.files == 2 and stats.gzip_files == 1 and stats.brotli_files == 1
    assert stats.original_bytes == 2 + 6008
