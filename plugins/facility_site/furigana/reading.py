"""Text → ruby segments: which part of a text gets which reading.

A segment is `(base, reading)`; `reading` is hiragana, or "" for text that
gets no ruby (kana, Latin letters, digits, punctuation).

- Readings come from SudachiPy with SudachiDict-core (the same dictionary as
  the search readings, records/readings.py). Text is split into the
  dictionary's longest units (split mode C) so readings follow their context
  (三軒茶屋駅 reads さんげんぢゃやえき), and each unit is shown in its short parts
  (mode A: 就労|移行|支援) when their readings add up to the long one, so a
  long word can still wrap and each ruby stays over its own kanji.
- Okurigana is split off: 長く → 長《なが》く, 申し込み → 申《もう》し込《こ》み.
- A number before a counter reads as Japanese says it: 3分 → 3分《ぷん》,
  1人 → 1人《ひとり》, 11月1日 → 1日《ついたち》 (the dictionary reads 分 as ふん
  whatever comes before).
- Phrases (facility names from their `name_kana`, the operator's overrides)
  are taken out of a text before the analyser sees it, longest first.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping

Segment = tuple[str, str]
Segments = tuple[Segment, ...]

# Kanji, and the marks that stand for one (々 repeat, 〆). ヶ and ヵ are read
# with the kanji around them (霞ヶ関 かすみがせき, 3ヶ月 かげつ).
KANJI_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆\U00020000-\U0003ffff"
HAS_KANJI = re.compile(f"[{KANJI_CHARS}]")
_KANJI_RUN = re.compile(f"[{KANJI_CHARS}ヶヵ]+")
_RUNS = re.compile(f"[{KANJI_CHARS}ヶヵ]+|[\u3041-\u309f\u30a1-\u30f4\u30fc]+|[^{KANJI_CHARS}ヶヵ\u3041-\u309f\u30a1-\u30f4\u30fc]+")
_KANA_ONLY = re.compile("[\u3041-\u3096\u309d\u309e\u30fc]+")
_NUMBER = re.compile(r"[0-9]+(?:[,.][0-9]+)*")
_NUMBER_PREFIX = re.compile(r"^([0-9０-９][0-9０-９,，.．]*)(.+)$")
# Sudachi has a limit on its input; long paragraphs are read a sentence at a time.
_LONG_TEXT = 2000
_SENTENCE_END = re.compile(r"(?<=[。！？\n])")


_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F5)}
_NEEDS_NFKC = re.compile("[\uff01-\uffef]")


def hiragana(text: str) -> str:
    """Katakana (full or half width) as hiragana; everything else as it is."""
    if _NEEDS_NFKC.search(text):
        text = unicodedata.normalize("NFKC", text)
    return text.translate(_TO_HIRAGANA)


def is_reading(text: str) -> bool:
    """Whether `text` is a plain reading: hiragana (or katakana) and ー only."""
    return bool(text) and _KANA_ONLY.fullmatch(hiragana(text)) is not None


@functools.lru_cache(maxsize=65536)
def align(surface: str, reading: str) -> Segments | None:
    """Split `reading` over the kanji of `surface`, leaving its kana bare; None if they do not fit.

    Kana in the surface must appear in the reading (長く / ながく → 長《なが》く);
    Latin letters, digits and symbols may be read as the analyser reads them
    or left out (ITカレッジ若葉 / かれっじわかば fits); each run of kanji takes
    one to six kana per kanji (就労移行支援事業所 Pinto / ぴんと does not fit).
    """
    runs = _RUNS.findall(surface)
    pattern = []
    for run in runs:
        if _KANJI_RUN.fullmatch(run):
            # Kana only: a kanji run's reading never takes the digits or letters written beside it.
            pattern.append(f"([{_KANA_READ}]+?)")
        elif is_reading(run):
            pattern.append("(" + re.escape(hiragana(run)) + ")")
        else:
            pattern.append("(" + _said_pattern(run) + ")")
    match = re.fullmatch("".join(pattern), hiragana(reading))
    if match is None:
        return None
    out = []
    for run, read in zip(runs, match.groups(), strict=True):
        kanji = _KANJI_RUN.fullmatch(run) is not None
        if kanji and not len(run) <= len(read) <= 6 * len(run):
            return None
        out.append((run, read if kanji else ""))
    return merge(tuple(out))


def align_given(surface: str, reading: str) -> Segments | None:
    """Split a whole reading the record gives (a facility's name_kana) over `surface`; None if it does not fit.

    As `align`, and also: a run with Latin letters may be read as any kana (a brand's own reading:
    Kaien → かいえん), and where that leaves the split open the dictionary decides: a kanji run read as
    the dictionary reads it is preferred, then a Latin or digit run read as the analyser says it
    (Kaien新宿 / かいえんしんじゅく → Kaien 新宿《しんじゅく》, not 新宿《かいえんしんじゅく》). Where the record
    and the dictionary cannot settle where a reading starts, the runs in question share one ruby with
    their reading (Kaien新宿 / かいえんにいじゅく → Kaien新宿《かいえんにいじゅく》): the record's reading, not a guess.
    """
    runs = _RUNS.findall(surface)
    text = hiragana(reading)
    size = len(text)
    ends_of = [_given_ends(run, text) for run in runs]
    # best[i][pos]: the best score of runs[i:] read over text[pos:] (absent where none fits), and
    # ways[i][pos]: the ends of runs[i] that reach it.
    best: list[dict[int, tuple[int, int]]] = [{} for _ in runs] + [{size: (0, 0)}]
    ways: list[dict[int, set[int]]] = [{} for _ in runs]
    for i in range(len(runs) - 1, -1, -1):
        for pos in range(size + 1):
            top, reach = None, set()
            for end, gain in ends_of[i](pos):
                rest = best[i + 1].get(end)
                if rest is None:
                    continue
                score = (rest[0] + gain[0], rest[1] + gain[1])
                if top is None or score > top:
                    top, reach = score, {end}
                elif score == top:
                    reach.add(end)
            if top is not None:
                best[i][pos], ways[i][pos] = top, reach
    if 0 not in best[0]:
        return None
    # Where each run may start and end in the best splits: one place each where the split is settled.
    spans: list[set[tuple[int, int]]] = [set() for _ in runs]
    starts = {0}
    for i in range(len(runs)):
        following = set()
        for pos in starts:
            for end in ways[i].get(pos, ()):
                spans[i].add((pos, end))
                following.add(end)
        starts = following
    out: list[Segment] = []
    i = 0
    while i < len(runs):
        if len(spans[i]) == 1:
            ((begin, end),) = spans[i]
            out.append((runs[i], text[begin:end] if _KANJI_RUN.fullmatch(runs[i]) else ""))
            i += 1
            continue
        first = i  # runs whose reading could start or end in more than one place share one ruby
        while i < len(runs) and len(spans[i]) > 1:
            i += 1
        begin, end = min(spans[first])[0], max(spans[i - 1])[1]
        group = "".join(runs[first:i])
        if not HAS_KANJI.search(group):
            out.append((group, ""))
            continue
        lead, base, trail = _edges(group)  # spaces around the group stay outside its ruby
        out.extend(((lead, ""), (base, text[begin:end]), (trail, "")))
    return merge(tuple(out))


def _edges(text: str) -> tuple[str, str, str]:
    """The white space before `text`'s first visible character, the rest, and the white space after it."""
    base = text.strip()
    start = text.index(base)
    return text[:start], base, text[start + len(base) :]


_LATIN = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")


def _given_ends(run: str, text: str):
    """For `align_given`: where a run of the surface may end in `text` if it starts at pos, each with its
    score (dictionary readings, readings said as written or as the analyser says them)."""
    size = len(text)
    if _KANJI_RUN.fullmatch(run):
        usual = _dictionary_reading(run)
        low, high = len(run), 6 * len(run)

        def kanji(pos: int):
            for end in range(pos + low, min(size, pos + high) + 1):
                read = text[pos:end]
                if _KANA_ONLY.fullmatch(read):
                    yield end, (1 if read == usual else 0, 0)

        return kanji
    if is_reading(run):
        kana = hiragana(run)
        return lambda pos: ((pos + len(kana), (0, 0)),) if text.startswith(kana, pos) else ()
    said = re.compile(_said_pattern(run))
    brand = _LATIN.search(run) is not None

    def other(pos: int):
        for end in range(pos, size + 1):
            piece = text[pos:end]
            if said.fullmatch(piece):
                yield end, (0, 1 if piece else 0)
            elif brand and _KANA_ONLY.fullmatch(piece):
                yield end, (0, 0)

    return other


def _dictionary_reading(run: str) -> str | None:
    """The analyser's reading of a run of kanji on its own, or None where it has none."""
    parts = analyse(run)
    if not parts or any(not read for _, read in parts):
        return None
    return "".join(read for _, read in parts)


# What a kanji run's reading may consist of (after `hiragana`): hiragana, ゝゞ and the long-vowel mark.
_KANA_READ = "\u3041-\u3096\u309d\u309e\u30fc"
# A run of digits, of Latin letters, or one other visible character.
_SAID_TOKEN = re.compile(r"[0-9０-９]+|[A-Za-zＡ-Ｚａ-ｚ]+|\S")


def _said_pattern(run: str) -> str:
    """How a run of Latin letters, digits or symbols may appear in a reading: read whole as the analyser
    reads it, or token by token as written or as read (「03711 IT」 → 03711あいてぃー), or left out."""
    whole = {_spoken(run), re.sub(r"\s", "", hiragana(run))} - {""}
    tokens = []
    for token in _SAID_TOKEN.findall(run):
        forms = {hiragana(token), _spoken(token)} - {""}
        tokens.append("(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + ")?")
    options = [re.escape(f) for f in sorted(whole, key=len, reverse=True)]
    if len(tokens) > 1:
        options.append("".join(tokens))
    return "(?:" + "|".join(options) + ")?" if options else ""


@functools.lru_cache(maxsize=4096)
def _spoken(run: str) -> str:
    """How the analyser reads a run of Latin letters, digits or symbols ("IT" → あいてぃー); "" if unsure."""
    if not run.strip():
        return ""
    tokenizer, _ = _tokenizer()
    said = []
    for m in tokenizer.tokenize(run):
        if m.surface().strip():
            if m.is_oov() or not is_reading(m.reading_form()):
                return ""
            said.append(hiragana(m.reading_form()))
    return "".join(said)


_NOTATION = re.compile(r"(?:｜([^｜《》]+)|([" + KANJI_CHARS + r"ヶヵ]+))《([^｜《》]*)》")


def parse_notation(text: str) -> Segments:
    """Ruby written as 青空文庫 does: 漢字《かんじ》 puts the reading over the kanji just before it;
    ｜ marks where the base starts when it is not just kanji (｜3日《みっか》).

    Raises ValueError on a stray ｜, 《 or 》.
    """
    out: list[Segment] = []
    pos = 0
    for match in _NOTATION.finditer(text):
        out.append((text[pos : match.start()], ""))
        out.append((match.group(1) or match.group(2), match.group(3)))
        pos = match.end()
    out.append((text[pos:], ""))
    if any(mark in base for base, read in out if not read for mark in "｜《》"):
        raise ValueError("a ｜, 《 or 》 without its pair")
    return merge(tuple(out))


def notation(segments: Segments) -> str:
    """Segments written the way parse_notation reads them."""
    out = []
    for base, read in segments:
        if read and (not _KANJI_RUN.fullmatch(base) or (out and _KANJI_RUN.search(out[-1][-1:] or ""))):
            out.append(f"｜{base}《{read}》")
        else:
            out.append(f"{base}《{read}》" if read else base)
    return "".join(out)


def merge(segments: Segments) -> Segments:
    """Join neighbouring segments without ruby, and drop empty ones."""
    out: list[Segment] = []
    for base, read in segments:
        if not base:
            continue
        if not read and out and not out[-1][1]:
            out[-1] = (out[-1][0] + base, "")
        else:
            out.append((base, read))
    return tuple(out)


# --- counters ---------------------------------------------------------------

def _by_last_digit(p: str, b: str, h: str, p_digits: str = "16780", b_digits: str = "3"):
    """A counter whose first sound changes with the number's last digit (本: いっぽん, さんぼん, にほん)."""

    def read(number: str) -> str:
        last = number[-1]
        return p if last in p_digits else b if last in b_digits else h

    return read


def _fixed(reading: str):
    return lambda number: reading


_DAYS = {"1": "ついたち", "2": "ふつか", "3": "みっか", "4": "よっか", "5": "いつか", "6": "むいか", "7": "なのか",
         "8": "ようか", "9": "ここのか", "10": "とおか", "14": "じゅうよっか", "20": "はつか", "24": "にじゅうよっか"}

# The counters whose reading after a number the analyser gets wrong or may
# get wrong; the reading is of the counter alone. 日 and 人 are below.
COUNTERS = {
    "分": _by_last_digit("ぷん", "ぷん", "ふん", p_digits="134680"),
    "本": _by_last_digit("ぽん", "ぼん", "ほん"),
    "杯": _by_last_digit("ぱい", "ばい", "はい"),
    "匹": _by_last_digit("ぴき", "びき", "ひき"),
    "階": _by_last_digit("かい", "がい", "かい", p_digits=""),
    "軒": _by_last_digit("けん", "げん", "けん", p_digits=""),
    "年": _fixed("ねん"), "年間": _fixed("ねんかん"), "月": _fixed("がつ"),
    "ヶ月": _fixed("かげつ"), "ヵ月": _fixed("かげつ"), "週": _fixed("しゅう"), "週間": _fixed("しゅうかん"), "時": _fixed("じ"),
    "時間": _fixed("じかん"), "秒": _fixed("びょう"), "歳": _fixed("さい"), "才": _fixed("さい"),
    "回": _fixed("かい"), "件": _fixed("けん"), "個": _fixed("こ"), "円": _fixed("えん"), "名": _fixed("めい"),
    "割": _fixed("わり"), "社": _fixed("しゃ"), "駅": _fixed("えき"), "台": _fixed("だい"), "枚": _fixed("まい"),
    "度": _fixed("ど"), "倍": _fixed("ばい"), "番": _fixed("ばん"), "号": _fixed("ごう"), "期": _fixed("き"),
    "級": _fixed("きゅう"), "万": _fixed("まん"), "種類": _fixed("しゅるい"),
    "ヶ所": _fixed("かしょ"), "箇所": _fixed("かしょ"), "項目": _fixed("こうもく"),
    "千": _by_last_digit("せん", "ぜん", "せん", p_digits=""),
    "百": _by_last_digit("ぴゃく", "びゃく", "ひゃく", p_digits="68"),
}


def counter_segments(number: str, counter: str, date: bool) -> Segments | None:
    """The segments of a number and its counter, or None when `counter` is none we know.

    `number` as written (3, ３, 1,000); `date` when a month came just before (11月1日).
    """
    digits = unicodedata.normalize("NFKC", number).replace(",", "")
    if not digits or not digits[-1].isdigit():
        return None
    whole = digits.split(".")[0].lstrip("0") or "0"
    if counter == "日":
        if whole in _DAYS and (date or whole != "1"):
            return ((number + counter, _DAYS[whole]),)
        return ((number, ""), (counter, "にち"))
    if counter == "人":
        if "." not in digits and whole in ("1", "2"):
            return ((number + counter, "ひとり" if whole == "1" else "ふたり"),)
        return ((number, ""), (counter, "にん"))
    if counter in ("か月", "カ月", "ケ月", "か所", "カ所"):  # the kana stays bare: 1か月《げつ》
        return ((number + counter[0], ""), (counter[1], "げつ" if counter[1] == "月" else "しょ"))
    reader = COUNTERS.get(counter)
    if reader is None:
        return None
    return ((number, ""), (counter, reader(digits)))


# --- the analyser -----------------------------------------------------------

@functools.cache
def _tokenizer():
    # Imported here so that a build without ruby never loads the dictionary.
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C), SplitMode.A


