"""Embeds: no JavaScript, the number with its status, date and source, and a link back."""

from __future__ import annotations

import importlib
from typing import Any

from flask import abort, current_app, render_template

from ..domain import plan_records as pr
from ..history.views import absolute, data_version
from ..services import plan, site_data, today
from . import bp

# Cities as CNEMC files them; the embed shows 苏州 city-proper stations (issue 3's default city).
CITY = "苏州"


@bp.route("/targets/<slug>")
def target(slug: str):
    p = plan()
    t = p.target(slug)
    if t is None:
        abort(404)
    record = pr.target_record(p, t, site_data().indicator_values(slug), today())
    return render_template("embed/target.html", target=t, record=record,
                           page_url=absolute(f"/targets/{slug}"), version=data_version())


def air_service() -> Any | None:
    """The air engine's service module (issue 3), or None while it is not installed.

    Installed means importable AND its blueprint registered (the service keeps its state there).
    """
    if "air.index" not in current_app.view_functions:
        return None
    try:
        return importlib.import_module("cleanair.air.service")
    except ImportError:
        return None


def air_summary(service: Any | None) -> dict[str, Any]:
    """City-proper stations with their latest readings (background station excluded)."""
    if service is None:
        return {"available": False, "city": None, "rows": [], "latest": None, "stale": False}
    readings = service.latest_readings()
    stations = [s for s in service.station_registry() if s.city == CITY and not s.background]
    rows = [(s, readings[s.code]) for s in stations if s.code in readings]
    latest = max((r.time for _, r in rows), default=None)
    return {
        "available": True,
        # The engine may also publish the city value under the city's name (issue 3).
        "city": readings.get(CITY),
        "rows": rows,
        "latest": latest,
        "stale": any(r.stale for _, r in rows),
    }


@bp.route("/air")
def air():
    summary = air_summary(air_service())
    return render_template("embed/air.html", summary=summary, page_url=absolute("/air"), version=data_version())
