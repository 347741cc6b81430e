"""Pages with a heavy-pollution alert in force, in a real browser: the banner is there and
readable at 320 px with large text, and no serious or critical axe-core violation (the
every-page test runs without an alert). The alert is hand-made test data."""

from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_app

pytestmark = pytest.mark.browser
PAGES = ("/", "/air", "/alerts", "/maps/fireworks", "/air/corrections", "/plan/tasks/39")


@pytest.fixture(scope="module")
def alert_server(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("alert-browser"))  # today pinned: 2026-11-30, 00:00 Suzhou
    result = app.test_cli_runner().invoke(args=[
        "alert", "issue", "--level", "red", "--start", "2026-11-29T20:00", "--issuer", "测试发布单位（手工测试数据）",
        "--title", "测试：启动重污染天气红色预警的通知（手工测试数据，非真实预警）", "--url", "https://example.org/test"])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone-large-text"])
@pytest.mark.parametrize("prefix", ["", "/en"], ids=["zh", "en"])
def test_alert_banner_pages_are_accessible(browser, alert_server, prefix, phone):
    from axe_playwright_python.sync_playwright import Axe

    viewport = {"width": 320, "height": 640} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=alert_server, viewport=viewport)
    if phone:
        context.add_cookies([{"name": "text_size", "value": "large", "url": alert_server}])
    page = context.new_page()
    problems = []
    for url in PAGES:
        page.goto(prefix + url, wait_until="load")
        banner = page.locator("section.alert-banner")
        if not banner.is_visible() or ("红色预警" if not prefix else "Red alert") not in banner.inner_text():
            problems.append(f"{prefix}{url}: no visible banner naming the level")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            problems.append(f"{prefix}{url}: scrolls sideways by {overflow}px")
        for v in Axe().run(page).response["violations"]:
            if v.get("impact") in {"serious", "critical"}:
                problems.append(f"{prefix}{url}: axe {v['impact']} {v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:3]]}")
    context.close()
    assert not problems, "\n".join(problems)
