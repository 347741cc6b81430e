"""`flask aq sync --recent` against a publisher on 127.0.0.1 whose day file grows and gets corrected.

The publisher's files are made from the real 2022-01-04 file of ../shared/data at test time (in a
temporary folder, never in the repository): the first version holds hours 0–11, the second the
whole day with one value corrected — as the day's file grows and is corrected on the real host.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from cleanair.air.sync import recent_window
from tests.air.test_sync import PATTERN, FileServer
from tests.conftest import SHARED_DATA, make_app, require_shared

pytestmark = pytest.mark.shared
REAL = SHARED_DATA / "station_hourly" / "china_sites_20220104_suzhou.csv"
NAME = "china_sites_20220104_suzhou.csv"
CORRECTED = ("1162A", 3, "PM2.5")  # station, hour, row type changed in the second version


def publish(root: Path, hours: range, correct: bool = False) -> Path:
    """Write the publisher's file for 2022-01-04: the real rows of `hours`, optionally corrected."""
    lines = require_shared(REAL).read_text("utf-8").splitlines()
    header, rows = lines[0], [r.split(",") for r in lines[1:]]
    col = header.split(",").index(CORRECTED[0])
    out = [header]
    for r in rows:
        if int(r[1]) not in hours:
            continue
        if correct and int(r[1]) == CORRECTED[1] and r[2] == CORRECTED[2]:
            r = [*r[:col], str(int(r[col]) + 40), *r[col + 1:]]  # the publisher revises one hour
        out.append(",".join(r))
    folder = root / "station_hourly"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / NAME
    path.write_text("\n".join(out) + "\n", "utf-8")
    return path


@pytest.fixture()
def publisher(tmp_path):
    root = tmp_path / "publisher"
    publish(root, range(12))
    with FileServer(root) as server:
        yield server


def sync_app(tmp_path, server: FileServer, **extra):
    return make_app(tmp_path, AIR_SYNC_BASE_URL=server.url, AIR_SYNC_FILE_PATTERN=PATTERN,
                    AIR_SYNC_DIR=str(tmp_path / "sync"), AIR_SYNC_BACKOFF=0, AIR_SYNC_RETRIES=0,
                    TODAY="2022-01-05", **extra)


def recent(app):
    return app.test_cli_runner().invoke(args=["aq", "sync", "--recent"])


def stored_hours(app) -> int:
    from cleanair.air import service

    with app.app_context():
        return service.stored_hour_count()


# --- the window ---------------------------------------------------------------------------------

def test_recent_window_covers_newest_stored_day_through_today_and_refetches_the_changing_days():
    w = recent_window(date(2022, 1, 2), date(2022, 1, 5), 31)
    assert (w.start, w.end, w.gap_from) == (date(2022, 1, 2), date(2022, 1, 5), None)
    assert w.refetch == {date(2022, 1, 2), date(2022, 1, 4), date(2022, 1, 5)}
    # Newest stored observation today: yesterday is still re-fetched (its late hours and corrections).
    assert recent_window(date(2022, 1, 5), date(2022, 1, 5), 31).start == date(2022, 1, 4)
    # Nothing stored yet: yesterday and today.
    empty = recent_window(None, date(2022, 1, 5), 31)
    assert (empty.start, empty.refetch) == (date(2022, 1, 4), {date(2022, 1, 4), date(2022, 1, 5)})
    # A long gap is cut to the most recent days and reported.
    gap = recent_window(date(2021, 1, 1), date(2022, 1, 5), 31)
    assert gap.start == date(2021, 12, 6) and gap.gap_from == date(2021, 1, 1)
    with pytest.raises(ValueError):
        recent_window(None, date(2022, 1, 5), 1)


# --- twice against the local server ------------------------------------------------------------

