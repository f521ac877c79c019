"""A line break inside a Japanese paragraph joins without a space, in descriptions and articles.

Markdown turns a line break into a space, which shows as a gap between
Japanese sentences. Between Latin words the space stays; code is untouched.
"""

from __future__ import annotations

import pytest
from facility_site.records.markup import render_description
from page_records import write_records
from sitebuild import build_site, page


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("一行目です。\n二行目です。", "<p>一行目です。二行目です。</p>"),
        ("カタカナの\nひらがな", "<p>カタカナのひらがな</p>"),
        ("「かぎ括弧」\n（全角括弧）", "<p>「かぎ括弧」（全角括弧）</p>"),
        ("ﾊﾝｶｸ\nｶﾅ", "<p>ﾊﾝｶｸｶﾅ</p>"),
        ("English words\nstay apart.", "<p>English words\nstay apart.</p>"),
        ("日本語\nEnglish", "<p>日本語\nEnglish</p>"),
        ("English\n日本語", "<p>English\n日本語</p>"),
        ("数字は1\n2と書く", "<p>数字は1\n2と書く</p>"),
        ("文の終わり。\n**太字**の始まり", "<p>文の終わり。<strong>太字</strong>の始まり</p>"),
        ("[リンク](https://example.jp/)\nの後", '<p><a href="https://example.jp/" rel="noopener noreferrer">リンク</a>の後</p>'),
        ("前\n`コード`\n後", "<p>前\n<code>コード</code>\n後</p>"),
        ("改行を残す  \n次の行", "<p>改行を残す<br>\n次の行</p>"),
        ("- 項目の\n  続き", "<ul>\n<li>項目の続き</li>\n</ul>"),
        ("    コードの\n    行", "<pre><code>コードの\n行\n</code></pre>"),
    ],
)
def test_description_lines(source, html):
    assert render_description(source) == html


RECORD = """\
name: 改行テスト事業所
prefecture: 東京都
city: 港区
services: [就労移行支援]
capacity: 10
disabilities: [精神]
description: |
  午前はビジネスマナーの訓練をします。
  午後は個別面談です。
  Microsoft Office
  の練習もあります。
updated: 2026-11-01
"""

ARTICLE = """\
Title: 改行のある記事
Slug: line-breaks
Date: 2026-11-10

就労移行支援は、一般企業への就職を目指す人が
通う福祉サービスです。
Office and
Excel の練習もできます。

```
コードの
行はそのまま
```
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("breaks")
    records = write_records(root / "records", {"breaks": RECORD})
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "breaks.md").write_text(ARTICLE, encoding="utf-8")
    return build_site(root / "output", facilities=records, content=root / "content")


def test_description_on_the_facility_page(site):
    prose = page(site, "facilities/breaks/").find(id="desc-title").find_parent("section").select_one(".prose")
    assert prose.p.get_text() == "午前はビジネスマナーの訓練をします。午後は個別面談です。\nMicrosoft Office\nの練習もあります。"


def test_article(site):
    article = page(site, "articles/line-breaks/").select_one("main article.article")
    paragraph, code = article.find("p", recursive=False), article.find("pre")
    assert paragraph.get_text() == "就労移行支援は、一般企業への就職を目指す人が通う福祉サービスです。\nOffice and\nExcel の練習もできます。"
    assert code.get_text() == "コードの\n行はそのまま\n"
