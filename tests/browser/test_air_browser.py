"""Real browser: today's air, the history charts and the methodology, on the imported shared data."""

from __future__ import annotations

import re

import pytest


pytestmark = [pytest.mark.browser, pytest.mark.shared]


@pytest.fixture(scope="module")
def air_server(data_server):
    """The shared data server (tests/browser/conftest.py): ../shared/data imported."""
    return data_server


@pytest.fixture()
def air_page(browser, air_server):
    context = browser.new_context(base_url=air_server)
    outside: list[str] = []
    pg = context.new_page()
    pg.on("request", lambda r: outside.append(r.url) if not r.url.startswith((air_server, "data:")) else None)
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.outside_requests = outside  # type: ignore[attr-defined]
    pg.console_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()


def test_air_today_history_and_methodology(air_page):
    page = air_page
    page.goto("/air")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert "2022-01-04 23:00" in page.get_by_role("status").first.inner_text()
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/en/air$"))
    assert "days ago" in page.get_by_role("status").first.inner_text()
    # Level badges carry text, not colour alone; the official colour comes from /air/levels.css.
    badge = page.locator("table.air-table .aqi-level").first
    assert badge.inner_text().strip()[0].isdigit()
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 255, 0)"  # level 2

    page.goto("/en/air/history?year=2015")
    chart = page.get_by_role("img", name=re.compile("Annual mean PM2.5"))
    assert chart.is_visible()
    # Chart labels are real text (selectable, translatable), and a data table sits beside it.
    assert "57.3" in chart.text_content()
    assert page.get_by_role("table").filter(has_text="Valid PM2.5 days").count() >= 1
    # An incomplete year says so in its row, with its first and last day (issue 13).
    assert page.locator("table.annual-table .incomplete-note", has_text="incomplete").first.is_visible()
    assert page.locator("table.air-calendar td.aqi-l1").count() > 0

    page.goto("/en/about/methodology")
    assert page.get_by_role("heading", name=re.compile("Methodology")).first.is_visible()
    assert page.get_by_text("recomputation under HJ 633-2026 is not available").first.is_visible()
    assert page.outside_requests == []
    # e.g. inline styles blocked by the Content-Security-Policy would show up here.
    assert page.console_errors == []


def test_air_page_fits_a_phone(browser, air_server):
    context = browser.new_context(base_url=air_server, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto("/air")
    # The page itself does not scroll sideways, and each station's AQI is in view (issue 13: the
    # station table becomes cards on a phone, the AQI with its level first).
    assert page.evaluate("document.documentElement.scrollWidth") <= 321
    cell = page.locator("table.station-table td.aqi-cell").first
    box = cell.bounding_box()
    assert cell.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert cell.locator(".aqi-level").is_visible()
    context.close()
