"""Air pages and twins on the imported shared data, in both languages, and their empty states."""

from __future__ import annotations

import csv
import io

import pytest
from cleanair.air import service

pytestmark = pytest.mark.shared
DAILY_KEYS = {"date", "station", "aqi", "aqi_published", "level", "primary_pollutants", "pm25", "pm10", "so2",
              "no2", "co", "o3_8h", "valid"}
ANNUAL_KEYS = {"year", "pm25", "pm10", "no2", "so2", "co_p95", "o3_8h_p90", "good_days_ratio", "heavy_days",
               "valid_days", "complete"}


def read_csv(resp) -> list[dict]:
    raw = resp.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_air_page_shows_latest_values_and_says_they_are_old(air_client):
    html = air_client.get("/air").get_data(as_text=True)
    assert "2022-01-04 23:00" in html
    # Pinned today is 2026-11-30: the data is 1790 days old and the page says so.
    assert "1790" in html and "latest observation" not in html  # Chinese page
    assert "彩香" in html and "上方山" in html
    en = air_client.get("/en/air").get_data(as_text=True)
    assert "latest observation 2022-01-04 23:00 (Suzhou time), 1790 days ago." in en
    assert "Updated" not in en  # never "fresh" when old
    assert "Health advice" in en and "HJ 633-2012" in en


def test_latest_json_contract(air_client):
    data = air_client.get("/air/latest.json").json
    rows = {r["station"]: r for r in data["stations"]}
    assert set(rows) == {"1160A", "1162A", "1163A", "1164A", "1165A", "1166A", "1167A"}
    r = rows["1162A"]
    assert r["time"] == "2022-01-04T23:00:00+08:00" and r["aqi"] == r["aqi_published"] == 89 and r["stale"] is True
    assert rows["1160A"]["background"] is True
    assert read_csv(air_client.get("/air/latest.csv"))[0]["station"]


def test_daily_json_contract_and_filters(air_client):
    data = air_client.get("/air/daily.json?station=苏州&start=2016-01-01&end=2016-01-31").json
    assert data["standard"] == "HJ 633-2012"
    assert len(data["rows"]) == 31
    for row in data["rows"]:
        assert DAILY_KEYS <= row.keys() and row["station"] == "苏州"
    first = data["rows"][0]
    assert first["date"] == "2016-01-01" and first["aqi_published"] == 95 and first["aqi"] == 95
    rows = read_csv(air_client.get("/air/daily.csv?station=苏州&start=2016-01-01&end=2016-01-31"))
    assert len(rows) == 31 and rows[0]["date"] == "2016-01-01"
    station = air_client.get("/air/daily.json?station=1162A").json["rows"]
    assert [r["date"] for r in station] == ["2022-01-04"] and station[0]["pm25"] == 86
    assert air_client.get("/air/daily.json?station=nowhere").status_code == 404
    assert air_client.get("/air/daily.json?start=2016-13-01").status_code == 400


def test_annual_json_contract(air_client):
    years = {y["year"]: y for y in air_client.get("/air/annual.json").json["years"]}
    for y in years.values():
        assert ANNUAL_KEYS <= y.keys()
    assert [years[y]["pm25"] for y in range(2014, 2019)] == [66.0, 57.3, 46.3, 42.0, 41.0]
    assert years[2015]["complete"] is False and years[2014]["complete"] is True
    assert years[2019]["complete"] is False  # ends 2019-06-17
    rows = read_csv(air_client.get("/air/annual.csv"))
    assert {r["year"] for r in rows} >= {"2014", "2018"}


def test_published_daily_aqi_differs_about_as_documented(imported_app):
    """Methodology says: 2016 and 2019 agree exactly; in 2014 and 2017 about 1 day in 6 differs by
    more than 1 (and many more by exactly 1, from the rounded daily means)."""
    with imported_app.app_context():
        rows = service.daily_rows("苏州")
    def diffs(year):
        pairs = [(r["aqi"], r["aqi_published"]) for r in rows
                 if r["date"].year == year and r["aqi"] is not None and r["aqi_published"] is not None]
        return [abs(a - b) for a, b in pairs], len(pairs)
    for year in (2016, 2019):
        d, n = diffs(year)
        assert n > 150 and max(d) == 0
    for year in (2014, 2017):
        d, n = diffs(year)
        assert 0.10 < sum(x > 1 for x in d) / n < 0.25
        assert sum(x == 1 for x in d) / n > 0.25


def test_incomplete_years_are_labelled_on_every_page(air_client):
    for url in ("/en/air/history", "/en/air/annual"):
        html = air_client.get(url).get_data(as_text=True)
        assert "not a valid annual assessment" in html, url
    html = air_client.get("/air/history?year=2015").get_data(as_text=True)
    assert "不是有效的年度评价" in html


