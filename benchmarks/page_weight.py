"""Bytes a browser downloads for a page (HTML and every asset, as transferred, compressed).

    .venv/bin/python benchmarks/page_weight.py [PATH ...]      (default: / and /en/)

Serves the site with gunicorn on 127.0.0.1, opens each page in Debian's chromium via Playwright
and sums the encoded (on-the-wire) body sizes that Chrome's network log reports for every
response, with an empty cache. Goal (issue 6): home page ≤ 150 KB.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _server import gunicorn  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
GOAL_BYTES = 150 * 1024


def weigh(page, url: str) -> tuple[int, list[tuple[str, int]]]:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    page.goto(url, wait_until="networkidle")
    items = sorted(((urls.get(rid, rid), n) for rid, n in sizes.items()), key=lambda x: -x[1])
    return sum(n for _, n in items), items


def main(paths: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    paths = paths or ["/", "/en/"]
    worst = 0
    with gunicorn() as (base, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for path in paths:
            page = browser.new_context().new_page()
            total, items = weigh(page, base + path)
            worst = max(worst, total)
            print(f"{path}: {total / 1024:.1f} KB in {len(items)} responses (compressed, as transferred)")
            for url, n in items:
                print(f"    {n / 1024:8.1f} KB  {url.replace(base, '')}")
            page.context.close()
        browser.close()
    print(f"goal ≤ {GOAL_BYTES // 1024} KB: {'met' if worst <= GOAL_BYTES else 'NOT met'}")
    return 0 if worst <= GOAL_BYTES else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
