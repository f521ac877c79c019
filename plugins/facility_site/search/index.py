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

import bisect
import json
import logging
import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .. import collector
from ..records.model import Facility
from ..records.readings import reading_of, reading_starts
from ..records.vocab import DISABILITIES
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


def term_idf(doc_count: int, with_term: int) -> float:
    """lunr's idf of a term found in `with_term` (document, field) pairs."""
    return math.log(1 + abs((doc_count - with_term + 0.5) / (with_term + 0.5)))


def posting_weight(idf: float, tf: int, length: int, average: float, boost: int) -> int:
    """lunr's BM25 weight of one posting, in thousandths (build_fast and update_text_state share it)."""
    score = idf * ((K1 + 1) * tf) / (K1 * (1 - B + B * (length / average)) + tf)
    score *= boost
    return _thousandths(score)


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
        idf = term_idf(doc_count, sum(len(counts) for counts in per_field))
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
                    weight = weights[(tf, length)] = posting_weight(idf, tf, length, averages[f], boost)
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
        postings[term] = [sorted((int(ref), round(vectors[f"{name}/{ref}"][term_index] * 1000)) for ref in posting[name]) for name in FIELD_NAMES]
    return TextIndex(sorted(postings), postings)


def build_index(facilities: Sequence[Facility], known_words: dict[tuple, list[str]] | None = None) -> TextIndex:
    """The index of `facilities`, whose positions are the doc numbers (known_words: see document_words)."""
    return index_of(document_words(facilities, known_words))


def index_of(documents: Sequence[Sequence[Sequence[str]]]) -> TextIndex:
    """The index of each doc's words per field (document_words), by lunr.py up to LUNR_PY_LIMIT docs."""
    if len(documents) <= LUNR_PY_LIMIT:
        logger.debug("facility_site: search: lunr.py builds the index of %d facilities", len(documents))
        return build_with_lunr_py([[list(words) for words in fields] for fields in documents])
    logger.debug("facility_site: search: fast builder for %d facilities (lunr.py's weights)", len(documents))
    # Millions of word lists, postings and tuples, none in a cycle: at 30,000 facilities they set off
    # five full collections over the whole build (1.3 s of CPU); the collector resumes when the index is made.
    with collector.paused():
        return build_fast([[list(words) for words in fields] for fields in documents])


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


def first_page(terms: list[str], index, prefix_fields: set[int], count: int = SHARD_CARDS, groups: Sequence[int] | None = None) -> list[int]:
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
    `index`: a TextIndex, or a mapping of term -> its postings per field.
    """
    sums: dict[int, int] = {}  # doc * fields + field -> summed weight (one flat dict: the hot loop at 30,000)
    _add_postings(sums, terms, index.postings if isinstance(index, TextIndex) else index, prefix_fields)
    if groups is None:
        return _ranked(sums, count)
    ordered = [doc for _, doc in _ranking(sums)]
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


def _add_postings(sums: dict[int, int], terms: list[str], postings, prefix_fields: set[int]) -> None:
    span = len(FIELD_NAMES)
    get = sums.get
    for term in terms:
        for f, row in enumerate(postings[term]):
            if f in prefix_fields:
                continue
            for doc, weight in row:
                key = doc * span + f
                sums[key] = get(key, 0) + weight


# Group bits a shard keeps a ranking for (the disability types: data.bitmask of records.vocab.DISABILITIES).
GROUP_BITS = len(DISABILITIES)
# Ranked docs a shard keeps in the build cache beyond its page, so that a rebuild can rank
# again only the docs an edit touched (update_text_state) while enough untouched ones remain.
TOP_KEPT = 60


def _kept(ranking: list[tuple[int, int]], groups: Sequence[int] | None) -> list[tuple[list[tuple[int, int]], bool]]:
    """A shard's kept rankings: [(the best TOP_KEPT (rank key, doc) of its ranking, whether that is all of it)], then
    the same of the docs with each group bit (GROUP_BITS of them, when there are groups)."""
    lists = [ranking]
    if groups is not None:
        lists += [[entry for entry in ranking if groups[entry[1]] >> bit & 1] for bit in range(GROUP_BITS)]
    return [(ranked[:TOP_KEPT], len(ranked) <= TOP_KEPT) for ranked in lists]


def _page(kept: list[tuple[list[tuple[int, int]], bool]]) -> list[int]:
    """first_page (sorted) from the kept rankings: the first SHARD_CARDS of each."""
    return sorted({doc for ranked, _ in kept for _, doc in ranked[:SHARD_CARDS]})


def shard_ranking(text: str, prefix_fields: set[int]) -> list[tuple[int, int]]:
    """first_page's whole ranking of a character shard from its text (one json.loads, not one per term)."""
    span = len(FIELD_NAMES)
    sums: dict[int, int] = {}
    get = sums.get
    for entry in json.loads(text)["postings"]:
        for f, deltas, weights in entry:
            if f in prefix_fields:
                continue
            doc = 0
            for delta, weight in zip(deltas, weights, strict=True):
                doc += delta
                key = doc * span + f
                sums[key] = get(key, 0) + weight
    return _ranking(sums)


