"""Error pages in the visitor's language; JSON errors for JSON twins."""

from __future__ import annotations

from flask import Flask, Response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from .ratelimits import retry_after
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
        code = exc.code or 500
        # Headers the status needs: Allow on a 405, Retry-After on a 429 or 503.
        headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        if code == 429 and not any(k.lower() == "retry-after" for k, _v in headers):
            wait = retry_after()
            headers += [("Retry-After", str(wait))] if wait else []
        if request.path.endswith(".json"):
            resp = json_response({"error": exc.name, "status": code}, status=code)
            resp.headers.extend(headers)
            return resp
        titles = {
            400: _("The request could not be understood"), 403: _("Not allowed"), 404: _("Page not found"),
            405: _("Method not allowed"), 413: _("Upload too large"), 429: _("Too many requests"),
            500: _("Something went wrong on our side"),
        }
        messages = {
            400: _("Something in the address or the form is not valid. Check it and try again."),
            403: _("You do not have permission to do this."),
            404: _("There is no page at this address. It may have moved, or the link may be wrong."),
            405: _("This address cannot be used that way."),
            413: _("What you sent is larger than this site accepts."),
            429: _("You have sent too many requests in a short time. Please wait a moment and try again."),
            500: _("The error has been logged. Please try again later."),
        }
        # A description given to abort() by this site (in the visitor's language) says more than
        # the general message; the English defaults of Werkzeug, Flask-WTF and Flask-Limiter
        # never reach the page. 404 and 429 always get the general message.
        given = exc.description if exc.description != type(exc).description and code not in (404, 429) else None
        if isinstance(exc, CSRFError):
            given = _("This form has expired. Go back, reload the page and send it again.")
        return (
            render_template(
                "errors.html",
                code=code,
                title=titles.get(code, exc.name),
                message=given or messages.get(code, _("The request could not be completed.")),
            ),
            code,
            headers,
        )
