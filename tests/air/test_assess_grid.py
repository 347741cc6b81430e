"""The grid-based daily values and the vectorised annual statistics give exactly what the
previous pandas implementations gave.

All fixtures are hand-made: seeded random hourly and daily frames (no published data) with
missing hours, missing whole days, days with 19 and 20 hours, days with 13 and 14 valid 8-h O3
windows, O3 peaks above 800 µg/m³, several stations and years. `_reference_*` below are copies
of assess.py before the rewrite (renamed, docstrings dropped, lines rewrapped), so the
comparison stays meaningful when assess.py changes again.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from cleanair.domain.air import assess
from cleanair.domain.air.standards import POLLUTANTS, Rules

# --- Reference: assess.py before the grid rewrite -------------------------------------------

DAILY_COLUMNS = ["pm25", "pm10", "so2", "no2", "co", "o3_8h"]
ANNUAL_POLLUTANTS = ("pm25", "pm10", "so2", "no2", "co", "o3_8h")


def _reference_round_half_up(values: pd.Series | np.ndarray, digits: int = 0) -> np.ndarray:
    f = 10.0**digits
    v = np.asarray(values, dtype="float64")
    return np.floor(v * f + 0.5 + 1e-9) / f


def _reference_round_daily(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in DAILY_COLUMNS:
        if col in out:
            out[col] = _reference_round_half_up(out[col], 1 if col == "co" else 0)
    return out


def _reference_daily_from_hourly(hourly: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    if hourly.empty:
        return pd.DataFrame(columns=["station", "date", *DAILY_COLUMNS, "hours_pm25", "valid"])
    h = hourly[["station", "time", *POLLUTANTS]].copy()
    h["date"] = h["time"].dt.normalize()
    grouped = h.groupby(["station", "date"], sort=True)
    means = grouped[["pm25", "pm10", "so2", "no2", "co"]].mean()
    counts = grouped[["pm25", "pm10", "so2", "no2", "co"]].count()
    means = means.where(counts >= rules.daily_min_hours)
    o3 = _reference_daily_max_o3_8h(h, rules)
    out = means.join(o3, how="left")
    out["hours_pm25"] = counts["pm25"]
    out = out.reset_index()
    out = _reference_round_daily(out)
    out["valid"] = out[DAILY_COLUMNS].notna().all(axis=1)
    return out


def _reference_daily_max_o3_8h(h: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    wide = h.pivot_table(index="time", columns="station", values="o3", aggfunc="mean", dropna=False)
    if wide.empty:
        return pd.DataFrame(columns=["o3_8h", "o3_1h_max"])
    full = pd.date_range(wide.index.min().normalize(),
                         wide.index.max().normalize() + pd.Timedelta(hours=23), freq="h")
    wide = wide.reindex(full)
    rolled = wide.rolling(8, min_periods=rules.o3_8h_min_hours).mean()
    rolled = rolled[rolled.index.hour >= 7]
    day = rolled.index.normalize()
    mx = rolled.groupby(day).max()
    n = rolled.groupby(day).count()
    ok = (n >= rules.o3_daily_min_windows) | (mx > rules.o3_8h_limit)
    mx = mx.where(ok)
    max1h = wide.groupby(wide.index.normalize()).max()
    o3 = mx.stack(future_stack=True).rename("o3_8h").to_frame()
    o3["o3_1h_max"] = max1h.stack(future_stack=True)
    o3.index = o3.index.set_names(["date", "station"])
    return o3.swaplevel().sort_index()


def _reference_percentile(values: pd.Series, p: float) -> float:
    v = values.dropna().to_numpy()
    return float(np.percentile(v, p)) if len(v) else float("nan")


def _reference_completeness(dates: pd.Series, rules: Rules, year: int) -> dict:
    d = pd.to_datetime(dates)
    months = d.dt.month.value_counts().reindex(range(1, 13), fill_value=0)
    months_ok = all(
        months[m] >= (rules.february_min_days if m == 2 else rules.month_min_days)
        for m in range(1, 13)
    )
    n = len(d)
    return {"valid_days": n, "months": {int(m): int(c) for m, c in months.items()},
            "complete": bool(n >= rules.annual_min_days and months_ok)}


def _reference_annual(daily: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    rows = []
    if daily.empty:
        return pd.DataFrame(rows)
    d = daily.copy()
    d["date"] = pd.to_datetime(d["date"])
    d["year"] = d["date"].dt.year
    for (station, year), g in d.groupby(["station", "year"], sort=True):
        comp = {p: _reference_completeness(g.loc[g[p].notna(), "date"], rules, year)
                for p in ANNUAL_POLLUTANTS}
        aqi = g["aqi"].dropna()
        levels = g["level"].dropna().astype(int).value_counts()
        row = {
            "station": station,
            "year": int(year),
            "pm25": _reference_mean(g["pm25"]),
            "pm10": _reference_mean(g["pm10"]),
            "so2": _reference_mean(g["so2"]),
            "no2": _reference_mean(g["no2"]),
            "co_p95": _reference_round(_reference_percentile(g["co"], rules.co_percentile), 2),
            "o3_8h_p90": _reference_round(
                _reference_percentile(g["o3_8h"], rules.o3_percentile), 1),
            "aqi_days": len(aqi),
            "good_days": int((aqi <= rules.good_aqi_at_most).sum()),
            "good_days_ratio": _reference_round(float((aqi <= rules.good_aqi_at_most).mean()), 4)
            if len(aqi) else None,
            "heavy_days": int((aqi > rules.heavy_aqi_above).sum()),
            "level_days": {int(k): int(v) for k, v in sorted(levels.items())},
            "valid_days": comp["pm25"]["valid_days"],
            "complete": comp["pm25"]["complete"],
            "completeness": comp,
            "first_date": g["date"].min().date(),
            "last_date": g["date"].max().date(),
        }
        rows.append(row)
    return pd.DataFrame(rows)


def _reference_round(value: float, digits: int) -> float | None:
    if value is None or np.isnan(value):
        return None
    return float(_reference_round_half_up(np.array([value]), digits)[0])


def _reference_mean(values: pd.Series) -> float | None:
    v = values.dropna()
    return _reference_round(float(v.mean()), 1) if len(v) else None


# --- Hand-made fixtures ----------------------------------------------------------------------

STATIONS = ["1001A", "1002A", "1003A", "1004A"]
# Missing O3 hours and the number of valid 8-h windows they leave (checked in a test below).
O3_GAPS = {13: [13, 15, 17], 14: [13, 15, 18], 17: [13, 15]}


def _valid_windows(missing: list[int]) -> int:
    """By hand: window k covers hours k..k+7 and needs 6 of its 8 values."""
    return sum(sum(k <= m <= k + 7 for m in missing) <= 2 for k in range(17))


def _random_hourly(seed: int, *, decimals: bool = False, days: int = 40) -> pd.DataFrame:
    """Hourly rows for four stations over two stretches of `days` days (across a new year, and
    a later year), with every kind of gap HJ 663 cares about."""
    rng = np.random.default_rng(seed)
    times = pd.DatetimeIndex(np.concatenate([
        pd.date_range("2020-12-10", periods=days * 24, freq="h").to_numpy(),
        pd.date_range("2022-06-01", periods=days * 24, freq="h").to_numpy(),
    ]))
    n = len(times)
    frames = []
    for station in STATIONS:
        v = {"pm25": rng.gamma(2.0, 20.0, n), "pm10": rng.gamma(2.0, 35.0, n),
             "so2": rng.gamma(2.0, 4.0, n), "no2": rng.gamma(2.0, 15.0, n),
             "co": rng.gamma(4.0, 0.2, n), "o3": rng.gamma(2.0, 45.0, n)}
        if not decimals:  # as published: whole µg/m³, CO to 0.1 mg/m³
            v = {k: np.round(a, 1 if k == "co" else 0) for k, a in v.items()}
        frame = pd.DataFrame({"station": station, "time": times, **v})
        for p in POLLUTANTS:
            frame.loc[rng.random(n) < 0.06, p] = np.nan
        frames.append(frame)
    h = pd.concat(frames, ignore_index=True)
    day = h["time"].dt.normalize()
    hour = h["time"].dt.hour
    all_days = day.drop_duplicates().sort_values().to_numpy()
    drop = np.zeros(len(h), dtype=bool)
    for i, station in enumerate(STATIONS):
        at = (h["station"] == station).to_numpy()
        picks = rng.choice(all_days, size=12, replace=False)
        # Whole days missing, days with exactly 19 and 20 hours, O3 with 13/14/17 windows.
        drop |= at & day.isin(picks[:2]).to_numpy()
        drop |= at & (day == picks[2]).to_numpy() & (hour >= 19).to_numpy()
        drop |= at & (day == picks[3]).to_numpy() & (hour >= 20).to_numpy()
        for j, gaps in enumerate(O3_GAPS.values()):
            for peak, pick in ((False, picks[4 + 2 * j]), (True, picks[5 + 2 * j])):
                sel = at & (day == pick).to_numpy()
                h.loc[sel, "o3"] = h.loc[sel, "o3"].fillna(90.0)
                h.loc[sel & hour.isin(gaps).to_numpy(), "o3"] = np.nan
                if peak:  # above 800 µg/m³ (the 1-h fallback in HJ 633) and above 160
                    h.loc[sel & hour.between(9, 18).to_numpy() & h["o3"].notna().to_numpy(),
                          "o3"] = 820.0 + 10 * i
        drop |= at & (day == picks[10]).to_numpy() & (rng.random(len(h)) < 0.5)
    # Single hours lost here and there.
    drop |= rng.random(len(h)) < 0.03
    return h[~drop].reset_index(drop=True)


def _random_daily(seed: int, *, decimals: bool) -> pd.DataFrame:
    """Daily rows for three stations and three years: whole years, months one day short of
    HJ 663's minimum, missing values, AQI and levels."""
    rng = np.random.default_rng(seed)
    frames = []
    for station in STATIONS[:3]:
        for year in (2019, 2020, 2021):
            dates = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
            keep = rng.random(len(dates)) > rng.choice([0.0, 0.02, 0.2])
            if rng.random() < 0.5:  # January with 26 valid days, or February with 24
                month, left = (1, 26) if rng.random() < 0.5 else (2, 24)
                in_month = np.flatnonzero(dates.month == month)
                keep[in_month] = False
                keep[in_month[:left]] = True
            dates = dates[keep]
            n = len(dates)
            v = {"pm25": rng.gamma(2.0, 20.0, n), "pm10": rng.gamma(2.0, 35.0, n),
                 "so2": rng.gamma(2.0, 4.0, n), "no2": rng.gamma(2.0, 15.0, n),
                 "co": rng.gamma(4.0, 0.2, n), "o3_8h": rng.gamma(2.0, 50.0, n)}
            if not decimals:
                v = {k: np.round(a, 1 if k == "co" else 0) for k, a in v.items()}
            frame = pd.DataFrame({"station": station, "date": dates, **v})
            for p in ANNUAL_POLLUTANTS:
                frame.loc[rng.random(n) < 0.03, p] = np.nan
            # One clean year: no days of level 4 and above.
            top = 140 if (station, year) == (STATIONS[1], 2020) else 420
            aqi = rng.integers(15, top, n).astype(float)
            aqi[rng.random(n) < 0.05] = np.nan
            frame["aqi"] = aqi
            frame["level"] = np.clip(np.ceil(aqi / 50), 1, 6)
            frames.append(frame)
    daily = pd.concat(frames, ignore_index=True)
    # Rows in no particular order, as a database may return them.
    return daily.iloc[rng.permutation(len(daily))].reset_index(drop=True)


