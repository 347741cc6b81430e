"""Time on the site: one rule, written out in docs/time.md.

- An *instant* (a tip received, a login, an import, an alert's start) is stored in UTC. Columns
  holding instants use `UTCDateTime`, which refuses naive values on the way in and hands back
  aware UTC values on the way out, so SQLite and PostgreSQL behave the same.
- An *observation hour* of the air-quality publisher is a civil label on Beijing time (UTC+8,
  no daylight saving): "hour 23 of 2022-01-04". It is stored naive, as published, and becomes
  an instant only through `observation_instant`.
- People read Suzhou time (`SITE_TIMEZONE`, default Asia/Shanghai), formatted on the server.
  Machine outputs (JSON, CSV, Atom) carry an explicit offset: `isoformat` below.

No Flask import at module level: the domain and the CLI use these functions too.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

DEFAULT_ZONE = "Asia/Shanghai"
# The publisher's clock (CNEMC hour labels): China Standard Time, a fixed offset.
BEIJING = timezone(timedelta(hours=8), "CST")


class NaiveDateTimeError(TypeError):
    """A naive datetime reached a place that needs an instant (its zone would be a guess)."""


def site_zone() -> tzinfo:
    """The zone people read times in: the app's SITE_TIMEZONE inside an app, else Asia/Shanghai."""
    try:
        from flask import current_app, has_app_context
    except ImportError:  # pragma: no cover - flask is always installed with the site
        return ZoneInfo(DEFAULT_ZONE)
    if has_app_context():
        return ZoneInfo(current_app.config.get("SITE_TIMEZONE") or DEFAULT_ZONE)
    return ZoneInfo(DEFAULT_ZONE)


def now_utc() -> datetime:
    """The current instant, aware, in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def _require_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDateTimeError(
            f"{value!r} has no time zone; instants must be aware (see cleanair.clock)"
        )
    return value


def to_local(value: datetime, zone: tzinfo | None = None) -> datetime:
    """An instant as Suzhou wall-clock time (aware). Naive values are refused, never guessed."""
    return _require_aware(value).astimezone(zone or site_zone())


def local_date(value: datetime, zone: tzinfo | None = None) -> date:
    """The Suzhou calendar day an instant falls on."""
    return to_local(value, zone).date()


def from_local(value: datetime, zone: tzinfo | None = None) -> datetime:
    """A wall-clock time a person typed in Suzhou time (naive) as an aware instant."""
    if value.tzinfo is not None:
        return value
    return value.replace(tzinfo=zone or site_zone())


def observation_instant(hour_label: datetime) -> datetime:
    """A publisher's hour label (naive, Beijing time) as an aware instant."""
    if hour_label.tzinfo is not None:
        return hour_label
    return hour_label.replace(tzinfo=BEIJING)


def isoformat(value: datetime, zone: tzinfo | None = None) -> str:
    """Machine form with an explicit offset in the site's zone, e.g. 2026-12-05T08:15:00+08:00."""
    return to_local(value, zone).isoformat(timespec="seconds")


def isoformat_utc(value: datetime) -> str:
    """Machine form in UTC with a `Z`, e.g. 2026-12-05T00:15:00Z (Atom ids, generated_at)."""
    return _require_aware(value).astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class UTCDateTime(TypeDecorator):
    """An instant column: stored as naive UTC (portable), read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return _require_aware(value).astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:  # a driver that returns aware values already
            return value.astimezone(UTC)
        return value.replace(tzinfo=UTC)
