"""Real browser (phone-sized and desktop chromium), both languages: an editor drafts, the plan
office publishes, the public sees it on the task, progress, district and map pages; nothing is
fetched from outside and no page scrolls sideways on a 390 px phone."""

from __future__ import annotations

import re
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_app
from tests.progress.helpers import PASSWORD, make_staff

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture(scope="module")
def progress_server(tmp_path_factory):
    """A fresh app of its own: publishing here must not change what other tests see."""
    tmp = tmp_path_factory.mktemp("progress-browser")
    app = make_app(tmp, PROGRESS_FILE_DIR=str(tmp / "files"), STAFF_LOGIN_LIMIT="1000 per minute")
    make_staff(app, "browser-editor", "editor", ("public-security",))
    make_staff(app, "browser-office", "publisher")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _context(browser, base, **options):
    context = browser.new_context(base_url=base, **options)
    outside: list[str] = []
    page = context.new_page()
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((base, "data:")) else None)
    return context, page, outside


def _sign_in(page, prefix, user):
    page.goto(f"{prefix}/staff/login")
    page.fill("#s-user", user)
    page.fill("#s-pass", PASSWORD)
    page.locator("form.report-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/progress/$"))


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


def test_editor_drafts_publisher_publishes_public_sees_in_both_languages(browser, progress_server):
    base = progress_server
    # 1. An editor of the public-security bureau drafts on a phone, in Chinese.
    context, page, outside = _context(browser, base, **PHONE)
    _sign_in(page, "", "browser-editor")
    page.click("#new-report")
    page.select_option("#f-task", "27")
    page.select_option("#f-district", "wuzhong")
    page.select_option("#f-status", "done")
    page.fill("#f-as_of", "2025-01-10")
    page.fill("#f-source_title", "浏览器测试用通告（手工测试数据）")
    page.fill("#f-source_url", "https://example.test/browser-notice")
    page.fill("#f-source_issuer", "测试发布单位")
    page.fill("#f-note", "hand-made browser test record")
    page.click("#save")
    page.wait_for_url(re.compile(r"/staff/progress/\d+$"))
    assert page.locator("#record-state").get_attribute("data-state") == "draft"
    assert page.locator("#publish").count() == 0  # an editor has no publish button
    draft_url = page.url
    assert _no_sideways_scroll(page)
    # The draft is not public.
    page.goto("/plan/tasks/27")
    assert "浏览器测试用通告" not in page.content()
    assert outside == []
    context.close()

    # 2. The plan office publishes, in English, on a desktop.
    context, page, outside = _context(browser, base, viewport={"width": 1280, "height": 900})
    _sign_in(page, "/en", "browser-office")
    page.locator("#open-drafts a").first.click()
    assert page.url.split("/staff/")[1] == draft_url.split("/staff/")[1]
    page.click("#publish")
    page.wait_for_load_state()
    assert page.locator("#record-state").get_attribute("data-state") == "published"
    assert "Published" in page.locator("#audit-log").inner_text() or "published" in page.locator("#audit-log").inner_text()
    assert outside == []
    context.close()

    # 3. The public sees it, both languages, phone-sized.
    context, page, outside = _context(browser, base, **PHONE)
    page.goto("/plan/tasks/27")
    section = page.locator("#progress")
    assert "浏览器测试用通告" in section.inner_text() and "逾期" in section.inner_text()
    assert page.locator('#progress li[data-district="wuzhong"]').inner_text().find("已完成") >= 0
    assert _no_sideways_scroll(page)
    page.goto("/en/plan/tasks/27")
    text = page.locator("#progress").inner_text()
    assert "Overdue" in text and "Wuzhong District" in text and "as of Jan 10, 2025" in text
    page.goto("/en/progress")
    assert "浏览器测试用通告" in page.locator("#latest").locator("xpath=following-sibling::div[1]").inner_text()
    assert _no_sideways_scroll(page)
    page.goto("/districts/wuzhong")
    assert page.locator('.task-card[data-task="27"]').get_attribute("data-standing") == "done"
    assert _no_sideways_scroll(page)
    page.goto("/en/maps/progress")
    page.wait_for_load_state("networkidle")
    row = page.locator("table").first.inner_text()
    assert "Wuzhong" in row and "Done" in row and "Overdue" in row
    assert outside == []
    context.close()
