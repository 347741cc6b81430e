"""Concurrent submissions from threads and from several processes (gunicorn, 2 workers).

Every receipt must resolve, and the database must hold exactly one tip per submitted form:
nothing lost, nothing duplicated, even when the same form is posted twice at the same moment.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from tests.tips.helpers import valid_form

REPO = Path(__file__).resolve().parents[2]


def _post(base: str, form: dict, session: requests.Session | None = None) -> str:
    s = session or requests.Session()
    data = dict(form)
    page = s.get(base + "/report", timeout=30)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    if token:
        data["csrf_token"] = token.group(1)
    # multipart, like a browser with a file input
    resp = s.post(base + "/report", data=data, files={"photos": ("", b"", "application/octet-stream")}, allow_redirects=False, timeout=60)
    assert resp.status_code == 303, (resp.status_code, resp.text[:500])
    return resp.headers["Location"]


def _check(base: str, db_url: str, forms: list[dict], receipts: list[str]) -> None:
    for loc in set(receipts):
        assert requests.get(base + loc.removeprefix(base), timeout=30).status_code == 200
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT submission_key, code FROM tips")).all()
    engine.dispose()
    keys = [r[0] for r in rows]
    assert len(keys) == len(set(keys)), "a form was stored twice"
    assert set(keys) == {f["submission_key"] for f in forms}, "a submission was lost"
    assert len({r[1] for r in rows}) == len(rows)
    codes_in_receipts = {re.search(r"/report/([2-9A-Z-]+)/receipt", r).group(1).replace("-", "") for r in receipts}
    assert codes_in_receipts == {r[1] for r in rows}


def _forms(n: int) -> list[dict]:
    # confirm_duplicates: these hand-made tips share a place on purpose; skip the hint step.
    return [valid_form(address=f"Concurrency street {i}", confirm_duplicates="1", submission_key=secrets.token_urlsafe(16)) for i in range(n)]


def test_threads_submit_concurrently_nothing_lost_or_duplicated(tips_app, tmp_path):
    server = make_server("127.0.0.1", 0, tips_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        forms = _forms(40)
        jobs = forms + forms[:8]  # eight forms are posted twice, concurrently with the first post
        with ThreadPoolExecutor(max_workers=12) as pool:
            receipts = list(pool.map(lambda f: _post(base, f), jobs))
        _check(base, tips_app.config["SQLALCHEMY_DATABASE_URI"], forms, receipts)
    finally:
        server.shutdown()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not shutil.which("gunicorn", path=str(Path(sys.executable).parent)), reason="gunicorn is not installed in the virtualenv")
def test_gunicorn_two_workers_nothing_lost_or_duplicated(tmp_path):
    from tests.conftest import make_app

    db_path = tmp_path / "procs.sqlite"
    make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{db_path}")  # creates the schema
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db_path}",
        "SECRET_KEY": secrets.token_hex(32),
        "TIPS_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "TIPS_PHOTO_DIR": str(tmp_path / "photos"),
        "STATIC_BUILD_DIR": str(tmp_path / "static"),
        "TIPS_SUBMIT_LIMIT": "100000 per minute",
        "CLEANAIR_TODAY": "2026-11-30",
    }
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                if requests.get(base + "/report/stats.json", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                pytest.fail("gunicorn did not start: " + (proc.stdout.read().decode() if proc.poll() is not None else "timeout"))
            time.sleep(0.2)
        forms = _forms(40)
        jobs = forms + forms[:8]
        with ThreadPoolExecutor(max_workers=12) as pool:
            receipts = list(pool.map(lambda f: _post(base, f), jobs))
        _check(base, f"sqlite:///{db_path}", forms, receipts)
        assert requests.get(base + "/report/stats.json", timeout=10).json()["total"] == 40
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.skipif(not shutil.which("gunicorn", path=str(Path(sys.executable).parent)), reason="gunicorn is not installed in the virtualenv")
def test_workers_killed_mid_run_lose_nothing_and_duplicate_nothing(tmp_path, redis_prefix):
    """Production mode, 3 workers, rate limits in Redis; two workers are killed with SIGKILL while
    12 clients send 240 tips, resending a post that got no answer (benchmarks/tips_load.py runs
    the same with 1,000 tips and 20 clients)."""
    from benchmarks.tips_load import run

    from tests.conftest import _database_url

    url, prefix = redis_prefix
    # SQLite, or PostgreSQL in CI's second run; the Redis keys under this test's own prefix.
    result = run(240, 12, 3, 2, _database_url(tmp_path), url, tmp_path, RATELIMIT_KEY_PREFIX=prefix)
    assert result["workers_killed"] == 2
    assert result["acknowledged"] == result["stored"] == 240, result
    assert result["lost"] == 0 and result["duplicates"] == 0 and result["receipts_ok"] == 240, result
