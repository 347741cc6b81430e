"""Tips under load while gunicorn workers are killed: every acknowledged tip is stored, none twice.

    .venv/bin/python benchmarks/tips_load.py                               # 1,000 tips, 20 clients, SQLite
    .venv/bin/python benchmarks/tips_load.py --database postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/tips_load.py --tips 2000 --clients 32 --workers 4 --kill 2

Production mode (CLEANAIR_ENV=production) under gunicorn with several workers, rate limits in
Redis (a private redis-server on a free port, or --redis URL) and a throw-away database (a
temporary SQLite file, or a new PostgreSQL database on the given server, dropped afterwards).
Each client loads the form once (session cookie + CSRF token, as a browser does) and posts
SYNTHETIC tips, each with its own submission key. When a post gets no answer (its worker was
killed) the client sends the same form again, as a person pressing the button again would; the
submission key makes that safe. While the tips are coming in, `--kill` workers are killed with
SIGKILL (gunicorn starts new ones).

Reported: tips acknowledged (303 to a receipt), tips stored, acknowledged but not stored (lost),
stored twice (duplicates), receipts that do not open, posts repeated after a killed worker.
Goal (issue 14): acknowledged = stored, 0 duplicates.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, VENV_BIN, free_port  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def form(i: int, key: str) -> dict:
    """A SYNTHETIC tip (district + address, no photo); `confirm_duplicates` skips the hint step."""
    return {"category": "dust", "district": "gusu", "address": f"Load street {i}", "lat": "", "lon": "",
            "occurred_at": time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() + 8 * 3600 - 3600)),
            "description": "Synthetic load-test tip: uncovered earth at a construction site", "identity": "anonymous",
            "consent": "y", "confirm_duplicates": "1", "submission_key": key}


@dataclass
class Outcome:
    acknowledged: dict[str, str] = field(default_factory=dict)  # submission key -> receipt path
    repeated: int = 0  # posts sent again after no answer or a 5xx
    failed: list[str] = field(default_factory=list)  # keys never acknowledged
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _session(base: str) -> tuple[requests.Session, str, str]:
    s = requests.Session()
    for _ in range(50):
        with contextlib.suppress(requests.RequestException):
            page = s.get(base + "/report", timeout=30)
            if page.status_code == 200:
                # The session cookie is Secure in production; this client speaks HTTP to 127.0.0.1.
                return s, TOKEN.search(page.text).group(1), f"session={page.cookies['session']}"
        time.sleep(0.2)
    raise RuntimeError("the form never loaded")


def submit_all(base: str, n: int, clients: int, outcome: Outcome, attempts: int = 8) -> None:
    """n tips from `clients` concurrent clients; a post without an answer is sent again."""
    per_client = [list(range(c, n, clients)) for c in range(clients)]

    def client(indexes: list[int]) -> None:
        s, token, cookie = _session(base)
        for i in indexes:
            key = uuid.uuid4().hex
            for attempt in range(attempts):
                t0 = time.perf_counter()
                try:
                    r = s.post(base + "/report", data={**form(i, key), "csrf_token": token}, headers={"Cookie": cookie},
                               files={"photos": ("", b"", "application/octet-stream")}, allow_redirects=False, timeout=60)
                except requests.RequestException:
                    r = None
                if r is not None and r.status_code == 303:
                    with outcome.lock:
                        outcome.acknowledged[key] = r.headers["Location"]
                        outcome.latencies.append(time.perf_counter() - t0)
                    break
                if r is not None and r.status_code < 500:
                    raise RuntimeError(f"HTTP {r.status_code}: {r.text[:300]}")
                with outcome.lock:
                    outcome.repeated += 1
                time.sleep(0.2 * (attempt + 1))
                if r is None:  # the connection died with its worker: a fresh one
                    s, token, cookie = _session(base)
            else:
                with outcome.lock:
                    outcome.failed.append(key)

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, per_client))


def workers_of(master: int) -> list[int]:
    """The worker processes of a gunicorn master (children in /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                    out.append(int(entry.name))
    return sorted(out)


def kill_while_running(master: int, outcome: Outcome, total: int, kills: int) -> list[int]:
    """SIGKILL `kills` workers, one each time another share of the tips is acknowledged."""
    killed: list[int] = []
    for k in range(kills):
        threshold = total * (k + 1) // (kills + 2)
        while len(outcome.acknowledged) < threshold:
            time.sleep(0.01)
        alive = [w for w in workers_of(master) if w not in killed]
        if alive:
            os.kill(alive[0], signal.SIGKILL)
            killed.append(alive[0])
    return killed


def check(database_url: str, base: str, outcome: Outcome) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT submission_key, code FROM tips")).all()
    engine.dispose()
    stored = Counter(r[0] for r in rows)
    codes = {r[0]: r[1] for r in rows}
    receipts_ok = 0
    for key, location in outcome.acknowledged.items():
        code = re.search(r"/report/([2-9A-Z-]+)/receipt", location).group(1).replace("-", "")
        if codes.get(key) == code and requests.get(base + location, timeout=30).status_code == 200:
            receipts_ok += 1
    return {
        "acknowledged": len(outcome.acknowledged), "stored": len(rows),
        "lost": sum(1 for k in outcome.acknowledged if k not in stored),
        "duplicates": sum(n - 1 for n in stored.values() if n > 1),
        "stored_unacknowledged": sum(1 for k in stored if k not in outcome.acknowledged),
        "receipts_ok": receipts_ok, "repeated_posts": outcome.repeated, "never_acknowledged": len(outcome.failed),
    }


@contextlib.contextmanager
def database(server: str | None, folder: Path):
    """A throw-away database URL: a SQLite file, or a new PostgreSQL database on `server`."""
    if not server:
        yield f"sqlite:///{folder / 'load.sqlite'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"cleanair_load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(server).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def redis_server(url: str | None):
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("no redis-server: apt-get install -y redis-server, or pass --redis URL")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.3)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait()