# --- Daily values ------------------------------------------------------------------------------


def test_the_fixture_has_the_cases_it_claims(standards):
    assert {k: _valid_windows(v) for k, v in O3_GAPS.items()} == {13: 13, 14: 14, 17: 17}
    ref = _reference_daily_from_hourly(_random_hourly(1), standards.rules)
    assert ((ref["hours_pm25"] == 19) & ref["pm25"].isna()).any()
    assert ((ref["hours_pm25"] == 20) & ref["pm25"].notna()).any()
    assert (ref["o3_8h"] > 800).any() and (ref["o3_1h_max"] >= 820).any()
    assert ref["o3_8h"].isna().any() and ref["valid"].any() and not ref["valid"].all()
    assert ref["date"].dt.year.nunique() == 3 and ref["station"].nunique() == len(STATIONS)


@pytest.mark.parametrize("seed, decimals, shuffled", [
    (1, False, False), (2, False, True), (3, True, False), (4, True, True),
])
def test_daily_from_hourly_equals_the_previous_implementation(standards, seed, decimals, shuffled):
    hourly = _random_hourly(seed, decimals=decimals)
    if shuffled:
        hourly = hourly.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    expected = _reference_daily_from_hourly(hourly, standards.rules)
    got = assess.daily_from_hourly(hourly, standards.rules)
    pd.testing.assert_frame_equal(got, expected, check_dtype=True, check_exact=True)


