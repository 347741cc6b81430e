"""What the rest of the site may ask the air engine (contract used by the maps and the targets).

Results are built from stored values once per data version and cached in the process; an
import changes the version (a tiny indexed query), so every worker notices and rebuilds. Nothing
here parses files or runs the assessment per request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from .. import clock, vcache
from ..domain.air import freshness
from ..domain.air.aqi import primary_names
from ..domain.air.standards import POLLUTANTS, Standards, load_standards
from ..domain.air.stations import CITIES, DEFAULT_CITY, StationRecord, load_stations, stations_frame
from ..domain.plan import IndicatorValue
from ..extensions import db
from . import packing
from .models import AirAnnual, AirCorrection, AirDaily, AirHourDay, AirImport


# The station contract other capabilities use is the domain's registry record itself.
Station = StationRecord


@dataclass(frozen=True)
class Reading:
    code: str
    time: datetime
    aqi: int | None
    aqi_published: int | None
    level: int | None
    level_name_zh: str | None
    level_name_en: str | None
    colour: str | None
    primary_pollutants: tuple[str, ...]
    pm25: float | None
    pm10: float | None
    so2: float | None
    no2: float | None
    co: float | None
    o3: float | None
    standard: str
    stale: bool


@dataclass
class AirState:
    """Per-app state: registry and standards (loaded at start-up) and the versioned cache."""

    stations: list[StationRecord]
    standards: Standards
    frame: pd.DataFrame
    version: str | None = None
    cache: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def init_state(app: Flask) -> AirState:
    data_dir = Path(app.config["DATA_DIR"])
    plan = app.extensions["cleanair"].plan
    slugs = {d.slug for d in getattr(plan, "districts", [])} or None
    stations = load_stations(data_dir / "stations" / "stations.csv", slugs)
    standards = load_standards(data_dir / "aqi")
    state = AirState(stations, standards, stations_frame(stations))
    app.extensions["air"] = state
    return state


def state() -> AirState:
    return current_app.extensions["air"]


def standards() -> Standards:
    return state().standards


def station_registry() -> list[Station]:
    """The 24 national-network stations (background station included, flagged)."""
    return list(state().stations)


def station(code: str) -> Station | None:
    return next((s for s in station_registry() if s.code == code), None)


def data_version() -> str:
    """Changes whenever stored observations change (cache key for maps and pages)."""
    last = db.session.execute(
        sa.select(sa.func.max(AirImport.id)).where(sa.or_(AirImport.rows_imported > 0, AirImport.layout == "recompute"))
    ).scalar()
    return f"air-{last}" if last else "air-empty"


def invalidate() -> None:
    st = state()
    with st.lock:
        st.cache.clear()
        st.version = None


def _cached(name: str, build: Callable[[], Any]) -> Any:
    return vcache.cached(state(), data_version(), name, build)


def now() -> datetime:
    """The current instant (aware), read at every call; the pinned TODAY at 00:00 Suzhou time in tests."""
    pinned = current_app.config.get("TODAY")
    if pinned:
        return datetime.combine(date.fromisoformat(pinned), time(0), tzinfo=clock.site_zone())
    return clock.now_utc()


def stale_minutes() -> int:
    """AIR_STALE_MINUTES: older observations are old data (pages say so, /healthz/data is 503)."""
    return int(current_app.config.get("AIR_STALE_MINUTES", 180))


def _level_fields(aqi: int | None, on: date) -> dict:
    version = standards().for_day(on)
    lv = version.standard.level(aqi) if version.standard is not None and aqi is not None else None
    return {"level": lv.level if lv else None, "level_name_zh": lv.name_zh if lv else None,
            "level_name_en": lv.name_en if lv else None, "colour": lv.colour if lv else None,
            "standard": version.name}


def _f(v: Any) -> float | None:
    return None if v is None else float(v)


def latest_readings() -> dict[str, Reading]:
    """Station code -> latest stored hourly reading; {} when nothing has been imported.

    The readings are cached per data version, but `stale` is judged now, at every call: data
    that stops arriving becomes old data without anything being imported.
    """
    readings = _cached("latest", _build_latest)
    current, limit = now(), stale_minutes()
    return {code: replace(r, stale=freshness.is_stale(r.time, current, limit)) for code, r in readings.items()}


def _build_latest() -> dict[str, Reading]:
    t = AirHourDay.__table__
    last = sa.select(t.c.station, sa.func.max(t.c.date).label("d")).group_by(t.c.station).subquery()
    rows = db.session.execute(sa.select(t).join(last, sa.and_(t.c.station == last.c.station,
                                                              t.c.date == last.c.d))).all()
    out: dict[str, Reading] = {}
    for h in _hours_of(rows):
        if h["station"] in out and out[h["station"]].time >= h["time"]:
            continue
        out[h["station"]] = Reading(
            code=h["station"], time=h["time"], aqi=h["aqi"], aqi_published=h["aqi_published"],
            **_level_fields(h["aqi"], h["time"].date()),
            primary_pollutants=tuple(h["primary_pollutants"]),
            pm25=h["pm25"], pm10=h["pm10"], so2=h["so2"], no2=h["no2"], co=h["co"], o3=h["o3"],
            stale=False,  # judged at each call by latest_readings(), never cached
        )
    return out


def _hours_of(rows: list) -> list[dict]:
    """The stored hours of air_hour_day rows as dicts, newest first; published beside recomputed."""
    if not rows:
        return []
    observed = packing.unpack_observed([r.observed for r in rows])
    recomputed = packing.unpack_recomputed([r.recomputed for r in rows])
    sources = packing.unpack_sources([r.sources for r in rows])
    ids = sorted({int(i) for i in np.unique(sources) if i > 0})
    names = dict(db.session.execute(sa.select(AirImport.id, AirImport.file_name).where(AirImport.id.in_(ids))).all())
    out = []
    for k, r in enumerate(rows):
        published = json.loads(r.primary_published) if r.primary_published else [None] * packing.HOURS
        for hour in np.flatnonzero(sources[k] > 0)[::-1]:
            v = observed[k, :, hour]
            aqi, level, mask = (int(x) for x in recomputed[k, :, hour])
            # Stored as the publisher's hour label; handed out as an aware instant (docs/time.md).
            h = {"station": r.station,
                 "time": clock.observation_instant(datetime.combine(r.date, time(int(hour))))}
            h.update({f: None if np.isnan(v[j]) else float(v[j]) for j, f in enumerate(packing.OBSERVED)})
            h["aqi_published"] = None if h["aqi_published"] is None else int(h["aqi_published"])
            h.update({"primary_published": published[hour], "aqi": None if aqi == packing.NONE else aqi,
                      "level": None if level == packing.NONE else level,
                      "primary_pollutants": list(primary_names(mask if mask > 0 else 0)),
                      "standard": r.standard, "source": names.get(int(sources[k, hour]), "")})
            out.append(h)
    out.sort(key=lambda h: (h["time"], h["station"]), reverse=True)
    return out


def latest_time() -> datetime | None:
    readings = latest_readings()
    return max((r.time for r in readings.values()), default=None)


def newest_observation() -> datetime | None:
    """The newest stored hour of any station (an aware instant; Beijing-time label)."""
    return latest_time()


def latest_city_readings() -> list[dict]:
    """For each city: the mean of its evaluation stations' readings at its latest hour, with AQI.

    `stale` is judged now, at every call (the values themselves are cached per data version).
    """
    current, limit = now(), stale_minutes()
    return [{**c, "stale": freshness.is_stale(c["time"], current, limit)}
            for c in _cached("latest_city", _build_latest_city)]


def freshness_of(observed: datetime | None) -> dict | None:
    """For pages: how old an observation is now, and whether that is old data (template global)."""
    if observed is None:
        return None
    minutes = freshness.age_minutes(observed, now()) or 0
    return {"time": observed, "minutes": max(minutes, 0), "stale": minutes > stale_minutes()}


def age_text(minutes: int) -> str:
    """An age in the page's language: minutes below 2 hours, hours below 2 days, then days."""
    from flask_babel import ngettext

    if minutes < 120:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    if minutes < 48 * 60:
        return ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return ngettext("%(num)d day", "%(num)d days", minutes // (24 * 60))


def data_freshness() -> dict:
    """How current the data is, now: per station, per city, and ok/stale for the city (苏州)."""
    newest = {code: r.time for code, r in _cached("latest", _build_latest).items()}
    return freshness.report(station_registry(), newest, now(), stale_minutes())


def _build_latest_city() -> list[dict]:
    from ..domain.air.aqi import single_aqi

    readings = _cached("latest", _build_latest)
    out = []
    for city in CITIES:
        members = [s for s in state().stations if s.city == city and not s.background]
        rs = [readings[s.code] for s in members if s.code in readings]
        if not rs:
            continue
        at = max(r.time for r in rs)
        current = [r for r in rs if r.time == at]
        values = {}
        for p in POLLUTANTS:
            vals = [getattr(r, p) for r in current if getattr(r, p) is not None]
            values[p] = sum(vals) / len(vals) if vals else None
        version = standards().for_day(at.date())
        res = single_aqi({k: None if v is None else round(v, 1 if k == "co" else 0) for k, v in values.items()},
                         version.standard) if version.standard else {"aqi": None, "primary": ()}
        out.append({"city": city, "city_en": CITIES[city], "time": at, "stations": len(current),
                    "stations_total": len(members), "aqi": res["aqi"], **_level_fields(res["aqi"], at.date()),
                    "primary_pollutants": res["primary"], **values})
    return out


def is_city(key: str) -> bool:
    return key in CITIES


def valid_key(key: str) -> bool:
    return key in CITIES or any(s.code == key for s in state().stations)


def _daily_dicts(rows: list) -> list[dict]:
    out = []
    for r in rows:
        m = r._mapping
        out.append({
            "date": m["date"], "station": m["station"], "aqi": m["aqi"], "aqi_published": m["aqi_published"],
            "level": m["level"], "primary_pollutants": [p for p in (m["primary"] or "").split(",") if p],
            "pm25": m["pm25"], "pm10": m["pm10"], "so2": m["so2"], "no2": m["no2"], "co": m["co"],
            "o3_8h": m["o3_8h"], "valid": bool(m["valid"]), "grade_published": m["grade_published"],
            "standard": m["standard"], "source": m["source"],
        })
    return out


def daily_rows(key: str = DEFAULT_CITY, start: date | None = None, end: date | None = None) -> list[dict]:
    """Stored daily rows for a station code or CNEMC city name, oldest first."""
    def build() -> list[dict]:
        t = AirDaily.__table__
        return _daily_dicts(db.session.execute(sa.select(t).where(t.c.station == key).order_by(t.c.date)).all())

    rows = _cached(f"daily:{key}", build)
    return [r for r in rows if (start is None or r["date"] >= start) and (end is None or r["date"] <= end)]


def annual_rows(key: str = DEFAULT_CITY) -> list[dict]:
    """HJ 663 annual statistics for a station or city, oldest year first.

    Each year also carries the official counts from the publisher's daily AQI where there is
    one (`*_published`; None otherwise) and its exact sources: the imported files its days come
    from, by name, and for days computed here from station-hourly data, those hourly files.
    """
    def build() -> list[dict]:
        from ..domain.air import assess

        t = AirAnnual.__table__
        days = pd.DataFrame(daily_rows(key), columns=["date", "aqi_published", "source"])
        official = assess.published_counts(days, standards().rules)
        sources = assess.sources_by_year(days)
        out = []
        for r in db.session.execute(sa.select(t).where(t.c.station == key).order_by(t.c.year)).all():
            m = dict(r._mapping)
            m["level_days"] = {int(k): v for k, v in json.loads(m["level_days"]).items()}
            m["completeness"] = json.loads(m["completeness"])
            m.pop("id")
            m.update(official.get(m["year"], dict.fromkeys(_OFFICIAL_FIELDS)))
            m["sources"] = _year_sources(key, m["year"], sources.get(m["year"], {}))
            out.append(m)
        return out

    return _cached(f"annual:{key}", build)


_OFFICIAL_FIELDS = ("aqi_days_published", "good_days_published", "heavy_days_published", "good_days_ratio_published")
# Daily rows that are computed here rather than imported carry these in their `source` column.
_DERIVED_SOURCES = {"stations", "hourly"}


def _year_sources(key: str, year: int, by_source: dict[str, int]) -> list[dict]:
    """[{file, days, kind}] for one year: imported daily files by name, and for days computed
    here from station-hourly data, the hourly files those hours came from."""
    files = sorted(name for name in by_source if name not in _DERIVED_SOURCES)
    layouts = dict(db.session.execute(sa.select(AirImport.file_name, AirImport.layout).where(
        AirImport.file_name.in_(files)).order_by(AirImport.id)).all()) if files else {}
    out = [{"file": name, "layout": layouts.get(name), "days": by_source[name], "kind": "daily_file"} for name in files]
    derived = sum(n for name, n in by_source.items() if name in _DERIVED_SOURCES)
    if derived:
        codes = [key] if not is_city(key) else [s.code for s in state().stations if s.city == key and not s.background]
        t = AirHourDay.__table__
        rows = db.session.execute(sa.select(t.c.sources).where(
            t.c.station.in_(codes), t.c.date >= date(year, 1, 1), t.c.date <= date(year, 12, 31))).all()
        ids = sorted({int(i) for i in np.unique(packing.unpack_sources([r.sources for r in rows])) if i > 0}) if rows else []
        names = db.session.execute(sa.select(AirImport.file_name).where(AirImport.id.in_(ids)).order_by(
            AirImport.file_name)).scalars().all() if ids else []
        layout = db.session.execute(sa.select(AirImport.layout).where(AirImport.id.in_(ids)).limit(1)).scalar() if ids else None
        out.append({"file": None, "files": list(names), "layout": layout, "days": derived, "kind": "computed_from_hourly"})
    return out


def station_hours(code: str, hours: int = 48) -> list[dict]:
    """The latest `hours` stored hours of one station, newest first, published beside recomputed."""
    def build() -> list[dict]:
        t = AirHourDay.__table__
        days = -(-hours // 24) + 1  # enough days even when the newest day is partly filled
        rows = db.session.execute(sa.select(t).where(t.c.station == code).order_by(t.c.date.desc()).limit(days)).all()
        return _hours_of(rows)[:hours]

    return _cached(f"hours:{code}:{hours}", build)


def stored_hour_count() -> int:
    """How many station-hours are stored (each air_hour_day row counts its hours)."""
    return int(db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(AirHourDay.hours), 0))).scalar())


