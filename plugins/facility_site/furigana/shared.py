"""Shared words: ruby the browser puts on from one cached file instead of every page carrying it.

Most of a page's ruby is over words every page has (the header, the labels,
就職, 支援, the city names): written into every page, their readings and
markup were most of the bytes ふりがな added. The build picks those words
before any page is rendered (`choose_words`: the theme's and the plugin's own
labels, and the words of at least 0.1% of the facility records, each read
one way), writes them to `furigana/words.json`, and leaves them bare in the
pages. With ふりがな on, furigana/live.js fetches that file once (the browser
keeps it) and puts their ruby on while the page is kept hidden.

The build leaves a word bare only where the browser will put exactly the
ruby the build would have: `SharedWords.plan` runs the browser's matching
(`SharedWords.segment`, the same as live.js `segmentText`: the longest known word at
each place) over each text and keeps in the page the ruby of any word it
would read or split differently (人 read ひと here, a longer word across a
boundary). So a page with ふりがな on shows the same readings as when the
build wrote them all (tests/furigana/test_shared_words.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .reading import HAS_KANJI, Furigana, Segments, merge, notation

logger = logging.getLogger(__name__)

WORDS_FILE = "furigana/words.json"
# A word's base: kanji only (no digits, kana or ヶ), so a match starts and ends on kanji.
_ALL_KANJI = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff][\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々]*")
_KANJI_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]+")
# Characters outside the BMP (two UTF-16 code units in JavaScript).
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# A word of at least this share of the records is shared (and of at least 2).
SHARE = 0.001
# At most this many words in words.json (the most common first).
MOST = 4000


class SharedWords:
    """The words the browser reads from words.json, base → reading."""

    def __init__(self, words: Mapping[str, str]):
        self.words = {base: words[base] for base in sorted(words) if _ALL_KANJI.fullmatch(base)}
        # The lengths of the words starting with each kanji, longest first: `segment` tries only those.
        lengths: dict[str, set[int]] = {}
        for base in self.words:
            lengths.setdefault(base[0], set()).add(len(base))
        self.lengths = {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}

    def entries(self) -> list[str]:
        """words.json: the words in 青空文庫 notation, sorted."""
        return sorted(notation(((base, read),)) for base, read in self.words.items())

    def segment(self, text: str) -> Segments:
        """The browser's segments of one text node: live.js segmentText with words.json as its dictionary."""
        out: list = []
        bare = 0  # where the text not yet matched starts
        n = len(text)
        words = self.words
        lengths_of = self.lengths
        # Every word is kanji only (no digit), so a match lies within a run of kanji: the
        # longest-first search of live.js tried only there, and only with the lengths of the
        # words that start with the kanji at hand, with the same result.
        for run in _KANJI_RUN.finditer(text):
            i, end = run.span()
            while i < end:
                for length in lengths_of.get(text[i], ()):
                    if length > end - i:
                        continue
                    read = words.get(text[i : i + length])
                    if read is not None:
                        if bare < i:
                            out.append((text[bare:i], ""))
                        out.append((text[i : i + length], read))
                        i += length
                        bare = i
                        break
                else:
                    i += 1
        if bare < n:
            out.append((text[bare:], ""))
        return tuple(out)

    def plan(self, segments: Segments) -> tuple[bool, ...] | None:
        """Which segments keep their ruby in the page (True) so the browser's matching of the rest
        gives exactly `segments`; None when no choice does (the page then keeps it all).

        Each text node of the rest is matched as the browser will; at the first place it goes
        wrong, the word there keeps its ruby (which also cuts the text node), and again.
        """
        bases = [base for base, _ in segments]
        if _ASTRAL.search("".join(bases)):
            return None  # JavaScript counts these as two characters: not worth matching it
        n = len(segments)
        kept = [False] * n
        start = 0  # the text nodes before it matched right, and a word kept after them does not change them
        for _ in range(n + 1):
            wrong = None
            i = start
            while i < n and wrong is None:
                if kept[i]:
                    i += 1
                    continue
                j = i
                while j < n and not kept[j]:
                    j += 1
                piece = segments[i:j]
                got = self.segment("".join(bases[i:j]))
                if got != merge(piece):
                    start = i
                    m = next((k for k, (a, b) in enumerate(zip(got, piece, strict=False)) if a != b), min(len(got), len(piece)))
                    if m < len(piece) and piece[m][1]:
                        wrong = i + m
                    elif m + 1 < len(piece):
                        wrong = i + m + 1  # the browser read a word into this bare text: cut it after
                    else:
                        return None
                i = j
            if wrong is None:
                return tuple(kept)
            if kept[wrong]:
                return None
            kept[wrong] = True
        return None


