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


class Config:
    """Defaults for every setting; each can be overridden by the environment variable of the same name."""

    # "development" creates missing secrets in the instance folder; "production" refuses to start
    # without them, so a forgotten variable cannot silently weaken a public deployment.
    CLEANAIR_ENV = _env("CLEANAIR_ENV", "development")
    SECRET_KEY = _env("SECRET_KEY")
    # None means: a SQLite file in the instance folder (filled in by the app factory).
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    CONTENT_DIR = Path(_env("CONTENT_DIR", str(REPO_ROOT / "content")))
    DATA_DIR = Path(_env("DATA_DIR", str(REPO_ROOT / "data")))
    # Where hashed, pre-compressed static files are written; None = instance/static-build.
    STATIC_BUILD_DIR = _env("STATIC_BUILD_DIR")

    BABEL_DEFAULT_LOCALE = "zh_Hans"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"

    # Registration numbers a Chinese public site must show once it has them. They are never
    # invented: an empty value hides the field.
    SITE_GOV_ID = _env("SITE_GOV_ID")  # 网站标识码
    ICP_RECORD = _env("ICP_RECORD")  # ICP备案号
    PSB_RECORD = _env("PSB_RECORD")  # 公安备案号
    PSB_RECORD_CODE = _env("PSB_RECORD_CODE")  # digits used in the 公安备案 link

    # Shown in the footer and the JSON so re-users can cite the site.
    SITE_BASE_URL = _env("SITE_BASE_URL", "")
    SOURCE_CODE_URL = _env("SOURCE_CODE_URL", "")

    WTF_CSRF_TIME_LIMIT = _env_int("WTF_CSRF_TIME_LIMIT", 3600 * 4)
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 60 * 1024 * 1024)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env("SESSION_COOKIE_SECURE", "0") == "1"

    # "today" for status rules and staleness warnings; tests pin it, production leaves it unset.
    TODAY = _env("CLEANAIR_TODAY")


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-not-for-production"
    WTF_CSRF_ENABLED = False
