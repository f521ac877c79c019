"""What a page would cost with ふりがな on if its readings came in a file of their own (issue #13).

    python tools/furigana_on_demand_trial.py --without DIR --with DIR --records DIR [--pages facilities/sample-00001/ pref/tokyo/]

A trial, not a feature: before building "readings fetched only when the switch
is on", measure whether it could meet the page budget (+25% gzip). For each
page it prints the gzip (level 6) bytes of the HTML without ふりがな, the
current page with its ruby, and the readings the page would need in a file
of its own, in two formats:

- `chunks`: what furigana/live.js reads (青空文庫 notation, sorted, deduplicated);
- `order`: the readings alone in document order, one line per text run, each
  ruby as `[start~][length]reading` (start: kana/Latin characters skipped
  since the last ruby when that is not where the next kanji run starts;
  length: when the base is not the whole kanji run). The smallest format we
  found: the browser would have to walk the text exactly as the build does.

Each format is measured for the page's own text ("main") and for the header
and footer every page shares ("chrome", a file a visitor would fetch once and
keep), and for a facility page also grouped the way the lead suggested
(all facility pages of its facility-data chunk in one file).
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))

import yaml  # noqa: E402
from facility_site.furigana.browser import chunks  # noqa: E402
from facility_site.furigana.reading import HAS_KANJI, Furigana, notation  # noqa: E402
from facility_site.furigana.transform import TEXT_RUNS  # noqa: E402
from facility_site.pages.facility_data import chunk_count, chunk_of  # noqa: E402

KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶヵ]")


def gz(data: str | bytes) -> int:
    return len(gzip.compress(data.encode("utf-8") if isinstance(data, str) else data, compresslevel=6, mtime=0))


def runs(page: str) -> list[str]:
    return [html.unescape(m.group(2).strip()) for m in TEXT_RUNS.finditer(page) if m.group(2) is not None]


def split(page: str) -> tuple[list[str], list[str]]:
    """(chrome runs: header and footer, main runs: the rest)."""
    header = page.index('<header class="site-header">'), page.index("</header>")
    footer = page.index("<footer"), page.index("</footer>")
    chrome = page[header[0] : header[1]] + page[footer[0] : footer[1]]
    rest = page[: header[0]] + page[header[1] : footer[0]] + page[footer[1] :]
    return runs(chrome), runs(rest)


def as_chunks(texts: list[str], furigana: Furigana) -> str:
    found = set()
    for text in texts:
        for piece in re.split(r"[\s　]+", text):
            if HAS_KANJI.search(piece):
                found.update(notation(chunk) for chunk in chunks(furigana.segments(piece)))
    return json.dumps(sorted(found), ensure_ascii=False, separators=(",", ":"))


def as_order(texts: list[str], furigana: Furigana) -> str:
    lines = []
    for text in texts:
        segments = furigana.segments(text)
        plain = "".join(base for base, _ in segments)
        items, pos, cursor = [], 0, 0
        for base, read in segments:
            if read:
                kanji = next((i for i in range(cursor, len(plain)) if KANJI.match(plain[i])), len(plain))
                end = kanji
                while end < len(plain) and KANJI.match(plain[end]):
                    end += 1
                item = "" if kanji == pos else f"{pos - cursor}~"
                item += "" if pos + len(base) == end else str(len(base))
                items.append(item + read)
                cursor = pos + len(base)
            pos += len(base)
        lines.append(",".join(items))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--without", type=Path, required=True, help="a build without ふりがな")
    parser.add_argument("--with", dest="with_", type=Path, required=True, help="the same records built with it")
    parser.add_argument("--records", type=Path, required=True)
    parser.add_argument("--pages", nargs="+", default=["facilities/sample-00001/", "pref/tokyo/"])
    args = parser.parse_args(argv)
    names = {}
    ids = []
    for path in sorted(args.records.glob("*.yaml")):
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
        ids.append(path.stem)
        if record.get("name_kana"):
            names[record["name"]] = record["name_kana"]
    furigana = Furigana(names)
    formats = {"chunks": as_chunks, "order": as_order}
    print("| page | without | with ruby (now) | budget +25% | format | chrome | main | chrome + main, one file | main, grouped by facility-data chunk |")
    print("|---|---|---|---|---|---|---|---|---|")
    for url in args.pages:
        name = url + "index.html" if url.endswith("/") else url
        plain = (args.without / name).read_text(encoding="utf-8")
        ruby = (args.with_ / name).read_text(encoding="utf-8")
        chrome, main_runs = split(plain)
        grouped = None
        match = re.fullmatch(r"facilities/([^/]+)/", url)
        if match:
            count = chunk_count(len(ids))
            mates = [i for i in ids if chunk_of(i, count) == chunk_of(match.group(1), count)]
            grouped = [run for i in mates for run in split((args.without / f"facilities/{i}/index.html").read_text(encoding="utf-8"))[1]]
        for label, encode in formats.items():
            group = f"{gz(encode(grouped, furigana)):,} B ({len(mates)} pages)" if grouped is not None else "–"
            print(
                f"| {url} | {gz(plain):,} B | {gz(ruby):,} B ({(gz(ruby) / gz(plain) - 1) * 100:+.1f}%) | {int(gz(plain) * 0.25):,} B "
                f"| {label} | {gz(encode(chrome, furigana)):,} B | {gz(encode(main_runs, furigana)):,} B "
                f"| {gz(encode(chrome + main_runs, furigana)):,} B | {group} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
