"""Map pages, twins, cached documents and the district GeoJSON, in both locales."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from cleanair.maps import service as svc

from tests.conftest import make_app

from . import fixtures

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def maps_app(tmp_path):
    return make_app(tmp_path, MAP_CACHE_DIR=str(tmp_path / "map-cache"))


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_map_pages_have_a_titled_iframe_a_legend_and_a_table(client, prefix):
    for name in ("progress", "fireworks", "stations"):
        html = client.get(f"{prefix}/maps/{name}").get_data(as_text=True)
        assert f'<iframe class="map-frame" src="{prefix}/maps/{name}/map.html" title="' in html
        assert 'id="legend"' in html and "<table" in html and 'id="table"' in html
    index = client.get(f"{prefix}/maps").get_data(as_text=True)
    assert f"{prefix}/maps/progress" in index and f"{prefix}/maps/fireworks" in index and f"{prefix}/maps/stations" in index


def test_progress_shows_every_district_as_unknown_without_published_data(client):
    data = client.get("/maps/progress.json").json
    # Nothing published: unknown, except where a task naming the district is past its deadline
    # (task 27, 吴江/吴中/相城 by 2024-12-31; today is pinned to 2026-11-30): overdue (issue 15).
    status = {d["slug"]: d["status"] for d in data["districts"]}
    assert len(status) == 10 and {s for d, s in status.items() if d not in ("wujiang", "wuzhong", "xiangcheng")} == {"unknown"}
    assert status["wujiang"] == status["wuzhong"] == status["xiangcheng"] == "overdue"
    wujiang = next(d for d in data["districts"] if d["slug"] == "wujiang")
    assert [t["number"] for t in wujiang["tasks"]] == [27] and wujiang["tasks"][0]["source_url"] is None
    sip = next(d for d in data["districts"] if d["slug"] == "sip")
    assert sip["has_boundary"] is False
    html = client.get("/en/maps/progress").get_data(as_text=True)
    assert "Unknown (no published status)" in html and "county-level" in html


def test_published_status_flows_to_table_json_csv_and_map(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(REPO / "data", data_dir)
    (data_dir / "districts" / "progress.csv").write_text(
        "district,task,status,as_of,source_title,source_url,note\n"
        "wujiang,27,done,2024-12-20,HAND-MADE TEST NOTICE,https://example.org/notice,fixture not real\n", "utf-8")
    app = make_app(tmp_path, DATA_DIR=str(data_dir), MAP_CACHE_DIR=str(tmp_path / "mc"))
    c = app.test_client()
    wujiang = next(d for d in c.get("/maps/progress.json").json["districts"] if d["slug"] == "wujiang")
    assert wujiang["status"] == "done" and wujiang["tasks"][0]["as_of"] == "2024-12-20"
    assert "HAND-MADE TEST NOTICE" in c.get("/en/maps/progress").get_data(as_text=True)
    assert "HAND-MADE TEST NOTICE" in c.get("/maps/progress.csv").get_data(as_text=True)
    assert "HAND-MADE TEST NOTICE" in fixtures.unescape_js(c.get("/maps/progress/map.html").get_data(as_text=True))
    fw = c.get("/maps/fireworks.json").json
    assert next(d for d in fw["districts"] if d["slug"] == "wujiang")["task27"]["status"] == "done"


def test_bad_progress_file_stops_start_up_with_its_line(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(REPO / "data", data_dir)
    (data_dir / "districts" / "progress.csv").write_text(
        "district,task,status,as_of,source_title,source_url,note\nwujiang,27,done,,,,\n", "utf-8")
    with pytest.raises(ValueError, match="line 2"):
        make_app(tmp_path, DATA_DIR=str(data_dir))


def test_fireworks_page_text_caveat_and_task27(client):
    zh = client.get("/maps/fireworks").get_data(as_text=True)
    assert "苏州市禁止燃放烟花爆竹条例" in zh and "正式通告" in zh and "姑苏区全域" in zh and "金庭镇" in zh
    en = client.get("/en/maps/fireworks").get_data(as_text=True)
    assert "official notice" in en and "Task 27" in en
    data = client.get("/maps/fireworks.json").json
    assert data["legal_basis"]["in_force"] == "2017-08-01" and data["source"]["reported"] == "2023-01-06"
    t27 = {d["slug"]: d["task27"] for d in data["districts"]}
    assert {s for s, t in t27.items() if t} == {"wujiang", "wuzhong", "xiangcheng"}
    # Nothing published and the 2024-12-31 deadline passed (today pinned 2026-11-30): overdue (issue 15).
    assert all(t["status"] == "overdue" for t in t27.values() if t)
    assert data["zones"] == []


def test_map_documents_are_built_once_and_served_compressed(maps_app):
    c = maps_app.test_client()
    cache = maps_app.extensions["cleanair_maps"].cache
    first = c.get("/maps/progress/map.html")
    assert first.status_code == 200 and first.content_type == "text/html; charset=utf-8"
    html = first.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html and "<title>" in html and "<main>" in html
    builds = cache.builds
    for _ in range(3):
        c.get("/maps/progress/map.html")
        c.get("/maps/progress")
    assert cache.builds == builds  # no rebuild per request
    en = c.get("/en/maps/progress/map.html").get_data(as_text=True)
    assert '<html lang="en">' in en and cache.builds == builds + 1
    gz = c.get("/maps/progress/map.html", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data).decode() == html
    br = c.get("/maps/progress/map.html", headers={"Accept-Encoding": "br, gzip"})
    assert br.headers["Content-Encoding"] == "br" and len(br.data) < len(gz.data)
    etag = first.headers["ETag"]
    assert c.get("/maps/progress/map.html", headers={"If-None-Match": etag}).status_code == 304
    # another worker (a new app on the same cache folder) reuses the stored document
    other = make_app(Path(maps_app.config["MAP_CACHE_DIR"]).parent / "w2", MAP_CACHE_DIR=maps_app.config["MAP_CACHE_DIR"])
    assert other.test_client().get("/maps/progress/map.html").get_data(as_text=True) == html
    assert other.extensions["cleanair_maps"].cache.builds == 0


def test_unknown_map_document_is_404(client):
    assert client.get("/maps/nothing/map.html").status_code == 404


def test_stations_from_the_air_engine_contract(maps_app, monkeypatch):
    version = {"v": "1"}
    monkeypatch.setattr(svc, "air_snapshot", lambda: svc.AirSnapshot(version["v"], fixtures.STATIONS, fixtures.READINGS))
    c = maps_app.test_client()
    page = c.get("/en/maps/stations").get_data(as_text=True)
    # A stale reading keeps its value, marked old with its time; only a station without any reading has none.
    assert "Test station A" in page and ">87<" in page and ">160<" in page and "old data" in page and "No data" in page
    doc = fixtures.unescape_js(c.get("/en/maps/stations/map.html").get_data(as_text=True))
    assert ">87<" in doc and "no-data" in doc and ">160<" in doc and "aqi-pin old" in doc
    cache = maps_app.extensions["cleanair_maps"].cache
    builds = cache.builds
    c.get("/en/maps/stations/map.html")
    assert cache.builds == builds
    version["v"] = "2"  # observations changed: the next request builds a new document, once
    c.get("/en/maps/stations/map.html")
    c.get("/en/maps/stations/map.html")
    assert cache.builds == builds + 1


def test_stations_page_without_air_engine(client, monkeypatch):
    monkeypatch.setattr(svc, "air_snapshot", lambda: None)
    html = client.get("/en/maps/stations").get_data(as_text=True)
    assert "not available" in html


def test_district_geojson_at_a_stable_url(client):
    resp = client.get("/maps/districts.geojson")
    assert resp.status_code == 200 and resp.content_type == "application/geo+json; charset=utf-8"
    assert resp.json["metadata"]["datum"] == "WGS84" and len(resp.json["features"]) == 9


def test_datasets_are_listed_on_the_data_page(client):
    keys = {d["key"] for d in client.get("/data.json").json["datasets"]}
    assert {"district-progress", "fireworks-ban"} <= keys


def test_gaode_tiles_setting_reaches_the_document(tmp_path):
    app = make_app(tmp_path, MAP_TILES="gaode", MAP_REVIEW_NO_GAODE="审图号 TEST", MAP_CACHE_DIR=str(tmp_path / "mc"))
    html = fixtures.unescape_js(app.test_client().get("/maps/fireworks/map.html").get_data(as_text=True))
    assert "autonavi.com" in html and "审图号 TEST" in html


def test_invalid_tiles_setting_stops_start_up(tmp_path):
    with pytest.raises(ValueError, match="MAP_TILES"):
        make_app(tmp_path, MAP_TILES="bing")


def test_citizen_tip_counts_reach_table_csv_and_map(maps_app, monkeypatch):
    counts = {"gusu": 3}  # hand-made counts, not real tips
    monkeypatch.setattr(svc, "tip_counts", lambda: dict(counts))
    c = maps_app.test_client()
    html = c.get("/en/maps/progress").get_data(as_text=True)
    assert "Citizen tips (public, count)" in html and '<td class="num" rowspan="1" data-label="Citizen tips (public, count)">3</td>' in html
    assert "gusu" in c.get("/maps/progress.csv").get_data(as_text=True)
    assert next(d for d in c.get("/maps/progress.json").json["districts"] if d["slug"] == "gusu")["tips_public"] == 3
    doc = fixtures.unescape_js(c.get("/en/maps/progress/map.html").get_data(as_text=True))
    assert "Citizen tips: 3" in doc
    cache = maps_app.extensions["cleanair_maps"].cache
    builds = cache.builds
    c.get("/en/maps/progress/map.html")
    assert cache.builds == builds
    counts["gusu"] = 4  # a tip became public: the map is rebuilt once
    assert "Citizen tips: 4" in fixtures.unescape_js(c.get("/en/maps/progress/map.html").get_data(as_text=True))
    assert cache.builds == builds + 1


def test_real_tips_service_is_used_when_present(client):
    # With the tips capability registered, counts come from it (all zero in an empty database).
    data = client.get("/maps/progress.json").json
    has_tips = any("tips_public" in d for d in data["districts"])
    from cleanair.maps.service import tip_counts

    with client.application.test_request_context("/"):
        expected = tip_counts()
    assert has_tips == (expected is not None)
