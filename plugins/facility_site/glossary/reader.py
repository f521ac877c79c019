"""Read and check content/glossary.yaml: every problem at once, as file:line: field: problem."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

import yaml

from ..errors import GlossaryError, Problem
from ..records.markup import render_description
from ..records.reader import display_path
from .model import Entry, Glossary

# The file's name inside the content folder (pelicanconf.py PATH). No file, no glossary.
GLOSSARY_FILE = "glossary.yaml"
TOP_KEYS = ("updated", "entries")
ENTRY_KEYS = ("id", "term", "reading", "aliases", "text")
REQUIRED = ("id", "term", "reading", "text")
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Ids the glossary page uses for itself.
RESERVED_IDS = {"main", "glossary-index"}
# Hiragana, katakana (with ー), ・ and spaces: a reading, not a spelling.
READING = re.compile(r"[\u3041-\u3096\u30a1-\u30fa\u30fc\u30fb\u3000 ]+")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def glossary_path(content_path: str | Path) -> Path:
    return Path(content_path) / GLOSSARY_FILE


def load_glossary(path: Path) -> Glossary | None:
    """The glossary in `path`, or None when there is no such file; GlossaryError lists every problem."""
    if not path.is_file():
        return None
    shown = display_path(path)
    problems: list[Problem] = []
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise GlossaryError([Problem(shown, mark.line + 1 if mark else 1, "yaml", f"syntax error: {exc.problem or exc}")]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise GlossaryError([Problem(shown, 1, "yaml", f"syntax error: {exc}")]) from None
    reader = _Reader(shown, problems)
    glossary = reader.read(root)
    if problems:
        raise GlossaryError(problems)
    return glossary


class _Reader:
    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems

    def problem(self, node: yaml.Node | None, field: str, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.path, line, field, message))

    def read(self, root: yaml.Node | None) -> Glossary | None:
        if not isinstance(root, yaml.MappingNode):
            self.problem(root, "glossary", "the file must be a mapping with `updated:` and `entries:`")
            return None
        fields = self.mapping(root, "", TOP_KEYS)
        updated = self.date(fields.get("updated"), root, "updated")
        entries_node = fields.get("entries")
        entries: list[Entry] = []
        if entries_node is None:
            self.problem(root, "entries", "missing; list the words under `entries:`")
        elif not isinstance(entries_node, yaml.SequenceNode) or not entries_node.value:
            self.problem(entries_node, "entries", "must be a list of entries (- id: …, term: …, reading: …, text: …)")
        else:
            ids: dict[str, int] = {}
            spellings: dict[str, str] = {}
            for index, node in enumerate(entries_node.value):
                entry = self.entry(node, f"entries[{index}]", ids, spellings)
                if entry:
                    entries.append(entry)
        if updated is None or self.problems:
            return None
        return Glossary(tuple(entries), updated)

    def mapping(self, node: yaml.MappingNode, where: str, allowed: tuple[str, ...]) -> dict[str, yaml.Node]:
        fields: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            name = f"{where}.{key}" if where else str(key)
            if key not in allowed:
                close = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(allowed)}"
                self.problem(key_node, name, f"unknown field{hint}")
            elif key in fields:
                self.problem(key_node, name, "given twice")
            else:
                fields[key] = value_node
        return fields

    def text(self, node: yaml.Node | None, parent: yaml.Node, field: str, single_line: bool = True) -> str | None:
        if node is None:
            self.problem(parent, field, "missing")
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
            self.problem(node, field, "must be text (put it in quotes)")
            return None
        value = node.value.strip()
        if not value:
            self.problem(node, field, "is empty")
            return None
        if single_line and "\n" in value:
            self.problem(node, field, "must be one line")
            return None
        return value

    def date(self, node: yaml.Node | None, parent: yaml.Node, field: str) -> dt.date | None:
        if node is None:
            self.problem(parent, field, "missing; the day the glossary was last checked, as YYYY-MM-DD")
            return None
        value = node.value if isinstance(node, yaml.ScalarNode) else None
        try:
            if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self.problem(node, field, f"must be a date as YYYY-MM-DD, not {value!r}")
            return None

    def entry(self, node: yaml.Node, where: str, ids: dict[str, int], spellings: dict[str, str]) -> Entry | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, where, "must be a mapping with id, term, reading and text")
            return None
        before = len(self.problems)
        fields = self.mapping(node, where, ENTRY_KEYS)
        entry_id = self.text(fields.get("id"), node, f"{where}.id")
        if entry_id is not None:
            if not ID.fullmatch(entry_id):
                self.problem(fields["id"], f"{where}.id", f"{entry_id!r} must be lower-case a-z, 0-9 and '-' (it is the address /glossary/#id)")
            elif entry_id in RESERVED_IDS:
                self.problem(fields["id"], f"{where}.id", f"{entry_id!r} is used by the page itself; choose another")
            elif entry_id in ids:
                self.problem(fields["id"], f"{where}.id", f"{entry_id!r} is already the id of the entry on line {ids[entry_id]}")
            else:
                ids[entry_id] = fields["id"].start_mark.line + 1
        term = self.text(fields.get("term"), node, f"{where}.term")
        reading = self.text(fields.get("reading"), node, f"{where}.reading")
        if reading is not None and not READING.fullmatch(reading):
            self.problem(fields["reading"], f"{where}.reading", "must be written in kana (ひらがな or カタカナ)")
        explanation = self.text(fields.get("text"), node, f"{where}.text", single_line=False)
        named = [(term, fields.get("term"), f"{where}.term")]
        aliases_node = fields.get("aliases")
        if aliases_node is not None:
            if not isinstance(aliases_node, yaml.SequenceNode):
                self.problem(aliases_node, f"{where}.aliases", "must be a list of other spellings ([…, …])")
            else:
                for index, alias_node in enumerate(aliases_node.value):
                    field = f"{where}.aliases[{index}]"
                    named.append((self.text(alias_node, aliases_node, field), alias_node, field))
        for spelling, spelling_node, field in named:
            if spelling is None:
                continue
            if len(spelling) < 2:
                self.problem(spelling_node, field, f"{spelling!r} is too short to find in text; use two characters or more")
            elif spelling in spellings:
                self.problem(spelling_node, field, f"{spelling!r} is already a spelling of {spellings[spelling]!r}")
            else:
                spellings[spelling] = entry_id or where
        if len(self.problems) > before or None in (entry_id, term, reading, explanation):
            return None
        aliases = tuple(spelling for spelling, _node, _field in named[1:])
        return Entry(entry_id, term, reading, aliases, render_description(explanation))
