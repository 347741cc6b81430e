"""Shared fixtures: an app per session for read-only pages, a fresh database where tests write."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from cleanair import create_app
from cleanair.config import TestConfig
from cleanair.extensions import db
from tests.servers import redis_prefix, redis_server  # noqa: F401  (fixtures for every test module)

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
SHARED_DATA = SHARED / "data"
SEED = SHARED / "seed" / "000_b12c08994cccf728.txt"
# Status rules depend on "today"; pin it so results do not change with the calendar.
PINNED_TODAY = "2026-11-30"


def require_shared(path: Path) -> Path:
    """Skip (with the reason) when ../shared is absent; CI always has it."""
    if not path.exists():
        pytest.skip(f"{path} not found: tests on real published data need ../shared next to the repo")
    return path


def _database_url(tmp_path: Path) -> str:
    """A new empty database per app: a SQLite file, or a fresh PostgreSQL database when
    TEST_DATABASE_URL points at a server (`.ci/run` runs the suite both ways)."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        return "sqlite:///" + str(tmp_path / "test.sqlite")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if tmp_path in _DATABASE_FOR_PATH:  # a second app on the same folder shares its database
        return _DATABASE_FOR_PATH[tmp_path]
    name = f"cleanair_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    _CREATED_DATABASES.append(name)
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    _DATABASE_FOR_PATH[tmp_path] = url
    return url


_CREATED_DATABASES: list[str] = []
_DATABASE_FOR_PATH: dict[Path, str] = {}


@pytest.fixture(scope="session", autouse=True)
def _drop_test_databases():
    yield
    server = os.environ.get("TEST_DATABASE_URL")
    if not server or not _CREATED_DATABASES:
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in _CREATED_DATABASES:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def make_app(tmp_path: Path, **overrides):
    config = {
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path),
        "STATIC_BUILD_DIR": str(tmp_path / "static-build"),
        "TODAY": PINNED_TODAY,
    }
    config.update(overrides)

    class Cfg(TestConfig):
        pass

    for key, value in config.items():
        setattr(Cfg, key, value)
    app = create_app(Cfg)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    return app


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """A read-mostly app shared by the page tests (fast)."""
    return make_app(tmp_path_factory.mktemp("app"))


@pytest.fixture()
def fresh_app(tmp_path):
    """An app with its own empty database, for tests that write."""
    return make_app(tmp_path)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[str]:
    """The session app served on 127.0.0.1 for real-browser tests."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def imported_app(tmp_path_factory):
    """All shared files imported through the same code path as `flask aq import`."""
    require_shared(SHARED_DATA)
    app = make_app(tmp_path_factory.mktemp("air-imported"))
    from cleanair.air import service
    from cleanair.air.store import import_paths

    with app.app_context():
        st = service.state()
        report = import_paths([SHARED_DATA], st.standards, st.frame)
        service.invalidate()
    app.air_report = report  # type: ignore[attr-defined]
    return app


@pytest.fixture(scope="session")
def db_app(app):
    with app.app_context():
        yield db
