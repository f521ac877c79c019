"""Helpers that build a real site into a temporary folder, as an operator would."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import http.server
import json
import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from bs4 import BeautifulSoup
from pelican import Pelican
from pelican.settings import read_settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_FACILITIES = ROOT / "facilities"
SAMPLE_CONTENT = ROOT / "content"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Pinned so staleness warnings do not depend on the day the tests run.
TODAY = dt.date(2026, 11, 27)


def write_settings(conf: Path, content: Path, records: Path, cache: Path | None, theme: Path | None = None, **site_options) -> str:
    """A settings file for build.py: the project's pelicanconf.py, pointed at these inputs and this cache (None: no cache)."""
    theme_line = f"THEME = {str(theme)!r}\n" if theme is not None else ""
    options = "".join(f", {key}={value!r}" for key, value in site_options.items())
    conf.write_text(
        textwrap.dedent(
            f"""\
            import importlib.util
            _spec = importlib.util.spec_from_file_location("project_conf", {str(ROOT / "pelicanconf.py")!r})
            _base = importlib.util.module_from_spec(_spec)
            _spec.loader.exec_module(_base)
            globals().update({{k: v for k, v in vars(_base).items() if k.isupper()}})
            PATH = {str(content)!r}
            """
        )
        + theme_line
        + f"FACILITY_SITE = dict(FACILITY_SITE, records_path={str(records)!r}, cache_path={str(cache) if cache else None!r}{options},"
        + f" today=__import__('datetime').date({TODAY.year}, {TODAY.month}, {TODAY.day}))\n",
        encoding="utf-8",
    )
    return str(conf)


def synthetic_with_samples(folder: Path, count: int, seed: int) -> Path:
    """`count` records from tools/synth.py plus the sample ones (the sample article embeds those), in `folder`."""
    command = [sys.executable, str(ROOT / "tools" / "synth.py"), "--count", str(count), "--out", str(folder), "--seed", str(seed)]
    subprocess.run(command, check=True, capture_output=True)
    for path in SAMPLE_FACILITIES.glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return folder


def files(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`: its path relative to it -> its bytes."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def build_site(
    output: Path, facilities: Path = SAMPLE_FACILITIES, content: Path = SAMPLE_CONTENT, pelican_settings: dict | None = None, **facility_options
) -> Path:
    """Build with the project's pelicanconf.py, swapping in other folders (and `pelican_settings`); return the output path."""
    base = read_settings(str(ROOT / "pelicanconf.py"))
    # No build cache unless a test asks for one (tests/test_build_cache.py builds through build.py).
    options = dict(base["FACILITY_SITE"], records_path=str(facilities), **{"today": TODAY, "cache_path": None, **facility_options})
    settings = read_settings(
        str(ROOT / "pelicanconf.py"),
        override={"PATH": str(content), "OUTPUT_PATH": str(output), "FACILITY_SITE": options, **(pelican_settings or {})},
    )
    try:
        Pelican(settings).run()
    finally:
        gc.unfreeze()  # as build.py does: what the build froze (collector.py) is collectable again in this process
    return output


def parse(path: Path, ruby: bool = False) -> BeautifulSoup:
    """The parsed page as a visitor reads it with ふりがな off (the default); `ruby=True`: as shown with it on
    (the ruby as written, and the shared words' ruby that furigana/live.js puts on from furigana/words.json)."""
    text = path.read_text(encoding="utf-8")
    if ruby:
        text = with_shared_words(path, text)
    soup = BeautifulSoup(text, "html.parser")
    return soup if ruby else without_ruby(soup)


def with_shared_words(path: Path, text: str) -> str:
    """A page's HTML with the ruby of the shared words it leaves to the browser (furigana/shared.py)."""
    from facility_site.furigana.shared import WORDS_FILE, expand, load_words

    head = text[: text.find("</head>")]
    if "data-furigana-words=" not in head:
        return text
    for folder in path.parents:
        if (folder / WORDS_FILE).is_file():
            return expand(text, load_words(folder / WORDS_FILE))
    raise AssertionError(f"{path}: leaves shared words to {WORDS_FILE}, which the site lacks")


def without_ruby(soup: BeautifulSoup) -> BeautifulSoup:
    """Drop the ruby the build puts over kanji and join the text it split.

    Every page carries <ruby>漢字<rt data-r="かんじ"></rt></ruby>, shown only when
    a visitor switches ふりがな on (plugins/facility_site/furigana/). Tests of
    what a page says read it as shown by default: 「九州・沖縄」 is one string
    for get_text(" "), not 「九州」「・」「沖縄」. The plain <span> the build
    holds a split text in goes too.
    """
    for span in soup.find_all("span"):
        if not span.attrs and span.find("ruby", recursive=False) is not None:
            span.unwrap()
    for rt in soup.find_all(["rt", "rp"]):
        rt.decompose()
    for ruby in soup.find_all("ruby"):
        ruby.unwrap()
    soup.smooth()
    return soup


def page(site: Path, url: str, ruby: bool = False) -> BeautifulSoup:
    """The parsed page at a site URL such as 'pref/tokyo/' (see `parse`)."""
    target = site / url
    if url == "" or url.endswith("/"):
        target = target / "index.html"
    return parse(target, ruby)


def facility_data(site: Path) -> dict[str, dict]:
    """Every facility's entry in the built data chunks (facility-data/<k>.json), by id.

    Also checks each entry sits in the chunk the browser computes for its id
    (the chunk count comes from the page's site config block).
    """
    from facility_site.pages.facility_data import chunk_of

    config = json.loads(page(site, "").select_one("script#site-config").string)
    entries: dict[str, dict] = {}
    for path in sorted((site / "facility-data").glob("*.json")):
        chunk = json.loads(path.read_text(encoding="utf-8"))
        for facility_id, entry in chunk.items():
            assert chunk_of(facility_id, config["dataChunks"]) == int(path.stem), (facility_id, path)
            assert facility_id not in entries
            entries[facility_id] = entry
    return entries


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


class StaticServer:
    """Serve a built site on 127.0.0.1 with an ephemeral port, like any static host."""

    def __init__(self, root: Path):
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StaticServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def search_data_path(config: dict, path: str) -> str:
    """A search data file's site path from the search page's config: search/<its group's hash>/<path>."""
    from facility_site.search.page import GROUP_HASH, data_group

    group = data_group(path)
    return f"{config['data']}{config['dataGroups']['hashes'][group * GROUP_HASH : (group + 1) * GROUP_HASH]}/{path}"


def search_data(site: Path) -> dict[str, Path]:
    """Every search data file of a built site (no .gz twins): its path under its group's folder -> the file.

    Also checks each file sits in the folder the page's config names for its group
    (search/page.py data_group, as the browser's data-url.js computes it).
    """
    from facility_site.search.page import GROUP_HASH, data_group

    config = json.loads((site / "search" / "index.html").read_text(encoding="utf-8").split('id="search-config">', 1)[1].split("</script>", 1)[0])
    hashes = config["dataGroups"]["hashes"]
    groups = [hashes[i : i + GROUP_HASH] for i in range(0, len(hashes), GROUP_HASH)]
    found: dict[str, Path] = {}
    for folder in sorted(p for p in (site / config["data"]).iterdir() if p.is_dir()):
        for file in folder.rglob("*.json"):
            relative = file.relative_to(folder).as_posix()
            assert groups[data_group(relative)] == folder.name, f"{relative} is in {folder.name}, not its group's folder"
            assert relative not in found
            found[relative] = file
    return found
