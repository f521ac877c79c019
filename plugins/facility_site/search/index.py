"""The full-text index: facilities in, lunr's term weights and a sharded wire form out.

Terms are the words of the tokenizer (tokenizer.py): runs of letters and
digits after normalization, so 新宿御苑前駅 is one term. A query word matches
every term that contains it (lunr's `*word*`), which makes 御苑, 緑区 and a
lone 森 work and can never join pieces of two different words or fields.

Each (term, field, facility) posting carries lunr's weight: BM25 with lunr's
k1 and b, the field boost, rounded to three decimals, exactly what lunr.py
puts into its field vectors. Two builders produce that:

- `build_with_lunr_py` runs lunr.py's own Builder. It is the reference.
- `build_fast` computes the same numbers without lunr.py's per-token
  objects. lunr.py needs minutes for a national site (about 600,000 tokens for
  30,000 facilities); this takes seconds. tests/test_search_index.py checks
  that both give identical postings.

`build_index` uses lunr.py for sites up to LUNR_PY_LIMIT facilities and the
fast builder above that.

The place readings (records/readings.py: よこはましみどりく for 横浜市緑区) are a
field of their own, matched only from the start of a term (PREFIX_FIELDS).

The wire form is one shard per character (char_shards), so a query fetches
one small file per word, plus, for a kana word, the reading shard of its first
two characters. theme/static/js/search/engine.js reads it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..records.model import Facility
from ..records.readings import reading_of, reading_starts
from .tokenizer import normalize, split_words

logger = logging.getLogger(__name__)

# lunr's BM25 parameters (lunr.Builder defaults; lunr.py uses the same).
K1 = 1.2
B = 0.75
# Up to this many facilities the index is built by lunr.py itself.
LUNR_PY_LIMIT = 1000


@dataclass(frozen=True)
class SearchField:
    name: str
    boost: int
    values: Callable[[Facility], Sequence[str | None]]


def place_readings(facility: Facility) -> list[str]:
    """Dictionary readings of the prefecture, city, stations and lines (records/readings.py).

    Stations are looked up with 駅, which the dictionary reads better
    (三軒茶屋駅 → さんげんぢゃやえき, not みのきちゃや).
    """
    places = [facility.prefecture.name, facility.city]
    places += [f"{s.name}駅" for s in facility.access]
    places += [s.line for s in facility.access if s.line]
    return [reading for place in places for reading in reading_starts(place)]


# Legal forms (法人格) a corporation's name starts or ends with. Their readings
# come from the dictionary; the reading of the rest is indexed too, so
# かれんと finds 株式会社カレント from the start of a word.
LEGAL_FORMS = (
    "特定非営利活動法人",
    "社会福祉法人",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "社会医療法人",
    "医療法人社団",
    "医療法人財団",
    "医療法人",
    "学校法人",
    "宗教法人",
    "生活協同組合",
    "NPO法人",
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
)


def operator_readings(facility: Facility) -> list[str]:
    """The operator's reading (法人の名称_かな, else the dictionary's reading of the name) and the reading without its 法人格.

    A prefix field like the place readings: a reading is stored once (in
    the reading shard of its first two characters), not in the shard of
    every kana it contains, which keeps the search data of 30,000 offices
    and their thousands of corporations small. A name the dictionary does
    not know wholly gets no reading (no reading beats a wrong one).
    """
    operator = facility.operator
    if operator is None:
        return []
    full = normalize(operator.name_kana) if operator.name_kana else reading_of(operator.name)
    readings = [full] if full else []
    name = "".join(unicodedata.normalize("NFKC", operator.name).split())
    for form in LEGAL_FORMS:
        if name.startswith(form) or name.endswith(form):
            rest = name[len(form) :] if name.startswith(form) else name[: -len(form)]
            form_reading = reading_of(form)
            if full and form_reading and full.startswith(form_reading):
                readings.append(full[len(form_reading) :])
            elif full and form_reading and full.endswith(form_reading):
                readings.append(full[: -len(form_reading)])
            elif rest:
                readings.append(reading_of(rest))
            break
    return [reading for reading in dict.fromkeys(readings) if reading]


# Name matches rank highest. A station is indexed with 駅 (新宿御苑前駅): a
# query matches any term that contains it, so 新宿御苑前 and 新宿御苑前駅 both find it.
# The place readings are matched only from their start (PREFIX_FIELDS), by
# words of at least READING_MIN_CHARS characters: かわ finds 川崎市
# (かわさきし), never 神奈川県 (かながわけん).
SEARCH_FIELDS: tuple[SearchField, ...] = (
    SearchField("name", 10, lambda f: [f.name]),
    SearchField("kana", 8, lambda f: [f.name_kana]),
    SearchField("place", 3, lambda f: [f.prefecture.name, f.city, f.address]),
    SearchField("station", 3, lambda f: [f"{s.name}駅" for s in f.access]),
    SearchField("line", 2, lambda f: [s.line for s in f.access]),
    SearchField("feature", 1, lambda f: [*f.features, f.catchphrase]),
    SearchField("disability", 1, lambda f: [d.label for d in f.disabilities]),
    SearchField("service", 1, lambda f: [s.label for s in f.services]),
    SearchField("place_reading", 3, place_readings),
    SearchField("operator", 2, lambda f: [f.operator.name] if f.operator else []),
    SearchField("operator_reading", 2, operator_readings),
)
FIELD_NAMES = tuple(field.name for field in SEARCH_FIELDS)
PREFIX_FIELDS = ("place_reading", "operator_reading")
# One kana is the first sound of thousands of places (ひ: 広島, 姫路, 東…);
# a reading is looked up from the second character typed.
READING_MIN_CHARS = 2


def field_words(values: Sequence[str | None]) -> list[str]:
    """The terms of one field, in order, repeats kept (they count as term frequency)."""
    return [word for value in values if value for _, word in split_words(normalize(value))]


def document_words(facilities: Sequence[Facility], known: dict[tuple, list[str]] | None = None) -> list[list[list[str]]]:
    """For each facility (in doc order), for each search field, its words.

    `known` (values -> words, from the build cache) saves splitting the values
    of unchanged records again; it is left holding this build's values only.
    """
    previous = known or {}
    cache: dict[tuple, list[str]] = {}  # cities, stations, features repeat thousands of times
    documents = []
    for facility in facilities:
        fields = []
        for field in SEARCH_FIELDS:
            values = tuple(field.values(facility))
            words = cache.get(values)
            if words is None:
                words = previous.get(values)
                cache[values] = words = field_words(values) if words is None else words
            fields.append(words)
        documents.append(fields)
    if known is not None:
        fresh = sum(1 for values in cache if values not in previous)
        logger.debug("facility_site: search: %d of %d field values split again (search words cache)", fresh, len(cache))
        known.clear()
        known.update(cache)
    return documents


@dataclass
class TextIndex:
    """terms: sorted; postings[term][field index] = [(doc number, weight in thousandths), …] by doc."""

    terms: list[str]
    postings: dict[str, list[list[tuple[int, int]]]]


def _thousandths(score: float) -> int:
    # lunr.py stores round(score, 3); as an integer that is exact on both sides.
    return round(round(score, 3) * 1000)


def build_fast(documents: list[list[list[str]]]) -> TextIndex:
    """lunr's weights, computed directly (same formula and rounding as lunr.py's Builder)."""
    field_count = len(SEARCH_FIELDS)
    doc_count = len(documents)
    frequencies: dict[str, list[dict[int, int]]] = defaultdict(lambda: [{} for _ in range(field_count)])
    length_sums = [0] * field_count
    for doc, fields in enumerate(documents):
        for f, words in enumerate(fields):
            length_sums[f] += len(words)
            for word in words:
                counts = frequencies[word][f]
                counts[doc] = counts.get(doc, 0) + 1
    averages = [total / doc_count if doc_count else 0 for total in length_sums]
    lengths = [[len(words) for words in fields] for fields in documents]
    postings: dict[str, list[list[tuple[int, int]]]] = {}
    for term, per_field in frequencies.items():
        with_term = sum(len(counts) for counts in per_field)
        idf = math.log(1 + abs((doc_count - with_term + 0.5) / (with_term + 0.5)))
        entry = []
        for f, counts in enumerate(per_field):
            boost = SEARCH_FIELDS[f].boost
            weights: dict[tuple[int, int], int] = {}  # (tf, field length) -> weight: most postings share a few
            row = []
            for doc in sorted(counts):
                tf = counts[doc]
                length = lengths[doc][f]
                weight = weights.get((tf, length))
                if weight is None:
                    score = idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / averages[f])) + tf)
                    score *= boost
                    weight = weights[(tf, length)] = _thousandths(score)
                row.append((doc, weight))
            entry.append(row)
        postings[term] = entry
    return TextIndex(sorted(postings), postings)


def lunr_py_index(documents: list[list[list[str]]]):
    """lunr.py's own index of the documents (refs are doc numbers)."""
    from lunr.builder import Builder

    builder = Builder()  # no stemmer, stop words or trimmer: terms are already normalized
    builder.ref("doc")
    for field in SEARCH_FIELDS:
        builder.field(field.name, boost=field.boost)
    for doc, fields in enumerate(documents):
        builder.add({"doc": str(doc), **{name: words for name, words in zip(FIELD_NAMES, fields, strict=True)}})
    return builder.build()


