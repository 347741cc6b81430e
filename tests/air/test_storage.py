"""Hourly storage (one air_hour_day row per station-day): the byte layout, and migration 0005
converting existing rows both ways without losing a value or its source file. The wide files
below are HAND-MADE (written by the tests into tmp_path)."""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa
from cleanair.air import packing, service
from cleanair.air.store import import_paths
from cleanair.extensions import db

from tests.conftest import make_app

from .test_import import full_hour, wide


def test_packing_round_trips_values_missing_values_and_sources():
    rng = np.random.default_rng(5)
    grid = rng.uniform(0, 500, (3, len(packing.OBSERVED), packing.HOURS))
    grid[0, 2, 5] = np.nan
    grid[1, 4, :] = 0.123456789  # CO-like decimals survive exactly (float64)
    assert np.array_equal(packing.unpack_observed(packing.pack_observed(grid)), grid, equal_nan=True)
    src = rng.integers(0, 10**6, (3, packing.HOURS))
    assert np.array_equal(packing.unpack_sources(packing.pack_sources(src)), src)
    aqi = np.full((3, packing.HOURS), np.nan)
    aqi[0, 0] = 500
    level = np.where(np.isnan(aqi), np.nan, 6)
    mask = np.where(np.isnan(aqi), packing.NONE, 0b100001)
    out = packing.unpack_recomputed(packing.pack_recomputed(aqi, level, mask))
    assert out[0, :, 0].tolist() == [500, 6, 33] and (out[1] == packing.NONE).all()


def test_a_row_with_the_wrong_number_of_bytes_is_refused():
    good = packing.pack_sources(np.zeros((1, packing.HOURS)))[0]
    with pytest.raises(packing.LayoutError, match="sources has 95 bytes, expected 96"):
        packing.unpack_sources([good[:-1]])


def _hourly_rows(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sa.text(
        "SELECT station, time, pm25, pm10, so2, no2, co, o3, so2_24h, aqi_published, aqi, level, \"primary\", "
        "standard, source, precedence FROM air_hourly ORDER BY station, time"))]


def test_migration_0005_converts_hourly_rows_both_ways(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = make_app(tmp_path)
    path = tmp_path / "china_sites_20210105.csv"
    # Hours 0-2, with a missing CO value at 01:00 and a second hour 02:00 from another file.
    path.write_text(wide(full_hour(0, pm25="120") + full_hour(1, extra={"CO": ""}) + full_hour(2)), encoding="utf-8")
    later = tmp_path / "china_sites_20210105_fix.csv"
    later.write_text(wide(full_hour(2, pm25="41")), encoding="utf-8")
    with app.app_context():
        st = service.state()
        import_paths([path, later], st.standards, st.frame)
        service.invalidate()
        before = service.station_hours("1162A", 48)
        assert [h["time"].hour for h in before] == [2, 1, 0]
        assert before[0]["pm25"] == 41 and before[0]["source"] == later.name
        assert before[1]["co"] is None and before[1]["aqi"] is None
        assert before[2]["aqi"] == 158 and before[2]["primary_pollutants"] == ["pm25"]
        db.session.remove()  # end the read transaction: PostgreSQL's DROP TABLE would wait for it
        downgrade(revision="0004_history")
        with db.engine.connect() as conn:
            rows = _hourly_rows(conn)
            assert not sa.inspect(conn).has_table("air_hour_day")
        assert len(rows) == 6  # 2 stations × 3 hours
        first = [r for r in rows if r[0] == "1162A"]
        assert [r[2] for r in first] == [120, 40, 41]
        assert first[1][6] is None and first[1][10] is None  # CO missing -> no AQI
        assert first[0][10:13] == (158, 4, "pm25") and first[2][14] == later.name and first[2][15] == 2
        upgrade()
        service.invalidate()
        db.session.remove()
        assert service.station_hours("1162A", 48) == before
        assert service.stored_hour_count() == 6


def test_recompute_rebuilds_every_recomputed_and_derived_value(tmp_path):
    """HAND-MADE day: wipe the recomputed hourly AQI and the derived days, then `aq recompute`
    must restore exactly what the import computed."""
    app = make_app(tmp_path)
    path = tmp_path / "china_sites_20210105.csv"
    path.write_text(wide([r for h in range(24) for r in full_hour(h, pm25=str(20 + 3 * h))]), encoding="utf-8")
    with app.app_context():
        st = service.state()
        import_paths([path], st.standards, st.frame)
        service.invalidate()
        hours_before = service.station_hours("1162A", 24)
        daily_before = service.daily_rows("苏州") + service.daily_rows("1162A")
        annual_before = service.annual_rows("苏州")
        blank = packing.pack_recomputed(np.full((1, 24), np.nan), np.full((1, 24), np.nan),
                                        np.full((1, 24), packing.NONE))[0]
        db.session.execute(sa.text("UPDATE air_hour_day SET recomputed = :b"), {"b": blank})
        db.session.execute(sa.text("DELETE FROM air_daily"))
        db.session.execute(sa.text("DELETE FROM air_annual"))
        db.session.commit()
        service.invalidate()
        assert service.station_hours("1162A", 24)[0]["aqi"] is None and service.daily_rows("苏州") == []
    result = app.test_cli_runner().invoke(args=["aq", "recompute"])
    assert result.exit_code == 0 and "recomputed 3 daily and 3 annual values" in result.output, result.output
    with app.app_context():
        service.invalidate()
        assert service.station_hours("1162A", 24) == hours_before
        assert hours_before[0]["aqi"] is not None
        assert service.daily_rows("苏州") + service.daily_rows("1162A") == daily_before
        assert service.annual_rows("苏州") == annual_before
