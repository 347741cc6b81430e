"""The 161 published station-hour AQI values of ../shared/data/station_hourly are reproduced."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from cleanair.domain.air.aqi import hourly_aqi
from cleanair.domain.air.importers import read_china_sites, read_cnemc_long

from tests.conftest import SHARED_DATA, require_shared

from .conftest import STATION_CODES

pytestmark = pytest.mark.shared
HOURLY = SHARED_DATA / "station_hourly"


@pytest.fixture(scope="module")
def long_rows():
    return read_cnemc_long(require_shared(HOURLY / "cnemc_long_20220104_suzhou.csv"), STATION_CODES)


@pytest.fixture(scope="module")
def wide_rows():
    return read_china_sites(require_shared(HOURLY / "china_sites_20220104_suzhou.csv"), STATION_CODES)


@pytest.mark.parametrize("which", ["long_rows", "wide_rows"])
def test_all_161_published_hourly_aqi_values_are_reproduced(which, request, standards):
    parsed = request.getfixturevalue(which)
    rows = parsed.rows
    published = rows["aqi_published"].notna()
    assert published.sum() == 161
    res = hourly_aqi(rows, standards.default)
    mismatch = rows.loc[published & (res["aqi"] != rows["aqi_published"]), ["station", "time"]]
    assert mismatch.empty, mismatch
    # Hours the publisher left without AQI lack a pollutant: no AQI here either.
    assert res.loc[~published, "aqi"].isna().all()


def test_rounding_to_nearest_would_get_many_wrong(long_rows, standards):
    rows = long_rows.rows
    res = hourly_aqi(rows, standards.default)
    iaqis = res[[c for c in res.columns if c.startswith("iaqi_")]].max(axis=1)
    published = rows["aqi_published"].notna()
    pub = rows.loc[published, "aqi_published"]
    assert int((np.round(iaqis[published]) != pub).sum()) == 64  # round half to even (numpy, Python)
    assert int((np.floor(iaqis[published] + 0.5) != pub).sum()) == 45  # round half up


def test_primary_pollutants_match_the_publisher(long_rows, standards):
    rows = long_rows.rows
    res = hourly_aqi(rows, standards.default)
    published = rows["aqi_published"].notna()
    ours = res["primary"].map(lambda s: tuple(sorted(p for p in s.split(",") if p)))
    theirs = rows["primary_published"].map(lambda s: tuple(sorted(p for p in (s or "").split(",") if p)))
    assert (ours[published] == theirs[published]).all()


def test_long_layout_o3_swap_is_detected_and_corrected(long_rows, wide_rows):
    assert any("O3 columns swapped" in n for n in long_rows.notes)
    a = long_rows.rows.set_index(["station", "time"]).sort_index()
    b = wide_rows.rows.set_index(["station", "time"]).sort_index()
    assert np.allclose(a["o3"].to_numpy(), b["o3"].to_numpy(), equal_nan=True)


def test_natural_day_is_the_values_stamped_00_to_23():
    """The publisher's 24-h moving mean at 23:00 equals the mean of the day's 24 timestamps."""
    raw = pd.read_csv(require_shared(HOURLY / "cnemc_long_20220104_suzhou.csv"))
    for code, g in raw.groupby("stationcode"):
        at_23 = g.loc[g["timepoint"].str.endswith("T23:00:00"), "pm2_5_24h"].iloc[0]
        assert round(g["pm2_5"].mean() + 1e-9) == at_23, code


def test_wide_file_counts_what_it_skipped(wide_rows):
    # 8 station columns x 24 hours; 1161A 南门 has no data that day.
    assert wide_rows.rows_read == 192
    assert wide_rows.skipped == {"station-hours with no values": 24}
    assert len(wide_rows.rows) == 168