def import_log(limit: int = 20) -> list[dict]:
    t = AirImport.__table__
    rows = db.session.execute(sa.select(t).order_by(t.c.id.desc()).limit(limit)).all()
    return [dict(r._mapping) for r in rows]


# --- plan targets --------------------------------------------------------------------------

def _target_values() -> dict[str, list[dict]]:
    """The headline targets' values: every complete year (final; HJ 663-2013 valid) and the
    latest year as a running value while it is incomplete. Incomplete earlier years are left
    out: they are not valid annual assessments and were never running values."""
    rows = annual_rows(DEFAULT_CITY)
    if not rows:
        return {}
    chosen = [(r, "year") for r in rows if r["complete"] and r["pm25"] is not None]
    if not rows[-1]["complete"]:
        chosen.append((rows[-1], "year_to_date"))
    out: dict[str, list[dict]] = {"pm25-annual-mean": [], "heavy-pollution-days": []}
    for r, period in chosen:
        base = {"date": r["last_date"], "period": period, "year": r["year"], "final": period == "year",
                "standard": r["standard"], "sources": r["sources"]}
        if r["pm25"] is not None:
            out["pm25-annual-mean"].append({**base, "value": r["pm25"], "days": r["valid_days"]})
        # The official count comes from the publisher's daily AQI wherever the publisher gives one
        # for every day this site has an AQI for; the recomputed count is kept beside it.
        official = r["heavy_days_published"] is not None and r["aqi_days_published"] >= r["aqi_days"]
        out["heavy-pollution-days"].append({
            **base, "official": official,
            "value": float(r["heavy_days_published"] if official else r["heavy_days"]),
            "recomputed": float(r["heavy_days"]) if official else None,
            "days": r["aqi_days_published"] if official else r["aqi_days"], "recomputed_days": r["aqi_days"],
        })
    return out


