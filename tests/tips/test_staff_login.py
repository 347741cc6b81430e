"""Staff sign-in: one answer for real and unknown accounts, growing waits per account and address
instead of a lock anyone can set off, and an audit log of sign-ins, sign-outs, exports and photo
views (finding 5 of issue 14). Tips and accounts here are hand-made test data."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from cleanair import clock
from cleanair.extensions import db
from cleanair.report.models import Tip, TipEvent
from cleanair.staff.models import StaffAuditEvent
from cleanair.staff.throttle import delay_after
from tests.conftest import make_app
from tests.tips.conftest import OPEN_LIMITS
from tests.tips.helpers import login, make_staff, make_tip, png_bytes, valid_form

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'value="[^"]*"')  # CSRF tokens differ per page; nothing else may


def _attempt(client, username: str, password: str = "wrong password!", address: str = "198.51.100.7"):
    resp = client.post("/en/staff/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})
    return resp.status_code, TOKEN.sub("", resp.get_data(as_text=True)), resp.headers.get("Retry-After")


@pytest.fixture()
def clock_at(monkeypatch):
    now = [clock.now_utc()]
    monkeypatch.setattr(clock, "now_utc", lambda: now[0])

    def advance(seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)

    return advance


def test_real_and_unknown_accounts_get_the_same_answers(tmp_path, clock_at):
    app = make_app(tmp_path, **OPEN_LIMITS)
    make_staff(app, "reviewer1", password=PASSWORD)
    client = app.test_client()
    real = [_attempt(client, "reviewer1") for _ in range(8)]
    unknown = [_attempt(client, "nobody-here") for _ in range(8)]
    assert real == unknown
    assert "locked" not in "".join(body for _, body, _ in real)


def test_nobody_can_keep_the_owner_out_by_failing_on_purpose(tmp_path, clock_at):
    app = make_app(tmp_path, **OPEN_LIMITS)
    make_staff(app, "reviewer1", password=PASSWORD)
    attacker, owner = app.test_client(), app.test_client()
    for _ in range(30):
        _attempt(attacker, "reviewer1", address="203.0.113.66")
        clock_at(1)
    assert _attempt(owner, "reviewer1", PASSWORD, address="198.51.100.7")[0] == 303


def test_failures_from_one_address_wait_longer_and_longer(tmp_path, clock_at):
    app = make_app(tmp_path, STAFF_LOGIN_FREE_FAILURES=2, STAFF_LOGIN_DELAY_SECONDS=30,
                   STAFF_LOGIN_MAX_DELAY_SECONDS=120, **OPEN_LIMITS)
    make_staff(app, "reviewer1", password=PASSWORD)
    client = app.test_client()
    assert [_attempt(client, "reviewer1")[0] for _ in range(3)] == [401, 401, 401]
    status, body, retry = _attempt(client, "reviewer1", PASSWORD)  # even the right password waits
    assert (status, retry) == (429, "30") and "Try again in 30 seconds" in body
    clock_at(31)
    assert _attempt(client, "reviewer1")[0] == 401  # fourth failure: 60 s
    clock_at(59)
    assert _attempt(client, "reviewer1")[2] == "1"
    clock_at(2)
    assert _attempt(client, "reviewer1")[0] == 401  # fifth failure: 120 s, the maximum
    clock_at(100)
    assert _attempt(client, "reviewer1")[2] == "20"
    clock_at(21)
    assert _attempt(client, "reviewer1", PASSWORD)[0] == 303
    # A success starts afresh.
    assert _attempt(app.test_client(), "reviewer1")[0] == 401


def test_the_wait_doubles_up_to_its_maximum():
    assert [delay_after(n, 5, 30, 900) for n in range(1, 12)] == [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900]


def test_sign_ins_sign_outs_exports_and_photo_views_are_audited(tmp_path, clock_at):
    app = make_app(tmp_path, TIPS_PHOTO_DIR=str(tmp_path / "photos"), **OPEN_LIMITS)
    make_staff(app, "admin1", "admin", PASSWORD)
    make_staff(app, "reviewer1", password=PASSWORD)
    client = app.test_client()
    client.post("/report", data={**valid_form(), "photos": [(io.BytesIO(png_bytes()), "a.png")]},
                content_type="multipart/form-data")
    _attempt(client, "admin1")
    _attempt(client, "ghost")
    _attempt(client, "admin1", PASSWORD)
    with app.app_context():
        tip = db.session.scalars(select(Tip)).one()
        photo_url = f"/staff/tips/{tip.id}/photos/{tip.photos[0].id}"
    assert client.get(photo_url).status_code == 200
    client.get("/staff/export.csv").get_data()
    client.get("/staff/export.csv?personal=1").get_data()
    page = client.get("/en/staff/audit").get_data(as_text=True)
    assert "Failed sign-in" in page and "ghost" in page and "198.51.100.7" in page
    client.post("/staff/logout")
    with app.app_context():
        events = [(e.actor, e.action) for e in db.session.scalars(select(StaffAuditEvent).order_by(StaffAuditEvent.id))]
        tip_events = [(e.actor, e.action) for e in db.session.scalars(select(TipEvent).where(TipEvent.tip_id == tip.id))]
    assert events == [("admin1", "login_failed"), ("ghost", "login_failed"), ("admin1", "login"),
                      ("admin1", "export"), ("admin1", "export_personal"), ("admin1", "logout")]
    assert ("admin1", "photo_viewed") in tip_events and ("admin1", "personal_data_exported") in tip_events
    # Only admins read the desk's audit log.
    reviewer = app.test_client()
    login(reviewer)
    assert reviewer.get("/staff/audit").status_code == 403


def test_the_audit_log_is_append_only(tmp_path):
    app = make_app(tmp_path, **OPEN_LIMITS)
    make_staff(app, "admin1", "admin", PASSWORD)
    login(app.test_client(), "admin1", PASSWORD)
    with app.app_context():
        event = db.session.scalars(select(StaffAuditEvent)).first()
        event.detail = "rewritten"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
        db.session.rollback()


def test_exports_leave_out_addresses_and_exact_points_unless_personal(tips_app, tclient):
    make_staff(tips_app, "admin1", "admin", PASSWORD)
    make_tip(tips_app, address="幸福小区 3 幢 502 室", lat=31.312345, lon=120.612345)
    login(tclient, "admin1", PASSWORD)
    plain = tclient.get("/staff/export.csv").get_data(as_text=True)
    header = plain.splitlines()[0].lstrip("\ufeff").split(",")
    assert "幸福小区" not in plain and "31.312345" not in plain and "address" not in header and "lat" not in header
    assert "31.31" in plain and "120.61" in plain  # a point rounded to about 1 km stays
    personal = tclient.get("/staff/export.csv?personal=1").get_data(as_text=True)
    assert "幸福小区 3 幢 502 室" in personal and "31.312345" in personal
    tip = make_tip(tips_app, address="")
    with tips_app.app_context():
        logged = {e.tip_id for e in db.session.scalars(select(TipEvent).where(TipEvent.action == "personal_data_exported"))}
    assert tip.id not in logged and len(logged) == 1
