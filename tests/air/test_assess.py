"""HJ 663-2013 daily and annual rules, on hand-made frames and on the shared city-daily file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cleanair.domain.air import assess
from cleanair.domain.air.importers import read_aqistudy

from tests.conftest import SHARED_DATA, require_shared


def _hours(station: str, day: str, n: int, **values: float) -> pd.DataFrame:
    """Hand-made hourly rows: `n` hours stamped 00:00 onwards with constant values."""
    times = pd.date_range(day, periods=n, freq="h")
    base = {"pm25": 40.0, "pm10": 60.0, "so2": 5.0, "no2": 30.0, "co": 0.8, "o3": 100.0}
    base.update(values)
    return pd.DataFrame({"station": station, "time": times, **{k: [v] * n for k, v in base.items()}})


def test_daily_mean_needs_20_hours(standards):
    frame = pd.concat([_hours("A", "2021-05-01", 20), _hours("B", "2021-05-01", 19)])
    daily = assess.daily_from_hourly(frame, standards.rules).set_index("station")
    assert daily.loc["A", "pm25"] == 40 and bool(daily.loc["A", "valid"])
    assert np.isnan(daily.loc["B", "pm25"]) and not bool(daily.loc["B", "valid"])


def test_natural_day_is_00_to_23_and_the_next_midnight_belongs_to_the_next_day(standards):
    frame = _hours("A", "2021-05-01", 25, pm25=40.0)
    frame.loc[24, "pm25"] = 400.0  # stamped 2021-05-02 00:00
    daily = assess.daily_from_hourly(frame, standards.rules)
    first = daily[daily["date"] == pd.Timestamp("2021-05-01")].iloc[0]
    assert first["pm25"] == 40


def test_o3_8h_windows_need_6_of_8_hours_and_14_windows(standards):
    frame = _hours("A", "2021-07-01", 24, o3=50.0)
    # A peak of 200 µg/m³ in hours 12–19 gives a max 8-h mean of 200.
    frame.loc[frame["time"].dt.hour.between(12, 19), "o3"] = 200.0
    daily = assess.daily_from_hourly(frame, standards.rules).iloc[0]
    assert daily["o3_8h"] == 200
    # Without hours 13 and 15 every window still has >= 6 values: 17 valid windows, and the
    # best one (12–19 without 13, 15) is still 200.
    two = frame.drop(frame.index[frame["time"].dt.hour.isin([13, 15])])
    assert assess.daily_from_hourly(two, standards.rules).iloc[0]["o3_8h"] == 200
    # Without 13, 15 and 17 only 13 windows keep 6 values and their max (125) is below 160:
    # the daily max 8-h O3 is not valid (HJ 663-2013 needs 14 windows).
    three = frame.drop(frame.index[frame["time"].dt.hour.isin([13, 15, 17])])
    d3 = assess.daily_from_hourly(three, standards.rules).iloc[0]
    assert np.isnan(d3["o3_8h"]) and not d3["valid"]


def test_daily_rounding_is_half_up():
    out = assess.round_daily(pd.DataFrame({"pm25": [34.5, 35.49], "co": [1.25, 1.349]}))
    assert list(out["pm25"]) == [35, 35] and list(out["co"]) == [1.3, 1.3]


def test_city_hourly_excludes_the_background_station():
    stations = pd.DataFrame({"code": ["BG", "S1", "S2"], "city": ["苏州"] * 3, "background": [True, False, False]})
    hourly = pd.concat([_hours("BG", "2021-01-01", 1, pm25=500.0), _hours("S1", "2021-01-01", 1, pm25=10.0),
                        _hours("S2", "2021-01-01", 1, pm25=20.0)])
    city = assess.city_hourly(hourly, stations)
    assert list(city["station"]) == ["苏州"] and city["pm25"].iloc[0] == 15


def test_completeness_rules(standards):
    rules = standards.rules
    full = pd.Series(pd.date_range("2019-01-01", "2019-12-31"))
    assert assess.completeness(full, rules, 2019)["complete"]
    # 26 days in January: incomplete even with 360 days in the year.
    jan26 = full[~full.isin(pd.date_range("2019-01-01", "2019-01-05"))]
    c = assess.completeness(jan26, rules, 2019)
    assert c["valid_days"] == 360 and c["months"][1] == 26 and not c["complete"]
    # February needs 25: 25 is enough.
    feb25 = full[~full.isin(pd.date_range("2019-02-01", "2019-02-03"))]
    assert assess.completeness(feb25, rules, 2019)["complete"]


def test_percentile_follows_hj663():
    # HJ 663: k = 1 + (n - 1) * p; for 1..10 and p = 0.95 -> k = 9.55 -> 9 + 0.55 = 9.55.
    assert assess._percentile(pd.Series(range(1, 11), dtype=float), 95) == pytest.approx(9.55)


@pytest.mark.shared
def test_annual_pm25_means_of_the_shared_city_file(standards):
    parsed = read_aqistudy(require_shared(SHARED_DATA / "city_daily" / "aqistudy_suzhou_2013-12_2019-06.csv"))
    daily = parsed.rows.copy()
    daily["aqi"] = daily["aqi_published"]
    daily["level"] = np.nan
    ann = assess.annual(daily, standards.rules).set_index("year")
    assert ann.loc[2014:2018, "pm25"].tolist() == [66.0, 57.3, 46.3, 42.0, 41.0]
    # 2015: January has only 26 valid days -> not a valid annual assessment.
    assert not ann.loc[2015, "complete"]
    assert ann.loc[2015, "completeness"]["pm25"]["months"][1] == 26
    assert ann.loc[2014, "complete"] and ann.loc[2016, "complete"]
    # The nine PM2.5 = 0 and PM10 = 0 placeholder days are missing, not clean air.
    assert ann.loc[2018, "valid_days"] == 365 - 5 and ann.loc[2017, "valid_days"] == 365 - 4
