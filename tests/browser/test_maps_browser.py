"""The three maps render in Debian chromium, in both languages, with zero outside requests (MAP_TILES=none)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

MAPS = ("progress", "fireworks", "stations")


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("name", MAPS)
def test_map_renders_offline_with_no_outside_request(page, prefix, name):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{prefix}/maps/{name}")
    frame = page.frame_locator("iframe.map-frame")
    # Leaflet drew the district outlines (SVG paths) inside the map document.
    frame.locator(".leaflet-container").wait_for()
    frame.locator(".leaflet-overlay-pane path").first.wait_for()
    assert frame.locator(".leaflet-overlay-pane path").count() >= 9
    assert frame.locator(".leaflet-tile").count() == 0  # no basemap tiles by default
    lang = frame.locator("html").get_attribute("lang")
    assert lang == ("en" if prefix else "zh-Hans")
    assert page.locator("table").count() >= 1 and page.locator("#legend").count() == 1
    page.wait_for_load_state("networkidle")
    assert page.outside_requests == [], page.outside_requests
    assert errors == []


@pytest.mark.parametrize("name", ("progress", "fireworks"))
def test_district_popup_opens_from_the_keyboard(page, name):
    page.goto(f"/en/maps/{name}")
    frame = page.frame_locator("iframe.map-frame")
    # Labels are zero-size anchors whose text is drawn around them, so they count as "hidden".
    label = frame.locator(".leaflet-marker-icon").first
    label.wait_for(state="attached")
    label.focus()
    page.keyboard.press("Enter")
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.inner_text().strip()


def test_maps_fit_a_320px_phone(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 320, "height": 640})
    try:
        pg = context.new_page()
        for name in MAPS:
            pg.goto(f"/maps/{name}")
            box = pg.locator("iframe.map-frame").bounding_box()
            assert box and box["width"] <= 320 and box["height"] >= 300
            pg.frame_locator("iframe.map-frame").locator(".leaflet-overlay-pane path").first.wait_for()
    finally:
        context.close()