def test_daily_o3_window_rules_on_the_fixture_days(standards):
    """13 windows: not valid unless the max is above 160; 14 windows: valid."""
    rules = standards.rules
    day = pd.Timestamp("2021-03-01")
    frames = []
    for name, gaps in O3_GAPS.items():
        for peak in (False, True):
            times = pd.date_range(day, periods=24, freq="h")
            o3 = np.where(np.isin(times.hour, gaps), np.nan, 100.0)
            if peak:
                o3[(times.hour >= 9) & (times.hour <= 18) & ~np.isnan(o3)] = 850.0
            frames.append(pd.DataFrame({"station": f"{name}{'p' if peak else ''}", "time": times,
                                        "pm25": 40.0, "pm10": 60.0, "so2": 5.0, "no2": 30.0,
                                        "co": 0.8, "o3": o3}))
    hourly = pd.concat(frames, ignore_index=True)
    got = assess.daily_from_hourly(hourly, rules).set_index("station")
    pd.testing.assert_frame_equal(got.reset_index(), _reference_daily_from_hourly(hourly, rules))
    assert np.isnan(got.loc["13", "o3_8h"]) and not got.loc["13", "valid"]
    assert got.loc["14", "o3_8h"] == 100 and got.loc["17", "o3_8h"] == 100
    # With the peak, even 13 windows give a valid maximum: 850 over all 8 hours 10..17 ending 17.
    assert got.loc["13p", "o3_8h"] == 850 and got.loc["13p", "o3_1h_max"] == 850


