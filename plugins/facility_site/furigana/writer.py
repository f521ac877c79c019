"""The Pelican side: build the site's readings once, then ruby every HTML page as it is written.

Every page (the facility pages and lists through SiteOutput, Pelican's own
articles, pages and 404) is written through Pelican's Writer; `RubyWriter`
passes the text of each `.html` file through `add_ruby` on its way to disk,
so no page is written twice. Feeds and data files are left alone, and so is
a page that marks itself as rubied in the browser (the search page: its
bytes stay as without ふりがな; its text's readings go in readings.json).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from pelican.writers import Writer

from .. import collector
from ..cache import BuildCache, Fingerprint, UncacheableError
from ..pages.parallel import ForkedTask, worker_count
from ..pages.reuse import may_reuse_pages
from ..settings import resolve
from ..visit.data import station_text
from .browser import EarlyReadings, early_readings, write_readings
from .overrides import FILE_NAME, load_overrides
from .reading import Furigana
from .shared import SharedWords, choose_words, code_labels, record_texts, template_labels, write_words
from .transform import add_ruby, in_browser, warm

# The build cache's file of each record's shared-word candidates (site_words).
WORDS_CACHE = "shared-words"
# Its entry for the phrase table it was made with (the memo's other keys are bytes and shared._TALLY).
_PHRASES = "phrases"

logger = logging.getLogger(__name__)

# Where the site's Furigana lives in Pelican's shared context.
CONTEXT_KEY = "FURIGANA"


class _Build:
    """A build under way: its Furigana, and the readings files read_while_rendering computed (or None)."""

    __slots__ = ("furigana", "early")

    def __init__(self, furigana: Furigana):
        self.furigana = furigana
        self.early: EarlyReadings | None = None


# Each build under way, by output folder, for `finish` (the `finalized` signal gets the
# Pelican object, not the generators' context).
_BUILDS: dict[str, _Build] = {}


def site_furigana(context: dict, content_path: str, theme_path: str | None = None) -> Furigana:
    """Facility names read as their name_kana, then the theme's corrections of its own words
    (theme/furigana.yaml), then the operator's overrides (content/furigana.yaml) over them all."""
    phrases: dict = {}
    catalog = context.get("facility_catalog")
    for facility in catalog.facilities if catalog else ():
        if facility.name_kana:
            phrases[facility.name] = facility.name_kana
    for folder in (theme_path, content_path):
        if folder is not None:
            path = Path(folder) / FILE_NAME
            phrases.update(load_overrides(path, shown_as=_shown(path)))
    return Furigana(phrases)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def site_words(
    furigana: Furigana,
    context: dict,
    templates: Path,
    records: list[list[str]] | None = None,
    cache: BuildCache | None = None,
    keys: list[bytes] | None = None,
) -> SharedWords:
    """The words every page leaves to words.json: the theme's and the plugin's labels, the records' common words.

    With a build cache, each record's words are kept in it (`shared-words.pickle`) for the same
    phrase table, so a rebuild reads again only the records whose shown texts changed.
    """
    labels = [*template_labels(templates), *code_labels(Path(__file__).resolve().parent.parent)]
    memo = phrases = None
    if cache is not None and cache.enabled and furigana.shared is None:
        phrases = furigana.phrases_digest()
        if phrases is not None:
            # One flat table (the phrase table's digest beside the memo's entries), whose entries are
            # replaced, never changed in place: a rebuild writes only the changed ones beside it.
            stored = cache.load(WORDS_CACHE, changes=True)
            memo = {key: value for key, value in stored.items() if key != _PHRASES} if stored.get(_PHRASES) == phrases else {}
    shared = choose_words(furigana, labels, records if records is not None else _record_texts(context), memo, keys)
    if memo is not None:
        cache.save(WORDS_CACHE, {_PHRASES: phrases, **memo}, changes=True)
    return shared


def _facilities(context: dict) -> list:
    catalog = context.get("facility_catalog")
    return list(catalog.facilities) if catalog else []


def _record_texts(context: dict) -> list[list[str]]:
    return [list(record_texts(f)) for f in _facilities(context)]


class _TextsOf:
    """A record's texts, made only when iterated (a rebuild reads the words of the changed records only)."""

    __slots__ = ("facility",)

    def __init__(self, facility):
        self.facility = facility

    def __iter__(self):
        return record_texts(self.facility)


def _record_keys(context: dict, generators) -> list[bytes] | None:
    """Each record's shared-words memo key: its Facility's fingerprint digest (all of its fields), which
    the records cache brings for unchanged records; None without the facility generator's fingerprint."""
    fingerprint = next((g.fingerprint for g in generators if isinstance(getattr(g, "fingerprint", None), Fingerprint)), None)
    if fingerprint is None:
        return None
    try:
        return [b"facility:" + (fingerprint.known(f) or fingerprint.shared_digest(f)) for f in _facilities(context)]
    except UncacheableError:
        return None


def shown_texts(context: dict, records: list[list[str]]) -> Iterator[str]:
    """The records' texts as whole runs of the pages: their own texts, each address and each station line."""
    for facility, texts in zip(_facilities(context), records, strict=True):
        yield from texts
        yield facility.full_address
        for station in facility.access or ():
            yield station_text(station)


