from __future__ import annotations

import pytest

from tests.browser_support import ARGS, chromium_or_skip, serve


@pytest.fixture(scope="session")
def browser():
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def data_server(imported_app):
    """A server whose database holds ../shared/data (the session app's database stays empty)."""
    with serve(imported_app) as url:
        yield url


@pytest.fixture()
def page(browser, live_server):
    context = browser.new_context(base_url=live_server)
    outside: list[str] = []

    def check(request):
        if not request.url.startswith(live_server) and not request.url.startswith("data:"):
            outside.append(request.url)

    pg = context.new_page()
    pg.on("request", check)
    pg.outside_requests = outside  # type: ignore[attr-defined]
    yield pg
    context.close()