@pytest.mark.parametrize("dtype", ["datetime64[ns]", "datetime64[us]", "tz"])
def test_daily_from_hourly_keeps_the_time_dtype(standards, dtype):
    hourly = _random_hourly(5, days=8)
    hourly["station"] = hourly["station"].astype(object)
    if dtype == "tz":
        hourly["time"] = hourly["time"].dt.tz_localize("Asia/Shanghai")
    else:
        hourly["time"] = hourly["time"].astype(dtype)
    expected = _reference_daily_from_hourly(hourly, standards.rules)
    got = assess.daily_from_hourly(hourly, standards.rules)
    pd.testing.assert_frame_equal(got, expected, check_dtype=True, check_exact=True)


def test_daily_from_hourly_of_nothing_is_unchanged(standards):
    empty = pd.DataFrame(columns=["station", "time", *POLLUTANTS])
    pd.testing.assert_frame_equal(assess.daily_from_hourly(empty, standards.rules),
                                  _reference_daily_from_hourly(empty, standards.rules))


def test_duplicate_station_hours_are_averaged_first(standards):
    """Documented difference: the previous code counted a repeated station-hour twice."""
    times = pd.date_range("2021-05-01", periods=20, freq="h")
    hourly = pd.DataFrame({"station": "A", "time": times, **{p: 20.0 for p in POLLUTANTS}})
    twice = hourly.iloc[[3]].assign(pm25=40.0)
    hourly.loc[3, "pm25"] = 0.0
    got = assess.daily_from_hourly(pd.concat([hourly, twice], ignore_index=True), standards.rules)
    assert got.loc[0, "hours_pm25"] == 20 and got.loc[0, "pm25"] == 20


