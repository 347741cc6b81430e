"""Staff sessions end on the server: logout, disabled account, password change, idle, age
(finding 4 of issue 14). A cookie copied before any of these opens nothing afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from cleanair import clock
from cleanair.extensions import db
from cleanair.staff.models import StaffSession
from tests.tips.helpers import login, make_staff

PASSWORD = "correct horse battery"


def _copy_cookie(src, dst) -> None:
    """What an attacker does with a stolen cookie: replay it from another client."""
    cookie = src.get_cookie("session")
    dst.set_cookie("session", cookie.value)


@pytest.fixture()
def staff_app(tips_app):
    make_staff(tips_app, "reviewer1", "reviewer", PASSWORD)
    make_staff(tips_app, "admin1", "admin", PASSWORD)
    return tips_app


def test_a_cookie_copied_before_logout_opens_nothing_after_it(staff_app):
    victim, thief = staff_app.test_client(), staff_app.test_client()
    assert login(victim).status_code == 303
    _copy_cookie(victim, thief)
    assert thief.get("/staff/").status_code == 200  # the copy works while the session is open
    victim.post("/staff/logout")
    assert victim.get("/staff/").status_code == 303
    assert thief.get("/staff/").status_code == 303
    with staff_app.app_context():
        row = db.session.scalars(select(StaffSession)).one()
        assert row.end_reason == "logout" and row.ended_at is not None


def test_the_cookie_holds_a_random_token_and_the_database_only_its_hash(staff_app):
    client = staff_app.test_client()
    login(client)
    with staff_app.app_context():
        row = db.session.scalars(select(StaffSession)).one()
    # The signed cookie's payload is readable: it must not contain the stored value.
    from flask.sessions import SecureCookieSessionInterface

    payload = SecureCookieSessionInterface().get_signing_serializer(staff_app).loads(client.get_cookie("session").value)
    assert set(payload) - {"_permanent"} == {"staff_session"} and len(payload["staff_session"]) >= 40
    assert row.token_hash != payload["staff_session"] and len(row.token_hash) == 64


def test_disabling_an_account_ends_its_sessions(staff_app):
    client = staff_app.test_client()
    login(client)
    result = staff_app.test_cli_runner().invoke(args=["staff", "disable", "reviewer1"])
    assert result.exit_code == 0 and "1 session(s) ended" in result.output
    assert client.get("/staff/").status_code == 303
    assert login(staff_app.test_client()).status_code == 401  # and it cannot sign in again


def test_a_password_change_ends_every_other_session(staff_app):
    laptop, phone, thief = staff_app.test_client(), staff_app.test_client(), staff_app.test_client()
    login(laptop)
    login(phone)
    _copy_cookie(phone, thief)
    resp = laptop.post("/en/staff/account", data={"current": PASSWORD, "new": "a brand new passphrase", "confirm": "a brand new passphrase"})
    assert resp.status_code == 303
    assert "1 other session was ended" in laptop.get("/en/staff/account").get_data(as_text=True)
    assert laptop.get("/staff/").status_code == 200  # the session that changed it stays
    assert phone.get("/staff/").status_code == 303 and thief.get("/staff/").status_code == 303
    assert login(staff_app.test_client()).status_code == 401
    assert login(staff_app.test_client(), password="a brand new passphrase").status_code == 303


def test_a_password_change_needs_the_current_password_and_a_long_new_one(staff_app):
    client = staff_app.test_client()
    login(client)
    wrong = client.post("/en/staff/account", data={"current": "not it at all", "new": "x" * 12, "confirm": "x" * 12})
    short = client.post("/en/staff/account", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    differ = client.post("/en/staff/account", data={"current": PASSWORD, "new": "x" * 12, "confirm": "y" * 12})
    assert (wrong.status_code, short.status_code, differ.status_code) == (400, 400, 400)
    assert "at least 12 characters" in short.get_data(as_text=True)
    assert login(staff_app.test_client()).status_code == 303  # unchanged


def test_cli_set_password_ends_every_session(staff_app):
    client = staff_app.test_client()
    login(client)
    result = staff_app.test_cli_runner().invoke(args=["staff", "set-password", "reviewer1", "--password", "another long passphrase"])
    assert result.exit_code == 0 and "1 session(s) ended" in result.output
    assert client.get("/staff/").status_code == 303


def test_idle_and_old_sessions_end(staff_app, monkeypatch):
    start = clock.now_utc()
    monkeypatch.setattr(clock, "now_utc", lambda: start)
    client = staff_app.test_client()
    login(client)
    idle = timedelta(minutes=staff_app.config["STAFF_IDLE_MINUTES"])
    # Used regularly, a session lasts until its maximum age.
    step = idle - timedelta(minutes=1)
    at = start
    while at + step < start + timedelta(hours=staff_app.config["STAFF_SESSION_HOURS"]):
        at += step
        monkeypatch.setattr(clock, "now_utc", lambda at=at: at)
        assert client.get("/staff/").status_code == 200, at - start
    monkeypatch.setattr(clock, "now_utc", lambda: start + timedelta(hours=staff_app.config["STAFF_SESSION_HOURS"], minutes=1))
    assert client.get("/staff/").status_code == 303
    # Left alone longer than the idle time, it ends.
    monkeypatch.setattr(clock, "now_utc", lambda: start)
    other = staff_app.test_client()
    login(other)
    monkeypatch.setattr(clock, "now_utc", lambda: start + idle + timedelta(seconds=1))
    assert other.get("/staff/").status_code == 303
    with staff_app.app_context():
        reasons = sorted(r.end_reason for r in db.session.scalars(select(StaffSession)))
    assert reasons == ["expired", "idle"]
