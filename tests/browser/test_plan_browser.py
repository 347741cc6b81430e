"""Real browser (Debian chromium + Playwright): home page, language switch, task filter."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser


def test_home_switch_language_and_filter_tasks(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text().startswith("苏州市空气质量持续改善行动计划实施方案")

    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/en/$"))
    assert page.locator("html").get_attribute("lang") == "en"

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tasks").click()
    page.wait_for_url(re.compile(r"/en/plan/tasks$"))
    assert page.locator("table.tasks tbody tr").count() == 56

    page.select_option("#f-department", "ecology-environment")
    page.select_option("#f-role", "lead")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"department=ecology-environment"))
    rows = page.locator("table.tasks tbody tr").count()
    assert 0 < rows < 56
    assert page.get_by_role("status").inner_text() == f"{rows} tasks match."

    # switching back to Chinese keeps the filters
    page.get_by_role("link", name="中文").click()
    page.wait_for_url(re.compile(r"^[^?]*/plan/tasks\?department=ecology-environment&role=lead$"))
    assert page.locator("table.tasks tbody tr").count() == rows
    assert page.outside_requests == []


def test_phone_width_has_no_horizontal_page_scroll(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 320, "height": 640})
    pg = context.new_page()
    for path in ("/", "/plan/tasks", "/en/plan/tasks/27", "/targets"):
        pg.goto(path)
        overflow = pg.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px"
    context.close()
