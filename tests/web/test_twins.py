"""JSON and CSV twins: contract, encodings, and the same filters as the HTML page."""

from __future__ import annotations

import csv
import io
import re

import pytest

from .routes import public_urls

TASK_KEYS = {"number", "heading_zh", "heading_en", "text_zh", "text_en", "chapter", "measure",
             "departments", "districts", "deadlines", "targets"}
TARGET_KEYS = {"slug", "title_zh", "title_en", "comparator", "target_value", "unit", "baseline_value",
               "baseline_year", "deadline", "tasks", "status", "latest", "running",
               "status_explanation_zh", "status_explanation_en"}


def read_csv(resp) -> list[dict]:
    raw = resp.get_data()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_every_json_and_csv_twin_answers_with_the_right_type(app, client):
    for url in public_urls(app, fmt="json"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert resp.content_type == "application/json; charset=utf-8", url
        assert b"\\u" not in resp.get_data(), f"{url}: Chinese must not be \\u-escaped"
    for url in public_urls(app, fmt="csv"):
        resp = client.get(url)
        assert resp.status_code == 200, url
        assert resp.content_type == "text/csv; charset=utf-8", url
        read_csv(resp)


def test_tasks_json_contract(client):
    data = client.get("/plan/tasks.json").json
    assert len(data["tasks"]) == 56
    for task in data["tasks"]:
        assert TASK_KEYS <= task.keys()
        assert task["departments"], f"task {task['number']} has no department"
        for dep in task["departments"]:
            assert {"slug", "name_zh", "name_en", "role"} <= dep.keys()
            assert dep["role"] in ("lead", "cooperating", "joint", "implementing")
        for d in task["deadlines"]:
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", d)
    t27 = next(t for t in data["tasks"] if t["number"] == 27)
    assert {"wujiang", "wuzhong", "xiangcheng"} <= set(t27["districts"])
    assert "2024-12-31" in t27["deadlines"]


def test_targets_and_departments_json_contract(client):
    targets = client.get("/targets.json").json["targets"]
    assert len(targets) >= 30
    for t in targets:
        assert TARGET_KEYS <= t.keys()
        assert t["status"] in ("achieved", "on_track", "off_track", "missed", "deadline_passed_no_data", "no_data")
        assert all(isinstance(n, int) for n in t["tasks"])
        if t["latest"] is None:
            assert t["status"] in ("no_data", "deadline_passed_no_data")
        assert t["status_explanation_en"] and t["status_explanation_zh"]
    deps = client.get("/departments.json").json["departments"]
    for d in deps:
        assert {"slug", "name_zh", "name_en", "tasks"} <= d.keys()
        for task in d["tasks"]:
            assert {"number", "role"} <= task.keys()


def test_single_item_twins(client):
    assert client.get("/plan/tasks/27.json").json["task"]["number"] == 27
    rows = read_csv(client.get("/plan/tasks/27.csv"))
    assert len(rows) == 1 and rows[0]["number"] == "27"
    slug = client.get("/targets.json").json["targets"][0]["slug"]
    assert client.get(f"/targets/{slug}.json").json["target"]["slug"] == slug
    assert client.get("/departments/ecology-environment.json").json["department"]["name_zh"] == "苏州市生态环境局"


@pytest.mark.parametrize(
    "query",
    [
        "department=ecology-environment&role=lead",
        "chapter=4",
        "district=wujiang",
        "year=2024",
        "q=VOCs",
        "q=shore+power",
        "measure=10&role=joint",
    ],
)
def test_filters_round_trip_through_html_json_and_csv(client, query):
    data = client.get(f"/plan/tasks.json?{query}").json
    numbers = [t["number"] for t in data["tasks"]]
    assert numbers, f"{query} should match something"
    rows = read_csv(client.get(f"/plan/tasks.csv?{query}"))
    assert [int(r["number"]) for r in rows] == numbers
    html = client.get(f"/plan/tasks?{query}").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r'<td class="num task-no"><a href="/plan/tasks/(\d+)"', html)]
    assert shown == numbers
    # the page announces twins that carry the same filters
    assert 'rel="alternate" type="application/json" href="/plan/tasks.json?' in html


def test_filters_narrow_correctly(client):
    lead = client.get("/plan/tasks.json?department=ecology-environment&role=lead").json["tasks"]
    for t in lead:
        assert any(d["slug"] == "ecology-environment" and d["role"] == "lead" for d in t["departments"])
    y2024 = client.get("/plan/tasks.json?year=2024").json["tasks"]
    assert all(any(d.startswith("2024") for d in t["deadlines"]) for t in y2024)


def test_bad_filter_values_are_reported_not_fatal(client):
    resp = client.get("/plan/tasks?chapter=abc&role=boss")
    assert resp.status_code == 200
    assert "chapter" in resp.get_data(as_text=True)
    assert len(client.get("/plan/tasks.json?chapter=abc").json["tasks"]) == 56


def test_data_page_lists_every_dataset_with_dictionary(client):
    html = client.get("/data").get_data(as_text=True)
    index = client.get("/data.json").json
    for ds in index["datasets"]:
        assert ds["json"] in html
        assert ds["fields"], ds["key"]
        assert client.get(ds["json"]).status_code == 200
