"""Error pages in the visitor's language; JSON errors for JSON twins."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from .twins import json_response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.endswith(".json"):
            return json_response({"error": exc.name, "status": exc.code}, status=exc.code or 500)
        titles = {400: _("The request could not be understood"), 403: _("Not allowed"), 404: _("Page not found"), 405: _("Method not allowed"), 413: _("Upload too large"), 429: _("Too many requests")}
        messages = {
            404: _("There is no page at this address. It may have moved, or the link may be wrong."),
            413: _("What you sent is larger than this site accepts."),
            429: _("You have sent too many requests in a short time. Please wait a moment and try again."),
        }
        return (
            render_template(
                "errors.html",
                code=exc.code,
                title=titles.get(exc.code, exc.name),
                message=messages.get(exc.code, exc.description),
            ),
            exc.code,
        )
