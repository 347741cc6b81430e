"""Open-data records of the air engine: column dictionaries and row shapes for JSON and CSV."""

from __future__ import annotations

from ..domain.opendata import THIS_SITE, Column, Dataset, Source

SRC = Source("CNEMC (中国环境监测总站); recomputed by this site (HJ 633-2012 / HJ 663-2013)",
             "中国环境监测总站数据，本站按HJ 633-2012／HJ 663-2013重新计算")
CNEMC = Source("CNEMC", "中国环境监测总站")
ISSUING_DOCUMENT = Source("The issuing document", "发布文件")
PUBLISHED_DAILY_AQI = Source("CNEMC daily AQI as published", "中国环境监测总站发布的日AQI")
LICENCE = "Observations: CNEMC (public government data). Computations: CC BY 4.0"
LICENCE_ZH = "监测数据：中国环境监测总站（政府公开数据）；计算结果：CC BY 4.0"
SOURCE_EN = ("China National Environmental Monitoring Centre (CNEMC) station-hourly data; city-daily values as "
             "republished by aqistudy.cn; AQI and assessment recomputed by this site")
SOURCE_ZH = "中国环境监测总站站点小时数据；城市日数据经真气网（aqistudy.cn）转载；AQI与评价由本站重新计算"

LATEST_COLUMNS = (
    Column("station", "string", "Station code (CNEMC)", "站点编码（中国环境监测总站）", CNEMC),
    Column("name_zh", "string", "Station name (Chinese)", "站点名称", CNEMC),
    Column("name_en", "string", "Station name (English)", "站点英文名称", THIS_SITE),
    Column("city", "string", "CNEMC city the station is filed under", "所属城市（总站口径）", CNEMC),
    Column("background", "boolean", "Background station (excluded from city means)", "是否对照点（不参与城市均值）", CNEMC),
    Column("time", "datetime", "Observation time, Beijing time; mean of the hour ending then", "监测时间（北京时间，该时刻结束的小时均值）", CNEMC),
    Column("aqi", "integer", "Hourly AQI recomputed by this site (empty when not computable)", "本站重新计算的小时AQI", SRC),
    Column("aqi_published", "integer", "Hourly AQI as published", "发布的小时AQI", CNEMC),
    Column("level", "integer", "AQI level 1–6 (HJ 633)", "AQI级别（1–6）", SRC),
    Column("level_name_en", "string", "Level name (English)", "级别英文名称", Source("HJ 633", "HJ 633")),
    Column("level_name_zh", "string", "Level name (Chinese)", "级别名称", Source("HJ 633", "HJ 633")),
    Column("primary_pollutants", "list", "Primary pollutant(s) (AQI > 50)", "首要污染物", SRC),
    Column("pm25", "number", "PM2.5, 1-h mean, µg/m³", "PM2.5小时均值（微克/立方米）", CNEMC),
    Column("pm10", "number", "PM10, 1-h mean, µg/m³", "PM10小时均值", CNEMC),
    Column("so2", "number", "SO2, 1-h mean, µg/m³", "SO2小时均值", CNEMC),
    Column("no2", "number", "NO2, 1-h mean, µg/m³", "NO2小时均值", CNEMC),
    Column("co", "number", "CO, 1-h mean, mg/m³", "CO小时均值（毫克/立方米）", CNEMC),
    Column("o3", "number", "O3, 1-h mean, µg/m³", "O3小时均值", CNEMC),
    Column("standard", "string", "AQI standard version used", "所用AQI技术规定版本", THIS_SITE),
    Column("stale", "boolean", "True when the observation is older than AIR_STALE_MINUTES (judged when the file was served)",
           "数据是否已过时（按提供本文件时判断）", THIS_SITE),
)

DAILY_COLUMNS = (
    Column("date", "date", "Natural day (hourly values stamped 00:00–23:00)", "自然日（00:00–23:00时次）", Source("HJ 663-2013", "HJ 663-2013")),
    Column("station", "string", "Station code or CNEMC city name (city rows)", "站点编码或城市名称", CNEMC),
    Column("aqi", "integer", "Daily AQI recomputed by this site (empty unless all six values are valid)", "本站重新计算的日AQI", SRC),
    Column("aqi_published", "integer", "Daily AQI as published (city files only)", "发布的日AQI", Source("CNEMC, as republished by aqistudy.cn", "中国环境监测总站，经真气网（aqistudy.cn）转载")),
    Column("level", "integer", "AQI level 1–6 of the recomputed AQI", "AQI级别", SRC),
    Column("primary_pollutants", "list", "Primary pollutant(s)", "首要污染物", SRC),
    Column("pm25", "number", "PM2.5 24-h mean, µg/m³", "PM2.5日均值", SRC),
    Column("pm10", "number", "PM10 24-h mean, µg/m³", "PM10日均值", SRC),
    Column("so2", "number", "SO2 24-h mean, µg/m³", "SO2日均值", SRC),
    Column("no2", "number", "NO2 24-h mean, µg/m³", "NO2日均值", SRC),
    Column("co", "number", "CO 24-h mean, mg/m³", "CO日均值（毫克/立方米）", SRC),
    Column("o3_8h", "number", "Daily maximum 8-h mean O3, µg/m³", "O3日最大8小时平均", SRC),
    Column("valid", "boolean", "All six daily values meet the HJ 663-2013 validity rules", "六项日值均有效", Source("HJ 663-2013", "HJ 663-2013")),
    Column("standard", "string", "AQI standard version used", "所用版本", THIS_SITE),
    Column("source", "string", "File the values came from, or 'hourly'/'stations' when computed here", "数据来源文件", THIS_SITE),
)