def build_with_lunr_py(documents: list[list[list[str]]]) -> TextIndex:
    """The index through lunr.py's Builder (slow at scale; the reference)."""
    index = lunr_py_index(documents)
    vectors = {ref: dict(zip(vector.elements[::2], vector.elements[1::2], strict=True)) for ref, vector in index.field_vectors.items()}
    postings: dict[str, list[list[tuple[int, int]]]] = {}
    for term, posting in index.inverted_index.items():
        term_index = posting["_index"]
        postings[term] = [
            sorted((int(ref), round(vectors[f"{name}/{ref}"][term_index] * 1000)) for ref in posting[name]) for name in FIELD_NAMES
        ]
    return TextIndex(sorted(postings), postings)


def build_index(facilities: Sequence[Facility], known_words: dict[tuple, list[str]] | None = None) -> TextIndex:
    """The index of `facilities`, whose positions are the doc numbers (known_words: see document_words)."""
    documents = document_words(facilities, known_words)
    if len(documents) <= LUNR_PY_LIMIT:
        logger.debug("facility_site: search: lunr.py builds the index of %d facilities", len(documents))
        return build_with_lunr_py(documents)
    logger.debug("facility_site: search: fast builder for %d facilities (lunr.py's weights)", len(documents))
    return build_fast(documents)


