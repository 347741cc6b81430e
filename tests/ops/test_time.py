"""Every time a person reads is Suzhou time, whatever the host's zone (docs/time.md).

`scripts/test` runs the suite with TZ=UTC and these tests once more with TZ=America/New_York.
The tips here are hand-made test data.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from cleanair import clock
from tests.conftest import make_app
from tests.tips.helpers import login, make_staff, make_tip

pytestmark = pytest.mark.clock

# 02:05 UTC is 10:05 in Suzhou: a page showing 02:05 (host zone) or 18:05 (+8 twice) is wrong.
INSTANT = datetime(2026, 11, 30, 2, 5, tzinfo=UTC)


@pytest.fixture()
def pinned(monkeypatch):
    monkeypatch.setattr(clock, "now_utc", lambda: INSTANT)
    return INSTANT


@pytest.fixture()
def tips_app(tmp_path):
    return make_app(tmp_path, TIPS_PHOTO_DIR=str(tmp_path / "photos"),
                    TIPS_SUBMIT_LIMIT="1000 per minute", STAFF_LOGIN_LIMIT="1000 per minute")


def _clock_times(html: str) -> set[str]:
    return set(re.findall(r"\b\d{1,2}:\d{2}\b", html))


def test_receipt_staff_desk_and_stats_show_suzhou_time(tips_app, pinned):
    tip = make_tip(tips_app, occurred_at=datetime(2026, 11, 30, 1, 35, tzinfo=UTC))
    with tips_app.app_context():
        raw = tips_app.extensions["sqlalchemy"].session.execute(
            text("SELECT submitted_at FROM tips WHERE id = :i"), {"i": tip.id}).scalar_one()
    assert str(raw).startswith("2026-11-30 02:05"), "stored as UTC"

    c = tips_app.test_client()
    receipt = c.get(f"/report/{tip.code}/receipt", follow_redirects=True).get_data(as_text=True)
    assert "10:05" in receipt and "02:05" not in receipt and "18:05" not in receipt
    stats = c.get("/report/stats").get_data(as_text=True)
    assert "10:05" in stats and "02:05" not in stats and "18:05" not in stats
    stats_json = c.get("/report/stats.json").get_json()
    assert stats_json["generated_at"] == "2026-11-30T10:05:00+08:00"

    make_staff(tips_app, "desk1", "admin")
    login(c, "desk1")
    queue = c.get("/staff/").get_data(as_text=True)
    assert "10:05" in queue and "02:05" not in queue
    detail = c.get(f"/staff/tips/{tip.id}").get_data(as_text=True)
    assert {"09:35", "10:05"} <= _clock_times(detail), "incident and received times in Suzhou time"
    assert not {"01:35", "02:05", "17:35", "18:05"} & _clock_times(detail)
    export = c.get("/staff/export.csv").get_data(as_text=True)
    assert "2026-11-30T09:35:00+08:00" in export and "2026-11-30T10:05:00+08:00" in export


def test_every_page_writes_an_instant_one_unambiguous_way_in_both_languages(tips_app, pinned):
    # Babel's "short" format wrote 11/30/26, 10:05 AM on English pages (day and month read
    # either way round) and 2026/11/30 10:05 on Chinese ones, beside 2026-11-30 10:05 elsewhere.
    tip = make_tip(tips_app)
    c = tips_app.test_client()
    make_staff(tips_app, "desk2", "admin")
    for prefix in ("", "/en"):
        for url in (f"{prefix}/report/{tip.code}/receipt", f"{prefix}/report/stats"):
            html = c.get(url, follow_redirects=True).get_data(as_text=True)
            assert "2026-11-30 10:05" in html, url
            assert not re.search(r"\b11/30/26\b|2026/11/30", html), url
    login(c, "desk2")
    for prefix in ("", "/en"):
        queue = c.get(f"{prefix}/staff/").get_data(as_text=True)
        assert "2026-11-30 10:05" in queue and "11/30/26" not in queue


def test_the_form_reads_the_typed_time_as_suzhou_time(tips_app, pinned):
    from tests.tips.helpers import valid_form

    c = tips_app.test_client()
    page = c.get("/report").get_data(as_text=True)
    assert 'value="2026-11-30T10:05"' in page, "the default is now, in Suzhou time"
    r = c.post("/report", data=valid_form(occurred_at="2026-11-30T09:00"))
    assert r.status_code in (200, 303), r.status_code
    with tips_app.app_context():
        from cleanair.report.models import Tip

        tip = tips_app.extensions["sqlalchemy"].session.query(Tip).one()
        assert tip.occurred_at == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    answer = c.get(r.headers["Location"]) if r.status_code == 303 else r
    html = answer.get_data(as_text=True)
    assert "10:05" in html and "02:05" not in html, "the receipt says when it was received, in Suzhou time"


def test_stations_map_shows_the_hour_as_published(imported_app):
    c = imported_app.test_client()
    html = c.get("/maps/stations").get_data(as_text=True)
    row = html[html.index("1162A"):][:2000]
    assert "2022-01-04 23:00" in row and "2022-01-05" not in row
    assert "PM2.5" in row and ">pm25<" not in row  # pollutant names, not data codes


def test_air_json_and_csv_carry_the_offset(imported_app):
    c = imported_app.test_client()
    rows = c.get("/air/latest.json").get_json()["stations"]
    assert {r["time"] for r in rows if r["station"] == "1162A"} == {"2022-01-04T23:00:00+08:00"}
    assert "2022-01-04T23:00:00+08:00" in c.get("/air/latest.csv").get_data(as_text=True)


def test_migration_0006_moves_suzhou_wall_clock_to_utc_and_back(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = make_app(tmp_path)
    with app.app_context():
        from cleanair.extensions import db

        downgrade(revision="0005_air_hour_day")
        db.session.execute(text(
            "INSERT INTO staff_users (id, username, password_hash, role, active, created_at, failed_logins,"
            " locked_until, last_login_at) VALUES (1, 'u', 'x', 'admin', true, '2026-11-30 10:05:00', 0, NULL,"
            " '2026-11-30 00:30:00')"))
        db.session.commit()
        upgrade(revision="0006_utc_instants")  # later migrations may drop columns (0010_hardening: locked_until)
        row = db.session.execute(text("SELECT created_at, last_login_at, locked_until FROM staff_users")).one()
        assert str(row[0]).startswith("2026-11-30 02:05") and str(row[1]).startswith("2026-11-29 16:30")
        assert row[2] is None
        db.session.commit()
        downgrade(revision="0005_air_hour_day")
        row = db.session.execute(text("SELECT created_at, last_login_at FROM staff_users")).one()
        assert str(row[0]).startswith("2026-11-30 10:05") and str(row[1]).startswith("2026-11-30 00:30")
        db.session.commit()
        upgrade()


def test_tip_statistics_count_suzhou_calendar_months(tips_app, monkeypatch):
    # 2026-10-31 17:00 UTC is 2026-11-01 01:00 in Suzhou: a November tip.
    monkeypatch.setattr(clock, "now_utc", lambda: datetime(2026, 10, 31, 17, 0, tzinfo=UTC))
    make_tip(tips_app, occurred_at=datetime(2026, 10, 31, 16, 30, tzinfo=UTC))
    with tips_app.app_context():
        from cleanair.report.models import Tip

        tips_app.extensions["sqlalchemy"].session.query(Tip).update({"status": "verified"})
        tips_app.extensions["sqlalchemy"].session.commit()
    data = tips_app.test_client().get("/report/stats.json").get_json()
    assert data["by_month"] == {"2026-11": 1}
