"""Production settings: what differs from pelicanconf.py when publishing."""

import os
import sys

sys.path.append(os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403
from pelicanconf import FACILITY_SITE  # noqa: E402

# Set SITEURL to where the site is published, e.g. `make publish SITEURL=https://example.jp`.
SITEURL = os.environ.get("SITEURL", "https://shuro-navi.example.jp").rstrip("/")
RELATIVE_URLS = False
FACILITY_SITE = dict(FACILITY_SITE, canonical_base=SITEURL)
FEED_ALL_ATOM = "feeds/all.atom.xml"
