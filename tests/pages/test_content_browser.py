"""In Chromium: the 未掲載/非公開 words where the browser renders them (comparison, search),
and the pages this touches (facility page, an article with one facility twice) pass axe at 390px.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import format_violations, run_axe
from page_records import write_records
from sitebuild import StaticServer, build_site
from test_metric_labels import ARTICLE, BLANK, EXPECTED, WITHHELD

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("/tmp/operator-screenshots")
TWICE = ARTICLE.replace("Slug: two-offices", "Slug: twice").replace("Title: 二つの事業所", "Title: 同じ事業所を二度") + "\n{% facility withheld %}\n"
LABELS = ("就職定着率", "昨年の就職人数", "平均利用期間")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("content-browser")
    records = write_records(root / "records", {"withheld": WITHHELD, "blank": BLANK})
    articles = root / "content" / "articles"
    articles.mkdir(parents=True)
    (articles / "twice.md").write_text(TWICE, encoding="utf-8")
    with StaticServer(build_site(root / "output", facilities=records, content=root / "content")) as running:
        yield running


def test_comparison_table_shows_the_record_s_words(page, server):
    page.goto(f"{server.url}compare/?ids=withheld,blank")
    page.wait_for_selector("[data-compare] tbody tr")
    cells = page.evaluate(
        """(labels) => {
          const table = document.querySelector('[data-compare]');
          const ids = [...table.querySelectorAll('thead th[data-facility-id]')].map(th => th.dataset.facilityId);
          const out = Object.fromEntries(ids.map(id => [id, []]));
          for (const label of labels) {
            const row = [...table.querySelectorAll('tbody tr')].find(tr => tr.querySelector('th[scope=row]').textContent === label);
            [...row.querySelectorAll('td')].forEach((td, i) => out[ids[i]].push(td.textContent.trim()));
          }
          return out;
        }""",
        list(LABELS),
    )
    assert {fid: tuple(texts) for fid, texts in cells.items()} == EXPECTED
    # Neither word is a value: those rows mark nothing as best.
    marked = page.eval_on_selector_all("[data-compare] [data-best]", "marks => marks.map(m => m.closest('tr').querySelector('th').textContent)")
    assert not set(marked) & set(LABELS)
    assert page.errors == []


def test_search_result_cards_show_the_record_s_words(page, server):
    page.goto(f"{server.url}search/?pref=tokyo")
    page.wait_for_selector('[data-results][aria-busy="false"] [data-facility-id]')
    shown = page.evaluate(
        """(labels) => Object.fromEntries([...document.querySelectorAll('[data-results] [data-facility-id]')].map(card => {
            const values = Object.fromEntries([...card.querySelectorAll('dl.metrics > div')]
              .map(d => [d.querySelector('dt').textContent, d.querySelector('dd').textContent]));
            return [card.dataset.facilityId, labels.map(label => values[label])];
        }))""",
        list(LABELS),
    )
    assert {fid: tuple(texts) for fid, texts in shown.items()} == EXPECTED
    assert page.errors == []


@pytest.mark.parametrize(("url", "name"), [("facilities/withheld/", "facility-withheld"), ("facilities/blank/", "facility-blank"),
                                           ("articles/twice/", "article-twice"), ("compare/?ids=withheld,blank", "compare")])
def test_pages_pass_axe_at_390px_without_sideways_scroll(browser, server, url, name):
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    tab = context.new_page()
    try:
        tab.goto(server.url + url)
        tab.wait_for_load_state("networkidle")
        violations = run_axe(tab)
        assert violations == [], format_violations(violations)
        assert tab.evaluate("() => document.documentElement.scrollWidth") <= 390
        SCREENSHOTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(SCREENSHOTS / f"{name}-390.png"), full_page=True)
    finally:
        context.close()
