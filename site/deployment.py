"""Refuse to start a public deployment whose settings would silently weaken it.

Each check raises `DeploymentError` saying what is wrong and how to fix it. Development keeps
working with the defaults (`scripts/server`: one process, rate limits in memory, links built
from the request's host). No Flask import: gunicorn.conf.py calls these before any request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

MIN_SECRET_BYTES = 32
# Rate-limit stores that live inside one process (Flask-Limiter / `limits` URI schemes).
PER_PROCESS_SCHEMES = frozenset({"memory"})


class DeploymentError(RuntimeError):
    """A production setting that would make the public site unsafe; the message says why."""


def is_production(config: Mapping[str, Any]) -> bool:
    return config.get("CLEANAIR_ENV") == "production"


def per_process_store(uri: str | None) -> bool:
    return (uri or "memory://").split("://", 1)[0].lower() in PER_PROCESS_SCHEMES


def check_limit_storage(uri: str | None, workers: int | None) -> None:
    """Rate limits must be counted in one place shared by every process that serves requests.

    `workers` is the number of processes (None: unknown, which counts as several).
    """
    if not per_process_store(uri) or workers == 1:
        return
    many = f"{workers} workers" if workers else "several workers (WEB_CONCURRENCY is not 1)"
    raise DeploymentError(
        f"RATELIMIT_STORAGE_URI={uri or 'memory://'} counts rate limits inside each process, so with {many} "
        "every limit (tips per minute, logins, claims) is multiplied by the number of workers. "
        "Set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 (a Redis server beside the database; "
        "README, Deployment), or run exactly one worker with WEB_CONCURRENCY=1."
    )


def check_secret_key(key: str | bytes | None) -> None:
    if not key:
        raise DeploymentError("SECRET_KEY must be set when CLEANAIR_ENV=production")
    size = len(key.encode() if isinstance(key, str) else key)
    if size < MIN_SECRET_BYTES:
        raise DeploymentError(
            f"SECRET_KEY is {size} bytes; production needs at least {MIN_SECRET_BYTES} random bytes "
            "(generate one with: python -c 'import secrets; print(secrets.token_hex(32))')"
        )


def normalise_base_url(raw: str | None) -> str:
    """`scheme://host[:port]` without a trailing slash; '' when unset. Paths are refused: the
    locale prefix and the app's mount point are added to it, never a second path."""
    if not raw:
        return ""
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeploymentError(f"SITE_BASE_URL must be an absolute http(s) URL such as https://air.example.org, got {raw!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise DeploymentError(f"SITE_BASE_URL is the site's origin only (scheme and host), without a path: got {raw!r}")
    return f"{parts.scheme}://{parts.netloc}"


def trusted_hosts(raw: str | list[str] | tuple[str, ...] | None, base_url: str) -> list[str] | None:
    """Host names the site answers to: TRUSTED_HOSTS (comma-separated) or the host of SITE_BASE_URL.

    None means any host (development only). Never an empty list: Werkzeug reads that as "any".
    """
    hosts = [h.strip() for h in raw.split(",")] if isinstance(raw, str) else list(raw or [])
    hosts = [h for h in hosts if h]
    if not hosts and base_url:
        hosts = [urlsplit(base_url).hostname or ""]
    return [h for h in hosts if h] or None


def check_production(config: Mapping[str, Any]) -> None:
    """Every production rule at once (called by the app factory)."""
    check_secret_key(config.get("SECRET_KEY"))
    if not config.get("SITE_BASE_URL"):
        raise DeploymentError(
            "SITE_BASE_URL must be set when CLEANAIR_ENV=production (e.g. https://air.example.org): every "
            "absolute link, feed id and citation is built from it, never from a request's Host header"
        )
    check_limit_storage(config.get("RATELIMIT_STORAGE_URI"), declared_workers(os.environ))


def declared_workers(environ: Mapping[str, str]) -> int | None:
    """Worker processes the deployment declares (WEB_CONCURRENCY, as gunicorn.conf.py reads it)."""
    raw = environ.get("WEB_CONCURRENCY", "").strip()
    return int(raw) if raw.isdigit() else None
