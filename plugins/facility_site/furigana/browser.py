"""The readings the browser needs for the text it renders itself (search cards, comparison, visit planner).

Those parts draw from JSON data files and from words in their scripts, so the
build reads both once the site is written: every string with kanji in the
output's JSON data (the search word index is left out: it is never shown)
and every string literal with kanji in the theme's scripts. Each is read as
the pages are (`Furigana.segments`, so facility names keep their name_kana),
and cut into chunks: a run of kanji words with the kana between them
(流山《ながれやま》おおたかの森《もり》駅《えき》), or a number and its counter (2分《ふん》).
A word that is read one way everywhere is also a chunk of its own, for text
the scripts put together (「…駅」).

`furigana/readings.json` is a sorted JSON list of chunks in 青空文庫 notation;
theme/static/js/furigana/live.js fetches it only when ふりがな is on, and puts
the longest chunk that matches at each place of a rendered text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from .reading import HAS_KANJI, Furigana, Segments, notation

OUTPUT_FILE = "furigana/readings.json"
# Data that is never shown as text: the search word index.
_SKIP_DATA = re.compile(r"^search/[^/]+/text/|^furigana/")
_HIRAGANA_ONLY = re.compile("[\u3041-\u309f\u30fc]+")
_DIGITS = re.compile(r"[0-9０-９][0-9０-９,，.．]*")
# String literals in the theme's scripts: "…", '…' and the fixed parts of `…${x}…`.
_JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`', re.DOTALL)
_TEMPLATE_HOLE = re.compile(r"\$\{[^}]*\}")


def chunks(segments: Segments) -> Iterator[Segments]:
    """The chunks of a text's segments: kanji words with the hiragana between them; a number with its counter."""
    current: list = []

    def flush():
        while current and not current[-1][1]:
            current.pop()  # a chunk ends on a reading, not on a particle
        if current:
            yield tuple(current)
        current.clear()

    for i, (base, read) in enumerate(segments):
        if read or (current and _HIRAGANA_ONLY.fullmatch(base)):
            current.append((base, read))
        else:
            yield from flush()
            # A number just before a counter: 2分 and 3分 read differently.
            number = re.search(r"[0-9０-９][0-9０-９,，.．]*$", base)
            if number and i + 1 < len(segments) and segments[i + 1][1]:
                current.append((number.group(0), ""))
    yield from flush()


def strings_in_data(output: Path) -> Iterator[str]:
    """Every string with kanji in the site's JSON data files, keys included."""
    for path in sorted(output.rglob("*.json")):
        if _SKIP_DATA.search(path.relative_to(output).as_posix()):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        yield from _strings(data)


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        if HAS_KANJI.search(value):
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def strings_in_scripts(folder: Path) -> Iterator[str]:
    """String literals with kanji in the theme's scripts (labels the scripts write themselves)."""
    for path in sorted(folder.rglob("*.js")):
        for match in _JS_STRING.finditer(path.read_text(encoding="utf-8")):
            text = next(group for group in match.groups() if group is not None)
            for piece in _TEMPLATE_HOLE.split(text):
                if HAS_KANJI.search(piece):
                    yield piece


def readings_dictionary(texts: Iterable[str], furigana: Furigana) -> list[str]:
    """The sorted chunks of every text, in notation, plus the words read the same way everywhere."""
    found: set[Segments] = set()
    words: dict[str, set[str]] = {}
    for text in set(texts):
        for piece in re.split(r"[\s　]+", text):
            if not HAS_KANJI.search(piece):
                continue
            for chunk in chunks(furigana.segments(piece)):
                found.add(chunk)
                for base, read in chunk:
                    if read:
                        words.setdefault(base, set()).add(read)
    # A lone number-and-counter (1日) is no word: 1日 is ついたち only after a month.
    found.update(((base, next(iter(reads))),) for base, reads in words.items() if len(reads) == 1 and not _DIGITS.search(base))
    return sorted({notation(chunk) for chunk in found})


def write_readings(output: Path, theme_js: Path, furigana: Furigana) -> Path:
    """Write furigana/readings.json for the site in `output`."""
    texts = list(strings_in_data(output)) + list(strings_in_scripts(theme_js))
    entries = readings_dictionary(texts, furigana)
    target = output / OUTPUT_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(entries, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return target
