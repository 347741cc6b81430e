"""Growing waits after failed staff logins, per account name and client address.

A lock per account would let anyone keep its owner out by failing on purpose; a wait per
(account name, address) slows a guesser down without touching the owner's own address. The
account name is taken as typed (lower-cased), whether or not the account exists, so the
answer never tells which accounts exist.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete

from .. import clock
from ..extensions import db
from .models import LoginThrottle

# Failures older than this are forgotten (and their rows removed).
FORGET_AFTER = timedelta(days=1)


def delay_after(failures: int, free: int, base_seconds: int, max_seconds: int) -> int:
    """Seconds the next attempt must wait after `failures` failed ones: none for the first
    `free`, then base, 2x base, 4x base ... up to max_seconds."""
    if failures <= free:
        return 0
    return min(max_seconds, base_seconds * 2 ** min(failures - free - 1, 30))


def key(username: str, address: str) -> str:
    return hashlib.sha256(f"{username.strip().lower()}\0{address}".encode()).hexdigest()


def wait_seconds(username: str, address: str, now: datetime | None = None) -> int:
    """0 when an attempt may be made now, else the seconds left to wait."""
    row = db.session.get(LoginThrottle, key(username, address))
    now = now or clock.now_utc()
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return 0
    return max(1, int((row.blocked_until - now).total_seconds() + 0.999))


def record_failure(username: str, address: str, free: int, base_seconds: int, max_seconds: int) -> int:
    """Count a failed login; returns the wait now imposed (seconds). Commits."""
    now = clock.now_utc()
    k = key(username, address)
    row = db.session.get(LoginThrottle, k)
    if row is None or now - row.last_failure_at > FORGET_AFTER:
        if row is not None:
            db.session.delete(row)
            db.session.flush()
        row = LoginThrottle(key=k, failures=0, last_failure_at=now)
        db.session.add(row)
    row.failures += 1
    row.last_failure_at = now
    wait = delay_after(row.failures, free, base_seconds, max_seconds)
    row.blocked_until = now + timedelta(seconds=wait) if wait else None
    # Forget old failures of every account, so the table stays small.
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - FORGET_AFTER))
    db.session.commit()
    return wait


def clear(username: str, address: str) -> None:
    """A successful login starts afresh (the caller commits)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key(username, address)))
