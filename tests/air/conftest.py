"""Fixtures: an app whose database holds every file of ../shared/data (imported once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED_DATA, make_app, require_shared

REPO = Path(__file__).resolve().parents[2]
STATION_CODES = {line.split(",")[0] for line in (REPO / "data/stations/stations.csv").read_text("utf-8").splitlines()[1:]}


@pytest.fixture(scope="session")
def imported_app(tmp_path_factory):
    """All shared files imported through the same code path as `flask aq import`."""
    require_shared(SHARED_DATA)
    app = make_app(tmp_path_factory.mktemp("air-imported"))
    from cleanair.air import service
    from cleanair.air.store import import_paths

    with app.app_context():
        st = service.state()
        report = import_paths([SHARED_DATA], st.standards, st.frame)
        service.invalidate()
    app.air_report = report  # type: ignore[attr-defined]
    return app


@pytest.fixture()
def air_client(imported_app):
    return imported_app.test_client()


@pytest.fixture()
def standards():
    from cleanair.domain.air.standards import load_standards

    return load_standards(REPO / "data" / "aqi")
