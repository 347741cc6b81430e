"""GCJ-02 ⇄ WGS-84 conversion on published reference points and by round trip."""

from __future__ import annotations

import pytest
from cleanair_maps.coords import (
    convert_features,
    convert_geometry,
    gcj02_to_wgs84,
    in_china,
    wgs84_to_gcj02,
)

# Public reference vectors of the eviltransform project (googollee/eviltransform, test files in
# every language port): (WGS-84 lon, lat) -> (GCJ-02 lon, lat).
REFERENCE = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]


@pytest.mark.parametrize("wgs,gcj", REFERENCE)
def test_forward_matches_published_points(wgs, gcj):
    assert wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)


@pytest.mark.parametrize("wgs,gcj", REFERENCE)
def test_inverse_recovers_published_points_within_1e_8_degrees(wgs, gcj):
    lon, lat = gcj02_to_wgs84(*gcj)
    assert abs(lon - wgs[0]) < 1e-8 and abs(lat - wgs[1]) < 1e-8


def test_round_trip_over_suzhou_is_below_a_millimetre():
    worst = 0.0
    for i in range(21):
        for j in range(21):
            lon, lat = 119.9 + i * 0.06, 30.75 + j * 0.06
            back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
            worst = max(worst, abs(back[0] - lon), abs(back[1] - lat))
    assert worst < 1e-8  # ≈ 1 mm


def test_shift_in_suzhou_is_hundreds_of_metres():
    # Sanity: the offset is what makes Gaode tiles and WGS-84 overlays disagree (~500 m).
    lon, lat = 120.62, 31.30
    glon, glat = wgs84_to_gcj02(lon, lat)
    assert 0.003 < glon - lon < 0.006 and -0.003 < glat - lat < 0


def test_outside_china_is_unchanged():
    assert not in_china(2.35, 48.85)
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(-104.9903, 39.7392) == (-104.9903, 39.7392)


def test_geometry_and_features_are_converted_without_touching_the_input():
    poly = {"type": "Polygon", "coordinates": [[[120.6, 31.3], [120.7, 31.3], [120.7, 31.4], [120.6, 31.3]]]}
    out = convert_geometry(poly, wgs84_to_gcj02, 6)
    assert poly["coordinates"][0][0] == [120.6, 31.3]
    assert out["coordinates"][0][0] == [round(v, 6) for v in wgs84_to_gcj02(120.6, 31.3)]
    features = convert_features([{"type": "Feature", "properties": {"a": 1}, "geometry": poly}], wgs84_to_gcj02)
    assert features[0]["properties"] == {"a": 1} and features[0]["geometry"]["type"] == "Polygon"
