"""How current the stored observations are, judged at a given instant (never cached with the data).

Pure functions: the newest observation of each station in, a report out. The same report feeds
`/healthz/data` (monitoring) and the "updated N minutes ago" / "old data" lines on the pages, so
the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .stations import CITIES, DEFAULT_CITY, StationRecord

# "Stations reporting" counts those with an observation in this many minutes (issue 12: 3 hours).
REPORTING_WINDOW_MINUTES = 180


def age_minutes(newest: datetime | None, now: datetime) -> int | None:
    """Whole minutes from an observation to `now` (None when there is no observation)."""
    if newest is None:
        return None
    return int((now - newest).total_seconds() // 60)


def is_stale(newest: datetime | None, now: datetime, stale_minutes: int) -> bool:
    """Old data: nothing observed, or the newest observation is older than the limit."""
    age = age_minutes(newest, now)
    return age is None or age > stale_minutes


@dataclass(frozen=True)
class AreaFreshness:
    name: str
    name_en: str
    newest: datetime | None
    age_minutes: int | None
    stations_reporting: int  # evaluation stations with an observation in the reporting window
    stations_total: int  # evaluation stations (the background station is not part of a city)
    stale: bool


def area(name: str, members: Sequence[StationRecord], newest: Mapping[str, datetime], now: datetime,
         stale_minutes: int, window: int = REPORTING_WINDOW_MINUTES) -> AreaFreshness:
    times = [newest[s.code] for s in members if s.code in newest]
    last = max(times, default=None)
    reporting = sum(1 for t in times if (age_minutes(t, now) or 0) <= window)
    return AreaFreshness(name, CITIES.get(name, name), last, age_minutes(last, now), reporting, len(members),
                         is_stale(last, now, stale_minutes))


def report(stations: Sequence[StationRecord], newest: Mapping[str, datetime], now: datetime,
           stale_minutes: int, city: str = DEFAULT_CITY, window: int = REPORTING_WINDOW_MINUTES) -> dict:
    """The freshness report: per station, per city, and `status` ok/stale judged on `city`.

    `newest`: station code → its newest stored observation (aware). The status is "stale" when
    the city has no observation or its newest is older than `stale_minutes`.
    """
    cities = {c: area(c, [s for s in stations if s.city == c and not s.background], newest, now, stale_minutes,
                      window) for c in CITIES}
    rows = []
    for s in stations:
        t = newest.get(s.code)
        age = age_minutes(t, now)
        rows.append({"code": s.code, "name_zh": s.name_zh, "name_en": s.name_en, "city": s.city,
                     "background": s.background, "newest": t, "age_minutes": age,
                     "reporting": age is not None and age <= window})
    main = cities[city]
    return {
        "status": "stale" if main.stale else "ok",
        "checked_at": now,
        "stale_after_minutes": stale_minutes,
        "reporting_window_minutes": window,
        "city": _area_dict(main),
        "cities": [_area_dict(a) for a in cities.values()],
        "stations_reporting": sum(1 for r in rows if r["reporting"]),
        "stations_total": len(rows),
        "stations": rows,
    }


def _area_dict(a: AreaFreshness) -> dict:
    return {"name": a.name, "name_en": a.name_en, "newest": a.newest, "age_minutes": a.age_minutes,
            "stations_reporting": a.stations_reporting, "stations_total": a.stations_total,
            "stale": a.stale}
