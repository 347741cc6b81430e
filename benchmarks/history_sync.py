"""How much the change-history check adds to start-up (issue 7 goal: ≤ ~100 ms).

    .venv/bin/python benchmarks/history_sync.py

Uses a throw-away SQLite database in a temporary folder and the repository's content/ and
data/. Prints the time of: the first run (baseline + first data release, which renders every
download once), a run with unchanged files (the normal start-up), and a run after one target's
deadline changed (in a temporary copy of content/).
"""

from __future__ import annotations

import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleanair.history import store

from tests.conftest import make_app


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="history-bench-"))
    shutil.copytree(ROOT / "content", tmp / "content")
    shutil.copytree(ROOT / "data", tmp / "data")
    config = {"CONTENT_DIR": str(tmp / "content"), "DATA_DIR": str(tmp / "data")}

    def run_once() -> float:
        app = make_app(tmp, **config)
        with app.test_request_context():
            return timed(lambda: store.ensure_synced(app))

    first = run_once()
    unchanged = [run_once() for _ in range(5)]
    targets = tmp / "content" / "plan" / "targets.yaml"
    targets.write_text(re.sub(r"deadline: 2025-12-31", "deadline: 2026-12-31", targets.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    changed = run_once()
    print(f"first run (baseline + release 1): {first:8.1f} ms")
    print(f"unchanged files (normal start-up): {statistics.median(unchanged):8.1f} ms  (median of 5)")
    print(f"one deadline changed (+ release):  {changed:8.1f} ms")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
