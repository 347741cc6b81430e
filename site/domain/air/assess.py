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

    `hourly` has columns station, time, pm25, pm10, so2, no2, co, o3, with times on the hour. A
    mean with fewer than `rules.daily_min_hours` values is NaN (not valid), never a partial mean.
    Rows sharing a station and hour are averaged into one hourly value first (importers write one
    row per station-hour); rows without a station or time are left out.
    """
    if hourly.empty:
        return pd.DataFrame(columns=["station", "date", *DAILY_COLUMNS, "hours_pm25", "valid"])
    stations, dates, by_hour = _hour_major_from_hourly(hourly)
    out = _daily_from_hour_major(by_hour, rules)
    out.insert(0, "date", dates)
    out.insert(0, "station", stations)
    return out


def daily_from_grid(grid: np.ndarray, rules: Rules) -> pd.DataFrame:
    """Daily values from a (n, 6, 24) grid: station-days × `POLLUTANTS` × hours 00..23, NaN missing.

    Returns n rows in input order (RangeIndex) with pm25, pm10, so2, no2, co, o3_8h, o3_1h_max,
    hours_pm25 and valid: the values `daily_from_hourly` gives for the same station-day.
    """
    g = np.asarray(grid, dtype="float64")
    if g.ndim != 3 or g.shape[1:] != (len(POLLUTANTS), 24):
        raise ValueError(f"grid must have shape (n, {len(POLLUTANTS)}, 24), got {g.shape}")
    return _daily_from_hour_major(_hour_major(g), rules)


def _daily_from_hour_major(by_hour: np.ndarray, rules: Rules) -> pd.DataFrame:
    """`daily_from_grid` on the hour-major (24, 6, n) layout."""
    means, counts = _kahan_means(by_hour[:, :5, :])
    means[counts < rules.daily_min_hours] = np.nan
    o3_8h, o3_1h_max = _o3_daily(by_hour[:, 5, :], rules)
    daily = np.concatenate([means, o3_8h[None, :]])
    for i, col in enumerate(DAILY_COLUMNS):
        daily[i] = round_half_up(daily[i], 1 if col == "co" else 0)
    out = pd.DataFrame(dict(zip(DAILY_COLUMNS, daily)))
    out["o3_1h_max"] = o3_1h_max
    out["hours_pm25"] = counts[0].astype("int64")
    out["valid"] = ~np.isnan(daily).any(axis=0)
    return out


def _hour_major_from_hourly(hourly: pd.DataFrame) -> tuple[pd.Index, pd.Index, np.ndarray]:
    """Station and date of each station-day in groupby (station, date) order, and their values
    as a (24, 6, n) hour-major grid."""
    s_codes, stations = _sorted_codes(hourly["station"])
    d_codes, dates, hour = _day_codes(hourly["time"])
    keep = (s_codes >= 0) & (d_codes >= 0)
    values = hourly[list(POLLUTANTS)].to_numpy(dtype="float64", na_value=np.nan)
    if not keep.all():
        s_codes, d_codes, hour, values = s_codes[keep], d_codes[keep], hour[keep], values[keep]
    n_dates = len(dates)
    key = s_codes * n_dates + d_codes
    if len(stations) * n_dates <= max(4 * len(key), 1 << 20):
        seen = np.zeros(len(stations) * n_dates, dtype=bool)
        seen[key] = True
        day_keys = np.flatnonzero(seen)
        row = (np.cumsum(seen) - 1)[key]
    else:  # a sparse (station, date) table: sort instead
        day_keys, row = np.unique(key, return_inverse=True)
        row = row.reshape(-1)
    n = len(day_keys)
    by_hour = np.full((24, len(POLLUTANTS), n), np.nan)
    cell = hour * n + row
    if len(cell) and np.bincount(cell, minlength=24 * n).max() > 1:
        present = ~np.isnan(values)
        filled = np.where(present, values, 0.0)
        for i in range(len(POLLUTANTS)):
            sums = np.bincount(cell, weights=filled[:, i], minlength=24 * n)
            counts = np.bincount(cell, weights=present[:, i], minlength=24 * n)
            with np.errstate(invalid="ignore", divide="ignore"):
                by_hour[:, i, :] = (sums / counts).reshape(24, n)
    else:
        by_hour[hour, :, row] = values
    return stations.take(day_keys // n_dates), dates.take(day_keys % n_dates), by_hour


def _sorted_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes numbering the distinct values in sorted order, as a sorted groupby does (-1 missing).

    Hashes the plain values, then groups only one row per distinct value, so the order and the
    key dtype (object strings become str) are the groupby's: a groupby on the whole string column
    is about three times slower.
    """
    codes, uniques = pd.factorize(values.to_numpy(), sort=False)
    present = np.flatnonzero(codes >= 0)
    first = np.zeros(len(uniques), dtype="int64")
    first[codes[present[::-1]]] = present[::-1]
    sample = values.iloc[first].reset_index(drop=True)
    grouped = sample.groupby(sample, sort=True)
    rank = grouped.ngroup().to_numpy(dtype="int64")
    sorted_codes = np.full(len(codes), -1, dtype="int64")
    sorted_codes[present] = rank[codes[present]]
    return sorted_codes, grouped.size().index


