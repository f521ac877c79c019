"""Build the sample site into a temporary folder and check every page type's HTML."""

from __future__ import annotations

from sitebuild import page


def test_facility_page_shows_the_record(sample_site):
    doc = page(sample_site, "facilities/current/")
    assert doc.html["lang"] == "ja"
    assert doc.h1.get_text(strip=True) == "カレント"
    facts = {div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True) for div in doc.select("dl.facts > div")}
    assert facts["就労定着支援"] == "あり"
    assert facts["最寄り駅"] == "新宿御苑前駅 徒歩3分"
    assert facts["所在地"] == "東京都新宿区"
    assert "精神障害" in facts["対象障害"] and "身体障害" not in facts["対象障害"]
    metrics = {div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in doc.select("dl.metrics > div")}
    assert metrics == {"就職定着率": "90%以上", "昨年の就職人数": "10〜14名", "定員": "12名", "平均利用期間": "6〜12ヶ月"}
    crumbs = [li.get_text(strip=True) for li in doc.select("nav.breadcrumbs li")]
    assert crumbs == ["ホーム", "東京都", "カレント"]
    assert doc.find("link", rel="canonical")["href"] == "http://localhost:8000/facilities/current/"
    assert doc.select_one("time")["datetime"] == "2026-11-01"


def test_home_lists_all_47_prefectures_by_region(sample_site):
    doc = page(sample_site, "")
    regions = [h.get_text(strip=True) for h in doc.select(".region h3")]
    assert regions == ["北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州・沖縄"]
    items = doc.select(".pref-list li")
    assert len(items) == 47
    linked = {a.get_text(strip=True): a["href"] for a in doc.select(".pref-list a")}
    assert linked == {
        "埼玉県（1件）": "./pref/saitama/",
        "千葉県（1件）": "./pref/chiba/",
        "東京都（1件）": "./pref/tokyo/",
        "神奈川県（1件）": "./pref/kanagawa/",
        "大阪府（1件）": "./pref/osaka/",
    }
    form = doc.select_one("form[role=search]")
    assert form["action"] == "./search/" and form.select_one("input")["name"] == "q"