def test_recent_twice_imports_only_the_new_hours_and_the_publishers_correction(publisher, tmp_path):
    app = sync_app(tmp_path, publisher)
    first = recent(app)
    print(first.output)  # the closing note of issue 12 quotes this output
    assert first.exit_code == 0, first.output
    assert "2022-01-04 to 2022-01-05" in first.output and "newest stored observation: none" in first.output
    assert f"2022-01-04 {NAME}: downloaded" in first.output and "84 new hours, 0 corrected" in first.output
    assert "2022-01-05 china_sites_20220105_suzhou.csv: not published yet (HTTP 404)" in first.output
    assert stored_hours(app) == 84  # 7 stations × hours 0–11

    # The publisher appends hours 12–23 and corrects 1162A's PM2.5 at 03:00.
    publish(publisher.root, range(24), correct=True)
    second = recent(app)
    print(second.output)
    assert second.exit_code == 0, second.output
    assert "newest stored observation: 2022-01-04 11:00" in second.output
    assert f"2022-01-04 {NAME}: re-fetched" in second.output
    assert "84 new hours, 1 corrected, 83 unchanged" in second.output
    assert stored_hours(app) == 168
    # The re-fetch started from scratch (no Range request over a changed file).
    assert all(rng is None for path, rng in publisher.requests if path.endswith(NAME))

    # Nothing new: the same file is recognised, nothing is written, still exit 0.
    third = recent(app)
    assert third.exit_code == 0 and "no change (this exact file was imported before)" in third.output
    assert stored_hours(app) == 168


def test_a_correction_wins_is_recorded_and_recomputes_daily_and_annual_values(publisher, tmp_path):
    from cleanair.air import service
    from cleanair.air.models import AirCorrection
    from cleanair.extensions import db

    app = sync_app(tmp_path, publisher)
    publish(publisher.root, range(24))
    assert recent(app).exit_code == 0
    with app.app_context():
        before_day = next(r for r in service.daily_rows("1162A") if r["date"] == date(2022, 1, 4))
        before_year = service.annual_rows("1162A")[0]
        old_hour = next(h for h in service.station_hours("1162A", 24) if h["time"].hour == 3)
    publish(publisher.root, range(24), correct=True)
    result = recent(app)
    assert result.exit_code == 0 and "0 new hours, 1 corrected, 167 unchanged" in result.output
    with app.app_context():
        hour = next(h for h in service.station_hours("1162A", 24) if h["time"].hour == 3)
        assert hour["pm25"] == old_hour["pm25"] + 40  # the newer published value wins
        rows = db.session.scalars(sa.select(AirCorrection)).all()
        assert len(rows) == 1
        c = rows[0]
        assert (c.station, c.date, c.hour) == ("1162A", date(2022, 1, 4), 3)
        assert json.loads(c.changes) == {"pm25": [old_hour["pm25"], old_hour["pm25"] + 40]}
        assert c.old_source == c.new_source == NAME  # the same day's file, published again
        assert c.recorded_at.tzinfo is not None and c.import_id
        day = next(r for r in service.daily_rows("1162A") if r["date"] == date(2022, 1, 4))
        # The daily mean (24 valid hours, rounded as stored) moved by about 40/24 µg/m³.
        assert day["pm25"] > before_day["pm25"] and day["pm25"] - before_day["pm25"] == pytest.approx(40 / 24, abs=1)
        assert service.annual_rows("1162A")[0]["pm25"] != before_year["pm25"]
    client = app.test_client()
    data = client.get("/air/corrections.json").json
    assert [(r["station"], r["time"], r["field"], r["new_value"] - r["old_value"]) for r in data["corrections"]] == [
        ("1162A", "2022-01-04T03:00:00+08:00", "pm25", 40.0)]
    assert "1162A" in client.get("/air/corrections.csv").get_data(as_text=True)
    assert NAME in client.get("/en/air/corrections").get_data(as_text=True)


# --- one run at a time -------------------------------------------------------------------------

