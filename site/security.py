"""HTTP security headers, decided in one place: Content-Security-Policy (only this site, plus
configured tile hosts for map images; no inline script except by hash), framing rules (embeds
may be framed anywhere, everything else only by this site), nosniff, referrer policy, HSTS.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, g, request
from flask import Request as FlaskRequest
from werkzeug.datastructures import ImmutableMultiDict

_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def inline_script_hashes(html: bytes) -> tuple[str, ...]:
    """CSP source expressions ('sha256-…') for every inline <script> of a generated document."""
    return tuple(
        "'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    )


def allow_inline_scripts(hashes: Iterable[str], inline_styles: bool = False) -> None:
    """Let this response run exactly these inline scripts (e.g. a cached folium document)."""
    g.csp_script_hashes = tuple(hashes)
    g.csp_inline_styles = inline_styles


def tile_hosts(config) -> tuple[str, ...]:
    """Origins of the configured basemap tiles (the only outside requests pages may make)."""
    from cleanair_maps.config import tile_config

    tiles = tile_config(config)
    if tiles is None:
        return ()
    hosts = []
    for url in (tiles.url, getattr(tiles, "label_url", None)):
        if url:
            parts = urlsplit(url.replace("{s}", "*"))
            host = re.sub(r"^[^.]*\*[^.]*\.", "*.", parts.netloc)
            hosts.append(f"{parts.scheme}://{host}")
    return tuple(dict.fromkeys(hosts))


def content_security_policy(tiles: tuple[str, ...], script_hashes: tuple[str, ...] = (), inline_styles: bool = False) -> str:
    script = " ".join(("'self'", *script_hashes))
    style = "'self' 'unsafe-inline'" if inline_styles else "'self'"
    img = " ".join(("'self'", "data:", "blob:", *tiles))
    return "; ".join([
        "default-src 'self'",
        f"script-src {script}",
        f"style-src {style}",
        f"img-src {img}",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ])

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


# Headers every response carries; static files are answered by WhiteNoise before Flask's hooks.
BASELINE_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}


def static_headers(headers, path: str, url: str) -> None:
    """WhiteNoise's add_headers_function: the baseline headers on static files too."""
    for name, value in BASELINE_HEADERS.items():
        headers[name] = value


# Endpoints whose multipart posts may carry files: endpoint -> bytes allowed (a function of config).
UPLOAD_LIMITS: dict[str, Callable[[], int]] = {}


def limit_request_body() -> None:
    """Cap what a request may make the app read, before anything reads it (CSRF included).

    Uploads are multipart and streamed to temporary files; every other body (urlencoded above
    all) is read whole into memory, so it may not exceed MAX_FORM_MEMORY_SIZE.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    cfg = current_app.config
    multipart = request.mimetype == "multipart/form-data"
    upload = UPLOAD_LIMITS.get(request.endpoint or "")
    if multipart and upload is not None:
        request.max_content_length = upload()
    elif not multipart:
        request.max_content_length = min(int(cfg["MAX_CONTENT_LENGTH"]), int(cfg["MAX_FORM_MEMORY_SIZE"]))


class Request(FlaskRequest):
    """Form text never carries a NUL character: no browser sends one, PostgreSQL refuses it in
    text columns (a tip with one in its description was a 500), and it means nothing in SQLite."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form and any("\0" in k or "\0" in v for k, v in form.items(multi=True)):
            self.__dict__["form"] = ImmutableMultiDict(
                [(k.replace("\0", ""), v.replace("\0", "")) for k, v in form.items(multi=True)])


def refuse_nul_in_url() -> None:
    """A NUL in the path or the query string is a 400 (it reached database queries: a 500 on
    PostgreSQL)."""
    if "\0" in request.path or any("\0" in k or "\0" in v for k, v in request.args.items(multi=True)):
        abort(400)


def init_app(app: Flask) -> None:
    if app.extensions.get("cleanair.security"):
        return
    app.extensions["cleanair.security"] = True
    hosts = tile_hosts(app.config)
    # First of all before-request hooks: nothing may read an oversized body before it is refused.
    app.before_request_funcs.setdefault(None, []).insert(0, limit_request_body)
    app.before_request_funcs[None].insert(1, refuse_nul_in_url)

    @app.after_request
    def _headers(response: Response) -> Response:
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = content_security_policy(
                hosts, g.get("csp_script_hashes", ()), g.get("csp_inline_styles", False)
            )
        for name, value in BASELINE_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return apply_framing_policy(response, is_embeddable(request.endpoint))
