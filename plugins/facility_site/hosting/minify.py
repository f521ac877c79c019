"""The theme's scripts, minified in the output with esbuild (issue 17: bytes on a phone network).

The sources in theme/static/js/ stay plain, commented ES modules; the copies
Pelican writes under the output's theme/js/ are replaced by esbuild's
minified transform of each file. Each module stays its own file with the same
name and the same imports, so the modulepreload hints (search/modules.py),
the worker's `new URL("./worker.js", import.meta.url)` and the dynamic
imports work unchanged. About 42 KiB of gzip becomes about 23 KiB (measured
in docs/benchmarks.md), most of it comments and long names.

esbuild is pinned in package.json (`npm ci` installs it with lunr.js) and
gives the same bytes for the same input, so builds stay deterministic.
`minify_js: None` in FACILITY_SITE writes the scripts as they are written
(for reading them in the browser's developer tools).
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from ..errors import FacilitySiteError
from ..settings import resolve

logger = logging.getLogger(__name__)


class MinifyError(FacilitySiteError):
    """esbuild is missing or refused a script."""


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
    args = [
        str(tool),
        *(str(p) for p in scripts),
        f"--outdir={js_folder}",
        f"--outbase={js_folder}",
        "--allow-overwrite",
        "--minify",
        # Japanese text as UTF-8, not \\u escapes (half the bytes); the pages say charset=utf-8.
        "--charset=utf8",
        # Modern browsers only, as written: no syntax is lowered.
        "--target=esnext",
        "--log-level=error",
    ]
    try:
        run = subprocess.run(args, capture_output=True, text=True, timeout=120)
    except OSError as exc:
        raise MinifyError(f"minify_js: cannot run {tool} ({exc.strerror}); run `npm ci` in the project folder") from None
    if run.returncode != 0:
        raise MinifyError(f"minify_js: esbuild failed:\n{run.stderr.strip()}")
    return len(scripts)


def minify_theme_scripts(pelican) -> None:
    """Pelican's `finalized` signal: the theme scripts Pelican copied, minified (unless minify_js is None)."""
    options = resolve(pelican.settings)
    if options["minify_js"] is None:
        return
    js_folder = Path(pelican.output_path) / pelican.settings.get("THEME_STATIC_DIR", "theme") / "js"
    if js_folder.is_dir():
        count = minify_scripts(js_folder, options["minify_js"])
        logger.debug("facility_site: minified %d theme scripts with esbuild", count)
