"""Production settings: what differs from pelicanconf.py when publishing."""

import os
import sys
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.append(HERE)
sys.path.append(os.path.join(HERE, "plugins"))

from facility_site.errors import SettingsError  # noqa: E402

from pelicanconf import *  # noqa: E402,F403
from pelicanconf import FACILITY_SITE  # noqa: E402


def _site_url() -> str:
    """SITEURL from the environment: the absolute address the site is published at.

    There is no default: a placeholder would end up in every canonical link
    and in the sitemap of the published site.
    """
    url = os.environ.get("SITEURL", "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        shown = f"{url!r} is not an absolute http(s) address" if url else "SITEURL is not set"
        raise SettingsError(f"publishconf.py: {shown}; publish with `make publish SITEURL=https://your-site.jp`")
    return url


# Where the site is published, e.g. `make publish SITEURL=https://example.jp`.
SITEURL = _site_url()
RELATIVE_URLS = False
FACILITY_SITE = dict(FACILITY_SITE, canonical_base=SITEURL)
FEED_ALL_ATOM = "feeds/all.atom.xml"
