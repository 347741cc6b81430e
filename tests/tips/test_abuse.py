"""Abuse and failure: CSRF, rate limits, honeypot, field limits, configuration refusals."""

from __future__ import annotations

import re

import pytest
from cleanair.extensions import db
from cleanair.report.models import Tip
from sqlalchemy import func, select, text

from tests.conftest import make_app
from tests.tips.conftest import OPEN_LIMITS
from tests.tips.helpers import valid_form

MP = "multipart/form-data"


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Tip))


def test_csrf_is_enforced_and_a_stale_form_keeps_the_text(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True, **OPEN_LIMITS)
    client = app.test_client()
    resp = client.post("/en/report", data=valid_form(description="Text I do not want to lose"), content_type=MP)
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "expired" in html and "Text I do not want to lose" in html
    assert _count(app) == 0
    # With the token from the page, the same post goes through.
    page = client.get("/report").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    resp = client.post("/report", data={**valid_form(), "csrf_token": token}, content_type=MP)
    assert resp.status_code == 303
    # Staff forms are protected too.
    assert client.post("/staff/login", data={"username": "a", "password": "b"}).status_code == 400


def test_submissions_are_rate_limited_per_ip_with_the_form_kept(tmp_path):
    app = make_app(tmp_path, TIPS_SUBMIT_LIMIT="2 per minute; 30 per day")
    client = app.test_client()
    statuses = [client.post("/en/report", data=valid_form(description=f"Report number {i}", address=f"Street {i}"), content_type=MP) for i in range(3)]
    assert [r.status_code for r in statuses[:2]] == [303, 303]
    assert statuses[2].status_code == 429
    html = statuses[2].get_data(as_text=True)
    assert "several reports in a short time" in html and "Report number 2" in html
    assert client.get("/report").status_code == 200  # reading is never limited
    assert _count(app) == 2


def test_honeypot_refuses_bots(tips_app, tclient):
    resp = tclient.post("/report", data=valid_form(website="http://spam.example"), content_type=MP)
    assert resp.status_code == 400 and _count(tips_app) == 0


def test_every_field_has_a_length_limit(tips_app, tclient):
    for field, size in {"description": 2001, "address": 201, "polluter": 201, "name": 51, "phone": 21, "lat": 21}.items():
        data = valid_form(**{field: "1" * size})
        if field == "name":
            data.update(identity="real_name", phone="13812345678", not_staff="y")
        assert tclient.post("/report", data=data, content_type=MP).status_code == 400, field
    assert _count(tips_app) == 0


def test_production_refuses_to_start_without_the_encryption_key(tmp_path):
    with pytest.raises(RuntimeError, match="TIPS_ENCRYPTION_KEY"):
        make_app(tmp_path, CLEANAIR_ENV="production", SECRET_KEY="x" * 32, TIPS_ENCRYPTION_KEY=None)
    with pytest.raises(RuntimeError, match="not a valid Fernet key"):
        make_app(tmp_path, TIPS_ENCRYPTION_KEY="too-short")


def test_development_creates_a_key_in_the_instance_folder(tips_app):
    from pathlib import Path

    key = Path(tips_app.instance_path) / "tips_key"
    assert key.exists() and oct(key.stat().st_mode)[-3:] == "600"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tips_app):
    if not tips_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite-specific settings (this run uses another database)")
    with tips_app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 15000