# --- wire form -----------------------------------------------------------------


def term_entry(per_field: list[list[tuple[int, int]]]) -> list:
    """[field, [doc deltas…], [weights…]] for each field that has the term."""
    entry = []
    for f, row in enumerate(per_field):
        if not row:
            continue
        deltas, previous = [], 0
        for doc, _ in row:
            deltas.append(doc - previous)
            previous = doc
        entry.append([f, deltas, [weight for _, weight in row]])
    return entry


def to_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _shard_text(terms: list[str], entries: dict[str, str]) -> str:
    return '{"postings":[' + ",".join(entries[term] for term in terms) + '],"terms":' + to_json(terms) + "}"


# Issue 17: the card rows of the first page of results (the search page's batch) of a
# one-character search with no other condition, carried by that character's shard.
SHARD_CARDS = 20


def first_page(terms: list[str], index: TextIndex, prefix_fields: set[int], count: int = SHARD_CARDS, groups: Sequence[int] | None = None) -> list[int]:
    """The doc numbers of the first `count` results of a search for the shard's one character alone.

    With `groups` (a bit mask per doc: the disability types, search_data facet column "dis"),
    also the first `count` results of that search with each one bit chosen (the same order,
    filtered), all in one list: the page of a one-character search with one disability type.

    The engine's order (engine.js matchText, rankSignatures, order): every term of
    the shard contains the character and counts in every field but the place
    readings (a one-character word does not look them up); a facility's score
    is lunr's cosine score of one query term, the sum of its fields' summed
    weights / 1000 in field order, rounded to 1e-9; higher first, ties in doc order.
    The same float operations as the engine's, so the pages agree; were one ever
    to differ, the engine would only fetch the cards the shard lacks.
    """
    span = len(FIELD_NAMES)
    sums: dict[int, int] = {}  # doc * span + field -> summed weight (one flat dict: the hot loop at 30,000)
    get = sums.get
    for term in terms:
        for f, row in enumerate(index.postings[term]):
            if f in prefix_fields:
                continue
            for doc, weight in row:
                key = doc * span + f
                sums[key] = get(key, 0) + weight
    if not sums:
        return []
    ranked = []
    doc, score = -1, 0.0
    for key in sorted(sums):  # by doc, then field: lunr adds a document's fields in field order here
        at = key // span
        value = (0 + sums[key] / 1000) / 1.0  # lunr.Vector.similarity: dot product / magnitude (1)
        if at != doc:
            if doc >= 0:
                ranked.append((-math.floor(score * 1e9 + 0.5), doc))  # JavaScript's Math.round
            doc, score = at, value
        else:
            score += value
    ranked.append((-math.floor(score * 1e9 + 0.5), doc))
    if groups is None:
        return [doc for _, doc in sorted(ranked)[:count]]
    ordered = [doc for _, doc in sorted(ranked)]
    page = dict.fromkeys(ordered[:count])
    for bit in range(max(groups, default=0).bit_length()):
        taken = 0
        for doc in ordered:
            if taken == count:
                break
            if groups[doc] >> bit & 1:
                page[doc] = None
                taken += 1
    return list(page)


