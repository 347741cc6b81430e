"""Build an OpenAPI 3.1 document from the URL map: every JSON twin, its parameters and schemas.

Paths are discovered, not listed by hand, so a new `.json` twin appears in the description
automatically; the contracts promised in the issues get full response schemas below.
"""

from __future__ import annotations

import re
from typing import Any

from werkzeug.routing import Map

from ..domain.plan import ROLES
from ..domain.targets import STATUSES

# Query parameters per endpoint (name, JSON schema, description).
QUERY: dict[str, list[tuple[str, dict, str]]] = {
    "plan.tasks": [
        ("chapter", {"type": "integer"}, "Chapter number 1–10"),
        ("measure", {"type": "integer"}, "Measure number 1–27"),
        ("department", {"type": "string"}, "Department slug"),
        ("role", {"type": "string", "enum": list(ROLES)}, "Role of the department"),
        ("district", {"type": "string"}, "District slug"),
        ("year", {"type": "integer"}, "Deadline year"),
        ("q", {"type": "string", "maxLength": 100}, "Free text"),
    ],
    "plan.targets": [("status", {"type": "string", "enum": list(STATUSES)}, "Status")],
    "air.daily": [
        ("station", {"type": "string"}, "Station code (e.g. 1151A) or CNEMC city name (苏州, 吴江, 昆山, 常熟, 张家港, 太仓)"),
        ("start", {"type": "string", "format": "date"}, "First day (YYYY-MM-DD)"),
        ("end", {"type": "string", "format": "date"}, "Last day (YYYY-MM-DD)"),
    ],
    "air.annual": [("station", {"type": "string"}, "Station code or CNEMC city name")],
    "history.changes": [
        ("target", {"type": "string"}, "Target slug"),
        ("task", {"type": "integer"}, "Task number"),
        ("department", {"type": "string"}, "Department slug"),
        ("district", {"type": "string"}, "District slug"),
    ],
}
AS_OF = ("as_of", {"type": "string", "format": "date"}, "Reconstruct what the site said on this day")
AS_OF_ENDPOINTS = {"plan.task", "plan.target", "plan.department", "plan.tasks", "plan.targets", "plan.departments"}

_STR = {"type": "string"}
_STR_N = {"type": ["string", "null"]}
_NUM_N = {"type": ["number", "null"]}
_INT_N = {"type": ["integer", "null"]}

TASK = {
    "type": "object",
    "required": ["number", "heading_zh", "heading_en", "text_zh", "text_en", "chapter", "measure",
                 "departments", "districts", "deadlines", "targets"],
    "properties": {
        "number": {"type": "integer", "minimum": 1, "maximum": 56},
        "heading_zh": _STR, "heading_en": _STR, "text_zh": _STR, "text_en": _STR,
        "chapter": {"type": "integer"}, "measure": {"type": "integer"},
        "departments": {"type": "array", "items": {
            "type": "object", "required": ["slug", "name_zh", "name_en", "role"],
            "properties": {"slug": _STR, "name_zh": _STR, "name_en": _STR,
                           "role": {"enum": list(ROLES)}}}},
        "districts": {"type": "array", "items": _STR},
        "deadlines": {"type": "array", "items": {"type": "string", "format": "date"}},
        "targets": {"type": "array", "items": _STR},
    },
}
LATEST = {"type": ["object", "null"], "properties": {"value": {"type": "number"}, "date": _STR, "period": _STR,
                                                     "days": _INT_N, "recomputed": _NUM_N,
                                                     "source_title": _STR, "source_url": _STR}}
TARGET = {
    "type": "object",
    "required": ["slug", "title_zh", "title_en", "comparator", "target_value", "unit", "baseline_value",
                 "baseline_year", "deadline", "tasks", "status", "latest", "running",
                 "status_explanation_zh", "status_explanation_en"],
    "properties": {
        "slug": _STR, "title_zh": _STR, "title_en": _STR,
        "comparator": {"enum": ["below", "at_most", "at_least", "reduce_by_pct", "increase_by_pct", "reach",
                                "double", "complete"]},
        "target_value": _NUM_N, "unit": _STR_N, "baseline_value": _NUM_N, "baseline_year": _INT_N,
        "deadline": _STR_N, "tasks": {"type": "array", "items": {"type": "integer"}},
        "status": {"enum": list(STATUSES)}, "latest": LATEST, "running": LATEST,
        "status_explanation_zh": _STR, "status_explanation_en": _STR, "deadline_passed": {"type": "boolean"},
        "latest_before_plan": {"type": "boolean"},
    },
}
DEPARTMENT = {
    "type": "object", "required": ["slug", "name_zh", "name_en", "tasks"],
    "properties": {"slug": _STR, "name_zh": _STR, "name_en": _STR, "tasks": {"type": "array", "items": {
        "type": "object", "required": ["number", "role"],
        "properties": {"number": {"type": "integer"}, "role": {"enum": list(ROLES)}}}}},
}
DAILY_ROW = {
    "type": "object",
    "required": ["date", "station", "aqi", "aqi_published", "level", "primary_pollutants", "pm25", "pm10",
                 "so2", "no2", "co", "o3_8h", "valid"],
    "properties": {"date": _STR, "station": _STR, "aqi": _INT_N, "aqi_published": _INT_N, "level": _INT_N,
                   "primary_pollutants": {"type": "array", "items": _STR}, "pm25": _NUM_N, "pm10": _NUM_N,
                   "so2": _NUM_N, "no2": _NUM_N, "co": _NUM_N, "o3_8h": _NUM_N, "valid": {"type": "boolean"}},
}
ANNUAL_ROW = {
    "type": "object",
    "required": ["year", "pm25", "pm10", "no2", "so2", "co_p95", "o3_8h_p90", "good_days_ratio", "heavy_days",
                 "valid_days", "complete"],
    "properties": {"year": {"type": "integer"}, "pm25": _NUM_N, "pm10": _NUM_N, "no2": _NUM_N, "so2": _NUM_N,
                   "co_p95": _NUM_N, "o3_8h_p90": _NUM_N, "good_days_ratio": _NUM_N, "heavy_days": _INT_N,
                   "valid_days": _INT_N, "complete": {"type": ["boolean", "object"]}},
}


