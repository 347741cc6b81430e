"""HEAD answers like GET, a 405 says what is allowed, a 429 says when to come back, and the
inputs of the probe get a clear 4xx page instead of a 500 (findings 7 and 9 of issue 14)."""

from __future__ import annotations

import pytest

from tests.conftest import make_app
from tests.tips.helpers import login, make_staff, make_tip, valid_form
from tests.web.routes import public_urls


def test_head_answers_like_get_on_every_public_page(client, app):
    for url in [*public_urls(app), "/report", "/en/report", "/staff/login"]:
        get, head = client.get(url), client.head(url)
        assert head.status_code == get.status_code, url
        assert head.get_data() == b""


def test_405_carries_allow(client):
    for url in ("/plan", "/plan/tasks.json", "/report/stats"):
        resp = client.post(url)
        assert resp.status_code == 405
        assert {m.strip() for m in resp.headers["Allow"].split(",")} >= {"GET", "HEAD"}, url
    assert "POST" in client.put("/report").headers["Allow"]


def test_429_says_when_to_come_back(tmp_path):
    app = make_app(tmp_path, TIPS_SUBMIT_LIMIT="1 per minute", STAFF_LOGIN_LIMIT="1 per minute")
    client = app.test_client()
    client.post("/report", data=valid_form())
    tip = client.post("/report", data=valid_form())
    client.post("/staff/login", data={"username": "a", "password": "b"})
    login_ = client.post("/staff/login", data={"username": "a", "password": "b"})
    for resp in (tip, login_):
        assert resp.status_code == 429 and 0 < int(resp.headers["Retry-After"]) <= 60
    assert "Retry-After" not in client.get("/report").headers  # only on the refusal


def test_header_injection_in_redirect_targets_goes_home(client):
    resp = client.get("/prefs/text-size?size=large&next=/%0d%0aSet-Cookie:x=1")
    assert resp.status_code == 303 and resp.headers["Location"] == "/"
    assert "x=1" not in resp.headers.get_all("Set-Cookie")[0]
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "plan"):
        assert client.get(f"/prefs/text-size?next={target}").headers["Location"] == "/", target
    assert client.get("/prefs/text-size?next=/plan%3Fyear%3D2025").headers["Location"] == "/plan?year=2025"


@pytest.mark.parametrize("url, status", [
    ("/staff/?page=99999999999999999999", 400), ("/staff/?page=0", 400), ("/staff/?page=abc", 400),
    ("/staff/?until=9999-12-31", 200), ("/staff/?since=0001-01-01", 400), ("/staff/?since=2026-02-30", 400),
    ("/staff/tips/99999999999999999999", 404), ("/staff/tips/2147483648", 404), ("/staff/tips/0", 404),
])
def test_out_of_range_staff_inputs_get_a_clear_page(tips_app, tclient, url, status):
    make_staff(tips_app, "admin1", "admin")
    make_tip(tips_app)
    login(tclient, "admin1")
    resp = tclient.get("/en" + url)
    assert resp.status_code == status
    if status == 400:
        html = resp.get_data(as_text=True)
        assert "<h1>" in html and ("page" in html or "date" in html)


def test_signing_in_never_redirects_off_the_desk_or_splits_the_header(tips_app, tclient):
    make_staff(tips_app)
    resp = tclient.post("/staff/login?next=/staff/%0d%0aX-Injected:%201", data={"username": "reviewer1", "password": "correct horse battery"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/staff/") and "X-Injected" not in resp.headers


def test_a_nul_character_never_reaches_the_database(tips_app, tclient):
    """PostgreSQL refuses NUL in text: in a form it is dropped, in a URL the answer is 400."""
    from cleanair.extensions import db
    from cleanair.report.models import Tip
    from sqlalchemy import select

    resp = tclient.post("/report", data=valid_form(description="Dust\x00 over the road", address="Gan\x00jiang Road"))
    assert resp.status_code == 303
    with tips_app.app_context():
        tip = db.session.scalars(select(Tip)).one()
        assert (tip.description, tip.address) == ("Dust over the road", "Ganjiang Road")
    make_staff(tips_app, "admin1", "admin")
    login(tclient, "admin1")
    for url in ("/staff/?category=%00", "/staff/?status=open%00", "/data/releases/%00", "/report/%00", "/targets/a%00b"):
        assert tclient.get(url).status_code == 400, url
