"""Change rows and releases as records for pages, twins and feeds (one function per dataset)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..domain import history as h
from ..domain.opendata import Column, Dataset, Source
from ..domain.plan import Plan
from .models import DataRelease, HistoryChange, ReleaseFile

_SRC_EN, _SRC_ZH = "This site's change history, derived from the data files", "本站根据数据文件生成的变更记录"
_SRC = Source(_SRC_EN, _SRC_ZH)
_FILE = Source("The data file", "数据文件")


def entity_titles(plan: Plan, entity: str) -> tuple[str, str]:
    """(Chinese, English) name of what changed, e.g. a target's title or 'Task 27'."""
    kind, _, ident = entity.partition(":")
    if kind == "target":
        t = plan.target(ident)
        return (t.title_zh, t.title_en) if t else (ident, ident)
    if kind == "value":
        slug, when, period = (ident.split("/") + ["", ""])[:3]
        t = plan.target(slug)
        zh, en = (t.title_zh, t.title_en) if t else (slug, slug)
        return f"{zh}：{when} 发布值", f"{en}: value for {when} ({period})"
    if kind == "task":
        return f"任务{ident}", f"Task {ident}"
    if kind == "assignment":
        number, _, slug = ident.partition("/")
        d = plan.department(slug)
        return (f"任务{number}：{d.name_zh if d else slug}",
                f"Task {number}: {d.name_en if d else slug}")
    if kind == "measure":
        return f"措施{ident}", f"Measure {ident}"
    if kind == "department":
        d = plan.department(ident)
        return (d.name_zh, d.name_en) if d else (ident, ident)
    if kind == "district" or kind == "progress":
        district, _, number = ident.partition("/")
        d = plan.district(district)
        zh, en = (d.name_zh, d.name_en) if d else ("全市", "City-wide") if district == "city" else (district, district)
        if kind == "progress":
            return f"{zh}：任务{number}进展", f"{en}: progress of task {number}"
        return zh, en
    return entity, entity


def entity_path(entity: str) -> str:
    """Site path of the page showing the entity (without locale prefix)."""
    r = h.refs(entity)
    if r["target"]:
        return f"/targets/{r['target']}"
    if r["task"] is not None:
        return f"/plan/tasks/{r['task']}"
    if r["department"]:
        return f"/departments/{r['department']}"
    if entity.startswith("measure:"):
        return f"/plan/measures/{entity.partition(':')[2]}"
    return "/changes"


def change_record(plan: Plan, c: HistoryChange) -> dict[str, Any]:
    zh, en = entity_titles(plan, c.entity)
    kind = "changed" if c.field else ("added" if c.old_value is None else "removed")
    return {
        "id": c.id,
        "entity": c.entity,
        "entity_title_zh": zh,
        "entity_title_en": en,
        "path": entity_path(c.entity),
        "kind": kind,
        "field": c.field,
        "old": h.from_json_text(c.old_value),
        "new": h.from_json_text(c.new_value),
        "effective_date": c.effective_date.isoformat(),
        "source": c.change_source,
        "source_url": c.change_source_url,
        "note": c.note,
        "recorded_at": h.rfc3339(c.recorded_at),
        "target": c.target,
        "task": c.task,
        "department": c.department,
        "district": c.district,
        "data_file": c.source,
    }


def change_csv_row(record: Mapping[str, Any]) -> dict[str, Any]:
    row = dict(record)
    for key in ("old", "new"):
        value = record[key]
        row[key] = h.to_json_text(value) if isinstance(value, (dict, list)) else value
    return row


def release_record(rel: DataRelease, files: list[ReleaseFile], base: str) -> dict[str, Any]:
    return {
        "version": rel.version,
        "released_on": rel.released_on.isoformat(),
        "created_at": h.rfc3339(rel.created_at),
        "note": rel.note,
        "change_count": rel.change_count,
        "archive": f"{base}/data/releases/{rel.version}.zip",  # every file below in one ZIP
        "files": [
            {"name": f.name, "media_type": f.media_type, "sha256": f.sha256, "size": f.size,
             "url": f"{base}/data/releases/{rel.version}/{f.name}"}
            for f in files
        ],
    }


