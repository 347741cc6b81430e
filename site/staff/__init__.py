"""The staff desk (blueprint `staff`, everything under /staff, every route behind a login)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.record_once
def _setup(state) -> None:
    from .cli import register

    register(state.app)


from . import (
    alerts,  # noqa: F401  (heavy-pollution alerts: plan office)
    guards,  # noqa: F401  (installs the login check on the blueprint)
    progress,  # noqa: F401  (the progress desk: editors and the plan office)
    labels,  # noqa: F401  (template globals that put stored codes into words)
    routes,  # noqa: F401
)