def _shown_units(text: str) -> list[tuple[str, str, Segments | None]]:
    """(surface, hiragana reading, segments) of each unit: the reading is "" when the dictionary only
    guessed; the segments are what the unit reads as when it stands alone (`_alone`).

    Each dictionary word's units are kept by its surface and word id: the same word in many texts
    (就労, 支援, the city names) is looked at once, not its reading converted again each time.
    """
    tokenizer, mode_a = _tokenizer()
    out: list[tuple[str, str, Segments | None]] = []
    known = _UNITS_OF
    for m in tokenizer.tokenize(text):
        surface = m.surface()
        key = (surface, m.word_id())
        parts = known.get(key)
        if parts is None:
            if len(known) >= _UNITS_LIMIT:
                known.clear()
            parts = known[key] = _unit_parts(m, surface, mode_a)
        out += parts
    return out


# The units of each dictionary word by (surface, word id) (an unknown word's id is its kind, and its
# reading is always ""); bounded so that one-off surfaces (numbers, addresses) do not pile up.
_UNITS_OF: dict[tuple[str, int], tuple[tuple[str, str, Segments | None], ...]] = {}
_UNITS_LIMIT = 200_000


def _unit_parts(morpheme, surface: str, mode_a) -> tuple[tuple[str, str, Segments | None], ...]:
    """One morpheme's units (its short parts, or itself), each with what `analyse` makes of it alone."""
    if not HAS_KANJI.search(surface):
        pairs: tuple[tuple[str, str], ...] = ((surface, ""),)
    else:
        reading = "" if morpheme.is_oov() else hiragana(morpheme.reading_form())
        if not is_reading(reading):
            pairs = ((surface, ""),)
        else:
            key = (surface, reading)
            pairs = _SPLITS.get(key)
            if pairs is None:
                pairs = _SPLITS[key] = _short_parts(morpheme, mode_a, reading)
    return tuple((part, reading, _alone(part, reading)) for part, reading in pairs)


