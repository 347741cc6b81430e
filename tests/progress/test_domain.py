"""The rules of progress without Flask: roles, states, evidence, coverage, overdue on pinned days."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cleanair.domain import progress as dp
from cleanair.domain.plan import load_plan

PLAN = load_plan(Path(__file__).resolve().parents[2] / "content")
T27 = PLAN.task(27)  # 吴江、吴中、相城 by 2024-12-31
T21 = PLAN.task(21)  # deadlines 2024-12-31 and 2025-12-31, city-wide
T4 = PLAN.task(4)  # yearly: no dated deadline


def rep(task, district, status, as_of, ident=1, published=None):
    return dp.Report(task, district, status, date.fromisoformat(as_of), published, ident)


# --- roles ---------------------------------------------------------------------------------

def test_editor_drafts_only_where_its_body_has_a_role():
    assert dp.may_draft("editor", ["public-security"], PLAN, T27)
    assert not dp.may_draft("editor", ["finance"], PLAN, T27)
    assert not dp.may_draft("editor", [], PLAN, T27)
    assert dp.may_draft("publisher", [], PLAN, T27) and dp.may_draft("admin", [], PLAN, T27)
    assert not dp.may_draft("reviewer", ["public-security"], PLAN, T27)


def test_county_governments_implement_every_task():
    assert all(dp.body_has_role(PLAN, t, "county-governments") for t in PLAN.tasks)
    assert not dp.body_has_role(PLAN, T27, "no-such-body")


def test_values_follow_the_targets_tasks_and_headline_targets_are_the_plan_offices():
    assert dp.may_draft_value("publisher", [], PLAN, "pm25-annual-mean")
    assert not dp.may_draft_value("editor", ["ecology-environment"], PLAN, "pm25-annual-mean")  # no task
    t = PLAN.target("fireworks-ban-zones")
    body = PLAN.task(t.tasks[0]).departments[0].slug
    assert dp.may_draft_value("editor", [body], PLAN, "fireworks-ban-zones")


# --- states ---------------------------------------------------------------------------------

def test_only_the_plan_office_publishes_or_sends_back():
    dp.check_transition("draft", "published", "publisher")
    dp.check_transition("draft", "published", "admin")
    with pytest.raises(dp.TransitionError):
        dp.check_transition("draft", "published", "editor")
    with pytest.raises(dp.TransitionError):
        dp.check_transition("draft", "returned", "editor", "why")
    with pytest.raises(dp.TransitionError, match="reason"):
        dp.check_transition("draft", "returned", "publisher", "  ")
    dp.check_transition("draft", "returned", "publisher", "source is a draft notice")


def test_published_is_final_and_returned_goes_back_to_draft():
    for new in dp.STATES:
        with pytest.raises(dp.TransitionError):
            dp.check_transition("published", new, "admin", "x")
    dp.check_transition("returned", "draft", "editor")
    with pytest.raises(dp.TransitionError):
        dp.check_transition("returned", "published", "publisher")
    assert dp.PUBLIC_STATES == {"published"}


def test_evidence_is_required_for_done_and_in_progress():
    assert dp.evidence_errors("not_started", "", "", "") == []
    assert set(dp.evidence_errors("done", "", "", "")) == {"source_title", "source_url_or_doc_no"}
    assert dp.evidence_errors("in_progress", "通告", "", "吴政发〔2024〕1号") == []
    assert dp.evidence_errors("done", "通告", "ftp://x", "") == ["source_url"]
    assert dp.evidence_errors("done", "通告", "https://example.gov.cn/a", "") == []


def test_report_errors_refuse_unknown_tasks_districts_and_future_days():
    today = date(2026, 11, 30)
    assert dp.report_errors(PLAN, 57, "mars", "finished", None, today, "", "", "") == \
        ["task", "district", "status", "as_of"]
    assert "as_of_future" in dp.report_errors(PLAN, 27, None, "not_started", date(2026, 12, 1), today, "", "", "")
    assert dp.report_errors(PLAN, 27, "wuzhong", "not_started", today, today, "", "", "") == []


# --- coverage and overdue (pinned days) --------------------------------------------------------------

def test_task_27_is_overdue_per_district_after_its_deadline():
    on_deadline = dp.task_standing(T27, [], date(2024, 12, 31))
    assert not on_deadline.overdue and on_deadline.standing == "no_report"  # the deadline day itself is not late
    after = dp.task_standing(T27, [], date(2025, 1, 10))
    assert after.overdue and after.standing == "overdue" and after.days_late == 10
    assert [s.district for s in after.late_scopes] == ["wujiang", "wuzhong", "xiangcheng"]


def test_a_district_done_covers_only_that_district():
    reports = [rep(27, "wuzhong", "done", "2025-01-10")]
    st = dp.task_standing(T27, reports, date(2026, 11, 30))
    late = {s.district for s in st.late_scopes}
    assert late == {"wujiang", "xiangcheng"} and st.overdue
    assert st.status == "in_progress"  # one of three districts done
    standing, scope = dp.district_standing(T27, "wuzhong", reports, date(2026, 11, 30))
    assert standing == "done" and not scope.overdue


def test_a_city_wide_done_covers_every_district_the_task_names_but_no_other():
    reports = [rep(27, None, "done", "2024-12-20")]
    st = dp.task_standing(T27, reports, date(2026, 11, 30))
    assert not st.overdue and st.standing == "done"
    assert dp.covering(T27, "kunshan", reports) == []


def test_the_latest_report_wins_so_a_later_in_progress_reopens_a_task():
    reports = [rep(21, None, "done", "2024-12-01", 1), rep(21, None, "in_progress", "2025-03-01", 2)]
    st = dp.task_standing(T21, reports, date(2026, 1, 5))
    assert st.overdue and st.status == "in_progress"
    assert st.scopes[0].deadline == date(2024, 12, 31) and st.days_late == (date(2026, 1, 5) - date(2024, 12, 31)).days


def test_same_day_reports_are_ordered_by_publication_time():
    early = datetime(2026, 1, 1, 1, tzinfo=UTC)
    late = datetime(2026, 1, 2, 1, tzinfo=UTC)
    reports = [rep(21, None, "done", "2025-12-31", 2, early), rep(21, None, "in_progress", "2025-12-31", 1, late)]
    assert dp.current(T21, None, reports).status == "in_progress"


def test_yearly_and_undated_tasks_are_never_overdue():
    assert not dp.task_standing(T4, [], date(2030, 1, 1)).overdue
    assert dp.task_standing(T4, [], date(2030, 1, 1)).standing == "no_report"


def test_a_deadline_does_not_apply_to_districts_the_task_does_not_name():
    reports = [rep(21, "kunshan", "in_progress", "2024-06-01")]
    standing, scope = dp.district_standing(T21, "kunshan", reports, date(2026, 1, 1))
    assert standing == "in_progress" and not scope.overdue


def test_scorecard_counts_add_up_and_tasks_count_under_lead_or_joint_bodies():
    card = dp.scorecard(PLAN, [rep(27, None, "done", "2024-12-20")], date(2026, 11, 30))
    assert card.overall["total"] == 56 == sum(card.overall[s] for s in dp.STANDINGS)
    assert card.overall["done"] == 1
    assert sum(c["total"] for _, c in card.by_chapter) == 56
    bodies = dict(card.by_body)
    assert bodies["public-security"]["done"] >= 1  # task 27 has no lead: joint bodies share it
    assert dp.accountable_bodies(PLAN.task(8)) == ("development-reform",)  # a lead wins
    districts = dict(card.by_district)
    assert districts["wuzhong"]["done"] == 1 and districts["kunshan"]["total"] == 0
    overdue = card.overdue()
    assert overdue == sorted(overdue, key=lambda s: (-s.days_late, s.number))
    assert 27 not in {s.number for s in overdue}


def test_district_summary_words():
    assert dp.district_summary([]) == "no_report"
    assert dp.district_summary(["done", "overdue"]) == "overdue"
    assert dp.district_summary(["done", "done"]) == "done"
    assert dp.district_summary(["done", "no_report"]) == "in_progress"
    assert dp.district_summary(["not_started"]) == "not_started"
    assert dp.district_summary(["not_started", "no_report"]) == "no_report"
