from __future__ import annotations

from flask import current_app

from ..twins import json_response
from . import bp
from .openapi import build_openapi


@bp.route("/openapi.json")
def openapi():
    spec = current_app.extensions.get("cleanair.openapi")
    if spec is None:
        # Built once per process: the URL map does not change after start-up.
        spec = build_openapi(current_app.url_map, "Suzhou Clean Air Plan — open data API", "1")
        current_app.extensions["cleanair.openapi"] = spec
    return json_response(spec)
