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
from ..staged import site_files
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


def is_immutable(folder: str) -> bool:
    return any(pattern.fullmatch(folder) for pattern in IMMUTABLE_FOLDERS)


def cache_rules(output: Path) -> list[tuple[str, str]]:
    """(path pattern, Cache-Control) pairs covering every file of `output` exactly once."""
    # Folders and files from the site's file list (staged.py: written and kept files alike), not a walk
    # of `output`: a rebuild's staging folder holds only what changed. No sorting of 40,000 Paths either.
    folders: dict[str, tuple[set[str], set[str]]] = {"": (set(), set())}  # prefix -> (file names, subfolder names)
    for relative in site_files(output):
        parts = relative.split("/")
        prefix = ""
        for part in parts[:-1]:
            folders.setdefault(prefix, (set(), set()))[1].add(part)
            prefix += part + "/"
        folders.setdefault(prefix, (set(), set()))[0].add(parts[-1])
    immutable = [prefix for prefix in folders if prefix and is_immutable(prefix)]
    rules: list[tuple[str, str]] = []

    def cover(prefix: str) -> None:
        if prefix in immutable:
            rules.append((f"/{prefix}*", IMMUTABLE))
            return
        if prefix and not any(path.startswith(prefix) for path in immutable):
            rules.append((f"/{prefix}*", REVALIDATE))
            return
        # A folder holding an immutable one: its own files by one placeholder rule (`:file` is one
        # path segment, so it also covers sitemap.xml, written after this file), then each subfolder.
        names, subfolders = folders[prefix]
        if "index.html" in names:
            rules.append((f"/{prefix}", REVALIDATE))
        if names:
            rules.append((f"/{prefix}:file", REVALIDATE))
        if len(subfolders) > 1 and all(f"{prefix}{name}/" in immutable for name in subfolders):
            # Only hashed folders (search/<group hash>/, one per data group): one rule for them all,
            # which also covers the folders of a later build (hosts read at most 100 rules).
            rules.append((f"/{prefix}:folder/*", IMMUTABLE))
            return
        for name in sorted(subfolders):
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
