"""Real servers for tests: gunicorn serving wsgi:app, and a Redis for shared rate limits.

`redis_url` gives each test its own key prefix, so parallel runs against one Redis never meet.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet

from benchmarks._server import ROOT as REPO
from benchmarks._server import VENV_BIN, free_port

__all__ = ["REPO", "VENV_BIN", "free_port", "gunicorn", "production_env", "redis_server", "redis_prefix"]


@contextlib.contextmanager
def private_redis() -> Iterator[str]:
    """A throw-away redis-server on a free loopback port (no persistence)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server binary: `apt-get install -y redis-server` (CI installs it; .ci/run)")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="cleanair-redis-")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", folder], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            if time.time() > deadline or proc.poll() is not None:
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[str]:
    """TEST_REDIS_URL (CI starts redis-server on 127.0.0.1) or a private redis-server."""
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            pytest.fail(f"TEST_REDIS_URL={url} does not answer: {exc}")
        yield url
        return
    with private_redis() as url:
        yield url


@pytest.fixture()
def redis_prefix(redis_server) -> Iterator[tuple[str, str]]:
    """(Redis URL, a key prefix of this test's own); the test's keys are deleted afterwards."""
    import redis

    prefix = f"cleanair-test-{uuid.uuid4().hex[:12]}"
    yield redis_server, prefix
    client = redis.Redis.from_url(redis_server)
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)


def production_env(tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    """Environment of a production deployment on 127.0.0.1 with a fresh SQLite database."""
    from tests.conftest import make_app

    db_path = tmp_path / "site.sqlite"
    make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_path}")  # creates the schema
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RATELIMIT_", "TRUSTED_", "WEB_CONCURRENCY"))}
    env.update({
        "CLEANAIR_ENV": "production",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SECRET_KEY": secrets.token_hex(32),
        "TIPS_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "TIPS_PHOTO_DIR": str(tmp_path / "photos"),
        "STATIC_BUILD_DIR": str(tmp_path / "static"),
        "SITE_BASE_URL": f"http://127.0.0.1:{port}",
        "CLEANAIR_TODAY": "2026-11-30",
        "GUNICORN_ACCESSLOG": "/dev/null",
    })
    env.update(extra)
    return env


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, *extra: str) -> Iterator[subprocess.Popen]:
    """gunicorn -c gunicorn.conf.py serving wsgi:app on 127.0.0.1:port; waits until it answers."""
    proc = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", *extra, "wsgi:app"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 60
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"http://127.0.0.1:{port}/healthz/live", timeout=5).status_code == 200:
                    break
            if proc.poll() is not None:
                pytest.fail("gunicorn did not start:\n" + proc.stdout.read().decode()[-3000:])
            if time.time() > deadline:
                pytest.fail("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        yield proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


def has_gunicorn() -> bool:
    return (VENV_BIN / "gunicorn").exists()