HOLDER = textwrap.dedent("""
    import fcntl, json, sys, time
    fh = open(sys.argv[1], "a+")
    fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
    fh.seek(0); fh.truncate(); fh.write(json.dumps({"pid": 4242, "since": sys.argv[2]})); fh.flush()
    print("locked", flush=True)
    time.sleep(120)
""")


def hold_lock(path: Path, since: str) -> subprocess.Popen:
    path.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), since], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_a_second_run_waits_for_nothing_and_a_crashed_run_leaves_no_lock(publisher, tmp_path):
    from cleanair import clock

    app = sync_app(tmp_path, publisher)
    lock = tmp_path / "sync" / "aq-sync.lock"
    holder = hold_lock(lock, clock.now_utc().isoformat())
    try:
        busy = recent(app)
        assert busy.exit_code == 0, busy.output  # the other run is doing the work
        assert "another aq sync is running on this machine (pid 4242" in busy.output
        assert not publisher.requests and stored_hours(app) == 0
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash: no clean-up code runs
        holder.wait()
    assert lock.exists() and "4242" in lock.read_text()  # the file is left behind, the lock is not
    after = recent(app)
    assert after.exit_code == 0 and "84 new hours" in after.output
    assert lock.read_text() == ""  # released cleanly this time


def test_a_lock_held_for_hours_makes_the_next_runs_fail_so_the_scheduler_alerts(publisher, tmp_path):
    app = sync_app(tmp_path, publisher)
    holder = hold_lock(tmp_path / "sync" / "aq-sync.lock", "2022-01-01T00:00:00+00:00")
    try:
        result = recent(app)
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1 and "the lock has been held for" in result.output


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL advisory lock: runs in the PostgreSQL pass")
def test_machines_sharing_a_postgresql_database_sync_one_at_a_time(publisher, tmp_path):
    from cleanair.air.lock import ADVISORY_KEY

    app = sync_app(tmp_path, publisher)
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as other:  # another machine's sync, holding the database lock
        assert other.execute(sa.select(sa.func.pg_try_advisory_lock(ADVISORY_KEY))).scalar()
        busy = recent(app)
        assert busy.exit_code == 0 and "another machine sharing the database" in busy.output
        other.execute(sa.select(sa.func.pg_advisory_unlock(ADVISORY_KEY)))
    engine.dispose()
    assert "84 new hours" in recent(app).output


# --- exit status ------------------------------------------------------------------------------

def test_exit_status_is_1_when_a_download_fails_and_the_kept_copy_is_still_imported(publisher, tmp_path):
    app = sync_app(tmp_path, publisher)
    assert recent(app).exit_code == 0
    publish(publisher.root, range(24))
    publisher.fail_first[f"/station_hourly/{NAME}"] = 5
    failed = recent(app)
    assert failed.exit_code == 1
    assert f"2022-01-04 {NAME}: download failed after 1 attempts" in failed.output
    assert "importing the kept copy" in failed.output and "1 download failures" in failed.output


def test_a_gap_longer_than_the_window_is_reported_with_the_backfill_command(publisher, tmp_path):
    app = sync_app(tmp_path, publisher)
    assert recent(app).exit_code == 0  # newest stored: 2022-01-04
    app.config["TODAY"] = "2022-03-01"
    app.config["AIR_SYNC_RECENT_MAX_DAYS"] = 5
    result = recent(app)
    assert result.exit_code == 1
    assert "WARNING the newest stored observation is from 2022-01-04" in result.output
    assert "flask aq sync --start 2022-01-04 --end 2022-02-25" in result.output
    assert result.output.count("not published yet") == 5  # 2022-02-25 … 2022-03-01, nothing more


def test_recent_and_a_range_are_exclusive(publisher, tmp_path):
    app = sync_app(tmp_path, publisher)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["aq", "sync", "--recent", "--start", "2022-01-04"]).exit_code == 2
    assert runner.invoke(args=["aq", "sync"]).exit_code == 2
