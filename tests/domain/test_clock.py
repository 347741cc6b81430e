"""The time rule (docs/time.md): instants are stored in UTC, read in Suzhou time, written with offsets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, select

from cleanair import clock


def test_to_local_converts_an_instant_to_suzhou_time() -> None:
    instant = datetime(2022, 1, 4, 15, 0, tzinfo=UTC)
    assert clock.to_local(instant).replace(tzinfo=None) == datetime(2022, 1, 4, 23, 0)
    assert clock.isoformat(instant) == "2022-01-04T23:00:00+08:00"
    assert clock.isoformat_utc(instant) == "2022-01-04T15:00:00Z"
    assert clock.local_date(datetime(2022, 1, 4, 16, 30, tzinfo=UTC)).isoformat() == "2022-01-05"


def test_naive_values_are_refused_not_guessed() -> None:
    with pytest.raises(clock.NaiveDateTimeError):
        clock.to_local(datetime(2022, 1, 4, 23, 0))
    with pytest.raises(clock.NaiveDateTimeError):
        clock.isoformat(datetime(2022, 1, 4, 23, 0))


def test_observation_hours_are_beijing_time_whatever_the_site_zone() -> None:
    label = datetime(2022, 1, 4, 23, 0)  # CNEMC's "hour 23" of 2022-01-04
    instant = clock.observation_instant(label)
    assert instant.astimezone(UTC) == datetime(2022, 1, 4, 15, 0, tzinfo=UTC)
    assert clock.isoformat(instant) == "2022-01-04T23:00:00+08:00"


def test_from_local_reads_a_typed_time_as_suzhou_time() -> None:
    typed = datetime(2026, 12, 5, 9, 30)
    assert clock.from_local(typed).astimezone(UTC) == datetime(2026, 12, 5, 1, 30, tzinfo=UTC)


def test_utc_column_stores_naive_utc_and_returns_aware_utc() -> None:
    engine = create_engine("sqlite://")
    meta = MetaData()
    t = Table("t", meta, Column("id", Integer, primary_key=True), Column("at", clock.UTCDateTime()))
    meta.create_all(engine)
    plus8 = timezone(timedelta(hours=8))
    with engine.begin() as conn:
        conn.execute(t.insert().values(id=1, at=datetime(2026, 12, 5, 9, 30, tzinfo=plus8)))
        raw = conn.exec_driver_sql("SELECT at FROM t").scalar_one()
        back = conn.execute(select(t.c.at)).scalar_one()
    assert raw.startswith("2026-12-05 01:30:00")
    assert back == datetime(2026, 12, 5, 1, 30, tzinfo=UTC) and back.tzinfo is not None
    with engine.begin() as conn, pytest.raises(Exception, match="no time zone"):
        conn.execute(t.insert().values(id=2, at=datetime(2026, 12, 5, 9, 30)))
