"""The theme's scripts, minified in the output with esbuild (issue 17: bytes on a phone network).

The sources in theme/static/js/ stay plain, commented ES modules; the copies
Pelican writes under the output's theme/js/ are replaced by esbuild's
minified transform of each file. Each module stays its own file with the same
name and the same imports, so the modulepreload hints (search/modules.py),
the worker's `new URL("./worker.js", import.meta.url)` and the dynamic
imports work unchanged. About 42 KiB of gzip becomes about 23 KiB (measured
in docs/benchmarks.md), most of it comments and long names.

The search page's script is also *bundled*: search/page.js is written as one
file holding every module it imports statically (BUNDLED_ENTRIES), so the
page fetches one file instead of eleven (no import waves, one gzip stream, one
module to compile) before its first results; so is the search worker
(search/worker.js with the engine), one request instead of three waves once
the results are shown. The modules stay in the output as their own minified
files too, for the other pages and tests; the search modules share no state
with the site-wide ones (config.js only reads the page), so a second copy is
harmless. Dynamic imports with a computed URL (lunr.js, site.js) stay
separate files.

esbuild is pinned in package.json (`npm ci` installs it with lunr.js) and
gives the same bytes for the same input, so builds stay deterministic.
`minify_js: None` in FACILITY_SITE writes the scripts as they are written
(for reading them in the browser's developer tools).

With a build cache, the minified scripts are kept in it (`minified.pickle`)
under a digest of every script's path and bytes, esbuild's options and the
esbuild binary (its path, size and time, and the version of its package):
a build whose scripts and esbuild are those of the last one writes the kept
bytes without running esbuild (twice, about 0.1-0.2 s at every build).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..cache import BuildCache
from ..errors import FacilitySiteError
from ..settings import resolve
from ..staged import write_files

logger = logging.getLogger(__name__)


class MinifyError(FacilitySiteError):
    """esbuild is missing or refused a script."""


# Entry modules written as one bundle (paths under the output's theme/js/); search/page.py hints only these.
BUNDLED_ENTRIES = ("search/page.js", "search/worker.js")
# esbuild's options for every script: minified, Japanese text as UTF-8 (not \\u escapes: half the
# bytes; the pages say charset=utf-8), modern browsers only (no syntax lowered), errors only.
COMMON_ARGS = ("--minify", "--charset=utf8", "--target=esnext", "--log-level=error")
CSS_TARGET = "chrome80,firefox78,safari13"  # bundle_styles, instead of esnext


def theme_scripts(js_folder: Path) -> list[Path]:
    """Every .js file under the output's theme/js/, sorted."""
    return sorted(p for p in js_folder.rglob("*.js") if p.is_file())


def minify_scripts(js_folder: Path, esbuild: str | Path) -> int:
    """Minify every theme script under `js_folder` in place; returns how many."""
    scripts = theme_scripts(js_folder)
    if not scripts:
        return 0
    tool = Path(esbuild)
    if not tool.is_file():
        raise MinifyError(f"minify_js: {tool} does not exist; run `npm ci` in the project folder (or set minify_js to None)")
    entries = [js_folder / entry for entry in BUNDLED_ENTRIES if (js_folder / entry).is_file()]
    with tempfile.TemporaryDirectory(prefix="bundle-") as folder:
        # The bundles first, from the scripts as written (the next step rewrites them in place).
        bundles = Path(folder)
        if entries:
            _esbuild(tool, [*map(str, entries), "--bundle", "--format=esm", f"--outdir={bundles}", f"--outbase={js_folder}"])
        _esbuild(tool, [*map(str, scripts), f"--outdir={js_folder}", f"--outbase={js_folder}", "--allow-overwrite"])
        for entry in entries:
            entry.unlink()  # a new file, never written through a link to another output
            shutil.copyfile(bundles / entry.relative_to(js_folder), entry)
    return len(scripts)


def bundle_styles(parts: list[tuple[Path, str | None]], esbuild: str | Path) -> bytes:
    """One minified stylesheet of `parts` (file, media query or None), in cascade order.

    A part with a media query (print.css) is wrapped in `@media <query> { … }`,
    so it applies as its own <link media=…> did. The same bytes for the same files.
    """
    tool = Path(esbuild)
    if not tool.is_file():
        raise MinifyError(f"minify_js: {tool} does not exist; run `npm ci` in the project folder (or set minify_js to None)")
    texts = []
    for path, media in parts:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise MinifyError(f"{path}: cannot read ({exc.strerror})") from None
        texts.append(f"@media {media} {{\n{text}\n}}" if media else text)
    try:
        # The CSS minifier may shorten with syntax its target allows (`inset`, …): a fixed older target,
        # so minifying never narrows the browsers the sources work in (today the same bytes as esnext).
        args = [str(tool), "--loader=css", *(a for a in COMMON_ARGS if not a.startswith("--target=")), f"--target={CSS_TARGET}"]
        run = subprocess.run(args, input="\n".join(texts), capture_output=True, text=True, timeout=120)
    except OSError as exc:
        raise MinifyError(f"minify_js: cannot run {tool} ({exc.strerror}); run `npm ci` in the project folder") from None
    if run.returncode != 0:
        raise MinifyError(f"minify_js: esbuild failed on the stylesheets {', '.join(p.name for p, _ in parts)}:\n{run.stderr.strip()}")
    return run.stdout.encode("utf-8")