def _alone(surface: str, reading: str) -> Segments | None:
    """A unit's segments where no number comes into it: None for a unit starting with a digit
    (`analyse` reads it with its neighbours: a number and its counter)."""
    if _is_number(surface[:1]):
        return None
    if not reading or not HAS_KANJI.search(surface):
        return ((surface, ""),)
    return align(surface, reading) or ((surface, reading),)


# The short parts of each long word, by (surface, reading): words repeat across texts.
_SPLITS: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}


def _short_parts(morpheme, mode_a, reading: str) -> tuple[tuple[str, str], ...]:
    """A long word's short parts with their readings, when they add up to its reading; else the word."""
    parts = morpheme.split(mode_a)
    if len(parts) > 1:
        pairs = tuple((p.surface(), hiragana(p.reading_form())) for p in parts)
        if "".join(r for _, r in pairs) == reading and all(is_reading(r) or not HAS_KANJI.search(s) for s, r in pairs):
            return pairs
    return ((morpheme.surface(), reading),)


def _is_number(surface: str) -> bool:
    if not surface or not ("0" <= surface[0] <= "9" or "０" <= surface[0] <= "９"):
        return False
    return _NUMBER.fullmatch(unicodedata.normalize("NFKC", surface)) is not None


# A day of the week written as one kanji, as hours and dates write it (月〜金, 月・水・金, 12月3日（水）):
# the analyser reads 月 as がつ or つき and 水 as みず there.
WEEKDAYS = {"月": "げつ", "火": "か", "水": "すい", "木": "もく", "金": "きん", "土": "ど", "日": "にち"}
_DAY_JOINS = frozenset("〜～・、，,-‐－―/／")
_DAY_READINGS = {**WEEKDAYS, "祝": "しゅく"}
_DAY_LIST = re.compile("[月火水木金土日祝](?:[〜～・、，,/／][月火水木金土日祝])+")


