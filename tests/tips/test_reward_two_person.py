"""Rewards need two people: whoever approved a reward cannot also confirm its payment ("Also"
item of issue 14). The rule lives in the state module and is tested here without Flask first."""

from __future__ import annotations

import pytest

from cleanair.domain.tips import states as st
from tests.conftest import make_app
from tests.tips.conftest import OPEN_LIMITS

# A deployment that pays rewards (the default one pays none and refuses every reward state).
REWARDS = {"TIPS_OFFICIAL": "1", "TIPS_REWARDS": "1", "TIPS_OPERATOR_ZH": "测试用受理机关（手工配置）",
           "TIPS_OPERATOR_EN": "Test authority (hand-made setting)"}
from tests.tips.helpers import login, make_staff, valid_form

VERIFIED = dict(status=st.VERIFIED, identity="real_name", is_primary=True)


def test_the_approver_cannot_also_pay():
    with pytest.raises(st.TwoPersonRuleError):
        st.check_reward_transition(reward=st.REWARD_APPROVED, new=st.REWARD_PAID, actor="ann", approved_by="ann", **VERIFIED)
    with pytest.raises(st.TwoPersonRuleError):  # nobody on record approved it
        st.check_reward_transition(reward=st.REWARD_APPROVED, new=st.REWARD_PAID, actor="ann", approved_by=None, **VERIFIED)
    st.check_reward_transition(reward=st.REWARD_APPROVED, new=st.REWARD_PAID, actor="bob", approved_by="ann", **VERIFIED)


def test_the_rule_can_be_switched_off_and_does_not_touch_other_moves():
    st.check_reward_transition(reward=st.REWARD_APPROVED, new=st.REWARD_PAID, actor="ann", approved_by="ann",
                               two_person=False, **VERIFIED)
    st.check_reward_transition(reward=st.REWARD_PENDING, new=st.REWARD_APPROVED, actor="ann", approved_by=None, **VERIFIED)
    st.check_reward_transition(reward=st.REWARD_APPROVED, new=st.REWARD_DECLINED, actor="ann", approved_by="ann", **VERIFIED)
    with pytest.raises(st.TransitionError, match="cannot go from"):  # the order of states still holds
        st.check_reward_transition(reward=st.REWARD_PENDING, new=st.REWARD_PAID, actor="bob", approved_by="ann", **VERIFIED)


def _verified_tip_with_reward_approved_by(app, client, who: str) -> int:
    from cleanair.extensions import db
    from cleanair.report.models import Tip
    from sqlalchemy import select

    client.post("/report", data=valid_form(identity="real_name", name="陈七", phone="13612345678", not_staff="y"))
    with app.app_context():
        tip_id = db.session.scalar(select(Tip.id).order_by(Tip.id.desc()))
    login(client, who)
    for to in ("accepted", "investigating", "verified"):
        client.post(f"/staff/tips/{tip_id}/action", data={"kind": "status", "to": to})
    for to in ("reward_pending", "reward_approved"):
        client.post(f"/staff/tips/{tip_id}/action", data={"kind": "reward", "to": to})
    return tip_id


def _reward(app, tip_id: int) -> str:
    from cleanair.extensions import db
    from cleanair.report.models import Tip

    with app.app_context():
        return db.session.get(Tip, tip_id).reward_status


def test_one_reviewer_cannot_take_a_tip_from_received_to_paid(tmp_path):
    app = make_app(tmp_path, **OPEN_LIMITS, **REWARDS)
    make_staff(app, "ann")
    make_staff(app, "bob")
    ann, bob = app.test_client(), app.test_client()
    tip_id = _verified_tip_with_reward_approved_by(app, ann, "ann")
    ann.post(f"/en/staff/tips/{tip_id}/action", data={"kind": "reward", "to": "reward_paid"})
    assert _reward(app, tip_id) == "reward_approved"
    assert "another staff member must confirm the payment" in ann.get(f"/en/staff/tips/{tip_id}").get_data(as_text=True)
    login(bob, "bob")
    bob.post(f"/staff/tips/{tip_id}/action", data={"kind": "reward", "to": "reward_paid"})
    assert _reward(app, tip_id) == "reward_paid"


def test_a_desk_of_one_can_switch_the_rule_off(tmp_path):
    app = make_app(tmp_path, TIPS_REWARD_TWO_PERSON=False, **OPEN_LIMITS, **REWARDS)
    make_staff(app, "ann")
    ann = app.test_client()
    tip_id = _verified_tip_with_reward_approved_by(app, ann, "ann")
    ann.post(f"/staff/tips/{tip_id}/action", data={"kind": "reward", "to": "reward_paid"})
    assert _reward(app, tip_id) == "reward_paid"


def test_a_deployment_without_rewards_records_no_reward_state():
    with pytest.raises(st.TransitionError, match="pays no rewards"):
        st.check_reward_transition("verified", None, st.REWARD_PENDING, "real_name", True, rewards_apply=False)


def test_the_desk_refuses_a_reward_where_none_are_paid(tmp_path):
    app = make_app(tmp_path, **OPEN_LIMITS)  # the default deployment: no rewards
    make_staff(app, "ann")
    ann = app.test_client()
    login(ann, "ann")
    tip = app.test_client().post("/report", data=valid_form(identity="real_name", name="张三", phone="13800000000",
                                                             not_staff="y"))
    assert tip.status_code == 303
    with app.app_context():
        from cleanair.report.models import Tip
        from cleanair.extensions import db
        from cleanair.report import service

        t = db.session.scalars(db.select(Tip)).one()
        for state in ("accepted", "investigating", "verified"):
            service.change_status(t, "ann", state)
        tip_id = t.id
    ann.post(f"/en/staff/tips/{tip_id}/action", data={"kind": "reward", "to": "reward_pending"})
    assert _reward(app, tip_id) is None
    assert "pays no rewards" in ann.get(f"/en/staff/tips/{tip_id}").get_data(as_text=True)
