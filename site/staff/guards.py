"""Every access rule of the staff desk, in one place.

`bp.before_request` makes login the default for every /staff route (a route added later cannot
forget it); only the endpoints in PUBLIC_ENDPOINTS skip it. Role checks are decorators.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, g, redirect, request, url_for
from flask_babel import gettext as _

from ..report.models import StaffUser
from . import bp, sessions
from .models import StaffSession

ROLES = ("reviewer", "admin")
PUBLIC_ENDPOINTS = {"staff.login"}


def current_staff() -> StaffUser | None:
    """The signed-in staff member: an open server-side session (cleanair.staff.sessions)."""
    if "staff_user" not in g:
        found = sessions.current()
        g.staff_session, g.staff_user = found if found else (None, None)
    return g.staff_user


def current_session() -> StaffSession | None:
    current_staff()
    return g.staff_session


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
