"""HJ 633 individual AQI (IAQI) and AQI, vectorised over pandas frames.

Rounding: AQI is the maximum IAQI rounded *up* to an integer; this is what the publisher does
(rounding to nearest gets 45–64 of the 161 published station-hours of 2022-01-04 wrong).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .standards import POLLUTANTS, Standard

# IAQI computed in floating point is rounded to this many decimals before taking the ceiling,
# so that 66.0000000001 (binary noise) does not become 67.
_NOISE_DECIMALS = 6


def iaqi(conc: np.ndarray | pd.Series, breakpoints: tuple[float, ...], scale: tuple[float, ...],
         cap: bool = True) -> np.ndarray:
    """IAQI by linear interpolation between breakpoints; NaN for missing or negative input.

    Above the last breakpoint the table has no value: with `cap` the IAQI is the top of the
    scale (500), otherwise NaN (used where the standard says to fall back to another table).
    """
    c = np.asarray(conc, dtype="float64")
    bp = np.asarray(breakpoints, dtype="float64")
    sc = np.asarray(scale[: len(bp)], dtype="float64")
    slope = np.diff(sc) / np.diff(bp)
    # NaN sorts last, so missing values pick the top segment and stay NaN through the arithmetic.
    lo = np.clip(np.searchsorted(bp, c, side="left") - 1, 0, len(bp) - 2)
    out = slope[lo] * (c - bp[lo]) + sc[lo]
    with np.errstate(invalid="ignore"):
        out[c > bp[-1]] = 500.0 if cap else np.nan
        out[c < 0] = np.nan
    return out


# Primary pollutants as a bit mask (bit i = POLLUTANTS[i]), so that a year of hours can be
# stored and compared as small integers; `primary_names` turns a mask back into names.
PRIMARY_BITS = {p: 1 << i for i, p in enumerate(POLLUTANTS)}
_MASK_NAMES = [tuple(p for p in POLLUTANTS if m & PRIMARY_BITS[p]) for m in range(1 << len(POLLUTANTS))]
_MASK_TEXT = np.array([",".join(n) for n in _MASK_NAMES], dtype=object)


def primary_names(mask: int | None) -> tuple[str, ...]:
    """Pollutant names of a primary-pollutant bit mask (empty for None or 0)."""
    return _MASK_NAMES[int(mask)] if mask else ()


def primary_text(masks: np.ndarray) -> np.ndarray:
    """Comma-joined names ("pm25,o3") of many masks at once."""
    return _MASK_TEXT[np.asarray(masks, dtype=np.int64)]


def aqi_from_iaqis(parts: dict[str, np.ndarray], standard: Standard) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """AQI (ceiling of the max IAQI; NaN unless all six IAQIs exist), level (NaN when no AQI) and
    the primary-pollutant mask (0 when AQI ≤ 50 or none), as arrays."""
    names = list(parts)
    mat = np.round(np.stack([np.asarray(parts[k], dtype="float64") for k in names]), _NOISE_DECIMALS)
    np.ceil(mat, out=mat)
    top = mat.max(axis=0)  # NaN as soon as one IAQI is missing: no AQI without all six
    mask = np.zeros(top.shape, dtype=np.int64)
    with np.errstate(invalid="ignore"):
        # HJ 633: when AQI > 50, the pollutant(s) with the largest IAQI are primary (ties all count).
        counts = top > 50
        for j, name in enumerate(names):
            mask[(mat[j] == top) & counts] |= PRIMARY_BITS[name]
    bounds = np.asarray(standard.level_bounds, dtype="float64")
    level = np.searchsorted(bounds, top, side="left") + 1.0
    level[np.isnan(top)] = np.nan
    return top, level, mask


def _aqi_from_iaqis(parts: dict[str, np.ndarray], standard: Standard) -> pd.DataFrame:
    top, level, mask = aqi_from_iaqis(parts, standard)
    out = pd.DataFrame({"aqi": top, "level": level, "primary": primary_text(mask)})
    for k in parts:
        out["iaqi_" + k] = parts[k]
    return out


def hourly_aqi(frame: pd.DataFrame, standard: Standard) -> pd.DataFrame:
    """Real-time (hourly) AQI of rows with pm25, pm10, so2, no2, co, o3 (1-h values).

    PM2.5 and PM10 use the 1-h concentration on the 24-h breakpoints, as the publisher does;
    SO2 above the last 1-h breakpoint (800) falls back to the 24-h table with `so2_24h`.
    """
    out = _aqi_from_iaqis(hourly_iaqis(frame, standard), standard)
    out.index = frame.index
    return out


def hourly_iaqis(values, standard: Standard) -> dict[str, np.ndarray]:
    """IAQI of each pollutant for hourly values (a frame, or a mapping of name -> array)."""
    b, s = standard.breakpoints, standard.iaqi
    so2 = iaqi(values["so2"], b["so2_1h"], s, cap=False)
    if "so2_24h" in values:
        fallback = iaqi(values["so2_24h"], b["so2_24h"], s)
        so2 = np.where(np.isnan(so2) & (np.asarray(values["so2"], dtype="float64") > b["so2_1h"][-1]),
                       fallback, so2)
    return {
        "pm25": iaqi(values["pm25"], b["pm25_24h"], s),
        "pm10": iaqi(values["pm10"], b["pm10_24h"], s),
        "so2": so2,
        "no2": iaqi(values["no2"], b["no2_1h"], s),
        "co": iaqi(values["co"], b["co_1h"], s),
        "o3": iaqi(values["o3"], b["o3_1h"], s),
    }


def hourly_aqi_arrays(values, standard: Standard) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`hourly_aqi` without a frame: (aqi, level, primary mask) arrays, for bulk imports."""
    return aqi_from_iaqis(hourly_iaqis(values, standard), standard)


