from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import make_app

OPEN_LIMITS = {"STAFF_LOGIN_LIMIT": "10000 per minute"}
# children first; history rows written by publications are removed too (test clean-up only)
TABLES = ("progress_events", "progress_reports", "progress_values", "staff_departments", "history_change",
          "history_release_file", "history_release", "history_snapshot", "tip_events", "tip_photos", "tips",
          "staff_sessions", "staff_audit", "staff_login_throttle", "staff_users")


@pytest.fixture(scope="module")
def _module_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("progress")
    return make_app(tmp, PROGRESS_FILE_DIR=str(tmp / "files"), **OPEN_LIMITS)


@pytest.fixture()
def papp(_module_app):
    """One app per module (building one costs about a second), emptied before each test."""
    app = _module_app
    from cleanair.extensions import db, limiter
    from cleanair.history import store

    with app.app_context():
        for table in TABLES:
            # Plain SQL: clean-up only; the ORM guards keep the audit logs append-only in the app.
            db.session.execute(text(f"DELETE FROM {table}"))
        db.session.commit()
        store.state(app).synced = False
    shutil.rmtree(Path(app.config["PROGRESS_FILE_DIR"]), ignore_errors=True)
    Path(app.config["PROGRESS_FILE_DIR"]).mkdir(parents=True)
    limiter.reset()
    return app


@pytest.fixture()
def pclient(papp):
    return papp.test_client()
