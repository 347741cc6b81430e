"""Cold start (import + create_app) and resident memory of a gunicorn worker.

    .venv/bin/python benchmarks/cold_start.py [--runs 5]

Cold start: a fresh interpreter imports `wsgi` (which calls create_app) — timed inside the
process, median of several runs, after one warm-up run so the static build folder exists.
Memory: VmRSS of one gunicorn worker after it has served every main page once.
Goals (issue 6): ≤ 1 s and ≤ 200 MB.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import ROOT, gunicorn  # noqa: E402

PAGES = ["/", "/air", "/plan", "/plan/tasks", "/plan/tasks.json", "/targets", "/maps/progress", "/report", "/en/"]
SNIPPET = "import time; t=time.perf_counter(); import wsgi; print(time.perf_counter()-t)"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    subprocess.run([sys.executable, "-c", SNIPPET], cwd=ROOT, check=True, capture_output=True)
    times = [float(subprocess.run([sys.executable, "-c", SNIPPET], cwd=ROOT, check=True, capture_output=True,
                                  text=True).stdout.strip().splitlines()[-1]) for _ in range(args.runs)]
    cold = statistics.median(times)
    print(f"cold start (import wsgi → create_app), median of {args.runs}: {cold:.2f} s "
          f"(min {min(times):.2f}, max {max(times):.2f}) — goal ≤ 1 s: {'met' if cold <= 1 else 'NOT met'}")
    with gunicorn(workers=1) as (base, proc):
        for path in PAGES:
            try:
                urllib.request.urlopen(base + path, timeout=30).read()
            except OSError as exc:
                print(f"  {path}: {exc}")
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        worker = int(children[0])
        mem = rss_mb(worker)
    print(f"gunicorn worker RSS after serving {len(PAGES)} pages: {mem:.0f} MB — goal ≤ 200 MB: "
          f"{'met' if mem <= 200 else 'NOT met'}")
    return 0 if cold <= 1 and mem <= 200 else 1


if __name__ == "__main__":
    sys.exit(main())
