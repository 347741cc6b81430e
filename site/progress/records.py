"""Progress data as records for pages and their JSON/CSV twins (one function per dataset)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ..domain import progress as dp
from ..domain.opendata import COMPUTED_HERE, THIS_SITE, Column, Dataset, Source
from ..domain.plan import Plan, Task

SOURCE_EN = "Progress reports drafted by the responsible bodies and published by the plan office on this site; each cites its source"
SOURCE_ZH = "责任单位在本站填报、市大气办审核发布的进展记录（每条注明出处）"
LICENCE = "CC BY 4.0 (this site's compilation); the facts are those of the cited sources"
LICENCE_ZH = "CC BY 4.0（本站汇编）；事实以所引出处为准"


def scope_record(s: dp.ScopeStanding) -> dict[str, Any]:
    return {"district": s.district, "status": s.status, "as_of": s.as_of.isoformat() if s.as_of else None,
            "overdue": s.overdue, "deadline": s.deadline.isoformat() if s.deadline else None, "days_late": s.days_late}


def task_summary(p: Plan, t: Task, st: dp.TaskStanding, records: list[dict[str, Any]]) -> dict[str, Any]:
    """One task on /progress: its standing, per-scope lateness and its latest publication."""
    return {
        "number": t.number, "heading_zh": t.heading_zh, "heading_en": t.heading_en, "chapter": t.chapter,
        "deadlines": [d.isoformat() for d in t.deadlines], "recurring": t.recurring,
        "accountable": list(dp.accountable_bodies(t)),
        "standing": st.standing, "status": st.status, "overdue": st.overdue, "days_late": st.days_late,
        "scopes": [scope_record(s) for s in st.scopes],
        "latest": records[0] if records else None,
    }


def task_progress(t: Task, reports: list[dp.Report], records: list[dict[str, Any]], day: date) -> dict[str, Any]:
    """What /plan/tasks/<n>.json adds: published reports (newest first) and the overdue flag."""
    st = dp.task_standing(t, reports, day)
    return {"progress": records, "overdue": st.overdue, "standing": st.standing, "status": st.status,
            "days_late": st.days_late, "scopes": [scope_record(s) for s in st.scopes]}


def counts_record(c: Mapping[str, int]) -> dict[str, int]:
    return {k: int(c[k]) for k in (*dp.STANDINGS, "total")}


def scorecard_record(p: Plan, card: dp.Scorecard) -> dict[str, Any]:
    return {
        "counts": counts_record(card.overall),
        "by_chapter": [{"chapter": n, "title_zh": c.title_zh, "title_en": c.title_en, "counts": counts_record(v)}
                       for n, v in card.by_chapter if (c := p.chapter(n))],
        "by_body": [{"department": s, "name_zh": d.name_zh, "name_en": d.name_en, "counts": counts_record(v)}
                    for s, v in card.by_body if (d := p.department(s))],
        "by_district": [{"district": s, "name_zh": d.name_zh, "name_en": d.name_en, "counts": counts_record(v)}
                        for s, v in card.by_district if (d := p.district(s))],
    }


def overdue_records(p: Plan, card: dp.Scorecard) -> list[dict[str, Any]]:
    """One row per late task and scope, the longest overdue first."""
    out = []
    for st in card.overdue():
        t = p.task(st.number)
        for s in st.late_scopes:
            out.append({"task": st.number, "heading_zh": t.heading_zh, "heading_en": t.heading_en,
                         "district": s.district, "deadline": s.deadline.isoformat() if s.deadline else None,
                         "days_late": s.days_late, "status": s.status,
                         "accountable": list(dp.accountable_bodies(t))})
    return sorted(out, key=lambda r: (-r["days_late"], r["task"], r["district"] or ""))


def task_csv_rows(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """/progress.csv: one row per task and scope (city-wide, or each district the task names)."""
    rows = []
    for t in tasks:
        latest = t["latest"] or {}
        for s in t["scopes"]:
            rows.append({"task": t["number"], "heading_zh": t["heading_zh"], "chapter": t["chapter"],
                         "accountable": t["accountable"], "deadlines": t["deadlines"], "standing": t["standing"],
                         "district": s["district"], "status": s["status"], "as_of": s["as_of"],
                         "overdue": s["overdue"], "deadline_passed": s["deadline"], "days_late": s["days_late"],
                         "latest_source_title": latest.get("source_title"), "latest_source_url": latest.get("source_url")})
    return rows


def district_task_rows(district: str, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"district": district, "task": t["number"], "heading_zh": t["heading_zh"],
             "names_district": t["names_district"], "standing": t["standing"], "status": t["status"],
             "as_of": t["as_of"], "overdue": t["overdue"], "days_late": t["days_late"],
             "source_title": (t["latest"] or {}).get("source_title"), "source_url": (t["latest"] or {}).get("source_url")}
            for t in tasks]


_SRC = Source(SOURCE_EN, SOURCE_ZH)
_PLAN = Source("The plan's task table (deadlines, districts, responsible bodies)", "方案任务分解表（时限、区县、责任单位）")
_DISTRICTS = Source("content/plan/districts.yaml", "content/plan/districts.yaml（本站区县名录）")
_AIR_ENGINE = Source("This site's air-quality engine", "本站空气质量计算")
PROGRESS_COLUMNS = (
    Column("task", "integer", "Task number (1–56)", "任务序号（1–56）", _PLAN),
    Column("heading_zh", "string", "Task heading (Chinese)", "任务名称", _PLAN),
    Column("chapter", "integer", "Chapter of the plan", "所属章节", _PLAN),
    Column("accountable", "list", "Bodies the task is counted under: lead bodies, else the bodies responsible by remit", "计入的责任单位：牵头单位；无牵头单位时为按职责分工负责的单位", _PLAN),
    Column("deadlines", "list", "Deadlines in the plan (YYYY-MM-DD)", "方案规定的完成时限", _PLAN),
    Column("standing", "string", "done, in_progress, not_started, overdue or no_report (overdue wins over every status but done)", "状态：done 完成、in_progress 推进中、not_started 未开始、overdue 逾期、no_report 未报告（逾期优先于除完成外的状态）", COMPUTED_HERE),
    Column("district", "string", "Scope: a district the task names, or empty for the city as a whole", "范围：任务点名的区县；空表示全市", _PLAN),
    Column("status", "string", "Latest published status for this scope (empty = no report)", "该范围最新发布的状态（空表示未报告）", _SRC),
    Column("as_of", "date", "Date the latest report speaks for", "最新报告所述日期", _SRC),
    Column("overdue", "boolean", "A deadline has passed (Suzhou calendar day) and no published `done` covers this scope", "已过完成时限且无已发布的“完成”记录", COMPUTED_HERE),
    Column("deadline_passed", "date", "The first deadline passed without `done`", "首个已过且未完成的时限", COMPUTED_HERE),
    Column("days_late", "integer", "Days since that deadline", "逾期天数", COMPUTED_HERE),
    Column("latest_source_title", "string", "Source of the task's latest published report", "最新报告出处", _SRC),
    Column("latest_source_url", "string", "Link to that source", "出处链接", _SRC),
)
DISTRICT_COLUMNS = (
    Column("district", "string", "District slug", "区县标识", _DISTRICTS),
    Column("task", "integer", "Task number", "任务序号", _PLAN),
    Column("heading_zh", "string", "Task heading (Chinese)", "任务名称", _PLAN),
    Column("names_district", "boolean", "The task names this district (else: a report was published for it)", "任务点名该区县（否则为针对该区县发布了报告）", _PLAN),
    Column("standing", "string", "done, in_progress, not_started, overdue or no_report", "状态", COMPUTED_HERE),
    Column("status", "string", "Latest published status covering this district", "覆盖该区县的最新发布状态", _SRC),
    Column("as_of", "date", "Date the report speaks for", "报告所述日期", _SRC),
    Column("overdue", "boolean", "Deadline passed without a published `done` for this district", "已过时限且该区县无“完成”记录", COMPUTED_HERE),
    Column("days_late", "integer", "Days since the deadline", "逾期天数", COMPUTED_HERE),
    Column("source_title", "string", "Source of the latest report", "最新报告出处", _SRC),
    Column("source_url", "string", "Link to that source", "出处链接", _SRC),
)
DISTRICTS_COLUMNS = (
    Column("district", "string", "District slug", "区县标识", _DISTRICTS),
    Column("name_zh", "string", "Name (Chinese)", "名称", _DISTRICTS),
    Column("name_en", "string", "Name (English)", "英文名称", Source("This site's translation", "本站翻译")),
    *(Column(f"tasks_{s}", "integer", f"Tasks of this district that are {s}", f"状态为 {s} 的任务数", COMPUTED_HERE)
      for s in dp.STANDINGS),
    Column("air_year", "integer", "Latest complete year of air data (HJ 663-2013)", "最近完整年份", _AIR_ENGINE),
    Column("air_pm25", "number", "Annual mean PM2.5 of that year (µg/m³)", "该年PM2.5年均浓度（微克/立方米）", _AIR_ENGINE),
    Column("air_method", "string", "city_series (the county-level city's own published series) or stations (mean of the district's evaluation stations)", "city_series（县级市自有序列）或 stations（区内评价点均值）", THIS_SITE),
)
PROGRESS_DATASETS = (
    Dataset("progress", "/progress", "Progress on the plan's tasks", "重点任务进展",
            "Every task with its standing (done, in progress, not started, overdue, no report) per scope, deadlines, days late and the source of its latest published report.",
            "每项任务在各范围的状态（完成、推进中、未开始、逾期、未报告）、时限、逾期天数及最新发布报告的出处。",
            PROGRESS_COLUMNS, SOURCE_EN, SOURCE_ZH, LICENCE, LICENCE_ZH),
    Dataset("districts", "/districts", "Districts: task progress and air", "各区县任务进展与空气质量",
            "The ten county-level districts with counts of their tasks by standing and the latest complete year's PM2.5.",
            "十个县级市（区）的任务状态计数及最近完整年份的PM2.5。",
            DISTRICTS_COLUMNS, SOURCE_EN, SOURCE_ZH, LICENCE, LICENCE_ZH),
)
