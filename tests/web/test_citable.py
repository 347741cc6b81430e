"""Issue 11 ("citable"): what the plan pages say matches the plan's own words and counts."""

from __future__ import annotations

import re

import pytest


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_county_governments_are_responsible_for_implementation_not_joint(client):
    record = client.get("/plan/tasks/2.json").json["task"]
    roles = {d["slug"]: d["role"] for d in record["departments"]}
    assert roles["county-governments"] == "implementing"
    assert set(roles.values()) == {"joint", "implementing"}  # 2 is printed 按职责分工负责
    csv = client.get("/plan/tasks.csv").get_data(as_text=True)
    assert "county-governments:implementing" in csv and "county-governments:joint" not in csv
    deps = {d["slug"]: d for d in client.get("/departments.json").json["departments"]}
    assert {t["role"] for t in deps["county-governments"]["tasks"]} == {"implementing"}
    assert len(deps["county-governments"]["tasks"]) == 56
    page = _text(client.get("/departments/county-governments").get_data(as_text=True))
    assert "负责落实的任务 (56)" in page and "按职责分工负责的任务 (0)" in page
    en = _text(client.get("/en/plan/tasks/1").get_data(as_text=True))
    assert "Responsible for implementation" in en and "Joint (by remit)" in en
    assert len(client.get("/plan/tasks.json?role=implementing").json["tasks"]) == 56
    assert len(client.get("/plan/tasks.json?role=joint&department=county-governments").json["tasks"]) == 0


@pytest.mark.parametrize("district,named", [("wuzhong", [27]), ("kunshan", [])])
def test_district_filter_lists_named_tasks_and_states_the_general_duty(client, district, named):
    data = client.get(f"/plan/tasks.json?district={district}").json
    assert [t["number"] for t in data["tasks"]] == named
    assert data["district"]["tasks_naming_it"] == named and data["district"]["tasks_it_implements"] == 56
    page = _text(client.get(f"/en/plan/tasks?district={district}").get_data(as_text=True))
    assert "responsible for implementing all 56 tasks" in page
    if not named:
        assert "No task names Kunshan in its text." in page
    zh = _text(client.get(f"/plan/tasks?district={district}").get_data(as_text=True))
    assert "负责落实全部56项任务" in zh


def test_unknown_district_or_department_is_reported_not_an_empty_list(client):
    page = _text(client.get("/en/plan/tasks?district=atlantis&department=nobody").get_data(as_text=True))
    assert "were not understood" in page and "district" in page and "department" in page


def test_a_task_with_several_deadlines_counts_under_each(client):
    home = _text(client.get("/en/").get_data(as_text=True))
    for year in (2024, 2025):
        listed = client.get(f"/plan/tasks.json?year={year}").json["tasks"]
        shown = re.search(rf"by end of {year} (\d+)", home)
        assert shown and int(shown.group(1)) == len(listed), year
    assert [t["number"] for t in client.get("/plan/tasks.json?year=2024").json["tasks"]] == [15, 21, 27, 31]
