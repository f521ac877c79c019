"""Connects the facility plugin to Pelican. Nothing else happens here."""

from pelican import signals

from . import templating
from .generator import FacilityGenerator
from .settings import resolve


def get_generators(_pelican):
    return FacilityGenerator


def install_template_helpers(generator):
    # Every generator's Jinja environment gets the helpers, so Pelican's own
    # article and page templates can use them too. Autoescaping is forced on:
    # record text is untrusted, and Pelican leaves it off by default.
    generator.env.autoescape = True
    templating.install(generator.env, resolve(generator.settings))


def register():
    signals.generator_init.connect(install_template_helpers)
    signals.get_generators.connect(get_generators)
