"""Smaller production rules of issue 14 ("Also"): secret length, cookie flags, file modes of the
instance folder and the SQLite file, security headers on static files."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest

from cleanair.deployment import DeploymentError
from tests.conftest import make_app

PRODUCTION = {"CLEANAIR_ENV": "production", "TIPS_ENCRYPTION_KEY": "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=",
              "SITE_BASE_URL": "https://air.example.org", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"}


def test_production_refuses_a_short_secret_key(tmp_path):
    with pytest.raises(DeploymentError, match="31 bytes; production needs at least 32"):
        make_app(tmp_path, **PRODUCTION, SECRET_KEY="s" * 31)
    with pytest.raises(DeploymentError, match="SECRET_KEY must be set"):
        make_app(tmp_path, **PRODUCTION, SECRET_KEY=None)


def test_the_text_size_cookie_is_secure_when_sessions_are(tmp_path):
    app = make_app(tmp_path, SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    cookie = client.get("/prefs/text-size?size=large&next=/plan").headers["Set-Cookie"]
    assert "text_size=large" in cookie and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" in client.get("/prefs/text-size?size=normal").headers["Set-Cookie"]
    plain = make_app(tmp_path / "plain").test_client().get("/prefs/text-size?size=large").headers["Set-Cookie"]
    assert "Secure" not in plain  # development over plain HTTP still works


def test_instance_folder_sqlite_file_and_photo_folder_are_private(tmp_path):
    from cleanair import create_private_sqlite_file, make_private_folder

    make_private_folder(tmp_path / "instance")
    create_private_sqlite_file(f"sqlite:///{tmp_path / 'instance' / 'cleanair.sqlite'}")
    assert stat.S_IMODE((tmp_path / "instance").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "instance" / "cleanair.sqlite").stat().st_mode) == 0o600
    # SQLite gives the files it adds (write-ahead log, shared memory) the database file's mode.
    import sqlite3

    conn = sqlite3.connect(tmp_path / "instance" / "cleanair.sqlite")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    for f in (tmp_path / "instance").glob("cleanair.sqlite-*"):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    conn.close()
    app = make_app(tmp_path / "app", TIPS_PHOTO_DIR=str(tmp_path / "app" / "photos"))
    assert stat.S_IMODE(Path(app.config["TIPS_PHOTO_DIR"]).stat().st_mode) == 0o700


def test_static_files_carry_nosniff_and_the_referrer_policy(client):
    html = client.get("/").get_data(as_text=True)
    for url in [re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1), "/static/css/site.css"]:
        resp = client.get(url)
        assert resp.status_code == 200
        assert resp.headers["X-Content-Type-Options"] == "nosniff", url
        assert resp.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
