"""Importing: validation messages name file and line; bad files import nothing; re-imports change
nothing; overlaps follow the documented precedence. Files below marked HAND-MADE are written by
the tests themselves (tmp_path), never copies of ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from cleanair.air import service
from cleanair.air.models import AirDaily, AirImport
from cleanair.air.store import import_paths
from cleanair.domain.air.importers import ImportFailed, read_any
from cleanair.extensions import db

from tests.conftest import SHARED_DATA, make_app, require_shared

from .conftest import STATION_CODES

WIDE_HEADER = "date,hour,type,1162A,1163A,9999A\n"


def wide(rows: list[str]) -> str:
    """HAND-MADE wide file: `rows` are 'hour,type,v1162,v1163,v9999'."""
    return WIDE_HEADER + "".join(f"20210105,{r}\n" for r in rows)


def full_hour(hour: int, pm25: str = "40", extra: dict | None = None) -> list[str]:
    vals = {"AQI": "57", "PM2.5": pm25, "PM10": "60", "SO2": "5", "SO2_24h": "6", "NO2": "30", "CO": "0.8", "O3": "50"}
    vals.update(extra or {})
    return [f"{hour},{t},{v},{v},{v}" for t, v in vals.items()]


def _hours(app) -> int:
    with app.app_context():
        return service.stored_hour_count()


def _import(app, *paths: Path, city=None):
    with app.app_context():
        st = service.state()
        report = import_paths(list(paths), st.standards, st.frame, city=city)
        service.invalidate()
        return report


def _count(app, model) -> int:
    with app.app_context():
        return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar()


@pytest.mark.parametrize("content,expected", [
    ("a,b,c\n1,2,3\n", "line 1: unknown layout"),
    ("date,hour,type,1162A\n20210105,x,AQI,5\n", "line 2: bad date/hour"),
    (wide(full_hour(0, pm25="abc")), "line 3: 1162A = 'abc' is not a number"),
    (wide(full_hour(0, pm25="-4")), "line 3: 1162A = -4 is negative"),
    (wide(full_hour(0, pm25="4000")), "pm25 = 4000 at 1162A is impossible"),
    (wide(full_hour(0) + full_hour(0)), "duplicate date/hour/type"),
    (wide(["0,PM7,1,1,1"]), "line 2: unknown type 'PM7'"),
])
def test_validation_messages_name_file_and_line(tmp_path, content, expected):
    path = tmp_path / "china_sites_20210105.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFailed) as exc:
        read_any(path, STATION_CODES)
    assert str(path) in str(exc.value) and expected in str(exc.value)


def test_long_layout_missing_columns_and_city_daily_errors(tmp_path):
    long = tmp_path / "long.csv"
    long.write_text("timepoint,stationcode,aqi\n2021-01-05T00:00:00,1162A,50\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"line 1: missing columns .*pm2_5"):
        read_any(long, STATION_CODES)
    daily = tmp_path / "aqistudy_suzhou_test.csv"
    daily.write_text("date,AQI,grade,PM25,PM10,SO2,CO,NO2,O3_8h\n2019-01-01,50,优,30,40,5,0.5,20,60\n"
                     "2019-01-01,51,良,30,40,5,0.5,20,60\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"lines 2, 3: duplicate city/date 苏州 2019-01-01"):
        read_any(daily, STATION_CODES)
    nocity = tmp_path / "aqistudy_somewhere.csv"
    nocity.write_text("date,AQI,grade,PM25,PM10,SO2,CO,NO2,O3_8h\n2019-01-01,50,优,30,40,5,0.5,20,60\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="cannot tell the city"):
        read_any(nocity, STATION_CODES)
    assert read_any(nocity, STATION_CODES, city="昆山").rows["station"].tolist() == ["昆山"]


def test_other_cities_are_skipped_and_counted(tmp_path):
    path = tmp_path / "china_sites_20210105.csv"
    path.write_text(wide(full_hour(0) + full_hour(1)), encoding="utf-8")
    parsed = read_any(path, STATION_CODES)
    assert parsed.rows_read == 6 and len(parsed.rows) == 4
    assert parsed.skipped == {"stations of other cities": 2}


def test_zero_pm_placeholders_are_missing_not_clean_air(tmp_path):
    path = tmp_path / "aqistudy_suzhou_x.csv"
    path.write_text("date,AQI,grade,PM25,PM10,SO2,CO,NO2,O3_8h\n2018-01-01,0,无,0,0,9,0.9,50,40\n", encoding="utf-8")
    parsed = read_any(path, STATION_CODES)
    row = parsed.rows.iloc[0]
    assert row[["pm25", "pm10", "aqi_published"]].isna().all() and row["so2"] == 9
    assert any("treated as missing" in n for n in parsed.notes)


def test_a_bad_file_imports_nothing_and_a_reimport_changes_nothing(tmp_path):
    app = make_app(tmp_path)
    good = tmp_path / "china_sites_20210105.csv"
    good.write_text(wide([r for h in range(24) for r in full_hour(h)]), encoding="utf-8")
    bad = tmp_path / "china_sites_20210106.csv"
    bad.write_text(wide(full_hour(0)[:-1] + ["1,O3,5,-1,5"]).replace("20210105", "20210106"), encoding="utf-8")
    report = _import(app, good, bad)
    assert [f.status for f in report.files] == ["imported", "failed"]
    assert "line 9" in report.files[1].errors[0] and "negative" in report.files[1].errors[0]
    assert _hours(app) == 48
    with app.app_context():
        version = service.data_version()
        days = _count(app, AirDaily)
    assert days == 3  # 1162A, 1163A and the 苏州 city mean for 2021-01-05
    again = _import(app, good)
    assert again.files[0].status == "already" and not again.changed
    # The same rows in a file with other bytes (another name, a trailing newline) change nothing either.
    copy = tmp_path / "copy" / "china_sites_20210105.csv"
    copy.parent.mkdir()
    copy.write_text(good.read_text("utf-8") + "\n", encoding="utf-8")
    third = _import(app, copy)
    assert third.files[0].imported == 0 and third.files[0].unchanged == 48
    assert _hours(app) == 48
    with app.app_context():
        assert service.data_version() == version


def test_observations_from_2026_03_01_keep_the_publishers_aqi(tmp_path):
    app = make_app(tmp_path)
    path = tmp_path / "china_sites_20260301.csv"
    path.write_text(wide(full_hour(5)).replace("20210105", "20260301"), encoding="utf-8")
    _import(app, path)
    with app.app_context():
        r = service.latest_readings()["1162A"]
    assert r.standard == "HJ 633-2026" and r.aqi is None and r.aqi_published == 57 and r.level is None


@pytest.mark.shared
def test_every_shared_file_imports_cleanly_with_counts_and_overlaps(imported_app):
    report = imported_app.air_report
    assert not report.failed, [f.errors for f in report.failed]
    by_name = {f.path.name: f for f in report.files}
    main = by_name["aqistudy_suzhou_2013-12_2019-06.csv"]
    old = by_name["aqistudy_suzhou_2013-12_2017-01_v2017.csv"]
    assert main.imported == 2019 and main.skipped == {"placeholder PM values (kept as missing)": 9}
    # The two city files overlap 2013-12-02 → 2017-01-31; the file with a header wins.
    assert main.overlaps == {old.path.name: 1152} and old.kept_other == 1152
    wide_f, long_f = by_name["china_sites_20220104_suzhou.csv"], by_name["cnemc_long_20220104_suzhou.csv"]
    assert wide_f.imported == 168 and long_f.kept_other == 168
    assert by_name["cnemc_stations_suzhou_2022-02-13.csv"].status == "station list"
    lines = [f.line() for f in report.files]
    assert any("read 2019, imported 2019" in line and "skipped 9" in line for line in lines)
    with imported_app.app_context():
        sources = set(db.session.execute(sa.select(AirDaily.source).where(AirDaily.station == "苏州")).scalars())
        assert "aqistudy_suzhou_2013-12_2019-06.csv" in sources
        assert db.session.execute(sa.select(sa.func.count()).select_from(AirImport)).scalar() == 4


@pytest.mark.shared
def test_cli_import_reports_a_summary(tmp_path):
    app = make_app(tmp_path)
    folder = require_shared(SHARED_DATA / "station_hourly")
    result = app.test_cli_runner().invoke(args=["aq", "import", str(folder)])
    assert result.exit_code == 0, result.output
    assert "china_sites_20220104_suzhou.csv [china_sites]: read 192, imported 168" in result.output
    assert "2 files (0 failed): rows read 360, imported 168" in result.output
    bad = tmp_path / "x.csv"
    bad.write_text("hello\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["aq", "import", str(bad)])
    assert result.exit_code == 1 and "x.csv: line 1: unknown layout" in result.output


def test_hours_of_one_day_from_two_files_and_two_runs_make_one_valid_day(tmp_path):
    """HAND-MADE files: the morning and the afternoon of 2021-01-05 arrive separately; the day's
    mean needs both (20 hours), each hour keeps the file it came from, and an equal-precedence
    correction imported later replaces just its hour."""
    app = make_app(tmp_path)
    morning = tmp_path / "china_sites_20210105.csv"
    morning.write_text(wide([r for h in range(12) for r in full_hour(h, pm25="30")]), encoding="utf-8")
    afternoon = tmp_path / "later" / "china_sites_20210105.csv"
    afternoon.parent.mkdir()
    afternoon.write_text(wide([r for h in range(12, 24) for r in full_hour(h, pm25="50")]), encoding="utf-8")
    first = _import(app, morning)
    assert first.files[0].imported == 24 and _hours(app) == 24
    with app.app_context():
        assert service.daily_rows("1162A")[0]["pm25"] is None  # 12 hours: not a valid daily mean
    second = _import(app, afternoon)
    assert second.files[0].imported == 24 and not second.files[0].overlaps and _hours(app) == 48
    with app.app_context():
        day = service.daily_rows("1162A")[0]
        assert day["pm25"] == 40 and day["valid"]
        hours = {h["time"].hour: h for h in service.station_hours("1162A", 24)}
        assert hours[3]["source"] == morning.name and hours[3]["pm25"] == 30 and hours[15]["pm25"] == 50
    fix = tmp_path / "fix" / "china_sites_20210105.csv"
    fix.parent.mkdir()
    fix.write_text(wide(full_hour(15, pm25="74")), encoding="utf-8")
    third = _import(app, fix)
    f = third.files[0]
    assert f.imported == 2 and f.unchanged == 0 and f.overlaps == {afternoon.name: 2}
    with app.app_context():
        hours = {h["time"].hour: h for h in service.station_hours("1162A", 24)}
        assert hours[15]["pm25"] == 74 and hours[14]["pm25"] == 50 and _hours(app) == 48
        assert service.daily_rows("1162A")[0]["pm25"] == 41  # (12·30 + 11·50 + 74) / 24 = 41.0
