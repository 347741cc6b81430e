"""Air-quality tables: observations, derived daily and annual values, and the import log.

Times are Beijing time without a zone (as CNEMC publishes them). `station` holds a station code
(1162A) or, for city-level rows, the CNEMC city name (苏州); `kind` says which.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class AirHourly(db.Model):
    """One station-hour as published (the value stamped hh:00 is the mean of the hour ending then)."""

    __tablename__ = "air_hourly"
    __table_args__ = (UniqueConstraint("station", "time", name="uq_air_hourly_station_time"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station: Mapped[str] = mapped_column(String(16))
    time: Mapped[datetime] = mapped_column(DateTime)
    pm25: Mapped[float | None] = mapped_column(Float)
    pm10: Mapped[float | None] = mapped_column(Float)
    so2: Mapped[float | None] = mapped_column(Float)
    no2: Mapped[float | None] = mapped_column(Float)
    co: Mapped[float | None] = mapped_column(Float)
    o3: Mapped[float | None] = mapped_column(Float)
    so2_24h: Mapped[float | None] = mapped_column(Float)
    aqi_published: Mapped[int | None] = mapped_column(Integer)
    primary_published: Mapped[str | None] = mapped_column(String(64))
    aqi: Mapped[int | None] = mapped_column(Integer)  # recomputed; None when not computable
    level: Mapped[int | None] = mapped_column(Integer)
    primary: Mapped[str | None] = mapped_column(String(64))
    standard: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(255))  # file name the value came from
    precedence: Mapped[int] = mapped_column(Integer)


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
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_imported: Mapped[int] = mapped_column(Integer)
    rows_unchanged: Mapped[int] = mapped_column(Integer)
    rows_skipped: Mapped[int] = mapped_column(Integer)
    overlaps: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