ANNUAL_COLUMNS = (
    Column("year", "integer", "Calendar year", "年份"),
    Column("station", "string", "Station code or CNEMC city name", "站点编码或城市名称", CNEMC),
    Column("pm25", "number", "Annual mean PM2.5, µg/m³", "PM2.5年均浓度", SRC),
    Column("pm10", "number", "Annual mean PM10, µg/m³", "PM10年均浓度", SRC),
    Column("no2", "number", "Annual mean NO2, µg/m³", "NO2年均浓度", SRC),
    Column("so2", "number", "Annual mean SO2, µg/m³", "SO2年均浓度", SRC),
    Column("co_p95", "number", "95th percentile of daily CO, mg/m³", "CO日均值第95百分位数", SRC),
    Column("o3_8h_p90", "number", "90th percentile of daily max 8-h O3, µg/m³", "O3日最大8小时第90百分位数", SRC),
    Column("good_days_ratio_published", "number", "Official good-day ratio: share of days whose published daily AQI is ≤ 100 (empty without a published daily AQI)", "优良天数比例（按发布的日AQI，官方口径）", PUBLISHED_DAILY_AQI),
    Column("heavy_days_published", "integer", "Official heavy-pollution days: published daily AQI > 200", "重度及以上污染天数（按发布的日AQI，官方口径）", PUBLISHED_DAILY_AQI),
    Column("aqi_days_published", "integer", "Days with a published daily AQI", "有发布日AQI的天数", PUBLISHED_DAILY_AQI),
    Column("good_days_ratio", "number", "Good-day ratio from the daily AQI recomputed by this site (AQI ≤ 100)", "优良天数比例（按本站重新计算的日AQI）", SRC),
    Column("heavy_days", "integer", "Heavy-pollution days from the daily AQI recomputed by this site (AQI > 200)", "重度及以上污染天数（按本站重新计算的日AQI）", SRC),
    Column("aqi_days", "integer", "Days with a recomputed daily AQI", "有本站重新计算日AQI的天数", SRC),
    Column("valid_days", "integer", "Valid PM2.5 days", "PM2.5有效天数", SRC),
    Column("complete", "boolean", "PM2.5 meets HJ 663-2013 completeness (≥ 324 days, each month ≥ 27, Feb ≥ 25)", "PM2.5数据满足年评价有效性", Source("HJ 663-2013", "HJ 663-2013")),
    Column("first_date", "date", "First day with data", "首个有数据日"),
    Column("last_date", "date", "Last day with data", "最后有数据日"),
    Column("standard", "string", "AQI standard version used", "所用版本", THIS_SITE),
    Column("source_files", "list", "Files the year's daily values come from, by name (hourly files for days computed here)", "该年日数据来自的文件名（本站由小时数据计算的日子列出小时数据文件）", Source("The import log", "导入记录")),
)

STATION_COLUMNS = (
    Column("code", "string", "CNEMC station code", "站点编码", Source("CNEMC station list 2022-02-13", "中国环境监测总站国控站点名录（2022-02-13）")),
    Column("name_zh", "string", "Station name", "站点名称", CNEMC),
    Column("name_en", "string", "English name", "英文名称", THIS_SITE),
    Column("city", "string", "CNEMC city", "所属城市（总站口径）", CNEMC),
    Column("district", "string", "County-level district slug (empty when not verified)", "所在县级行政区", THIS_SITE),
    Column("lat_wgs84", "number", "Latitude, WGS-84", "纬度（WGS-84）", CNEMC),
    Column("lon_wgs84", "number", "Longitude, WGS-84", "经度（WGS-84）", CNEMC),
    Column("background", "boolean", "Background station (对照点), excluded from city means", "对照点", CNEMC),
)

ALERT_SOURCE_EN = ("Heavy-pollution weather alerts as issued by the authorities, recorded by the plan office; "
                   "each row links to the issuing document")
ALERT_SOURCE_ZH = "有关部门发布的重污染天气预警，由行动计划办公室录入；每条附发布文件链接"

