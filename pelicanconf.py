"""Pelican settings for local builds. publishconf.py overrides what production changes."""

import os

HERE = os.path.dirname(os.path.abspath(__file__))

SITENAME = "しゅうろうナビ"
SITESUBTITLE = "就労移行支援・就労定着支援の事業所を比べて選ぶ"
AUTHOR = "しゅうろうナビ編集部"
DEFAULT_LANG = "ja"
TIMEZONE = "Asia/Tokyo"

# `make html CONTENT=… FACILITIES=… OUTPUTDIR=…` reach here through the environment.
PATH = os.environ.get("CONTENT", os.path.join(HERE, "content"))
THEME = os.path.join(HERE, "theme")
PLUGIN_PATHS = [os.path.join(HERE, "plugins")]
# facility_site writes sitemap.xml itself (pages/sitemap.py: the same file pelican-sitemap made, from the
# SITEMAP setting below); listing "pelican.plugins.sitemap" here too makes pelican-sitemap write it instead.
PLUGINS = ["facility_site"]

# Pages link to each other with relative URLs, so a local build works from
# any folder or port. SITEURL is still absolute: the sitemap writes it
# into sitemap.xml, whose addresses must be absolute, like canonical links.
SITEURL = os.environ.get("CANONICAL_BASE", "http://localhost:8000").rstrip("/")
RELATIVE_URLS = True

FACILITY_SITE = {
    "records_path": os.environ.get("FACILITIES", os.path.join(HERE, "facilities")),
    "canonical_base": SITEURL,
    "per_page": 50,
    "stale_after_days": 365,
    "compare_limit": 4,
    "lunr_js": os.path.join(HERE, "node_modules", "lunr", "lunr.min.js"),
    "minify_js": os.path.join(HERE, "node_modules", "esbuild", "bin", "esbuild"),
    # `make clean` removes it; FACILITY_CACHE= (empty) builds without a cache.
    "cache_path": os.environ.get("FACILITY_CACHE", os.path.join(HERE, ".cache")) or None,
}

# Articles live under /articles/; the site's home page is the facility finder.
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
ARTICLE_URL = "articles/{slug}/"
ARTICLE_SAVE_AS = "articles/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
INDEX_SAVE_AS = "articles/index.html"
DEFAULT_PAGINATION = False
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False

# Pages this site does not use. Leaving them out also keeps the output
# deterministic (their sitemap dates would be the build time).
ARCHIVES_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

SITEMAP = {
    "format": "xml",
    # The article list has no date of its own; its articles are listed with theirs.
    # The not-found page is no address to index.
    "exclude": ["^articles/$", "^404\\.html$"],
}

# The staged build (plugins/facility_site/build.py) always writes a fresh folder.
DELETE_OUTPUT_DIRECTORY = False
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False

MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.toc": {"permalink": False},
        # A line break inside a Japanese paragraph joins without a space.
        "facility_site.records.markup:JoinJapaneseLines": {},
    },
    "output_format": "html5",
}
