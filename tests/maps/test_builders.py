"""Builders: plain (hand-made) data in, folium maps out; datum follows the basemap."""

from __future__ import annotations

import json
from pathlib import Path

from cleanair_maps import builders
from cleanair_maps.config import MapAssets, outside_fetches, render_document, tile_config
from cleanair_maps.coords import wgs84_to_gcj02

from .fixtures import unescape_js

REPO = Path(__file__).resolve().parents[2]
BOUNDARIES = json.loads((REPO / "data" / "boundaries" / "suzhou_districts.wgs84.geojson").read_text("utf-8"))
ASSETS = MapAssets("/static/leaflet.js", "/static/leaflet.css")
SLUGS = [f["properties"]["slug"] for f in BOUNDARIES["features"]] + ["sip"]
LABELS = {"sip_note": "SIP has no boundary", "source": "Source", "as_of": "as of", "tips": "Tips",
          "no_tasks": "none", "area": "Area", "task27": "Task 27", "zone": "Zone", "caveat": "verify",
          "no_data": "No recent data", "old": "old data", "station_page": "Station page", "background": "background",
          "time": "Time", "aqi": "AQI", "empty": "No stations"}


def _districts(status="unknown"):  # hand-made records
    return [{"slug": s, "name": s.upper(), "short_name": s, "status": status, "status_text": f"st-{status}",
             "note": "", "tasks": [] if s != "wujiang" else [
                 {"number": 27, "heading": "Fireworks", "url": "/plan/tasks/27", "status": status,
                  "status_text": f"st-{status}", "as_of_text": "", "source_title": "", "source_url": None}]}
            for s in SLUGS]


def _html(m) -> str:
    return unescape_js(render_document(m, lang="en", title="test"))


def test_progress_map_draws_every_district_with_symbol_and_popup():
    html = _html(builders.progress_map(BOUNDARIES, _districts(), assets=ASSETS, tiles=None, labels=LABELS))
    assert html.count('"slug": "') >= 9 or html.count("wujiang") >= 2
    assert "st-unknown" in html and "/plan/tasks/27" in html and "SIP has no boundary" in html
    assert "dashArray" in html and "$(" not in html  # folium's jQuery popups are not used
    assert outside_fetches(html) == []


def test_progress_map_tip_counts_seam():
    counts = {"gusu": 12}  # hand-made counts
    html = _html(builders.progress_map(BOUNDARIES, _districts(), assets=ASSETS, tiles=None, labels=LABELS, tip_counts=counts))
    assert "Tips: 12" in html
    assert "Tips:" not in _html(builders.progress_map(BOUNDARIES, _districts(), assets=ASSETS, tiles=None, labels=LABELS))


def _first_gusu_vertex(html: str) -> tuple[float, float]:
    feature = next(f for f in BOUNDARIES["features"] if f["properties"]["slug"] == "gusu")
    lon, lat = feature["geometry"]["coordinates"][0][0][0]
    return lon, lat


def test_gaode_tiles_move_every_overlay_to_gcj02():
    lon, lat = _first_gusu_vertex("")
    wgs_html = _html(builders.progress_map(BOUNDARIES, _districts(), assets=ASSETS, tiles=None, labels=LABELS))
    gaode = tile_config({"MAP_TILES": "gaode"})
    gcj_html = _html(builders.progress_map(BOUNDARIES, _districts(), assets=ASSETS, tiles=gaode, labels=LABELS))
    glon, glat = (round(v, 6) for v in wgs84_to_gcj02(lon, lat))
    assert f"[{lon}, {lat}]" in wgs_html and f"[{lon}, {lat}]" not in gcj_html
    assert f"[{glon}, {glat}]" in gcj_html
    assert "autonavi.com" in gcj_html
    # the SIP label point moves too
    slat, slon = builders.SIP_LABEL_POINT
    g = wgs84_to_gcj02(slon, slat)
    assert f"[{g[1]}, {g[0]}]" in gcj_html and f"[{slat}, {slon}]" in wgs_html


def test_fireworks_map_shows_scope_and_zone_layers():
    districts = [{"slug": s, "name": s, "short_name": s, "scope": "whole" if s == "gusu" else "partial",
                  "scope_text": "WHOLE" if s == "gusu" else "PARTIAL", "area": f"area of {s}",
                  "task27_text": "st-unknown" if s == "wujiang" else None} for s in SLUGS]
    zone = {"name": "Hand-made zone", "district_name": "Kunshan", "source_title": "fixture", "source_url": "https://example.org",
            "as_of_text": "2025", "features": [{"type": "Feature", "properties": {}, "geometry": {
                "type": "Polygon", "coordinates": [[[120.95, 31.38], [121.0, 31.38], [121.0, 31.42], [120.95, 31.38]]]}}]}
    html = _html(builders.fireworks_map(BOUNDARIES, districts, [zone], assets=ASSETS, tiles=None, labels=LABELS))
    assert "WHOLE" in html and "PARTIAL" in html and "area of wuzhong" in html and "Task 27" in html
    assert "Hand-made zone" in html and "#6a1b9a" in html


def test_stations_map_numbers_old_readings_and_grey_no_data_markers():
    stations = [  # hand-made
        {"code": "A", "name": "Alpha", "lat": 31.3, "lon": 120.6, "aqi": 87, "colour": "#ffff00", "level_text": "Moderate",
         "stale": False, "time_text": "10:00", "values": [("PM2.5", "64")], "url": "/air/stations/A", "background": False},
        {"code": "B", "name": "Beta", "lat": 31.4, "lon": 120.7, "aqi": 160, "colour": "#ff0000", "level_text": "x",
         "stale": True, "time_text": "2022-01-04 23:00", "values": [], "url": None, "background": True},
        {"code": "C", "name": "Gamma", "lat": 31.5, "lon": 120.8, "aqi": None, "colour": None, "level_text": None,
         "stale": True, "time_text": None, "values": [], "url": None, "background": False},
    ]
    html = _html(builders.stations_map(stations, assets=ASSETS, tiles=None, labels=LABELS, boundaries=BOUNDARIES))
    assert ">87<" in html and "color:#111" in html  # dark text on yellow
    # An old reading keeps its value and says it is old, with its time; no reading at all is a grey dash.
    assert ">160<" in html and "aqi-pin old" in html and "old data" in html and "2022-01-04 23:00" in html
    assert "no-data" in html and ">–<" in html and "No recent data" in html
    assert "/air/stations/A" in html and 'target=\\"_top\\"' in html


def test_stations_map_without_stations_says_so():
    html = _html(builders.stations_map([], assets=ASSETS, tiles=None, labels=LABELS))
    assert "No stations" in html
