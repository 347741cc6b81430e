"""Suzhou clean-air action plan website (苏州市空气质量持续改善行动计划实施方案)."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask
from whitenoise import WhiteNoise

from . import assets, deployment
from .config import Config
from .extensions import babel, compress, csrf, db, limiter, migrate
from .i18n import LocalePrefixMiddleware, current_locale

PACKAGE_DIR = Path(__file__).resolve().parent


def create_app(test_config: dict[str, Any] | type | None = None) -> Flask:
    """Application factory: configuration, extensions, blueprints, static files."""
    app = Flask(__name__, instance_relative_config=True, static_folder=None)
    from .converters import IdConverter
    from .security import Request

    app.request_class = Request

    app.url_map.converters["id"] = IdConverter
    app.config.from_object(Config)
    if isinstance(test_config, type):
        app.config.from_object(test_config)
    elif test_config:
        app.config.from_mapping(test_config)
    make_private_folder(Path(app.instance_path))
    # Babel formats instants in the zone people read (docs/time.md); one setting, not two.
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["SITE_TIMEZONE"]
    _configure_secrets(app)
    _configure_hosts(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(
            Path(app.instance_path) / "cleanair.sqlite"
        )
    create_private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"))
    babel.init_app(app, locale_selector=current_locale, default_translation_directories=str(PACKAGE_DIR / "translations"))
    csrf.init_app(app)
    from . import pagecache

    pagecache.init_app(app)  # before compression: it stores the compressed bytes
    compress.init_app(app)
    limiter.init_app(app)

    from . import models  # noqa: F401  (registers tables with the metadata for Alembic)
    from .services import init_services

    init_services(app)
    _register_blueprints(app)
    from .errors import register_error_handlers

    register_error_handlers(app)
    from . import caching, security

    caching.init_app(app)
    security.init_app(app)
    _configure_static(app)
    from .templating import init_templating

    init_templating(app)
    from .cli import register_cli

    register_cli(app)
    if deployment.is_production(app.config):
        deployment.check_production(app.config)
    return app


def _configure_secrets(app: Flask) -> None:
    if deployment.is_production(app.config):
        deployment.check_secret_key(app.config.get("SECRET_KEY"))
    if app.config.get("SECRET_KEY"):
        return
    # A development key kept in the instance folder so sessions survive restarts.
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def make_private_folder(path: Path) -> None:
    """The instance folder holds the secrets, the SQLite file and tip photos: created readable by
    the site's own user only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def create_private_sqlite_file(uri: str) -> None:
    """A SQLite database holds tips and staff accounts: create its file readable by its owner
    only (SQLite gives its -wal and -shm files the same mode)."""
    from sqlalchemy.engine import make_url

    url = make_url(uri)
    path = url.database
    if not url.drivername.startswith("sqlite") or not path or path == ":memory:" or path.startswith("file:"):
        return
    # A missing folder is left for SQLite to report when it connects, as before.
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _configure_hosts(app: Flask) -> None:
    """Absolute links come from SITE_BASE_URL; requests for other hosts are refused (400)."""
    base = deployment.normalise_base_url(app.config.get("SITE_BASE_URL"))
    app.config["SITE_BASE_URL"] = base
    production = deployment.is_production(app.config)
    app.config["TRUSTED_HOSTS"] = deployment.trusted_hosts(app.config.get("TRUSTED_HOSTS"), base if production else "")


def _register_blueprints(app: Flask) -> None:
    from .plan import bp as plan_bp
    from .public import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(plan_bp)
    from .ops import bp as ops_bp

    app.register_blueprint(ops_bp)
    from .api import bp as api_bp

    app.register_blueprint(api_bp)
    from .report import bp as report_bp
    from .staff import bp as staff_bp

    app.register_blueprint(report_bp)
    app.register_blueprint(staff_bp)
    from .embed import bp as embed_bp
    from .history import bp as history_bp

    app.register_blueprint(history_bp)
    app.register_blueprint(embed_bp)
    from .maps import bp as maps_bp

    app.register_blueprint(maps_bp)
    from .progress import bp as progress_bp

    app.register_blueprint(progress_bp)
    from .air import init_app as init_air

    init_air(app)


def _configure_static(app: Flask) -> None:
    import xstatic.pkg.leaflet as xleaflet

    from . import security

    sources = [
        assets.AssetSource(PACKAGE_DIR / "static"),
        assets.AssetSource(Path(xleaflet.BASE_DIR), f"vendor/leaflet-{xleaflet.VERSION}/"),
    ]
    build_root = Path(app.config.get("STATIC_BUILD_DIR") or Path(app.instance_path))
    folder, manifest = assets.build_static(sources, build_root)
    app.config["STATIC_MANIFEST"] = manifest
    app.config["LEAFLET_VERSION"] = xleaflet.VERSION
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.wsgi_app = LocalePrefixMiddleware(  # type: ignore[method-assign]
        WhiteNoise(
            app.wsgi_app,
            root=str(folder),
            prefix="static/",
            max_age=3600,
            immutable_file_test=assets.is_immutable,
            add_headers_function=security.static_headers,
        )
    )

