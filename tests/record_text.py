"""The valid record the reader tests change one thing in, and how they read it back. Line numbers matter:
VALID ends on line 8, so the first added line is line 9."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from facility_site.errors import RecordError
from facility_site.records.reader import load_facilities

VALID = """\
name: テスト事業所
name_kana: てすとじぎょうしょ
prefecture: 東京都
city: 新宿区
services: [就労移行支援, 就労定着支援]
capacity: 12
disabilities: [精神, 発達]
updated: 2026-11-01
"""


def records_folder(tmp_path: Path, monkeypatch) -> Path:
    """tmp_path/facilities, with tmp_path as the working directory (problem lines name facilities/…)."""
    monkeypatch.chdir(tmp_path)
    records = tmp_path / "facilities"
    records.mkdir()
    return records


def write(folder: Path, name: str, text: str | bytes) -> Path:
    """One record file, dedented (bytes written as they are)."""
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def with_lines(*extra: str, drop: tuple[str, ...] = ()) -> str:
    """VALID without the `drop` fields, with `extra` lines added at the end (from line 9 on)."""
    kept = [line for line in VALID.splitlines() if line.split(":")[0] not in drop]
    return "\n".join(kept + list(extra)) + "\n"


def read_one(folder: Path, extra: str):
    """The one facility of VALID plus `extra` (dedented), written as test.yaml."""
    (folder / "test.yaml").write_text(VALID + textwrap.dedent(extra), encoding="utf-8")
    (facility,) = load_facilities(folder)
    return facility


def problems(folder: Path, extra: str | None = None) -> list[str]:
    """The problem lines load_facilities reports (failing the test if it reports none); with `extra`,
    test.yaml is first written as VALID plus those lines."""
    if extra is not None:
        (folder / "test.yaml").write_text(VALID + textwrap.dedent(extra), encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        load_facilities(folder)
    return [str(p) for p in caught.value.problems]