def _grid(hourly: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The (n, 6, 24) grid of an hourly frame, built the slow obvious way."""
    h = hourly.assign(date=hourly["time"].dt.normalize(), hour=hourly["time"].dt.hour)
    keys = h[["station", "date"]].drop_duplicates().sort_values(["station", "date"])
    keys = keys.reset_index(drop=True)
    row = pd.Series(np.arange(len(keys)), index=pd.MultiIndex.from_frame(keys))
    grid = np.full((len(keys), len(POLLUTANTS), 24), np.nan)
    r = row.loc[list(zip(h["station"], h["date"]))].to_numpy()
    for i, p in enumerate(POLLUTANTS):
        grid[r, i, h["hour"].to_numpy()] = h[p].to_numpy()
    return keys, grid


def test_daily_from_grid_equals_the_previous_daily_values(standards):
    hourly = _random_hourly(6)
    keys, grid = _grid(hourly)
    expected = _reference_daily_from_hourly(hourly, standards.rules)
    got = assess.daily_from_grid(grid, standards.rules)
    assert list(got.columns) == [*DAILY_COLUMNS, "o3_1h_max", "hours_pm25", "valid"]
    assert isinstance(got.index, pd.RangeIndex)
    pd.testing.assert_frame_equal(keys, expected[["station", "date"]], check_dtype=False)
    pd.testing.assert_frame_equal(got, expected.drop(columns=["station", "date"]),
                                  check_dtype=True, check_exact=True)
    # Rows come back in input order.
    reversed_ = assess.daily_from_grid(grid[::-1], standards.rules)
    pd.testing.assert_frame_equal(reversed_, got.iloc[::-1].reset_index(drop=True))


def test_daily_from_grid_by_hand(standards):
    grid = np.full((2, 6, 24), np.nan)
    grid[0, 0, :20] = [34.0] * 10 + [35.0] * 10  # mean 34.5: half up to 35 (numpy would say 34)
    grid[0, 1:4, :] = 10.0
    grid[0, 4, :] = [1.2] * 12 + [1.3] * 12  # mean 1.25 mg/m³ -> 1.3
    grid[0, 5, :] = 50.0
    grid[0, 5, 12:20] = 200.0  # hours 12..19: max 8-h mean 200
    grid[1, 0, :19] = 40.0  # 19 hours: not a valid daily mean
    out = assess.daily_from_grid(grid, standards.rules)
    first = out.loc[0, ["pm25", "pm10", "co", "o3_8h", "o3_1h_max"]].tolist()
    assert first == [35, 10, 1.3, 200, 200]
    assert out.loc[0, "hours_pm25"] == 20 and out.loc[0, "valid"]
    assert np.isnan(out.loc[1, "pm25"]) and out.loc[1, "hours_pm25"] == 19
    assert np.isnan(out.loc[1, "o3_8h"]) and np.isnan(out.loc[1, "o3_1h_max"])
    assert not out.loc[1, "valid"]


def test_unrounded_daily_means_equal_a_groupby_mean_to_the_last_bit():
    """The compensated sums are pandas' own, so a mean never rounds differently."""
    rng = np.random.default_rng(31)
    values = rng.gamma(2.0, 0.4, (24, 5, 300))
    values[rng.random(values.shape) < 0.1] = np.nan
    values[:, :, :20] = 0.1  # equal values: pandas has a shortcut there
    means, counts = assess._kahan_means(values)
    long = pd.DataFrame(values.transpose(2, 0, 1).reshape(-1, 5))
    expected = long.groupby(np.repeat(np.arange(300), 24)).mean().to_numpy().T
    assert np.array_equal(means, expected, equal_nan=True)
    assert np.array_equal(counts, (~np.isnan(values)).sum(axis=0))


def test_daily_from_grid_of_no_days_and_of_empty_days_warns_nothing(standards):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        none = assess.daily_from_grid(np.empty((0, 6, 24)), standards.rules)
        blank = assess.daily_from_grid(np.full((3, 6, 24), np.nan), standards.rules)
    assert len(none) == 0
    assert list(none.columns) == [*DAILY_COLUMNS, "o3_1h_max", "hours_pm25", "valid"]
    assert none.dtypes.tolist() == [np.float64] * 7 + [np.int64, np.bool_]
    assert blank[[*DAILY_COLUMNS, "o3_1h_max"]].isna().all().all()
    assert blank["hours_pm25"].tolist() == [0, 0, 0] and not blank["valid"].any()
    with pytest.raises(ValueError):
        assess.daily_from_grid(np.zeros((2, 24, 6)), standards.rules)


# --- Annual statistics -------------------------------------------------------------------------


@pytest.mark.parametrize("seed, decimals", [(11, False), (12, True), (13, True)])
def test_annual_equals_the_previous_implementation(standards, seed, decimals):
    daily = _random_daily(seed, decimals=decimals)
    expected = _reference_annual(daily, standards.rules)
    got = assess.annual(daily, standards.rules)
    pd.testing.assert_frame_equal(got, expected, check_dtype=True, check_exact=True)
    # The fixture has both kinds of year, and one number checked by hand.
    assert expected["complete"].any() and not expected["complete"].all()
    assert {len(days) for days in expected["level_days"]} == {3, 6}
    first = daily[(daily["station"] == STATIONS[0]) & (daily["date"].dt.year == 2019)]
    assert got.loc[0, "pm25"] == np.floor(first["pm25"].mean() * 10 + 0.5) / 10
    assert got.loc[0, "aqi_days"] == first["aqi"].notna().sum()


def test_annual_of_daily_values_from_hourly_data(standards):
    daily = _reference_daily_from_hourly(_random_hourly(7), standards.rules)
    rng = np.random.default_rng(7)
    daily["aqi"] = np.where(daily["valid"], rng.integers(20, 320, len(daily)), np.nan)
    daily["level"] = np.nan  # as for a city-daily file without levels
    daily["date"] = daily["date"].dt.date  # as read back from the database
    pd.testing.assert_frame_equal(assess.annual(daily, standards.rules),
                                  _reference_annual(daily, standards.rules),
                                  check_dtype=True, check_exact=True)


def test_annual_of_nothing_is_unchanged(standards):
    empty = pd.DataFrame(columns=["station", "date", *ANNUAL_POLLUTANTS, "aqi", "level"])
    pd.testing.assert_frame_equal(assess.annual(empty, standards.rules),
                                  _reference_annual(empty, standards.rules))


def test_percentiles_equal_numpy_to_the_last_bit():
    rng = np.random.default_rng(21)
    for n in (1, 2, 3, 10, 11, 29, 365, 366):
        v = pd.Series(rng.gamma(2.0, 0.4, n))
        v[rng.random(n) < 0.1] = np.nan
        for p in (0, 33.3, 50, 90, 95, 100):
            got, expected = assess._percentile(v, p), _reference_percentile(v, p)
            assert got == expected or (np.isnan(got) and np.isnan(expected)), (n, p)
    assert np.isnan(assess._percentile(pd.Series([np.nan]), 95))


def test_completeness_equals_the_previous_implementation(standards):
    rng = np.random.default_rng(22)
    dates = pd.Series(pd.date_range("2020-01-01", "2020-12-31"))
    for _ in range(20):
        some = dates[rng.random(len(dates)) > rng.choice([0.0, 0.05, 0.12])]
        assert assess.completeness(some, standards.rules, 2020) == \
            _reference_completeness(some, standards.rules, 2020)