def _esbuild(tool: Path, args: list[str]) -> None:
    try:
        run = subprocess.run([str(tool), *args, *COMMON_ARGS], capture_output=True, text=True, timeout=120)
    except OSError as exc:
        raise MinifyError(f"minify_js: cannot run {tool} ({exc.strerror}); run `npm ci` in the project folder") from None
    if run.returncode != 0:
        raise MinifyError(f"minify_js: esbuild failed:\n{run.stderr.strip()}")


# The build cache's table of the last minified scripts: {"key": digest of the inputs, "files": {relative path: bytes}}.
CACHE_NAME = "minified"


def esbuild_identity(esbuild: str | Path) -> bytes:
    """What the output of `esbuild` depends on besides its input and options: the binary (real path, size,
    modification time) and the version its package.json says (node_modules/esbuild/package.json)."""
    tool = Path(esbuild)
    try:
        stat = os.stat(tool)
    except OSError as exc:
        raise MinifyError(f"minify_js: {tool} does not exist; run `npm ci` in the project folder (or set minify_js to None)") from exc
    try:
        version = json.loads((tool.resolve().parent.parent / "package.json").read_text(encoding="utf-8")).get("version", "")
    except (OSError, ValueError, AttributeError):
        version = ""
    return f"{os.path.realpath(tool)}\0{stat.st_size}\0{stat.st_mtime_ns}\0{version}".encode()


def scripts_key(js_folder: Path, scripts: list[Path], esbuild: str | Path) -> bytes:
    """A digest of everything minify_scripts' output depends on: esbuild, its options, each script's path and bytes."""
    digest = hashlib.sha256()
    for part in (esbuild_identity(esbuild), "\0".join(COMMON_ARGS).encode(), "\0".join(BUNDLED_ENTRIES).encode()):
        digest.update(len(part).to_bytes(8, "big") + part)
    for path in scripts:
        for part in (path.relative_to(js_folder).as_posix().encode(), path.read_bytes()):
            digest.update(len(part).to_bytes(8, "big") + part)
    return digest.digest()


def minify_cached(output: Path, js_folder: Path, esbuild: str | Path, cache: BuildCache) -> tuple[int, bool]:
    """minify_scripts, or the last build's minified scripts when every input is the same (`cache`);
    returns (how many scripts, whether esbuild ran). Each file is written through staged.write_files:
    kept from the previous output when its bytes are the same."""
    scripts = theme_scripts(js_folder)
    if not scripts:
        return 0, False
    key = scripts_key(js_folder, scripts, esbuild)
    stored = cache.load(CACHE_NAME)
    files = stored.get("files") if stored.get("key") == key else None
    ran = not isinstance(files, dict) or set(files) != {p.relative_to(js_folder).as_posix() for p in scripts}
    if ran:
        minify_scripts(js_folder, esbuild)
        files = {p.relative_to(js_folder).as_posix(): p.read_bytes() for p in scripts}
        cache.save(CACHE_NAME, {"key": key, "files": files})
    prefix = js_folder.relative_to(output).as_posix() + "/"
    for relative in files:
        (js_folder / relative).unlink()  # Pelican's copy (or esbuild's): the bytes are written below, or kept
    write_files(output, ((prefix + relative, data) for relative, data in sorted(files.items())))
    return len(files), ran


def minify_theme_scripts(pelican) -> None:
    """Pelican's `finalized` signal: the theme scripts Pelican copied, minified (unless minify_js is None)."""
    options = resolve(pelican.settings)
    if options["minify_js"] is None:
        return
    output = Path(pelican.output_path)
    js_folder = output / pelican.settings.get("THEME_STATIC_DIR", "theme") / "js"
    if not js_folder.is_dir():
        return
    cache = BuildCache(options["cache_path"])
    if cache.enabled:
        count, ran = minify_cached(output, js_folder, options["minify_js"], cache)
        logger.debug("facility_site: %s %d theme scripts", "minified with esbuild" if ran else "kept the minified", count)
    else:
        count = minify_scripts(js_folder, options["minify_js"])
        logger.debug("facility_site: minified %d theme scripts with esbuild", count)
