"""Security headers on every response: CSP that allows only this site (and configured tiles)."""

from __future__ import annotations

from cleanair.security import content_security_policy, inline_script_hashes, tile_hosts
from tests.conftest import make_app


def _directives(header: str) -> dict[str, str]:
    return {d.strip().split(" ", 1)[0]: d.strip().partition(" ")[2] for d in header.split(";") if d.strip()}


def test_pages_and_twins_carry_a_strict_policy(client):
    for url in ("/", "/en/plan/tasks", "/plan/tasks.json", "/targets.csv", "/healthz"):
        resp = client.get(url)
        csp = _directives(resp.headers["Content-Security-Policy"])
        assert csp["default-src"] == "'self'" and csp["script-src"] == "'self'", url
        assert "unsafe-inline" not in csp["script-src"] and "unsafe-eval" not in csp["script-src"]
        assert csp["frame-ancestors"] == "'self'" and resp.headers["X-Frame-Options"] == "SAMEORIGIN"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "Strict-Transport-Security" not in resp.headers  # plain HTTP here


def test_hsts_only_over_https(client):
    resp = client.get("/", base_url="https://localhost")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_map_documents_allow_exactly_their_inline_scripts(client):
    resp = client.get("/maps/progress/map.html", headers={"Accept-Encoding": "identity"})
    assert resp.status_code == 200
    csp = _directives(resp.headers["Content-Security-Policy"])
    hashes = inline_script_hashes(resp.get_data())
    assert hashes and all(h in csp["script-src"] for h in hashes)
    assert "unsafe-inline" not in csp["script-src"]


def test_inline_script_hashes_ignore_external_scripts():
    html = b'<script src="/static/a.js"></script><script>alert(1)</script>'
    assert inline_script_hashes(html) == ("'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='",)


def test_configured_tiles_are_the_only_outside_image_hosts(tmp_path):
    assert tile_hosts({"MAP_TILES": "none"}) == ()
    hosts = tile_hosts({"MAP_TILES": "osm"})
    assert hosts == ("https://tile.openstreetmap.org",)
    assert "https://tile.openstreetmap.org" in content_security_policy(hosts)
    app = make_app(tmp_path, MAP_TILES="gaode")
    csp = _directives(app.test_client().get("/").headers["Content-Security-Policy"])
    assert "autonavi.com" in csp["img-src"] and "autonavi" not in csp["script-src"]


def test_pages_and_twins_revalidate_with_etags(client):
    for url in ("/plan/tasks", "/plan/tasks.json", "/targets.csv"):
        first = client.get(url)
        etag = first.headers["ETag"]
        assert first.headers["Cache-Control"].startswith("public")
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url


def test_compressed_when_the_browser_accepts_it(client):
    resp = client.get("/plan/tasks", headers={"Accept-Encoding": "br, gzip"})
    assert resp.headers["Content-Encoding"] == "br"
    import brotli

    assert "重点工作任务" in brotli.decompress(resp.get_data()).decode()
