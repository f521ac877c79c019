"""The glossary's Pelican generator: read content/glossary.yaml with the other inputs, write /glossary/.

The glossary is read in generate_context, so a bad file stops the build
before any page is written, and it is put in the shared context as
GLOSSARY: templates show the footer link from it and `link_page_terms`
(a page transform, see pages/page_transforms.py) links the words with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from pelican.generators import Generator

from ..pages.output import SitemapEntry, day_start, save_as_for
from .linker import link_glossary_terms
from .reader import glossary_path, load_glossary

URL = "glossary/"
SAVE_AS = save_as_for(URL)


class GlossaryGenerator(Generator):
    def generate_context(self) -> None:
        glossary = load_glossary(glossary_path(self.path))
        self.context["GLOSSARY"] = glossary

    def generate_output(self, writer) -> None:
        glossary = self.context.get("GLOSSARY")
        if glossary is None:
            return
        timezone = ZoneInfo(self.settings.get("TIMEZONE") or "UTC")
        writer.write_file(
            SAVE_AS,
            self.get_template("glossary"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            page_url=URL,
            page=SitemapEntry(URL, day_start(glossary.updated, timezone)),
            glossary=glossary,
        )


def link_page_terms(html: str, context: Mapping) -> str:
    """The page transform: first-use links on every page but the glossary itself."""
    glossary = context.get("GLOSSARY")
    if glossary is None or context.get("output_file") == SAVE_AS:
        return html
    return link_glossary_terms(html, glossary, f"{context.get('SITEURL', '')}/{URL}")
