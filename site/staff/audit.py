"""The staff desk's audit log: logins (failed ones too), logouts, exports, account changes.

Events about one tip (status changes, contact details or photos shown) stay in that tip's own
log (`tip_events`), where the tip's page shows them.
"""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import select

from .. import clock
from ..extensions import db
from .models import StaffAuditEvent

ACTIONS = ("login", "login_failed", "login_throttled", "logout", "password_changed", "account_disabled", "export",
           "export_personal")


def client_address() -> str:
    """The client's address as the app sees it (behind TRUSTED_PROXIES: the real client)."""
    return (request.remote_addr or "")[:64] if has_request_context() else "cli"


def record(action: str, actor: str, detail: str = "", commit: bool = True) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    db.session.add(StaffAuditEvent(at=clock.now_utc(), actor=(actor or "")[:80], action=action,
                                   address=client_address(), detail=detail))
    if commit:
        db.session.commit()


def recent(limit: int, offset: int = 0) -> list[StaffAuditEvent]:
    q = select(StaffAuditEvent).order_by(StaffAuditEvent.id.desc()).limit(limit).offset(offset)
    return list(db.session.scalars(q))
