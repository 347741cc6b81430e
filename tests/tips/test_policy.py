"""Who receives a tip and whether a reward can follow: one deployment setting, and every page that
takes or describes a tip says the same thing for it — tested for the default (an independent
site) and for an authority that pays rewards, in both languages (issue 13)."""

from __future__ import annotations

import re

import pytest
from cleanair.domain.tips.policy import PolicyError, from_config

from tests.conftest import make_app
from tests.tips.helpers import REWARDS_SETTINGS, make_tip

# Pages that take or describe a tip. The receipt and the status page are added per app.
PAGES = ("/report", "/report/rules", "/report/privacy")


def _statement(html: str) -> str:
    """The policy statement of a page, as text (templates/report/_policy.html)."""
    m = re.search(r'<div class="tip-policy notice" id="tip-policy"[^>]*>(.*?)</div>', html, re.S)
    assert m, "no tip-policy statement on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", m.group(1)).split())


def _pages(app) -> dict[str, str]:
    from cleanair.domain.tips.codes import grouped

    code = grouped(make_tip(app, description="Hand-made tip for the policy checks").code)
    c = app.test_client()
    out = {}
    for prefix in ("", "/en"):
        for path in (*PAGES, f"/report/{code}/receipt", f"/report/{code}", "/"):
            resp = c.get(prefix + path)
            assert resp.status_code == 200, prefix + path
            out[prefix + path] = resp.get_data(as_text=True)
    return out


def _same_statement_everywhere(pages: dict[str, str]) -> dict[str, str]:
    by_lang: dict[str, set[str]] = {"zh": set(), "en": set()}
    for path, html in pages.items():
        if path.rstrip("/") in ("", "/en"):
            continue  # the home page carries the one-line form (checked below)
        by_lang["en" if path.startswith("/en") else "zh"].add(_statement(html))
    for lang, statements in by_lang.items():
        assert len(statements) == 1, f"{lang}: pages disagree:\n" + "\n".join(statements)
    return {lang: next(iter(s)) for lang, s in by_lang.items()}


def test_defaults_are_honest_for_an_independent_site():
    p = from_config({})
    assert (p.official, p.rewards, p.operator_zh) == (False, False, "")
    assert "12369" in p.channel_zh and "12345" in p.channel_en


@pytest.mark.parametrize("settings, message", [
    ({"TIPS_REWARDS": "1"}, "TIPS_REWARDS=1 needs TIPS_OFFICIAL=1"),
    ({"TIPS_OFFICIAL": "1"}, "needs TIPS_OPERATOR_ZH and TIPS_OPERATOR_EN"),
    ({"TIPS_RESPONSE_DAYS": "0"}, "TIPS_RESPONSE_DAYS"),
])
def test_settings_that_would_promise_the_untrue_are_refused(settings, message):
    with pytest.raises(PolicyError, match=message):
        from_config(settings)


def test_the_site_refuses_to_start_with_rewards_but_no_official_channel(tmp_path):
    with pytest.raises(RuntimeError, match="TIPS_REWARDS=1 needs TIPS_OFFICIAL=1"):
        make_app(tmp_path, TIPS_REWARDS=True)


def test_independent_site_every_page_says_not_official_and_no_reward(app):
    pages = _pages(app)
    said = _same_statement_everywhere(pages)
    assert "不是正式举报" in said["zh"] and "12369" in said["zh"] and "12345" in said["zh"]
    assert "not an official report" in said["en"] and "no reward is paid" in said["en"]
    # No page promises a reward, in either language.
    for path, html in pages.items():
        assert "可能获得奖励" not in html and "可申请奖励" not in html and "reward possible" not in html, path
        assert "a reward is possible" not in html, path
    assert "不是官方举报，不发放奖励" in pages["/"] and "not an official report; no rewards" in pages["/en/"]
    assert 'name="not_staff"' not in pages["/report"]  # the declaration only matters for rewards


def test_authority_with_rewards_every_page_names_it_and_the_reward(tmp_path):
    app = make_app(tmp_path, **REWARDS_SETTINGS)
    pages = _pages(app)
    said = _same_statement_everywhere(pages)
    assert REWARDS_SETTINGS["TIPS_OPERATOR_ZH"] in said["zh"] and "正式举报" in said["zh"] and "可以获得奖励" in said["zh"]
    assert REWARDS_SETTINGS["TIPS_OPERATOR_EN"] in said["en"] and "a reward is possible" in said["en"]
    for path, html in pages.items():
        assert "no reward is paid" not in html and "不发放奖励" not in html and "没有奖励" not in html, path
    assert "（可能获得奖励）" in pages["/"] and "(a reward is possible)" in pages["/en/"]
    assert "reward possible" in pages["/en/report"] and 'name="not_staff"' in pages["/report"]


def test_authority_without_rewards_says_official_but_no_reward(tmp_path):
    settings = {k: v for k, v in REWARDS_SETTINGS.items() if k != "TIPS_REWARDS"}
    pages = _pages(make_app(tmp_path, **settings))
    said = _same_statement_everywhere(pages)
    assert "is an official report" in said["en"] and "no reward is paid for tips sent here." in said["en"]
    assert "not an official report" not in said["en"]
    for path, html in pages.items():
        assert "a reward is possible" not in html and "可能获得奖励" not in html, path
