"""Every public page in a real browser, both languages: no HTTP or console errors, nothing fetched
from another host, title/lang/main present, no serious or critical axe-core violation — at
desktop width, and at 320 px with the large-text mode on."""

from __future__ import annotations

import pytest

from tests.web.routes import public_urls

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}


def _check_pages(browser, live_server, app, prefix: str, *, phone: bool) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    viewport = {"width": 320, "height": 640} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=live_server, viewport=viewport)
    if phone:
        context.add_cookies([{"name": "text_size", "value": "large", "url": live_server}])
    page = context.new_page()
    problems: list[str] = []
    current: dict[str, str] = {"url": ""}

    def on_console(msg):
        if msg.type == "error":
            problems.append(f"{current['url']}: console error: {msg.text}")

    def on_request(request):
        if not request.url.startswith((live_server, "data:", "blob:", "about:")):
            problems.append(f"{current['url']}: request to another host: {request.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(f"{current['url']}: page error: {exc}"))
    page.on("request", on_request)
    for url in public_urls(app):
        current["url"] = path = prefix + url
        resp = page.goto(path, wait_until="load")
        if resp is None or resp.status != 200:
            problems.append(f"{path}: HTTP {resp.status if resp else 'no response'}")
            continue
        if not (resp.headers.get("content-type") or "").startswith("text/html"):
            continue
        if not page.title().strip():
            problems.append(f"{path}: empty <title>")
        if not page.locator("html").get_attribute("lang"):
            problems.append(f"{path}: no lang on <html>")
        if page.locator("main, [role=main]").count() != 1:
            problems.append(f"{path}: not exactly one main landmark")
        if phone:
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            if overflow > 0:
                problems.append(f"{path}: scrolls sideways by {overflow}px at 320px with large text")
        results = axe.run(page)
        for v in results.response["violations"]:
            if v.get("impact") in SERIOUS:
                targets = [n["target"] for n in v["nodes"][:3]]
                problems.append(f"{path}: axe {v['impact']} {v['id']}: {v['help']} {targets}")
    context.close()
    return problems


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh", "en"])
def test_every_page_desktop(browser, live_server, app, prefix):
    problems = _check_pages(browser, live_server, app, prefix, phone=False)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh", "en"])
def test_every_page_phone_large_text(browser, live_server, app, prefix):
    problems = _check_pages(browser, live_server, app, prefix, phone=True)
    assert not problems, "\n".join(problems)
