"""Lighthouse scores (mobile profile) for the main pages, with Debian's chromium.

    .venv/bin/python benchmarks/lighthouse.py [PATH ...]

Installs lighthouse@12.2.3 into benchmarks/node_modules on first use (npm), serves the site with
gunicorn on 127.0.0.1 and runs Lighthouse's default mobile profile (simulated throttling) on
each page. Goals (issue 6): performance ≥ 95, accessibility 100, best practices 100, SEO 100.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _server import gunicorn  # noqa: E402

PAGES = ["/", "/air", "/plan/tasks", "/maps/progress", "/report"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
GOALS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --no-first-run"


def lighthouse_bin() -> Path:
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.check_call(["npm", "install", "--no-audit", "--no-fund"], cwd=HERE)
    return binary


def run(binary: Path, url: str, attempts: int = 3) -> dict[str, int]:
    # Headless Chrome sometimes fails to record the trace (NO_NAVSTART); Lighthouse asks to rerun.
    for attempt in range(attempts):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            done = subprocess.run(
                [str(binary), url, "--quiet", "--output=json", f"--output-path={out.name}",
                 f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
                env=dict(os.environ, CHROME_PATH="/usr/bin/chromium"),
            )
            if done.returncode == 0:
                report = json.loads(Path(out.name).read_text())
                break
    else:
        raise RuntimeError(f"lighthouse failed {attempts} times on {url}")
    failed = [
        f"{a['id']}" for a in report["audits"].values()
        if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"
    ]
    scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
    scores["_failed"] = failed  # type: ignore[assignment]
    return scores


def main(paths: list[str]) -> int:
    binary = lighthouse_bin()
    ok = True
    with gunicorn(workers=2) as (base, _):
        print(f"{'page':<18}" + "".join(f"{c:>16}" for c in CATEGORIES))
        for path in paths or PAGES:
            scores = run(binary, base + path)
            row = f"{path:<18}"
            for c in CATEGORIES:
                met = scores[c] >= GOALS[c]
                ok &= met
                row += f"{scores[c]:>15}{'' if met else '!'}"
            print(row)
            if scores["_failed"]:
                print(f"{'':<18}failed audits: {', '.join(scores['_failed'])}")
    print("goals:", ", ".join(f"{k} ≥ {v}" for k, v in GOALS.items()), "—", "met" if ok else "NOT all met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
