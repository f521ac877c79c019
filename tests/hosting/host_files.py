"""Reading `_headers` as Netlify and Cloudflare Pages do, for the tests (written independently of the plugin).

A rule is a path pattern on its own line followed by indented `Name: value`
lines. In a pattern, `*` matches anything (slashes too) and `:name` one path
segment; anything else matches itself.
"""

from __future__ import annotations

import re
from pathlib import Path


def parse_headers(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(pattern, [(name, value), …]), …] in file order; a malformed line raises ValueError."""
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            if not line.startswith("/"):
                raise ValueError(f"line {number}: a rule must start with '/': {line!r}")
            rules.append((line.strip(), []))
            continue
        name, colon, value = line.strip().partition(":")
        if not rules or not colon or not re.fullmatch(r"[A-Za-z0-9-]+", name) or not value.strip():
            raise ValueError(f"line {number}: not 'Name: value' under a rule: {line!r}")
        rules[-1][1].append((name, value.strip()))
    return rules


def pattern_regex(pattern: str) -> re.Pattern:
    parts = re.split(r"(\*|:[A-Za-z]\w*)", pattern)
    body = "".join(".*" if part == "*" else "[^/]+" if part.startswith(":") else re.escape(part) for part in parts)
    return re.compile(body)


def matching(rules, url_path: str) -> list[tuple[str, list[tuple[str, str]]]]:
    return [rule for rule in rules if pattern_regex(rule[0]).fullmatch(url_path)]


def url_paths(site: Path) -> list[str]:
    """The address of every file a visitor can request ("/pref/tokyo/" for pref/tokyo/index.html, and the file's own)."""
    paths = []
    for file in sorted(site.rglob("*")):
        relative = file.relative_to(site).as_posix()
        if file.is_dir() or relative == "_headers" or relative.endswith((".gz", ".br")):
            continue
        paths.append("/" + relative)
        if file.name == "index.html":
            paths.append("/" + relative[: -len("index.html")])
    return paths


def headers_for(rules, url_path: str) -> dict[str, str]:
    """The headers a host sends for `url_path`: every matching rule's, a name set twice joined with ", " (Cloudflare Pages)."""
    sent: dict[str, list[str]] = {}
    for _pattern, headers in matching(rules, url_path):
        for name, value in headers:
            sent.setdefault(name.lower(), []).append(value)
    return {name: ", ".join(values) for name, values in sent.items()}