def test_station_page_shows_published_beside_recomputed(air_client):
    html = air_client.get("/en/air/stations/1162A").get_data(as_text=True)
    assert "Published AQI" in html and "china_sites_20220104_suzhou.csv" in html
    data = air_client.get("/air/stations/1162A.json").json
    assert len(data["hours"]) == 24 and data["hours"][0]["time"] == "2022-01-04T23:00:00+08:00"
    assert air_client.get("/air/stations/XXXX").status_code == 404


def test_targets_get_values_from_the_engine(air_client):
    targets = {t["slug"]: t for t in air_client.get("/targets.json").json["targets"]}
    pm = targets["pm25-annual-mean"]
    # pinned today (2026-11-30) is past the 2025 deadline and the data stop in 2019/2022
    assert pm["latest"]["value"] == 41.0 and pm["status"] == "deadline_passed_no_data"
    detail = air_client.get("/en/targets/pm25-annual-mean").get_data(as_text=True)
    assert "41.0 µg/m³" in detail and "assessed under the 2012 standard" in detail
    assert "Running value, not final" in detail  # 2022 has one day: labelled running, not final
    heavy = targets["heavy-pollution-days"]
    assert heavy["latest"] is not None


def test_indicator_provider_periods(imported_app):
    with imported_app.test_request_context("/targets", environ_base={"cleanair.locale": "en"}):
        values = service.indicator_provider()
    pm = values["pm25-annual-mean"]
    final = [v for v in pm if v.period == "year"]
    running = [v for v in pm if v.period == "year_to_date"]
    # every HJ 663 valid year (2013, 2015 and 2019 are incomplete), and the incomplete latest one as running
    assert [(v.value, v.date.isoformat()) for v in final] == [
        (66.0, "2014-12-31"), (46.3, "2016-12-31"), (42.0, "2017-12-31"), (41.0, "2018-12-31")]
    assert running and running[0].date.isoformat() == "2022-01-04" and running[0].days == 1
    assert "Running value up to 2022-01-04" in running[0].note
    heavy = {v.date.year: (v.value, v.recomputed) for v in values["heavy-pollution-days"] if v.period == "year"}
    assert heavy[2018] == (5.0, 5.0) and heavy[2017] == (2.0, 0.0)


def test_methodology_page_in_both_languages(air_client):
    en = air_client.get("/en/about/methodology").get_data(as_text=True)
    for text in ("HJ 633-2012", "HJ 663-2013", "recomputation under HJ 633-2026 is not available",
                 "00:00 to 23:00", "background station", "324", "aqistudy.cn", "#99004c"):
        assert text in en, text
    zh = air_client.get("/about/methodology").get_data(as_text=True)
    assert "对照点" in zh and "向上取整" in zh


def test_contract_types(imported_app):
    with imported_app.app_context():
        regs = service.station_registry()
        assert len(regs) == 24 and sum(s.background for s in regs) == 1
        assert {s.district for s in regs} - {None} <= {"gusu", "huqiu-snd", "wuzhong", "xiangcheng", "wujiang",
                                                       "sip", "changshu", "zhangjiagang", "kunshan", "taicang"}
        readings = service.latest_readings()
        assert isinstance(readings["1162A"], service.Reading)
        assert readings["1162A"].primary_pollutants == ("pm25",)
        assert service.data_version().startswith("air-") and service.data_version() != "air-empty"


def test_empty_database_pages_say_what_is_missing_without_shell_commands(client):
    """Issue 11: public pages never show shell commands; those belong in README and docs/air.md."""
    for url in ("/air", "/air/history", "/air/daily", "/air/annual", "/air/stations/1162A"):
        for prefix, words in (("", "尚未导入任何空气质量监测数据"), ("/en", "No air-quality observations have been imported")):
            html = client.get(prefix + url).get_data(as_text=True)
            assert words in html, (prefix, url)
            assert "flask" not in html and "aq import" not in html and "../shared" not in html and "docs/air.md" not in html
    assert client.get("/air/latest.json").json["stations"] == []
    assert client.get("/air/annual.json").json["years"] == []


def test_home_page_shows_the_city_air_now_with_its_age(air_client):
    html = air_client.get("/").get_data(as_text=True)
    assert "苏州当前空气质量" in html and "2022-01-04 23:00" in html
    assert "距今" in html and "最新数据" in html  # the data is years old and the card says so
    en = air_client.get("/en/").get_data(as_text=True)
    assert "Air in Suzhou now" in en and "background station excluded" in en


def test_home_page_says_plainly_when_nothing_is_imported(client):
    assert "尚未导入空气质量监测数据" in client.get("/").get_data(as_text=True)
