"""Every public page, both languages, at 320, 390, 768 and 1280 px, with real published data
imported: no sideways scrolling, no table column squeezed to a character per line, no chart
wider than its box, no table or chart that needs its own sideways scrolling from 768 px on, and
the task list short enough to read on a phone (issue 13; the checks: tests/browser/layout.py).

Fast by design: one browser page per language, each page loaded once and resized through the four
widths, every check in one `page.evaluate`. Screenshots of the main pages at 390 and 1280 px are
written to test-artifacts/screenshots/ (git-ignored; CI keeps it as an artifact; README § Test it).
"""

from __future__ import annotations

import pytest

from tests.browser.layout import MAIN_PAGES, TASKS_MAX_HEIGHT_390, WIDTHS, check, screenshot_dir
from tests.web.routes import public_urls

pytestmark = [pytest.mark.browser, pytest.mark.shared]


def _shot_name(prefix: str, url: str, width: int) -> str:
    slug = url.strip("/").replace("/", "_") or "home"
    return f"{'en' if prefix else 'zh'}-{slug}-{width}.jpg"


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh", "en"])
def test_every_page_reads_well_from_320_to_1280(browser, data_server, imported_app, prefix):
    shots = screenshot_dir()
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=data_server)
    page = context.new_page()
    problems: list[str] = []
    heights: dict[str, int] = {}
    for url in public_urls(imported_app):
        path = prefix + url
        resp = page.goto(path, wait_until="load")
        assert resp is not None and resp.status == 200, f"{path}: HTTP {resp.status if resp else '—'}"
        for width in WIDTHS:
            found, height = check(page, width)
            problems += [f"{path} @{width}px: {p}" for p in found]
            if url in MAIN_PAGES and width in (390, 1280):
                # JPEG: a tall full-page PNG takes seconds to encode; these are for people to look at.
                page.screenshot(path=str(shots / _shot_name(prefix, url, width)), full_page=True, type="jpeg", quality=80)
            if width == 390:
                heights[url] = height
    context.close()
    tasks = heights["/plan/tasks"]
    if tasks > TASKS_MAX_HEIGHT_390:
        problems.append(f"{prefix}/plan/tasks is {tasks:,} px tall at 390 px (at most {TASKS_MAX_HEIGHT_390:,})")
    assert not problems, "\n".join(problems)


def test_the_checks_catch_what_they_are_for(browser, data_server):
    """The layout checks fail on the faults of issue 13 (hand-made pages, not the site's)."""
    context = browser.new_context(base_url=data_server)
    page = context.new_page()
    page.set_content("""<main>
      <div style="width:2000px">wide</div>
      <table><tr><td style="width:20px">一二三四五六七八</td><td>x</td></tr></table>
      <figure style="width:200px"><svg role="img" width="600" height="50" viewBox="0 0 600 50"></svg></figure>
      <div style="overflow-x:auto;width:300px"><table style="width:900px"><tr><td>a</td></tr></table></div>
    </main>""")
    found, _height = check(page, 1280)
    text = "\n".join(found)
    assert "document scrolls sideways" in text
    assert "table cell stacked on" in text
    assert "chart wider than its box" in text
    assert any(p.startswith("div") and "scrolls sideways by" in p for p in found)  # the table's own box
    found, _height = check(page, 390)  # below 768 px a table may scroll inside its own box
    assert not any(p.startswith("div") and "scrolls sideways by" in p for p in found)
    context.close()