def char_shards(
    index: TextIndex, card_rows: Sequence[list] | None = None, known_pages: dict[bytes, list[int]] | None = None, card_groups: Sequence[int] | None = None
) -> tuple[dict, dict[str, str]]:
    """(text/chars.json content, {file name: JSON}): one shard per character, and the reading shards.

    Shard text/<code point in hex>.json holds every term containing that
    character, with its postings. Any term that contains a query word contains
    each of the word's characters, so one shard (the smallest of them, which
    chars.json tells) finds all of the word's terms; and the shard fetched for
    the first character typed still serves every longer word typed after it.
    A term is repeated in the shard of each of its characters: the output is
    several times the index, but a query fetches one small file per word.

    A term found only in the prefix fields (a place reading such as
    よこはましみどりく) is matched only from its start, by a word of at least
    READING_MIN_CHARS characters, so it is stored once, in the reading shard
    of its first two characters, text/p/<hex>-<hex>.json, fetched beside the
    character shard for words that may match a reading. chars.json lists the
    reading shards that exist ("prefixKeys").

    With `card_rows` (search_data.card_row of each facility, by doc number), each
    character shard also carries "cards": [[doc, row], …] of its first_page, so
    the first key of a word shows its cards one round trip after the key, not
    two (shard, then cards). chars.json's sizes leave them out (the choice of
    shard for a longer word is the same as without them). With `card_groups`
    (each facility's disability bits) also the first page with each one
    disability type chosen (first_page groups): a new word's first key with a
    disability type chosen is one round trip too.

    known_pages (from the build cache): a SHA-256 of a shard's text without its
    cards (and of card_groups) -> its first_page. That text holds every other input
    of first_page (the shard's terms and all their postings), so a shard whose
    text is unchanged reuses its page; the cards themselves are this build's rows.
    It is left holding this build's shards only.
    """
    entries = {term: to_json(term_entry(index.postings[term])) for term in index.terms}
    prefix_fields = {FIELD_NAMES.index(name) for name in PREFIX_FIELDS}
    by_char: dict[str, list[str]] = defaultdict(list)
    by_start: dict[str, list[str]] = defaultdict(list)
    for term in index.terms:  # sorted, so each shard's terms are sorted too
        per_field = index.postings[term]
        if all(not row for f, row in enumerate(per_field) if f not in prefix_fields):
            if len(term) >= READING_MIN_CHARS:  # shorter ones no query word can start
                by_start[term[:READING_MIN_CHARS]].append(term)
            continue
        for char in dict.fromkeys(term):
            by_char[char].append(term)
    shards: dict[str, str] = {}
    chars, sizes = [], []
    previous, pages = known_pages or {}, {}
    # The groups are an input of every page: a change to them computes every page again.
    groups_key = b"" if card_groups is None else hashlib.sha256(to_json(list(card_groups)).encode()).digest()
    for char in sorted(by_char):
        text = _shard_text(by_char[char], entries)
        encoded = text.encode("utf-8")
        chars.append(char)
        sizes.append(len(encoded))
        if card_rows is not None:
            key = hashlib.sha256(encoded + groups_key).digest()
            page = previous.get(key)
            pages[key] = page = sorted(first_page(by_char[char], index, prefix_fields, groups=card_groups)) if page is None else page
            cards = [[doc, card_rows[doc]] for doc in page]
            text = '{"cards":' + to_json(cards) + "," + text[1:]  # keys stay sorted: cards, postings, terms
        shards[f"{ord(char):x}.json"] = text
    if known_pages is not None:
        logger.debug("facility_site: search: %d of %d first pages computed again (search pages cache)", sum(1 for k in pages if k not in previous), len(pages))
        known_pages.clear()
        known_pages.update(pages)
    for start in sorted(by_start):
        shards[prefix_shard_name(start)] = _shard_text(by_start[start], entries)
    directory = {
        "fields": list(FIELD_NAMES),
        "prefixFields": list(PREFIX_FIELDS),
        "prefixMinChars": READING_MIN_CHARS,
        "prefixKeys": sorted(by_start),
        "chars": "".join(chars),
        "sizes": sizes,
    }
    return directory, shards


def prefix_shard_name(start: str) -> str:
    """p/<hex>-<hex>.json for the first characters of a reading (engine.js builds the same name)."""
    return "p/" + "-".join(f"{ord(char):x}" for char in start) + ".json"
