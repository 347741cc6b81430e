"""HTTP security headers. For now only the framing rule (issue 7); issue 6 extends this module
with the full Content-Security-Policy — keep one place that decides what may be framed.
"""

from __future__ import annotations

from flask import Flask, Response, request

# Blueprints whose pages are meant to be shown inside other sites' <iframe>s.
EMBEDDABLE_BLUEPRINTS = frozenset({"embed"})


def is_embeddable(endpoint: str | None) -> bool:
    return bool(endpoint) and endpoint.split(".", 1)[0] in EMBEDDABLE_BLUEPRINTS


def _with_directive(csp: str | None, directive: str) -> str:
    """Set one CSP directive, replacing an earlier value of it and keeping the others."""
    name = directive.split(" ", 1)[0]
    kept = [d.strip() for d in (csp or "").split(";") if d.strip() and d.strip().split(" ", 1)[0] != name]
    return "; ".join([*kept, directive])


def apply_framing_policy(response: Response, embeddable: bool) -> Response:
    """Embeds may be framed by any site; every other page only by this site.

    `frame-ancestors` is the modern rule; X-Frame-Options covers old browsers (and must be absent
    on embeds, because it cannot express "any origin").
    """
    csp = response.headers.get("Content-Security-Policy")
    if embeddable:
        response.headers["Content-Security-Policy"] = _with_directive(csp, "frame-ancestors *")
        response.headers.pop("X-Frame-Options", None)
    else:
        response.headers["Content-Security-Policy"] = _with_directive(csp, "frame-ancestors 'self'")
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def init_app(app: Flask) -> None:
    @app.after_request
    def _framing(response: Response) -> Response:
        return apply_framing_policy(response, is_embeddable(request.endpoint))