def _ranked(sums: dict[int, int], count: int) -> list[int]:
    """The first `count` docs by score from each (doc * fields + field)'s summed weight (first_page)."""
    return [doc for _, doc in _ranking(sums)[:count]]


def _ranking(sums: dict[int, int]) -> list[tuple[int, int]]:
    """Every doc with a posting as (rank key, doc), best first: the key is minus its score rounded to 1e-9 (first_page)."""
    span = len(FIELD_NAMES)
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
    return sorted(ranked)


def char_shards(index: TextIndex, card_rows: Sequence[list] | None = None, card_groups: Sequence[int] | None = None) -> tuple[dict, dict[str, str]]:
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
    shard for a longer word is the same as without them).

    A rebuild keeps what this computes in the build cache (text_state) and
    updates it for the records that changed (update_text_state).
    """
    cards = None if card_rows is None else [to_json(row) for row in card_rows]
    return shard_output(text_state(index, with_pages=card_rows is not None, groups=card_groups), cards)


PREFIX_MASK = sum(1 << FIELD_NAMES.index(name) for name in PREFIX_FIELDS)


def _places(term: str, mask: int) -> tuple[list[str], str | None]:
    """(the character shards, the reading shard's start) a term with postings in the fields of `mask` is stored in."""
    if mask & ~PREFIX_MASK:
        return list(dict.fromkeys(term)), None
    return [], (term[:READING_MIN_CHARS] if len(term) >= READING_MIN_CHARS else None)  # shorter ones no query word can start


def text_state(index: TextIndex, with_pages: bool = True, groups: Sequence[int] | None = None) -> dict:
    """Everything the text files are made of, as the build cache keeps it (plain dicts and lists).

    entries: term -> its JSON (term_entry); fields: term -> bit mask of the fields it has postings in;
    by_char / by_start: each shard's sorted terms; texts / sizes / ptexts: the shards' text without
    cards and its UTF-8 size; pages: each character shard's first_page; sums: each field's total length.
    """
    entries = {term: to_json(term_entry(index.postings[term])) for term in index.terms}
    fields = {term: sum(1 << f for f, row in enumerate(index.postings[term]) if row) for term in index.terms}
    by_char: dict[str, list[str]] = defaultdict(list)
    by_start: dict[str, list[str]] = defaultdict(list)
    for term in index.terms:  # sorted, so each shard's terms are sorted too
        chars, start = _places(term, fields[term])
        for char in chars:
            by_char[char].append(term)
        if start is not None:
            by_start[start].append(term)
    prefix_fields = {FIELD_NAMES.index(name) for name in PREFIX_FIELDS}
    texts = {char: _shard_text(terms, entries) for char, terms in by_char.items()}
    tops = {}
    if with_pages:
        for char, terms in by_char.items():
            sums: dict[int, int] = {}
            _add_postings(sums, terms, index.postings, prefix_fields)
            tops[char] = _kept(_ranking(sums), groups)
    return {
        "entries": entries,
        "fields": fields,
        "by_char": dict(by_char),
        "by_start": dict(by_start),
        "texts": texts,
        "sizes": {char: len(text.encode("utf-8")) for char, text in texts.items()},
        "pages": {char: _page(top) for char, top in tops.items()} if with_pages else None,
        "tops": tops,
        "withs": {term: sum(len(row) for row in index.postings[term]) for term in index.terms},
        "ptexts": {start: _shard_text(terms, entries) for start, terms in by_start.items()},
    }


def shard_output(state: dict, cards: Sequence[str] | None) -> tuple[dict, dict[str, str]]:
    """(text/chars.json content, {file name: JSON}) from a text_state and each doc's card row as JSON (None: no cards)."""
    shards: dict[str, str] = {}
    chars = sorted(state["by_char"])
    for char in chars:
        text = state["texts"][char]
        if cards is not None:
            page = ",".join(f"[{doc},{cards[doc]}]" for doc in state["pages"][char])
            text = '{"cards":[' + page + "]," + text[1:]  # keys stay sorted: cards, postings, terms
        shards[f"{ord(char):x}.json"] = text
    for start in sorted(state["by_start"]):
        shards[prefix_shard_name(start)] = state["ptexts"][start]
    directory = {
        "fields": list(FIELD_NAMES),
        "prefixFields": list(PREFIX_FIELDS),
        "prefixMinChars": READING_MIN_CHARS,
        "prefixKeys": sorted(state["by_start"]),
        "chars": "".join(chars),
        "sizes": [state["sizes"][char] for char in chars],
    }
    return directory, shards


def decode_entry(entry: str | None, field_count: int) -> list[list[tuple[int, int]]]:
    """A term's postings per field from its JSON (term_entry's inverse)."""
    rows: list[list[tuple[int, int]]] = [[] for _ in range(field_count)]
    for f, deltas, weights in json.loads(entry) if entry else ():
        doc, row = 0, rows[f]
        for delta, weight in zip(deltas, weights, strict=True):
            doc += delta
            row.append((doc, weight))
    return rows


def update_text_state(
    state: dict, documents: Sequence[Sequence[Sequence[str]]], changed: dict[int, Sequence[Sequence[str]]], groups: Sequence[int], regrouped: set[int]
) -> int:
    """Bring a text_state to the index of `documents`, where only the docs in `changed` (doc -> its previous words) differ.

    The same doc numbers before and after: no doc added, removed or moved. A
    posting's weight depends on the term's idf (its count of (doc, field)
    pairs), the doc's field length and the field's average length, so a
    term's row in a field is computed again when a changed doc's count of it
    or length of that field changed, or the field's average did; all its rows
    when its idf did. Every other entry, and every shard none of whose terms
    changed, stays as it is. `groups`: each doc's group bits (first_page);
    `regrouped`: the changed docs whose bits changed, ranked again in every shard
    they are in. Returns how many shards were ranked whole again.
    """
    field_count = len(SEARCH_FIELDS)
    doc_count = len(documents)
    sums = list(state["sums"])
    dirty: dict[str, set[int]] = defaultdict(set)
    presence: dict[str, int] = defaultdict(int)
    for doc, old in changed.items():
        new = documents[doc]
        for f in range(field_count):
            sums[f] += len(new[f]) - len(old[f])
            before, after = Counter(old[f]), Counter(new[f])
            for term in before.keys() | after.keys():
                if len(old[f]) != len(new[f]) or before[term] != after[term]:
                    dirty[term].add(f)
                presence[term] += (term in after) - (term in before)
    fields = state["fields"]
    for f in range(field_count):
        if sums[f] != state["sums"][f]:  # the field's average length moved: every row of the field
            bit = 1 << f
            for term, mask in fields.items():
                if mask & bit:
                    dirty[term].add(f)
    averages = [total / doc_count for total in sums]
    entries = state["entries"]
    changed_docs = sorted(changed)
    changed_set = set(changed_docs)
    prefix_fields = {FIELD_NAMES.index(name) for name in PREFIX_FIELDS}
    withs = state["withs"]
    moved_terms: dict[str, tuple[int, int]] = {}  # term -> (old mask, new mask), for terms whose entry changed
    touched: dict[str, set[int]] = {}  # term -> the docs whose score in its shards it changed
    for term, recompute in dirty.items():
        old_entry = entries.get(term)
        old_rows = decode_entry(old_entry, field_count)
        rows = list(old_rows)
        if presence.get(term):
            recompute = range(field_count)  # its idf changed
        docs_of = {}
        for f in recompute:
            docs = [doc for doc, _ in rows[f] if doc not in changed_set]
            docs += [doc for doc in changed_docs if term in documents[doc][f]]
            docs_of[f] = sorted(docs)
        with_term = sum(len(docs_of[f]) if f in docs_of else len(rows[f]) for f in range(field_count))
        old_mask = fields.get(term, 0)
        if with_term == 0:
            if old_entry is not None:
                del entries[term], fields[term], withs[term]
                moved_terms[term] = (old_mask, 0)
                touched[term] = {doc for f, row in enumerate(old_rows) if f not in prefix_fields for doc, _ in row}
            continue
        idf = term_idf(doc_count, with_term)
        for f, docs in docs_of.items():
            boost, average, weights, row = SEARCH_FIELDS[f].boost, averages[f], {}, []
            for doc in docs:
                words = documents[doc][f]
                key = (words.count(term), len(words))
                weight = weights.get(key)
                if weight is None:
                    weight = weights[key] = posting_weight(idf, key[0], key[1], average, boost)
                row.append((doc, weight))
            rows[f] = row
        entry = to_json(term_entry(rows))
        if entry != old_entry:
            entries[term] = entry
            fields[term] = sum(1 << f for f, row in enumerate(rows) if row)
            withs[term] = with_term
            moved_terms[term] = (old_mask, fields[term])
            touched[term] = {doc for f in range(field_count) if f not in prefix_fields for doc, _ in set(old_rows[f]).symmetric_difference(rows[f])}
    state["sums"] = sums
    # The shards that hold a changed term: its terms' list is updated, its text made again.
    dirty_chars: dict[str, set[int]] = defaultdict(set)  # shard -> the docs whose score in it changed
    dirty_starts: set[str] = set()
    for term, (old_mask, new_mask) in moved_terms.items():
        old_chars, old_start = _places(term, old_mask) if old_mask else ([], None)
        new_chars, new_start = _places(term, new_mask) if new_mask else ([], None)
        for char in old_chars:
            _remove(state["by_char"], char, term)
        for char in new_chars:
            _insert(state["by_char"], char, term)
        if old_start is not None:
            _remove(state["by_start"], old_start, term)
        if new_start is not None:
            _insert(state["by_start"], new_start, term)
        for char in (*old_chars, *new_chars):
            dirty_chars[char].update(touched[term])
        dirty_starts.update(s for s in (old_start, new_start) if s is not None)
    ranked_whole = 0
    remade = set(dirty_chars)  # their text too
    for doc in regrouped:  # in every shard it is in, before and after
        for fields_words in (documents[doc], changed.get(doc, documents[doc])):
            for f, words in enumerate(fields_words):
                if f not in prefix_fields:
                    for char in {char for word in words for char in word}:
                        if char in state["by_char"] or char in dirty_chars:
                            dirty_chars[char].add(doc)
    for char, docs in dirty_chars.items():
        terms = state["by_char"].get(char)
        if not terms:
            state["by_char"].pop(char, None)
            for table in ("texts", "sizes", "pages", "tops"):
                state[table].pop(char, None)
            continue
        if char in remade:
            state["texts"][char] = _shard_text(terms, entries)
            state["sizes"][char] = len(state["texts"][char].encode("utf-8"))
        top = _rank_again(state["tops"].get(char), docs, char, documents, withs, averages, prefix_fields, groups)
        if top is None:  # too few untouched docs left in a kept ranking: the whole shard
            top, ranked_whole = _kept(shard_ranking(state["texts"][char], prefix_fields), groups), ranked_whole + 1
        state["tops"][char] = top
        state["pages"][char] = _page(top)
    for start in dirty_starts:
        terms = state["by_start"].get(start)
        if terms:
            state["ptexts"][start] = _shard_text(terms, entries)
        else:
            state["by_start"].pop(start, None)
            state["ptexts"].pop(start, None)
    return ranked_whole


def _rank_again(top, docs: set[int], char: str, documents, withs: dict[str, int], averages: list[float], prefix_fields: set[int], groups: Sequence[int]):
    """A shard's kept rankings after the scores (or groups) of `docs` changed, or None when they cannot be told without ranking it whole.

    The docs outside a kept ranking and outside `docs` rank below every kept
    one and keep their scores and groups, so the kept docs not in `docs`, with
    those of `docs` that belong in the ranking (all docs, or those with its
    group bit) ranked by their new scores (_doc_rank), are the true head of the
    ranking down to the last kept one not in `docs`.
    """
    if top is None or len(top) != 1 + GROUP_BITS:
        return None
    ranks = {doc: _doc_rank(doc, char, documents, withs, averages, prefix_fields) for doc in docs}
    result = []
    for number, (kept, complete) in enumerate(top):
        still = [entry for entry in kept if entry[1] not in docs]
        if not complete and len(still) < SHARD_CARDS:
            return None
        bit = number - 1
        fresh = [entry for doc, entry in ranks.items() if entry is not None and (bit < 0 or groups[doc] >> bit & 1)]
        ranking = sorted(still + fresh)
        if not complete:
            last = still[-1]
            ranking = [entry for entry in ranking if entry <= last]
        result.append((ranking[:TOP_KEPT], complete and len(ranking) <= TOP_KEPT))
    return result


def _doc_rank(doc: int, char: str, documents, withs: dict[str, int], averages: list[float], prefix_fields: set[int]) -> tuple[int, int] | None:
    """(rank key, doc) of one doc in the shard of `char`, from its words (first_page's sums and scores), or None without a posting there.

    Its posting of a term is the weight build_fast gives it (posting_weight),
    so this equals the sums first_page adds from the shard's postings.
    """
    doc_count = len(documents)
    score = None
    for f, words in enumerate(documents[doc]):
        if f in prefix_fields or not words:
            continue
        total, found, boost = 0, False, SEARCH_FIELDS[f].boost
        for term in set(words):
            if char in term:
                total += posting_weight(term_idf(doc_count, withs[term]), words.count(term), len(words), averages[f], boost)
                found = True
        if found:
            value = (0 + total / 1000) / 1.0
            score = value if score is None else score + value
    return None if score is None else (-math.floor(score * 1e9 + 0.5), doc)


def _remove(table: dict[str, list[str]], key: str, term: str) -> None:
    terms = table[key]
    del terms[bisect.bisect_left(terms, term)]


def _insert(table: dict[str, list[str]], key: str, term: str) -> None:
    bisect.insort(table.setdefault(key, []), term)


def prefix_shard_name(start: str) -> str:
    """p/<hex>-<hex>.json for the first characters of a reading (engine.js builds the same name)."""
    return "p/" + "-".join(f"{ord(char):x}" for char in start) + ".json"
