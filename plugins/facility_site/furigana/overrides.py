"""The operator's reading corrections: `furigana.yaml` in the content folder.

    三軒茶屋: さんげんぢゃや              # a phrase and its whole reading
    御徒町駅: 御徒町《おかちまち》駅《えき》   # or its ruby, written as 青空文庫 does
    一日中: ｜一日《いちにち》中《じゅう》        # ｜ marks where a base starts

A phrase given its whole reading has it split over its kanji as a facility's
name_kana is (送り仮名 stays bare); write the ruby form when the split is not
the one you want: 漢字《かんじ》 puts the reading over the kanji just before
it, and ｜ marks the start of a base that is not only kanji. Every entry is checked; every problem is reported at once
as `file:line: phrase: problem` and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import FacilitySiteError, Problem
from .reading import HAS_KANJI, Segments, align, hiragana, is_reading, merge, parse_notation

FILE_NAME = "furigana.yaml"


class FuriganaError(FacilitySiteError):
    """The override file has malformed entries. Nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in {FILE_NAME}; nothing was written:\n{lines}")


def load_overrides(path: Path, shown_as: str | None = None) -> dict[str, Segments]:
    """The phrases of an override file and their segments; {} when the file does not exist."""
    if not path.exists():
        return {}
    name = shown_as or str(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        raise FuriganaError([Problem(name, 1, "file", "is not UTF-8 text")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise FuriganaError([Problem(name, line, "file", f"not valid YAML: {getattr(exc, 'problem', None) or exc}")]) from None
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise FuriganaError([Problem(name, root.start_mark.line + 1, "file", "must be a list of `phrase: reading` lines")])
    problems: list[Problem] = []
    phrases: dict[str, Segments] = {}
    seen: dict[str, int] = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        phrase = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        field = phrase if isinstance(phrase, str) and phrase else "phrase"

        def problem(message: str, at: int = line, field: str = field) -> None:
            problems.append(Problem(name, at, field, message))

        if not isinstance(phrase, str) or not phrase.strip():
            problem("the phrase must be text")
            continue
        if phrase in seen:
            problem(f"given twice (first on line {seen[phrase]})")
            continue
        seen[phrase] = line
        if not HAS_KANJI.search(phrase):
            problem("has no kanji; only kanji get a reading")
            continue
        if any(ch in phrase for ch in "<>&"):
            problem("may not contain <, > or &")
            continue
        if not isinstance(value_node, yaml.ScalarNode) or not value_node.value.strip():
            problem("needs a reading in hiragana, or its ruby as 漢字《かんじ》", value_node.start_mark.line + 1)
            continue
        segments, message = parse_entry(phrase, value_node.value.strip())
        if segments is None:
            problem(message, value_node.start_mark.line + 1)
        else:
            phrases[phrase] = segments
    if problems:
        raise FuriganaError(problems)
    return phrases


def parse_entry(phrase: str, value: str) -> tuple[Segments | None, str]:
    """The segments an entry gives its phrase, or None and what is wrong."""
    if "《" not in value and "》" not in value:
        if not is_reading(value):
            return None, f"{value!r} is not a reading: write it in hiragana, or as 漢字《かんじ》"
        segments = align(phrase, value)
        if segments is None:
            return None, f"the reading {value!r} does not fit the phrase; write it as 漢字《かんじ》 to show where each part goes"
        return segments, ""
    try:
        parts = parse_notation(value)
    except ValueError:
        return None, f"unmatched ｜, 《 or 》 in {value!r}"
    for base, read in parts:
        if read and not is_reading(read):
            return None, f"《{read}》 is not a reading: write it in hiragana"
        if read and not HAS_KANJI.search(base):
            return None, f"{base!r} has no kanji to put 《{read}》 over"
    if "".join(base for base, _ in parts) != phrase:
        return None, f"the ruby {value!r} spells {''.join(b for b, _ in parts)!r}, not the phrase"
    return merge(tuple((base, hiragana(read)) for base, read in parts)), ""
