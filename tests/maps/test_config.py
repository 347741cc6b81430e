"""Tiles and assets are configured in one place; folium's CDN defaults never reach a page."""

from __future__ import annotations

import folium
import pytest
from cleanair_maps.config import (
    GCJ02,
    WGS84,
    MapAssets,
    MapConfigError,
    OutsideAssetError,
    new_map,
    outside_fetches,
    render_document,
    tile_config,
)

ASSETS = MapAssets("/static/vendor/leaflet-1.9.3/leaflet.abc.js", "/static/vendor/leaflet-1.9.3/leaflet.abc.css")


def test_default_is_no_tiles():
    assert tile_config({}) is None
    assert tile_config({"MAP_TILES": "none"}) is None


def test_tianditu_needs_a_key_and_shows_its_review_number():
    with pytest.raises(MapConfigError, match="TIANDITU_KEY"):
        tile_config({"MAP_TILES": "tianditu"})
    t = tile_config({"MAP_TILES": "tianditu", "TIANDITU_KEY": "k123", "MAP_REVIEW_NO_TIANDITU": "审图号：GS(0000)0000号"})
    assert t.datum == WGS84 and "tk=k123" in t.url and t.label_url and "审图号：GS(0000)0000号" in t.attribution
    assert "天地图" in t.attribution and t.subdomains == tuple("01234567")


def test_gaode_is_gcj02_and_osm_is_wgs84():
    g = tile_config({"MAP_TILES": "gaode", "MAP_REVIEW_NO_GAODE": "GS(1111)1111号"})
    assert g.datum == GCJ02 and "高德" in g.attribution and "GS(1111)1111号" in g.attribution
    o = tile_config({"MAP_TILES": "OSM"})
    assert o.datum == WGS84 and "OpenStreetMap" in o.attribution and o.max_zoom == 19


def test_unknown_mode_is_a_clear_error():
    with pytest.raises(MapConfigError, match="MAP_TILES must be one of"):
        tile_config({"MAP_TILES": "google"})


def test_new_map_uses_only_self_hosted_assets_and_leaves_folium_defaults_alone():
    before_js, before_css = list(folium.Map.default_js), list(folium.Map.default_css)
    m = new_map(ASSETS, None)
    m.add_js_link("extra", "/static/x.js")  # mutates the instance list only
    html = render_document(m, lang="zh-Hans", title="t")
    assert folium.Map.default_js == before_js and folium.Map.default_css == before_css
    assert ASSETS.leaflet_js in html and ASSETS.leaflet_css in html
    for host in ("jsdelivr", "cdnjs", "jquery", "netdna", "bootstrap", "fontawesome"):
        assert host not in html.lower(), host
    assert outside_fetches(html) == []
    assert '<html lang="zh-Hans">' in html and "<title>t</title>" in html and "<main>" in html
    assert "user-scalable=no" not in html
    # a fresh map still does not inherit the extra link
    assert "/static/x.js" not in render_document(new_map(ASSETS, None), lang="en", title="t")


def test_render_refuses_a_document_that_loads_from_a_cdn():
    m = folium.Map(tiles=None)  # folium's own defaults: CDN links
    with pytest.raises(OutsideAssetError, match="cdn.jsdelivr.net"):
        render_document(m, lang="en", title="x")


def test_tiles_appear_only_when_configured():
    t = tile_config({"MAP_TILES": "osm"})
    html = render_document(new_map(ASSETS, t), lang="en", title="x")
    assert "tile.openstreetmap.org" in html and outside_fetches(html) == []
    assert "openstreetmap" not in render_document(new_map(ASSETS, None), lang="en", title="x")
