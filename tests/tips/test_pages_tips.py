"""The shared page checks applied to the tip routes alone (lang, title, main, nothing from outside)."""

from __future__ import annotations

import pytest

from tests.web.routes import public_urls
from tests.web.test_pages import ResourceCollector, outside_hosts


def _tip_urls(app):
    from tests.web import routes

    # Only the report blueprint's rules, so other capabilities' work in progress cannot hide ours.
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("report.") or "GET" not in (rule.methods or ()):
                continue
            defaults = rule.defaults or {}
            values = {a: routes.sample_values(app, rule.endpoint, a) for a in rule.arguments if a not in defaults}
            urls.append(url_for(rule.endpoint, **values, **defaults))
    return sorted(set(urls))


@pytest.mark.parametrize("prefix,lang", [("", "zh-Hans"), ("/en", "en")])
def test_tip_pages_render_in_both_locales(app, client, prefix, lang):
    urls = _tip_urls(app)
    assert {"/report", "/report/stats", "/report/stats.json", "/report/stats.csv", "/report/track"} <= set(urls)
    failures = []
    for url in urls:
        resp = client.get(prefix + url)
        if resp.status_code != 200:
            failures.append(f"{prefix}{url}: HTTP {resp.status_code}")
            continue
        if not resp.content_type.startswith("text/html"):
            continue
        parser = ResourceCollector()
        parser.feed(resp.get_data(as_text=True))
        if parser.lang != lang or not parser.title.strip() or not parser.has_main:
            failures.append(f"{prefix}{url}: lang={parser.lang!r} title={parser.title!r} main={parser.has_main}")
        if hosts := outside_hosts(parser.fetched):
            failures.append(f"{prefix}{url}: fetches from outside: {hosts}")
    assert not failures, "\n".join(failures)


def test_staff_routes_are_not_in_the_public_route_list(app):
    try:
        urls = public_urls(app)
    except KeyError:
        pytest.skip("another capability's route has no sample value yet")
    assert not [u for u in urls if u.startswith("/staff")]
