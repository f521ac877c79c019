"""Normalize Japanese text and cut it into the words the search index stores.

The same rules run twice: here at build time for the records, and in the
browser for what the visitor types (theme/static/js/search/tokenizer.js).
tests/test_tokenizer_parity.py runs both over tests/js/tokenizer_corpus.json
and requires identical output, so change the two together.

Rules, in order:
1. NFKC: full-width Latin and digits become ASCII, half-width katakana become
   full-width (ｶﾚﾝﾄ → カレント, ｶﾞ → ガ), ① → 1, ㈱ → (株).
2. Lower case (ＩＴ → it).
3. Variation selectors are dropped (葛󠄀 is searched as 葛, ❤️ as ❤).
4. Katakana become hiragana (カレント → かれんと); the small ヶ/ヵ become け/か,
   so 茅ヶ崎 and 茅ケ崎 match. The long-vowel mark ー stays as it is.
5. Letters, digits and combining marks (categories L, N, Mn, Mc) make up
   words; everything else (spaces, punctuation, symbols, emoji, lunr's query
   syntax : ^ ~ * + -) separates words.

6. In a query, what rule 5 dropped and was neither space nor punctuation is
   reported as ignored: each run of symbols and emoji, once (😀, ♪, +, ~).
   Punctuation (、・「」-:*) separates words like a space and is not reported.
   A query with text but no words searches nothing and says so.

The index stores words (search_index.py). A query word matches every
indexed word that contains it, so part of a word (御苑 in 新宿御苑前駅) and a
single character (森) work, and a query word is always one unbroken piece of
one field: 東京都 never matches 東京 in one place and 京都 in another.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Characters that belong to words: letters, digits, and the combining marks
# NFKC could not fold into the letter before them.
WORD_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No", "Mn", "Mc"})

_KATAKANA_FIRST, _KATAKANA_LAST = 0x30A1, 0x30F6  # ァ … ヶ
_KATAKANA_ITERATION = (0x30FD, 0x30FE)  # ヽ ヾ
_KANA_OFFSET = 0x60

# A query is cut to this many characters of words (the rest is ignored and
# the page says so): a pasted page of text must not fetch the whole index.
MAX_QUERY_CHARS = 64


def _fold_table() -> dict[int, int | None]:
    """One str.translate table for rules 3 and 4."""
    table: dict[int, int | None] = {code: code - _KANA_OFFSET for code in range(_KATAKANA_FIRST, _KATAKANA_LAST + 1)}
    table.update({code: code - _KANA_OFFSET for code in _KATAKANA_ITERATION})
    for small, large in (("ヶ", "け"), ("ヵ", "か"), ("ゖ", "け"), ("ゕ", "か")):
        table[ord(small)] = ord(large)
    for code in (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)):  # variation selectors
        table[code] = None
    return table


_FOLD = _fold_table()


def normalize(text: str) -> str:
    """NFKC, lower case, no variation selectors, katakana as hiragana."""
    return unicodedata.normalize("NFKC", text).lower().translate(_FOLD)


_word_chars: dict[str, bool] = {}


def is_word_char(char: str) -> bool:
    known = _word_chars.get(char)
    if known is None:
        known = _word_chars[char] = unicodedata.category(char) in WORD_CATEGORIES
    return known


def split_words(normalized: str) -> list[tuple[int, str]]:
    """(offset, word) for each run of word characters; offsets count code points."""
    words: list[tuple[int, str]] = []
    start = -1
    for offset, char in enumerate(normalized):
        if is_word_char(char):
            if start < 0:
                start = offset
        elif start >= 0:
            words.append((start, normalized[start:offset]))
            start = -1
    if start >= 0:
        words.append((start, normalized[start:]))
    return words


# Not reported as ignored (rule 6): spaces, punctuation, control characters.
_SILENT_CATEGORY_FIRST = frozenset({"Z", "P"})
# Invisible on their own (zero-width joiner, zero-width space): part of a
# reported run, never a run by themselves.
_INVISIBLE_CATEGORY = "Cf"


def ignored_pieces(normalized: str) -> list[str]:
    """Runs of symbols and emoji that separate words in a query, unique, in typed order."""
    pieces: list[str] = []
    run: list[str] = []

    def close() -> None:
        piece = "".join(run)
        if any(unicodedata.category(c) != _INVISIBLE_CATEGORY for c in piece) and piece not in pieces:
            pieces.append(piece)
        run.clear()

    for char in normalized:
        category = unicodedata.category(char)
        if is_word_char(char) or category[0] in _SILENT_CATEGORY_FIRST or category == "Cc":
            if run:
                close()
        else:
            run.append(char)
    if run:
        close()
    return pieces


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...]  # normalized, unique, in typed order
    truncated: bool  # the text was longer than MAX_QUERY_CHARS word characters
    ignored: tuple[str, ...] = ()  # symbols and emoji that were not searched (rule 6)


def parse_query(text: str) -> ParsedQuery:
    """The words of a query, each to be found as one unbroken piece of one field (AND)."""
    words: list[str] = []
    budget = MAX_QUERY_CHARS
    truncated = False
    normalized = normalize(text)
    for _, word in split_words(normalized):
        if word in words:
            continue  # a repeated word changes nothing and costs nothing
        if budget <= 0:
            truncated = True
            break
        if len(word) > budget:
            word, truncated = word[:budget], True
        budget -= len(word)
        if word not in words:
            words.append(word)
    return ParsedQuery(tuple(words), truncated, tuple(ignored_pieces(normalized)))
