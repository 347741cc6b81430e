"""Machine-readable description of the site's JSON endpoints (`/api/openapi.json`)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api")

from . import routes  # noqa: E402,F401