def source_text(sources: list[dict]) -> str:
    """Where a year's values come from, exactly: each file by name and who published it."""
    from flask_babel import gettext as _
    from flask_babel import ngettext

    from ..domain.air.importers import LAYOUT_PUBLISHER
    from ..i18n import pick

    parts = []
    for s in sources:
        publisher = pick(*LAYOUT_PUBLISHER[s["layout"]]) if s.get("layout") in LAYOUT_PUBLISHER else ""
        days = ngettext("%(num)s day", "%(num)s days", s["days"])
        if s["kind"] == "daily_file":
            parts.append(_("%(file)s — %(publisher)s (%(days)s)", file=s["file"], publisher=publisher, days=days))
            continue
        files = s.get("files") or []
        named = files[0] if len(files) == 1 else (f"{files[0]} … {files[-1]}" if files else "—")
        parts.append(ngettext(
            "means over the evaluation stations computed by this site from %(num)s station-hourly file, %(files)s — %(publisher)s (%(days)s)",
            "means over the evaluation stations computed by this site from %(num)s station-hourly files, %(files)s — %(publisher)s (%(days)s)",
            len(files), files=named, publisher=publisher, days=days))
    return "; ".join(parts)


def _note(v: dict, slug: str) -> str:
    """How the value was computed, in the page's language; plurals through Babel."""
    from flask_babel import gettext as _
    from flask_babel import ngettext

    if slug == "pm25-annual-mean":
        what = ngettext("Annual mean of %(num)s valid day.", "Annual mean of %(num)s valid days.", v["days"])
    elif v["official"]:
        what = " ".join([
            ngettext("Official count: days whose published daily AQI is above 200, out of %(num)s day with a published AQI.",
                     "Official count: days whose published daily AQI is above 200, out of %(num)s days with a published AQI.",
                     v["days"]),
            ngettext("Recomputed by this site from the daily concentrations: %(n)s, out of %(num)s day with a recomputed AQI.",
                     "Recomputed by this site from the daily concentrations: %(n)s, out of %(num)s days with a recomputed AQI.",
                     v["recomputed_days"], n=int(v["recomputed"])),
        ])
    else:
        what = ngettext("No published daily AQI for this year: days whose daily AQI recomputed by this site is above 200, out of %(num)s day with an AQI.",
                        "No published daily AQI for this year: days whose daily AQI recomputed by this site is above 200, out of %(num)s days with an AQI.",
                        v["days"])
    status = (_("Complete year (HJ 663-2013).") if v["final"]
              else _("Running value up to %(date)s, not a final or valid annual assessment.", date=v["date"].isoformat()))
    return " ".join([what, status, _("Assessed under %(standard)s / HJ 663-2013 (city 苏州, background station excluded); the plan's 2025 targets are assessed under the 2012 standard (GB 3095-2012).", standard=v["standard"])])


