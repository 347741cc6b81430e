"""Operations endpoints for load balancers and monitoring (not linked from pages)."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import text

from ..extensions import db
from ..twins import json_response

bp = Blueprint("ops", __name__)


@bp.route("/healthz")
def healthz():
    """200 when the app can reach its database, 503 otherwise (so a proxy can take it out)."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means "not healthy"
        db.session.rollback()
        return json_response({"status": "error", "database": type(exc).__name__}, status=503)
    return json_response({"status": "ok", "database": "ok"})


@bp.route("/healthz/data")
def healthz_data():
    """Freshness of the air data for monitoring: 200 when the city's newest observation is within
    AIR_STALE_MINUTES, 503 when it is older or there is none (so a monitor can alert)."""
    from flask import current_app

    if "air" not in current_app.blueprints:
        return json_response({"status": "error", "error": "the air-quality engine is not part of this app"}, status=503)
    from ..air import service

    try:
        report = service.data_freshness()
    except Exception as exc:  # the database is unreachable: not fresh, and say why
        db.session.rollback()
        return json_response({"status": "error", "database": type(exc).__name__}, status=503)
    resp = json_response(report, status=200 if report["status"] == "ok" else 503)
    resp.headers["Cache-Control"] = "no-store"  # a monitor must see now, not a copy
    return resp


@bp.route("/healthz/live")
def live():
    """Liveness only (no database): also the trivial endpoint the throughput benchmark compares with."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on pages without a <link rel=icon> (JSON, CSV, feeds)."""
    from flask import redirect

    from ..templating import asset_url

    return redirect(asset_url("img/favicon.svg"), code=301)
