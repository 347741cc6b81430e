"""Issue 11: the staff desk is in the reader's language — no stored codes on screen."""

from __future__ import annotations

import re
from html import unescape

import pytest
from cleanair.extensions import db
from cleanair.report import service
from cleanair.report.models import Tip

from tests.tips.helpers import login, make_staff, make_tip

# Codes the desk stores; none may reach the screen as such.
RAW = ("joint", "device", "reward_paid", "reward_pending", "reward_approved", "citizen", "submitted", "routed",
       "real_name", "out_of_scope", "investigating", "verified", "(reviewer)")


def _main(html: str) -> str:
    main = html.split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style|textarea)[^>]*>.*?</\1>", " ", main, flags=re.S)
    main = re.sub(r'\s(value|name|id|for|href|src|class|action|method|type|data-[\w-]+|aria-label|role|alt|autocomplete|maxlength|rows|width|height|loading|hidden)="[^"]*"', " ", main)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


@pytest.fixture()
def worked_tip(tips_app, rewards_on):
    """A hand-made tip taken through the whole workflow, and a second one rejected with a reason."""
    make_staff(tips_app)
    tip = make_tip(tips_app, identity="real_name", name="张三", phone="13800000000", location_source="device",
                   category="restaurant-fumes", description="手工测试数据：餐馆油烟直排")
    other = make_tip(tips_app, description="手工测试数据：工地裸土未覆盖")
    with tips_app.app_context():
        t, o = db.session.get(Tip, tip.id), db.session.get(Tip, other.id)
        for state in ("accepted", "investigating", "verified"):
            service.change_status(t, "reviewer1", state, note="已核实")
        service.change_reward(t, "reviewer1", "reward_pending")
        service.change_reward(t, "reviewer1", "reward_approved")
        service.change_reward(t, "reviewer2", "reward_paid")  # the two-person rule: another staff member pays
        service.route(t, "reviewer1", "urban-management", "")
        service.add_note(t, "reviewer1", "已电话联系餐馆")
        service.change_status(o, "reviewer1", "rejected", "out_of_scope", "非大气污染")
        service.merge(o, t, "reviewer1", "")
    return tip, other


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_staff_pages_show_words_not_codes(tips_app, tclient, worked_tip, prefix):
    tip, other = worked_tip
    login(tclient)
    pages = {
        "detail": _main(tclient.get(f"{prefix}/staff/tips/{tip.id}").get_data(as_text=True)),
        "other": _main(tclient.get(f"{prefix}/staff/tips/{other.id}").get_data(as_text=True)),
        "queue": _main(tclient.get(f"{prefix}/staff/").get_data(as_text=True)),
    }
    for name, text in pages.items():
        for code in RAW:
            assert code not in text.replace("reviewer1", ""), (prefix, name, code)
    if not prefix:
        for name, text in pages.items():
            # upper-case tokens are tip codes and acronyms (WGS-84, CSV, PIN); the user name is data
            words = {w for w in re.findall(r"[A-Za-z]{3,}", text) if not w.isupper()} - {"reviewer", "VOCs"}
            assert not words, (name, sorted(words))
        detail = pages["detail"]
        assert "奖励已发放" in detail and "来自手机定位" in detail and "群众" in detail and "（审核员）" in detail
        assert "转交责任单位 苏州市城市管理局" in detail
        assert f"归并关系变更 {tip.code[:4]}" in pages["other"]  # the cluster head by its code, not its id
        assert "县级以上人民政府确定的监督管理部门 — 牵头" in detail and "（管委会） — 负责落实" in detail
        assert "不予受理" in pages["other"] and "[out_of_scope]" not in pages["other"]


def test_refused_actions_are_explained_in_the_readers_language(tips_app, tclient, worked_tip):
    tip, _ = worked_tip
    login(tclient)
    page = tclient.post(f"/staff/tips/{tip.id}/action", data={"kind": "status", "to": "accepted"}, follow_redirects=True)
    text = _main(page.get_data(as_text=True))
    assert "cannot go" not in text and "不能从“查证属实”改为“已受理”" in text
    page = tclient.post(f"/en/staff/tips/{tip.id}/action", data={"kind": "status", "to": "accepted"}, follow_redirects=True)
    assert "cannot go from Confirmed to Accepted" in _main(page.get_data(as_text=True))


def test_error_pages_never_show_werkzeug_english_on_a_chinese_page(tips_app):
    client = tips_app.test_client()
    client.application.config["WTF_CSRF_ENABLED"] = True
    try:
        page = _main(client.post("/staff/login", data={"username": "x", "password": "y"}).get_data(as_text=True))
    finally:
        client.application.config["WTF_CSRF_ENABLED"] = False
    assert "CSRF" not in page and "Bad Request" not in page and "表单已过期" in page
    assert "无法处理该请求" in page  # the 400 title, in Chinese
