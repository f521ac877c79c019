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

The readings are cut the way the data is, so a visitor with ふりがな on
fetches the readings of the data the page fetched, not of the whole site:

- `furigana/readings.json`: the scripts' own words, the data that is not in
  chunks (facets, …) and the vocabularies of the pages that render in the
  browser (their JSON config blocks: prefecture names, labels);
- `furigana/<path>` for each data file in chunks (search cards
  `search/<hash>/cards/doc-<k>.json`, `facility-data/<k>.json`): the
  readings of that file's text not already in readings.json, fetched with it. The search cards by
  prefecture (`cards/pref-<slug>.json`) hold the same rows as the doc chunks
  and get none: the browser asks for a card's doc chunk.

Each is a sorted JSON list of chunks in 青空文庫 notation;
theme/static/js/furigana/live.js fetches them only when ふりがな is on, and
puts the longest chunk that matches at each place of a rendered text.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import logging
import os
import pickle
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..cache import BuildCache, Fingerprint, UncacheableError
from ..staged import site_files, site_files_where, tree_for, write_files
from .reading import HAS_KANJI, KANJI_CHARS, Furigana, Segments, notation
from .transform import TEXT_RUNS, in_browser

logger = logging.getLogger(__name__)

OUTPUT_FILE = "furigana/readings.json"
READINGS_DIR = "furigana"
_READINGS_PREFIX = READINGS_DIR + "/"
# The build cache's file of what each data file reads as (ReadingsMemo).
CACHE_NAME = "readings"
# Data that is never shown as text (the search word index), the readings
# themselves, and the cards by prefecture (the same rows as the doc chunks).
_SKIP_DATA = re.compile(r"^search/[^/]+/text/|^furigana/|^search/[^/]+/cards/pref-")
# Data in chunks: each gets its own readings file, furigana/<its path>.
_CHUNKED_DATA = re.compile(r"^search/[^/]+/cards/doc-[0-9]+\.json$|^facility-data/[0-9]+\.json$")
# Pages that render text in the browser from the vocabularies in their JSON config blocks.
_CONFIG_PAGES = ("search/index.html", "compare/index.html", "visit/index.html")
_CONFIG_BLOCK = re.compile(r'<script type="application/json"[^>]*>(.*?)</script>', re.DOTALL)
_HIRAGANA_ONLY = re.compile("[\u3041-\u309f\u30fc]+")
_DIGITS = re.compile(r"[0-9０-９][0-9０-９,，.．]*")
# String literals in the theme's scripts: "…", '…' and the fixed parts of `…${x}…`.
_JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`', re.DOTALL)
_TEMPLATE_HOLE = re.compile(r"\$\{[^}]*\}")
_TRAILING_NUMBER = re.compile(r"[0-9０-９][0-9０-９,，.．]*$")
_SPACES = re.compile(r"[\s　]+")


def chunks(segments: Segments) -> Iterator[Segments]:
    """The chunks of a text's segments: kanji words with the hiragana between them; a number with its counter."""
    yield from _chunk_list(segments)


def _chunk_list(segments: Segments) -> list[Segments]:
    """`chunks` as a list (a plain loop: the readings files cut some 100,000 texts).

    A chunk ends on a reading, not on a particle, except a chunk of one kanji: 空 is あ in 空きあり and
    から in 空です, 入 い or はい, so its kana go with it (空《あ》きあり), and the browser, which reads
    the longest chunk that fits, takes each where its sentence has it.
    """
    out: list[Segments] = []
    current: list = []
    last = len(segments) - 1
    for i, segment in enumerate(segments):
        base, read = segment
        if read or (current and _HIRAGANA_ONLY.fullmatch(base)):
            current.append(segment)
            continue
        if current:
            if len(current) == 1 and len(current[0][0]) == 1 and (kana := _HIRAGANA_ONLY.match(base)):
                current.append((kana.group(0), ""))  # 空にしました。: the kana before the 。 go with 空
            _end_chunk(current, out)
            current = []
        # A number just before a counter: 2分 and 3分 read differently.
        if i < last and segments[i + 1][1]:
            number = _TRAILING_NUMBER.search(base)
            if number:
                current.append((number.group(0), ""))
    if current:
        _end_chunk(current, out)
    return out


def _end_chunk(current: list, out: list[Segments]) -> None:
    """Close a chunk: without its trailing kana, unless it is one kanji (see _chunk_list)."""
    end = len(current)
    while end and not current[end - 1][1]:
        end -= 1
    if end == 1 and len(current[0][0]) == 1 and end < len(current):
        out.append(tuple(current))
    elif end:
        out.append(tuple(current[:end]))


def data_files(output: Path) -> Iterator[tuple[str, list[str]]]:
    """(path in the site, its strings with kanji, keys included) of every data file whose text can be shown."""
    files = site_files(output)
    for relative in sorted((r for r in files if r.endswith(".json")), key=lambda r: r.split("/")):
        if _SKIP_DATA.search(relative):
            continue
        try:
            yield relative, _strings_in_json(Path(files[relative]).read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue


def _read_for_readings(relative: str) -> bool:
    """The files readings_files reads: the data files and the pages with config blocks."""
    return relative.endswith(".json") or relative in _CONFIG_PAGES


def data_bytes(output: Path, files: dict[str, str] | None = None) -> Iterator[tuple[str, bytes]]:
    """(path in the site, bytes) of every data file whose text can be shown (data_files, before reading its strings).

    `files`: the site's files as site_files gives them, when the caller has them already.
    """
    if files is None:
        files = site_files(output)  # written and kept files alike (staged.py)
    for relative in sorted(r for r in files if r.endswith(".json")):
        if not _SKIP_DATA.search(relative):
            yield relative, Path(files[relative]).read_bytes()


# A JSON string literal with kanji and without escapes; a file with a backslash anywhere is parsed
# instead. Outside its strings JSON has neither quotes nor kanji, so a match cannot start at a
# string's closing quote: the matches are exactly the strings with kanji, in order. The quantifiers
# are possessive: up to the first kanji, then to the closing quote, never giving a character back (a
# string without kanji fails at its closing quote instead of being walked back).
_PLAIN_JSON_STRING = re.compile(f'"([^"{KANJI_CHARS}]*+[{KANJI_CHARS}][^"]*+)"')


def _strings_in_json(text: str) -> list[str]:
    """The strings with kanji of one JSON document, keys included.

    The build writes its data with ensure_ascii=False, so a string is almost
    always its literal as written: those are read off the text by one regex
    instead of parsing it and walking the tree (the walk was most of the
    readings' cost). Any backslash (an escape) sends the file to json.loads.
    The order differs from the tree's, which does not matter: every reader
    of these lists sorts or de-duplicates them.
    """
    if "\\" in text:
        return list(_strings(json.loads(text)))
    return _PLAIN_JSON_STRING.findall(text)


def strings_in_data(output: Path) -> Iterator[str]:
    """Every string with kanji in the site's JSON data files, keys included."""
    for _path, texts in data_files(output):
        yield from texts


def strings_in_config_blocks(output: Path, files: dict[str, str] | None = None) -> Iterator[str]:
    """Strings with kanji in the JSON config blocks of the pages that render text in the browser,
    and the text of such a page whose ruby is put on in the browser (the search page)."""
    if files is None:
        files = site_files(output)
    for name in _CONFIG_PAGES:
        page = files.get(name)
        if page is None:
            continue
        text = Path(page).read_text(encoding="utf-8")
        for block in _CONFIG_BLOCK.findall(text):
            try:
                yield from _strings(json.loads(block))
            except ValueError:
                continue
        if in_browser(text):
            yield from page_texts(text)


def page_texts(page: str) -> Iterator[str]:
    """The runs of visible text with kanji of a page, as the browser holds them (entities decoded)."""
    for match in TEXT_RUNS.finditer(page):
        if match.group(2) is not None:
            yield html.unescape(match.group(2).strip())


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


class _Reader:
    """The chunks and words of texts, each text read once however many files hold it."""

    def __init__(self, furigana: Furigana):
        self.furigana = furigana
        self.seen: dict[str, tuple[frozenset, frozenset]] = {}
        # Every (word, reading) in each text's chunks (for _summary, and `words`).
        self.pairs: dict[str, frozenset] = {}
        # `words`, made when asked for (the readings files do not ask).
        self._words: dict[str, set[str]] = {}
        self._read_since = False

    def read(self, text: str) -> tuple[frozenset, frozenset]:
        """(chunks, words with a reading) of one text."""
        done = self.seen.get(text)
        if done is None:
            found: set[Segments] = set()
            segments = self.furigana.segments
            for piece in _SPACES.split(text):
                if HAS_KANJI.search(piece):
                    found.update(_chunk_list(segments(piece)))
            pairs = self.pairs[text] = frozenset([pair for chunk in found for pair in chunk if pair[1]])
            done = self.seen[text] = (frozenset(found), frozenset([base for base, _read in pairs]))
            self._read_since = True
        return done

    @property
    def words(self) -> dict[str, set[str]]:
        """Every reading each word got, over all the texts read so far."""
        if self._read_since:
            words: dict[str, set[str]] = {}
            for pairs in self.pairs.values():
                for base, read in pairs:
                    words.setdefault(base, set()).add(read)
            self._words, self._read_since = words, False
        return self._words

    def entries(self, texts: Iterable[str]) -> list[str]:
        """The sorted chunks of `texts` in notation, plus their words that are read one way everywhere.

        Call after every text of the site went through `read`, so "everywhere" is the whole site.
        """
        found: set[Segments] = set()
        bases: set[str] = set()
        for text in set(texts):
            chunks_of, words_of = self.read(text)
            found |= chunks_of
            bases |= words_of
        # A lone number-and-counter (1日) is no word: 1日 is ついたち only after a month.
        for base in bases:
            reads = self.words[base]
            if len(reads) == 1 and not _DIGITS.search(base):
                found.add(((base, next(iter(reads))),))
        return sorted({notation(chunk) for chunk in found})


def readings_dictionary(texts: Iterable[str], furigana: Furigana) -> list[str]:
    """The sorted chunks of every text, in notation, plus the words read the same way everywhere."""
    texts = list(texts)
    reader = _Reader(furigana)
    for text in texts:
        reader.read(text)
    return reader.entries(texts)


# A unit's summary: (its chunks, every (word, reading) in them). A unit is one data file, or the
# site's own texts (scripts and config blocks); summaries are kept in the build cache by the
# digest of the unit's bytes, so a rebuild reads again only the files whose bytes changed.
Summary = tuple[frozenset, frozenset]


def _opened(summary: Summary | bytes) -> Summary:
    """A summary as the build cache keeps it (pickled on its own, ReadingsMemo.as_dict) or as computed."""
    return pickle.loads(summary) if type(summary) is bytes else summary


def _summary(reader: _Reader, texts: Iterable[str]) -> Summary:
    """A unit's chunks and (word, reading) pairs: the union of its texts' (each text read once per build)."""
    texts = set(texts)
    seen, read = reader.seen, reader.read
    found = frozenset().union(*[(seen.get(text) or read(text))[0] for text in texts])
    pairs = reader.pairs
    return found, frozenset().union(*[pairs[text] for text in texts])


class ReadingsMemo:
    """What readings_files keeps between builds (furigana/…: `readings` in the build cache).

    - `units`: digest of a data file's bytes (or of the site's own texts) -> its Summary.
    - `files`: digest of a chunk's unit -> (digest of the site-wide part it depends on, its readings
      file's JSON bytes): reused when neither changed, under whatever path the chunk now has
      (a search group moves to a new search/<hash>/ when any of its files changes).
    Both are valid only for the phrase table they were made with (`phrases`, a digest of
    Furigana.cache_identity); the code and the dictionary are in the cache's code key.
    """

    def __init__(self, phrases: bytes, units: dict | None = None, files: dict | None = None, sums: _Sums | None = None, stats: dict | None = None):
        self.phrases = phrases
        self.units: dict[bytes, Summary] = units or {}
        self.files: dict[bytes, tuple[bytes, bytes]] = files or {}
        # The site-wide part of the last build (_Sums), so a rebuild takes away and adds only the units that changed.
        self.sums = sums
        # Path in the site -> (inode, size, mtime_ns, digest) of each data file read and each readings file
        # written, as the last build left them (FileStats): the same file is not read again.
        self.stats: dict[str, tuple[int, int, int, bytes]] = stats or {}

    def as_dict(self) -> dict:
        """One flat table (`units` under b"u" + key, `files` under b"f" + key, `stats` under b"s" + path):
        the build cache then writes only the entries a rebuild changed beside it (BuildCache.save(changes=True))."""
        table: dict = {"phrases": self.phrases}
        if self.sums is not None:
            table["sums"] = self.sums
        # Each unit's summary pickled on its own: a rebuild loads them as bytes and opens only the few it
        # uses (_opened); loading 5,000 summaries as sets of tuples was most of its readings' time.
        self.pack()
        table.update((b"u" + key, summary) for key, summary in self.units.items())
        table.update((b"f" + key, file) for key, file in self.files.items())
        table.update((b"s" + path.encode(), stat) for path, stat in self.stats.items())
        return table

    def pack(self) -> None:
        """Each unit's summary pickled on its own, as the build cache keeps it (a clean build does this while
        its pages render: early_readings)."""
        dump = functools.partial(pickle.dumps, protocol=pickle.HIGHEST_PROTOCOL)
        self.units = {key: summary if type(summary) is bytes else dump(summary) for key, summary in self.units.items()}

    @classmethod
    def from_dict(cls, data: dict, phrases: bytes) -> ReadingsMemo:
        if data.get("phrases") != phrases:
            return cls(phrases)
        units, files, stats = {}, {}, {}
        for key, value in data.items():
            if isinstance(key, bytes):
                kind = key[:1]
                if kind == b"u":
                    units[key[1:]] = value
                elif kind == b"f":
                    files[key[1:]] = value
                elif kind == b"s":
                    stats[key[1:].decode()] = value
        sums = data.get("sums")
        return cls(phrases, units, files, sums if isinstance(sums, _Sums) else None, stats)


class _Sums:
    """The site-wide part of one build's readings files, kept in the memo (never changed once made).

    - `units`: how many times each unit key is among the site's units (the data files and the site's own texts);
    - `pairs`: how many of those units hold each (word, reading);
    - `site_part`, `singles`: the digest of readings.json and the words read one way everywhere, which
      every chunk's readings file depends on.
    """

    def __init__(self, units: Counter, pairs: Counter, site_part: bytes, singles: dict[str, str]):
        self.units, self.pairs, self.site_part, self.singles = units, pairs, site_part, singles

    def since(self, units: Counter, summaries: dict[bytes, Summary]) -> Counter | None:
        """`pairs` for the units `units` (key -> times), from this build's by the units that went and came;
        None when a unit that went has no summary in `summaries`."""
        went, came = self.units - units, units - self.units
        if any(key not in summaries for key in went):
            return None
        pairs = self.pairs.copy()
        for key, times in went.items():
            for pair in _opened(summaries[key])[1]:
                pairs[pair] -= times
        for key, times in came.items():
            for pair in _opened(summaries[key])[1]:
                pairs[pair] += times
        return +pairs  # without the pairs no unit holds any longer


def _digest(*parts: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.digest()


def _entries(summaries: Iterable[Summary], singles: dict[str, str], written: dict[Segments, str] | None = None) -> set[str]:
    """Notation of the summaries' chunks, plus their words read one way everywhere (`singles`).

    `written` keeps each chunk's notation for the next call (most chunks are in many files).
    """
    found: set[Segments] = set()
    for chunks_of, pairs in summaries:
        found |= chunks_of
        found.update(((base, singles[base]),) for base, _read in pairs if base in singles)
    if written is None:
        return {notation(chunk) for chunk in found}
    out = set()
    for chunk in found:
        text = written.get(chunk)
        if text is None:
            text = written[chunk] = notation(chunk)
        out.add(text)
    return out


class ReadingsInputs:
    """What readings_files reads from a site: the site's own texts (the scripts' strings and the config
    blocks) and every data file it reads, each data file's bytes read once, as `data` goes.

    `digest()` sums all of it up: the same digest, the same readings files (for the same Furigana and
    code). One walk of the output finds both kinds of file.
    """

    def __init__(self, output: Path, theme_js: Path, known: dict[str, tuple] | None = None):
        self._output = output
        self._files = site_files_where(output, _read_for_readings)
        self.site_texts = list(strings_in_scripts(theme_js)) + list(strings_in_config_blocks(output, self._files))
        self.site_key = _digest(b"site", *(text.encode() for text in self.site_texts))
        self._keys: list[bytes] | None = None
        # Path -> (inode, size, mtime_ns, digest) of the data files as the last build read them (ReadingsMemo.stats):
        # a file that is still that very file (kept from the previous output) is not read to know its digest.
        self._known = known or {}
        self.stats: dict[str, tuple[int, int, int, bytes]] = {}  # the same, for this build's data files

    def data(self) -> Iterator[tuple[str, bytes, Callable[[], bytes]]]:
        """(path in the site, digest of its bytes, a function giving its bytes) of each data file whose text
        can be shown, in order."""
        keys: list[bytes] = []
        files, known, stats = self._files, self._known, self.stats
        for path in sorted(r for r in files if r.endswith(".json")):
            if _SKIP_DATA.search(path):
                continue
            location = files[path]
            stat = os.stat(location)
            signature = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
            entry = known.get(path)
            if entry is not None and entry[:3] == signature:
                key = entry[3]
                load = functools.partial(_read_bytes, location)
            else:
                data = _read_bytes(location)
                key = _digest(b"data", data)
                load = functools.partial(_given, data)
            stats[path] = (*signature, key)
            keys.append(path.encode() + b"\0" + key)
            yield path, key, load
        self._keys = keys

    def digest(self) -> bytes:
        """A digest of everything read: the site's own texts, and each data file's path and bytes."""
        if self._keys is None:
            for _item in self.data():
                pass
        return _digest(self.site_key, *self._keys)


def readings_files(
    output: Path, theme_js: Path, furigana: Furigana, memo: ReadingsMemo | None = None, inputs: ReadingsInputs | None = None
) -> dict[str, bytes]:
    """The readings files for the site in `output`, by path (JSON bytes): readings.json and one per data chunk.

    With `memo` (the build cache's), a data file whose bytes did not change is
    not read again, and a readings file whose inputs did not change is reused;
    the result is the same as without it, and `memo` is left holding this build's.
    `inputs`: the site's files as ReadingsInputs finds them, when the caller wants their digest afterwards.
    """
    previous = memo or ReadingsMemo(b"")
    units: dict[bytes, Summary] = {}
    reader = _Reader(furigana)

    def summary_of(key: bytes, texts) -> Summary:
        found = units.get(key) or previous.units.get(key)
        if found is None:
            found = _summary(reader, texts())
        units[key] = found
        return found

    if inputs is None:
        inputs = ReadingsInputs(output, theme_js, previous.stats)
    site_texts, site_key = inputs.site_texts, inputs.site_key
    site_units = [_opened(summary_of(site_key, lambda: site_texts))]
    site_keys = [site_key]
    chunked: dict[str, tuple[bytes, Summary]] = {}
    for path, key, load in inputs.data():
        try:
            summary = summary_of(key, lambda load=load: _strings_in_json(load().decode("utf-8")))
        except (UnicodeDecodeError, ValueError):
            continue
        if _CHUNKED_DATA.match(path):
            chunked[f"{READINGS_DIR}/{path}"] = (key, summary)
        else:
            site_units.append(_opened(summary))
            site_keys.append(key)
    # Every reading each word got over the whole site; a word read one way everywhere is a chunk of its own.
    # Counted per unit, so a rebuild brings the last build's counts up to date by the units that changed.
    unit_counts = Counter(site_keys)
    unit_counts.update(key for key, _summary in chunked.values())
    sums = previous.sums
    pair_counts = sums.since(unit_counts, {**previous.units, **units}) if sums is not None else None
    if pair_counts is None:
        pair_counts = Counter()
        for key, times in unit_counts.items():
            if times == 1:
                pair_counts.update(_opened(units[key])[1])  # counted in C: most units are in the site once
            else:
                for pair in _opened(units[key])[1]:
                    pair_counts[pair] += times
    words: dict[str, set[str]] = {}
    for base, read in pair_counts:
        words.setdefault(base, set()).add(read)
    singles = {base: next(iter(reads)) for base, reads in words.items() if len(reads) == 1 and not _DIGITS.search(base)}
    written: dict[Segments, str] = {}
    everywhere = _entries(site_units, singles, written)
    files = {OUTPUT_FILE: _json(sorted(everywhere))}
    # The browser always has the site's file: a chunk's file leaves out what that holds. A chunk's file
    # depends on its unit, on `everywhere` and on which of its words are singles (and how they read).
    site_part = _digest(files[OUTPUT_FILE])
    # With the same readings.json and the same words read one way everywhere, a chunk's readings file
    # depends on its own unit only: one the last build made for the same unit is taken as it is.
    same_site = sums is not None and sums.site_part == site_part and sums.singles == singles
    reused: dict[bytes, tuple[bytes, bytes]] = {}
    for path, (key, summary) in chunked.items():
        kept = reused.get(key) or previous.files.get(key)
        if same_site and kept is not None:
            files[path] = kept[1]
            reused[key] = kept
            continue
        summary = _opened(summary)
        own = summary[1]
        context = _digest(site_part, *sorted(f"{base}\0{singles[base]}".encode() for base in {b for b, _r in own} if base in singles))
        data = kept[1] if kept is not None and kept[0] == context else _json(sorted(_entries([summary], singles, written) - everywhere))
        files[path] = data
        reused[key] = (context, data)
    if memo is not None:
        fresh = sum(1 for key in units if key not in previous.units)
        logger.debug("facility_site: furigana: %d of %d data files read again (readings cache)", fresh, len(units))
        memo.units, memo.files = units, reused
        # This build's data files, and the last build's readings files (write_readings replaces those).
        memo.stats = _stats_with(previous.stats, inputs.stats)
        same = sums is not None and sums.units == unit_counts and sums.pairs == pair_counts and same_site
        memo.sums = sums if same else _Sums(unit_counts, pair_counts, site_part, singles)
    return files


def _stats_with(readings: dict[str, tuple], data: dict[str, tuple]) -> dict[str, tuple]:
    """ReadingsMemo.stats made of the readings files' records in `readings` and the data files' in `data`."""
    return {
        **{path: stat for path, stat in readings.items() if path.startswith(_READINGS_PREFIX)},
        **{path: stat for path, stat in data.items() if not path.startswith(_READINGS_PREFIX)},
    }


def _read_bytes(location: str) -> bytes:
    with open(location, "rb") as file:
        return file.read()


def _given(data: bytes) -> bytes:
    return data


def _write_kept(output: Path, files: dict[str, bytes], known: dict[str, tuple]) -> dict[str, tuple[int, int, int, bytes]]:
    """staged.write_files for the readings files, without reading the previous output's copy of a file whose
    bytes and file the last build recorded (`known`: path -> (inode, size, mtime_ns, SHA-256 of the bytes));
    returns the same record of every file for the next build."""
    tree = tree_for(output)
    if tree is None:  # not a build.py build: no previous output to keep from
        write_files(output, files.items())
        return {}
    old_root = os.fspath(tree.output) + os.sep
    new_root = os.fspath(output) + os.sep
    record: dict[str, tuple[int, int, int, bytes]] = {}
    rest = []
    for relative, data in files.items():
        digest = hashlib.sha256(data).digest()
        entry = known.get(relative)
        if entry is not None and entry[3] == digest:
            try:
                stat = os.stat(old_root + relative)
            except OSError:
                stat = None
            if stat is not None and (stat.st_ino, stat.st_size, stat.st_mtime_ns) == entry[:3]:
                tree.keep(relative)  # the very file the last build recorded with these bytes
                record[relative] = entry
                continue
        rest.append((relative, data, digest))
    write_files(output, ((relative, data) for relative, data, _digest in rest))
    for relative, _data, digest in rest:
        try:
            stat = os.stat((old_root if relative in tree.kept else new_root) + relative)
        except OSError:
            continue
        record[relative] = (stat.st_ino, stat.st_size, stat.st_mtime_ns, digest)
    return record


def _json(entries: list[str]) -> bytes:
    return json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class EarlyReadings:
    """Readings files computed before the site was finished (`early_readings`), with what they were computed from."""

    def __init__(self, inputs: bytes, files: dict[str, bytes], memo: ReadingsMemo, cached: bool):
        self.inputs = inputs  # ReadingsInputs.digest() of the site they were read from
        self.files = files
        self.memo = memo  # holding the summaries of every file read, whether or not the build cache keeps them
        self.cached = cached  # whether the build cache keeps `memo`


def _cached_memo(furigana: Furigana, cache: BuildCache | None) -> ReadingsMemo | None:
    """The build cache's memo of the readings for this phrase table, or None when the build cache cannot keep one."""
    if cache is None or not cache.enabled:
        return None
    phrases = furigana.identity_digest()  # one JSON text hashed, not the 30,000 names walked (about 0.2 s)
    if phrases is None:
        try:
            phrases = Fingerprint().digest(furigana.cache_identity())
        except UncacheableError:
            return None
    return ReadingsMemo.from_dict(cache.load(CACHE_NAME, changes=True), phrases)


def early_readings(output: Path, theme_js: Path, furigana: Furigana, cache: BuildCache | None = None) -> EarlyReadings:
    """The readings files of the site in `output` as it is now, for write_readings to write once it is finished.

    A clean build computes them while its pages still render in a forked worker
    (furigana/writer.py): every data file and config page is written by then, but
    whatever a later generator writes (a static .json of the operator's) is not,
    so write_readings reads the finished site's inputs again and computes the
    readings again when they differ.
    """
    cached = _cached_memo(furigana, cache)
    memo = cached or ReadingsMemo(b"")
    inputs = ReadingsInputs(output, theme_js, memo.stats)
    files = readings_files(output, theme_js, furigana, memo, inputs)
    if cached is not None:
        memo.pack()  # here, beside the render worker, rather than when write_readings saves it
    return EarlyReadings(inputs.digest(), files, memo, cached is not None)


def write_readings(output: Path, theme_js: Path, furigana: Furigana, cache: BuildCache | None = None, early: EarlyReadings | None = None) -> Path:
    """Write furigana/readings.json and the readings of each data chunk for the site in `output`.

    With a build cache, what each data file reads as is kept in it (`readings.pickle`), valid for
    the same phrase table: a rebuild reads again only the data files whose bytes changed.
    With `early` (early_readings of this build), its files are written when the site's inputs are
    still the same; otherwise the readings are computed again, from its memo (only the files that
    changed or came since are read).
    """
    if early is not None:
        inputs = ReadingsInputs(output, theme_js)  # every file read again: a later generator may have rewritten one
        if inputs.digest() == early.inputs:
            files = early.files
            early.memo.stats = _stats_with(early.memo.stats, inputs.stats)
        else:
            logger.debug("facility_site: furigana: the data files changed after the readings were read; reading them again")
            files = readings_files(output, theme_js, furigana, early.memo, inputs)
        memo, save = early.memo, early.cached
    else:
        memo = _cached_memo(furigana, cache)
        files = readings_files(output, theme_js, furigana, memo)
        save = memo is not None
    # Each kept from the previous output when the bytes are the same (staged.py).
    if memo is None:
        write_files(output, files.items())
    else:
        written = _write_kept(output, files, memo.stats)
        memo.stats = _stats_with(written, memo.stats)
    if save:
        cache.save(CACHE_NAME, memo.as_dict(), changes=True)
    return output / OUTPUT_FILE