def _is_weekday(units: list, i: int) -> bool:
    """Whether the one-kanji unit at `i` is a day of the week: in brackets of its own (（水）), or joined
    by 〜 ・ 、 - / to another such day (月〜金). Never after a number (3月, 10日: counters)."""
    def surface(at: int) -> str:
        return units[at][0] if 0 <= at < len(units) else ""

    def a_day(at: int) -> bool:  # 金, or a day with 曜 (金曜, 金曜日): 水・木曜日, 火〜金曜
        word = surface(at)
        return word in _DAY_READINGS or (word[:1] in WEEKDAYS and word[1:2] == "曜")

    before, after = surface(i - 1), surface(i + 1)
    if before and _is_number(before[-1:]):
        return False
    if before in ("（", "(") and after in ("）", ")"):
        return True
    return (after in _DAY_JOINS and a_day(i + 2)) or (before in _DAY_JOINS and a_day(i - 2))


@functools.lru_cache(maxsize=200_000)
def analyse(text: str) -> Segments:
    """The segments of `text` as the analyser reads it (no phrases)."""
    if not HAS_KANJI.search(text):
        return ((text, ""),) if text else ()
    if len(text) > _LONG_TEXT:
        return merge(tuple(seg for part in _SENTENCE_END.split(text) for seg in analyse(part)))
    units = _shown_units(text)
    out: list[Segment] = []
    i = 0
    n = len(units)
    date = False
    while i < n:
        surface, reading, shown = units[i]
        if (surface in WEEKDAYS and _is_weekday(units, i)) or _DAY_LIST.fullmatch(surface):
            date = False  # 月〜金, or a list the dictionary has as one word (日・祝: にちしゅく)
            out.extend((char, _DAY_READINGS.get(char, "")) for char in surface)
            i += 1
            if surface[-1] == "祝" and i < n and units[i][0] == "日":  # 土・日・祝日: the dictionary cut 祝|日
                out[-1] = ("祝日", "しゅくじつ")
                i += 1
            continue
        if shown is not None:  # no digit in front: as `_alone` read it (the common case)
            date = False
            out += shown
            i += 1
            continue
        if _is_number(surface) and i + 1 < n:
            counted = counter_segments(surface, units[i + 1][0], date)
            if counted is not None:
                date = units[i + 1][0] == "月"
                out.extend(counted)
                i += 2
                continue
        date = False
        prefixed = _NUMBER_PREFIX.match(surface) if _is_number(surface[:1]) and HAS_KANJI.search(surface) else None
        if prefixed:  # the analyser read 1人 as one word
            counted = counter_segments(prefixed.group(1), prefixed.group(2), False)
            out.extend(counted if counted is not None else align(surface, reading) or ((surface, reading),))
        elif not reading or not HAS_KANJI.search(surface):
            out.append((surface, ""))
        else:
            out.extend(align(surface, reading) or ((surface, reading),))
        i += 1
    return merge(tuple(out))