def _obj(**props: dict) -> dict:
    return {"type": "object", "required": list(props), "properties": props}


# Progress (issue 15, docs/progress.md): published reports, overdue, district air.
_DATE_N = {"type": ["string", "null"], "format": "date"}
PROGRESS_REPORT = _obj(district=_STR_N, status={"enum": ["not_started", "in_progress", "done"]}, as_of={"type": "string", "format": "date"},
                       source_title=_STR, source_url=_STR_N, note=_STR, published_at=_STR_N)
TASK_WITH_PROGRESS = {**TASK, "required": [*TASK["required"], "progress", "overdue"],
                      "properties": {**TASK["properties"], "progress": {"type": "array", "items": PROGRESS_REPORT},
                                     "overdue": {"type": "boolean"}}}
_COUNTS = _obj(**{k: {"type": "integer"} for k in ("done", "in_progress", "not_started", "overdue", "no_report", "total")})
AIR_YEAR = _obj(year={"type": "integer"}, pm25=_NUM_N, good_days_ratio=_NUM_N, heavy_days=_INT_N, complete={"type": "boolean"})
DISTRICT_AIR = _obj(method={"enum": ["city_series", "stations", "none"]}, stations={"type": "array", "items": _STR},
                    annual={"type": "array", "items": AIR_YEAR}, source={"type": "object"})


RESPONSES: dict[str, dict] = {
    "plan.tasks": _obj(tasks={"type": "array", "items": TASK}),
    "plan.task": _obj(task=TASK_WITH_PROGRESS),
    "plan.targets": _obj(targets={"type": "array", "items": TARGET}),
    "plan.target": _obj(target=TARGET),
    "plan.departments": _obj(departments={"type": "array", "items": DEPARTMENT}),
    "plan.department": _obj(department=DEPARTMENT),
    "air.daily": _obj(rows={"type": "array", "items": DAILY_ROW}, standard=_STR),
    "air.annual": _obj(years={"type": "array", "items": ANNUAL_ROW}),
    "progress.index": _obj(counts=_COUNTS, by_chapter={"type": "array"}, by_body={"type": "array"},
                           by_district={"type": "array"}, overdue={"type": "array"},
                           latest={"type": "array", "items": PROGRESS_REPORT}, tasks={"type": "array"}),
    "progress.district": _obj(district={"type": "object"}, counts=_COUNTS, tasks={"type": "array"}, air=DISTRICT_AIR),
}

_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _path_and_params(rule: str) -> tuple[str, list[dict]]:
    params = []

    def repl(m: re.Match) -> str:
        converter, name = m.group(1) or "default", m.group(2)
        schema = {"type": "integer"} if converter == "int" else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
        return "{" + name + "}"

    return _CONVERTER.sub(repl, rule), params


def build_openapi(url_map: Map, title: str, version: str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for rule in url_map.iter_rules():
        defaults = rule.defaults or {}
        is_json = defaults.get("fmt") == "json" or rule.rule.endswith(".json")
        if not is_json or "GET" not in (rule.methods or ()) or rule.rule.startswith("/api/"):
            continue
        path, params = _path_and_params(rule.rule)
        query = list(QUERY.get(rule.endpoint, []))
        if rule.endpoint in AS_OF_ENDPOINTS:
            query.append(AS_OF)
        params += [{"name": n, "in": "query", "required": False, "schema": s, "description": d} for n, s, d in query]
        ok_schema = RESPONSES.get(rule.endpoint, {"type": "object"})
        responses: dict[str, Any] = {
            "200": {"description": "OK", "content": {"application/json": {"schema": ok_schema}}},
        }
        if params:  # an unknown slug, code or station is a 404, not an empty answer
            responses["404"] = {"description": "No such item", "content": {"application/json": {"schema": _obj(
                error=_STR, status={"type": "integer"})}}}
        if any(p["in"] == "query" for p in params):
            responses["400"] = {"description": "Invalid parameter", "content": {"application/json": {
                "schema": {"type": "object"}}}}
        paths[path] = {"get": {"operationId": rule.endpoint.replace(".", "_") + ("_json" if rule.rule.endswith(".json") else ""),
                               "summary": rule.endpoint, "parameters": params, "responses": responses}}
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version,
                 "description": "JSON twins of the site's data pages. Every path also exists as HTML (without "
                                "`.json`) and, for tables, as CSV (`.csv`). English under the `/en` prefix; data "
                                "is identical."},
        "paths": dict(sorted(paths.items())),
    }