def indicator_provider() -> dict[str, list[IndicatorValue]]:
    """Computed values for the plan's headline targets, for the latest year with data."""
    from flask import url_for

    try:
        values = _cached("targets", _target_values)
    except SQLAlchemyError:
        # The plan pages must not fail because the air tables are missing (database not
        # upgraded yet): the targets then simply show "no data".
        current_app.logger.warning("air tables unavailable; run `flask --app wsgi db upgrade`", exc_info=True)
        db.session.rollback()
        return {}
    out: dict[str, list[IndicatorValue]] = {}
    for slug, items in values.items():
        try:
            url = url_for("air.annual", fmt="html")
        except RuntimeError:
            url = "/air/annual"
        out[slug] = [IndicatorValue(slug=slug, value=v["value"], date=v["date"], period=v["period"],
                                    source_title=source_text(v["sources"]), source_url=url, note=_note(v, slug),
                                    days=v["days"], recomputed=v.get("recomputed"))
                     for v in items]
    return out


def history(key: str = DEFAULT_CITY) -> dict:
    """Annual series, monthly series and a calendar of daily levels for the history page."""
    def build() -> dict:
        from ..domain.air import assess

        rows = daily_rows(key)
        frame = pd.DataFrame(rows, columns=["date", "pm25", "aqi", "level", "valid", "aqi_published"])
        months = assess.monthly(frame) if rows else pd.DataFrame()
        by_year: dict[int, dict[int, list]] = {}
        for r in rows:
            d = r["date"]
            by_year.setdefault(d.year, {}).setdefault(d.month, [None] * 31)[d.day - 1] = r
        return {
            "annual": annual_rows(key),
            "monthly": months.to_dict("records") if not months.empty else [],
            "calendar": by_year,
            "years": sorted(by_year),
        }

    return _cached(f"history:{key}", build)


