"""The build cache's code key covers every installed package that can change the output."""

import ast
import re
from importlib import metadata
from pathlib import Path

import PIL
from facility_site import cache
from facility_site.photos import process

PLUGIN_DIR = Path(cache.__file__).parent

# Imported by the plugin but unable to change what a cached build writes, each with the reason.
NOT_IN_THE_KEY = {
    "ruamel.yaml": "writes record files for `make import`/`make sheet-import`; the build reads them as input",
    "openpyxl": "reads and writes the curation workbook (`make sheet`), never the site",
    "tqdm": "progress bars of the importer",
    "brotli": "`make publish`'s .br twins, made after the build from its output and never cached",
    "pillow": "in each photo variant's name (photos/process.py ENCODER), so a new Pillow makes new variants",
    "watchfiles": "`make devserver` learns of saved files through it; it starts builds and makes nothing they write",
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_names() -> set[str]:
    names = set()
    for path in PLUGIN_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names


def test_every_third_party_package_the_plugin_imports_is_in_the_code_key_or_explained():
    distributions = metadata.packages_distributions()
    keyed = {_normal(name) for name in cache.PACKAGES}
    explained = {_normal(name) for name in NOT_IN_THE_KEY}
    third_party = {name: {_normal(d) for d in distributions[name]} for name in _imported_top_names() if name in distributions}
    assert {"yaml", "deflate", "PIL", "sudachipy"} <= set(third_party)  # the scan sees the plugin's imports
    uncovered = {name: dists for name, dists in third_party.items() if not dists & (keyed | explained)}
    assert uncovered == {}, f"add these to cache.PACKAGES or to NOT_IN_THE_KEY with a reason: {uncovered}"


def test_a_new_version_of_a_keyed_package_changes_the_code_key(monkeypatch):
    before = cache.code_key()
    real = cache._package_version
    monkeypatch.setattr(cache, "_package_version", lambda name: "99.0" if name == "deflate" else real(name))
    assert cache.code_key() != before


def test_photo_variant_names_carry_the_pillow_version():
    assert f"pil{PIL.__version__}" in process.ENCODER
