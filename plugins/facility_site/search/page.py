"""The /search/ page and the data files its script reads.

An output part: the generator calls write_search_output with its SiteOutput.
The page goes through Pelican's Writer like every other page; the data files are written
under search/<group hash>/: each file belongs to one of DATA_GROUPS groups (data_group, a
fixed function of its path that engine.js's data-url.js repeats), and each group's folder
is named by a hash of its own files, so a CDN may cache them forever, a new build never
mixes with an old one, and an edit moves only the groups whose files changed (issue 15).
The page's config lists the groups' hashes ("dataGroups").

    search/<g>/facets.json            search_data.facets_file
    search/<g>/facets/pref-<slug>.json   search_data.facet_parts
    search/<g>/name-order.json        search_data.name_order_file
    search/<g>/sort-<metric>.json     search_data.sort_column
    search/<g>/cards/…                search_data.card_files
    search/<g>/geo/…                  coordinates.coordinate_files (distance order only)
    search/<g>/text/chars.json        search_index.char_shards
    search/<g>/text/<hex>.json        search_index.char_shards
    search/<g>/text/p/<hex>-<hex>.json   search_index.char_shards (place readings)
    theme/vendor/lunr-<version>.js          lunr.min.js from node_modules as an ES module

Files of PRECOMPRESS_BYTES or more also get a gzip twin (<name>.gz).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from ..errors import FacilitySiteError
from ..geo.distance import quantise
from ..hosting.minify import BUNDLED_ENTRIES, bundle_styles
from ..pages.output import SiteOutput, SplitPart
from ..records.vocab import CONDITIONS, DISABILITIES, PREFECTURES, SERVICES
from ..settings import reference_date
from ..staged import scan_tree, tree_for
from . import index as search_index
from .coordinates import coordinate_files_of
from .data import (
    CARD_CHUNK,
    METRIC_SORTS,
    DocumentWords,
    SearchRow,
    card_row,
    card_texts,
    decode_words,
    encode_column,
    encode_words,
    facet_columns_of,
    has_vacancy,
    reading_key,
    row_facets,
    row_sorts,
    row_starts,
    sort_column_of,
)
from .index import SEARCH_FIELDS, field_words, index_of, shard_output, text_state, to_json, update_text_state
from .modules import module_graph
from .words import DEFAULT_PATH as EVERYDAY_WORDS_PATH
from .words import load_everyday_words, words_config

logger = logging.getLogger(__name__)

LUNR_VERSION = "2.3.9"
LUNR_MODULE = f"theme/vendor/lunr-{LUNR_VERSION}.js"
# The page's entry modules (under the theme's static folder): site.js on every page, the search page's own.
ENTRY_MODULES = ("js/site.js", "js/search/page.js")
# Data a search fetches at once when the URL has a keyword or the keyword box is used (the shard
# directory): hinted in the page head, fetched in the first wave. The facet table is not hinted:
# a search of one prefecture needs only that prefecture's part (facets/pref-<slug>.json), which the
# script asks for with the first cards (engine.js facetsFor).
PRELOADED_DATA = ("text/chars.json",)
# Every stylesheet the search page links, in cascade order (base.html's, then search.html's), with its
# media: with esbuild (minify_js) they are written as STYLE_BUNDLE, one minified file, and the page links
# only that (issue 17: six fewer requests before the first results, 5 KiB less gzip, mostly comments).
SEARCH_STYLES = (
    ("site.css", None),
    ("compare.css", None),
    ("facts.css", None),
    ("print.css", "print"),
    ("search.css", None),
    ("search-words.css", None),
    ("near.css", None),
)
STYLE_BUNDLE = "theme/css/search-page.css"
# Data files at least this large also get a .gz twin, for hosts that serve
# precompressed files (nginx gzip_static and the like); others ignore it.
PRECOMPRESS_BYTES = 4096
# The select offers these limits (minutes); `walk` in the URL must be one of them.
WALK_OPTIONS = (5, 10, 15, 20, 30)
SORT_LABELS = (
    ("relevance", "キーワードに近い順"),
    ("retention", "就職定着率が高い順"),
    ("hires", "昨年の就職人数が多い順"),
    ("capacity", "定員が多い順"),
    ("stay", "平均利用期間が短い順"),
    ("walk", "駅から近い順"),
    ("name", "名前順（五十音）"),
    ("near", "現在地から近い順"),
)
# 「○km以内」 once the visitor's position is known; `within` in the URL must be one of them.
WITHIN_OPTIONS = (1, 2, 5, 10, 20)
# The build cache's file of each facility's search row (data.SearchRow), by the facility's fingerprint digest.
ROWS_CACHE = "search-rows"
# The build cache's file of the previous build's text index (index.text_state, with the doc ids and digests).
TEXT_CACHE = "search-text"
# The data files' groups (data_group): the word index's files (text/…, where a text edit lands:
# 34-47 of its ~970 files change with one record's catchphrase at 30,000 facilities) spread
# over TEXT_GROUPS, every other file (cards, facet parts, sort columns: 3,150 files, one edit
# changes a few) over OTHER_GROUPS. Each group's hash costs the page's config GROUP_HASH
# hex characters (docs/benchmarks.md, issue 15: the count is a trade between the files an
# edit rewrites and the config's bytes before the first results).
TEXT_GROUPS = 96
OTHER_GROUPS = 32
DATA_GROUPS = TEXT_GROUPS + OTHER_GROUPS
GROUP_HASH = 10


class SearchBuildError(FacilitySiteError):
    """The search page cannot be built (for example, lunr.js is not installed)."""


def data_group(path: str) -> int:
    """The group of a data file (its path under its group's folder): FNV-1a of the path, as data-url.js computes it."""
    value = 0x811C9DC5
    for byte in path.encode("ascii"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % TEXT_GROUPS if path.startswith("text/") else TEXT_GROUPS + value % OTHER_GROUPS


def group_hashes(files: dict[str, bytes]) -> list[str]:
    """Each group's folder name: a hash of its number and its files' paths and bytes."""
    digests = [hashlib.sha256(f"{group}\0".encode()) for group in range(DATA_GROUPS)]
    for path in sorted(files):
        digest = digests[data_group(path)]
        digest.update(path.encode())
        digest.update(b"\0")
        digest.update(len(files[path]).to_bytes(8, "big"))
        digest.update(files[path])
    return [digest.hexdigest()[:GROUP_HASH] for digest in digests]


@dataclass(frozen=True)
class SearchFiles:
    groups: list[str]  # each group's folder name under search/ (group_hashes)
    files: dict[str, bytes]  # path under its group's folder -> JSON bytes
    pref_starts: list[int]  # search_data.prefecture_starts of the doc order
    whole_index: bool = True  # the text index was made whole, not updated from the build cache's
    counts: dict = field(default_factory=dict)  # the search page's filter counts (filter_counts)

    def site_path(self, path: str) -> str:
        """Where a data file is in the site: search/<its group's hash>/<path>."""
        return f"search/{self.groups[data_group(path)]}/{path}"


def search_row(facility) -> SearchRow:
    """Everything the search data needs of one facility (data.SearchRow)."""
    return SearchRow(
        (facility.prefecture.code, *reading_key(facility)),
        *row_facets(facility),
        row_sorts(facility),
        to_json(card_row(facility)),
        None if facility.location is None else quantise(facility.location),
        encode_words(field_words(field.values(facility)) for field in SEARCH_FIELDS),
    )


def search_files(facilities, today=None, known_rows: dict | None = None, text: dict | None = None, digest=None) -> SearchFiles:
    """Every data file of the search; `today` is the build's reference date (空き状況 older than 60 days is not 空きあり).

    With the build cache (issue 15): digest(facility) is the facility's fingerprint digest;
    known_rows maps digests to rows (search_row) and is left holding this build's rows; text
    is the previous build's text state (index.text_state plus "ids", "digests" in doc order),
    brought up to date in place: when the docs are the same ones in the same order, only the
    terms and shards of the changed records are computed again (index.update_text_state).
    A clean build and a rebuild assemble every file from the rows by the same functions.
    """
    previous_rows = known_rows if known_rows is not None else {}
    keys = [digest(f) for f in facilities] if digest is not None else [None] * len(facilities)
    rows, fresh = [], 0
    for facility, key in zip(facilities, keys, strict=True):
        row = previous_rows.get(key) if key is not None else None
        if row is None:
            row, fresh = search_row(facility), fresh + 1
        rows.append(row)
    order = sorted(range(len(rows)), key=lambda i: rows[i].key)  # doc numbers: data.doc_order
    docs = [rows[i] for i in order]
    facilities = [facilities[i] for i in order]
    keys = [keys[i] for i in order]
    starts = row_starts(docs)
    by_name = sorted(range(len(docs)), key=lambda d: docs[d].key[1:])  # data.name_order
    vacancies = [has_vacancy(f, today) for f in facilities]
    files = {
        "facets.json": to_json({"count": len(docs), "prefStarts": starts, **facet_columns_of(docs, vacancies)}),
        "name-order.json": to_json({"prefs": encode_column([docs[d].key[0] - 1 for d in by_name])}),
    }
    for pref, start, end in zip(PREFECTURES, starts, starts[1:], strict=False):
        if end > start:
            files[f"facets/pref-{pref.slug}.json"] = to_json(facet_columns_of(docs[start:end], vacancies[start:end]))
    for position, (sort, attribute) in enumerate(METRIC_SORTS.items()):
        files[f"sort-{sort}.json"] = to_json(sort_column_of(docs, position, attribute))
    files.update(card_texts(docs, starts))
    for path, coordinates in coordinate_files_of([r.geo for r in docs], starts).items():
        files[path] = to_json(coordinates)
    state, whole = _text(docs, keys, previous_rows, text)
    directory, shards = shard_output(state, [r.card for r in docs])
    files["text/chars.json"] = to_json(directory)
    for name, shard in shards.items():
        files[f"text/{name}"] = shard
    if known_rows is not None:
        logger.debug("facility_site: search: %d of %d search rows computed again (search rows cache)", fresh, len(rows))
        known_rows.clear()
        known_rows.update((key, row) for key, row in zip(keys, docs, strict=True) if key is not None)
    if text is not None and state is not text:
        text.clear()
        text.update(state)
    data = {path: body.encode("utf-8") for path, body in files.items()}
    return SearchFiles(group_hashes(data), data, starts, whole, filter_counts(docs, facilities, vacancies))


TEXT_STATE_KEYS = frozenset({"entries", "fields", "by_char", "by_start", "texts", "sizes", "pages", "tops", "withs", "ptexts", "sums", "ids", "digests"})


def _text(docs: list[SearchRow], keys: list, previous_rows: dict, text: dict | None) -> tuple[dict, bool]:
    """The text state of this build: the previous one updated when it can be, else made from the whole index.

    It is updated when the docs are the same ids in the same order and the rows of the
    previous build's records are still known (to tell whose words changed). A site of
    LUNR_PY_LIMIT docs or fewer has its index from lunr.py, whose weights the update does
    not repeat: there the state is only reused when no record's words changed.
    """
    documents = DocumentWords(docs)
    ids = [r.key[2] for r in docs]
    groups = [r.dis for r in docs]  # the shards' pages with each one disability type (issue 17)
    if text and None not in keys:
        try:
            _check_text_state(text)
            if text["ids"] == ids and all(old == new or old in previous_rows for old, new in zip(text["digests"], keys, strict=True)):
                changed, regrouped = {}, set()
                for doc, (old, new) in enumerate(zip(text["digests"], keys, strict=True)):
                    if old != new and previous_rows[old].words != docs[doc].words:
                        changed[doc] = decode_words(previous_rows[old].words)
                    if old != new and previous_rows[old].dis != docs[doc].dis:
                        regrouped.add(doc)
                if not (changed or regrouped) or len(docs) > search_index.LUNR_PY_LIMIT:
                    pages = update_text_state(text, documents, changed, groups, regrouped) if changed or regrouped else 0
                    text["digests"] = keys
                    logger.debug(
                        "facility_site: search: text index updated for %d records: %d of %d first pages ranked again whole (search text cache)",
                        len(changed),
                        pages,
                        len(text["by_char"]),
                    )
                    return text, False
        except Exception as exc:  # a foreign or damaged state: the whole index, as without it
            print(f"facility_site: cache: search text state not usable ({exc.__class__.__name__}); building the search index whole", file=sys.stderr)
    documents = [documents[doc] for doc in range(len(docs))]
    state = text_state(index_of(documents), groups=groups)
    state["sums"] = [sum(len(fields[f]) for fields in documents) for f in range(len(SEARCH_FIELDS))]
    state["ids"], state["digests"] = ids, keys
    pages = len(state["pages"])
    logger.debug("facility_site: search: text index built whole: %d of %d first pages ranked again whole (search text cache)", pages, pages)
    return state, True


def _check_text_state(text: dict) -> None:
    """Raise ValueError unless the state has every table, of the right kinds and agreeing on its shards."""
    if not text.keys() >= TEXT_STATE_KEYS:
        raise ValueError("tables missing")
    if not all(isinstance(text[name], dict) for name in ("entries", "fields", "by_char", "by_start", "texts", "sizes", "pages", "tops", "withs", "ptexts")):
        raise ValueError("not a table")
    shards = text["by_char"].keys()
    if not (shards == text["texts"].keys() == text["sizes"].keys() == text["pages"].keys() == text["tops"].keys()):
        raise ValueError("shards disagree")
    if text["by_start"].keys() != text["ptexts"].keys() or text["entries"].keys() != text["fields"].keys() or len(text["ids"]) != len(text["digests"]):
        raise ValueError("tables disagree")


def lunr_module(lunr_js: str | Path) -> str:
    """lunr.min.js as an ES module: its UMD wrapper takes the CommonJS branch, which the module exports."""
    path = Path(lunr_js)
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SearchBuildError(f"lunr_js: cannot read {path} ({exc.strerror}); run `npm ci` in the project folder") from None
    if not re.search(r'version\s*=\s*"' + re.escape(LUNR_VERSION) + '"', source):
        raise SearchBuildError(f"lunr_js: {path} is not lunr.js {LUNR_VERSION}")
    return (
        f"// lunr.js {LUNR_VERSION} (MIT, Oliver Nightingale), copied from {path.name} by the site build.\n"
        "const module = { exports: {} };\n"
        "const exports = module.exports;\n"
        f"{source.strip()}\n"
        "export default module.exports;\n"
    )


def search_config(groups: list[str], pref_starts: list[int], everyday_words: dict | None = None, site_modules: list[str] | None = None) -> dict:
    """The JSON block the page script reads: where the data is and the vocabularies, in bit order.

    data and dataGroups: a data file's URL is data + the hash of its group + "/" + its path
    (data_group; data-url.js): the hashes are one string, GROUP_HASH characters each, text's
    groups first.

    prefStarts (search_data.prefecture_starts) tells which doc numbers are a
    prefecture's, so the script knows which cards and facet parts a search of
    one prefecture needs before any data has arrived.
    """
    return {
        "data": "search/",
        "dataGroups": {"text": TEXT_GROUPS, "other": OTHER_GROUPS, "hashes": "".join(groups)},
        "lunr": LUNR_MODULE,
        "count": pref_starts[-1],
        "prefStarts": pref_starts,
        "cardChunk": CARD_CHUNK,
        "prefectures": [p.slug for p in PREFECTURES],
        "prefectureNames": [p.name for p in PREFECTURES],
        "disabilities": [d.slug for d in DISABILITIES],
        "disabilityLabels": [d.label for d in DISABILITIES],
        "disabilityShort": [d.short for d in DISABILITIES],
        "services": [s.slug for s in SERVICES],
        "serviceLabels": [s.label for s in SERVICES],
        "serviceShort": [s.short for s in SERVICES],
        "serviceTags": [s.tag for s in SERVICES],
        "walkOptions": list(WALK_OPTIONS),
        "withinOptions": list(WITHIN_OPTIONS),
        "options": [c.slug for c in CONDITIONS],
        "optionLabels": [c.label for c in CONDITIONS],
        "everydayWords": everyday_words or {},
        # site.js and its imports (preloaded_modules "site"), fetched in one wave after the first results.
        "siteModules": site_modules or [],
    }


def preloaded_modules(settings: dict, bundled: bool = False) -> dict[str, list[str]]:
    """Site paths of every module the page imports statically (search.modules), for modulepreload.

    "search": the search script's graph, needed for the first results (hinted in the page head;
    only the bundle when the build bundles it, hosting/minify.py BUNDLED_ENTRIES); "site":
    site.js's graph (the comparison tray), which the search script hints and imports once the
    first results are shown, so that its modules do not share the phone's bandwidth with them.
    """
    static_dir = settings.get("THEME_STATIC_DIR", "theme")
    roots = [Path(settings["THEME"]) / folder for folder in settings.get("THEME_STATIC_PATHS", ["static"])]
    site_entry, search_entry = ENTRY_MODULES
    root = next((r for r in roots if (r / search_entry).is_file()), roots[0])
    search = module_graph(root, [search_entry])
    site = module_graph(root, [site_entry])
    if bundled and search_entry.removeprefix("js/") in BUNDLED_ENTRIES:
        search = [search_entry]
    return {"search": [f"{static_dir}/{path}" for path in search], "site": [f"{static_dir}/{path}" for path in site]}


def theme_static_root(settings: dict, wanted: str) -> Path:
    """The theme's static folder that holds `wanted` (a path under it)."""
    roots = [Path(settings["THEME"]) / folder for folder in settings.get("THEME_STATIC_PATHS", ["static"])]
    return next((r for r in roots if (r / wanted).is_file()), roots[0])


_CONFIG_BLOCK = re.compile(r'<script type="application/json" id="search-config">(.*?)</script>', re.DOTALL)


def previous_groups(output: Path | None) -> list[str] | None:
    """The group hashes the previous output's search page lists (its config's dataGroups), if it has the same groups."""
    page = output / "search" / "index.html" if output is not None else None
    try:
        match = _CONFIG_BLOCK.search(page.read_text(encoding="utf-8")) if page is not None else None
        groups = json.loads(match.group(1))["dataGroups"] if match else None
        hashes = groups["hashes"] if (groups or {}).get("text") == TEXT_GROUPS and groups.get("other") == OTHER_GROUPS else ""
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(hashes, str) or len(hashes) != DATA_GROUPS * GROUP_HASH:
        return None
    return [hashes[i : i + GROUP_HASH] for i in range(0, len(hashes), GROUP_HASH)]


def filter_counts(docs: list[SearchRow], facilities: list, vacancies: list[int]) -> dict:
    """The search page's counts beside each filter, from the search rows (issue 15: counting each facility's
    terms took about 0.2 s of a one-record rebuild at 30,000 facilities; the rows' facet bits take few
    distinct values, each counted once). `docs`, `facilities` and `vacancies` (has_vacancy) are in doc order.

    disability_counts, service_counts, option_counts: offices with each term (by slug, in the
    vocabulary's order); vacancy_count: 空きあり (has_vacancy); walk_counts: offices within each
    WALK_OPTIONS minutes of a station; unchecked_count: offices whose disability types are 未確認.
    A row's service bits are services_offered's (a satellite also gets 就労定着支援 through its main
    office), and so is the count beside each service: it is what the filter finds, and what the
    page's script writes there once it has the data (it used to count only the services an office
    lists itself, so a satellite made the first count differ from the filter's results).
    """
    dis, opt, svc = (Counter(map(itemgetter(SearchRow._fields.index(name)), docs)) for name in ("dis", "opt", "svc"))
    walk = Counter(facility.min_walk for facility in facilities)
    unchecked = sum(1 for facility in facilities if not facility.disabilities)

    def bit_counts(masks: Counter, vocabulary) -> list[int]:
        return [sum(n for mask, n in masks.items() if mask >> i & 1) for i in range(len(vocabulary))]

    disabilities = dict(zip(DISABILITIES, bit_counts(dis, DISABILITIES), strict=True))
    services = dict(zip(SERVICES, bit_counts(svc, SERVICES), strict=True))
    options = dict(zip((c.slug for c in CONDITIONS), bit_counts(opt, CONDITIONS), strict=True))
    walks = {minutes: sum(n for value, n in walk.items() if value is not None and value <= minutes) for minutes in WALK_OPTIONS}
    return {
        "disability_counts": {d.slug: n for d, n in disabilities.items()},
        "service_counts": {s.slug: n for s, n in services.items()},
        "option_counts": options,
        "vacancy_count": sum(vacancies),
        "walk_counts": walks,
        "unchecked_count": unchecked,
    }


def keep_unchanged_groups(site: SiteOutput, built: SearchFiles, before: list[str], groups: dict[str, int]) -> set[int]:
    """Keep whole the previous output's folder of each group whose hash is unchanged; return those groups.

    A group's folder name is a hash of its files' paths and bytes (group_hashes), so the same name
    means the same files: rather than reading and comparing each of them (write_data; about a second
    for the 4,000 data files at 30,000 facilities), each unchanged folder is listed once and kept
    when it holds exactly the files the group has now, each of its size, and a .gz twin for each
    file of PRECOMPRESS_BYTES or more (nothing else). A folder that differs in any way, and every
    group of a build without a staged tree to keep files in (staged.py), goes through write_data.
    """
    tree = tree_for(site.output_path)
    previous = site.previous_output
    if tree is None or previous is None or tree.output != previous:
        return set()
    wanted: dict[int, dict[str, int | None]] = {}
    for path, data in built.files.items():
        group = groups[path]
        if before[group] == built.groups[group]:
            files = wanted.setdefault(group, {})
            files[path] = len(data)
            if len(data) >= PRECOMPRESS_BYTES:
                files[path + ".gz"] = None  # a regular file of any size: its bytes follow from the file's
    kept = set()
    for group, files in wanted.items():
        folder = f"search/{built.groups[group]}/"
        found = _file_sizes(previous / folder)
        if found is None or found.keys() != files.keys():
            continue
        if any(found[path] < 0 if size is None else found[path] != size for path, size in files.items()):
            continue
        for path in files:
            tree.keep(folder + path)
        kept.add(group)
    return kept


def _file_sizes(root: Path) -> dict[str, int] | None:
    """Every entry under `root` (relative POSIX path -> size; -1 for anything not a regular file), or None if unreadable."""
    try:
        return {relative: entry.stat(follow_symlinks=False).st_size if entry.is_file(follow_symlinks=False) else -1 for relative, entry in scan_tree(root)}
    except OSError:
        return None


@dataclass(frozen=True)
class SearchData:
    """What the search page needs of write_search_data: plain values, sent back from a forked process in a rebuild."""

    groups: list[str]
    pref_starts: list[int]
    counts: dict
    data_preloads: list[str]
    everyday_words: dict
    modules: dict[str, list[str]]
    style_bundle: str | None


def write_search_data(site: SiteOutput) -> SearchData:
    """Write the search's data files (and lunr.js, the page's style bundle); what the page needs of them."""
    catalog = site.catalog
    # Checked before any search file is written: a bad list stops the build.
    everyday_words = words_config(load_everyday_words(site.options["everyday_words"] or EVERYDAY_WORDS_PATH))
    modules = preloaded_modules(site.settings, bundled=site.options["minify_js"] is not None)
    today = reference_date(site.options)
    cache = site.cache
    if cache.enabled:
        # Rows are kept under their facility's digest and never change in place: after a few edits only
        # the rows that differ from the whole file are written (BuildCache.save(changes=True)).
        known_rows, text = cache.load(ROWS_CACHE, changes=True), cache.load(TEXT_CACHE)
        before_rows, before_digests = set(known_rows), text.get("digests")
        built = search_files(catalog.facilities, today, known_rows, text, site.fingerprint.shared_digest)
        if known_rows.keys() != before_rows:  # saved only when a record changed
            cache.save(ROWS_CACHE, known_rows, changes=True)
        if built.whole_index or text.get("digests") != before_digests:
            cache.save(TEXT_CACHE, text)
    else:
        built = search_files(catalog.facilities, today)
    # A group whose hash is unchanged keeps its folder and files (write_data keeps a file with the same
    # bytes at the same path). In a group that moved, a file the group's previous folder holds with
    # the same bytes is linked from there, not written and compressed again.
    before = previous_groups(site.previous_output) or built.groups
    groups = {path: data_group(path) for path in built.files}
    kept = keep_unchanged_groups(site, built, before, groups)
    for path, data in built.files.items():
        group = groups[path]
        if group not in kept:
            site.write_data(f"search/{built.groups[group]}/{path}", data, gzip_from=PRECOMPRESS_BYTES, previous=f"search/{before[group]}/{path}")
    site.write_data(LUNR_MODULE, lunr_module(site.options["lunr_js"]).encode("utf-8"))
    style_bundle = None
    if site.options["minify_js"] is not None:
        root = theme_static_root(site.settings, "css/search.css")
        site.write_data(STYLE_BUNDLE, bundle_styles([(root / "css" / name, media) for name, media in SEARCH_STYLES], site.options["minify_js"]))
        style_bundle = STYLE_BUNDLE
    moved = sum(1 for old, new in zip(before, built.groups, strict=True) if old != new)
    logger.debug(
        "facility_site: search: %d data files in %d groups under search/, %d groups moved, %d kept whole", len(built.files), DATA_GROUPS, moved, len(kept)
    )
    preloads = [built.site_path(path) for path in PRELOADED_DATA]
    return SearchData(built.groups, built.pref_starts, built.counts, preloads, everyday_words, modules, style_bundle)


def write_search_page(site: SiteOutput, data: SearchData) -> None:
    """Queue /search/, made from what write_search_data wrote."""
    catalog = site.catalog
    regions = catalog.regions()
    site.write_page(
        "search/",
        "search",
        site.newest_input,
        search_config=search_config(data.groups, data.pref_starts, data.everyday_words, data.modules["site"]),
        module_preloads=data.modules,
        style_bundle=data.style_bundle,
        data_preloads=data.data_preloads,
        within_options=WITHIN_OPTIONS,
        pref_counts={p.slug: n for p, n in ((p, len(catalog.in_prefecture(p))) for p in PREFECTURES)},
        **data.counts,
        walk_options=WALK_OPTIONS,
        sort_labels=SORT_LABELS,
        regions=regions,
        region_counts={r.name: sum(n for _, n in r.prefectures) for r in regions},
    )


# Write /search/ and its data files: the data half in a forked process in a rebuild (SiteOutput.start_parts).
write_search_output = SplitPart(write_search_data, write_search_page)
