"""Plan data as records for pages and their JSON/CSV twins (one function per dataset)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .opendata import COMPUTED_HERE, THIS_SITE, Column, Dataset, Source
from .plan import ROLE_NAMES, ROLES, IndicatorValue, Plan, Target, Task
from .targets import STATUSES, assess, goal_text, value_text

def plan_citation(plan: Plan, lang: str) -> str:
    """The plan as a source, under its one title in each language (content/plan)."""
    if lang == "zh":
        return f"苏州市人民政府《{plan.title_zh}》及附件重点工作任务分解表"
    return f"Suzhou Municipal People's Government, {plan.title_en}, and its annex (breakdown of key tasks)"


DATA_LICENCE = "CC BY 4.0 (structure and English translation); plan text: official government document"
DATA_LICENCE_ZH = "CC BY 4.0（结构化整理与英文译文）；方案原文为政府公文"


@dataclass(frozen=True)
class TaskFilters:
    """Filters of the task table; every field comes from the query string."""

    chapter: int | None = None
    measure: int | None = None
    department: str | None = None
    role: str | None = None
    district: str | None = None
    year: int | None = None
    q: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> tuple["TaskFilters", list[str]]:
        """Parse query arguments; unknown or malformed values are reported, not fatal."""
        errors: list[str] = []

        def as_int(name: str) -> int | None:
            raw = (args.get(name) or "").strip()
            if not raw:
                return None
            if raw.isdigit():
                return int(raw)
            errors.append(name)
            return None

        role = (args.get("role") or "").strip() or None
        if role and role not in ROLES:
            errors.append("role")
            role = None
        return (
            cls(
                chapter=as_int("chapter"),
                measure=as_int("measure"),
                department=(args.get("department") or "").strip() or None,
                role=role,
                district=(args.get("district") or "").strip() or None,
                year=as_int("year"),
                q=(args.get("q") or "").strip()[:100] or None,
            ),
            errors,
        )

    def as_args(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v not in (None, "")}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def unknown_filter_values(plan: Plan, f: TaskFilters) -> list[str]:
    """Names of filters whose value names no body or district (reported, never silently empty)."""
    errors = []
    if f.department and plan.department(f.department) is None:
        errors.append("department")
    if f.district and plan.district(f.district) is None:
        errors.append("district")
    return errors


def filter_tasks(plan: Plan, f: TaskFilters) -> list[Task]:
    """Tasks matching every given filter, in plan order."""
    needle = f.q.casefold() if f.q else None
    result = []
    for task in plan.tasks:
        if f.chapter is not None and task.chapter != f.chapter:
            continue
        if f.measure is not None and task.measure != f.measure:
            continue
        if f.department or f.role:
            if not any(
                (f.department is None or d.slug == f.department) and (f.role is None or d.role == f.role)
                for d in task.departments
            ):
                continue
        if f.district and f.district not in task.districts:
            continue
        if f.year is not None and not any(d.year == f.year for d in task.deadlines):
            continue
        if needle:
            haystack = " ".join(
                [task.heading_zh, task.heading_en, task.text_zh, task.text_en, task.responsibility_zh, str(task.number)]
            ).casefold()
            if needle not in haystack:
                continue
        result.append(task)
    return result


def deadline_years(plan: Plan) -> list[int]:
    return sorted({d.year for t in plan.tasks for d in t.deadlines})


def task_record(plan: Plan, task: Task) -> dict[str, Any]:
    """The JSON contract of /plan/tasks.json for one task."""
    measure = plan.measure(task.measure)
    return {
        "number": task.number,
        "heading_zh": task.heading_zh,
        "heading_en": task.heading_en,
        "heading_printed_zh": task.heading_printed_zh,
        "text_zh": task.text_zh,
        "text_en": task.text_en,
        "responsibility_zh": task.responsibility_zh,
        "responsibility_en": plan.responsibility_en(task),
        "chapter": task.chapter,
        "measure": task.measure,
        "measure_title_zh": measure.title_zh if measure else None,
        "measure_title_en": measure.title_en if measure else None,
        "departments": [
            {
                "slug": d.slug,
                "name_zh": dep.name_zh if (dep := plan.department(d.slug)) else d.slug,
                "name_en": dep.name_en if dep else d.slug,
                "role": d.role,
            }
            for d in task.departments
        ],
        "districts": list(task.districts),
        "deadlines": [d.isoformat() for d in task.deadlines],
        "recurring": task.recurring,
        "targets": list(task.targets),
        "discrepancy_zh": task.discrepancy_zh,
        "discrepancy_en": task.discrepancy_en,
    }


def task_csv_row(record: Mapping[str, Any]) -> dict[str, Any]:
    row = dict(record)
    row["departments"] = [f"{d['slug']}:{d['role']}" for d in record["departments"]]
    row["lead_departments_zh"] = [d["name_zh"] for d in record["departments"] if d["role"] == "lead"]
    return row


def latest_record(value: IndicatorValue | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "value": value.value,
        "date": value.date.isoformat(),
        "period": value.period,
        "days": value.days,
        "recomputed": value.recomputed,
        "source_title": value.source_title,
        "source_url": value.source_url,
        "note": value.note,
    }


def target_record(plan: Plan, target: Target, values: list[IndicatorValue], today: date) -> dict[str, Any]:
    """The JSON contract of /targets.json for one target; every surface shows this record.

    `latest` is the value the status was computed from (the one "latest value" the site
    shows); `running` is a later part-period value, shown apart and never used for the status.
    """
    a = assess(target, values, today, plan.start_year)
    return {
        "slug": target.slug,
        "title_zh": target.title_zh,
        "title_en": target.title_en,
        "comparator": target.comparator,
        "target_value": target.target_value,
        "unit": target.unit,
        "approximate": target.approximate,
        "goal_zh": goal_text(target, "zh"),
        "goal_en": goal_text(target, "en"),
        "baseline_value": target.baseline_value,
        "baseline_year": target.baseline_year,
        "deadline": target.deadline.isoformat() if target.deadline else target.recurring,
        "tasks": list(target.tasks),
        "measure": target.measure,
        "quote_zh": target.quote_zh,
        "status": a.status,
        "status_explanation_zh": a.explanation_zh,
        "status_explanation_en": a.explanation_en,
        "deadline_passed": a.deadline_passed,
        "latest": latest_record(a.basis),
        "latest_value_zh": value_text(a.basis.value, target.unit, "zh") if a.basis else None,
        "latest_value_en": value_text(a.basis.value, target.unit, "en") if a.basis else None,
        "latest_period_zh": a.basis_period_zh or None,
        "latest_period_en": a.basis_period_en or None,
        "latest_before_plan": a.pre_plan,
        "running": latest_record(a.running),
        "running_label_zh": a.running_label_zh or None,
        "running_label_en": a.running_label_en or None,
        "history": [latest_record(v) for v in sorted(values, key=lambda v: v.date) if v.date <= today],
    }


_TARGET_CSV_DROP = ("latest", "running", "history")


def target_csv_row(record: Mapping[str, Any]) -> dict[str, Any]:
    row = {k: v for k, v in record.items() if k not in _TARGET_CSV_DROP}
    for name in ("latest", "running"):
        value = record.get(name) or {}
        for key in ("value", "date", "period", "source_title", "source_url"):
            row[f"{name}_{key}"] = value.get(key)
    return row


def department_record(plan: Plan, slug: str) -> dict[str, Any]:
    """The JSON contract of /departments.json for one body."""
    dep = plan.department(slug)
    assert dep is not None
    return {
        "slug": dep.slug,
        "name_zh": dep.name_zh,
        "name_en": dep.name_en,
        "kind": dep.kind,
        "synonyms": list(dep.synonyms),
        "tasks": [
            {
                "number": task.number,
                "role": role,
                "deadlines": [d.isoformat() for d in task.deadlines],
            }
            for task, role in plan.tasks_for_department(slug)
        ],
    }


def department_csv_row(record: Mapping[str, Any]) -> dict[str, Any]:
    row = dict(record)
    for role in ROLES:
        row[f"tasks_{role}"] = [t["number"] for t in record["tasks"] if t["role"] == role]
    return row


def status_counts(records: list[Mapping[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for r in records:
        counts[r["status"]] += 1
    return counts


def tasks_by_deadline(plan: Plan) -> list[tuple[str, int]]:
    """How many tasks fall due in each year, plus recurring and open-ended ones.

    A task with several deadlines (task 21: 2024 and 2025) counts under each of them, so each
    figure matches the task list filtered by that year (`filter_tasks` with `year`).
    """
    counts: dict[str, int] = {}
    for task in plan.tasks:
        keys = sorted({str(d.year) for d in task.deadlines}) or [task.recurring or "ongoing"]
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    return sorted(counts.items(), key=lambda kv: (not kv[0].isdigit(), kv[0]))


def district_scope(plan: Plan, slug: str, named: list[Task]) -> dict[str, Any] | None:
    """What a district filter means: the tasks that name the district, and the general duty.

    The county-level governments are responsible for implementing (负责落实) every task that
    gives them that role — all 56, by the note on row 1 of the table — so "no task names
    Wujiang" never means "Wujiang has no tasks".
    """
    district = plan.district(slug)
    if district is None:
        return None
    implemented = [t.number for t in plan.tasks if any(d.role == "implementing" for d in t.departments)]
    return {
        "slug": district.slug,
        "name_zh": district.name_zh,
        "name_en": district.name_en,
        "tasks_naming_it": [t.number for t in named],
        "tasks_it_implements": len(implemented),
    }


_PLAN = Source("The plan (text and annex table)", "行动计划原文及附件分解表")
_VALUES = Source("data/indicators/values.csv and the air-quality engine", "data/indicators/values.csv 及本站空气质量计算")
_TRANSLATION = Source("This site's translation", "本站翻译")
_RESPONSIBILITY = Source("Parsed from the responsibility text", "由责任分工原文解析")
TASK_COLUMNS = (
    Column("number", "integer", "Task number in the annex table (1–56)", "附件重点工作任务分解表中的序号", _PLAN),
    Column("heading_zh", "string", "Key task (重点工作任务) the row belongs to; blank printed headings continue the previous one", "所属重点工作任务（表中空白表示沿用上一行）", _PLAN),
    Column("heading_en", "string", "English translation of the heading", "任务标题英文译文", _TRANSLATION),
    Column("heading_printed_zh", "string", "Heading exactly as printed in the row (blank if none)", "表中该行实际印出的标题（空白则为空）", _PLAN),
    Column("text_zh", "string", "Task text", "任务内容", _PLAN),
    Column("text_en", "string", "English translation of the task text", "任务内容英文译文", _TRANSLATION),
    Column("responsibility_zh", "string", "Responsibility text (责任分工) as printed", "责任分工原文", _PLAN),
    Column("responsibility_en", "string", "English rendering of the responsibility text, built from the parsed roles and each body's one English name", "责任分工英文译文（由解析出的角色和各单位英文名称生成）", _TRANSLATION),
    Column("chapter", "integer", "Chapter number (1–10)", "所属章节序号", _PLAN),
    Column("measure", "integer", "Measure number 1–27", "所属措施序号", _PLAN),
    Column("departments", "list", "Bodies and roles as slug:role (" + ", ".join(f"{r} = {n[1]}" for r, n in ROLE_NAMES.items()) + ")", "责任单位及角色（" + "、".join(f"{n[0]} {r}" for r, n in ROLE_NAMES.items()) + "）", _RESPONSIBILITY),
    Column("lead_departments_zh", "list", "Lead bodies (牵头)", "牵头单位", _RESPONSIBILITY),
    Column("districts", "list", "County-level districts named in the task", "任务中点名的县级市（区）", Source("Parsed from the task text", "由任务原文解析")),
    Column("deadlines", "list", "Deadlines stated in the task (YYYY-MM-DD; 到2025年 = 2025-12-31)", "任务中写明的完成时限", Source("Parsed from the task text", "由任务原文解析")),
    Column("recurring", "string", "'yearly' for tasks the plan repeats every year (每年)", "每年重复的任务标记为 yearly", Source("Parsed from the task text", "由任务原文解析")),
    Column("targets", "list", "Slugs of quantitative targets in this task", "该任务包含的量化目标", Source("This site's target list", "本站整理的目标清单")),
    Column("discrepancy_en", "string", "Where the seed's table disagrees with the measure it belongs to", "分解表与正文措施不一致之处", Source("This site's review", "本站核对")),
)
TARGET_COLUMNS = (
    Column("slug", "string", "Stable identifier of the target", "目标的稳定标识", THIS_SITE),
    Column("title_zh", "string", "Target (Chinese)", "目标（中文）", _PLAN),
    Column("title_en", "string", "Target (English)", "目标（英文）", _TRANSLATION),
    Column("comparator", "string", "below, at_most, at_least, reduce_by_pct, increase_by_pct, reach, double, complete", "比较方式", _PLAN),
    Column("target_value", "number", "Target value in `unit`", "目标值", _PLAN),
    Column("unit", "string", "Unit of target and values", "单位", _PLAN),
    Column("approximate", "boolean", "The plan says 左右 (about) or 力争 (strive for)", "原文为“左右”或“力争”", _PLAN),
    Column("baseline_value", "number", "Baseline value where the plan gives one", "基准值（原文给出时）", _PLAN),
    Column("baseline_year", "integer", "Baseline year (比2020年 …)", "基准年", _PLAN),
    Column("deadline", "date", "Deadline (YYYY-MM-DD) or 'yearly'", "完成时限", _PLAN),
    Column("tasks", "list", "Task numbers the target comes from", "来源任务序号", _PLAN),
    Column("goal_en", "string", "The target as a phrase, read as the plan's Chinese (以下 = at most)", "目标表述（英文）", THIS_SITE),
    Column("goal_zh", "string", "The target as a phrase in Chinese", "目标表述", THIS_SITE),
    Column("status", "string", ", ".join(STATUSES) + " — computed from published values by one rule set (see the methodology page)", "状态：由已发布数据按同一规则计算，不人工填写", COMPUTED_HERE),
    Column("status_explanation_en", "string", "Why the status is what it is, and which value and period it rests on", "状态说明（英文）", COMPUTED_HERE),
    Column("status_explanation_zh", "string", "The same explanation in Chinese", "状态说明：依据哪个数值和时段", COMPUTED_HERE),
    Column("deadline_passed", "boolean", "The deadline is in the past", "期限是否已过", COMPUTED_HERE),
    Column("latest_value", "number", "The value the status is computed from (the one latest value every page shows)", "状态所依据的数值（各页面显示的同一最新值）", _VALUES),
    Column("latest_date", "date", "Last day of the period that value covers", "该数值所覆盖时段的最后一天", _VALUES),
    Column("latest_period", "string", "year, half_year, quarter, month or snapshot", "时段类型", _VALUES),
    Column("latest_before_plan", "boolean", "That value is for a period before the plan's first year", "该数值是否早于行动计划", COMPUTED_HERE),
    Column("latest_source_title", "string", "Where that value was published", "该数值来源", _VALUES),
    Column("latest_source_url", "string", "Link to the publication", "来源链接", _VALUES),
    Column("running_value", "number", "A later running (part-period) value; never used for the status", "滚动值（非最终值，不用于判断状态）", _VALUES),
    Column("running_date", "date", "Last day the running value covers", "滚动值截至日期", _VALUES),
)
DEPARTMENT_COLUMNS = (
    Column("slug", "string", "Stable identifier of the body", "单位稳定标识", THIS_SITE),
    Column("name_zh", "string", "Name as in the plan (synonyms merged)", "单位名称（已合并同义写法）", _PLAN),
    Column("name_en", "string", "English name", "英文名称", _TRANSLATION),
    Column("kind", "string", "city_bureau, central_agency, state_enterprise, party_body, generic, local_government", "单位类型", THIS_SITE),
    Column("synonyms", "list", "Other spellings found in the plan", "原文中的其他写法", _PLAN),
    Column("tasks_lead", "list", "Tasks this body leads (牵头)", "牵头的任务", _RESPONSIBILITY),
    Column("tasks_cooperating", "list", "Tasks this body supports (配合)", "配合的任务", _RESPONSIBILITY),
    Column("tasks_joint", "list", "Tasks shared by responsibility (按职责分工负责)", "按职责分工负责的任务", _RESPONSIBILITY),
    Column("tasks_implementing", "list", "Tasks it is responsible for implementing (负责落实; the county-level governments, for every task)", "负责落实的任务（各县级市（区）人民政府（管委会），适用于全部任务）", _RESPONSIBILITY),
)


def plan_datasets(plan: Plan) -> tuple[Dataset, ...]:
    en, zh = plan_citation(plan, "en"), plan_citation(plan, "zh")
    return (
        Dataset("tasks", "/plan/tasks", "The 56 key tasks", "56项重点工作任务", "Every row of the annex table, with measure, bodies, roles, districts, deadlines and targets.", "附件分解表每一行，含所属措施、责任单位及角色、区县、时限和目标。", TASK_COLUMNS, en, zh, DATA_LICENCE, DATA_LICENCE_ZH),
        Dataset("targets", "/targets", "Quantitative targets", "量化目标", "Every quantitative target in the plan with the value its status rests on and the computed status.", "方案中的全部量化目标，附状态所依据的数值及计算得出的状态。", TARGET_COLUMNS, en, zh, DATA_LICENCE, DATA_LICENCE_ZH),
        Dataset("departments", "/departments", "Responsible bodies", "责任单位", "Every body named in the responsibility column, with the tasks it leads, supports, shares or implements.", "责任分工栏中出现的全部单位及其牵头、配合、分工负责、负责落实的任务。", DEPARTMENT_COLUMNS, en, zh, DATA_LICENCE, DATA_LICENCE_ZH),
    )
