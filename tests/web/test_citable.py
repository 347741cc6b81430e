"""Issue 11 ("citable"): what the plan pages say matches the plan's own words and counts."""

from __future__ import annotations

import re
from html import unescape

import pytest


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_county_governments_are_responsible_for_implementation_not_joint(client):
    record = client.get("/plan/tasks/2.json").json["task"]
    roles = {d["slug"]: d["role"] for d in record["departments"]}
    assert roles["county-governments"] == "implementing"
    assert set(roles.values()) == {"joint", "implementing"}  # 2 is printed 按职责分工负责
    csv = client.get("/plan/tasks.csv").get_data(as_text=True)
    assert "county-governments:implementing" in csv and "county-governments:joint" not in csv
    deps = {d["slug"]: d for d in client.get("/departments.json").json["departments"]}
    assert {t["role"] for t in deps["county-governments"]["tasks"]} == {"implementing"}
    assert len(deps["county-governments"]["tasks"]) == 56
    page = _text(client.get("/departments/county-governments").get_data(as_text=True))
    assert "负责落实的任务 (56)" in page and "按职责分工负责的任务 (0)" in page
    en = _text(client.get("/en/plan/tasks/1").get_data(as_text=True))
    assert "Responsible for implementation" in en and "Joint (by remit)" in en
    assert len(client.get("/plan/tasks.json?role=implementing").json["tasks"]) == 56
    assert len(client.get("/plan/tasks.json?role=joint&department=county-governments").json["tasks"]) == 0


@pytest.mark.parametrize("district,named", [("wuzhong", [27]), ("kunshan", [])])
def test_district_filter_lists_named_tasks_and_states_the_general_duty(client, district, named):
    data = client.get(f"/plan/tasks.json?district={district}").json
    assert [t["number"] for t in data["tasks"]] == named
    assert data["district"]["tasks_naming_it"] == named and data["district"]["tasks_it_implements"] == 56
    page = _text(client.get(f"/en/plan/tasks?district={district}").get_data(as_text=True))
    assert "responsible for implementing all 56 tasks" in page
    if not named:
        assert "No task names Kunshan in its text." in page and "0 tasks match" not in page
    zh = _text(client.get(f"/plan/tasks?district={district}").get_data(as_text=True))
    assert "负责落实全部56项任务" in zh and "共 0 项任务符合条件" not in zh


def test_unknown_district_or_department_is_reported_not_an_empty_list(client):
    page = _text(client.get("/en/plan/tasks?district=atlantis&department=nobody").get_data(as_text=True))
    assert "were not understood" in page and "district" in page and "department" in page


def test_a_task_with_several_deadlines_counts_under_each(client):
    home = _text(client.get("/en/").get_data(as_text=True))
    for year in (2024, 2025):
        listed = client.get(f"/plan/tasks.json?year={year}").json["tasks"]
        shown = re.search(rf"by end of {year} (\d+)", home)
        assert shown and int(shown.group(1)) == len(listed), year
    assert [t["number"] for t in client.get("/plan/tasks.json?year=2024").json["tasks"]] == [15, 21, 27, 31]


def test_one_english_title_for_the_plan(app, client):
    from .routes import public_urls

    title = app.extensions["cleanair"].plan.title_en
    for url in public_urls(app):
        html = client.get("/en" + url).get_data(as_text=True)
        assert "Implementation Plan" not in html.replace(title, ""), url
    assert title in client.get("/en/about").get_data(as_text=True)
    assert title in _text(client.get("/en/").get_data(as_text=True).split("<footer", 1)[1])
    assert all(title in d["source_en"] for d in client.get("/data.json").json["datasets"][:3])


def test_data_dictionary_and_licence_in_chinese_on_chinese_pages(app, client):
    english = ("This site", "Parsed from", "Computed by this site", "public government data",
               "official government document", "The data file", "reporting form", "this site's compilation")
    zh = _text(client.get("/data").get_data(as_text=True).split("<main", 1)[1].split("</main>", 1)[0])
    for phrase in english:
        assert phrase not in zh, phrase
    assert "由责任分工原文解析" in zh and "方案原文为政府公文" in zh and "整数" in zh and " integer " not in zh
    en = _text(client.get("/en/data").get_data(as_text=True))
    assert "Parsed from the responsibility text" in en and "official government document" in en
    for d in app.extensions["cleanair"].datasets:
        assert d.licence_zh or d.licence == "CC BY 4.0", d.key
        for c in d.columns:
            assert c.source is None or (c.source.en and c.source.zh), (d.key, c.name)
    fields = client.get("/data.json").json["datasets"][0]["fields"]
    assert {"source", "source_zh"} <= fields[0].keys()


