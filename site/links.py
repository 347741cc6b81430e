"""Absolute links (hreflang, og:url, feeds, citations, embed snippets, JSON `url`).

They are built from SITE_BASE_URL, never from the request's Host header: a page rendered for a
forged host must not carry that host to later visitors through the page cache. Only a
development server without SITE_BASE_URL falls back to the request's host (production refuses
to start without it), and the page cache then keys pages by host as well.
"""

from __future__ import annotations

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
