from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import make_app

# Generous limits so functional tests are not throttled; the abuse tests set their own.
OPEN_LIMITS = {"TIPS_SUBMIT_LIMIT": "10000 per minute", "STAFF_LOGIN_LIMIT": "10000 per minute"}
TABLES = ("tip_events", "tip_photos", "tips", "staff_sessions", "staff_audit", "staff_login_throttle", "staff_users")  # children first


@pytest.fixture(scope="module")
def _module_tips_app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("tips")
    return make_app(tmp, TIPS_PHOTO_DIR=str(tmp / "photos"), **OPEN_LIMITS)


@pytest.fixture()
def tips_app(_module_tips_app):
    """One app per test module (building an app costs about a second), emptied before each test."""
    app = _module_tips_app
    from cleanair.extensions import db, limiter

    with app.app_context():
        for table in TABLES:
            # Plain SQL: test clean-up only; the ORM guard keeps the audit log append-only in the app.
            db.session.execute(text(f"DELETE FROM {table}"))
        db.session.commit()
        # The audit log's ids start again after the clean-up: forget statistics cached by them.
        from cleanair.report.service import forget_cached_stats

        forget_cached_stats()
    shutil.rmtree(Path(app.config["TIPS_PHOTO_DIR"]), ignore_errors=True)
    Path(app.config["TIPS_PHOTO_DIR"]).mkdir(parents=True)
    limiter.reset()
    return app


@pytest.fixture(scope="module")
def rewards_app(tmp_path_factory):
    """A deployment where tips are official reports and rewards apply (helpers.REWARDS_SETTINGS)."""
    from tests.tips.helpers import REWARDS_SETTINGS

    tmp = tmp_path_factory.mktemp("tips-rewards")
    return make_app(tmp, TIPS_PHOTO_DIR=str(tmp / "photos"), **OPEN_LIMITS, **REWARDS_SETTINGS)


@pytest.fixture()
def tclient(tips_app):
    return tips_app.test_client()


@pytest.fixture()
def rewards_on(tips_app, monkeypatch):
    """This test's deployment is an authority that pays rewards (TIPS_OFFICIAL=1, TIPS_REWARDS=1);
    the default deployment pays none and refuses every reward state."""
    import dataclasses

    policy = tips_app.extensions["cleanair_tip_policy"]
    monkeypatch.setitem(tips_app.extensions, "cleanair_tip_policy",
                        dataclasses.replace(policy, official=True, rewards=True))
    return tips_app
