"""Target status: one function, one value it rests on, one explanation (domain.targets.assess).

All values here are HAND-MADE fixtures to exercise the rules, not real measurements.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from cleanair.domain.plan import IndicatorValue, Target, load_plan
from cleanair.domain.targets import STATUSES, assess, goal_text, latest, period_text, value_text

CONTENT = Path(__file__).resolve().parents[2] / "content"
START = 2024  # the plan's first year (Plan.start_year)


def _target(comparator: str, value: float | None, deadline: date | None = date(2025, 12, 31), **kw) -> Target:
    fields = {
        "slug": "t", "title_zh": "t", "title_en": "t", "comparator": comparator, "target_value": value,
        "unit": None, "baseline_value": None, "baseline_year": None, "deadline": deadline, "recurring": None,
        "tasks": (), "measure": None, "quote_zh": "t", "approximate": False, "notes_en": "t", "notes_zh": "",
    }
    fields.update(kw)
    return Target(**fields)


def _v(value: float, when: date, period: str = "year", **kw) -> IndicatorValue:
    return IndicatorValue("t", value, when, period, "hand-made fixture", "https://example.org", "", **kw)


def status(target: Target, values: list[IndicatorValue], today: date) -> str:
    return assess(target, values, today, START).status


BEFORE = date(2025, 6, 1)  # before the 2025-12-31 deadlines
AFTER = date(2026, 6, 1)  # after them


def test_statuses_before_the_deadline() -> None:
    pm = _target("at_most", 30)
    assert status(pm, [], BEFORE) == "no_data"
    assert status(pm, [_v(29.0, date(2024, 12, 31))], BEFORE) == "on_track"
    assert status(pm, [_v(30.0, date(2024, 12, 31))], BEFORE) == "on_track"  # 以下 includes 30
    assert status(pm, [_v(31.0, date(2024, 12, 31))], BEFORE) == "off_track"
    assert status(_target("below", 30), [_v(30.0, date(2024, 12, 31))], BEFORE) == "off_track"  # 低于 excludes
    # the latest final value wins, values after `today` are ignored
    assert status(pm, [_v(31.0, date(2023, 12, 31)), _v(29.0, date(2024, 12, 31))], BEFORE) == "on_track"
    assert status(pm, [_v(29.0, date(2024, 12, 31))], date(2024, 6, 1)) == "no_data"
    assert status(_target("at_least", 95), [_v(94.9, date(2024, 12, 31))], BEFORE) == "off_track"


def test_past_the_deadline_only_a_value_for_the_deadlines_period_decides() -> None:
    pm = _target("at_most", 30)
    assert status(pm, [_v(30.0, date(2025, 12, 31))], AFTER) == "achieved"
    assert status(pm, [_v(30.1, date(2025, 12, 31))], AFTER) == "missed"
    # an older value no longer says anything about the deadline, good or bad
    for old in (29.0, 41.0):
        a = assess(pm, [_v(old, date(2018, 12, 31))], AFTER, START)
        assert a.status == "deadline_passed_no_data" and a.basis.value == old and a.pre_plan
        assert "no value for 2025" in a.explanation_en and "2018" in a.explanation_en
        assert "2025年" in a.explanation_zh
    assert status(pm, [], AFTER) == "deadline_passed_no_data"
    # the deadline year's value decides even when a later year exists; it is the value shown
    a = assess(pm, [_v(29.0, date(2025, 12, 31)), _v(35.0, date(2026, 3, 31), "quarter")], AFTER, START)
    assert (a.status, a.basis.value) == ("achieved", 29.0)
    # an annual value dated on its last day with data still covers its year
    assert status(pm, [_v(28.0, date(2025, 12, 30))], AFTER) == "achieved"


def test_a_running_value_never_decides_and_is_kept_apart() -> None:
    pm = _target("at_most", 30)
    final = _v(41.0, date(2018, 12, 31))
    running = _v(20.0, date(2022, 1, 4), "year_to_date", days=1)
    a = assess(pm, [final, running], BEFORE, START)
    assert (a.status, a.basis, a.running) == ("off_track", final, running)
    assert "1 day with data" in a.running_label_en and "Jan 4, 2022" in a.running_label_en
    assert "共1天有数据" in a.running_label_zh
    # with only a running value there is no status to give
    a = assess(pm, [running], BEFORE, START)
    assert (a.status, a.basis, a.running) == ("no_data", None, running)
    # a running value older than the final one is not shown as running
    assert assess(pm, [running, _v(25.0, date(2023, 12, 31))], BEFORE, START).running is None
    # without a day count the running label counts calendar days
    a = assess(pm, [_v(20.0, date(2025, 3, 31), "year_to_date")], BEFORE, START)
    assert "90 days with data" in a.running_label_en


def test_a_basis_before_the_plan_says_so_in_words() -> None:
    a = assess(_target("at_most", 30), [_v(41.0, date(2018, 12, 31))], BEFORE, START)
    assert a.pre_plan and a.basis_period_en == "2018"
    assert a.explanation_en.startswith("Based on 2018, before the plan (which starts in 2024), the latest complete year;")
    assert "no later value" in a.explanation_en and "does not meet the target (at most 30)" in a.explanation_en
    assert "依据2018年（早于行动计划的2024年），最近一个完整年度" in a.explanation_zh
    b = assess(_target("at_most", 30), [_v(29.0, date(2024, 12, 31))], BEFORE, START)
    assert not b.pre_plan and "before the plan" not in b.explanation_en


def test_change_comparators() -> None:
    cut = _target("reduce_by_pct", 10, baseline_year=2020)
    assert status(cut, [_v(12.0, date(2025, 12, 31))], AFTER) == "achieved"  # 12% lower
    assert status(cut, [_v(10.0, date(2025, 12, 31))], AFTER) == "achieved"  # 以上 includes 10
    assert status(cut, [_v(8.0, date(2025, 12, 31))], AFTER) == "missed"
    assert status(_target("reduce_by_pct", 10, baseline_value=100.0), [_v(89.0, date(2025, 12, 31))], AFTER) == "achieved"
    assert status(_target("double", 2), [_v(2.1, date(2025, 12, 31))], AFTER) == "achieved"
    assert status(_target("double", 2, baseline_value=50.0), [_v(90, date(2025, 12, 31))], AFTER) == "missed"
    assert status(_target("increase_by_pct", 8), [_v(9, date(2024, 12, 31))], BEFORE) == "on_track"


def test_complete_and_yearly_targets() -> None:
    done = _target("complete", None, deadline=date(2024, 12, 31))
    assert status(done, [_v(1, date(2024, 9, 30), "snapshot")], AFTER) == "achieved"  # done by the deadline
    assert status(done, [_v(1, date(2024, 9, 30), "snapshot")], date(2024, 10, 1)) == "achieved"
    assert status(done, [_v(0, date(2024, 12, 31), "snapshot")], AFTER) == "missed"
    assert status(done, [_v(0, date(2024, 9, 30), "snapshot")], AFTER) == "deadline_passed_no_data"
    assert status(done, [_v(1, date(2025, 3, 31), "snapshot")], AFTER) == "deadline_passed_no_data"  # late
    assert status(done, [_v(0, date(2024, 6, 30), "snapshot")], date(2024, 7, 1)) == "off_track"
    yearly = _target("at_least", 10, deadline=None, recurring="yearly")
    assert status(yearly, [_v(10, date(2024, 12, 31))], AFTER) == "achieved"
    assert status(yearly, [_v(8, date(2024, 12, 31))], AFTER) == "missed"
    assert status(yearly, [_v(8, date(2023, 12, 31))], AFTER) == "off_track"  # before the plan
    assert status(yearly, [_v(6, date(2025, 6, 30), "half_year")], AFTER) == "off_track"
    assert status(yearly, [_v(12, date(2025, 6, 30), "half_year")], AFTER) == "on_track"
    assert status(yearly, [_v(12, date(2025, 6, 30), "year_to_date")], AFTER) == "no_data"
    assert set(STATUSES) == {"achieved", "on_track", "off_track", "missed", "deadline_passed_no_data", "no_data"}


def test_latest() -> None:
    a, b = _v(1, date(2024, 1, 1)), _v(2, date(2024, 1, 1))
    assert latest([]) is None and latest([a, b]) is b


def test_pm25_at_exactly_30_is_achieved() -> None:
    """"30 微克/立方米以下" includes 30: a 2025 annual mean of exactly 30.0 meets the target."""
    plan = load_plan(CONTENT)
    pm = plan.target("pm25-annual-mean")
    assert pm.comparator == "at_most"
    assert assess(pm, [_v(30.0, date(2025, 12, 31))], AFTER, plan.start_year).status == "achieved"
    assert assess(pm, [_v(30.1, date(2025, 12, 31))], AFTER, plan.start_year).status == "missed"


@pytest.mark.parametrize("value,unit,en,zh", [
    (800, "10k t", "8 million tonnes", "800万吨"),
    (115, "10k t", "1.15 million tonnes", "115万吨"),
    (160000, "vehicles", "160,000 vehicles", "16万辆"),
    (1, "days", "1 day", "1天"),
    (5, "days", "5 days", "5天"),
    (41.0, "µg/m³", "41.0 µg/m³", "41.0微克/立方米"),
])
def test_values_read_as_english_and_chinese(value, unit, en, zh) -> None:
    assert value_text(value, unit, "en") == en and value_text(value, unit, "zh") == zh


def test_goal_and_period_wording() -> None:
    plan = load_plan(CONTENT)
    assert goal_text(plan.target("waterway-freight"), "en") == "reach 8 million tonnes"
    assert goal_text(plan.target("pm25-annual-mean"), "en") == "at most 30 µg/m³"
    assert goal_text(plan.target("pm25-annual-mean"), "zh") == "不超过30微克/立方米"
    assert goal_text(plan.target("nox-emissions"), "zh") == "较2020年下降10%"
    assert goal_text(plan.target("non-fossil-energy"), "en") == "reach 13% (approximately / striving for)"
    assert period_text(_v(1, date(2019, 6, 30), "half_year"), "en") == "H1 2019"
    assert period_text(_v(1, date(2019, 6, 30), "quarter"), "zh") == "2019年第2季度"
