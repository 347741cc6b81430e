"""Tables of the change history and data releases (migration 0004_history)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import UTCDateTime
from ..extensions import db


class HistorySnapshot(db.Model):
    """The last loaded canonical records of one tracked source (see SOURCES in domain.history)."""

    __tablename__ = "history_snapshot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40), unique=True)
    digest: Mapped[str] = mapped_column(String(64))
    records: Mapped[str] = mapped_column(Text)  # JSON {entity key: {field: value}}
    baseline_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DataRelease(db.Model):
    """A dated, numbered snapshot of every download (created when the data changes)."""

    __tablename__ = "history_release"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    released_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(Text, default="")
    change_count: Mapped[int] = mapped_column(Integer, default=0)


class HistoryChange(db.Model):
    """One field of one entity that changed between two loads of a data file."""

    __tablename__ = "history_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(200), index=True)
    field: Mapped[str] = mapped_column(String(80), default="")  # "" = record added/removed
    old_value: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON
    new_value: Mapped[str | None] = mapped_column(Text, nullable=True)  # JSON
    effective_date: Mapped[date] = mapped_column(Date, index=True)
    change_source: Mapped[str] = mapped_column(Text, default="")
    change_source_url: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    target: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    task: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    department: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    district: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    release_id: Mapped[int | None] = mapped_column(ForeignKey("history_release.id"), nullable=True)


class ReleaseFile(db.Model):
    """One download as it was served when a release was cut, with its SHA-256."""

    __tablename__ = "history_release_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("history_release.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(80))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