def words_of(furigana: Furigana, texts: Iterable[str]) -> Iterator[tuple[str, str]]:
    """(base, reading) of each kanji-only word of `texts` as the pages read them."""
    for text in texts:
        for base, read in furigana.segments(text):
            if read and _ALL_KANJI.fullmatch(base):
                yield base, read


def choose_words(
    furigana: Furigana, labels: Iterable[str], records: Iterable[Iterable[str]], memo: dict | None = None, keys: list[bytes] | None = None
) -> SharedWords:
    """The shared words: every word of the site's own labels, and each word of at least SHARE of the records
    (and of 2), the commonest first, MOST at most; a word read more than one way anywhere is left out.

    `memo` (the build cache's, for the same phrase table) maps a key of a record's texts (a digest of
    them, or `keys`' entry: its Facility's fingerprint digest) to their words: only records whose texts
    changed are read again (a record's texts are only iterated then). It also keeps the sums over its
    records (`_TALLY`), so a rebuild adds and takes away only the records that came and went.
    On return it holds this build's records.
    """
    readings: dict[str, set[str]] = {}
    always: set[str] = set()
    for base, read in _label_words(furigana, labels, memo):
        readings.setdefault(base, set()).add(read)
        always.add(base)
    records = list(records)
    tally = _Tally()
    if memo is None:
        for texts in records:
            tally.add(frozenset(words_of(furigana, texts)), 1)
    else:
        known = dict(memo)
        previous = known.pop(_TALLY, None)
        labels_entry = known.pop(_LABELS, None)
        memo.clear()
        found_of: dict = {}
        record_keys = []
        for index, texts in enumerate(records):
            key = keys[index] if keys is not None else hashlib.sha256("\0".join(texts).encode()).digest()
            record_keys.append(key)
            if key not in found_of:
                found = known.get(key)
                found_of[key] = found if found is not None else frozenset(words_of(furigana, texts))
        fresh = sum(1 for key in found_of if key not in known)
        counts = Counter(record_keys)
        tally = _Tally.since(previous, counts, known, found_of)
        if tally is None:
            tally = _Tally()
            for key, times in counts.items():
                tally.add(found_of[key], times)
            tally.records = counts
        memo.update(found_of)
        memo[_TALLY] = tally
        memo[_LABELS] = labels_entry
        logger.debug("facility_site: furigana: %d of %d record texts read again (shared words cache)", fresh, len(records))
    count = tally.count
    for base, reads in tally.reads.items():
        readings.setdefault(base, set()).update(reads)
    least = max(2, int(len(records) * SHARE))
    common = sorted((base for base, k in count.items() if k >= least and base not in always), key=lambda b: (-count[b], b))
    chosen = sorted(always) + common
    words = {base: next(iter(readings[base])) for base in chosen if len(readings[base]) == 1}
    return SharedWords(dict(list(words.items())[:MOST]))


# The shared-words memo's entry for the sums over its records (its other keys are bytes).
_TALLY = "tally"
# Its entry for the words of the site's own labels: (a digest of the labels, their (base, reading) pairs).
_LABELS = "labels"


def _label_words(furigana: Furigana, labels: Iterable[str], memo: dict | None) -> tuple[tuple[str, str], ...]:
    """words_of(furigana, labels), from `memo` when the labels are those it was made for (every rebuild that
    changed no template or label of the code: reading the 2,000-odd labels again was a tenth of a second).
    The memo is for one phrase table (furigana/writer.py), and the analyser is in the cache's code key.
    Stores the labels' entry in `memo` (a new object only when the labels changed)."""
    labels = list(labels)
    if memo is None:
        return tuple(words_of(furigana, labels))
    digest = hashlib.sha256("\0".join(labels).encode()).digest()
    stored = memo.get(_LABELS)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == digest:
        return stored[1]
    found = tuple(words_of(furigana, labels))
    memo[_LABELS] = (digest, found)
    return found


