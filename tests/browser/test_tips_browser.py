"""Real phone-sized browser: a tip with the map and a photo, a tip with JavaScript off (no map),
receipt codes and status pages; on a deployment where rewards apply, a staff member routes,
verifies and approves a reward; the public status page and the statistics reflect it. The form
without tiles: district names on the map, the district filled from the point, name and phone
only with "real name", the duplicate warning's "send anyway" near the top, the receipt code on
one line with a copy button."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser_support import serve
from tests.tips.helpers import REWARDS_SETTINGS, jpeg_with_gps, make_staff

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture(scope="module")
def rewards_site(tmp_path_factory):
    """(app, base URL) of a deployment where tips are official reports and rewards apply."""
    from tests.conftest import make_app

    app = make_app(tmp_path_factory.mktemp("rewards-site"), **REWARDS_SETTINGS)
    with serve(app) as url:
        yield app, url


def _phone(browser, live_server, **extra):
    context = browser.new_context(base_url=live_server, **PHONE, **extra)
    outside: list[str] = []
    page = context.new_page()
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((live_server, "data:")) else None)
    return context, page, outside


def _receipt_code(page) -> str:
    page.wait_for_url(re.compile(r"/report/[2-9A-Z-]{14}/receipt$"))
    code = page.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}", code)
    return code


def test_tip_with_map_and_photo_then_staff_workflow(browser, rewards_site, tmp_path):
    app, live_server = rewards_site
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(jpeg_with_gps(800, 600))
    context, page, outside = _phone(browser, live_server, geolocation={"latitude": 31.2990, "longitude": 120.5853},
                                    permissions=["geolocation"])
    page.goto("/en/report")
    page.select_option("#f-category", "open-burning")
    page.fill("#f-description", "Straw burning next to the canal, thick smoke (browser test)")
    assert page.locator("#report-map").is_visible()
    page.locator("#report-map").click()  # a point on the district outline map (no tiles configured)
    assert page.locator("#f-lat").input_value() != ""
    page.click("#use-location")
    page.wait_for_function("document.getElementById('f-lat').value === '31.299000'")
    assert page.locator("#f-lon").input_value() == "120.585300"
    page.set_input_files("#f-photos", str(photo))
    page.check("#f-identity-real_name")
    page.fill("#f-name", "Browser Tester")
    page.fill("#f-phone", "13800001111")
    page.check("#f-not_staff")
    page.check("#f-consent")
    page.click("#send")
    code = _receipt_code(page)
    page.click("#status-link")
    assert page.locator("#tip-status").get_attribute("data-state") == "submitted"
    assert "13800001111" not in page.content() and "Browser Tester" not in page.content()
    assert outside == []
    context.close()

    # Staff desk on the same phone-sized browser.
    make_staff(app, "browser-admin", "admin", "a long browser password")
    context, page, outside = _phone(browser, live_server)
    page.goto("/en/staff/")
    page.wait_for_url(re.compile(r"/staff/login"))
    page.fill("#s-user", "browser-admin")
    page.fill("#s-pass", "a long browser password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/$"))
    page.get_by_role("link", name=code).click()
    assert page.locator(".staff-photos img").count() == 1
    # the photo is lazy-loaded: wait for it rather than assume it is decoded (flaky under load)
    page.wait_for_function("() => { const i = document.querySelector('.staff-photos img');"
                           " return i && i.complete && i.naturalWidth > 0; }", timeout=10_000)
    assert "138****1111" in page.locator("#contact").inner_text()
    page.select_option("#b-body", "agriculture-rural")
    page.click("#form-route button")
    for state in ("accepted", "investigating", "verified"):
        page.select_option("#a-to", state)
        page.click("#form-status button")
        page.wait_for_load_state()
    for state in ("reward_pending", "reward_approved"):
        page.select_option("#r-to", state)
        page.click("#form-reward button")
        page.wait_for_load_state()
    assert "Reward approved" in page.locator("#staff-reward").inner_text()
    context.close()

    context, page, outside = _phone(browser, live_server)
    page.goto(f"/en/report/{code}")
    assert page.locator("#tip-status").get_attribute("data-state") == "verified"
    assert page.locator("#tip-reward").get_attribute("data-state") == "reward_approved"
    page.goto("/en/report/stats")
    assert int(page.locator("#stat-total").inner_text()) >= 1
    assert page.locator("#stat-verified").inner_text() != "—"
    assert "Agriculture" in page.content() or "农业" in page.content()
    assert outside == []
    context.close()


def _send(page, category: str, description: str, address: str, district: str | None = None) -> None:
    """Fill what every tip needs (the place by district and address) and send it."""
    page.select_option("#f-category", category)
    page.fill("#f-description", description)
    if district:
        page.select_option("#f-district", district)
    page.fill("#f-address", address)
    page.check("#f-consent")
    page.click("#send")


def test_tip_without_javascript_uses_district_and_address(browser, live_server):
    context, page, outside = _phone(browser, live_server, java_script_enabled=False)
    page.goto("/report")
    assert not page.locator("#report-map-block").is_visible()
    _send(page, "restaurant-fumes", "餐馆油烟直排，没有净化设施（浏览器测试）", "东吴北路 88 号 楼下餐馆", "wuzhong")
    code = _receipt_code(page)
    page.goto(f"/report/{code}")
    assert "吴中区" in page.locator("main").inner_text()
    assert page.locator("#tip-status").get_attribute("data-state") == "submitted"
    assert outside == []
    context.close()


def test_form_without_tiles_fills_the_district_and_hides_what_anonymity_does_not_need(browser, live_server):
    context, page, outside = _phone(browser, live_server, geolocation={"latitude": 31.2990, "longitude": 120.5853},
                                    permissions=["geolocation"])
    page.goto("/report")
    # No tiles configured (the default): the district borders carry their names.
    page.wait_for_selector(".district-label")
    assert page.locator(".district-label").count() == 9
    assert page.locator(".district-label span", has_text="吴江区").is_visible()
    # District and address come first; the map is the optional second way.
    assert page.locator("#f-district").bounding_box()["y"] < page.locator("#report-map").bounding_box()["y"]
    page.click("#use-location")
    expect(page.locator("#f-district")).to_have_value("gusu")  # no eval: the site's CSP forbids it
    assert "姑苏区" in page.locator("#report-map-status").inner_text()
    # A human time hint, never the field's raw pattern.
    hint = page.locator("#occurred-hint").inner_text()
    assert "T时" not in hint and "YYYY" not in hint and re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", hint)
    # Anonymous (the default): no name or phone field; real name: they appear, the PIN goes.
    assert not page.locator("#f-name").is_visible() and not page.locator("#f-phone").is_visible()
    assert page.locator("#f-claim_pin").is_visible()
    page.check("#f-identity-real_name")
    assert page.locator("#f-name").is_visible() and page.locator("#f-phone").is_visible()
    assert not page.locator("#f-claim_pin").is_visible()
    page.check("#f-identity-anonymous")
    _send(page, "dust", "工地裸土未覆盖，扬尘明显（浏览器测试，手工数据）", "干将西路 1 号（浏览器测试）")
    first = _receipt_code(page)
    # The receipt code stays on one line, with a copy button beside it.
    box = page.locator("#tracking-code").bounding_box()
    line = page.locator("#tracking-code").evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    assert box["height"] < 2 * line + 40 and box["x"] + box["width"] <= 390
    assert page.locator(".code-row .copy-button").is_visible()
    # The same report again: the duplicate warning offers "send anyway" near the top of the page.
    page.goto("/report")
    _send(page, "dust", "同一工地，仍在起尘（浏览器测试，手工数据）", "干将西路 1 号（浏览器测试）", "gusu")
    page.wait_for_selector("#duplicates")
    top = page.locator("#send-anyway-top")
    assert top.is_visible() and top.bounding_box()["y"] < 1200
    top.click()
    assert _receipt_code(page) != first
    assert outside == []
    context.close()
