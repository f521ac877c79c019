"""sitemap.xml, written by this plugin from the page list it already has.

pelican-sitemap (`pelican.plugins.sitemap`) queues every page from
Pelican's `content_written` signal and formats each entry at the end. At
30,000 facilities that meant sending the signal for 35,000 pages (with a
context view for each) and formatting 35,000 dates on every build, even
when one record changed. This module writes the same file, byte for byte,
from the same settings (`SITEMAP`: format, exclude, changefreqs,
priorities) and the same entry templates (imported from pelican-sitemap):

- Pelican's own pages (articles, the glossary) are still queued from
  `content_written`, in the order they are written;
- the facility site's pages are queued by `SiteOutput.finish` directly,
  as (URL, midnight of the page's date), at the place in the queue where
  their signals used to come; a date's `<lastmod>` is formatted once.

The file is written at `finalized`. When the previous output's
sitemap.xml holds the same bytes, that file is kept (staged.write_file):
nothing is written, and its timestamp stays.

When pelican-sitemap itself is among the build's plugins (a settings file
that still lists it), it writes the sitemap as before and this module only
keeps its state right across builds: pelican-sitemap keeps its state in
one module-level object (the Pelican instance whose `finalized` writes the
sitemap, and the queue of written pages) and resets both only when a build
finishes. After a build that failed, the queue still held that build's
pages and, if the next build ran on a new Pelican instance (autoreload
after a settings change, or any tool that builds twice), the sitemap was
never written again. Starting each build from a clean state fixes both.
When it is not among the build's plugins but was loaded by an earlier
build in the same process (its receivers stay connected), it is kept from
writing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import weakref
from contextlib import contextmanager
from urllib.request import pathname2url

from pelican import contents, signals

from ..staged import write_file

SITEMAP_MODULE = "pelican.plugins.sitemap.sitemap"

# pelican-sitemap's "index.html" cleaning, as it does it.
_INDEX_HTML = re.compile(r"(?:^|(?<=/))index.html$")
# Given to a loaded pelican-sitemap as its instance when it is not this build's: it writes nothing.
_NOT_THIS_BUILD = object()


class _Queue:
    """This build's sitemap entries in the order the pages were written (one per process, like pelican-sitemap's)."""

    def __init__(self):
        self.pelican = None
        self.own = False
        self.paused = False
        # (output path, the page's Article/Page/SitemapEntry or None) from content_written, or
        # (None, [(url, midnight), …]) for the facility site's pages, queued together.
        self.items: list[tuple[str | None, object]] = []


_queue = _Queue()


def _plugin_module():
    """pelican-sitemap's module if some build in this process loaded it, else None."""
    return sys.modules.get(SITEMAP_MODULE)


def _listed(pelican, module) -> bool:
    """True when pelican-sitemap is one of this build's plugins (it then writes the sitemap itself)."""
    if module is None:
        return False
    return any(getattr(plugin, "register", None) is module.register for plugin in getattr(pelican, "plugins", ()))


def start_sitemap(pelican) -> None:
    """Make this build the one the sitemap is written for, with an empty queue.

    Connected to `get_generators`, which Pelican sends at the start of every
    run, before any page is written. Setting pelican-sitemap's instance
    (rather than clearing it) gives the same result whether its own receiver
    runs before or after this one.
    """
    module = _plugin_module()
    listed = _listed(pelican, module)
    if module is not None:
        module.generator._main_pelican = pelican if listed else _NOT_THIS_BUILD
        module.generator.page_queue = []
    _queue.pelican = pelican
    _queue.own = not listed
    _queue.items = []


def queue_written(path, context) -> None:
    """content_written receiver: a page Pelican's Writer wrote (pelican-sitemap's queue_page)."""
    if _queue.own and not _queue.paused:
        _queue.items.append((path, context.get("article") or context.get("page")))


def queue_site_pages(pages: list[tuple[str, dt.datetime]]) -> bool:
    """Queue the facility site's pages as (URL, sitemap date); False when pelican-sitemap writes
    this build's sitemap (the pages must then be announced through content_written)."""
    if not _queue.own:
        return False
    _queue.items.append((None, pages))
    return True


@contextmanager
def paused():
    """content_written sent meanwhile is not queued (for pages already queued by queue_site_pages)."""
    _queue.paused = True
    try:
        yield
    finally:
        _queue.paused = False


def others_listen() -> bool:
    """True when content_written has a receiver besides the sitemap's queues (this one, pelican-sitemap's)."""
    module = _plugin_module()
    mine = [queue_written] + ([module.generator.queue_page] if module is not None else [])
    for receiver in list(signals.content_written.receivers.values()):
        if isinstance(receiver, weakref.ref):
            receiver = receiver()
            if receiver is None:
                continue
        if receiver not in mine:
            return True
    return False


