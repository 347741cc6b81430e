"""HJ 663-2013 assessment: daily values from hourly data, city means, annual statistics.

Natural day: the hourly value stamped hh:00 is the mean of the hour *ending* at hh:00. The
publisher's 24-h moving mean at 23:00 equals the mean of the values stamped 00:00–23:00 of the
same day (checked on 2022-01-04 for all seven reporting stations), so a day is the 24 values
stamped 00:00–23:00. The same convention is used for the 8-h O3 windows: the 17 windows ending
at 07:00–23:00 lie wholly inside the day.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .aqi import daily_aqi
from .standards import POLLUTANTS, Rules, Standard

DAILY_COLUMNS = ["pm25", "pm10", "so2", "no2", "co", "o3_8h"]
ANNUAL_POLLUTANTS = ("pm25", "pm10", "so2", "no2", "co", "o3_8h")


def round_half_up(values: pd.Series | np.ndarray, digits: int = 0) -> np.ndarray:
    """Round half away from zero (HJ 663 rounding; numpy's round is half-to-even)."""
    f = 10.0**digits
    v = np.asarray(values, dtype="float64")
    return np.floor(v * f + 0.5 + 1e-9) / f


def round_daily(frame: pd.DataFrame) -> pd.DataFrame:
    """Daily concentrations as published: µg/m³ to whole numbers, CO (mg/m³) to one decimal."""
    out = frame.copy()
    for col in DAILY_COLUMNS:
        if col in out:
            out[col] = round_half_up(out[col], 1 if col == "co" else 0)
    return out


def daily_from_hourly(hourly: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """One row per (station, date): 24-h means, daily max 8-h O3, valid-hour counts.

    `hourly` has columns station, time, pm25, pm10, so2, no2, co, o3. A mean with fewer than
    `rules.daily_min_hours` values is NaN (not valid), never a partial mean.
    """
    if hourly.empty:
        return pd.DataFrame(columns=["station", "date", *DAILY_COLUMNS, "hours_pm25", "valid"])
    h = hourly[["station", "time", *POLLUTANTS]].copy()
    h["date"] = h["time"].dt.normalize()
    grouped = h.groupby(["station", "date"], sort=True)
    means = grouped[["pm25", "pm10", "so2", "no2", "co"]].mean()
    counts = grouped[["pm25", "pm10", "so2", "no2", "co"]].count()
    means = means.where(counts >= rules.daily_min_hours)
    o3 = _daily_max_o3_8h(h, rules)
    out = means.join(o3, how="left")
    out["hours_pm25"] = counts["pm25"]
    out = out.reset_index()
    out = round_daily(out)
    out["valid"] = out[DAILY_COLUMNS].notna().all(axis=1)
    return out


def _daily_max_o3_8h(h: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    wide = h.pivot_table(index="time", columns="station", values="o3", aggfunc="mean", dropna=False)
    if wide.empty:
        return pd.DataFrame(columns=["o3_8h", "o3_1h_max"])
    full = pd.date_range(wide.index.min().normalize(), wide.index.max().normalize() + pd.Timedelta(hours=23),
                         freq="h")
    wide = wide.reindex(full)
    rolled = wide.rolling(8, min_periods=rules.o3_8h_min_hours).mean()
    # Only windows ending 07:00–23:00 lie inside the natural day.
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


def city_hourly(hourly: pd.DataFrame, stations: pd.DataFrame) -> pd.DataFrame:
    """Hourly city means over the city's evaluation stations (background stations excluded).

    `stations` has columns code, city, background. The result uses the city name as `station`.
    """
    evaluation = stations.loc[~stations["background"].astype(bool), ["code", "city"]]
    merged = hourly.merge(evaluation, left_on="station", right_on="code", how="inner")
    if merged.empty:
        return pd.DataFrame(columns=["station", "time", *POLLUTANTS])
    out = merged.groupby(["city", "time"], sort=True)[list(POLLUTANTS)].mean().reset_index()
    return out.rename(columns={"city": "station"})


def add_daily_aqi(daily: pd.DataFrame, standard: Standard) -> pd.DataFrame:
    """Recomputed daily AQI, level and primary pollutants (only for days with all six values)."""
    res = daily_aqi(daily, standard)
    out = daily.copy()
    out["aqi"] = res["aqi"].where(daily["valid"].astype(bool))
    out["level"] = res["level"].where(daily["valid"].astype(bool))
    out["primary"] = res["primary"].where(daily["valid"].astype(bool), "")
    return out


def _percentile(values: pd.Series, p: float) -> float:
    """HJ 663 percentile: k = 1 + (n-1)·p/100 with linear interpolation (numpy's 'linear')."""
    v = values.dropna().to_numpy()
    return float(np.percentile(v, p)) if len(v) else float("nan")


def completeness(dates: pd.Series, rules: Rules, year: int) -> dict:
    """Valid days in the year and per month, and whether the year is a valid annual assessment."""
    d = pd.to_datetime(dates)
    months = d.dt.month.value_counts().reindex(range(1, 13), fill_value=0)
    months_ok = all(
        months[m] >= (rules.february_min_days if m == 2 else rules.month_min_days) for m in range(1, 13)
    )
    n = len(d)
    return {"valid_days": n, "months": {int(m): int(c) for m, c in months.items()},
            "complete": bool(n >= rules.annual_min_days and months_ok)}


def annual(daily: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Annual statistics per (station, year) from daily rows (station, date, pollutants, aqi, level).

    Means of valid daily values for PM2.5, PM10, SO2, NO2; CO 95th and O3-8h 90th percentiles;
    good-day ratio, heavy-pollution days and days per level from the daily AQI; completeness
    per pollutant. An incomplete year keeps its values and has complete = False.
    """
    rows = []
    if daily.empty:
        return pd.DataFrame(rows)
    d = daily.copy()
    d["date"] = pd.to_datetime(d["date"])
    d["year"] = d["date"].dt.year
    for (station, year), g in d.groupby(["station", "year"], sort=True):
        comp = {p: completeness(g.loc[g[p].notna(), "date"], rules, year) for p in ANNUAL_POLLUTANTS}
        aqi = g["aqi"].dropna()
        levels = g["level"].dropna().astype(int).value_counts()
        row = {
            "station": station,
            "year": int(year),
            "pm25": _mean(g["pm25"]),
            "pm10": _mean(g["pm10"]),
            "so2": _mean(g["so2"]),
            "no2": _mean(g["no2"]),
            "co_p95": _round(_percentile(g["co"], rules.co_percentile), 2),
            "o3_8h_p90": _round(_percentile(g["o3_8h"], rules.o3_percentile), 1),
            "aqi_days": len(aqi),
            "good_days": int((aqi <= rules.good_aqi_at_most).sum()),
            "good_days_ratio": _round(float((aqi <= rules.good_aqi_at_most).mean()), 4) if len(aqi) else None,
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


def _round(value: float, digits: int) -> float | None:
    if value is None or np.isnan(value):
        return None
    return float(round_half_up(np.array([value]), digits)[0])


def _mean(values: pd.Series) -> float | None:
    v = values.dropna()
    return _round(float(v.mean()), 1) if len(v) else None


def monthly(daily: pd.DataFrame) -> pd.DataFrame:
    """Monthly mean PM2.5 and days per level, for the history charts."""
    if daily.empty:
        return pd.DataFrame(columns=["month", "pm25", "days", "good_days", "heavy_days"])
    d = daily.copy()
    d["month"] = pd.to_datetime(d["date"]).dt.to_period("M").astype(str)
    g = d.groupby("month", sort=True)
    out = pd.DataFrame({
        "pm25": g["pm25"].mean().map(lambda v: _round(v, 1)),
        "pm25_days": g["pm25"].count(),
        "aqi_days": g["aqi"].count(),
        "good_days": g["aqi"].apply(lambda a: int((a <= 100).sum())),
        "heavy_days": g["aqi"].apply(lambda a: int((a > 200).sum())),
    }).reset_index()
    return out
