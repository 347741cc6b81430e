"""Heavy-pollution alerts: the rules, `flask alert`, the banner on every page (through the page
cache), /alerts with its twins and feed, the staff desk, the fireworks map and the heavy days.

Alerts here are hand-made test records (issuer and document are made up and say so); the clock
is pinned (TODAY and/or monkeypatched `cleanair.clock.now_utc`).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone
from xml.etree import ElementTree as ET

import pytest

from cleanair import clock
from cleanair.domain.air import alerts as rules
from tests.conftest import SHARED_DATA, make_app, require_shared
from tests.history.atom import validate_atom

BEIJING = timezone(timedelta(hours=8))
ISSUER = "测试发布单位（手工测试数据）"
TITLE = "测试预警通知（手工测试数据，非真实预警）"
URL = "https://example.org/test-alert-notice"


def at(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(clock, "now_utc", lambda: moment.astimezone(UTC))


def issue(app, *args: str):
    base = ["alert", "issue", "--issuer", ISSUER, "--title", TITLE, "--url", URL]
    return app.test_cli_runner().invoke(args=base + list(args))


@pytest.fixture()
def alert_app(tmp_path):
    """Today not pinned (the clock is), page cache on: what production runs."""
    return make_app(tmp_path, TODAY=None, PAGE_CACHE=True)


# --- rules -------------------------------------------------------------------------------------

def test_times_without_an_offset_are_suzhou_time_and_instants_are_utc():
    assert rules.parse_instant("2026-12-01T20:00") == datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert rules.parse_instant("2026-12-01 20:00") == datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert rules.parse_instant("2026-12-01T12:00Z") == datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert rules.parse_instant("2026-12-01T20:00+08:00") == datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert rules.parse_instant("2026-12-01") == datetime(2026, 11, 30, 16, tzinfo=UTC)
    for bad in ("", "tomorrow", "2026-13-01T00:00"):
        with pytest.raises(ValueError):
            rules.parse_instant(bad)


def test_checks_and_when_an_alert_is_in_force():
    start = datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert rules.check("orange", start, None, ISSUER, TITLE, URL) == {}
    problems = rules.check("purple", None, None, "", "x" * 501, "ftp://x")
    assert set(problems) == {"level", "start", "issuer", "title", "url"}
    assert set(rules.check("red", start, start, ISSUER, TITLE, URL)) == {"end"}

    class A:
        def __init__(self, id, level, starts_at, ends_at=None):
            self.id, self.level, self.starts_at, self.ends_at = id, level, starts_at, ends_at

    y = A(1, "yellow", start, start + timedelta(days=2))
    r = A(2, "red", start + timedelta(days=1))
    assert [a.id for a in rules.active([y, r], start + timedelta(days=1, hours=1))] == [2, 1]  # most severe first
    assert rules.active([y], start - timedelta(seconds=1)) == [] and rules.status(y, start - timedelta(seconds=1)) == "scheduled"
    assert rules.active([y], start + timedelta(days=2)) == [] and rules.status(y, start + timedelta(days=2)) == "ended"
    # Calendar days are Suzhou days: 2026-12-01 20:00 Suzhou is in force on 12-01, 12-02, 12-03.
    assert [d for d in (date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 4))
            if rules.in_force_on([y], d)] == [date(2026, 12, 1), date(2026, 12, 3)]
    assert rules.check_end(start, None, start - timedelta(hours=1)) and rules.check_end(start, start, start)


# --- command line --------------------------------------------------------------------------------

def test_cli_issue_and_end_with_suzhou_times(alert_app):
    ok = issue(alert_app, "--level", "orange", "--start", "2026-12-01T20:00")
    assert ok.exit_code == 0, ok.output
    assert "recorded alert 1" in ok.output and "2026-12-01T20:00:00+08:00 → open (until lifted)" in ok.output
    from cleanair.air import alerts

    with alert_app.app_context():
        a = alerts.get(1)
        assert a.starts_at == datetime(2026, 12, 1, 12, tzinfo=UTC) and a.ends_at is None and a.created_by == "cli"
    runner = alert_app.test_cli_runner()
    bad_end = runner.invoke(args=["alert", "end", "1", "--at", "2026-12-01T19:00"])
    assert bad_end.exit_code == 1 and "the end must be after the start" in bad_end.output
    ended = runner.invoke(args=["alert", "end", "1", "--at", "2026-12-03T12:00:00+08:00"])
    assert ended.exit_code == 0 and "→ 2026-12-03T12:00:00+08:00" in ended.output
    again = runner.invoke(args=["alert", "end", "1", "--at", "2026-12-04T12:00"])
    assert again.exit_code == 1 and "already ended" in again.output
    assert runner.invoke(args=["alert", "end", "9", "--at", "2026-12-04T12:00"]).exit_code == 1
    closed = issue(alert_app, "--level", "yellow", "--start", "2026-11-01T08:00", "--end", "2026-11-02T08:00")
    assert closed.exit_code == 0 and "→ 2026-11-02T08:00:00+08:00" in closed.output
    assert issue(alert_app, "--level", "purple", "--start", "2026-12-01T20:00").exit_code == 2
    bad = issue(alert_app, "--level", "red", "--start", "2026-12-01T20:00", "--end", "2026-12-01T10:00")
    assert bad.exit_code == 1 and "not recorded" in bad.output
    assert issue(alert_app, "--level", "red", "--start", "soon").exit_code == 2
    listed = runner.invoke(args=["alert", "list"]).output
    assert listed.count(URL) == 2


# --- banner on every page, through the page cache ----------------------------------------------

PAGES = ("/", "/plan", "/plan/tasks/39", "/air", "/maps/fireworks", "/report", "/data", "/changes")


def test_banner_on_every_public_page_at_once_and_gone_when_lifted(alert_app, monkeypatch):
    client = alert_app.test_client()
    at(monkeypatch, datetime(2026, 12, 1, 21, tzinfo=BEIJING))
    for url in PAGES:
        assert "alert-banner" not in client.get(url).get_data(as_text=True), url  # cached without a banner
    assert issue(alert_app, "--level", "orange", "--start", "2026-12-01T20:00").exit_code == 0
    for url in PAGES:
        html = client.get(url).get_data(as_text=True)
        assert "alert-banner" in html and "橙色预警" in html and URL in html, url
    en = client.get("/en/plan").get_data(as_text=True)
    assert "Orange alert" in en and "level Ⅱ emergency response" in en and "until lifted" in en
    # Lifted later by the clock alone (its end recorded in advance): the banner goes, no write needed.
    assert alert_app.test_cli_runner().invoke(args=["alert", "end", "1", "--at", "2026-12-02T09:00"]).exit_code == 0
    assert "alert-banner" in client.get("/plan").get_data(as_text=True)
    at(monkeypatch, datetime(2026, 12, 2, 9, 0, 1, tzinfo=BEIJING))
    for url in PAGES:
        assert "alert-banner" not in client.get(url).get_data(as_text=True), url


def test_a_scheduled_alert_starts_by_the_clock_and_a_write_elsewhere_is_seen(alert_app, monkeypatch):
    """Recorded by another process (here: straight into the database) for a later start."""
    from cleanair import pagecache
    from cleanair.air.models import AirAlert
    from cleanair.extensions import db

    monkeypatch.setattr(pagecache, "VERSION_TTL", 0.0)  # the 2-second version interval, shortened
    client = alert_app.test_client()
    at(monkeypatch, datetime(2026, 12, 5, 8, tzinfo=BEIJING))
    assert "alert-banner" not in client.get("/plan").get_data(as_text=True)
    with alert_app.app_context():
        db.session.add(AirAlert(level="red", starts_at=datetime(2026, 12, 5, 10, tzinfo=BEIJING), ends_at=None,
                                issuer=ISSUER, title=TITLE, url=URL, created_at=clock.now_utc(), created_by="other"))
        db.session.commit()
    assert "alert-banner" not in client.get("/plan").get_data(as_text=True)  # not yet in force
    at(monkeypatch, datetime(2026, 12, 5, 10, tzinfo=BEIJING))
    html = client.get("/plan").get_data(as_text=True)
    assert "alert-banner" in html and "红色预警" in html


# --- /alerts and its twins and feed -----------------------------------------------------------

def test_alerts_page_twins_and_atom(alert_app, monkeypatch):
    at(monkeypatch, datetime(2026, 12, 2, 10, tzinfo=BEIJING))
    issue(alert_app, "--level", "yellow", "--start", "2026-11-01T08:00", "--end", "2026-11-02T08:00")
    issue(alert_app, "--level", "orange", "--start", "2026-12-01T20:00")
    client = alert_app.test_client()
    html = client.get("/alerts").get_data(as_text=True)
    assert 'id="alert-1"' in html and 'id="alert-2"' in html and "生效中" in html
    # What it triggers: the fireworks rule (data/fireworks/bans.yaml), the plan's tasks, the
    # honest statement about the municipal plan, with the documents that could be cited.
    assert "重污染天气预警期间" in html and "/plan/tasks/39" in html and "苏州市禁止燃放烟花爆竹条例" in html
    assert "本站未能取得并核对《苏州市重污染天气应急预案》" in html and "苏政办函〔2025〕38号" in html
    en = client.get("/en/alerts").get_data(as_text=True)
    assert "has not been able to obtain and check" in en and "Orange alert" in en
    data = client.get("/alerts.json").json
    assert data["active"] == [2] and [a["id"] for a in data["alerts"]] == [2, 1]
    a2 = data["alerts"][0]
    assert a2["starts_at"] == "2026-12-01T20:00:00+08:00" and a2["ends_at"] is None and a2["status"] == "active"
    assert a2["response_level"] == "Ⅱ" and data["alerts"][1]["status"] == "ended"
    raw = client.get("/alerts.csv").get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["level"] for r in rows] == ["orange", "yellow"] and rows[1]["ends_at"] == "2026-11-02T08:00:00+08:00"
    feed = client.get("/alerts.atom")
    assert feed.headers["Content-Type"].startswith("application/atom+xml")
    assert validate_atom(ET.fromstring(feed.get_data())) == []
    entries = ET.fromstring(feed.get_data()).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries) == 2 and "橙色预警" in entries[0].findtext("{http://www.w3.org/2005/Atom}title")
    en_feed = client.get("/en/alerts.atom").get_data(as_text=True)
    assert validate_atom(ET.fromstring(en_feed.encode())) == [] and "Orange alert" in en_feed and "alert/2/en" in en_feed
    assert "/alerts.atom" in html  # announced and offered with the downloads


def test_alerts_page_without_alerts_says_so(alert_app):
    html = alert_app.test_client().get("/en/alerts").get_data(as_text=True)
    assert "No heavy-pollution alert is in force" in html and "No alert has been recorded" in html


# --- staff desk -------------------------------------------------------------------------------

def _staff(app, username: str, role: str) -> None:
    from cleanair.extensions import db
    from cleanair.report import secrets_
    from cleanair.report.models import StaffUser

    with app.app_context():
        db.session.add(StaffUser(username=username, password_hash=secrets_.hash_secret("correct horse battery"),
                                 role=role, active=True, created_at=clock.now_utc()))
        db.session.commit()


def _login(client, username: str):
    return client.post("/staff/login", data={"username": username, "password": "correct horse battery"})


FORM = {"level": "red", "start": "2026-12-01T20:00", "end": "", "issuer": ISSUER, "title": TITLE, "url": URL}


@pytest.mark.parametrize("role", ["publisher", "admin"])
def test_the_plan_office_records_and_ends_alerts_in_the_staff_desk(tmp_path, monkeypatch, role):
    app = make_app(tmp_path, TODAY=None, STAFF_LOGIN_LIMIT="1000 per minute")
    at(monkeypatch, datetime(2026, 12, 1, 21, tzinfo=BEIJING))
    _staff(app, "office", role)
    client = app.test_client()
    _login(client, "office")
    assert "Heavy-pollution alerts" in client.get("/en/staff/", follow_redirects=True).get_data(as_text=True), "the desk links to alerts (a publisher starts on the progress desk)"
    # Bad input: a clear 400, everything typed is kept, nothing recorded.
    bad = client.post("/staff/alerts", data={**FORM, "start": "yesterday evening", "url": "not a link"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'aria-invalid="true"' in page and TITLE in page and "yesterday evening" in page
    ok = client.post("/staff/alerts", data=FORM)
    assert ok.status_code == 303
    from cleanair.air import alerts

    with app.app_context():
        a = alerts.get(1)
        assert a.starts_at == datetime(2026, 12, 1, 12, tzinfo=UTC) and a.created_by == "office" and a.level == "red"
    assert "alert-banner" in client.get("/plan").get_data(as_text=True)
    assert client.post("/staff/alerts/1/end", data={"at": "2026-12-01T19:00"}).status_code == 303  # refused, flashed
    with app.app_context():
        assert alerts.get(1).ends_at is None
    client.post("/staff/alerts/1/end", data={"at": "2026-12-01T21:30"})
    with app.app_context():
        a = alerts.get(1)
        assert a.ends_at == datetime(2026, 12, 1, 13, 30, tzinfo=UTC) and a.ended_by == "office"


def test_reviewers_cannot_record_alerts(tmp_path):
    app = make_app(tmp_path, TODAY=None, STAFF_LOGIN_LIMIT="1000 per minute")
    _staff(app, "rev", "reviewer")
    client = app.test_client()
    assert client.get("/staff/alerts").status_code == 303  # not logged in: to the login page
    _login(client, "rev")
    assert client.get("/staff/alerts").status_code == 403
    assert client.post("/staff/alerts", data=FORM).status_code == 403
    assert "/staff/alerts" not in client.get("/staff/").get_data(as_text=True)


# --- fireworks map ----------------------------------------------------------------------------

def test_fireworks_map_shows_the_citywide_ban_while_an_alert_is_in_force(alert_app, monkeypatch):
    client = alert_app.test_client()
    at(monkeypatch, datetime(2026, 12, 1, 21, tzinfo=BEIJING))
    assert client.get("/maps/fireworks.json").json["citywide_ban_now"] is False
    quiet_doc = client.get("/en/maps/fireworks/map.html", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    assert "fireworks are banned in the whole city" not in quiet_doc
    issue(alert_app, "--level", "orange", "--start", "2026-12-01T20:00")
    data = client.get("/maps/fireworks.json").json
    assert data["citywide_ban_now"] is True and data["alerts_in_force"][0]["id"] == 1
    rows = list(csv.DictReader(io.StringIO(client.get("/maps/fireworks.csv").get_data().decode("utf-8-sig"))))
    assert {r["citywide_ban_now"] for r in rows} == {"true"}
    page = client.get("/en/maps/fireworks").get_data(as_text=True)
    assert "Now: fireworks are banned in the whole city" in page and "map.html?state=alert-1" in page
    doc = client.get("/en/maps/fireworks/map.html", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    assert "Heavy-pollution alert in force: fireworks are banned in the whole city." in doc
    whole = "#b3261e"  # the whole-area ban fill (cleanair_maps.builders.FIREWORKS_STYLE)
    assert doc.count(whole) > quiet_doc.count(whole)  # every district drawn as a whole-area ban


# --- heavy-pollution days link to the alerts issued on them ----------------------------------

def test_heavy_days_on_the_air_history_link_to_the_alerts_in_force(tmp_path):
    require_shared(SHARED_DATA)
    app = make_app(tmp_path)
    from cleanair.air import service
    from cleanair.air.store import import_paths

    with app.app_context():
        st = service.state()
        import_paths([SHARED_DATA / "city_daily" / "aqistudy_suzhou_2013-12_2019-06.csv"], st.standards, st.frame)
        service.invalidate()
        heavy = service.heavy_days("苏州", 2015)
        year = next(r for r in service.annual_rows("苏州") if r["year"] == 2015)
    assert heavy and len(heavy) == year["heavy_days"]  # the listed days are the days counted
    day = heavy[0]["date"]
    issue(app, "--level", "orange", "--start", f"{day}T08:00", "--end", f"{day + timedelta(days=1)}T20:00")
    client = app.test_client()
    html = client.get("/air/history?year=2015").get_data(as_text=True)
    assert 'id="heavy-days"' in html and "/alerts#alert-1" in html
    assert html.count("/alerts#alert-") <= 2  # only the days the alert covered
    assert "本站未记录" in html  # the other heavy days say no alert is recorded here
    annual = client.get("/air/annual").get_data(as_text=True)
    assert "year=2015#heavy-days" in annual
