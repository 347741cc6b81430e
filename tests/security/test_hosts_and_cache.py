"""A forged Host header or one HTTPS request cannot change what later visitors get (finding 2)."""

from __future__ import annotations

import pytest
from flask import request

from cleanair.deployment import DeploymentError
from cleanair.pagecache import cache_of
from tests.conftest import make_app

BASE = "https://air.example.org"
PRODUCTION = {"CLEANAIR_ENV": "production", "SECRET_KEY": "k" * 32, "TIPS_ENCRYPTION_KEY": "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=",
              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}
EVIL = {"Host": "evil.example"}


@pytest.fixture()
def cached_app(tmp_path):
    return make_app(tmp_path, PAGE_CACHE=True, SITE_BASE_URL=BASE)


def test_a_forged_host_never_reaches_links_or_later_visitors(cached_app):
    client = cached_app.test_client()
    for url in ("/plan/tasks", "/targets/pm25-annual-mean", "/plan/tasks.json", "/en/plan"):
        for _ in range(6):
            forged = client.get(url, headers=EVIL)
            assert "evil.example" not in forged.get_data(as_text=True), url
        later = client.get(url).get_data(as_text=True)
        assert "evil.example" not in later and BASE in later, url
    page = client.get("/targets/pm25-annual-mean").get_data(as_text=True)
    assert f'hreflang="en" href="{BASE}/en/targets/pm25-annual-mean"' in page
    assert f'property="og:url" content="{BASE}/targets/pm25-annual-mean"' in page
    assert client.get("/plan/tasks.json?year=2025", headers=EVIL).get_json()["meta"]["url"] == f"{BASE}/plan/tasks.json?year=2025"


def test_the_cache_keeps_no_header_decided_per_request(cached_app):
    client = cached_app.test_client()
    secure = client.get("/targets", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
    plain = client.get("/targets")
    assert any(k.path == "/targets?" for k in cache_of(cached_app).entries)
    assert "Strict-Transport-Security" not in plain.headers
    # Served from the cache, the per-request headers are still there.
    assert plain.headers["X-Content-Type-Options"] == "nosniff" and plain.headers["X-Frame-Options"] == "SAMEORIGIN"
    stored = next(v for k, v in cache_of(cached_app).entries.items() if k.path == "/targets?")
    names = {name.lower() for name, _ in stored[1]}
    assert not names & {"strict-transport-security", "set-cookie", "x-frame-options", "date"}


def test_a_response_that_varies_on_something_unkeyed_is_not_kept(cached_app):
    @cached_app.after_request
    def _vary(resp):
        if request.path == "/glossary":
            resp.vary.add("User-Agent")
        return resp

    client = cached_app.test_client()
    client.get("/glossary")
    client.get("/about")
    paths = {k.path for k in cache_of(cached_app).entries}
    assert "/about?" in paths and "/glossary?" not in paths


def test_production_answers_only_its_own_hosts(tmp_path, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    app = make_app(tmp_path, **PRODUCTION, SITE_BASE_URL=BASE)
    client = app.test_client()
    assert client.get("/healthz/live", base_url=BASE).status_code == 200
    refused = client.get("/plan", base_url=BASE, headers=EVIL)
    assert refused.status_code == 400
    # Extra names (a second domain, the load balancer's health check) are listed explicitly.
    app2 = make_app(tmp_path, **PRODUCTION, SITE_BASE_URL=BASE, TRUSTED_HOSTS="air.example.org, lb.internal")
    assert app2.test_client().get("/healthz/live", base_url="http://lb.internal").status_code == 200
    assert app2.test_client().get("/healthz/live", base_url="http://evil.example").status_code == 400


def test_production_needs_the_public_address(tmp_path, monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    with pytest.raises(DeploymentError, match="SITE_BASE_URL must be set"):
        make_app(tmp_path, **PRODUCTION, SITE_BASE_URL="")
    with pytest.raises(DeploymentError, match="without a path"):
        make_app(tmp_path, **PRODUCTION, SITE_BASE_URL="https://air.example.org/site")
    with pytest.raises(DeploymentError, match="absolute http"):
        make_app(tmp_path, **PRODUCTION, SITE_BASE_URL="air.example.org")
