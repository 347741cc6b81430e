"""Throughput of real pages against a trivial endpoint in the same gunicorn server, in one run.

    .venv/bin/python benchmarks/throughput.py [--seconds 10] [--connections 16] [--workers 4]

Starts gunicorn on 127.0.0.1 (a free port) with a throw-away SQLite database, loads each URL
with `wrk` (Debian package `wrk`) from a second process, and prints requests/s and p50/p99
latency per URL, plus each page's ratio to the trivial endpoint. Goal (issue 6): every page
≥ 0.6× the trivial endpoint. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import gunicorn  # noqa: E402

URLS = ["/healthz/live", "/", "/air", "/plan/tasks", "/plan/tasks.json"]


def parse_wrk(out: str) -> dict[str, float]:
    def ms(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "errors": int(non2xx.group(1)) if non2xx else 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--url", action="append", help="extra URL paths to measure")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk not found: apt-get install -y wrk", file=sys.stderr)
        return 2

    with gunicorn(workers=args.workers) as (base, _):
        results = {}
        for path in URLS + (args.url or []):
            urllib.request.urlopen(base + path, timeout=5)  # warm caches
            out = subprocess.run(
                ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency", base + path],
                capture_output=True, text=True, check=True,
            ).stdout
            results[path] = parse_wrk(out)
        trivial = results[URLS[0]]["rps"]
        print(f"gunicorn {args.workers} sync workers, wrk 2 threads × {args.connections} connections, "
              f"{args.seconds}s per URL, {time.strftime('%Y-%m-%d')}")
        print(f"{'URL':<22}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'× trivial':>11}{'errors':>8}")
        worst = 1.0
        for path, r in results.items():
            ratio = r["rps"] / trivial
            if path != URLS[0]:
                worst = min(worst, ratio)
            print(f"{path:<22}{r['rps']:>10.0f}{r['p50_ms']:>10.2f}{r['p99_ms']:>10.2f}{ratio:>11.2f}{r['errors']:>8}")
        print(f"goal: every page ≥ 0.6× trivial — {'met' if worst >= 0.6 else 'NOT met'} (worst {worst:.2f})")
    return 0 if worst >= 0.6 else 1


if __name__ == "__main__":
    sys.exit(main())
