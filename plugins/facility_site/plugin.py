"""Connects the facility plugin to Pelican. Nothing else happens here."""

from pelican import signals

from .compare.pages import write_compare_output
from .furigana import writer as furigana
from .glossary.generator import GlossaryGenerator, link_page_terms
from .hosting.headers import write_headers_file
from .hosting.minify import minify_theme_scripts
from .pages import page_transforms, templating
from .pages.generator import FacilityGenerator
from .pages.sitemap import queue_written, start_sitemap, write_sitemap
from .photos.pages import prepare_photo_step, write_photo_output
from .search.page import write_search_output
from .settings import resolve
from .visit.pages import write_visit_output


class SiteGenerator(FacilityGenerator):
    """The facility pages, then each output part in turn."""

    output_parts = (write_compare_output, write_search_output, write_visit_output, write_photo_output)
    record_steps = (prepare_photo_step,)
    # The readings files, computed while the pages render instead of after them (written at `finalized`).
    while_rendering = (furigana.read_while_rendering,)


def get_generators(_pelican):
    return SiteGenerator


def get_glossary_generator(_pelican):
    return GlossaryGenerator


# Applied in order to every page as it is rendered (pages/page_transforms.py).
PAGE_TRANSFORMS = (link_page_terms,)


def install_template_helpers(generator):
    # Every generator's Jinja environment gets the helpers, so Pelican's own
    # article and page templates can use them too. Autoescaping is forced on:
    # record text is untrusted, and Pelican leaves it off by default.
    generator.env.autoescape = True
    templating.install(generator.env, resolve(generator.settings))
    page_transforms.install(generator.env, PAGE_TRANSFORMS)


def register():
    signals.generator_init.connect(install_template_helpers)
    signals.get_generators.connect(get_generators)
    signals.get_generators.connect(get_glossary_generator)
    signals.get_generators.connect(start_sitemap)
    signals.content_written.connect(queue_written)
    signals.all_generators_finalized.connect(furigana.prepare)
    signals.get_writer.connect(furigana.get_writer)
    signals.finalized.connect(furigana.finish)
    signals.finalized.connect(minify_theme_scripts)
    # Last: _headers covers the folders the other `finalized` receivers write (furigana/).
    signals.finalized.connect(write_headers_file)
    # sitemap.xml (pages/sitemap.py), where pelican-sitemap wrote it: after the other `finalized` receivers.
    signals.finalized.connect(write_sitemap)
