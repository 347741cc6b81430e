"""Public tip statistics and the staff desk at 100,000 tips, on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/tips_stats.py                       # SQLite, 100,000 tips
    .venv/bin/python benchmarks/tips_stats.py --tips 10000 --runs 9
    .venv/bin/python benchmarks/tips_stats.py --database postgresql+psycopg://postgres:postgres@127.0.0.1:5432/postgres

Fills a throw-away database (a temporary SQLite file, or a new PostgreSQL database on the given
server, dropped afterwards) with SYNTHETIC tips: random categories, districts, states, routing,
submission times over three years and first staff actions; never the site's own database.
Then times, through the app (Flask test client, no network):

- /report/stats, .json, .csv when the register has just changed (a new audit-log event, as
  every staff action or new tip writes): the statistics are computed again in the database;
- the same when nothing changed: served from the per-process cache (keyed by the register's
  version);
- the staff queue (first page, a deep page, filtered) and the streamed export (all tips).

Goal (issue 14): statistics <= 50 ms at 100,000 tips on both databases.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STATES = {"submitted": 0.25, "accepted": 0.15, "rejected": 0.2, "investigating": 0.1, "verified": 0.2,
          "not_verified": 0.1}


def make_app(database_url: str, folder: Path):
    os.environ.setdefault("CLEANAIR_TODAY", "2026-11-30")
    from cleanair import create_app
    from cleanair.config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        STATIC_BUILD_DIR = str(folder / "static")
        TIPS_PHOTO_DIR = str(folder / "photos")
        SECRET_KEY = secrets.token_hex(32)
        WTF_CSRF_ENABLED = False
        STAFF_LOGIN_LIMIT = "100000 per minute"

    app = create_app(BenchConfig)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    return app


def fill(app, n: int, seed: int = 14) -> None:
    """SYNTHETIC tips, inserted in batches with plain INSERTs (the form would take minutes)."""
    from cleanair.extensions import db
    from cleanair.report.models import Tip
    from cleanair.report.service import categories
    from cleanair.services import plan

    rng = random.Random(seed)
    with app.app_context():
        cats = [c.slug for c in categories(active_only=False)]
        districts = [d.slug for d in plan().districts] + [None]
        bodies = [d.slug for d in plan().departments]
        start = datetime(2023, 12, 1, tzinfo=UTC)
        rows = []
        for i in range(n):
            submitted = start + timedelta(seconds=rng.randrange(3 * 365 * 86400))
            status = rng.choices(list(STATES), weights=list(STATES.values()))[0]
            acted = status != "submitted" or rng.random() < 0.1
            wait = rng.randrange(14 * 86400) if acted else None
            rows.append({
                "code": f"{i:012d}", "submission_key": uuid.uuid4().hex, "category": rng.choice(cats),
                "district": rng.choice(districts), "address": "synthetic", "lat": None, "lon": None,
                "location_source": "none", "occurred_at": submitted - timedelta(hours=2), "submitted_at": submitted,
                "description": "synthetic benchmark tip", "polluter": "", "identity": "anonymous", "not_staff": True,
                "consent_at": submitted, "locale": "zh_Hans", "status": status,
                "routed_to": rng.choice(bodies) if rng.random() < 0.5 else None,
                "first_action_at": submitted + timedelta(seconds=wait) if acted else None, "first_action_wait": wait,
            })
            if len(rows) == 5000:
                db.session.execute(Tip.__table__.insert(), rows)
                rows = []
        if rows:
            db.session.execute(Tip.__table__.insert(), rows)
        db.session.commit()
        # Statistics for the planner, and PostgreSQL's visibility map (index-only scans): what
        # autovacuum does on a running site after a bulk load like this one.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE tips" if db.engine.dialect.name == "postgresql" else "ANALYZE")


def bump(app) -> None:
    """A change to the register, as a staff action makes: one more audit-log event."""
    from cleanair.extensions import db
    from cleanair.report.models import TipEvent

    with app.app_context():
        db.session.add(TipEvent(tip_id=1, at=datetime.now(UTC), actor="bench", action="note", note="", public=False))
        db.session.commit()


def timed(fn, runs: int, before=None) -> list[float]:
    out = []
    for _ in range(runs):
        if before:
            before()
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def fmt(ms: list[float]) -> str:
    return f"{statistics.median(ms):8.1f} ms (median of {len(ms)}; max {max(ms):.1f})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tips", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--database", help="a PostgreSQL server URL; a new database is created on it and dropped")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tips-stats-bench-"))
    dropper = None
    if args.database:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"cleanair_bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(make_url(args.database).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.database).set(database=name).render_as_string(hide_password=False)

        def dropper() -> None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        url = f"sqlite:///{folder / 'bench.sqlite'}"
    try:
        app = make_app(url, folder)
        t0 = time.perf_counter()
        fill(app, args.tips)
        print(f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}: {args.tips:,} synthetic tips inserted in "
              f"{time.perf_counter() - t0:.1f} s")
        client = app.test_client()

        def get(url: str) -> None:
            resp = client.get(url)
            assert resp.status_code == 200, (url, resp.status_code)
            resp.get_data()

        for url in ("/report/stats.json", "/report/stats", "/report/stats.csv"):
            get(url)  # warm-up: imports, templates, first connection
            cold = timed(lambda url=url: get(url), args.runs, before=lambda: bump(app))
            warm = timed(lambda url=url: get(url), args.runs)
            print(f"{url:22} register changed: {fmt(cold)}   unchanged (cached): {fmt(warm)}")
        from cleanair.staff.auth import create_user

        with app.app_context():
            create_user("bench-admin", "a long enough password", "admin")
        client.post("/staff/login", data={"username": "bench-admin", "password": "a long enough password"})
        for url in ("/staff/", "/staff/?page=1000", "/staff/?status=verified&district=gusu", "/staff/?page=1999"):
            print(f"{url:40} {fmt(timed(lambda url=url: get(url), args.runs))}")
        export = timed(lambda: get("/staff/export.csv"), max(1, args.runs // 3))
        print(f"{'/staff/export.csv (all tips, streamed)':40} {fmt(export)}")
    finally:
        if dropper:
            from cleanair.extensions import db

            with app.app_context():
                db.engine.dispose()
            dropper()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
