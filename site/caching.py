"""HTTP caching: ETags and revalidation for pages and data twins, never for private pages.

Pages are rendered from data that changes only on import or deploy, so a strong ETag of the
body lets browsers, proxies and data scrapers revalidate with a cheap 304.
"""

from __future__ import annotations

from flask import Flask, Response, request

PRIVATE_BLUEPRINTS = frozenset({"staff"})
# Pages with personal or per-visitor content (forms with CSRF tokens, tip status) are not shared.
NO_SHARED_CACHE_ENDPOINTS = frozenset({"report.form", "report.status", "report.receipt", "report.track"})
PUBLIC_MAX_AGE = 60


def init_app(app: Flask) -> None:
    @app.after_request
    def _cache_headers(response: Response) -> Response:
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or response.direct_passthrough:
            return response
        blueprint = request.blueprint or ""
        if blueprint in PRIVATE_BLUEPRINTS:
            if "no-store" not in response.headers.get("Cache-Control", ""):
                response.headers["Cache-Control"] = "private, no-store"
            return response
        if "Cache-Control" not in response.headers:
            private = request.endpoint in NO_SHARED_CACHE_ENDPOINTS or "Set-Cookie" in response.headers
            response.headers["Cache-Control"] = "private, no-cache" if private else f"public, max-age={PUBLIC_MAX_AGE}"
        if not response.get_etag()[0]:
            response.add_etag()
        return response.make_conditional(request)
