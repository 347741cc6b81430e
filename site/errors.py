"""Error pages in the visitor's language; JSON errors for JSON twins."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .twins import json_response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if request.path.endswith(".json"):
            return json_response({"error": exc.name, "status": exc.code}, status=exc.code or 500)
        titles = {400: _("Bad request"), 403: _("Not allowed"), 404: _("Page not found"),
                  405: _("Method not allowed"), 413: _("Upload too large"), 429: _("Too many requests"),
                  500: _("Something went wrong")}
        messages = {
            400: _("The request could not be understood. Check the address or the form and try again."),
            403: _("You are not allowed to do this."),
            404: _("There is no page at this address. It may have moved, or the link may be wrong."),
            413: _("What you sent is larger than this site accepts."),
            429: _("You have sent too many requests in a short time. Please wait a moment and try again."),
            500: _("The site could not answer this request. Please try again later."),
        }
        if isinstance(exc, CSRFError):
            message = _("This form has expired or was not sent from this site's page. Go back, reload the page and send it again.")
        elif exc.description != type(exc).description:
            message = exc.description  # written by this site (and translated where it was raised)
        else:
            # Werkzeug's own descriptions are English only: never show them on a Chinese page.
            message = messages.get(exc.code, "")
        return (
            render_template(
                "errors.html",
                code=exc.code,
                title=titles.get(exc.code, _("Error %(code)s", code=exc.code)),
                message=message,
            ),
            exc.code,
        )