def _pages_to_reuse(cache: BuildCache, settings: dict) -> bool:
    """Whether this build may reuse the previous build's pages (a cached rebuild), not a clean build."""
    return may_reuse_pages(cache, settings)


def prepare(generators) -> None:
    """all_generators_finalized: records are read, nothing is written yet; a bad override file stops here."""
    if generators:
        _BUILDS.pop(str(generators[0].output_path), None)  # left by a build into the same folder that failed
    if not generators or not resolve(generators[0].settings)["furigana"]:
        return  # no ruby: the context has no Furigana, so RubyWriter writes pages as they are
    context = generators[0].context
    context[CONTEXT_KEY] = furigana = site_furigana(context, generators[0].settings["PATH"], generators[0].settings["THEME"])
    cache = BuildCache(resolve(generators[0].settings)["cache_path"])  # each record's words, between builds
    # Reading makes many small objects that are kept (segments, chunks) and none in a cycle: a collection
    # would only walk the whole build's objects again.
    with collector.paused():
        keys = _record_keys(context, generators) if cache.enabled else None
        rebuild = _pages_to_reuse(cache, generators[0].settings)
        # A rebuild with keys reads the texts of the records whose words are not in the cache only.
        records = [_TextsOf(f) for f in _facilities(context)] if rebuild and keys is not None else _record_texts(context)
        templates = Path(generators[0].settings["THEME"]) / "templates"
        if rebuild and keys is not None and _fork_words(generators[0].settings, len(records)):
            furigana.shared = _words_beside_catalog(furigana, context, templates, records, cache, keys)
        else:
            furigana.shared = site_words(furigana, context, templates, records, cache, keys)
        # Converted here, before the render workers fork: each worker would otherwise convert
        # every facility's texts it meets again (a facility is on its own page and on several lists).
        # Not when the previous build's pages are there to reuse: a rebuild renders only the pages
        # an edit reaches, and converting every record's texts would cost more than they do.
        if not rebuild:
            warm(shown_texts(context, records), furigana)
    _BUILDS[str(generators[0].output_path)] = _Build(furigana)


def _fork_words(settings: dict, records: int) -> bool:
    """Whether a rebuild chooses its shared words in a forked process (the render_workers rule)."""
    return worker_count(resolve(settings)["render_workers"], records) > 1


def _words_beside_catalog(furigana: Furigana, context: dict, templates: Path, records: list, cache: BuildCache, keys: list[bytes]):
    """site_words in a forked process, while this one works out the catalog's nearby offices; the shared words.

    In a rebuild both stages come before anything else uses the second core (the search data's process
    starts with the pages, pages/output.py), each about a third of a second at 30,000 facilities, and
    neither needs the other: the words read the records' texts and their cache table, the nearby
    offices read the records' locations and theirs. The forked process loads and saves the shared
    words' table itself and hands back only the words (a few thousand); what it logs and prints is
    said here when they are taken, after what the nearby offices said (pages/parallel.py ForkedTask).
    """
    task = ForkedTask(lambda: site_words(furigana, context, templates, records, cache, keys), "shared-words")
    try:
        catalog = context.get("facility_catalog")
        if catalog is not None:
            catalog.prepare_pages()
    except BaseException:
        task.stop()
        raise
    return task.result()


def _theme_js(settings: dict) -> Path:
    return Path(settings["THEME"]) / "static" / "js"


def read_while_rendering(generator) -> None:
    """A clean build's head start on `finish` (FacilityGenerator.while_rendering): the build process
    computes the readings files once its data files and config pages are written, while a forked worker
    still renders pages, instead of alone after every page. `finish` writes them, or computes them again
    if a later generator changed what they read (an operator's static .json)."""
    build = _BUILDS.get(str(generator.output_path))
    if build is None:
        return
    cache = BuildCache(resolve(generator.settings)["cache_path"])
    with collector.paused():
        build.early = early_readings(Path(generator.output_path), _theme_js(generator.settings), build.furigana, cache)


def finish(pelican) -> None:
    """finalized: every page and data file is written; write the readings the browser needs."""
    build = _BUILDS.pop(str(pelican.output_path), None)
    if build is not None:
        furigana = build.furigana
        cache = BuildCache(resolve(pelican.settings)["cache_path"])  # what each data file reads as, between builds
        with collector.paused():
            write_readings(Path(pelican.output_path), _theme_js(pelican.settings), furigana, cache, build.early)
        if furigana.shared is not None:
            write_words(Path(pelican.output_path), furigana.shared)


def get_writer(_pelican):
    return RubyWriter


class _RubyFile:
    """A text file whose writes get ruby first."""

    def __init__(self, file, furigana: Furigana):
        self._file = file
        self._furigana = furigana

    def write(self, text: str) -> int:
        if in_browser(text):
            return self._file.write(text)
        return self._file.write(add_ruby(text, self._furigana))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return self._file.__exit__(*exc)


class RubyWriter(Writer):
    """Pelican's Writer, with ruby over the kanji of every HTML page it writes."""

    _furigana: Furigana | None = None

    def write_file(self, name, template, context, *args, **kwargs):
        self._furigana = context.get(CONTEXT_KEY)
        return super().write_file(name, template, context, *args, **kwargs)

    def _open_w(self, filename, encoding, override=False):
        file = super()._open_w(filename, encoding, override=override)
        if self._furigana is None or not str(filename).endswith(".html"):
            return file
        return _RubyFile(file, self._furigana)
