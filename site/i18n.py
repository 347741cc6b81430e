"""Locale in the URL: Chinese at `/`, English under `/en/` with the same paths.

A small WSGI middleware moves the `/en` prefix from PATH_INFO to SCRIPT_NAME. Flask then routes
`/en/plan/tasks` with the very same rules as `/plan/tasks`, and `url_for` builds `/en/...` links
on English pages without any per-view work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from flask import request

DEFAULT_LOCALE = "zh_Hans"
# URL prefix -> Babel locale. The default locale has no prefix.
PREFIXED_LOCALES = {"en": "en"}
LOCALES = (DEFAULT_LOCALE, *PREFIXED_LOCALES.values())
# BCP 47 tags for <html lang> and hreflang.
HTML_LANG = {"zh_Hans": "zh-Hans", "en": "en"}
ENV_LOCALE = "cleanair.locale"
ENV_BASE = "cleanair.base_script_name"


class LocalePrefixMiddleware:
    """Strips a locale prefix from the path and records the locale in the WSGI environ."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        script_name = environ.get("SCRIPT_NAME", "")
        environ[ENV_BASE] = script_name
        environ[ENV_LOCALE] = DEFAULT_LOCALE
        path = environ.get("PATH_INFO", "")
        for prefix, locale in PREFIXED_LOCALES.items():
            marker = "/" + prefix
            if path == marker or path.startswith(marker + "/"):
                environ["SCRIPT_NAME"] = script_name + marker
                environ["PATH_INFO"] = path[len(marker) :] or "/"
                environ[ENV_LOCALE] = locale
                break
        return self.app(environ, start_response)


def current_locale() -> str:
    """The locale chosen by the URL (used as Flask-Babel's locale selector)."""
    return request.environ.get(ENV_LOCALE, DEFAULT_LOCALE)


def html_lang(locale: str | None = None) -> str:
    return HTML_LANG[locale or current_locale()]


def locale_prefix(locale: str) -> str:
    for prefix, loc in PREFIXED_LOCALES.items():
        if loc == locale:
            return "/" + prefix
    return ""


def url_in_locale(locale: str, path: str | None = None, args: dict | None = None) -> str:
    """The current page (or `path` within the app) in another locale, query string kept."""
    base = request.environ.get(ENV_BASE, "")
    path = request.path if path is None else path
    query = urlencode(list((args if args is not None else request.args).items(multi=True))) if (
        args is not None or request.args
    ) else ""
    return f"{base}{locale_prefix(locale)}{path}" + (f"?{query}" if query else "")


def pick(zh: str, en: str) -> str:
    """Choose the Chinese or English form of a content field for the current locale."""
    return en if current_locale() == "en" else zh
