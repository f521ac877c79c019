"""Reuse a page of the previous output when nothing it is made from changed (the page half of cache.py).

A page is made from its template (and every theme file), its variables,
the settings and a few context values. Its key hashes all of them; when
the cache's manifest has the same key for that file and the previous
output still holds that very file, the file is kept where it is (build.py
applies only what changed, staged.py) instead of rendered; a build run
without build.py's staged tree hard-links it into its folder.

Only templates that read nothing but their variables, the settings and the
context values in the site key are reused (CACHED_TEMPLATES: the facility
pages and the lists, nearly every page of a national site). The home page
reads the whole catalog and the articles, and the few one-off pages are
cheap, so they are always rendered. A template added to CACHED_TEMPLATES
must not reach into `facility_catalog` or the articles.

ふりがな's shared words (the words the browser puts ruby on from words.json)
are not in the site key as a whole: a page's HTML depends only on those
that occur in its text (the browser's matching, furigana/shared.py
`SharedWords.segment`, looks at no other word). When some words' shared
readings changed since the last build (a word gained a second reading, or
crossed the threshold), a kept page is rendered again only if its previous
text (ruby readings left out) contains one of them; the rest stay kept.
Before, every such edit rendered all 35,000 pages at national scale.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path

from ..cache import BuildCache, Fingerprint, UncacheableError, stat_matches, tree_key
from ..staged import tree_for

logger = logging.getLogger(__name__)

# The manifest entry (not a path: no page is named so) holding the shared words the kept pages were made with.
SHARED_WORDS_ENTRY = "\0shared-words"
# Markup: without it a page's text is as written, since a ruby reading is in its <rt>'s data-r
# attribute (furigana/transform.py ruby_markup), not in the text.
_MARKUP = re.compile(r"<[^>]*>")

CACHED_TEMPLATES = frozenset({"facility", "prefecture", "prefecture_disability", "disability", "compare_table"})
# Set by build.py: the output folder the staged build will replace.
PREVIOUS_OUTPUT = "FACILITY_SITE_PREVIOUS_OUTPUT"
# Settings that say where the build writes, not what it writes.
SETTINGS_NOT_READ = frozenset({"OUTPUT_PATH", PREVIOUS_OUTPUT})
# Context values Pelican and this plugin add that the cached templates do not read.
CONTEXT_NOT_READ = frozenset(
    {
        "generated_content", "static_links", "static_content", "staticfiles", "localsiteurl", "output_file",
        "articles", "drafts", "hidden_articles", "dates", "tags", "categories", "authors", "related_posts",
        "period_archives", "pages", "hidden_pages", "draft_pages", "facility_catalog",
    }
)  # fmt: skip


def may_reuse_pages(cache: BuildCache, settings: dict) -> bool:
    """Whether a build may keep pages of the previous output (a cached rebuild); else every page is rendered."""
    return bool(cache.enabled and settings.get(PREVIOUS_OUTPUT) and (cache.folder / "pages.pickle").is_file())


def _shared_words(context: dict) -> dict[str, str] | None:
    """ふりがな's shared words ({base: reading}) from the context's Furigana, None without them."""
    return next((v.shared_words() for v in context.values() if hasattr(v, "page_identity")), None)


class PageReuse:
    def __init__(self, cache: BuildCache, settings: dict, context: dict, fingerprint: Fingerprint | None = None):
        self.cache = cache
        previous = settings.get(PREVIOUS_OUTPUT)
        self.previous = Path(previous) if previous and cache.enabled else None
        self._previous_prefix = os.path.join(previous, "") if self.previous else ""
        self.fingerprint = fingerprint or Fingerprint()
        self.site_key = self._site_key(settings, context) if cache.enabled else None
        self.manifest = cache.load("pages") if self.previous and self.site_key else {}
        # ふりがな's shared words ({base: reading}), None without them; the words whose reading changed.
        self.shared_words = _shared_words(context)
        self.changed_words = self._changed_words()
        self._folders: set[Path] = set()
        # Pages kept where they are: their manifest entries, just checked against the file (stat_matches).
        self._kept: dict[str, tuple] = {}
        tree = tree_for(settings["OUTPUT_PATH"]) if self.previous else None
        self._tree = tree if tree is not None and tree.output == self.previous else None

    def still_current(self, settings: dict, context: dict) -> bool:
        """Whether the site key and the shared words are what they were when this was made (decisions made
        early, SiteOutput.settle_parts, still hold)."""
        return self._site_key(settings, context) == self.site_key and _shared_words(context) == self.shared_words

    def _site_key(self, settings: dict, context: dict) -> bytes | None:
        try:
            digest = hashlib.sha256(self.cache.key.encode())
            digest.update(tree_key(settings["THEME"]).encode())
            digest.update(self.fingerprint.digest({k: v for k, v in settings.items() if k not in SETTINGS_NOT_READ}))
            read = {k: v.page_identity() if hasattr(v, "page_identity") else v for k, v in context.items() if k not in settings and k not in CONTEXT_NOT_READ}
            digest.update(self.fingerprint.digest(read))
        except UncacheableError as exc:
            logger.debug("facility_site: cache: pages are not reused (%s in the settings or context)", exc)
            return None
        return digest.digest()

    def _changed_words(self) -> frozenset[str]:
        """The shared words whose reading differs from the previous build's (added and removed ones too)."""
        if not self.manifest or self.shared_words is None:
            return frozenset()  # nothing to keep, or no shared words (the site key says which)
        entry = self.manifest.get(SHARED_WORDS_ENTRY)
        if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == "shared-words"):
            self.manifest = {}  # a manifest that does not say which words its pages were made with: keep none
            return frozenset()
        before, now = dict(entry[1]), self.shared_words
        return frozenset(word for word in before.keys() | now.keys() if before.get(word) != now.get(word))

    def _shows_changed_word(self, path: str) -> bool:
        """Whether the page at `path` has a changed shared word in its text (True when it cannot be read)."""
        try:
            with open(path, encoding="utf-8") as page:
                html = page.read()
        except (OSError, UnicodeDecodeError):
            return True
        # Cheap first: each character of the word somewhere in the file (ruby may split a word's characters).
        candidates = [word for word in self.changed_words if all(char in html for char in word)]
        if not candidates:
            return False
        text = _MARKUP.sub("", html)
        return any(word in text for word in candidates)

    def page_key(self, template: str, variables) -> str | None:
        if self.site_key is None or template not in CACHED_TEMPLATES:
            return None
        try:
            return hashlib.sha256(self.site_key + template.encode() + b"\0" + self.fingerprint.page_digest(variables)).hexdigest()
        except UncacheableError:
            return None

    def unchanged(self, save_as: str, key: str | None) -> bool:
        """Whether the previous output's file for `save_as` is the page `key` stands for; reads, changes nothing
        (so the page keys can be worked out in another process, SiteOutput._decide_pages)."""
        entry = self.manifest.get(save_as)
        if key is None or entry is None or entry[0] != key or self.previous is None:
            return False
        old = self._previous_prefix + save_as  # a string: a Path per page cost more than the stat
        if not stat_matches(old, entry):
            return False
        return not (self.changed_words and self._shows_changed_word(old))

    def keep(self, save_as: str, staging: Path) -> bool:
        """Keep the previous output's file for `save_as`, found `unchanged`; False if it could not be linked."""
        entry = self.manifest[save_as]
        if self._tree is not None:  # kept where it is: nothing is written to staging (staged.py)
            self._tree.keep(save_as)
            self._kept[save_as] = entry
            return True
        old = self._previous_prefix + save_as
        target = staging / save_as
        if target.parent not in self._folders:  # one mkdir per folder, not per page
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        try:
            os.link(old, target)
        except OSError:
            return False
        return True

    def remember(self, keys: dict[str, str]) -> None:
        """Keys of this build's pages; build.py turns them into the manifest once the output is in place.

        A kept page goes as its whole manifest entry (key, inode, size, mtime), just checked against
        its file, which the apply leaves where it is: commit_pages takes it as it is instead of a stat.
        Should the file change before then, the entry no longer matches it and the next build renders
        the page again.
        """
        kept = self._kept
        pending = {save_as: kept.get(save_as, key) for save_as, key in keys.items()}
        if self.shared_words is not None:  # a tuple: commit_pages takes it as it is, like a kept page's entry
            pending[SHARED_WORDS_ENTRY] = ("shared-words", tuple(sorted(self.shared_words.items())))
        self.cache.save("pages-pending", pending)