@contextlib.contextmanager
def production_site(database_url: str, redis_url: str, folder: Path, workers: int, **settings: str):
    """gunicorn -c gunicorn.conf.py with CLEANAIR_ENV=production; yields (base URL, master pid).
    `settings` override the environment (the tip limit is raised by default: one client address)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RATELIMIT_", "TRUSTED_", "WEB_CONCURRENCY"))}
    env.update(CLEANAIR_ENV="production", DATABASE_URL=database_url, SECRET_KEY=secrets.token_hex(32),
               TIPS_ENCRYPTION_KEY=Fernet.generate_key().decode(), TIPS_PHOTO_DIR=str(folder / "photos"),
               STATIC_BUILD_DIR=str(folder / "static"), SITE_BASE_URL=f"http://127.0.0.1:{port}",
               RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_KEY_PREFIX=f"load-{uuid.uuid4().hex[:8]}",
               TIPS_SUBMIT_LIMIT="1000000 per minute", GUNICORN_ACCESSLOG="/dev/null")
    env.update(settings)
    subprocess.check_call([str(VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc = subprocess.Popen([str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "-w", str(workers), "-b",
                             f"127.0.0.1:{port}", "--log-level", "error", "wsgi:app"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(requests.RequestException):
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            if proc.poll() is not None:
                raise SystemExit("gunicorn did not start: " + proc.stderr.read().decode()[-2000:])
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)


def run(tips: int, clients: int, workers: int, kills: int, database_url: str, redis_url: str, folder: Path,
        **settings: str) -> dict:
    outcome = Outcome()
    with production_site(database_url, redis_url, folder, workers, **settings) as (base, master):
        start = time.perf_counter()
        killer = ThreadPoolExecutor(max_workers=1).submit(kill_while_running, master, outcome, tips, kills)
        submit_all(base, tips, clients, outcome)
        killed = killer.result(timeout=60)
        elapsed = time.perf_counter() - start
        result = check(database_url, base, outcome)
    lat = sorted(outcome.latencies)
    result.update(workers_killed=len(killed), seconds=round(elapsed, 1), per_second=round(tips / elapsed, 1),
                  median_ms=round(lat[len(lat) // 2] * 1000, 1) if lat else None,
                  p99_ms=round(lat[int(len(lat) * 0.99) - 1] * 1000, 1) if lat else None)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tips", type=int, default=1000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--kill", type=int, default=2, help="workers to kill with SIGKILL while tips come in")
    ap.add_argument("--database", help="PostgreSQL server URL (default: a temporary SQLite file)")
    ap.add_argument("--redis", help="Redis URL for the rate limits (default: a private redis-server)")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tips-load-"))
    try:
        with database(args.database, folder) as url, redis_server(args.redis) as redis_url:
            r = run(args.tips, args.clients, args.workers, args.kill, url, redis_url, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    kind = "PostgreSQL" if args.database else "SQLite"
    print(f"{kind}, gunicorn {args.workers} workers (production mode, rate limits in Redis), {args.clients} clients, "
          f"{r['workers_killed']} workers killed with SIGKILL during the run")
    print(f"tips sent {args.tips}: acknowledged {r['acknowledged']}, stored {r['stored']}, lost {r['lost']}, "
          f"duplicates {r['duplicates']}, stored but not acknowledged {r['stored_unacknowledged']}, "
          f"never acknowledged {r['never_acknowledged']}")
    print(f"receipts that open and match: {r['receipts_ok']}/{r['acknowledged']}; posts sent again after a killed "
          f"worker: {r['repeated_posts']}")
    print(f"{r['seconds']} s, {r['per_second']} tips/s, median {r['median_ms']} ms, p99 {r['p99_ms']} ms")
    ok = r["acknowledged"] == r["stored"] == args.tips and r["lost"] == 0 and r["duplicates"] == 0
    print("acknowledged = stored, 0 duplicates:", "met" if ok else "NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
