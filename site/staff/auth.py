"""Staff accounts: creation, password checks and changes, disabling.

Failed logins are slowed down per account name and address (`throttle`), not by locking the
account; sessions live on the server (`sessions`) and end when the password changes or the
account is disabled.
"""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..report import secrets_
from ..report.models import StaffUser
from ..report.service import now
from . import audit, sessions
from .models import StaffSession

MIN_PASSWORD = 12


class AccountError(ValueError):
    pass


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password must be at least {MIN_PASSWORD} characters")


def create_user(username: str, password: str, role: str) -> StaffUser:
    from .guards import ROLES

    username = username.strip()
    if not username or len(username) > 80:
        raise AccountError("username must be 1–80 characters")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    check_password_rules(password)
    if db.session.scalar(select(StaffUser).where(StaffUser.username == username)):
        raise AccountError(f"user {username!r} exists")
    user = StaffUser(username=username, password_hash=secrets_.hash_secret(password), role=role, active=True,
                     created_at=now())
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(username: str, password: str) -> StaffUser | None:
    """The active account with this name and password, else None. An unknown or disabled name
    costs the same time as a wrong password, and gets the same answer."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if user is None or not user.active:
        secrets_.verify_secret(secrets_.DUMMY_HASH, password)  # same time as a real check
        return None
    if not secrets_.verify_secret(user.password_hash, password):
        return None
    if secrets_.hasher.check_needs_rehash(user.password_hash):
        user.password_hash = secrets_.hash_secret(password)
    user.last_login_at = now()
    return user


def set_password(user: StaffUser, password: str, keep: StaffSession | None = None) -> int:
    """New password; every other session of the account ends. Returns how many ended. Commits."""
    check_password_rules(password)
    user.password_hash = secrets_.hash_secret(password)
    ended = sessions.end_all(user.id, "password_changed", keep=keep)
    audit.record("password_changed", user.username, f"{ended} other session(s) ended", commit=False)
    db.session.commit()
    return ended


def disable(username: str, actor: str) -> int:
    """Disable an account (kept for the audit logs) and end its sessions. Commits."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None:
        raise AccountError(f"no user {username!r}")
    user.active = False
    ended = sessions.end_all(user.id, "disabled")
    audit.record("account_disabled", actor, f"{username}: {ended} session(s) ended", commit=False)
    db.session.commit()
    return ended
