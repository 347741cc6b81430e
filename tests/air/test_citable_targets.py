"""Issue 11: one status, one value, one basis — on the real published data in ../shared/data.

The pinned day (2026-11-30) is past the plan's 2025 deadline; the data end in 2019 (city-daily
file) plus one day of 2022 (station-hourly file). `?as_of=2025-06-01` shows the same data as it
reads before the deadline.
"""

from __future__ import annotations

import re

import pytest

SLUGS = ("pm25-annual-mean", "heavy-pollution-days")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture()
def records(air_client):
    return {t["slug"]: t for t in air_client.get("/en/targets.json").json["targets"]}


def test_one_latest_value_on_every_surface(air_client, imported_app, records):
    """Home card, /targets, the target page, targets.json, the embed and share.png: 41.0 (2018)."""
    pm = records["pm25-annual-mean"]
    assert (pm["latest"]["value"], pm["latest"]["date"], pm["latest_period_en"]) == (41.0, "2018-12-31", "2018")
    assert pm["running"]["value"] == 75.0  # the one day of 2022, kept apart
    home = _text(air_client.get("/en/").get_data(as_text=True))
    table = _text(air_client.get("/en/targets").get_data(as_text=True))
    page = _text(air_client.get("/en/targets/pm25-annual-mean").get_data(as_text=True))
    embed = _text(air_client.get("/en/embed/targets/pm25-annual-mean").get_data(as_text=True))
    for html in (home, table, page, embed):
        assert "41.0 µg/m³" in html
    row = table.split("Annual mean PM2.5 concentration", 1)[1].split("Days of heavy", 1)[0]
    assert "41.0 µg/m³ 2018" in row and "75 µg/m³ 2022" not in row
    embed_value = embed.split("Annual mean PM2.5 concentration")[-1]
    assert embed_value.strip().startswith("41.0 µg/m³")  # the big number is the basis, not the running 75
    from cleanair.history.share import _texts

    assert _texts(pm, "en", True)["latest"] == "41.0 µg/m³ (2018)"
    assert _texts(pm, "zh", True)["latest"] == "41.0微克/立方米（2018年）"
    # the running value is labelled with its period and day count, never as the figure
    assert "Running value, not final: 75.0 µg/m³ for Jan 1, 2022 – Jan 4, 2022 (1 day with data)" in home


def test_status_and_figure_come_from_the_same_year(air_client, records):
    heavy = records["heavy-pollution-days"]
    assert heavy["latest"]["value"] == 5.0 and heavy["latest_period_en"] == "2018"
    table = _text(air_client.get("/en/targets").get_data(as_text=True))
    row = table.split("Days of heavy or worse pollution", 1)[1].split("Reduction in total NOx", 1)[0]
    assert "5 days 2018" in row and "0 days" not in row.split("running:")[0]
    for r in records.values():
        if r["latest"]:
            assert r["latest_period_en"] in r["status_explanation_en"], r["slug"]


def test_past_the_deadline_without_a_value_for_2025_is_its_own_status(air_client, records):
    for slug in SLUGS:
        r = records[slug]
        assert r["status"] == "deadline_passed_no_data" and r["deadline_passed"]
        assert "no value for 2025 has been published or imported" in r["status_explanation_en"]
        assert "The latest final value is for 2018, before the plan" in r["status_explanation_en"]
    zh = _text(air_client.get("/").get_data(as_text=True))
    assert "期限已过，无发布值" in zh and "尚无2025年的发布值" in zh


def test_a_pre_plan_basis_says_so_before_the_deadline(air_client):
    pm = air_client.get("/targets/pm25-annual-mean.json?as_of=2025-06-01").json["target"]
    assert pm["status"] == "off_track" and pm["latest"]["value"] == 41.0 and pm["latest_before_plan"]
    assert pm["status_explanation_en"].startswith(
        "Based on 2018, before the plan (which starts in 2024), the latest complete year; "
        "no later value has been published or imported.")
    page = _text(air_client.get("/en/targets/pm25-annual-mean?as_of=2025-06-01").get_data(as_text=True))
    assert "Based on 2018, before the plan" in page and "Off track" in page


