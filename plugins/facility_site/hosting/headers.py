"""`_headers`: the response headers Netlify and Cloudflare Pages send, written at the end of every build.

The file has one rule for every path (`/*`) with the security headers and
the Content-Security-Policy, then Cache-Control rules that never overlap:
Cloudflare Pages joins the values of every rule that matches a path with a
comma, and Netlify keeps the last, so each file must match exactly one.

- Folders named by a hash of their content (search/<hash>/, one per
  search data group: one rule `/search/:folder/*` for them all), files named
  so (photos/<hash>-<width>.webp) and versioned files
  (theme/vendor/lunr-2.3.9.js) never change under the same address:
  cached for a year, `immutable`.
- Everything else (pages, theme CSS and JS, compare/ and visit/ data) is
  revalidated on every use (`max-age=0, must-revalidate`, answered with
  304 when unchanged). Pages point at the current search/<hash>/, and a
  host that deploys atomically removes the previous one: a page kept
  longer than a deploy would fetch data that is gone.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from ..settings import resolve
from ..staged import folders_of, site_paths
from .policy import SECURITY_HEADERS, content_security_policy

logger = logging.getLogger(__name__)

FILE_NAME = "_headers"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"
# Folders (relative to the output, with a trailing slash) whose files never change under one address.
IMMUTABLE_FOLDERS = (
    re.compile(r"search/[0-9a-f]{10}/"),  # search/page.py: a hash of one group of the data
    re.compile(r"theme/vendor/"),  # lunr-<version>.js
    re.compile(r"photos/"),  # photos/process.py: <key>-<width>.webp, the key a hash of the pixels
)


# IMMUTABLE_FOLDERS as one pattern: one match per folder of the site (35,000 at 30,000 facilities).
_IMMUTABLE_FOLDER = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in IMMUTABLE_FOLDERS))


def is_immutable(folder: str) -> bool:
    return _IMMUTABLE_FOLDER.fullmatch(folder) is not None


def cache_rules(output: Path) -> list[tuple[str, str]]:
    """(path pattern, Cache-Control) pairs covering every file of `output` exactly once."""
    # The site's file list (staged.py: written and kept files alike), not a walk of `output`: a rebuild's
    # staging folder holds only what changed.
    return cache_rules_of(site_paths(output))


def cache_rules_of(files: set[str]) -> list[tuple[str, str]]:
    """cache_rules for a site of these files (relative POSIX paths).

    Only the folders above an immutable one ("mixed": the top, search/, theme/) need their own files
    and subfolders; any other folder is one rule. So each file is only cut at its last slash, and each
    folder matched once (no per-file walk of its path: a third of a one-record rebuild's tail at
    30,000 facilities).
    """
    direct = {relative[: relative.rfind("/") + 1] for relative in files}  # the folder of each file ("" at the top)
    folders = folders_of(direct)  # and every folder above those
    match = _IMMUTABLE_FOLDER.fullmatch
    immutable = {folder for folder in folders if folder and match(folder)}
    mixed = {""}  # the folders holding an immutable one
    for folder in immutable:
        cut = folder.rfind("/", 0, len(folder) - 1)
        while cut >= 0:
            mixed.add(folder[: cut + 1])
            cut = folder.rfind("/", 0, cut)
    subfolders: dict[str, set[str]] = {folder: set() for folder in mixed}
    for folder in folders:
        if folder:
            parent = folder[: folder.rfind("/", 0, len(folder) - 1) + 1]
            if parent in subfolders:
                subfolders[parent].add(folder[len(parent) : -1])
    rules: list[tuple[str, str]] = []

    def cover(prefix: str) -> None:
        if prefix in immutable:
            rules.append((f"/{prefix}*", IMMUTABLE))
            return
        if prefix not in mixed:
            rules.append((f"/{prefix}*", REVALIDATE))
            return
        # A folder holding an immutable one: its own files by one placeholder rule (`:file` is one
        # path segment, so it also covers sitemap.xml, written after this file), then each subfolder.
        if prefix + "index.html" in files:
            rules.append((f"/{prefix}", REVALIDATE))
        if prefix in direct:
            rules.append((f"/{prefix}:file", REVALIDATE))
        names = subfolders[prefix]
        if len(names) > 1 and all(f"{prefix}{name}/" in immutable for name in names):
            # Only hashed folders (search/<group hash>/, one per data group): one rule for them all,
            # which also covers the folders of a later build (hosts read at most 100 rules).
            rules.append((f"/{prefix}:folder/*", IMMUTABLE))
            return
        for name in sorted(names):
            cover(f"{prefix}{name}/")

    cover("")
    return rules


def headers_text(output: Path, options: dict) -> str:
    lines = [
        "# Response headers for Netlify and Cloudflare Pages, written by the build (plugins/facility_site/hosting/).",
        "# Every path: the security headers. Then one Cache-Control rule per path, never two.",
        "/*",
        f"  Content-Security-Policy: {content_security_policy(options, header=True)}",
    ]
    lines += [f"  {name}: {value}" for name, value in SECURITY_HEADERS]
    for pattern, cache_control in cache_rules(output):
        lines += [pattern, f"  Cache-Control: {cache_control}"]
    return "\n".join(lines) + "\n"


def write_headers_file(pelican) -> None:
    """Connected to `finalized`: every page, data and theme file is written by then.

    Other `finalized` receivers may still write files (pages/sitemap.py's
    sitemap.xml, precompressed twins); they land in folders the rules
    already cover.
    """
    output = Path(pelican.settings["OUTPUT_PATH"])
    (output / FILE_NAME).write_text(headers_text(output, resolve(pelican.settings)), encoding="utf-8")
    logger.debug("facility_site: hosting: wrote %s", output / FILE_NAME)
