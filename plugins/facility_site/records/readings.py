"""Kana readings of Japanese text, looked up in a dictionary at build time.

The dictionary is SudachiDict-core read through SudachiPy (both pinned in
requirements.txt). Nothing is typed in by hand: 横浜市緑区 reads よこはましみどりく
because the dictionary says so. The dictionary is loaded once, on first use,
and every distinct text is looked up once per process (`reading_of` is cached),
so a national build of 30,000 records looks up a few thousand place names,
not 30,000 × their fields.

- `reading_of(text)`: the whole reading in hiragana, or None when the
  dictionary does not know a word of it (no reading beats a wrong one).
- `reading_starts(text)`: the readings under which the text can be found by
  prefix: the whole reading, and the reading from each proper noun inside it
  onwards (東京メトロ丸ノ内線 → とうきょうめとろまるのうちせん, まるのうちせん).

The readings are as good as the dictionary: a few place names read wrongly
on their own (三軒茶屋 → みのきちゃや) but rightly with 駅 after them
(三軒茶屋駅 → さんげんぢゃやえき), which is why stations are looked up with 駅.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

SUDACHI_DICT = "core"


@dataclass(frozen=True)
class Morpheme:
    surface: str
    reading: str  # katakana, as the dictionary gives it
    proper_noun: bool
    known: bool  # False: the dictionary guessed (out of vocabulary)
    symbol: bool  # punctuation and symbols (・, -)


@functools.cache
def _tokenizer():
    # Imported here so that a build without readings never loads the dictionary.
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict=SUDACHI_DICT).tokenizer(mode=SplitMode.C)


@functools.cache
def morphemes(text: str) -> tuple[Morpheme, ...]:
    """The dictionary's longest units (Sudachi's split mode C) of `text`."""
    out = []
    for m in _tokenizer().tokenize(text):
        pos = m.part_of_speech()
        out.append(
            Morpheme(
                surface=m.surface(),
                reading=m.reading_form(),
                proper_noun=pos[0] == "名詞" and pos[1] == "固有名詞",
                known=not m.is_oov(),
                # A character the dictionary does not know may be tagged 補助記号
                # too (𠮷); only text without letters or digits is a symbol.
                symbol=pos[0] in ("補助記号", "空白") and not any(unicodedata.category(c)[0] in "LN" for c in m.surface()),
            )
        )
    return tuple(out)


def _hiragana(katakana: str) -> str:
    folded = unicodedata.normalize("NFKC", katakana)
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in folded)


@functools.cache
def reading_of(text: str) -> str | None:
    """The hiragana reading of `text`, or None if the dictionary does not know all of it."""
    parts = [m for m in morphemes(text) if not m.symbol]
    if not parts or not all(m.known for m in parts):
        return None
    return _hiragana("".join(m.reading for m in parts))


@functools.cache
def reading_starts(text: str) -> tuple[str, ...]:
    """The reading of `text` and of each of its tails that begins with a proper noun.

    A search matches readings only from their start (a prefix), so these are
    the places inside a name where a reading may be found: 丸ノ内線 inside
    東京メトロ丸ノ内線, not 川 inside 神奈川. A symbol (・) ends a run; a part the
    dictionary does not know leaves out every reading that would run through it.
    """
    runs: list[list[Morpheme]] = [[]]
    for m in morphemes(text):
        if m.symbol:
            runs.append([])
        else:
            runs[-1].append(m)
    starts: list[str] = []
    for run in runs:
        for i, m in enumerate(run):
            if i > 0 and not m.proper_noun:
                continue
            tail = run[i:]
            if not all(t.known for t in tail):
                continue
            reading = _hiragana("".join(t.reading for t in tail))
            if reading not in starts:
                starts.append(reading)
    return tuple(starts)