def write_sitemap(pelican) -> None:
    """finalized receiver: write sitemap.xml (or sitemap.txt) as pelican-sitemap would."""
    if pelican is not _queue.pelican or not _queue.own:
        return
    items, _queue.items, _queue.pelican = _queue.items, [], None
    module = _plugin_module()
    if module is None:
        from pelican.plugins.sitemap import sitemap as module  # its entry templates and defaults
    settings = pelican.settings
    config = settings.get("SITEMAP", {})
    module.generator._check_config(config)
    fmt = config.get("format", "xml")
    text = _sitemap_text(module, items, pelican.output_path, settings["SITEURL"], config, fmt == "xml")
    write_file(pelican.output_path, "sitemap." + fmt, text.encode("utf-8"))


def _sitemap_text(module, items: list, output_path: str, siteurl: str, config: dict, is_xml: bool) -> str:
    """The file pelican-sitemap's _write_out writes for these queued pages, as one string."""
    excluded = [re.compile(pattern) for pattern in config.get("exclude", ())]
    changefreqs = dict(module.CHANGEFREQ_DEFAULTS, **config.get("changefreqs", {}))
    priorities = dict(module.PRIORITY_DEFAULTS, **config.get("priorities", {}))

    def clean_url(url: str) -> str:
        return _INDEX_HTML.sub("", url) if url.endswith("html") else url

    # (url, how its entry is made): a Pelican object, or a facility page's date (no object, "indexes").
    entries: list[tuple[str, object]] = []
    site_dates: dict[dt.datetime, str] = {}
    for path, obj in items:
        if path is None:  # the facility site's pages: SitemapEntry values, published, no own settings
            for url, modified in obj:
                url = clean_url(url)
                if not any(pattern.search(url) for pattern in excluded):
                    entries.append((url, modified))
            continue
        url = clean_url(obj.url if obj else pathname2url(os.path.relpath(path, output_path)))
        private = getattr(obj, "private", "") == "True"
        hidden = getattr(obj, "status", "published") != "published"
        if not (private or hidden or any(pattern.search(url) for pattern in excluded)):
            entries.append((url, obj))
    entries.sort(key=lambda entry: entry[0])
    if not is_xml:
        return "".join(f"{siteurl}/{url}\n" for url, _ in entries)
    index_tail = None  # the facility pages' changefreq, priority and (no) translations
    parts = [module.XML_HEADER]
    for url, how in entries:
        if type(how) is dt.datetime:
            lastmod = site_dates.get(how)
            if lastmod is None:
                lastmod = site_dates[how] = module.format_date(how)
            if index_tail is None:
                index_tail = _kind_tail(module, "indexes", changefreqs, priorities)
            parts.append(module.XML_URL.format(siteurl, url, lastmod, *index_tail, translations=""))
        else:
            parts.append(_object_entry(module, url, how, siteurl, changefreqs, priorities))
    parts.append(module.XML_FOOTER)
    return "".join(parts)


def _object_entry(module, url: str, obj, siteurl: str, changefreqs: dict, priorities: dict) -> str:
    """One <url> entry for a page Pelican wrote, exactly as pelican-sitemap's _write_out makes it."""
    lastmod = module.format_date(getattr(obj, "modified", None) or getattr(obj, "date", None) or module.generator.now)
    content_type = "articles" if isinstance(obj, contents.Article) else "pages" if isinstance(obj, contents.Page) else "indexes"
    changefreq, priority = _kind_tail(module, content_type, changefreqs, priorities, obj)
    translations = "".join(module.XML_TRANSLATION.format(trans.lang, siteurl, _INDEX_HTML.sub("", trans.url)) for trans in getattr(obj, "translations", ()))
    return module.XML_URL.format(siteurl, url, lastmod, changefreq, priority, translations=translations)


def _kind_tail(module, content_type: str, changefreqs: dict, priorities: dict, obj=None) -> tuple:
    """An entry's changefreq and priority: the page's own metadata, else the kind's setting (pelican-sitemap's rules)."""
    changefreq = getattr(obj, "changefreq", changefreqs[content_type])
    if changefreq not in module.CHANGEFREQ_VALUES:
        module.log.error(f"sitemap: Invalid 'changefreqs' value: {changefreq!r}")
        changefreq = changefreqs[content_type]
    priority_raw = getattr(obj, "priority", priorities[content_type])
    try:
        priority = float(priority_raw)
    except ValueError:
        module.log.exception(f"sitemap: Specify priority as a floating-point number, not the current value: {priority_raw!r}")
        priority = priorities[content_type]
    return changefreq, priority
