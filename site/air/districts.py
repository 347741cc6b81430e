"""Air quality by district (the plan assesses districts on their air-quality targets, task 53).

- A county-level city with its own published city series (常熟, 张家港, 昆山, 太仓, 吴江 — city-daily
  files import under those names, and their stations are averaged under them) uses that series:
  the same HJ 663-2013 annual values the air pages show for it.
- An urban district (姑苏, 虎丘/高新, 吴中, 相城, 园区) has no series of its own: its value is the mean
  of its own evaluation stations (background station excluded), hour by hour, then day and year
  by the same HJ 663-2013 rules as the city (`domain.air.assess`), with the station list and the
  completeness of each year.

Computed from stored observations once per air data version (never per request).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..domain.air import assess
from ..domain.air.stations import DEFAULT_CITY
from . import hours, service
from .models import AirHourDay

COUNTY_SERIES = {"wujiang": "吴江", "kunshan": "昆山", "changshu": "常熟", "zhangjiagang": "张家港", "taicang": "太仓"}
CITY_SERIES, STATIONS, NONE = "city_series", "stations", "none"


def district_stations(slug: str) -> list[service.Station]:
    """The evaluation stations of an urban district (city-proper stations located in it)."""
    return [s for s in service.station_registry()
            if s.district == slug and not s.background and s.city == DEFAULT_CITY]


def district_air(slug: str) -> dict[str, Any]:
    """{"method", "series" (city name or None), "stations": [codes], "annual": [rows]}."""
    if slug in COUNTY_SERIES:
        city = COUNTY_SERIES[slug]
        members = [s.code for s in service.station_registry() if s.city == city and not s.background]
        return {"method": CITY_SERIES, "series": city, "stations": members, "annual": service.annual_rows(city)}
    codes = [s.code for s in district_stations(slug)]
    if not codes:
        return {"method": NONE, "series": None, "stations": [], "annual": []}
    rows = service._cached(f"district-annual:{slug}", lambda: station_mean_annual(codes))
    return {"method": STATIONS, "series": None, "stations": codes, "annual": rows}


def station_mean_annual(codes: list[str]) -> list[dict[str, Any]]:
    """HJ 663-2013 annual values of the hourly mean over `codes`, oldest year first."""
    from .store import _with_daily_aqi  # the engine's own daily-AQI step, not a copy

    t = AirHourDay.__table__
    grid = hours.load_grid(list(codes), t.c.station.in_(list(codes)))
    if not len(grid.day):
        return []
    frame = pd.DataFrame({"code": list(codes), "city": "district", "background": False})
    _names, days, means = hours.city_means(grid, frame, np.arange(len(grid.day)))
    if not len(days):
        return []
    standards = service.standards()
    daily = assess.daily_from_grid(means.transpose(0, 2, 1), standards.rules)
    daily.insert(0, "date", pd.Series(np.datetime64("1970-01-01", "D") + np.asarray(days).astype("timedelta64[D]"),
                                      dtype="datetime64[ns]"))
    daily.insert(0, "station", "district")
    daily = _with_daily_aqi(daily, standards)
    annual = assess.annual(daily, standards.rules)
    out = []
    for r in annual.to_dict("records"):
        r.pop("station", None)
        out.append(r)
    return out


def latest_complete(annual: list[dict[str, Any]]) -> dict[str, Any] | None:
    complete = [r for r in annual if r.get("complete") and r.get("pm25") is not None]
    return complete[-1] if complete else None


def annual_record(r: dict[str, Any]) -> dict[str, Any]:
    """The JSON contract of one year: year, pm25, good_days_ratio, heavy_days, complete (+ detail)."""
    return {"year": int(r["year"]), "pm25": r.get("pm25"), "good_days_ratio": r.get("good_days_ratio"),
            "heavy_days": None if r.get("heavy_days") is None else int(r["heavy_days"]),
            "complete": bool(r.get("complete")), "valid_days": r.get("valid_days"),
            "first_date": _iso(r.get("first_date")), "last_date": _iso(r.get("last_date"))}


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)[:10]


def stored_station_days(codes: list[str]) -> int:
    """How many station-days of hourly data exist for these stations (to say what is missing)."""
    if not codes:
        return 0
    from ..extensions import db

    t = AirHourDay.__table__
    return int(db.session.execute(sa.select(sa.func.count()).where(t.c.station.in_(codes))).scalar() or 0)