# --- publisher corrections and heavy-pollution days ----------------------------------------

def corrections(limit: int | None = None) -> list[dict]:
    """Stored values later files changed, newest first: one row per changed field."""
    def build() -> list[dict]:
        t = AirCorrection.__table__
        out = []
        for r in db.session.execute(sa.select(t).order_by(t.c.recorded_at.desc(), t.c.id.desc())).all():
            m = r._mapping
            at = (clock.observation_instant(datetime.combine(m["date"], time(m["hour"])))
                  if m["hour"] is not None else None)
            for field_name, (old, new) in sorted(json.loads(m["changes"]).items()):
                out.append({"id": m["id"], "station": m["station"], "date": m["date"], "hour": m["hour"],
                            "time": at, "field": field_name, "old_value": old, "new_value": new,
                            "old_source": m["old_source"], "new_source": m["new_source"],
                            "recorded_at": m["recorded_at"]})
        return out

    rows = _cached("corrections", build)
    return rows if limit is None else rows[:limit]


def is_heavy_day(row: dict) -> bool:
    """A heavy-pollution day (重度及以上污染): daily AQI above 200 — the publisher's daily AQI where
    the day has one (the official count the plan's target uses, assess.published_counts), else the
    AQI recomputed here (docs/air.md)."""
    aqi = row.get("aqi_published")
    if aqi is None:
        aqi = row["aqi"]
    return aqi is not None and aqi > standards().rules.heavy_aqi_above


def heavy_days(key: str = DEFAULT_CITY, year: int | None = None) -> list[dict]:
    """The heavy-pollution days counted for a city or station, each with the alerts in force that day."""
    from . import alerts

    recorded = alerts.all_alerts()
    from ..domain.air.alerts import in_force_on

    return [{**r, "alerts": in_force_on(recorded, r["date"])} for r in daily_rows(key)
            if is_heavy_day(r) and (year is None or r["date"].year == year)]
