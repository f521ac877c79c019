"""Same input, same output: two builds in separate processes are byte-identical.

Each build runs as `make html` runs it (python -m facility_site.build), in its
own process with a different PYTHONHASHSEED, so set and dict ordering that
depends on string hashing would show up as a difference.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from page_records import FULL_RECORD, MINIMAL_RECORD, OSAKA_RECORD, PAGES_CONTENT, build_in_process, write_records
from sitebuild import SAMPLE_CONTENT, SAMPLE_FACILITIES


def files_of(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def assert_identical(first: Path, second: Path) -> None:
    one, two = files_of(first), files_of(second)
    assert sorted(one) == sorted(two)
    differing = [name for name in one if one[name] != two[name]]
    assert differing == []


@pytest.mark.parametrize("scenario", ["sample", "all-fields"])
def test_two_builds_are_byte_identical(tmp_path, scenario):
    if scenario == "sample":
        facilities, content = SAMPLE_FACILITIES, SAMPLE_CONTENT
    else:
        facilities = write_records(tmp_path / "facilities", {"full-record": FULL_RECORD, "minimal": MINIMAL_RECORD, "osaka-one": OSAKA_RECORD})
        content = PAGES_CONTENT
    build_in_process(tmp_path / "first", facilities, content, PYTHONHASHSEED="1")
    build_in_process(tmp_path / "second", facilities, content, PYTHONHASHSEED="2")
    assert len(files_of(tmp_path / "first")) > 20
    assert_identical(tmp_path / "first", tmp_path / "second")
