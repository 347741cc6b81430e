"""Tables of the staff desk's own security: server-side sessions, login throttling, audit log.

Instants are UTC (`clock.UTCDateTime`, docs/time.md). Staff accounts themselves live with the
tips (`cleanair.report.models.StaffUser`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import UTCDateTime
from ..extensions import db


class StaffSession(db.Model):
    """One login. The cookie holds a random token; only its SHA-256 is stored, so a copy of
    this table opens nothing. A session ends for good (logout, account disabled, password
    changed, idle, too old): a copied cookie stops working at that moment."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # logout | disabled | password_changed | idle | expired
    end_reason: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")


class LoginThrottle(db.Model):
    """Failed logins for one account name from one client address (keyed by a hash of both), so
    nobody can lock an account for its owner by failing on purpose from elsewhere."""

    __tablename__ = "staff_login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StaffAuditEvent(db.Model):
    """Audit log of the desk itself (logins, logouts, exports, account changes): who, what,
    when, from where. Append-only like the tips' audit log; tip-level events stay in tip_events."""

    __tablename__ = "staff_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The staff username, or the name typed in a failed login (it may not exist).
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(30))
    address: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


@event.listens_for(StaffAuditEvent, "before_update")
@event.listens_for(StaffAuditEvent, "before_delete")
def _audit_log_is_append_only(mapper, connection, target) -> None:
    raise RuntimeError("the staff audit log is append-only")
