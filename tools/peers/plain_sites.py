"""The peers' inputs, written from the same validated records.

- a plain Pelican site: one Markdown page per facility (pages/<id>.md);
- a Hugo site: one Markdown content file per facility;
- the documents a plain lunr.js setup indexes (one text body per facility).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from facility_site.records.model import Facility
from facility_site.records.vocab import PREFECTURES

HERE = Path(__file__).resolve().parent
WEB = HERE / "web"
LUNR_JS = HERE.parent.parent / "node_modules" / "lunr" / "lunr.min.js"


def _access(f: Facility) -> str:
    return "、".join(f"{s.name}駅" + (f"（{s.line}）" if s.line else "") + f" {s.walk_label}" for s in f.access) or "—"


def markdown_body(f: Facility) -> str:
    """The facts of one record as a short Markdown page, as an operator would write it."""
    lines = [
        f"{f.name}（{f.name_kana or ''}）",
        "",
        f"- 所在地: {f.prefecture.name}{f.city}{f.address or ''}",
        f"- アクセス: {_access(f)}",
        f"- サービス: {'、'.join(t.label for t in f.services)}",
        f"- 対象: {'、'.join(t.label for t in f.disabilities)}",
        f"- 定員: {f.capacity}名",
        f"- 就職定着率: {f.metric_text('retention_rate')}",
        f"- 昨年の就職人数: {f.metric_text('hires_last_year')}",
        f"- 平均利用期間: {f.metric_text('average_stay')}",
        f"- 特徴: {'、'.join(f.features) or '—'}",
        "",
        f.catchphrase or "",
        "",
    ]
    return "\n".join(lines)


def write_pelican_content(facilities: list[Facility], folder: Path) -> Path:
    pages = folder / "pages"
    if folder.exists():
        shutil.rmtree(folder)
    pages.mkdir(parents=True)
    for f in facilities:
        header = [
            f"Title: {f.name}",
            f"Slug: {f.id}",
            f"Prefecture: {f.prefecture.name}",
            f"Services: {', '.join(t.label for t in f.services)}",
            f"Disabilities: {', '.join(t.label for t in f.disabilities)}",
        ]
        (pages / f"{f.id}.md").write_text("\n".join(header) + "\n\n" + markdown_body(f), encoding="utf-8")
    return folder


HUGO_CONFIG = """baseURL = "/"
languageCode = "ja"
title = "Plain facility site"
[permalinks]
  facilities = "/facilities/:filename/"
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
    "<body><main>{{ block \"main\" . }}{{ end }}</main></body></html>\n",
    "_default/single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}\n',
    "_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}'
    '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n',
    "index.html": '{{ define "main" }}<h1>{{ .Site.Title }}</h1>{{ end }}\n',
}


def write_hugo_site(facilities: list[Facility], folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    content = folder / "content" / "facilities"
    content.mkdir(parents=True)
    (folder / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = folder / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for f in facilities:
        front = {"title": f.name, "prefecture": f.prefecture.name, "services": [t.label for t in f.services]}
        (content / f"{f.id}.md").write_text("---\n" + json.dumps(front, ensure_ascii=False) + "\n---\n\n" + markdown_body(f), encoding="utf-8")
    return folder


def lunr_documents(facilities: list[Facility]) -> list[dict]:
    """What a plain lunr.js setup indexes: a title and one body of text per page."""
    docs = []
    for f in facilities:
        body = " ".join(
            [f.name_kana or "", f.prefecture.name, f.city, f.address or ""]
            + [f"{s.name} {s.name}駅 {s.line or ''}" for s in f.access]
            + list(f.features)
            + [f.catchphrase or ""]
            + [t.label for t in f.disabilities]
            + [t.label for t in f.services]
        )
        docs.append({"id": f.id, "title": f.name, "body": body})
    return docs


def lunr_store(facilities: list[Facility]) -> dict:
    """The small document store such setups ship beside the index: title and prefecture per id."""
    return {f.id: [f.name, f.prefecture.slug] for f in facilities}


def install_search_pages(site: Path) -> None:
    """Copy the peers' search pages (same test hooks as /search/) into a built plain site."""
    prefecture_names = json.dumps({p.slug: p.name for p in PREFECTURES}, ensure_ascii=False)
    for page, files in (("pf-search", ("pagefind-search.html", "pagefind-search.js")), ("lunr-search", ("lunr-search.html", "lunr-search.js"))):
        target = site / page
        target.mkdir(parents=True, exist_ok=True)
        for name in files:
            text = (WEB / name).read_text(encoding="utf-8").replace("/*PREFECTURE_NAMES*/{}", prefecture_names)
            (target / ("index.html" if name.endswith(".html") else name)).write_text(text, encoding="utf-8")
        shutil.copyfile(WEB / "results.js", target / "results.js")
    shutil.copyfile(LUNR_JS, site / "lunr-search" / "lunr.min.js")
