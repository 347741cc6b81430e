"""Error pages in the visitor's language; JSON errors for JSON twins."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, SecurityError

from .twins import json_response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(SecurityError)
    def untrusted_host(exc: SecurityError):
        # A Host outside TRUSTED_HOSTS: no page can be built for it (links need the URL map bound
        # to a trusted host), so the answer is plain text.
        return Response("400 Bad Request: this site does not answer to that host name.\n", 400,
                        content_type="text/plain; charset=utf-8")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.endswith(".json"):
            return json_response({"error": exc.name, "status": exc.code}, status=exc.code or 500)
        titles = {404: _("Page not found"), 405: _("Method not allowed"), 413: _("Upload too large"), 429: _("Too many requests")}
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
