"""Staff accounts: creation, password checks with lock-out after repeated failures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..report import secrets_
from ..report.models import StaffUser
from ..report.service import now

MIN_PASSWORD = 12


class AccountError(ValueError):
    pass


def create_user(username: str, password: str, role: str) -> StaffUser:
    from .guards import ROLES

    username = username.strip()
    if not username or len(username) > 80:
        raise AccountError("username must be 1–80 characters")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password must be at least {MIN_PASSWORD} characters")
    if db.session.scalar(select(StaffUser).where(StaffUser.username == username)):
        raise AccountError(f"user {username!r} exists")
    user = StaffUser(username=username, password_hash=secrets_.hash_secret(password), role=role, active=True,
                     created_at=now(), failed_logins=0)
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(username: str, password: str, max_failures: int, lock_minutes: int) -> tuple[StaffUser | None, str]:
    """(user, "") on success, else (None, reason) with reason 'invalid' or 'locked'."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if user is None or not user.active:
        secrets_.verify_secret(secrets_.DUMMY_HASH, password)  # same time as a real check
        return None, "invalid"
    current = now()
    if user.locked_until and user.locked_until > current:
        return None, "locked"
    if not secrets_.verify_secret(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= max_failures:
            user.locked_until = current + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
        db.session.commit()
        return None, "invalid"
    if secrets_.hasher.check_needs_rehash(user.password_hash):
        user.password_hash = secrets_.hash_secret(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = current
    db.session.commit()
    return user, ""