def test_methodology_states_the_natural_day_in_one_sentence(client):
    en = _text(client.get("/en/about/methodology").get_data(as_text=True))
    assert ("A day on this site is the 24 hourly values stamped 00:00 to 23:00 Beijing time (UTC+8), which "
            "together cover 23:00 of the previous day to 23:00 of that day — one hour earlier than a "
            "midnight-to-midnight day") in en
    zh = _text(client.get("/about/methodology").get_data(as_text=True))
    assert "比零点到零点的一天早一个小时" in zh
    # the breakpoint table names pollutant and averaging period, not the data file's column keys
    assert "so2_24h" not in en and "SO₂ 24-hour mean" in en and "SO₂ 24小时平均" in zh


def test_one_english_name_per_body_on_the_pages(app, client):
    plan = app.extensions["cleanair"].plan
    page = _text(client.get("/en/plan/tasks/51").get_data(as_text=True))
    assert "People's Bank of China Suzhou Branch" not in page and "Financial Office of the Municipal Party" not in page
    for slug in ("pboc-suzhou", "party-financial-office"):
        assert page.count(plan.department(slug).name_en) >= 2, slug  # the body list and the responsibility text
    page13 = _text(client.get("/en/plan/tasks/13").get_data(as_text=True))
    assert "directly affiliated Maritime Safety Administrations" not in page13
    assert page13.count(plan.department("yangtze-maritime").name_en) >= 2


ORDINAL = re.compile(r"（[一二三四五六七八九十]+）|(?<![\u4e00-\u9fff])[一二三四五六七八九十]+、")


def test_no_chinese_ordinals_on_english_pages(app, client):
    """Headings, breadcrumbs, titles and citations say "Measure 25", "Chapter 10" in English."""
    from .routes import public_urls

    urls = public_urls(app) + ["/plan/measures/25", "/plan/tasks/33", "/plan", "/plan/tasks?chapter=10"]
    for url in urls:
        html = client.get("/en" + url).get_data(as_text=True)
        # Chinese quoted on purpose (original text, quotes) is marked lang="zh-Hans"
        html = re.sub(r'<(\w+)[^>]*lang="zh-Hans"[^>]*>.*?</\1>', "", html, flags=re.S)
        assert not ORDINAL.search(html), (url, ORDINAL.search(html).group(0))
    page = _text(client.get("/en/plan/measures/25").get_data(as_text=True))
    assert "Measure 25:" in page and "Chapter 10:" in page
    assert "Measure 25:" in client.get("/en/plan/measures/25").get_data(as_text=True).split("<title>")[1].split("</title>")[0]
    zh = _text(client.get("/plan/measures/25").get_data(as_text=True))
    assert "（二十五）" in zh and "十、" in zh


def test_english_reads_as_english(client):
    """万 numbers, the glossary's 4S dealership, task 33's 油烟净化设施, measure 3's 做优做强."""
    freight = _text(client.get("/en/targets/waterway-freight").get_data(as_text=True))
    assert "reach 8 million tonnes" in freight and "10,000" not in freight
    assert "reach 1.15 million tonnes" in _text(client.get("/en/targets/railway-freight").get_data(as_text=True))
    targets = _text(client.get("/en/targets").get_data(as_text=True))
    assert "×10,000" not in targets and "at least 160,000 vehicles" in targets
    assert "800万吨" in _text(client.get("/targets/waterway-freight").get_data(as_text=True))
    glossary = _text(client.get("/en/glossary").get_data(as_text=True))
    assert "4S dealership" in glossary and "fume purification equipment" in glossary
    assert "fume purification equipment not being cleaned in time" in _text(client.get("/en/plan/tasks/33").get_data(as_text=True))
    measure3 = _text(client.get("/en/plan/measures/3").get_data(as_text=True))
    assert "strengthen a batch" not in measure3 and "help a batch of the best performers grow better and stronger" in measure3


def test_cite_this_is_in_the_pages_language(client):
    zh = _text(client.get("/targets").get_data(as_text=True)).split("引用本页", 1)[1]
    assert "数据版本" in zh and "访问日期 2026-11-30" in zh and "accessed" not in zh and "data version" not in zh
    en = _text(client.get("/en/targets").get_data(as_text=True)).split("Cite this", 1)[1]
    assert "(data version" in en and "accessed 2026-11-30" in en


def test_change_history_shows_stored_codes_in_words(app):
    from cleanair.history.routes import change_title

    role = {"entity_title_zh": "任务1", "entity_title_en": "Task 1", "kind": "changed", "field": "role",
            "old": "joint", "new": "implementing"}
    comparator = dict(role, field="comparator", old="below", new="at_most")
    with app.test_request_context("/changes"):
        assert change_title(role) == "任务1：角色由 按职责分工负责 改为 负责落实"
        assert "低于" in change_title(comparator) and "below" not in change_title(comparator)
        english = dict(role, field="text_en", old="Strengthen a batch.", new="Help a batch grow.")
        assert change_title(english) == "任务1：内容（英文）已修改"
    with app.test_request_context("/changes", environ_base={"cleanair.locale": "en"}):
        assert change_title(role) == "Task 1: role changed from Joint (by remit) to Responsible for implementation"
