"""The page cache serves identical pages again, and never across locale, text size, session or data version."""

from __future__ import annotations

import pytest

from cleanair.pagecache import cache_of
from tests.conftest import make_app


@pytest.fixture()
def fresh_app(tmp_path):
    return make_app(tmp_path, PAGE_CACHE=True)


def test_second_request_is_served_from_the_cache_with_the_same_body(fresh_app):
    client = fresh_app.test_client()
    first = client.get("/plan/tasks?year=2024")
    cache = cache_of(fresh_app)
    assert any(k.path == "/plan/tasks?year=2024" for k in cache.entries)
    second = client.get("/plan/tasks?year=2024")
    assert second.get_data() == first.get_data() and second.headers["ETag"] == first.headers["ETag"]


def test_locale_text_size_and_encoding_are_separate_entries(fresh_app):
    client = fresh_app.test_client()
    zh = client.get("/plan").get_data(as_text=True)
    en = client.get("/en/plan").get_data(as_text=True)
    assert 'lang="zh-Hans"' in zh and 'lang="en"' in en
    client.get("/prefs/text-size?size=large&next=/plan")
    assert 'class="text-large"' in client.get("/plan").get_data(as_text=True)
    br = client.get("/plan", headers={"Accept-Encoding": "br"})
    assert br.headers["Content-Encoding"] == "br"
    assert "Content-Encoding" not in client.get("/plan").headers


def test_a_new_data_version_renders_afresh(fresh_app):
    client = fresh_app.test_client()
    cache = cache_of(fresh_app)
    client.get("/targets")
    before = len(cache.entries)
    cache.providers.append(lambda: "changed")  # as an import or a release would
    cache._version = (0.0, "")
    client.get("/targets")
    assert len(cache.entries) == before + 1


def test_visitors_with_a_session_and_private_pages_are_never_cached(fresh_app):
    client = fresh_app.test_client()
    client.get("/report")
    client.get("/staff/login")
    # a visitor who has a session (the tip form's CSRF token, a staff login) always gets fresh pages
    client.set_cookie("session", "anything")
    assert not any(k.path.startswith(("/report", "/staff")) for k in cache_of(fresh_app).entries)
    client.get("/plan")
    assert not any(k.path == "/plan?" for k in cache_of(fresh_app).entries)


def test_a_page_showing_tip_counts_follows_the_tip_register(fresh_app):
    """The progress map counts tips per district: a new tip must not wait for another data version."""
    from tests.tips.helpers import make_tip

    client = fresh_app.test_client()
    make_tip(fresh_app, district="gusu")
    first = client.get("/en/maps/progress").get_data(as_text=True)
    assert client.get("/en/maps/progress").get_data(as_text=True) == first  # served from the cache
    make_tip(fresh_app, district="gusu", address="another hand-made address")
    row = client.get("/en/maps/progress").get_data(as_text=True)
    assert row != first
    gusu = next(d for d in client.get("/maps/progress.json").get_json()["districts"] if d["slug"] == "gusu")
    assert gusu["tips_public"] == 2
