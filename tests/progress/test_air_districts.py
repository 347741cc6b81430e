"""District air (task 53): a county-level city's own series, or the mean of an urban district's
own evaluation stations by HJ 663 — checked on the real published day in ../shared/data."""

from __future__ import annotations

import math

import pandas as pd

from tests.conftest import SHARED_DATA, require_shared


def _half_up(v: float, digits: int = 0) -> float:
    f = 10 ** digits
    return math.floor(v * f + 0.5 + 1e-9) / f


def test_urban_district_is_the_mean_of_its_own_stations(imported_app):
    path = require_shared(SHARED_DATA / "station_hourly" / "china_sites_20220104_suzhou.csv")
    c = imported_app.test_client()
    air = c.get("/districts/gusu.json").json["air"]
    assert air["method"] == "stations" and air["stations"] == ["1161A", "1162A", "1163A"]
    assert air["latest_complete"] is None  # one day is not a year
    (year,) = air["annual"]
    assert year["year"] == 2022 and year["complete"] is False and year["valid_days"] == 1
    # Independently: hour-by-hour mean of the stations that reported, then the day's mean (HJ 663).
    raw = pd.read_csv(path)
    pm = raw[raw["type"] == "PM2.5"][["hour", "1161A", "1162A", "1163A"]].set_index("hour")
    hourly = pm.mean(axis=1, skipna=True)
    assert len(hourly.dropna()) >= 20
    assert year["pm25"] == _half_up(_half_up(hourly.mean()), 1)
    assert "1161A" in air["stations"] and air["stored_station_days"] >= 2


def test_county_level_city_uses_its_own_series_and_says_when_there_is_none(imported_app):
    require_shared(SHARED_DATA)
    c = imported_app.test_client()
    air = c.get("/districts/wujiang.json").json["air"]
    assert air["method"] == "city_series" and air["series"] == "吴江" and air["annual"] == []
    assert set(air["stations"]) == {"1985A", "1986A", "1987A"}
    html = c.get("/en/districts/wujiang").get_data(as_text=True)
    assert "No observations for this district have been imported yet." in html


def test_district_page_without_any_import_says_so(client):
    data = client.get("/districts/gusu.json").json
    assert data["air"]["annual"] == [] and data["air"]["method"] == "stations"
    assert "尚未导入" in client.get("/districts/gusu").get_data(as_text=True)
    assert client.get("/districts/atlantis").status_code == 404
    assert client.get("/districts/atlantis.json").status_code == 404


def test_map_layer_reads_district_pm25(imported_app):
    require_shared(SHARED_DATA)
    data = imported_app.test_client().get("/maps/progress.json").json
    air = {a["slug"]: a for a in data["air"]}
    assert air["gusu"]["years_available"] == [2022] and air["gusu"]["pm25"] is None and air["gusu"]["level"] == "none"
    assert air["wujiang"]["method"] == "city_series"
