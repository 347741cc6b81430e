"""The staff desk: guards, login, throttling, workflow, audit log, privacy, export, purge, CLI."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from cleanair.extensions import db
from cleanair.report import service
from cleanair.report.models import StaffUser, Tip, TipEvent
from sqlalchemy import select

from tests.tips.helpers import login, make_staff, make_tip, png_bytes, valid_form


def _staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/staff")]


def test_every_staff_route_requires_login(tips_app, tclient):
    make_tip(tips_app)
    rules = _staff_rules(tips_app)
    assert len(rules) >= 8
    for rule in rules:
        if rule.endpoint == "staff.login":
            continue
        url = re.sub(r"<[^>]+>", "1", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            resp = tclient.open(url, method=method)
            assert resp.status_code == 303 and "/staff/login" in resp.headers["Location"], (method, url)


def test_login_logout_and_cookie_flags(tmp_path):
    from tests.conftest import make_app
    from tests.tips.conftest import OPEN_LIMITS

    app = make_app(tmp_path, SESSION_COOKIE_SECURE=True, **OPEN_LIMITS)
    make_staff(app)
    client = app.test_client()
    bad = login(client, password="wrong password!")
    assert bad.status_code == 401
    resp = login(client)
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/staff/")
    cookie = resp.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/staff/")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    client.post("/staff/logout")
    assert client.get("/staff/").status_code == 303


def test_passwords_are_argon2_and_unknown_users_get_the_same_answer(tips_app, tclient):
    make_staff(tips_app)
    with tips_app.app_context():
        user = db.session.scalars(select(StaffUser)).one()
        assert user.password_hash.startswith("$argon2id$")
    a = login(tclient, username="nobody")
    b = login(tclient, password="nope nope nope")
    assert a.status_code == b.status_code == 401
    token = re.compile(r'value="[^"]*"')  # CSRF tokens differ per request; the rest must not
    assert token.sub("", a.get_data(as_text=True)) == token.sub("", b.get_data(as_text=True))  # no hint which accounts exist
    assert "Wrong username or password" in tclient.post("/en/staff/login", data={"username": "x", "password": "y"}).get_data(as_text=True)


def test_login_is_rate_limited_per_ip(tmp_path):
    from tests.conftest import make_app

    app = make_app(tmp_path, STAFF_LOGIN_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post("/staff/login", data={"username": "a", "password": "b"}).status_code for _ in range(5)]
    assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]


def test_workflow_route_verify_reward_and_public_status(tips_app, tclient, rewards_on):
    make_staff(tips_app)
    tclient.post("/report", data=valid_form(identity="real_name", name="陈七", phone="13612345678", not_staff="y"), content_type="multipart/form-data")
    with tips_app.app_context():
        tip_id, code = db.session.execute(select(Tip.id, Tip.code)).one()
    login(tclient)
    act = lambda **d: tclient.post(f"/staff/tips/{tip_id}/action", data=d)
    act(kind="route", body="housing-construction", note="site is a building project")
    act(kind="status", to="verified")  # not allowed from submitted
    page = tclient.get(f"/staff/tips/{tip_id}").get_data(as_text=True)
    assert "不能从“已收到”改为“查证属实”" in page  # the refusal in the language of the page that acted
    act(kind="reward", to="reward_pending")  # not yet verified
    for to in ("accepted", "investigating", "verified"):
        act(kind="status", to=to, note="checked on site")
    for to in ("reward_pending", "reward_approved"):
        act(kind="reward", to=to)
    with tips_app.app_context():
        tip = db.session.get(Tip, tip_id)
        assert (tip.status, tip.reward_status, tip.routed_to) == ("verified", "reward_approved", "housing-construction")
        assert tip.first_action_at is not None and tip.closed_at is not None
        events = [(e.actor, e.action, e.from_value, e.to_value) for e in tip.events]
    assert ("reviewer1", "routed", None, "housing-construction") in events
    assert ("reviewer1", "status", "investigating", "verified") in events
    assert ("reviewer1", "reward", "reward_pending", "reward_approved") in events
    from cleanair.domain.tips.codes import grouped

    status = tclient.get(f"/en/report/{grouped(code)}").get_data(as_text=True)
    assert "Confirmed" in status and "Reward approved" in status and "checked on site" not in status
    stats = tclient.get("/report/stats.json").get_json()
    assert stats["by_status"]["verified"] == 1 and stats["share_verified"] == 1.0
    assert stats["by_body"] == {"housing-construction": 1}


def test_rejection_needs_a_reason(tips_app, tclient):
    make_staff(tips_app)
    tip = make_tip(tips_app)
    login(tclient)
    tclient.post(f"/staff/tips/{tip.id}/action", data={"kind": "status", "to": "rejected"})
    tclient.post(f"/staff/tips/{tip.id}/action", data={"kind": "status", "to": "rejected", "reason": "already_known"})
    with tips_app.app_context():
        t = db.session.get(Tip, tip.id)
        assert (t.status, t.rejection_reason) == ("rejected", "already_known")


def test_audit_log_is_append_only(tips_app):
    tip = make_tip(tips_app)
    with tips_app.app_context():
        event = db.session.scalars(select(TipEvent).where(TipEvent.tip_id == tip.id)).first()
        event.note = "rewritten"
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(RuntimeError, match="append-only"):
            db.session.delete(db.session.get(TipEvent, event.id))
            db.session.commit()


def test_contact_details_masked_in_lists_full_on_detail_and_logged(tips_app, tclient):
    make_staff(tips_app)
    tclient.post("/report", data=valid_form(identity="real_name", name="周八", phone="13512345678", not_staff="y"), content_type="multipart/form-data")
    login(tclient)
    queue = tclient.get("/staff/").get_data(as_text=True)
    assert "135****5678" in queue and "13512345678" not in queue and "周八" not in queue
    with tips_app.app_context():
        tip_id = db.session.scalar(select(Tip.id))
    masked = tclient.get(f"/staff/tips/{tip_id}").get_data(as_text=True)
    assert "13512345678" not in masked
    full = tclient.get(f"/staff/tips/{tip_id}?reveal=1").get_data(as_text=True)
    assert "13512345678" in full and "周八" in full
    with tips_app.app_context():
        actions = [(e.actor, e.action) for e in db.session.get(Tip, tip_id).events]
    assert ("reviewer1", "personal_data_viewed") in actions


def test_redaction_keeps_the_original_for_admins_only(tips_app):
    make_staff(tips_app)
    make_staff(tips_app, "admin1", "admin")
    tip = make_tip(tips_app, description="My neighbour Mr Wang at 13812345678 burns rubbish")
    reviewer, admin = tips_app.test_client(), tips_app.test_client()
    login(reviewer)
    login(admin, "admin1")
    assert reviewer.post(f"/staff/tips/{tip.id}/redact", data={"description": "x"}).status_code == 403
    admin.post(f"/staff/tips/{tip.id}/redact", data={"description": "Someone burns rubbish [phone removed]", "polluter": "", "note": "phone"})
    with tips_app.app_context():
        t = db.session.get(Tip, tip.id)
        assert t.description.startswith("My neighbour")  # the citizen's text is never overwritten
    assert "13812345678" not in reviewer.get(f"/staff/tips/{tip.id}").get_data(as_text=True)
    assert "13812345678" in admin.get(f"/staff/tips/{tip.id}").get_data(as_text=True)


def test_duplicates_cluster_and_first_reporter_keeps_reward_priority(tips_app, tclient, rewards_on):
    make_staff(tips_app)
    first = make_tip(tips_app, identity="real_name", name="甲", phone="13812345678")
    second = make_tip(tips_app, identity="real_name", name="乙", phone="13812345679", lat=31.3005)
    login(tclient)
    from cleanair.domain.tips.codes import grouped

    detail = tclient.get(f"/staff/tips/{second.id}").get_data(as_text=True)
    assert grouped(first.code) in detail  # offered as a duplicate candidate
    # Merging the earlier tip into the later one still keeps the earlier one as head.
    tclient.post(f"/staff/tips/{first.id}/action", data={"kind": "merge", "into": grouped(second.code)})
    with tips_app.app_context():
        a, b = db.session.get(Tip, first.id), db.session.get(Tip, second.id)
        assert a.cluster_id is None and b.cluster_id == a.id
        for t in (b,):
            for to in ("accepted", "investigating", "verified"):
                service.change_status(t, "reviewer1", to)
        from cleanair.domain.tips.states import TransitionError

        with pytest.raises(TransitionError, match="first reporter"):
            service.change_reward(b, "reviewer1", "reward_pending")


def test_queue_filters(tips_app, tclient):
    make_staff(tips_app)
    make_tip(tips_app, category="dust", district="gusu")
    make_tip(tips_app, category="fireworks", district="wujiang", lat=31.0, lon=120.7)
    login(tclient)
    from cleanair.domain.tips.codes import grouped

    def codes_in(**q):
        html = tclient.get("/staff/", query_string=q).get_data(as_text=True)
        return len(re.findall(r"/staff/tips/\d+\"", html))

    assert codes_in() == 2
    assert codes_in(category="dust") == 1
    assert codes_in(district="wujiang") == 1
    assert codes_in(body="emergency-management") == 1  # fireworks (task 27) involve emergency management
    assert codes_in(body="housing-construction") == 1  # dust (tasks 24–25), not fireworks
    assert codes_in(status="open") == 2 and codes_in(status="verified") == 0
    assert codes_in(since="2099-01-01") == 0 and codes_in(until="2000-01-01") == 0
    assert grouped  # imported for readability of failures


def test_photos_only_for_staff(tips_app, tclient):
    tclient.post("/report", data={**valid_form(), "photos": [(io.BytesIO(png_bytes()), "a.png")]}, content_type="multipart/form-data")
    with tips_app.app_context():
        tip = db.session.scalars(select(Tip)).one()
        url = f"/staff/tips/{tip.id}/photos/{tip.photos[0].id}"
    assert tclient.get(url).status_code == 303
    make_staff(tips_app)
    login(tclient)
    resp = tclient.get(url)
    assert resp.status_code == 200 and resp.content_type == "image/png" and resp.headers["Cache-Control"] == "no-store"


def test_export_has_no_personal_data_by_default(tips_app, tclient):
    make_staff(tips_app)
    make_staff(tips_app, "admin1", "admin")
    make_tip(tips_app, identity="real_name", name="吴九", phone="13312345678")
    login(tclient)
    csv = tclient.get("/staff/export.csv").get_data(as_text=True)
    assert "吴九" not in csv and "13312345678" not in csv and "name" not in csv.splitlines()[0].split(",")
    assert tclient.get("/staff/export.csv?personal=1").status_code == 403
    admin = tips_app.test_client()
    login(admin, "admin1")
    assert "13312345678" in admin.get("/staff/export.csv?personal=1").get_data(as_text=True)


def test_purge_removes_personal_data_and_photos_of_old_closed_tips(tips_app, tclient):
    tclient.post("/report", data={**valid_form(identity="real_name", name="郑十", phone="13212345678", not_staff="y", lat="31.312345", lon="120.612345"),
                                  "photos": [(io.BytesIO(png_bytes()), "a.png")]}, content_type="multipart/form-data")
    open_tip = make_tip(tips_app, identity="real_name", name="留", phone="13112345678")
    with tips_app.app_context():
        tip = db.session.scalars(select(Tip).order_by(Tip.id)).first()
        service.change_status(tip, "reviewer1", "rejected", "out_of_scope")
        key = tip.photos[0].storage_key
        tip.closed_at = service.now() - timedelta(days=400)
        db.session.commit()
    result = tips_app.test_cli_runner().invoke(args=["tips", "purge"])
    assert result.exit_code == 0 and "1 tip(s) and 1 photo(s)" in result.output
    with tips_app.app_context():
        tip = db.session.scalars(select(Tip).order_by(Tip.id)).first()
        assert tip.name_enc is None and tip.phone_enc is None and not tip.photos and tip.address == ""
        assert (tip.lat, tip.lon) == (31.31, 120.61) and tip.category == "dust" and tip.status == "rejected"
        assert db.session.get(Tip, open_tip.id).name_enc is not None
        with pytest.raises(FileNotFoundError):
            service.runtime().storage.load(key)
    assert tclient.get("/report/stats.json").get_json()["total"] == 2


def test_staff_create_cli(tips_app):
    runner = tips_app.test_cli_runner()
    ok = runner.invoke(args=["staff", "create", "alice", "--role", "admin", "--password", "a long enough password"])
    assert ok.exit_code == 0, ok.output
    short = runner.invoke(args=["staff", "create", "bob", "--password", "short"])
    assert short.exit_code != 0 and "at least 12" in short.output
    with tips_app.app_context():
        assert db.session.scalars(select(StaffUser.role).where(StaffUser.username == "alice")).one() == "admin"
