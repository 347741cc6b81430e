"""Air-quality tables: observations, derived daily and annual values, and the import log.

Times are Beijing time without a zone (as CNEMC publishes them). `station` holds a station code
(1162A) or, for city-level rows, the CNEMC city name (苏州); `kind` says which.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import UTCDateTime
from ..extensions import db


class AirHourDay(db.Model):
    """The hourly observations of one station and natural day, in one row (see `packing`).

    Why one row per station-day rather than per station-hour: a year of the 24 stations is
    210,240 station-hours but only 8,760 station-days, and every reader wants whole days (daily
    means, recent hours, the latest hour). Each hour keeps its own value, recomputed AQI and the
    import (file) it came from. The value stamped hh:00 is the mean of the hour ending then.
    """

    __tablename__ = "air_hour_day"
    __table_args__ = (UniqueConstraint("station", "date", name="uq_air_hour_day_station_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station: Mapped[str] = mapped_column(String(16))
    date: Mapped[date] = mapped_column(Date)
    # float64 little-endian [8 fields × 24 hours] in packing.OBSERVED order; NaN = no value.
    observed: Mapped[bytes] = mapped_column(LargeBinary)
    # int16 little-endian [3 × 24]: recomputed AQI, level, primary-pollutant bit mask; -1 = none.
    recomputed: Mapped[bytes] = mapped_column(LargeBinary)
    # int32 little-endian [24]: air_import.id of the file each hour came from; 0 = no value.
    sources: Mapped[bytes] = mapped_column(LargeBinary)
    # JSON list of 24 published primary pollutants ("pm25,o3" or null); NULL when none published.
    primary_published: Mapped[str | None] = mapped_column(Text)
    hours: Mapped[int] = mapped_column(Integer)  # hours with a value
    standard: Mapped[str] = mapped_column(String(32))  # AQI standard version of this day


class AirDaily(db.Model):
    """One station-day or city-day (HJ 663-2013 natural day)."""

    __tablename__ = "air_daily"
    __table_args__ = (
        UniqueConstraint("station", "date", name="uq_air_daily_station_date"),
        Index("ix_air_daily_kind_date", "kind", "date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8))  # "station" | "city"
    date: Mapped[date] = mapped_column(Date)
    pm25: Mapped[float | None] = mapped_column(Float)
    pm10: Mapped[float | None] = mapped_column(Float)
    so2: Mapped[float | None] = mapped_column(Float)
    no2: Mapped[float | None] = mapped_column(Float)
    co: Mapped[float | None] = mapped_column(Float)
    o3_8h: Mapped[float | None] = mapped_column(Float)
    aqi: Mapped[int | None] = mapped_column(Integer)
    aqi_published: Mapped[int | None] = mapped_column(Integer)
    grade_published: Mapped[str | None] = mapped_column(String(16))
    level: Mapped[int | None] = mapped_column(Integer)
    primary: Mapped[str | None] = mapped_column(String(64))
    valid: Mapped[bool] = mapped_column(Boolean)
    hours: Mapped[int | None] = mapped_column(Integer)  # valid PM2.5 hours (days built from hourly data)
    standard: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(255))  # file name, or "stations" for means over stations
    precedence: Mapped[int] = mapped_column(Integer)


class AirAnnual(db.Model):
    """HJ 663-2013 annual statistics for one station or city and year."""

    __tablename__ = "air_annual"
    __table_args__ = (UniqueConstraint("station", "year", name="uq_air_annual_station_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer)
    pm25: Mapped[float | None] = mapped_column(Float)
    pm10: Mapped[float | None] = mapped_column(Float)
    so2: Mapped[float | None] = mapped_column(Float)
    no2: Mapped[float | None] = mapped_column(Float)
    co_p95: Mapped[float | None] = mapped_column(Float)
    o3_8h_p90: Mapped[float | None] = mapped_column(Float)
    aqi_days: Mapped[int] = mapped_column(Integer)
    good_days: Mapped[int] = mapped_column(Integer)
    good_days_ratio: Mapped[float | None] = mapped_column(Float)
    heavy_days: Mapped[int] = mapped_column(Integer)
    valid_days: Mapped[int] = mapped_column(Integer)  # valid PM2.5 days
    complete: Mapped[bool] = mapped_column(Boolean)  # PM2.5 meets the HJ 663 completeness rule
    level_days: Mapped[str] = mapped_column(Text)  # JSON {level: days}
    completeness: Mapped[str] = mapped_column(Text)  # JSON per pollutant
    first_date: Mapped[date] = mapped_column(Date)
    last_date: Mapped[date] = mapped_column(Date)
    standard: Mapped[str] = mapped_column(String(32))


class AirImport(db.Model):
    """One imported file: what it contained, what changed, and the summary shown to the operator."""

    __tablename__ = "air_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    layout: Mapped[str] = mapped_column(String(32))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_imported: Mapped[int] = mapped_column(Integer)
    rows_unchanged: Mapped[int] = mapped_column(Integer)
    rows_skipped: Mapped[int] = mapped_column(Integer)
    overlaps: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)


class AirCorrection(db.Model):
    """A stored value that a later published file changed (a publisher's correction).

    The newer published value is what the site keeps and shows; this row says what it was, what
    it became, which file replaced it and when. `hour` is the publisher's hour label (Beijing
    time, 0–23) of an hourly value, NULL for a daily (city file) value.
    """

    __tablename__ = "air_correction"
    __table_args__ = (Index("ix_air_correction_station_date", "station", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station: Mapped[str] = mapped_column(String(16))
    date: Mapped[date] = mapped_column(Date)
    hour: Mapped[int | None] = mapped_column(Integer)
    # JSON {field: [old, new]} of the fields that changed; null = no value.
    changes: Mapped[str] = mapped_column(Text)
    old_source: Mapped[str] = mapped_column(String(255))  # file the replaced value came from
    new_source: Mapped[str] = mapped_column(String(255))  # file that replaced it
    import_id: Mapped[int | None] = mapped_column(Integer)  # air_import.id of the new file
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class AirAlert(db.Model):
    """A heavy-pollution weather alert (重污染天气预警) as issued by the authorities.

    Recorded by the plan office (staff role `publisher`, or `admin`) or `flask alert`. The site
    never infers an alert from observations: it shows what the issuing body published, with the
    document that says so.
    """

    __tablename__ = "air_alert"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    level: Mapped[str] = mapped_column(String(8))  # yellow | orange | red (domain.air.alerts.LEVELS)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # NULL: until lifted
    issuer: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))
    end_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(80))
