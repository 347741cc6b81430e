"""Rate limits hold across workers: counted in Redis, refused with a per-process store in
production, and counted for refused posts too (finding 1 and 6 of issue 14)."""

from __future__ import annotations

import re
import secrets
import subprocess

import pytest
import requests

from cleanair.deployment import DeploymentError
from tests.conftest import make_app
from tests.servers import REPO, VENV_BIN, free_port, gunicorn, has_gunicorn, production_env
from tests.tips.helpers import valid_form

needs_gunicorn = pytest.mark.skipif(not has_gunicorn(), reason="gunicorn is not installed in the virtualenv")
PRODUCTION = {"CLEANAIR_ENV": "production", "SECRET_KEY": "k" * 32, "TIPS_ENCRYPTION_KEY": "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=",
              "SITE_BASE_URL": "https://air.example.org"}


def test_production_refuses_a_per_process_store_unless_one_worker_is_declared(tmp_path, monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    with pytest.raises(DeploymentError, match="RATELIMIT_STORAGE_URI=memory://.*redis://"):
        make_app(tmp_path, **PRODUCTION, RATELIMIT_STORAGE_URI="memory://")
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    with pytest.raises(DeploymentError, match="4 workers"):
        make_app(tmp_path, **PRODUCTION, RATELIMIT_STORAGE_URI="memory://")
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert make_app(tmp_path, **PRODUCTION, RATELIMIT_STORAGE_URI="memory://")
    # Development (scripts/server: one process) keeps the in-memory store.
    monkeypatch.delenv("WEB_CONCURRENCY")
    assert make_app(tmp_path, RATELIMIT_STORAGE_URI="memory://")


@needs_gunicorn
def test_gunicorn_with_several_workers_refuses_memory_storage_and_says_why(tmp_path):
    port = free_port()
    # WEB_CONCURRENCY=1 lets the app load; the command line then asks gunicorn for 3 workers.
    env = production_env(tmp_path, port, RATELIMIT_STORAGE_URI="memory://", WEB_CONCURRENCY="1")
    proc = subprocess.run([str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "-w", "3", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "refusing to start" in proc.stderr and "3 workers" in proc.stderr and "redis://" in proc.stderr


def _post_tip(base: str, i: int, client: str = "198.51.100.1", token: bool = True) -> int:
    """One tip from a browser-like client (its address given to the proxy-aware app): load the
    form (session + CSRF token), post it (without the token when `token` is False)."""
    headers = {"Connection": "close", "X-Forwarded-For": client}
    page = requests.get(base + "/report", headers=headers, timeout=30)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    # The session cookie is Secure in production; this test speaks plain HTTP to 127.0.0.1.
    headers["Cookie"] = f"session={page.cookies['session']}"
    data = valid_form(address=f"Limit street {i}", confirm_duplicates="1", submission_key=secrets.token_urlsafe(16),
                      csrf_token=csrf if token else None)
    resp = requests.post(base + "/report", data=data, files={"photos": ("", b"", "application/octet-stream")},
                         headers=headers, allow_redirects=False, timeout=30)
    return resp.status_code


@needs_gunicorn
def test_three_workers_share_five_tips_a_minute_through_redis(tmp_path, redis_prefix):
    url, prefix = redis_prefix
    port = free_port()
    env = production_env(tmp_path, port, RATELIMIT_STORAGE_URI=url, RATELIMIT_KEY_PREFIX=prefix,
                         TIPS_SUBMIT_LIMIT="5 per minute; 30 per day", TRUSTED_PROXIES="1")
    base = f"http://127.0.0.1:{port}"
    with gunicorn(env, port, 3):
        # A new connection per request, so the workers take turns.
        statuses = [_post_tip(base, i) for i in range(12)]
        # Another client: three posts refused for their missing token count as well.
        refused = [_post_tip(base, 100 + i, client="198.51.100.2", token=False) for i in range(3)]
        after = [_post_tip(base, 200 + i, client="198.51.100.2") for i in range(4)]
    assert statuses.count(303) == 5 and statuses[:5] == [303] * 5, statuses
    assert statuses.count(429) == 7, statuses
    assert refused == [400] * 3 and after == [303, 303, 429, 429], (refused, after)


def test_a_redis_outage_limits_per_process_instead_of_failing(tmp_path):
    # Nothing listens on this port: the store is unreachable from the first request on.
    app = make_app(tmp_path, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0", TIPS_SUBMIT_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [client.post("/report", data=valid_form(address=f"Outage street {i}", confirm_duplicates="1")).status_code
                for i in range(3)]
    assert statuses == [303, 303, 429]


def test_posts_refused_before_the_form_is_read_count_too(tmp_path):
    """An expired CSRF token, a bot's post or an oversized body uses up the limit like a tip."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True, TIPS_SUBMIT_LIMIT="3 per minute", STAFF_LOGIN_LIMIT="2 per minute",
                   TIPS_CLAIM_LIMIT="1 per hour")
    client = app.test_client()
    no_token = [client.post("/report", data=valid_form()).status_code for _ in range(3)]
    assert no_token == [400, 400, 400]
    page = client.get("/report").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/report", data=valid_form(csrf_token=token)).status_code == 429
    assert [client.post("/staff/login", data={"username": "a", "password": "b"}).status_code for _ in range(3)] == [400, 400, 429]
    assert [client.post("/report/2345-6789-ABCD/claim", data={}).status_code for _ in range(2)] == [400, 429]


def test_every_post_route_still_checks_csrf(tmp_path):
    """The limited views check the token themselves (after counting): none may be left unchecked."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True, TIPS_SUBMIT_LIMIT="1000 per minute", STAFF_LOGIN_LIMIT="1000 per minute",
                   TIPS_CLAIM_LIMIT="1000 per hour")
    client = app.test_client()
    posts = [r for r in app.url_map.iter_rules() if "POST" in (r.methods or ())]
    assert len(posts) >= 7
    for rule in posts:
        url = re.sub(r"<[^>]+>", "1", rule.rule).replace("/report/1/", "/report/2345-6789-ABCD/")
        resp = client.post(url, data={"username": "a", "password": "b", "kind": "note", "note": "x"})
        assert resp.status_code == 400, (rule.rule, resp.status_code)
