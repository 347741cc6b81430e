"""Every access rule of the staff desk, in one place.

`bp.before_request` makes login the default for every /staff route (a route added later cannot
forget it); only the endpoints in PUBLIC_ENDPOINTS skip it. Role checks are decorators.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..report.models import StaffUser
from . import bp

ROLES = ("reviewer", "admin")
# What only the plan office may do (heavy-pollution alerts, publishing): role `publisher` (added
# with the progress work) or `admin`.
PUBLISHER_ROLES = ("publisher", "admin")
PUBLIC_ENDPOINTS = {"staff.login"}
SESSION_KEY = "staff_id"
SESSION_STARTED = "staff_since"
SESSION_HOURS = 8


def current_staff() -> StaffUser | None:
    if "staff_user" not in g:
        user = None
        staff_id = session.get(SESSION_KEY)
        started = session.get(SESSION_STARTED)
        if staff_id and started:
            fresh = datetime.fromisoformat(started) > datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=SESSION_HOURS)
            user = db.session.get(StaffUser, staff_id) if fresh else None
            if user is not None and not user.active:
                user = None
        g.staff_user = user
    return g.staff_user


def start_session(user: StaffUser) -> None:
    session.clear()  # a new session at login: nothing from before carries over
    session[SESSION_KEY] = user.id
    session[SESSION_STARTED] = datetime.now(UTC).replace(tzinfo=None).isoformat()
    session.permanent = False


def end_session() -> None:
    session.pop(SESSION_KEY, None)
    session.pop(SESSION_STARTED, None)


@bp.before_request
def require_login():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_staff() is None:
        return redirect(url_for("staff.login", next=request.full_path.rstrip("?")), 303)
    return None


@bp.after_request
def no_store(resp):
    # Staff pages hold personal data: never cache them (framing is decided in cleanair.security).
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    return resp


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Explicit marker (the blueprint hook already enforces it)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_staff() is None:
            return redirect(url_for("staff.login"), 303)
        return view(*args, **kwargs)

    return wrapper


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = current_staff()
        if user is None:
            return redirect(url_for("staff.login"), 303)
        if user.role != "admin":
            abort(403, _("Only administrators can do this."))
        return view(*args, **kwargs)

    return wrapper


def login_limit() -> str:
    return current_app.config["STAFF_LOGIN_LIMIT"]


def publisher_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """The plan office's actions: `publisher` or `admin`."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = current_staff()
        if user is None:
            return redirect(url_for("staff.login"), 303)
        if user.role not in PUBLISHER_ROLES:
            abort(403, _("Only the plan office (publisher) or an administrator can do this."))
        return view(*args, **kwargs)

    return wrapper
