"""Heavy-pollution alerts: recording (staff desk, `flask alert`) and reading (banner, /alerts, maps).

The rules (levels, input checks, "in force") are in `cleanair.domain.air.alerts`. Here: the
table, a per-process cache keyed by a version that any write changes (so every worker, and a
write from the command line, is noticed within the page cache's version interval), and the
functions pages call. Whether an alert is in force is judged at each call, never cached: an
alert recorded ahead of time starts, and a lifted one ends, without any write.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from .. import clock
from ..domain.air import alerts as rules
from ..extensions import db
from .models import AirAlert


@dataclass(frozen=True)
class Alert:
    """A recorded alert, detached from the database session (safe to cache and share)."""

    id: int
    level: str
    starts_at: datetime
    ends_at: datetime | None
    issuer: str
    title: str
    url: str
    created_at: datetime
    created_by: str
    end_recorded_at: datetime | None
    ended_by: str | None

    @property
    def info(self) -> rules.Level:
        return rules.LEVELS[self.level]


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: str | None = None
        self.alerts: tuple[Alert, ...] = ()


def _state() -> _State:
    return current_app.extensions.setdefault("air_alerts", _State())


def version() -> str:
    """Changes whenever an alert is recorded or ended (one small query)."""
    t = AirAlert.__table__
    count, last, ended = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(t.c.id), sa.func.max(t.c.end_recorded_at))).one()
    return f"alerts-{count}-{last}-{ended or ''}"


def all_alerts() -> tuple[Alert, ...]:
    """Every recorded alert, newest start first; reloaded only when the version changed."""
    st = _state()
    current = version()
    with st.lock:
        if st.version == current:
            return st.alerts
    rows = db.session.scalars(sa.select(AirAlert).order_by(AirAlert.starts_at.desc(), AirAlert.id.desc())).all()
    loaded = tuple(Alert(**{f: getattr(r, f) for f in Alert.__dataclass_fields__}) for r in rows)
    with st.lock:
        st.version, st.alerts = current, loaded
    return loaded


def cached_alerts() -> tuple[Alert, ...]:
    """The alerts as last loaded, without a query (for the page-cache key on every request)."""
    return _state().alerts


def active(now: datetime | None = None) -> list[Alert]:
    """Alerts in force now (most severe first); [] when the alert table cannot be read."""
    try:
        found = all_alerts()
    except SQLAlchemyError:
        # The banner is on every page, error pages included: a database problem must not
        # turn into a second error here.
        db.session.rollback()
        return []
    return rules.active(found, now or _now())


def active_token() -> str:
    """Which alerts are in force now, from the cached list (no query): part of every page-cache key."""
    return ",".join(str(a.id) for a in rules.active(cached_alerts(), _now())) or "none"


def in_force_on(day: date) -> list[Alert]:
    return rules.in_force_on(all_alerts(), day)


def get(alert_id: int) -> Alert | None:
    return next((a for a in all_alerts() if a.id == alert_id), None)


def _now() -> datetime:
    from .service import now

    return now()


def _invalidate() -> None:
    st = _state()
    with st.lock:
        st.version = None
    from ..pagecache import cache_of

    cache_of(current_app).refresh()  # pages in this process show the change at once


def issue(level: str, starts_at: datetime | None, ends_at: datetime | None, issuer: str, title: str, url: str,
          actor: str) -> Alert:
    """Record an alert; AlertInputError (by field) when it cannot be recorded."""
    problems = rules.check(level, starts_at, ends_at, issuer, title, url)
    if problems:
        raise rules.AlertInputError(problems)
    row = AirAlert(level=level, starts_at=starts_at, ends_at=ends_at, issuer=issuer.strip(), title=title.strip(),
                   url=url.strip(), created_at=clock.now_utc(), created_by=actor,
                   end_recorded_at=clock.now_utc() if ends_at else None, ended_by=actor if ends_at else None)
    db.session.add(row)
    db.session.commit()
    _invalidate()
    return get(row.id)  # type: ignore[return-value]


def end(alert_id: int, at: datetime, actor: str) -> Alert:
    """Record when an open alert was lifted; LookupError / AlertInputError otherwise."""
    row = db.session.get(AirAlert, alert_id)
    if row is None:
        raise LookupError(f"no alert {alert_id}")
    problem = rules.check_end(row.starts_at, row.ends_at, at)
    if problem:
        raise rules.AlertInputError({"end": problem})
    row.ends_at, row.end_recorded_at, row.ended_by = at, clock.now_utc(), actor
    db.session.commit()
    _invalidate()
    return get(alert_id)  # type: ignore[return-value]


def record(a: Alert, now: datetime) -> dict:
    """The open-data record of an alert (JSON, CSV, pages)."""
    info = a.info
    return {"id": a.id, "level": a.level, "level_name_zh": info.name_zh, "level_name_en": info.name_en,
            "response_level": info.response, "status": rules.status(a, now), "starts_at": a.starts_at,
            "ends_at": a.ends_at, "issuer": a.issuer, "title": a.title, "url": a.url, "recorded_at": a.created_at}


def page_version() -> str:
    """Page-cache version provider: reloads the alerts when they changed, returns their version."""
    try:
        all_alerts()
    except SQLAlchemyError:
        db.session.rollback()  # table not there yet (database not upgraded): pages still render
        return "alerts-unavailable"
    return _state().version or "alerts-none"
