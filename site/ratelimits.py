"""Rate limits on the posts anyone can send: the tip form, a tip claim, the staff login.

Every post that reaches one of these routes is counted before anything else judges it: the
Flask-Limiter check runs first and only then the CSRF token is verified (the global CSRF hook
skips these views and `limited_post` checks it itself), so posts refused for an expired token,
by the honeypot, or for an oversized body use up the limit too. Counts live in
RATELIMIT_STORAGE_URI: a shared Redis in production (`cleanair.deployment` refuses a
per-process store with several workers).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request

from .extensions import csrf, limiter

Limit = str | Callable[[], str]


def limited_post(limit: Limit) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Limit a view's POSTs per client address; the CSRF check comes after the count."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
                csrf.protect()  # raises CSRFError (400), handled like the global check's
            return view(*args, **kwargs)

        csrf.exempt(checked)  # the global hook would refuse the post before it is counted
        return limiter.limit(limit, methods=["POST"])(checked)

    return decorator


def retry_after() -> int | None:
    """Seconds until this request's breached limit lets the client in again (for Retry-After)."""
    limit = limiter.current_limit
    if limit is None or not limit.breached:
        return None
    return max(1, int(limit.reset_at - time.time()))
