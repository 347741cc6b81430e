"""Freshness judged at request time: /healthz/data, "updated N minutes ago", the old-data banner,
and cached pages that must not freeze any of them. The clock is pinned by monkeypatching
`cleanair.clock.now_utc` (TODAY unset, so "today" follows the same clock)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from cleanair import clock
from cleanair.domain.air import freshness
from cleanair.domain.air.stations import StationRecord
from tests.conftest import SHARED_DATA, make_app, require_shared

BEIJING = timezone(timedelta(hours=8))
# The real file's last hour: 2022-01-04 23:00 Beijing time.
LAST = datetime(2022, 1, 4, 23, tzinfo=BEIJING)


def at(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(clock, "now_utc", lambda: moment.astimezone(UTC))


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The real 2022-01-04 file imported, today NOT pinned, the page cache ON."""
    require_shared(SHARED_DATA)
    app = make_app(tmp_path_factory.mktemp("fresh"), TODAY=None, PAGE_CACHE=True)
    from cleanair.air import service
    from cleanair.air.store import import_paths

    with app.app_context():
        st = service.state()
        import_paths([SHARED_DATA / "station_hourly" / "china_sites_20220104_suzhou.csv"], st.standards, st.frame)
        service.invalidate()
    return app


# --- the pure report ---------------------------------------------------------------------------

def _station(code: str, city: str = "苏州", background: bool = False) -> StationRecord:
    return StationRecord(code, code, code, city, None, 31.3, 120.6, background)


def test_report_judges_the_city_and_counts_stations_reporting_in_three_hours():
    stations = [_station("A"), _station("B"), _station("C"), _station("BG", background=True), _station("K", "昆山")]
    now = datetime(2026, 12, 1, 12, tzinfo=BEIJING)
    newest = {"A": now - timedelta(minutes=50), "B": now - timedelta(hours=4), "BG": now - timedelta(minutes=10),
              "K": now - timedelta(minutes=170)}
    r = freshness.report(stations, newest, now, stale_minutes=180)
    assert r["status"] == "ok" and r["city"]["age_minutes"] == 50
    assert r["city"]["stations_reporting"] == 1 and r["city"]["stations_total"] == 3  # background not a member
    assert r["stations_reporting"] == 3 and r["stations_total"] == 5  # A, BG, K (B is 4 h old, C never)
    assert {s["code"]: s["age_minutes"] for s in r["stations"]} == {"A": 50, "B": 240, "C": None, "BG": 10, "K": 170}
    later = freshness.report(stations, newest, now + timedelta(minutes=131), stale_minutes=180)
    assert later["status"] == "stale" and later["city"]["age_minutes"] == 181
    assert freshness.report(stations, {}, now, 180)["status"] == "stale"  # nothing observed is not fresh


# --- /healthz/data -----------------------------------------------------------------------------

def test_healthz_data_is_200_while_fresh_and_503_once_stale(live_app, monkeypatch):
    client = live_app.test_client()
    at(monkeypatch, LAST + timedelta(minutes=59, seconds=30))
    ok = client.get("/healthz/data")
    assert ok.status_code == 200 and ok.headers["Cache-Control"] == "no-store"
    data = ok.json
    assert data["status"] == "ok" and data["stale_after_minutes"] == 180
    assert data["city"]["name"] == "苏州" and data["city"]["newest"] == "2022-01-04T23:00:00+08:00"
    assert data["city"]["age_minutes"] == 59
    assert data["stations_reporting"] == 7 and data["stations_total"] == 24  # 1161A sent nothing that day
    assert {s["code"]: s["age_minutes"] for s in data["stations"]}["1162A"] == 59
    assert data["checked_at"] == "2022-01-04T23:59:30+08:00"
    # Nothing imported since: three hours and one minute later the data is old.
    at(monkeypatch, LAST + timedelta(minutes=181))
    stale = client.get("/healthz/data")
    assert stale.status_code == 503 and stale.json["status"] == "stale" and stale.json["stations_reporting"] == 0
    # /healthz stays the liveness (database) check.
    assert client.get("/healthz").status_code == 200


def test_healthz_data_threshold_is_the_one_setting(live_app, monkeypatch):
    at(monkeypatch, LAST + timedelta(minutes=100))
    monkeypatch.setitem(live_app.config, "AIR_STALE_MINUTES", 90)
    assert live_app.test_client().get("/healthz/data").status_code == 503


def test_an_empty_database_is_stale(tmp_path):
    app = make_app(tmp_path, TODAY=None)
    resp = app.test_client().get("/healthz/data")
    assert resp.status_code == 503 and resp.json["city"]["newest"] is None


def test_stale_hours_setting_is_read_as_minutes_when_the_new_one_is_unset(monkeypatch):
    from cleanair.config import stale_minutes_from_env

    monkeypatch.delenv("AIR_STALE_MINUTES", raising=False)
    monkeypatch.delenv("AIR_STALE_HOURS", raising=False)
    assert stale_minutes_from_env() == 180
    monkeypatch.setenv("AIR_STALE_HOURS", "2")
    assert stale_minutes_from_env() == 120
    monkeypatch.setenv("AIR_STALE_MINUTES", "45")
    assert stale_minutes_from_env() == 45


# --- pages: judged now, even from the page cache -----------------------------------------------

def test_pages_say_updated_n_minutes_ago_and_turn_old_without_any_import(live_app, monkeypatch):
    client = live_app.test_client()
    at(monkeypatch, LAST + timedelta(minutes=35))
    home = client.get("/en/").get_data(as_text=True)
    air = client.get("/en/air").get_data(as_text=True)
    for html in (home, air):
        assert "Updated 35 minutes ago · observations of 2022-01-04 23:00 (Suzhou time)" in html
        assert "Old data" not in html
    assert "35分钟前更新" in client.get("/air").get_data(as_text=True)
    assert client.get("/air/latest.json").json["stations"][0]["stale"] is False
    # A minute later the cached page is not reused: the minutes move on.
    at(monkeypatch, LAST + timedelta(minutes=36))
    assert "Updated 36 minutes ago" in client.get("/en/air").get_data(as_text=True)
    # Three hours and one minute after the last hour, with nothing imported: old data, everywhere.
    at(monkeypatch, LAST + timedelta(minutes=181))
    for url in ("/en/", "/en/air", "/en/air/stations/1162A"):
        html = client.get(url).get_data(as_text=True)
        assert "Old data" in html and "3 hours ago" in html and "Updated" not in html, url
    assert client.get("/air/latest.json").json["stations"][0]["stale"] is True
    # The stations map keeps each old reading's value, marked old with its time (issue 13).
    stations = client.get("/en/maps/stations").get_data(as_text=True)
    assert "old data" in stations and "2022-01-04 23:00" in stations


def test_the_page_cache_still_serves_repeated_requests_within_the_minute(live_app, monkeypatch):
    from cleanair.pagecache import cache_of

    client = live_app.test_client()
    at(monkeypatch, LAST + timedelta(minutes=20, seconds=5))
    client.get("/en/air")
    hits = len(cache_of(live_app).entries)
    at(monkeypatch, LAST + timedelta(minutes=20, seconds=50))
    client.get("/en/air")
    assert len(cache_of(live_app).entries) == hits  # same minute, same key: served from the cache
    client.get("/en/plan")
    at(monkeypatch, LAST + timedelta(minutes=45))
    before = len(cache_of(live_app).entries)
    client.get("/en/plan")
    assert len(cache_of(live_app).entries) == before  # pages that show no age keep their entry
