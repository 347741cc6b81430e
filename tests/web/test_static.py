"""Static files: self-hosted, content-hashed, far-future cached, compressed."""

from __future__ import annotations

import re


def _css_url(client) -> str:
    html = client.get("/").get_data(as_text=True)
    return re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)


def test_hashed_assets_are_immutable_and_compressed(client):
    url = _css_url(client)
    resp = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert resp.status_code == 200
    assert "immutable" in resp.headers["Cache-Control"]
    assert "max-age=315360000" in resp.headers["Cache-Control"]
    assert resp.headers.get("Content-Encoding") == "gzip"
    br = client.get(url, headers={"Accept-Encoding": "br"})
    assert br.headers.get("Content-Encoding") == "br"


def test_unhashed_names_are_not_cached_forever(client):
    resp = client.get("/static/css/site.css")
    assert resp.status_code == 200 and "immutable" not in resp.headers.get("Cache-Control", "")


def test_leaflet_is_served_from_the_site(app, client):
    version = app.config["LEAFLET_VERSION"]
    name = app.config["STATIC_MANIFEST"][f"vendor/leaflet-{version}/leaflet.js"]
    assert client.get(f"/static/{name}").status_code == 200
