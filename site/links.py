"""Absolute links (hreflang, og:url, feeds, citations, embed snippets, JSON `url`).

They are built from SITE_BASE_URL, never from the request's Host header: a page rendered for a
forged host must not carry that host to later visitors through the page cache. Only a
development server without SITE_BASE_URL falls back to the request's host (production refuses
to start without it), and the page cache then keys pages by host as well.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request


def base_url() -> str:
    """`scheme://host` of every absolute link."""
    return current_app.config.get("SITE_BASE_URL") or request.host_url.rstrip("/")


def absolute(path: str) -> str:
    """An absolute URL for a path that already carries the mount point and locale prefix."""
    return base_url() + path


def current_url() -> str:
    """This request's page (locale prefix and query string kept) at the public address."""
    return absolute(request.script_root + request.full_path.rstrip("?"))


def safe_next(target: str | None, default: str, prefix: str = "/") -> str:
    """A path of this site to send the visitor back to, or `default`.

    Never another site (an open redirect) and never a control character: a CR/LF in a Location
    header would split the response (it made a 500).
    """
    if not target or not target.startswith(prefix) or target.startswith("//") or "\\" in target:
        return default
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return default
    parts = urlsplit(target)
    return default if parts.scheme or parts.netloc else target


def kept_args(*taken: str) -> dict[str, str]:
    """The non-empty query arguments to carry into a url_for() call: never one of `taken` (the
    call's own arguments: a duplicate made a 500) nor one that url_for() would read as an option
    (`_external`, `_scheme`, `_anchor`, `_method`)."""
    return {k: v for k, v in request.args.items() if v and k not in taken and not k.startswith("_")}