def daily_aqi(frame: pd.DataFrame, standard: Standard) -> pd.DataFrame:
    """Daily AQI from 24-h means of pm25, pm10, so2, no2, co and the daily max 8-h O3 (`o3_8h`).

    O3-8h above the last 8-h breakpoint (800) uses the daily max 1-h O3 (`o3_1h_max`) if given.
    """
    b, s = standard.breakpoints, standard.iaqi
    o3 = iaqi(frame["o3_8h"], b["o3_8h"], s, cap=False)
    if "o3_1h_max" in frame:
        fallback = iaqi(frame["o3_1h_max"], b["o3_1h"], s)
        o3 = np.where(np.isnan(o3) & (np.asarray(frame["o3_8h"], dtype="float64") > b["o3_8h"][-1]),
                      fallback, o3)
    parts = {
        "pm25": iaqi(frame["pm25"], b["pm25_24h"], s),
        "pm10": iaqi(frame["pm10"], b["pm10_24h"], s),
        "so2": iaqi(frame["so2"], b["so2_24h"], s),
        "no2": iaqi(frame["no2"], b["no2_24h"], s),
        "co": iaqi(frame["co"], b["co_24h"], s),
        "o3": o3,
    }
    out = _aqi_from_iaqis(parts, standard)
    out.index = frame.index
    return out


def single_aqi(values: dict[str, float | None], standard: Standard, hourly: bool = True) -> dict:
    """AQI of one record (handy for pages and tests); same rules as the vectorised functions."""
    cols = list(POLLUTANTS) + (["so2_24h"] if hourly else [])
    row = {k: [np.nan if values.get(k) is None else float(values[k])] for k in cols}
    if not hourly:
        row["o3_8h"] = [np.nan if values.get("o3_8h") is None else float(values["o3_8h"])]
    frame = pd.DataFrame(row)
    res = (hourly_aqi if hourly else daily_aqi)(frame, standard).iloc[0]
    aqi = None if np.isnan(res["aqi"]) else int(res["aqi"])
    return {"aqi": aqi, "level": None if aqi is None else int(res["level"]),
            "primary": tuple(p for p in res["primary"].split(",") if p)}
