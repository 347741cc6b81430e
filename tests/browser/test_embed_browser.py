"""Embeds render inside an <iframe> on ANOTHER origin; ordinary pages refuse to be framed there."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SLUG = "pm25-annual-mean"


@pytest.fixture()
def host_site(live_server) -> Iterator[tuple[str, dict[str, str]]]:
    """A second server on 127.0.0.1 (another port = another origin) serving tiny host pages."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "not found").encode()
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", pages
    finally:
        server.shutdown()


def _host_page(src: str) -> str:
    return (f'<!doctype html><html lang="en"><title>Newspaper</title><body><h1>A newspaper article</h1>'
            f'<iframe id="w" src="{src}" title="widget" width="500" height="300"></iframe></body></html>')


def test_embeds_render_in_an_iframe_on_another_origin(browser, live_server, host_site):
    host, pages = host_site
    assert host.split(":")[-1] != live_server.split(":")[-1]
    pages["/target.html"] = _host_page(f"{live_server}/en/embed/targets/{SLUG}")
    pages["/air.html"] = _host_page(f"{live_server}/embed/air")
    context = browser.new_context(java_script_enabled=True)
    page = context.new_page()
    try:
        page.goto(f"{host}/target.html")
        frame = page.frame_locator("#w")
        frame.locator("h1").wait_for(timeout=10_000)
        assert "Annual mean PM2.5 concentration" in frame.locator("h1").inner_text()
        assert "Deadline passed, no published value" in frame.locator("main").inner_text()
        assert frame.locator("a[target=_blank]").first.get_attribute("href").startswith(live_server)

        page.goto(f"{host}/air.html")
        page.frame_locator("#w").locator("h1").wait_for(timeout=10_000)
        assert "空气" in page.frame_locator("#w").locator("h1").inner_text()
    finally:
        context.close()


def test_ordinary_pages_are_not_framed_by_another_origin(browser, live_server, host_site):
    host, pages = host_site
    pages["/page.html"] = _host_page(f"{live_server}/en/targets/{SLUG}")
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{host}/page.html")
        page.wait_for_timeout(1000)
        frame = next(f for f in page.frames if f != page.main_frame)
        # Chromium replaces a refused frame with an error document: the site's page is not shown.
        try:
            text = frame.locator("body").inner_text(timeout=2000)
        except Exception:  # noqa: BLE001 — an inaccessible error frame also means "not framed"
            text = ""
        assert "Annual mean PM2.5 concentration" not in text
    finally:
        context.close()


def test_embed_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/embed/targets/{SLUG}")
        assert "PM2.5" in page.locator("h1").inner_text()
    finally:
        context.close()


def test_copy_buttons_are_added_once_and_copy(page):
    page.goto(f"/en/targets/{SLUG}")
    # one button per box, although the script is included by both the embed box and "Cite this"
    assert page.locator("button.copy-button").count() == page.locator("textarea[data-copy-label]").count() == 3
    page.locator("#embed-code-text + button.copy-button").click()
    # the status is written when the clipboard promise settles: wait for it (inner_text does not)
    page.wait_for_function("() => document.querySelector('#embed-code-text ~ .copy-status')"
                           ".textContent.includes('Copied')", timeout=5000)
    assert page.outside_requests == []
