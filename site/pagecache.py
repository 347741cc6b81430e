"""Rendered public pages kept in memory, keyed by URL, locale, text size, encoding and data version.

Pages change only when data changes (an import, a new release, a deploy), yet rendering a
56-row table through Jinja and Babel costs tens of milliseconds. Each worker keeps the final
bytes (already compressed) of recent pages and serves them again until a data version changes.
Requests that carry a session (e.g. after visiting the tip form) always render afresh.

Some of what a page shows changes with the clock, not with the data: whether a heavy-pollution
alert is in force, whether the newest observation is still fresh, "updated N minutes ago".
Those are `key_parts`: functions called on every request (cheap, no query) whose answer is part
of the key, so a cached page is never served once what it shows has changed.

Only the representation is kept: the body and the headers that describe it. Whatever is decided
per request (HSTS for an HTTPS request, Set-Cookie, rate-limit counters, framing) is added again
by the after-request hooks on every answer, hit or miss; a response that varies on anything the
key does not hold is not kept. Scheme and host are in the key too (only a development server
without SITE_BASE_URL builds links from the request's host; cleanair.links).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

from flask import Flask, Response, current_app, request

from .i18n import ENV_LOCALE
from .templating import TEXT_SIZE_COOKIE

CACHEABLE_BLUEPRINTS = frozenset({"public", "plan", "air", "maps", "history", "embed", "api"})
NEVER = frozenset({"public.text_size", "maps.document", "history.release_file", "history.share_image"})
MAX_ENTRIES = 2048
# Headers that belong to the stored representation; every other header is decided per request.
STORED_HEADERS = frozenset({
    "content-type", "content-encoding", "content-language", "content-disposition", "content-security-policy",
    "etag", "last-modified", "cache-control", "vary", "access-control-allow-origin", "link", "x-robots-tag",
})
# Request headers a kept response may vary on: the key holds the encoding, the text-size cookie,
# and no request with a session cookie is ever served from the cache.
KEYED_VARY = frozenset({"accept-encoding", "cookie"})
# Version providers may query the database; their answer is reused this long (seconds).
VERSION_TTL = 2.0


class PageKey(NamedTuple):
    scheme: str
    host: str
    locale: str | None
    path: str  # with the query string
    large_text: bool
    encoding: str
    version: str
    parts: tuple[str, ...] = ()  # answers of the key parts (what changes with the clock)


class PageCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.entries: OrderedDict[tuple, tuple[int, list[tuple[str, str]], bytes]] = OrderedDict()
        self.lock = threading.Lock()
        self.max_entries = max_entries
        self.providers: list[Callable[[], str]] = []
        # Called on every cacheable request; must not query the database (see the module doc).
        self.key_parts: list[Callable[[], str]] = []
        # endpoint -> versions its pages also depend on (asked on every request: cheap look-ups)
        self.endpoint_providers: dict[str, list[Callable[[], str]]] = {}
        self._version: tuple[float, str] = (0.0, "")

    def refresh(self) -> None:
        """Ask the version providers again at the next request (after a write in this process)."""
        self._version = (0.0, "")

    def depends(self, endpoint: str, provider: Callable[[], str]) -> None:
        """Pages of `endpoint` also change with this version (e.g. tip counts on the progress map)."""
        self.endpoint_providers.setdefault(endpoint, []).append(provider)

    def version(self) -> str:
        at, value = self._version
        now = time.monotonic()
        if now - at > VERSION_TTL or not value:
            value = "|".join(p() for p in self.providers) or "static"
            self._version = (now, value)
        return value

    def get(self, key: tuple):
        with self.lock:
            hit = self.entries.get(key)
            if hit is not None:
                self.entries.move_to_end(key)
            return hit

    def put(self, key: tuple, value) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)


def _encoding() -> str:
    accepted = request.accept_encodings
    return "br" if accepted["br"] else "gzip" if accepted["gzip"] else "identity"


def _key(cache: PageCache) -> PageKey | None:
    if request.method != "GET" or request.blueprint not in CACHEABLE_BLUEPRINTS or request.endpoint in NEVER:
        return None
    if current_app.config.get("SESSION_COOKIE_NAME", "session") in request.cookies:
        return None
    # The version first: providers may refresh what the key parts read.
    version = "|".join([cache.version(), *(p() for p in cache.endpoint_providers.get(request.endpoint or "", ()))])
    return PageKey(request.scheme, request.host, request.environ.get(ENV_LOCALE), request.full_path,
                   request.cookies.get(TEXT_SIZE_COOKIE) == "large", _encoding(), version,
                   tuple(part() for part in cache.key_parts))


def cache_of(app: Flask) -> PageCache:
    return app.extensions["cleanair.pagecache"]


def init_app(app: Flask) -> None:
    """Register before the compression extension, so the stored bytes are the compressed ones."""
    cache = PageCache()
    app.extensions["cleanair.pagecache"] = cache
    if app.config.get("PAGE_CACHE", True) is False:
        return

    @app.before_request
    def _serve_cached():
        key = _key(cache)
        request.environ["cleanair.pagecache_key"] = key
        if key is None:
            return None
        hit = cache.get(key)
        if hit is None:
            return None
        status, headers, body = hit
        request.environ["cleanair.pagecache_hit"] = True
        return Response(body, status=status, headers=headers)

    @app.after_request
    def _store(response: Response) -> Response:
        key = request.environ.get("cleanair.pagecache_key")
        if (
            key is None
            or request.environ.get("cleanair.pagecache_hit")
            or response.status_code != 200
            or response.direct_passthrough
            or response.is_streamed
            or "Set-Cookie" in response.headers
            or not {v.lower() for v in response.vary} <= KEYED_VARY
        ):
            return response
        headers = [(k, v) for k, v in response.headers.items() if k.lower() in STORED_HEADERS]
        cache.put(key, (response.status_code, headers, response.get_data()))
        return response