def test_heavy_days_are_the_publishers_count_with_the_recomputed_one_beside_it(air_client):
    years = {y["year"]: y for y in air_client.get("/air/annual.json").json["years"]}
    assert (years[2017]["heavy_days_published"], years[2017]["heavy_days"]) == (2, 0)
    assert (years[2017]["good_days_published"], years[2017]["aqi_days_published"]) == (259, 365)
    assert years[2022]["heavy_days_published"] is None  # no published daily AQI: recomputed only
    # as the plan's target, 2017 counts 2 days (official), not 0
    heavy = air_client.get("/targets/heavy-pollution-days.json?as_of=2018-06-01").json["target"]
    assert (heavy["latest"]["value"], heavy["latest"]["recomputed"], heavy["latest_period_en"]) == (2.0, 0.0, "2017")
    assert heavy["status"] == "off_track"
    page = _text(air_client.get("/en/targets/heavy-pollution-days?as_of=2018-06-01").get_data(as_text=True))
    assert "2 days recomputed: 0 days" in page
    annual = _text(air_client.get("/en/air/annual").get_data(as_text=True))
    assert "2 recomputed: 0" in annual
    method = _text(air_client.get("/en/about/methodology").get_data(as_text=True))
    assert "The status of the heavy-pollution target uses the official count" in method


def test_sources_are_named_exactly(air_client, records):
    source = records["pm25-annual-mean"]["latest"]["source_title"]
    assert source.startswith("aqistudy_suzhou_2013-12_2019-06.csv — CNEMC city-daily values as republished by aqistudy.cn")
    assert "air-quality engine" not in source
    running = records["pm25-annual-mean"]["running"]["source_title"]
    assert "china_sites_20220104_suzhou.csv" in running
    years = {y["year"]: y for y in air_client.get("/air/annual.json").json["years"]}
    assert years[2018]["source_files"] == ["aqistudy_suzhou_2013-12_2019-06.csv"]
    assert years[2022]["source_files"] == ["china_sites_20220104_suzhou.csv"]
    assert "aqistudy_suzhou_2013-12_2019-06.csv" in air_client.get("/air/annual.csv").get_data(as_text=True)


def test_no_wrong_plurals(air_client):
    for url in ("/en/", "/en/targets", "/en/targets/pm25-annual-mean", "/en/targets/heavy-pollution-days",
                "/en/embed/targets/heavy-pollution-days", "/en/air/annual"):
        text = _text(air_client.get(url).get_data(as_text=True))
        assert not re.search(r"\b1 (valid )?days\b", text), url
        assert not re.search(r"\b1 day with an AQI\b.*\b1 days\b", text), url


def test_a_station_without_observations_says_so_in_plain_words(air_client):
    """1161A 南门 has no values in the imported files; the site has data, so say that, not 'import'."""
    for prefix, words in (("", "目前导入的监测数据中没有南门（1161A）的数值"),
                          ("/en", "The observations imported so far contain no values for Nanmen (1161A)")):
        html = air_client.get(f"{prefix}/air/stations/1161A").get_data(as_text=True)
        assert words in _text(html), prefix
        assert "flask" not in html and "aq import" not in html and "No air-quality data has been imported yet" not in html


def test_the_heavy_days_listed_are_the_ones_counted(imported_app, air_client):
    """The days /air/history lists (and links to alerts) are the official count of /air/annual."""
    from cleanair.air import service

    years = {y["year"]: y for y in air_client.get("/air/annual.json").json["years"]}
    with imported_app.test_request_context():
        listed = service.heavy_days(year=2017)
    assert years[2017]["heavy_days_published"] == 2 and len(listed) == 2
    assert all(d["aqi_published"] > 200 for d in listed)


def test_air_refusals_are_in_the_pages_language(air_client):
    page = air_client.get("/air/daily?start=yesterday").get_data(as_text=True)
    assert "须为 YYYY-MM-DD 格式的日期" in page and "must be a date" not in page
    resp = air_client.get("/air/daily?station=nowhere")
    assert resp.status_code == 404 and "unknown station" not in resp.get_data(as_text=True)