class _Tally:
    """Sums over the records' words: how many records hold each word, and each (word, reading) pair.

    `records` counts the memo keys they were made from, so the next build takes away the records
    that went and adds the ones that came instead of summing all of them again.
    """

    def __init__(self):
        self.count: Counter = Counter()  # base -> records holding it
        self.pairs: Counter = Counter()  # (base, read) -> records holding it
        self.records: Counter = Counter()

    @property
    def reads(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for base, read in self.pairs:
            found.setdefault(base, set()).add(read)
        return found

    def add(self, found: frozenset, times: int) -> None:
        for pair in found:
            self.pairs[pair] += times
        for base in {base for base, _ in found}:
            self.count[base] += times

    def take(self, found: frozenset, times: int) -> None:
        for pair in found:
            self.pairs[pair] -= times
            if self.pairs[pair] <= 0:
                del self.pairs[pair]
        for base in {base for base, _ in found}:
            self.count[base] -= times
            if self.count[base] <= 0:
                del self.count[base]

    @classmethod
    def since(cls, previous, counts: Counter, known: dict, found_of: dict):
        """`previous` brought up to `counts` (the memo keys of this build's records), or None when it cannot be.

        A new object when anything changed, `previous` itself otherwise: `previous` is never changed in
        place, since the build cache writes only the memo entries that are not the objects it loaded.
        """
        if not isinstance(previous, cls):
            return None
        went, came = previous.records - counts, counts - previous.records
        if any(key not in known for key in went):
            return None
        if not went and not came:
            return previous
        tally = cls()
        tally.count, tally.pairs = previous.count.copy(), previous.pairs.copy()
        for key, times in went.items():
            tally.take(known[key], times)
        for key, times in came.items():
            tally.add(found_of[key], times)
        tally.records = counts
        return tally


_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_TEXT = re.compile(r">([^<>]+)<")


def template_labels(templates: Path) -> Iterator[str]:
    """The text between tags of the theme's templates, Jinja left out."""
    for path in sorted(templates.rglob("*.html")):
        source = _JINJA.sub("\n", path.read_text(encoding="utf-8"))
        for match in _TEXT.finditer(source):
            for line in match.group(1).splitlines():
                if HAS_KANJI.search(line):
                    yield line.strip()


# A one-line string literal with kanji ("…" or '…', no escapes): the labels, not code.
_PY_STRING = re.compile(r'"([^"\\\n]*[\u3400-\u9fff][^"\\\n]*)"|\'([^\'\\\n]*[\u3400-\u9fff][^\'\\\n]*)\'')


def code_labels(package: Path) -> Iterator[str]:
    """String constants with kanji in the plugin's code (the labels its pages write)."""
    for path in sorted(package.rglob("*.py")):
        for match in _PY_STRING.finditer(path.read_text(encoding="utf-8")):
            yield match.group(1) or match.group(2)


# The fields of a record shown as text on many pages (the rest is the templates' labels or one page's own).
_RECORD_TEXTS = ("name", "city", "address", "catchphrase", "features", "description_html")


def record_texts(facility) -> Iterator[str]:
    """The texts with kanji of one record that pages show: name, place, stations, catchphrase, features, description."""
    for name in _RECORD_TEXTS:
        value = getattr(facility, name, None)
        for text in (value,) if isinstance(value, str) else value or ():
            if HAS_KANJI.search(text):
                yield from (line for line in _TAG_OR_LINE.split(text) if HAS_KANJI.search(line))
    for station in getattr(facility, "access", ()) or ():
        for value in (station.name, station.line):
            if value and HAS_KANJI.search(value):
                yield value


_TAG_OR_LINE = re.compile(r"<[^>]*>|\n")


def write_words(output: Path, shared: SharedWords) -> None:
    target = output / WORDS_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(shared.entries(), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def load_words(path: Path) -> SharedWords:
    """A words.json as the browser reads it."""
    from .reading import parse_notation

    return SharedWords({base: read for entry in json.loads(path.read_text(encoding="utf-8")) for base, read in parse_notation(entry) if read})


def expand(html: str, shared: SharedWords) -> str:
    """`html` with the ruby the browser puts on from words.json (for tests and tools: the page as shown with ふりがな on)."""
    from .transform import TEXT_RUNS, ruby_markup

    def replace(match: re.Match) -> str:
        text = match.group(2)
        if text is None or "&" in text:
            return match.group(0)
        segments = merge(shared.segment(text))
        if not any(read for _, read in segments):
            return match.group(0)
        marked = ruby_markup(segments)
        return ">" + (marked if len(segments) == 1 else f"<span>{marked}</span>")

    return TEXT_RUNS.sub(replace, html)
