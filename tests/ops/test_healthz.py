from __future__ import annotations

from cleanair import create_app
from cleanair.config import TestConfig


def test_healthz_reports_database_ok(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.json == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_cannot_be_opened(tmp_path):
    class Broken(TestConfig):
        # SQLite cannot create a file inside a folder that does not exist.
        SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(tmp_path / "no-such-dir" / "db.sqlite")
        STATIC_BUILD_DIR = str(tmp_path / "static")

    resp = create_app(Broken).test_client().get("/healthz")
    assert resp.status_code == 503 and resp.json["status"] == "error"
