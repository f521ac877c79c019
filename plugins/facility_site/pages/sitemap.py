"""Keep pelican-sitemap working across builds in one process (`make devserver`).

pelican-sitemap keeps its state in one module-level object: the Pelican
instance whose `finalized` signal writes the sitemap, and the queue of
written pages. It resets both only when a build finishes. After a build
that failed, the queue still holds that build's pages and, if the next
build runs on a new Pelican instance (autoreload after a settings change,
or any tool that builds twice), the sitemap is never written again.
Starting each build from a clean state fixes both.
"""

from __future__ import annotations

import sys

SITEMAP_MODULE = "pelican.plugins.sitemap.sitemap"


def start_sitemap(pelican) -> None:
    """Make this build the one pelican-sitemap writes for, with an empty queue.

    Connected to `get_generators`, which Pelican sends at the start of every
    run, before any page is written. Setting the instance (rather than
    clearing it) gives the same result whether pelican-sitemap's own
    receiver runs before or after this one.
    """
    module = sys.modules.get(SITEMAP_MODULE)
    if module is None:  # pelican-sitemap is not in PLUGINS
        return
    module.generator._main_pelican = pelican
    module.generator.page_queue = []
