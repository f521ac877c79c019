"""Everyday words: what people type (発達障害, ADHD, うつ, A型) and the condition each stands for.

The list is one YAML file (everyday_words.yaml beside this module, or the
`everyday_words` setting). It is read and checked whole before the search
data is written: every problem is reported at once as `file:line: field: problem`.

A word is stored normalized by the search tokenizer, so the browser compares
the words of a query with it as they are (tokenizer.js folds them the same way).
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import FacilitySiteError, Problem
from ..records.vocab import DISABILITIES, SERVICES, Term
from .tokenizer import MAX_QUERY_CHARS, normalize, split_words

DEFAULT_PATH = Path(__file__).with_name("everyday_words.yaml")

# Top-level key -> (condition kind in the search state, its vocabulary).
GROUPS: dict[str, tuple[str, tuple[Term, ...]]] = {
    "disabilities": ("dis", DISABILITIES),
    "services": ("svc", SERVICES),
}


@dataclass(frozen=True)
class EverydayWord:
    word: str  # normalized, as a query word
    kind: str  # "dis" or "svc"
    term: Term  # the disability type or service it stands for


class EverydayWordsError(FacilitySiteError):
    """The everyday words file has problems; the build stops before the search is written."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the everyday words file; nothing was written:\n{lines}")


def _label_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def load_everyday_words(path: str | Path) -> tuple[EverydayWord, ...]:
    """Read and check the file; EverydayWordsError lists every problem."""
    path = Path(path)
    shown = str(path)
    problems: list[Problem] = []

    def problem(line: int, field: str, message: str) -> None:
        problems.append(Problem(shown, line, field, message))

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EverydayWordsError([Problem(shown, 1, "everyday_words", "file does not exist")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EverydayWordsError([Problem(shown, 1, "everyday_words", f"cannot read the file ({exc})")]) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise EverydayWordsError([Problem(shown, mark.line + 1 if mark else 1, "yaml", f"syntax error: {exc.problem}")]) from None
    if not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1 if root is not None else 1
        raise EverydayWordsError([Problem(shown, line, "file", "must be a mapping with `disabilities:` and `services:`")])

    words: list[EverydayWord] = []
    first: dict[str, tuple[int, EverydayWord]] = {}  # normalized word -> where it was first given
    for key_node, group_node in root.value:
        group = key_node.value
        line = key_node.start_mark.line + 1
        if group not in GROUPS:
            close = difflib.get_close_matches(str(group), GROUPS, n=1)
            problem(line, str(group), "unknown group" + (f"; did you mean {close[0]!r}?" if close else f"; use {' or '.join(GROUPS)}"))
            continue
        kind, vocabulary = GROUPS[group]
        by_label = {_label_key(t.label): t for t in vocabulary}
        if not isinstance(group_node, yaml.MappingNode):
            problem(line, group, "must be a mapping of `label: [word, …]` lines")
            continue
        for label_node, list_node in group_node.value:
            label_line = label_node.start_mark.line + 1
            term = by_label.get(_label_key(str(label_node.value)))
            field = f"{group}.{label_node.value}"
            if term is None:
                close = difflib.get_close_matches(_label_key(str(label_node.value)), by_label, n=1)
                hint = f"; did you mean {by_label[close[0]].label!r}?" if close else f"; one of {' '.join(t.label for t in vocabulary)}"
                problem(label_line, field, f"unknown {'disability type' if kind == 'dis' else 'service'}{hint}")
                continue
            items = list_node.value if isinstance(list_node, yaml.SequenceNode) else [list_node]
            for item in items:
                item_line = item.start_mark.line + 1
                if not isinstance(item, yaml.ScalarNode) or not str(item.value).strip():
                    problem(item_line, field, "each word must be non-empty text")
                    continue
                raw = str(item.value).strip()
                pieces = [w for _, w in split_words(normalize(raw))]
                if len(pieces) != 1:
                    problem(item_line, field, f"{raw!r} is not one word for the search (it has spaces or symbols)")
                    continue
                (word,) = pieces
                if len(word) > MAX_QUERY_CHARS:
                    problem(item_line, field, f"{raw!r} is longer than {MAX_QUERY_CHARS} characters")
                    continue
                entry = EverydayWord(word, kind, term)
                if word in first:
                    earlier_line, earlier = first[word]
                    if earlier.kind == kind and earlier.term == term:
                        problem(item_line, field, f"{raw!r} is given twice (first on line {earlier_line})")
                    else:
                        problem(item_line, field, f"{raw!r} already stands for {earlier.term.label} (line {earlier_line}); a word stands for one condition")
                    continue
                first[word] = (item_line, entry)
                words.append(entry)
    if problems:
        raise EverydayWordsError(problems)
    return tuple(words)


def condition_word(term: Term) -> str:
    """The index word that marks the condition in its field: the label's last word (生活訓練 of 自立訓練(生活訓練))."""
    return split_words(normalize(term.label))[-1][1]


def words_config(words: tuple[EverydayWord, ...]) -> dict:
    """What the browser needs: each word's condition, and the index word and field that carry it."""
    fields = {"dis": "disability", "svc": "service"}
    return {
        entry.word: {"kind": entry.kind, "slug": entry.term.slug, "field": fields[entry.kind], "term": condition_word(entry.term)}
        for entry in sorted(words, key=lambda e: e.word)
    }
