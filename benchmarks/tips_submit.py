"""Tip submissions per second, end to end: HTTP form post → validation → photo sanitising →
commit → 303 to the receipt, against gunicorn on 127.0.0.1 with a fresh SQLite database.

    .venv/bin/python benchmarks/tips_submit.py                 # without and with a photo
    .venv/bin/python benchmarks/tips_submit.py --n 400 --workers 2 --clients 8

Each client first loads the form (session cookie + CSRF token, as a browser does); only the
POSTs are timed. The photo is a 1600×1200 JPEG with EXIF/GPS (about 300 kB), so every photo
submission decodes, strips and re-encodes a realistic phone picture.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

import requests
from cryptography.fernet import Fernet
from PIL import Image

REPO = Path(__file__).resolve().parent.parent


def photo() -> bytes:
    img = Image.effect_noise((1600, 1200), 40).convert("RGB")
    exif = Image.Exif()
    exif[0x0110] = "Benchmark"
    exif[0x8825] = {1: "N", 2: (31.0, 18.0, 0.0), 3: "E", 4: (120.0, 37.0, 0.0)}
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    return buf.getvalue()


def form(i: int) -> dict:
    when = (datetime.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    return {
        "category": "dust", "district": "gusu", "address": f"Benchmark street {i}", "lat": "", "lon": "",
        "occurred_at": when, "description": "Benchmark tip: uncovered earth at a construction site",
        "identity": "anonymous", "consent": "y", "confirm_duplicates": "1", "submission_key": secrets.token_urlsafe(16),
    }


def run(base: str, n: int, clients: int, with_photo: bool) -> dict:
    jpeg = photo() if with_photo else None
    sessions = []
    for _ in range(clients):
        s = requests.Session()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', s.get(base + "/report").text).group(1)
        sessions.append((s, token))
    latencies: list[float] = []

    def one(i: int) -> None:
        s, token = sessions[i % clients]
        files = {"photos": ("p.jpg", jpeg, "image/jpeg")} if jpeg else {"photos": ("", b"", "application/octet-stream")}
        t0 = time.perf_counter()
        r = s.post(base + "/report", data={**form(i), "csrf_token": token}, files=files, allow_redirects=False)
        latencies.append(time.perf_counter() - t0)
        if r.status_code != 303:
            raise RuntimeError(f"HTTP {r.status_code}: {r.text[:300]}")

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, range(n)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    return {
        "photo": with_photo, "n": n, "seconds": round(elapsed, 2), "per_second": round(n / elapsed, 1),
        "median_ms": round(statistics.median(latencies) * 1000, 1), "p95_ms": round(latencies[int(0.95 * n) - 1] * 1000, 1),
        "photo_bytes": len(jpeg) if jpeg else 0,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500, help="submissions without photo (with photo: n/5)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="tips-bench-"))
    db = tmp / "bench.sqlite"
    env = {
        **os.environ, "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": secrets.token_hex(32),
        "TIPS_ENCRYPTION_KEY": Fernet.generate_key().decode(), "TIPS_PHOTO_DIR": str(tmp / "photos"),
        "STATIC_BUILD_DIR": str(tmp / "static"), "TIPS_SUBMIT_LIMIT": "1000000 per minute",
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "flask"), "--app", "wsgi", "db", "upgrade", "heads"], cwd=REPO, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([str(bin_dir / "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "wsgi:app"], cwd=REPO, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if requests.get(base + "/report", timeout=2).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        run(base, 20, args.clients, False)  # warm-up (imports, first connections)
        results = [run(base, args.n, args.clients, False), run(base, max(10, args.n // 5), args.clients, True)]
    finally:
        server.terminate()
        server.wait()
    print(f"machine: {os.cpu_count()} CPUs; gunicorn {args.workers} sync workers; {args.clients} concurrent clients; SQLite WAL synchronous=FULL")
    for r in results:
        kind = f"with one {r['photo_bytes'] // 1024} kB photo" if r["photo"] else "without photos"
        print(f"{kind:>28}: {r['per_second']:7.1f} submissions/s  ({r['n']} in {r['seconds']} s; median {r['median_ms']} ms, p95 {r['p95_ms']} ms)")


if __name__ == "__main__":
    main()
