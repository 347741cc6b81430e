"""Configuration read from environment variables (documented in README and config.example.env)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {raw!r}") from exc


def database_url(raw: str | None) -> str | None:
    """Accept the usual `postgres://`/`postgresql://` URLs and use the psycopg 3 driver we ship."""
    if raw and raw.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    return raw


def stale_minutes_from_env() -> int:
    """AIR_STALE_MINUTES (default 180); the former AIR_STALE_HOURS, in hours, only when it is unset."""
    return _env_int("AIR_STALE_MINUTES", _env_int("AIR_STALE_HOURS", 3) * 60)


class Config:
    """Defaults for every setting; each can be overridden by the environment variable of the same name."""

    # "development" creates missing secrets in the instance folder; "production" refuses to start
    # without them, so a forgotten variable cannot silently weaken a public deployment.
    CLEANAIR_ENV = _env("CLEANAIR_ENV", "development")
    SECRET_KEY = _env("SECRET_KEY")
    # None means: a SQLite file in the instance folder (filled in by the app factory).
    SQLALCHEMY_DATABASE_URI = database_url(_env("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    CONTENT_DIR = Path(_env("CONTENT_DIR", str(REPO_ROOT / "content")))
    DATA_DIR = Path(_env("DATA_DIR", str(REPO_ROOT / "data")))
    # Where hashed, pre-compressed static files are written; None = instance/static-build.
    STATIC_BUILD_DIR = _env("STATIC_BUILD_DIR")

    BABEL_DEFAULT_LOCALE = "zh_Hans"
    # The zone people read times in (docs/time.md); stored instants are UTC.
    SITE_TIMEZONE = _env("SITE_TIMEZONE", "Asia/Shanghai")
    BABEL_DEFAULT_TIMEZONE = SITE_TIMEZONE

    # Registration numbers a Chinese public site must show once it has them. They are never
    # invented: an empty value hides the field.
    SITE_GOV_ID = _env("SITE_GOV_ID")  # 网站标识码
    ICP_RECORD = _env("ICP_RECORD")  # ICP备案号
    PSB_RECORD = _env("PSB_RECORD")  # 公安备案号
    PSB_RECORD_CODE = _env("PSB_RECORD_CODE")  # digits used in the 公安备案 link

    # The site's public origin (https://host): every absolute link, feed id, citation and embed
    # snippet is built from it, never from a request's Host header. Required in production.
    SITE_BASE_URL = _env("SITE_BASE_URL", "")
    # Host names the site answers to (comma-separated); others get 400. Production defaults to
    # the host of SITE_BASE_URL; unset in development (any host).
    TRUSTED_HOSTS = _env("TRUSTED_HOSTS")
    SOURCE_CODE_URL = _env("SOURCE_CODE_URL", "")

    WTF_CSRF_TIME_LIMIT = _env_int("WTF_CSRF_TIME_LIMIT", 3600 * 4)
    # Request bodies: at most MAX_CONTENT_LENGTH (1 MB) for any post, except the tip form's
    # multipart posts, which may carry TIPS_MAX_PHOTOS x TIPS_MAX_PHOTO_BYTES + 1 MB of photos.
    # A body read whole into memory (urlencoded, anything not multipart) never exceeds
    # MAX_FORM_MEMORY_SIZE, nor does one text field of a multipart post; at most MAX_FORM_PARTS parts.
    # (Werkzeug also applies MAX_FORM_MEMORY_SIZE to each 64 KB chunk it buffers of a file part,
    # so it must stay well above 64 KB or photos are refused.)
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 1024 * 1024)
    MAX_FORM_MEMORY_SIZE = _env_int("MAX_FORM_MEMORY_SIZE", 256 * 1024)
    MAX_FORM_PARTS = _env_int("MAX_FORM_PARTS", 50)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env("SESSION_COOKIE_SECURE", "0") == "1"

    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted
    # (0 = none). Needed behind nginx so rate limits and HTTPS detection see the real client.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

    # Response compression (Flask-Compress) for pages and data twins.
    COMPRESS_MIMETYPES = [
        "text/html", "application/json", "text/csv", "application/atom+xml", "application/geo+json",
        "image/svg+xml", "text/plain",
    ]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_BR_LEVEL = 5
    COMPRESS_LEVEL = 6
    COMPRESS_MIN_SIZE = 500

    # "today" for status rules and staleness warnings; tests pin it, production leaves it unset.
    TODAY = _env("CLEANAIR_TODAY")

    # --- Citizen tips and the staff desk (issue 5; docs/tips.md) ---
    # Fernet key (urlsafe base64, 32 bytes) encrypting tipsters' names and phone numbers at rest.
    # Production refuses to start without it; development keeps one in instance/tips_key.
    TIPS_ENCRYPTION_KEY = _env("TIPS_ENCRYPTION_KEY")
    # Where sanitised photos are kept (outside static files); None = instance/tip-photos.
    TIPS_PHOTO_DIR = _env("TIPS_PHOTO_DIR")
    TIPS_MAX_PHOTOS = _env_int("TIPS_MAX_PHOTOS", 5)
    TIPS_MAX_PHOTO_BYTES = _env_int("TIPS_MAX_PHOTO_BYTES", 10 * 1024 * 1024)
    # Flask-Limiter limits per client address ("N per minute; M per day"), counted for every post
    # (refused ones too: a failed CSRF check, a bot, an oversized body).
    TIPS_SUBMIT_LIMIT = _env("TIPS_SUBMIT_LIMIT", "5 per minute; 30 per day")
    TIPS_CLAIM_LIMIT = _env("TIPS_CLAIM_LIMIT", "5 per hour")
    STAFF_LOGIN_LIMIT = _env("STAFF_LOGIN_LIMIT", "10 per minute; 100 per day")
    # Where limits are counted. memory:// lives inside one process: fine for `scripts/server`;
    # production with several workers refuses to start with it (cleanair.deployment) and needs
    # a shared store, e.g. redis://127.0.0.1:6379/0.
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = _env("RATELIMIT_KEY_PREFIX", "cleanair")
    # A Redis outage must not take the tip form down: limits are then counted per process
    # until the store answers again (Flask-Limiter's in-memory fallback), and logged.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
    # No X-RateLimit-* headers (they would put a Retry-After on every answer); a 429 says when
    # to come back (cleanair.ratelimits.retry_after).
    RATELIMIT_HEADERS_ENABLED = False
    # Failed staff logins are throttled per account name and client address (never a lock that
    # anyone could set off for an account): the first STAFF_LOGIN_FREE_FAILURES cost nothing,
    # then each failure makes the next attempt wait, from STAFF_LOGIN_DELAY_SECONDS doubling up
    # to STAFF_LOGIN_MAX_DELAY_SECONDS. A success, or a day without failures, starts afresh.
    STAFF_LOGIN_FREE_FAILURES = _env_int("STAFF_LOGIN_FREE_FAILURES", 5)
    STAFF_LOGIN_DELAY_SECONDS = _env_int("STAFF_LOGIN_DELAY_SECONDS", 30)
    STAFF_LOGIN_MAX_DELAY_SECONDS = _env_int("STAFF_LOGIN_MAX_DELAY_SECONDS", 900)
    # Staff sessions live on the server: logout, disabling the account or changing its password
    # ends them at once; one unused for STAFF_IDLE_MINUTES ends, and any after STAFF_SESSION_HOURS.
    STAFF_IDLE_MINUTES = _env_int("STAFF_IDLE_MINUTES", 30)
    STAFF_SESSION_HOURS = _env_int("STAFF_SESSION_HOURS", 8)
    # Two-person rule for rewards: the payment (reward_approved -> reward_paid) is confirmed by a
    # staff member other than the one who approved the reward. 0 switches it off.
    TIPS_REWARD_TWO_PERSON = _env("TIPS_REWARD_TWO_PERSON", "1") == "1"
    # `flask tips purge` removes personal data and photos of tips closed longer ago than this.
    TIPS_RETENTION_DAYS = _env_int("TIPS_RETENTION_DAYS", 365)
    # Who receives tips and who pays rewards (docs/tips.md § Who receives a tip). Every page that
    # takes or describes a tip says the same thing from these. The defaults are those of an
    # independent site: tips go to this site, are not official reports, and no reward is paid for
    # them; people are pointed to the official channels for that. An authority running the site
    # sets TIPS_OFFICIAL=1 and its name; TIPS_REWARDS=1 only where it pays rewards for these tips.
    TIPS_OPERATOR_ZH = _env("TIPS_OPERATOR_ZH", "")
    TIPS_OPERATOR_EN = _env("TIPS_OPERATOR_EN", "")
    TIPS_OFFICIAL = _env("TIPS_OFFICIAL", "0") == "1"
    TIPS_REWARDS = _env("TIPS_REWARDS", "0") == "1"
    TIPS_OFFICIAL_CHANNEL_ZH = _env("TIPS_OFFICIAL_CHANNEL_ZH", "")  # empty: 12369 and 12345
    TIPS_OFFICIAL_CHANNEL_EN = _env("TIPS_OFFICIAL_CHANNEL_EN", "")
    # Staff aim to act on a new tip (accept or decline it) within this many days: the queue shows
    # each tip's age and this deadline. The site's own target, not a legal deadline.
    TIPS_RESPONSE_DAYS = _env_int("TIPS_RESPONSE_DAYS", 7)
    # SQLite: wait this long for a write lock instead of failing at once (seconds).
    SQLITE_BUSY_TIMEOUT = _env_int("SQLITE_BUSY_TIMEOUT", 15)

    # --- Maps (issue 4; docs/maps.md) ---
    # Basemap: none (default: offline vector map of the districts, no outside request),
    # tianditu (needs TIANDITU_KEY), gaode (overlays are converted to GCJ-02) or osm.
    MAP_TILES = _env("MAP_TILES", "none")
    TIANDITU_KEY = _env("TIANDITU_KEY")
    # 审图号 text shown in the tile attribution; copy it from the provider's current terms.
    MAP_REVIEW_NO_TIANDITU = _env("MAP_REVIEW_NO_TIANDITU")
    MAP_REVIEW_NO_GAODE = _env("MAP_REVIEW_NO_GAODE")
    MAP_REVIEW_NO_OSM = _env("MAP_REVIEW_NO_OSM")
    # Where built map documents are kept (shared by workers); None = instance/map-cache.
    MAP_CACHE_DIR = _env("MAP_CACHE_DIR")

    # --- Change history, feeds, releases, embeds, share images (issue 7; docs/history.md) ---
    # Feed ids are tag: URIs named after the host of SITE_BASE_URL (set it in production so ids
    # never depend on the host a reader happened to use). Share images need a CJK font: the
    # first of SHARE_FONT and Debian's fonts-noto-cjk / fonts-wqy-microhei that exists.
    SHARE_FONT = _env("SHARE_FONT")


    # --- Progress tracking (issue 15; docs/progress.md) ---
    # Evidence files (PDF or image, sanitised) attached to progress reports; None = instance/progress-files.
    PROGRESS_FILE_DIR = _env("PROGRESS_FILE_DIR")
    PROGRESS_MAX_FILE_BYTES = _env_int("PROGRESS_MAX_FILE_BYTES", 20 * 1024 * 1024)
    # Each publication cuts a data release (downloads with checksums, docs/history.md).
    PROGRESS_RELEASE_ON_PUBLISH = _env("PROGRESS_RELEASE_ON_PUBLISH", "1") == "1"

    # --- Air quality (issue 3; docs/air.md) ---
    # Where `flask aq sync` downloads station-hourly files from. Default: the widely used public
    # mirror of CNEMC's station-hourly files (quotsoft.net, one china_sites_YYYYMMDD.csv per day).
    AIR_SYNC_BASE_URL = _env("AIR_SYNC_BASE_URL", "https://quotsoft.net/air/data/")
    # File name for a day on that host; {date} is a datetime.date.
    AIR_SYNC_FILE_PATTERN = _env("AIR_SYNC_FILE_PATTERN", "china_sites_{date:%Y%m%d}.csv")
    # Downloaded files are kept here so an interrupted sync resumes; None = instance/air-sync.
    AIR_SYNC_DIR = _env("AIR_SYNC_DIR")
    AIR_SYNC_TIMEOUT = _env_int("AIR_SYNC_TIMEOUT", 30)  # seconds per request
    AIR_SYNC_RETRIES = _env_int("AIR_SYNC_RETRIES", 3)  # further attempts after a failed download
    AIR_SYNC_BACKOFF = _env_int("AIR_SYNC_BACKOFF", 2)  # seconds, multiplied by the attempt number
    # Observations older than this many minutes are old data: every air page says so and
    # /healthz/data answers 503 "stale". The one staleness setting (AIR_STALE_HOURS, its former
    # name in hours, is still read when this one is unset).
    AIR_STALE_MINUTES = stale_minutes_from_env()
    # `flask aq sync --recent` fetches at most this many days in one run (a longer gap since the
    # newest stored observation is reported, and left to `aq sync --start … --end …`).
    AIR_SYNC_RECENT_MAX_DAYS = _env_int("AIR_SYNC_RECENT_MAX_DAYS", 31)
    # One `aq sync` at a time: a lock on this file (an OS lock, released when the process ends,
    # even by a crash); None = <AIR_SYNC_DIR>/aq-sync.lock.
    AIR_SYNC_LOCK_FILE = _env("AIR_SYNC_LOCK_FILE")

class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-not-for-production"
    WTF_CSRF_ENABLED = False
    # Tests monkeypatch data between requests; the page cache has its own tests.
    PAGE_CACHE = False
