"""Every public page renders in both locales, with the right language, and requests nothing from outside."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from .routes import public_urls


class ResourceCollector(HTMLParser):
    """Collects URLs the browser would *fetch* (not navigation links)."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.lang: str | None = None
        self.has_main = False
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "main":
            self.has_main = True
        if tag == "title":
            self._in_title = True
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.fetched.append(a["src"])
        if tag == "link" and a.get("rel") in ("stylesheet", "icon", "preload", "modulepreload", "manifest"):
            self.fetched.append(a.get("href", ""))
        if tag == "object" and a.get("data"):
            self.fetched.append(a["data"])
        if a.get("style") and "url(" in a["style"]:
            self.fetched.extend(re.findall(r"url\(([^)]+)\)", a["style"]))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def outside_hosts(urls: list[str]) -> list[str]:
    return [u for u in urls if urlsplit(u).netloc or u.startswith("//")]


def test_route_discovery_finds_the_plan_pages(app):
    urls = public_urls(app)
    for expected in ("/", "/plan", "/plan/tasks", "/plan/tasks/27", "/departments", "/targets", "/about", "/data"):
        assert expected in urls


@pytest.mark.parametrize("prefix,lang", [("", "zh-Hans"), ("/en", "en")])
def test_every_page_renders_with_lang_title_main_and_no_outside_requests(app, client, prefix, lang):
    failures = []
    for url in public_urls(app):
        resp = client.get(prefix + url)
        if resp.status_code != 200:
            failures.append(f"{prefix}{url}: HTTP {resp.status_code}")
            continue
        if not resp.content_type.startswith("text/html"):
            continue
        parser = ResourceCollector()
        parser.feed(resp.get_data(as_text=True))
        if parser.lang != lang:
            failures.append(f"{prefix}{url}: lang={parser.lang!r}")
        if not parser.title.strip() or not parser.has_main:
            failures.append(f"{prefix}{url}: missing <title> or <main>")
        if hosts := outside_hosts(parser.fetched):
            failures.append(f"{prefix}{url}: fetches from outside: {hosts}")
    assert not failures, "\n".join(failures)


def test_english_pages_are_in_english_and_chinese_pages_in_chinese(client):
    zh = client.get("/plan/tasks/27").get_data(as_text=True)
    en = client.get("/en/plan/tasks/27").get_data(as_text=True)
    assert "加强烟花爆竹禁放管理" in zh and "吴江区" in zh
    assert "firework" in en.lower()
    assert "Skip to main content" in en and "跳到主要内容" in zh


def test_language_switch_keeps_page_and_filters(client):
    html = client.get("/plan/tasks?department=ecology-environment&role=lead").get_data(as_text=True)
    assert 'href="/en/plan/tasks?department=ecology-environment&amp;role=lead"' in html
    html_en = client.get("/en/plan/tasks?department=ecology-environment&role=lead").get_data(as_text=True)
    assert 'href="/plan/tasks?department=ecology-environment&amp;role=lead"' in html_en
    # links inside English pages stay English
    assert 'href="/en/plan/tasks/5"' in html_en


def test_numbers_and_dates_are_formatted_for_the_locale(client):
    zh = client.get("/plan/tasks/21").get_data(as_text=True)
    en = client.get("/en/plan/tasks/21").get_data(as_text=True)
    assert "2024年12月31日" in zh
    assert "Dec 31, 2024" in en


def test_unknown_pages_are_404_in_both_formats(client):
    assert client.get("/plan/tasks/57").status_code == 404
    assert client.get("/en/plan/tasks/0").status_code == 404
    resp = client.get("/targets/no-such-target.json")
    assert resp.status_code == 404 and resp.is_json and resp.json["status"] == 404
    assert client.get("/departments/nobody").status_code == 404


def test_large_text_mode_persists_in_a_cookie(client):
    resp = client.get("/prefs/text-size?size=large&next=/plan/tasks")
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/plan/tasks")
    assert 'class="text-large"' in client.get("/plan").get_data(as_text=True)
    client.get("/prefs/text-size?size=normal&next=/")
    assert 'class="text-large"' not in client.get("/plan").get_data(as_text=True)


def test_preference_redirect_is_not_an_open_redirect(client):
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        resp = client.get("/prefs/text-size", query_string={"size": "large", "next": bad})
        assert resp.headers["Location"] in ("/", "http://localhost/")


def test_registration_numbers_hidden_unless_configured(client, tmp_path):
    html = client.get("/").get_data(as_text=True)
    assert "备案" not in html and "Website ID" not in html
    from tests.conftest import make_app

    configured = make_app(tmp_path, ICP_RECORD="苏ICP备00000000号-1", SITE_GOV_ID="3205000000")
    html = configured.test_client().get("/").get_data(as_text=True)
    assert "苏ICP备00000000号-1" in html and "3205000000" in html


def test_pages_work_without_javascript(client):
    """Core content is server-rendered: the task table is in the HTML, filters are a GET form."""
    html = client.get("/plan/tasks?year=2024").get_data(as_text=True)
    assert '<form class="filters" method="get"' in html
    assert "/plan/tasks/27" in html and "/plan/tasks/1\"" not in html