# Texts whose segments a Furigana keeps; bounded so one-off texts do not pile up.
_SEGMENTS_LIMIT = 400_000


class Furigana:
    """Readings for a site: the analyser, with phrases that take priority.

    `phrases` maps a phrase to its reading (hiragana, split over the kanji
    like a facility's name_kana) or to its segments. A phrase whose reading
    does not fit its text is left to the analyser. Holds only plain data, so
    it can be passed to other processes; the dictionary is loaded per process.
    """

    def __init__(self, phrases: Mapping[str, str | Segments] | None = None):
        self._phrases: dict[str, str | Segments] = {p: r for p, r in (phrases or {}).items() if HAS_KANJI.search(p)}
        lengths: dict[str, set[int]] = {}
        for phrase in self._phrases:
            lengths.setdefault(phrase[0], set()).add(len(phrase))
        self._lengths = {first: sorted(ls, reverse=True) for first, ls in lengths.items()}
        self._resolved: dict[str, Segments | None] = {}
        # Texts read so far (the shared words read every record before the pages, which then
        # find their texts here, in the render workers too: they fork after).
        self._segments: dict[str, Segments] = {}
        # HTML text runs already converted (transform.py fills it).
        self.html_cache: dict[str, str] = {}
        # Pieces of pages (lines) already converted (transform.py fills it).
        self.piece_cache: dict[str, str] = {}
        # Texts (without the white space around them) already converted to HTML (transform.py).
        self.body_cache: dict[str, str] = {}
        self.piece_sighted: set[int] = set()
        # The words the browser puts on from words.json (shared.SharedWords), set before any page is written.
        self.shared = None
        self._phrases_digest: bytes | None = None

    def __len__(self) -> int:
        return len(self._phrases)

    def phrases_digest(self) -> bytes | None:
        """A SHA-256 of the phrase table (the whole `cache_identity` before the shared words are chosen),
        computed once: the table never changes after __init__. None for a table JSON cannot write."""
        if self._phrases_digest is None:
            try:
                text = json.dumps(sorted(self._phrases.items()), ensure_ascii=False, separators=(",", ":"))
            except (TypeError, ValueError):
                return None
            self._phrases_digest = hashlib.sha256(b"phrases:" + text.encode()).digest()
        return self._phrases_digest

    def cache_identity(self) -> dict:
        """What the readings depend on besides the code and the dictionary (both in the cache's code key)."""
        if self.shared is None:
            return self._phrases
        return {"phrases": self._phrases, "shared": self.shared.words}

    def identity_digest(self) -> bytes | None:
        """A digest of `cache_identity()` (the phrase table by `phrases_digest`, and the shared words), for the
        readings memo's key; None when the table has no JSON digest (then cache_identity itself is hashed)."""
        phrases = self.phrases_digest()
        if phrases is None or self.shared is None:
            return phrases
        words = json.dumps(sorted(self.shared.words.items()), ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(b"identity:" + phrases + words.encode()).digest()

    def page_identity(self) -> dict:
        """What every page's key takes from ふりがな (pages/reuse.py): the phrases, and whether there are shared
        words. The shared words themselves are compared word by word there (`shared_words`): a page depends
        only on those in its text. The phrases go as their digest when they have one: the site key is made
        twice a rebuild (PageReuse, and its still_current check), and walking 30,000 names cost 0.1 s each time."""
        phrases = self.phrases_digest()
        return {"phrases": phrases if phrases is not None else self._phrases, "shared words": self.shared is not None}

    def shared_words(self) -> dict[str, str] | None:
        return None if self.shared is None else self.shared.words

    def phrase_segments(self, phrase: str) -> Segments | None:
        """The segments of a known phrase, or None when its reading does not fit it."""
        if phrase not in self._resolved:
            spec = self._phrases[phrase]
            self._resolved[phrase] = spec if isinstance(spec, tuple) else phrase_reading(phrase, spec)
        return self._resolved[phrase]

    def segments(self, text: str) -> Segments:
        """The segments of `text`: phrases first (longest first), the analyser for the rest."""
        done = self._segments.get(text)
        if done is None:
            if len(self._segments) >= _SEGMENTS_LIMIT:
                self._segments.clear()
            done = self._segments[text] = self._read(text)
        return done

    def _read(self, text: str) -> Segments:
        if not self._lengths:
            return analyse(text)
        out: list[Segment] = []
        start = i = 0
        n = len(text)
        while i < n:
            for length in self._lengths.get(text[i], ()):
                candidate = text[i : i + length]
                if candidate in self._phrases:
                    found = self.phrase_segments(candidate)
                    if found is not None:
                        out.extend(analyse(text[start:i]))
                        out.extend(found)
                        i += length
                        start = i
                        break
            else:
                i += 1
        if not start:
            return analyse(text)  # no phrase in it (the most texts): the analyser's segments, merged already
        out.extend(analyse(text[start:]))
        return merge(tuple(out))


def phrase_reading(phrase: str, reading: str) -> Segments | None:
    """A phrase with its whole reading given (a facility name and its name_kana).

    The analyser's split is kept when its readings spell the given reading
    (short rubies that can wrap); otherwise the reading is split over the
    phrase's kanji runs; None when it does not fit the phrase at all.
    """
    wanted = hiragana(reading).replace(" ", "").replace("\u3000", "")
    analysed = analyse(phrase)
    spelled = "".join(read or hiragana(base) for base, read in analysed)
    if re.sub(r"[\s\u3000・]", "", spelled) == re.sub(r"[・]", "", wanted):
        return analysed
    aligned = align_given(phrase, wanted)
    if aligned is None:
        return None
    # Where the record reads a kanji run as the dictionary does, the dictionary's split is kept (short rubies
    # that can wrap, and the same words as in every other text: the shared words depend on it).
    out: list[Segment] = []
    for base, read in aligned:
        parts = analyse(base) if read else ()
        if parts and "".join(r or hiragana(b) for b, r in parts) == read:
            out.extend(parts)
        else:
            out.append((base, read))
    return merge(tuple(out))
