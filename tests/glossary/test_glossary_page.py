"""/glossary/ from content/glossary.yaml: every entry with its anchor, linked from every page's footer."""

from __future__ import annotations

import re

import yaml
from glossary_fixtures import REQUIRED_TERMS, content_with
from sitebuild import SAMPLE_CONTENT, build_site, page


def test_the_glossary_page_shows_every_entry_of_the_file_in_order(sample_site):
    source = yaml.safe_load((SAMPLE_CONTENT / "glossary.yaml").read_text(encoding="utf-8"))
    doc = page(sample_site, "glossary/")
    entries = doc.select("main [data-glossary-entry]")
    assert [e["id"] for e in entries] == [item["id"] for item in source["entries"]]
    for entry, item in zip(entries, source["entries"], strict=True):
        assert entry["data-glossary-entry"] == item["id"]
        assert entry.find("h2").get_text(strip=True) == item["term"]
        assert entry.select_one(".glossary__reading").get_text(strip=True) == f"よみかた：{item['reading']}"
        # The explanation is there as paragraphs/lists, not as one raw block.
        assert entry.select("p, li")
    assert doc.find("h1").get_text(strip=True) == "用語集"
    # The index lists every entry and points at its anchor.
    index = [(a.get_text(strip=True), a["href"]) for a in doc.select("nav.glossary__index a")]
    assert index == [(item["term"], f"#{item['id']}") for item in source["entries"]]
    assert doc.select_one(".glossary__updated time")["datetime"] == str(source["updated"])


def test_the_sample_glossary_explains_every_word_the_issue_lists(sample_site):
    doc = page(sample_site, "glossary/")
    terms = [h.get_text(strip=True) for h in doc.select("[data-glossary-entry] h2")]
    assert [t for t in REQUIRED_TERMS if t not in terms] == []
    ids = [e["id"] for e in doc.select("[data-glossary-entry]")]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_the_retention_entry_explains_that_offices_count_differently(sample_site):
    entry = page(sample_site, "glossary/").select_one("#shushoku-teichaku-ritsu")
    text = entry.get_text()
    for words in ("6か月後", "1年後", "事業所によって違います", "何か月後の数字ですか", "何人のうち、何人ですか"):
        assert words in text


def test_every_page_links_to_the_glossary_from_its_footer(sample_site):
    pages = sorted(p for p in sample_site.rglob("*.html"))
    assert len(pages) > 20
    for path in pages:
        url = path.relative_to(sample_site).as_posix()
        doc = page(sample_site, url)
        link = doc.select_one("footer [data-glossary-footer-link]")
        assert link is not None, url
        assert link.get_text(strip=True) == "用語集（むずかしい言葉の説明）"
        if url != "404.html":  # the not-found page links from the site's root
            target = (path.parent / link["href"]).resolve()
            assert target == (sample_site / "glossary").resolve(), url


def test_the_glossary_page_is_in_the_sitemap_with_the_files_date(sample_site):
    sitemap = (sample_site / "sitemap.xml").read_text(encoding="utf-8")
    entry = re.search(r"<url>\s*<loc>[^<]*/glossary/</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap)
    assert entry and entry[1].startswith("2026-11-28")


def test_without_a_glossary_file_there_is_no_page_link_or_word_link(tmp_path):
    site = build_site(tmp_path / "out", content=content_with(tmp_path / "content", None))
    assert not (site / "glossary").exists()
    doc = page(site, "articles/teichaku-shien-guide/")
    assert doc.select("[data-glossary-footer-link], [data-glossary-link]") == []


def test_hostile_text_in_the_glossary_is_shown_as_text(tmp_path):
    glossary = """\
        updated: 2026-11-28
        entries:
          - id: hostile
            term: "<script>window.__pwned=1</script>就労"
            reading: しゅうろう
            aliases: ['"><img src=x onerror=alert(1)>']
            text: |
              <img src=x onerror=window.__pwned=1> と [x](javascript:window.__pwned=1) は文字です。
        """
    article = {
        "hostile.md": """\
            Title: 確認
            Slug: hostile
            Date: 2026-11-20

            本文に &lt;script&gt;window.__pwned=1&lt;/script&gt;就労 と書きます。
            """
    }
    site = build_site(tmp_path / "out", content=content_with(tmp_path / "content", glossary, article))
    entry = page(site, "glossary/").select_one("#hostile")
    assert entry.find("h2").get_text() == "<script>window.__pwned=1</script>就労"
    assert entry.select("script, img") == [] and entry.select("a[href^=javascript]") == []
    assert "<img src=x onerror=window.__pwned=1>" in entry.get_text()
    assert page(site, "glossary/").select_one(".glossary__aliases").get_text() == 'ほかの言い方："><img src=x onerror=alert(1)>'
    # The word, written as text in an article, is linked as text.
    link = page(site, "articles/hostile/").select_one("main [data-glossary-link]")
    assert link.get_text() == "<script>window.__pwned=1</script>就労"
    assert link["aria-label"] == "<script>window.__pwned=1</script>就労（用語集）"
    assert page(site, "articles/hostile/").select("main script") == []
