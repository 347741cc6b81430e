"""Fixtures: an app whose database holds every file of ../shared/data (imported once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest


REPO = Path(__file__).resolve().parents[2]
STATION_CODES = {line.split(",")[0] for line in (REPO / "data/stations/stations.csv").read_text("utf-8").splitlines()[1:]}


@pytest.fixture()
def air_client(imported_app):
    return imported_app.test_client()


@pytest.fixture()
def standards():
    from cleanair.domain.air.standards import load_standards

    return load_standards(REPO / "data" / "aqi")
