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

ROLES = ("reviewer", "admin", "editor", "publisher")
# Two desks behind one login: tips (reviewer, admin) and progress (editor, publisher = the plan
# office, admin; docs/progress.md). A role sees only its desk; `admin` keeps every right.
TIP_ROLES = frozenset({"reviewer", "admin"})
PROGRESS_ROLES = frozenset({"editor", "publisher", "admin"})
PUBLISHING_ROLES = frozenset({"publisher", "admin"})
PROGRESS_ENDPOINT_PREFIX = "staff.progress"
# Heavy-pollution alerts are the plan office's (docs/air.md).
ALERTS_ENDPOINT_PREFIX = "staff.alerts"
PUBLIC_ENDPOINTS = {"staff.login"}
ANY_ROLE_ENDPOINTS = {"staff.logout", "staff.account"}


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
    user = current_staff()
    if user is None:
        return redirect(url_for("staff.login", next=request.full_path.rstrip("?")), 303)
    endpoint = request.endpoint or ""
    if endpoint in ANY_ROLE_ENDPOINTS:
        return None
    # Deny by default: every staff route belongs to the tips desk unless it is a progress route.
    if endpoint.startswith(PROGRESS_ENDPOINT_PREFIX):
        desk = PROGRESS_ROLES
    elif endpoint.startswith(ALERTS_ENDPOINT_PREFIX):
        desk = PUBLISHING_ROLES
    else:
        desk = TIP_ROLES
    if user.role not in desk:
        if endpoint == "staff.queue" and user.role in PROGRESS_ROLES:
            return redirect(url_for("staff.progress_list"), 303)  # their start page after login
        abort(403, _("Your account has no access to this part of the staff desk."))
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


def publisher_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Publishing and sending back: the plan office (publisher) and admins only."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = current_staff()
        if user is None:
            return redirect(url_for("staff.login"), 303)
        if user.role not in PUBLISHING_ROLES:
            abort(403, _("Only the plan office can publish or send back."))
        return view(*args, **kwargs)

    return wrapper


def login_limit() -> str:
    return current_app.config["STAFF_LOGIN_LIMIT"]

