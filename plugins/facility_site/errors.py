"""Errors the plugin raises. Each carries every problem found, not just the first."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one source file, shown as `file:line: field: problem`."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


def display_path(path: Path) -> str:
    """The path as the operator would type it: relative to the working directory when inside it."""
    rel = os.path.relpath(path)
    return rel if not rel.startswith("..") else str(path)


class FacilitySiteError(Exception):
    """Base class for errors that stop the build with a clear message."""


class RecordError(FacilitySiteError):
    """One or more facility records are invalid. Nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{count} problem(s) in facility records; nothing was written:\n{lines}")


class ContentError(FacilitySiteError):
    """An article refers to something that does not exist (e.g. an unknown facility id)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in articles; nothing was written:\n{lines}")


class SettingsError(FacilitySiteError):
    """FACILITY_SITE in pelicanconf.py has an unknown key or a bad value."""


class GlossaryError(FacilitySiteError):
    """content/glossary.yaml has problems. Nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the glossary; nothing was written:\n{lines}")
