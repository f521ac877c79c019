"""The plugin's settings: one FACILITY_SITE dict, defaults in one place."""

from __future__ import annotations

import datetime as dt
import difflib
from types import MappingProxyType

from .errors import SettingsError

DEFAULTS = MappingProxyType(
    {
        # Folder of facilities/*.yaml records. Relative paths are taken from
        # the current working directory (the project root under `make`).
        "records_path": "facilities",
        # Cards per list page. 50 keeps a page of 東京都 (≈3,500 offices) small.
        "per_page": 50,
        # Warn (not fail) when a record's `updated` is older than this many days.
        "stale_after_days": 365,
        # The day the staleness is measured from; None means today. Tests pin it.
        "today": None,
        # Absolute origin for canonical URLs and the sitemap, without a trailing slash.
        "canonical_base": "",
        # The credit the open-data terms ask for, shown in the footer of every page
        # once any record was imported (has a `source` block). `url` is the page
        # the CSVs were downloaded from; check it matches yours.
        "open_data_credit": MappingProxyType(
            {
                "text": "出典：障害福祉サービス等情報公表システム（WAM NET）のオープンデータを加工して作成",
                "url": "https://www.wam.go.jp/sfkohyoout/",
            }
        ),
        # How many facilities the comparison can hold at once.
        "compare_limit": 4,
        # lunr.js 2.3.9 for the search page, copied into the output (theme/vendor/).
        # Relative paths are taken from the current working directory; `npm ci`
        # installs it under node_modules/ of the project.
        "lunr_js": "node_modules/lunr/lunr.min.js",
        # esbuild (pinned in package.json), which minifies the theme's scripts in the
        # output (hosting/minify.py); None writes them as written. Relative paths as lunr_js.
        "minify_js": "node_modules/esbuild/bin/esbuild",
        # The visit planner's optional relay: the planner POSTs a visitor's
        # message to this URL (the operator's own form handler) when set.
        # Absolute http(s) or site-absolute ("/inquiry"); None = no form.
        "inquiry_endpoint": None,
        # Required with inquiry_endpoint: the operator's privacy policy, linked beside the form.
        "privacy_policy_url": None,
        # The everyday words of the keyword search (発達障害, ADHD, うつ, A型 …) and
        # the condition each stands for. None: the list shipped with the plugin,
        # plugins/facility_site/search/everyday_words.yaml. Relative paths are
        # taken from the current working directory.
        "everyday_words": None,
        # Processes that render the pages. None: os.cpu_count() on a site of 2,000
        # pages or more, one process below that. The environment variable
        # FACILITY_SITE_WORKERS overrides it (FACILITY_SITE_WORKERS=1: serial).
        "render_workers": None,
        # The build cache folder (parsed records, which pages are unchanged; see
        # README "The build cache"). None: no cache. pelicanconf.py sets .cache/.
        "cache_path": None,
        # ふりがな: ruby over every page and the 「ふりがな」 switch in the header.
        # The ruby about doubles the HTML (1.5 GB instead of about 0.75 GB at
        # 30,000 facilities); False builds without it, e.g. to fit a host's
        # size limit (README "Deploying").
        "furigana": True,
    }
)


def resolve(settings: dict) -> dict:
    """Merge the user's FACILITY_SITE over DEFAULTS without mutating it."""
    user = settings.get("FACILITY_SITE") or {}
    if not isinstance(user, dict):
        raise SettingsError("FACILITY_SITE must be a dict")
    unknown = sorted(set(user) - set(DEFAULTS))
    if unknown:
        hints = []
        for key in unknown:
            close = difflib.get_close_matches(key, DEFAULTS, n=1)
            hints.append(f"{key!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        raise SettingsError(f"FACILITY_SITE: unknown setting(s) {', '.join(hints)}")
    merged = dict(DEFAULTS, **user)
    if not isinstance(merged["per_page"], int) or merged["per_page"] < 1:
        raise SettingsError("FACILITY_SITE: per_page must be a whole number ≥ 1")
    if not isinstance(merged["compare_limit"], int) or merged["compare_limit"] < 2:
        raise SettingsError("FACILITY_SITE: compare_limit must be a whole number ≥ 2")
    workers = merged["render_workers"]
    if workers is not None and (not isinstance(workers, int) or isinstance(workers, bool) or workers < 1):
        raise SettingsError("FACILITY_SITE: render_workers must be None or a whole number ≥ 1")
    if merged["minify_js"] is not None and not isinstance(merged["minify_js"], str):
        raise SettingsError("FACILITY_SITE: minify_js must be the path of esbuild or None")
    if not isinstance(merged["furigana"], bool):
        raise SettingsError("FACILITY_SITE: furigana must be True or False")
    merged["canonical_base"] = str(merged["canonical_base"]).rstrip("/")
    credit = merged["open_data_credit"]
    if not (hasattr(credit, "keys") and set(credit) == {"text", "url"} and all(isinstance(credit[k], str) and credit[k].strip() for k in credit)):
        raise SettingsError("FACILITY_SITE: open_data_credit must be {'text': '出典：…', 'url': 'https://…'}")
    if not str(credit["url"]).startswith(("https://", "http://")):
        raise SettingsError("FACILITY_SITE: open_data_credit url must start with https:// or http://")
    for key in ("inquiry_endpoint", "privacy_policy_url"):
        value = merged[key]
        if value is not None and not (isinstance(value, str) and _is_web_address(value)):
            raise SettingsError(f"FACILITY_SITE: {key} must be an http(s) URL or a path starting with /, not {value!r}")
    if merged["inquiry_endpoint"] and not merged["privacy_policy_url"]:
        raise SettingsError(
            "FACILITY_SITE: inquiry_endpoint is set but privacy_policy_url is not; "
            "the inquiry form must link to the operator's privacy policy"
        )
    return merged


def _is_web_address(value: str) -> bool:
    """An absolute http(s) URL with a host, or a site-absolute path ("/inquiry"), without spaces."""
    if not value or any(ch.isspace() for ch in value):
        return False
    if value.startswith("/") and not value.startswith("//"):
        return True
    scheme, _, rest = value.partition("://")
    return scheme.lower() in ("http", "https") and bool(rest.split("/", 1)[0])


def reference_date(options: dict) -> dt.date:
    """The build's "today": `today` when set (tests pin it), else the day of the build.

    Staleness warnings and the 60-day limit on 空き状況 both count from it.
    """
    return options["today"] or dt.date.today()
