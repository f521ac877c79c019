"""A plain Pelican site: one Markdown page per facility, the default theme.

Only page.html is overridden (tools/peers/pelican_templates), to carry the
data-pagefind-* attributes Pagefind reads its filters and metadata from.
DISPLAY_PAGES_ON_MENU = False: otherwise every page lists every other page
and the build turns quadratic.
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))

SITENAME = "Plain facility site"
DEFAULT_LANG = "ja"
TIMEZONE = "Asia/Tokyo"
PATH = os.environ["PLAIN_CONTENT"]
PLUGINS = []  # plain: not even the namespace plugins installed beside Pelican
THEME_TEMPLATES_OVERRIDES = [os.path.join(HERE, "pelican_templates")]
PAGE_PATHS = ["pages"]
ARTICLE_PATHS = []
PAGE_URL = "facilities/{slug}/"
PAGE_SAVE_AS = "facilities/{slug}/index.html"
DISPLAY_PAGES_ON_MENU = False
DISPLAY_CATEGORIES_ON_MENU = False
RELATIVE_URLS = True
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
LOAD_CONTENT_CACHE = False
CACHE_CONTENT = False