def _day_codes(time: pd.Series) -> tuple[np.ndarray, pd.Index, np.ndarray]:
    """Day codes in date order (-1 for NaT), the dates (midnights in the time column's dtype)
    and each time's hour."""
    t = time.to_numpy() if isinstance(time.dtype, np.dtype) and time.dtype.kind == "M" else None
    if t is not None and not np.isnat(t).all():  # tz-naive: integer arithmetic on the stamps
        ok = ~np.isnat(t)
        unit, count = np.datetime_data(t.dtype)
        per_day = int(np.timedelta64(1, "D") // np.timedelta64(count, unit))
        i8 = t.view("int64")
        day = np.where(ok, i8 // per_day, 0)
        hour = (i8 - day * per_day) // (per_day // 24)
        first = day[ok].min()
        span = day[ok].max() - first + 1
        if span <= max(4 * len(t), 1 << 20):
            seen = np.zeros(span, dtype=bool)
            seen[day[ok] - first] = True
            code = np.where(ok, (np.cumsum(seen) - 1)[np.where(ok, day - first, 0)], -1)
            midnights = (np.flatnonzero(seen) + first) * per_day
            return code, pd.DatetimeIndex(midnights.view(t.dtype)), hour
    # Time zones and other dtypes: pandas does the calendar arithmetic.
    code, dates = pd.factorize(time.dt.normalize(), sort=True)
    return code.astype("int64"), dates, time.dt.hour.to_numpy(dtype="int64", na_value=0)


def _hour_major(grid: np.ndarray) -> np.ndarray:
    """(n, 6, 24) -> contiguous (24, 6, n): every per-hour and per-window slice is contiguous.

    Copied in blocks of rows that stay in cache: about three times faster than one transpose.
    """
    out = np.empty(grid.shape[::-1])
    for i in range(0, len(grid), 256):
        out[:, :, i:i + 256] = grid[i:i + 256].transpose(2, 1, 0)
    return out


def _kahan_means(by_hour: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Means and value counts over the first (hour) axis, NaN-skipping, as pandas' groupby mean.

    groupby adds a time-sorted frame's rows hour by hour with compensated (Kahan) summation;
    doing the same gives the same sums to the last bit, so no mean lands on the other side of a
    half-up rounding.
    """
    hours, shape = by_hour.shape[0], by_hour.shape[1:]
    size = int(np.prod(shape))
    missing = np.isnan(by_hour)
    counts = hours - missing.sum(axis=0)
    # Few values are missing: update everything, then put back the state at the missing ones.
    gaps = np.flatnonzero(missing)
    gap_bounds = np.searchsorted(gaps, np.arange(hours + 1) * size)
    sums, comp = np.zeros(shape), np.zeros(shape)
    y, t, c = np.empty(shape), np.empty(shape), np.empty(shape)
    for h in range(hours):
        np.subtract(by_hour[h], comp, out=y)
        np.add(sums, y, out=t)
        np.subtract(t, sums, out=c)
        np.subtract(c, y, out=c)
        gap = gaps[gap_bounds[h]:gap_bounds[h + 1]] - h * size
        if len(gap):
            t.flat[gap] = sums.flat[gap]
            c.flat[gap] = comp.flat[gap]
        sums, t = t, sums
        comp, c = c, comp
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts, counts


def _o3_daily(o3: np.ndarray, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    """Daily max 8-h O3 (unrounded, NaN when not valid) and max hourly O3, from (24, n) O3."""
    present = ~np.isnan(o3)
    filled = np.where(present, o3, 0.0)
    # The 17 windows ending 07:00–23:00 lie inside the day; window k covers hours k..k+7. Each
    # window is summed on its own: exact for whole µg/m³, as published. (pandas' rolling mean
    # carries one running sum through the whole series, so for fractional values the two can
    # differ in the last bits, far below the half-up rounding's 1e-9 margin.)
    wsum = filled[0:17].copy()
    wcnt = present[0:17].astype("int64")
    lo = o3[0:17].copy()
    hi = lo.copy()
    for k in range(1, 8):
        np.add(wsum, filled[k:k + 17], out=wsum)
        np.add(wcnt, present[k:k + 17], out=wcnt)
        np.fmin(lo, o3[k:k + 17], out=lo)
        np.fmax(hi, o3[k:k + 17], out=hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        # pandas' rolling mean returns the value itself when all values in the window are equal.
        wmean = np.where(lo == hi, hi, wsum / wcnt)
    valid = wcnt >= rules.o3_8h_min_hours
    wmean[~valid] = np.nan
    mx = np.fmax.reduce(wmean, axis=0)
    with np.errstate(invalid="ignore"):
        ok = (valid.sum(axis=0) >= rules.o3_daily_min_windows) | (mx > rules.o3_8h_limit)
    return np.where(ok, mx, np.nan), np.fmax.reduce(o3, axis=0)


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
    v = values.to_numpy(dtype="float64", na_value=np.nan)
    return float(_group_percentiles(v, np.zeros(len(v), dtype="int64"), 1, p)[0])


def _group_percentiles(values: np.ndarray, codes: np.ndarray, n_groups: int,
                       p: float) -> np.ndarray:
    """np.percentile(values, p) of each group's non-NaN values (NaN for none), all groups at once.

    The arithmetic is numpy's 'linear' method step by step (virtual index (n-1)·q, floor, and its
    two-sided lerp), so each result equals np.percentile's to the last bit.
    """
    ok = ~np.isnan(values) & (codes >= 0)
    v, c = values[ok], codes[ok]
    order = np.lexsort((v, c))
    v = v[order]
    n = np.bincount(c, minlength=n_groups)
    start = np.cumsum(n) - n
    out = np.full(n_groups, np.nan)
    has = n > 0
    q = np.true_divide(p, 100)
    virtual = (n[has] - 1) * q
    prev = np.floor(virtual)
    at_end = virtual >= n[has] - 1
    lo = np.where(at_end, n[has] - 1, prev).astype("int64")
    hi = np.where(at_end, n[has] - 1, prev + 1).astype("int64")
    a = v[start[has] + lo]
    b = v[start[has] + np.minimum(hi, n[has] - 1)]
    t = virtual - prev
    diff = b - a
    lerp = np.where(t >= 0.5, b - diff * (1 - t), a + diff * t)
    out[has] = np.where(at_end, a, lerp)
    return out


def _month_minimums(rules: Rules) -> np.ndarray:
    """Valid days each month needs, January to December."""
    return np.array([rules.february_min_days if m == 2 else rules.month_min_days
                     for m in range(1, 13)])


def completeness(dates: pd.Series, rules: Rules, year: int) -> dict:
    """Valid days in the year and per month, and whether the year is a valid annual assessment."""
    months = pd.to_datetime(dates).dt.month.dropna().to_numpy(dtype="int64")
    by_month = np.bincount(months - 1, minlength=12)
    n = len(dates)
    complete = n >= rules.annual_min_days and bool((by_month >= _month_minimums(rules)).all())
    return _completeness(n, by_month.tolist(), complete)


def _completeness(n: int, months: list[int], complete: bool) -> dict:
    return {"valid_days": n, "months": dict(zip(range(1, 13), months)), "complete": complete}


def annual(daily: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Annual statistics per (station, year) from daily rows (station, date, pollutants, aqi, level).

    Means of valid daily values for PM2.5, PM10, SO2, NO2; CO 95th and O3-8h 90th percentiles;
    good-day ratio, heavy-pollution days and days per level from the daily AQI; completeness
    per pollutant. An incomplete year keeps its values and has complete = False.
    """
    rows: list[dict] = []
    if daily.empty:
        return pd.DataFrame(rows)
    dates = pd.to_datetime(daily["date"])
    keys_frame = pd.DataFrame({"station": daily["station"].array, "year": dates.dt.year.array})
    grouped = keys_frame.groupby(["station", "year"], sort=True)
    keys = grouped.size().index.tolist()
    n_groups = len(keys)
    if n_groups == 0:
        return pd.DataFrame(rows)
    # Group number of each row, -1 for rows without a station or date (a groupby drops them).
    codes = grouped.ngroup().to_numpy(dtype="float64", na_value=-1).astype("int64")
    kept = codes >= 0
    n_dropped = len(codes) - np.count_nonzero(kept)
    months = dates.dt.month.to_numpy(dtype="int64", na_value=1) - 1
    values = {p: daily[p].to_numpy(dtype="float64", na_value=np.nan) for p in ANNUAL_POLLUTANTS}

    def per_group(mask: np.ndarray) -> list[int]:
        return np.bincount(codes[mask & kept], minlength=n_groups).tolist()

    completeness_of = {}
    minimums = _month_minimums(rules)
    for p, v in values.items():
        ok = kept & ~np.isnan(v)
        n = np.bincount(codes[ok], minlength=n_groups)
        by_month = np.bincount(codes[ok] * 12 + months[ok], minlength=n_groups * 12)
        by_month = by_month.reshape(n_groups, 12)
        complete = (n >= rules.annual_min_days) & (by_month >= minimums).all(axis=1)
        completeness_of[p] = [_completeness(*c)
                              for c in zip(n.tolist(), by_month.tolist(), complete.tolist())]

    # Means add each group's values in row order with numpy, as Series.mean does; a groupby mean
    # (compensated summation) can differ in the last bit and flip a half-up rounding.
    order = np.argsort(codes, kind="stable")[n_dropped:]
    means = {}
    for p in ("pm25", "pm10", "so2", "no2"):
        v = values[p][order]
        ok = ~np.isnan(v)
        bounds = np.searchsorted(codes[order][ok], np.arange(n_groups + 1)).tolist()
        means[p] = [_segment_mean(seg) for seg in np.split(v[ok], bounds[1:-1])]

    co_p95 = _group_percentiles(values["co"], codes, n_groups, rules.co_percentile).tolist()
    o3_p90 = _group_percentiles(values["o3_8h"], codes, n_groups, rules.o3_percentile).tolist()

    aqi = daily["aqi"].to_numpy(dtype="float64", na_value=np.nan)
    has_aqi = ~np.isnan(aqi)
    aqi_days = per_group(has_aqi)
    good = per_group(has_aqi & (aqi <= rules.good_aqi_at_most))
    heavy = per_group(has_aqi & (aqi > rules.heavy_aqi_above))

    level = daily["level"]
    has_level = kept & level.notna().to_numpy()
    level_values, level_pos = np.unique(level[has_level].astype(int).to_numpy(),
                                        return_inverse=True)
    level_days = np.bincount(codes[has_level] * len(level_values) + level_pos.reshape(-1),
                             minlength=n_groups * len(level_values)).reshape(n_groups, -1).tolist()
    level_values = level_values.tolist()

    # Rows by (group, date): a group's first and last date are its first and last row.
    by_date = np.lexsort((dates.array.asi8, codes))[n_dropped:]
    ends = np.searchsorted(codes[by_date], np.arange(n_groups + 1))
    first_dates = dates.iloc[by_date[ends[:-1]]].dt.date.tolist()
    last_dates = dates.iloc[by_date[ends[1:] - 1]].dt.date.tolist()

    for i, (station, year) in enumerate(keys):
        comp = {p: completeness_of[p][i] for p in ANNUAL_POLLUTANTS}
        rows.append({
            "station": station,
            "year": int(year),
            "pm25": means["pm25"][i],
            "pm10": means["pm10"][i],
            "so2": means["so2"][i],
            "no2": means["no2"][i],
            "co_p95": _round(co_p95[i], 2),
            "o3_8h_p90": _round(o3_p90[i], 1),
            "aqi_days": aqi_days[i],
            "good_days": good[i],
            "good_days_ratio": _round(good[i] / aqi_days[i], 4) if aqi_days[i] else None,
            "heavy_days": heavy[i],
            "level_days": {lv: c for lv, c in zip(level_values, level_days[i]) if c},
            "valid_days": comp["pm25"]["valid_days"],
            "complete": comp["pm25"]["complete"],
            "completeness": comp,
            "first_date": first_dates[i],
            "last_date": last_dates[i],
        })
    return pd.DataFrame(rows)


def _segment_mean(values: np.ndarray) -> float | None:
    """Series.mean of NaN-free values, rounded: numpy's (pairwise) sum over the count."""
    return _round(float(values.sum() / len(values)), 1) if len(values) else None


def _round(value: float, digits: int) -> float | None:
    if value is None or np.isnan(value):
        return None
    return float(round_half_up(np.array([value]), digits)[0])


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


def published_counts(daily: pd.DataFrame, rules: Rules) -> dict[int, dict]:
    """Per year, the official counts: good and heavy-pollution days from the publisher's daily AQI.

    The plan's heavy-pollution target is judged by the days the publisher reports as heavy, not
    by an AQI recomputed here from rounded daily means (for 苏州 in 2017 the published series has
    2 days above 200, the recomputed one 0). Years without any published daily AQI are absent.
    """
    if daily.empty or "aqi_published" not in daily:
        return {}
    aqi = pd.to_numeric(daily["aqi_published"], errors="coerce")
    years = pd.to_datetime(daily["date"]).dt.year
    out: dict[int, dict] = {}
    for year, a in aqi.groupby(years):
        a = a.dropna()
        if a.empty:
            continue
        n, good, heavy = int(len(a)), int((a <= rules.good_aqi_at_most).sum()), int((a > rules.heavy_aqi_above).sum())
        out[int(year)] = {"aqi_days_published": n, "good_days_published": good, "heavy_days_published": heavy,
                          "good_days_ratio_published": _round(good / n, 4)}
    return out


def sources_by_year(daily: pd.DataFrame) -> dict[int, dict[str, int]]:
    """Per year, how many days came from each source (a file name, or a mean computed here)."""
    if daily.empty:
        return {}
    years = pd.to_datetime(daily["date"]).dt.year
    counts = daily.groupby([years, daily["source"]]).size()
    out: dict[int, dict[str, int]] = {}
    for (year, source), n in counts.items():
        out.setdefault(int(year), {})[str(source)] = int(n)
    return out