def release_csv_rows(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {"version": record["version"], "released_on": record["released_on"], "note": record["note"], **f}
        for f in record["files"]
    ]


CHANGE_COLUMNS = (
    Column("id", "integer", "Stable number of the change", "变更的稳定编号", _SRC),
    Column("entity", "string", "What changed: type:identifier (target:…, task:…, assignment:task/body, value:…, progress:district/task)", "变更对象：类型:标识", _SRC),
    Column("entity_title_zh", "string", "Name of what changed (Chinese)", "变更对象名称（中文）", _SRC),
    Column("entity_title_en", "string", "Name of what changed (English)", "变更对象名称（英文）", _SRC),
    Column("kind", "string", "changed, added or removed", "变更类型：changed 修改、added 新增、removed 删除", _SRC),
    Column("field", "string", "Field that changed (blank when a whole record was added or removed)", "变更字段（整条新增或删除时为空）", _SRC),
    Column("old", "string", "Value before (JSON for whole records)", "变更前的值", Source("The previous version of the data file", "数据文件上一版本")),
    Column("new", "string", "Value after (JSON for whole records)", "变更后的值", Source("The current version of the data file", "数据文件当前版本")),
    Column("effective_date", "date", "When the change took effect: the date in the data file, else the date the file was loaded", "生效日期：数据文件中写明的日期，否则为载入日期", _SRC),
    Column("source", "string", "Publication or file that justifies the change", "变更依据（出处）", _FILE),
    Column("source_url", "string", "Link to that publication", "出处链接", _FILE),
    Column("note", "string", "Short note", "说明", _FILE),
    Column("recorded_at", "datetime", "When this site recorded the change (UTC)", "本站记录变更的时间（UTC）", _SRC),
    Column("target", "string", "Target slug concerned", "相关目标", _SRC),
    Column("task", "integer", "Task number concerned", "相关任务序号", _SRC),
    Column("department", "string", "Body concerned", "相关单位", _SRC),
    Column("district", "string", "District concerned", "相关区县", _SRC),
    Column("data_file", "string", "Tracked source: targets, plan, indicators, districts, or progress (published through the staff desk)", "所属数据源（progress：经工作人员后台发布）", _SRC),
)
RELEASE_COLUMNS = (
    Column("version", "string", "Release version (date.sequence)", "版本号（日期.序号）", _SRC),
    Column("released_on", "date", "Release date", "发布日期", _SRC),
    Column("note", "string", "What the release contains", "版本说明", _SRC),
    Column("name", "string", "File name", "文件名", _SRC),
    Column("media_type", "string", "Media type", "文件类型", _SRC),
    Column("sha256", "string", "SHA-256 checksum of the file", "文件 SHA-256 校验值", _SRC),
    Column("size", "integer", "Size in bytes", "字节数", _SRC),
    Column("url", "string", "Permanent address of the file", "文件永久地址", _SRC),
)
HISTORY_DATASETS = (
    Dataset("changes", "/changes", "Change history", "变更记录", "Every recorded change to targets, tasks, assignments, published values and district progress, newest first, with date, source and note.", "目标、任务、责任分工、发布值和区县进展的全部变更记录，按时间倒序，附日期、出处和说明。", CHANGE_COLUMNS, _SRC_EN, _SRC_ZH, "CC BY 4.0"),
    Dataset("releases", "/data/releases", "Data releases", "数据版本", "Dated snapshots of every download with SHA-256 checksums and a changelog.", "每个下载文件的历史快照，附 SHA-256 校验值和变更日志。", RELEASE_COLUMNS, _SRC_EN, "本站数据版本", "CC BY 4.0"),
)
