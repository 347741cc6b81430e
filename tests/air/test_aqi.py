"""HJ 633 IAQI/AQI on hand-made values, and the standards loaded as versioned data."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from cleanair.domain.air.aqi import daily_aqi, hourly_aqi, iaqi, single_aqi


def test_breakpoints_interpolate_linearly(standards):
    s = standards.default
    bp = s.breakpoints["pm25_24h"]
    # Hand-computed: 35 -> 50, 75 -> 100, 55 -> 75, 0 -> 0, 500 -> 500, above -> capped 500.
    assert list(iaqi(np.array([0, 35, 55, 75, 500, 600]), bp, s.iaqi)) == [0, 50, 75, 100, 500, 500]
    assert np.isnan(iaqi(np.array([np.nan]), bp, s.iaqi)[0])
    assert np.isnan(iaqi(np.array([-1.0]), bp, s.iaqi)[0])
    assert np.isnan(iaqi(np.array([900.0]), s.breakpoints["so2_1h"], s.iaqi, cap=False)[0])


def test_aqi_is_rounded_up_and_primary_ties_are_kept(standards):
    s = standards.default
    # PM2.5 = 36 -> IAQI 51.25 -> AQI 52 (rounding up, not 51).
    r = single_aqi({"pm25": 36, "pm10": 10, "so2": 5, "no2": 10, "co": 0.5, "o3": 50}, s)
    assert r["aqi"] == 52 and r["level"] == 2 and r["primary"] == ("pm25",)
    # PM2.5 75 and PM10 150 both give IAQI 100: both are primary.
    r = single_aqi({"pm25": 75, "pm10": 150, "so2": 5, "no2": 10, "co": 0.5, "o3": 50}, s)
    assert r["aqi"] == 100 and set(r["primary"]) == {"pm25", "pm10"}
    # AQI <= 50: no primary pollutant.
    r = single_aqi({"pm25": 10, "pm10": 20, "so2": 5, "no2": 10, "co": 0.5, "o3": 50}, s)
    assert r["aqi"] == 20 and r["primary"] == ()  # PM10 20 -> IAQI 20


def test_an_hour_with_a_missing_pollutant_gets_no_aqi(standards):
    r = single_aqi({"pm25": 80, "pm10": 10, "so2": 5, "no2": None, "co": 0.5, "o3": 50}, standards.default)
    assert r["aqi"] is None


def test_so2_above_800_falls_back_to_the_24h_table(standards):
    s = standards.default
    frame = pd.DataFrame({"pm25": [10.0], "pm10": [10.0], "so2": [900.0], "no2": [10.0], "co": [0.2],
                          "o3": [20.0], "so2_24h": [160.0]})
    res = hourly_aqi(frame, s)
    # 24-h table: 160 lies between 150 (100) and 475 (150): 100 + 50 * 10 / 325 = 101.54 -> 102.
    assert res["aqi"].iloc[0] == 102
    assert res["primary"].iloc[0] == "so2"


def test_daily_o3_8h_above_800_uses_the_daily_max_1h(standards):
    s = standards.default
    frame = pd.DataFrame({"pm25": [10.0], "pm10": [10.0], "so2": [5.0], "no2": [10.0], "co": [0.2],
                          "o3_8h": [850.0], "o3_1h_max": [900.0]})
    # O3 1-h table: 900 between 800 (300) and 1000 (400) -> 350.
    assert daily_aqi(frame, s)["aqi"].iloc[0] == 350


def test_levels_colours_and_advice_come_from_the_data_file(standards):
    s = standards.default
    assert s.name == "HJ 633-2012"
    assert [lv.name_zh for lv in s.levels] == ["优", "良", "轻度污染", "中度污染", "重度污染", "严重污染"]
    assert [lv.name_en for lv in s.levels] == ["Good", "Moderate", "Lightly Polluted", "Moderately Polluted",
                                                "Heavily Polluted", "Severely Polluted"]
    assert [lv.colour for lv in s.levels] == ["#00e400", "#ffff00", "#ff7e00", "#ff0000", "#99004c", "#7e0023"]
    assert all(lv.advice_zh and lv.advice_en for lv in s.levels)
    assert [s.level(a).level for a in (0, 50, 51, 100, 101, 200, 201, 300, 301, 500)] == [1, 1, 2, 2, 3, 4, 5, 5, 6, 6]


def test_hj633_2026_is_known_but_not_entered(standards):
    assert standards.for_day(date(2026, 2, 28)).name == "HJ 633-2012"
    v2026 = standards.for_day(date(2026, 3, 1))
    assert v2026.name == "HJ 633-2026"
    assert v2026.standard is None, "2026 tables must only be added from the official text"
    assert standards.switch_date() == date(2026, 3, 1)
