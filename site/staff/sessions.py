"""Staff sessions kept on the server, so that they can end: logout, account disabled, password
changed, idle too long, too old. The signed session cookie only carries a random token; the
table holds its SHA-256. A cookie copied before any of these stops working at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, request, session
from sqlalchemy import select, update

from .. import clock
from ..extensions import db
from ..report.models import StaffUser
from .audit import client_address
from .models import StaffSession

COOKIE_KEY = "staff_session"
# last_seen_at is written at most this often (not on every request).
TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _limits() -> tuple[timedelta, timedelta]:
    cfg = current_app.config
    return timedelta(minutes=int(cfg["STAFF_IDLE_MINUTES"])), timedelta(hours=int(cfg["STAFF_SESSION_HOURS"]))


def start(user: StaffUser) -> StaffSession:
    """A new session for `user` (after a login); nothing of the visitor's earlier session carries over."""
    token = secrets.token_urlsafe(32)
    now = clock.now_utc()
    row = StaffSession(token_hash=_hash(token), user_id=user.id, created_at=now, last_seen_at=now,
                       address=client_address(), user_agent=(request.user_agent.string or "")[:200])
    db.session.add(row)
    session.clear()
    session[COOKIE_KEY] = token
    session.permanent = False
    return row


def current() -> tuple[StaffSession, StaffUser] | None:
    """The open session of this request and its user, or None. Ends stale sessions as it finds them."""
    token = session.get(COOKIE_KEY)
    if not isinstance(token, str) or not token:
        return None
    row = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
    if row is None or row.ended_at is not None:
        return None
    now = clock.now_utc()
    idle, lifetime = _limits()
    user = db.session.get(StaffUser, row.user_id)
    reason = ("disabled" if user is None or not user.active else "expired" if now - row.created_at > lifetime
              else "idle" if now - row.last_seen_at > idle else None)
    if reason:
        _end(row, reason, now)
        db.session.commit()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return row, user


def _end(row: StaffSession, reason: str, now: datetime) -> None:
    row.ended_at = now
    row.end_reason = reason


def end_current(reason: str = "logout") -> None:
    """End this request's session (logout) and forget the cookie's token (the caller commits)."""
    token = session.get(COOKIE_KEY)
    if isinstance(token, str) and token:
        row = db.session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
        if row is not None and row.ended_at is None:
            _end(row, reason, clock.now_utc())
    session.clear()


def end_all(user_id: int, reason: str, keep: StaffSession | None = None) -> int:
    """End every open session of a user (disabled, password changed), except `keep`; returns how
    many were ended (the caller commits)."""
    q = update(StaffSession).where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
    if keep is not None:
        q = q.where(StaffSession.id != keep.id)
    result = db.session.execute(q.values(ended_at=clock.now_utc(), end_reason=reason))
    return int(result.rowcount or 0)