ALERT_COLUMNS = (
    Column("id", "integer", "Alert number on this site (stable)", "本站预警编号（不变）", THIS_SITE),
    Column("level", "string", "yellow | orange | red", "预警级别：yellow黄色、orange橙色、red红色", ISSUING_DOCUMENT),
    Column("level_name_zh", "string", "Level name (Chinese)", "级别名称", ISSUING_DOCUMENT),
    Column("level_name_en", "string", "Level name (English)", "级别英文名称", THIS_SITE),
    Column("response_level", "string", "Emergency response level it starts (Ⅲ, Ⅱ, Ⅰ)", "对应应急响应级别", ISSUING_DOCUMENT),
    Column("status", "string", "scheduled | active | ended, judged when the file was served",
           "状态：scheduled未开始、active生效中、ended已解除（按提供本文件时判断）", THIS_SITE),
    Column("starts_at", "datetime", "When it takes effect (+08:00)", "生效时间", ISSUING_DOCUMENT),
    Column("ends_at", "datetime", "When it was lifted (+08:00); empty while open", "解除时间（未解除为空）", ISSUING_DOCUMENT),
    Column("issuer", "string", "Issuing body", "发布单位", ISSUING_DOCUMENT),
    Column("title", "string", "Title of the issuing document", "发布文件标题", ISSUING_DOCUMENT),
    Column("url", "string", "Address of the issuing document", "发布文件链接", ISSUING_DOCUMENT),
    Column("recorded_at", "datetime", "When it was recorded on this site (+08:00)", "本站录入时间", THIS_SITE),
)

CORRECTION_COLUMNS = (
    Column("id", "integer", "Correction number (one per corrected value; several fields may share it)", "更正编号", THIS_SITE),
    Column("station", "string", "Station code, or CNEMC city name for a daily city value", "站点编码或城市名称", CNEMC),
    Column("date", "date", "Day of the corrected value", "被更正数据的日期", CNEMC),
    Column("hour", "integer", "Hour label 0–23 (Beijing time) of an hourly value; empty for a daily value",
           "小时（北京时间0–23）；日数据为空", CNEMC),
    Column("time", "datetime", "The corrected observation hour (+08:00); empty for a daily value", "被更正的监测时间", CNEMC),
    Column("field", "string", "What changed (pm25, pm10, so2, no2, co, o3, so2_24h, aqi_published; daily: o3_8h)",
           "变化的项目", THIS_SITE),
    Column("old_value", "number", "Value before (empty = none)", "更正前的值", CNEMC),
    Column("new_value", "number", "Value after, now shown by the site (empty = none)", "更正后的值（本站现显示）", CNEMC),
    Column("old_source", "string", "File the earlier value came from", "原值来源文件", THIS_SITE),
    Column("new_source", "string", "File that changed it", "新值来源文件", THIS_SITE),
    Column("recorded_at", "datetime", "When the site imported the change (+08:00)", "本站导入时间", THIS_SITE),
)

AIR_DATASETS = [
    Dataset("air-latest", "/air/latest", "Latest hourly air quality by station", "各站点最新小时空气质量",
            "The latest stored hour of every station: published and recomputed AQI, six pollutants.",
            "每个站点最新一小时：发布的与本站重新计算的AQI、六项污染物。", LATEST_COLUMNS, SOURCE_EN, SOURCE_ZH,
            LICENCE, LICENCE_ZH),
    Dataset("air-daily", "/air/daily", "Daily air quality (stations and cities)", "空气质量日数据（站点与城市）",
            "Daily values per HJ 663-2013; ?station=<code or city>&start=YYYY-MM-DD&end=YYYY-MM-DD.",
            "按HJ 663-2013计算的日数据；参数 ?station=站点编码或城市&start=&end=。", DAILY_COLUMNS, SOURCE_EN,
            SOURCE_ZH, LICENCE, LICENCE_ZH),
    Dataset("air-annual", "/air/annual", "Annual air-quality assessment", "空气质量年度评价",
            "HJ 663-2013 annual statistics with completeness; ?station=<code or city>.",
            "按HJ 663-2013的年度统计及数据完整性；参数 ?station=。", ANNUAL_COLUMNS, SOURCE_EN, SOURCE_ZH, LICENCE,
            LICENCE_ZH),
    Dataset("air-stations", "/air/stations", "Monitoring stations", "国控监测站点",
            "The 24 national-network stations of Suzhou with WGS-84 coordinates.",
            "苏州24个国控站点及WGS-84坐标。", STATION_COLUMNS,
            "CNEMC national station list valid from 2022-02-13", "中国环境监测总站国控站点名录（2022-02-13起）",
            "Facts: CNEMC; selection and English names: CC BY 4.0", "站点信息：中国环境监测总站；选取与英文名称：CC BY 4.0"),
    Dataset("air-alerts", "/alerts", "Heavy-pollution weather alerts", "重污染天气预警",
            "Every alert recorded: level, start, end, issuing body and document; also as an Atom feed (/alerts.atom).",
            "已录入的全部预警：级别、起止时间、发布单位与文件；另有Atom订阅（/alerts.atom）。", ALERT_COLUMNS,
            ALERT_SOURCE_EN, ALERT_SOURCE_ZH, "Facts: issuing authorities; records: CC BY 4.0",
            "事实：发布机关；记录：CC BY 4.0"),
    Dataset("air-corrections", "/air/corrections", "Corrections by the publisher", "发布方数据更正",
            "Stored observations that a later published file changed: before, after, which files, when.",
            "后发布的文件改变了已入库数据的记录：更正前后、来源文件与时间。", CORRECTION_COLUMNS, SOURCE_EN,
            SOURCE_ZH, LICENCE, LICENCE_ZH),
]
