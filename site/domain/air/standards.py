"""AQI standards loaded from data/aqi/*.yaml, so a revised standard is new data, not new code."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import yaml

# Units of each breakpoint table; CO is the only one in mg/m³.
POLLUTANTS = ("pm25", "pm10", "so2", "no2", "co", "o3")
UNITS = {"pm25": "µg/m³", "pm10": "µg/m³", "so2": "µg/m³", "no2": "µg/m³", "co": "mg/m³", "o3": "µg/m³"}
# Names used by CNEMC for primary pollutants, and display names.
POLLUTANT_NAMES = {
    "pm25": ("细颗粒物(PM2.5)", "PM2.5"),
    "pm10": ("颗粒物(PM10)", "PM10"),
    "so2": ("二氧化硫", "SO2"),
    "no2": ("二氧化氮", "NO2"),
    "co": ("一氧化碳", "CO"),
    "o3": ("臭氧", "O3"),
}


@dataclass(frozen=True)
class Level:
    level: int
    aqi_max: int | None
    name_zh: str
    name_en: str
    category_zh: str
    colour: str
    effect_zh: str
    effect_en: str
    advice_zh: str
    advice_en: str

    @property
    def aqi_min(self) -> int:
        return {1: 0, 2: 51, 3: 101, 4: 151, 5: 201, 6: 301}.get(self.level, 0)


@dataclass(frozen=True)
class Standard:
    """One AQI regulation's tables (e.g. HJ 633-2012)."""

    name: str
    title_zh: str
    title_en: str
    assessment: str
    ambient_standard: str
    iaqi: tuple[float, ...]
    breakpoints: dict[str, tuple[float, ...]]
    levels: tuple[Level, ...]

    def level(self, aqi: float | None) -> Level | None:
        if aqi is None or math.isnan(aqi):
            return None
        for lv in self.levels:
            if lv.aqi_max is None or aqi <= lv.aqi_max:
                return lv
        return self.levels[-1]

    @property
    def level_bounds(self) -> list[int]:
        return [lv.aqi_max for lv in self.levels if lv.aqi_max is not None]


@dataclass(frozen=True)
class Version:
    """A regulation's period of application; `standard` is None when its tables are not entered."""

    name: str
    assessment: str
    ambient_standard: str
    applies_from: date | None
    applies_until: date | None
    standard: Standard | None

    def covers(self, day: date) -> bool:
        return (self.applies_from is None or day >= self.applies_from) and (
            self.applies_until is None or day <= self.applies_until
        )


@dataclass(frozen=True)
class Rules:
    """HJ 663 validity and assessment parameters."""

    name: str
    daily_min_hours: int
    o3_8h_min_hours: int
    o3_daily_min_windows: int
    o3_8h_limit: float
    annual_min_days: int
    month_min_days: int
    february_min_days: int
    co_percentile: float
    o3_percentile: float
    heavy_aqi_above: int
    good_aqi_at_most: int


@dataclass(frozen=True)
class Standards:
    versions: tuple[Version, ...]
    rules: Rules

    def for_day(self, day: date | datetime) -> Version:
        if isinstance(day, datetime):
            day = day.date()
        for v in self.versions:
            if v.covers(day):
                return v
        raise LookupError(f"no AQI standard version covers {day}")

    @property
    def default(self) -> Standard:
        """The newest version whose tables are entered (used for legends and the methodology page)."""
        usable = [v.standard for v in self.versions if v.standard is not None]
        if not usable:
            raise LookupError("no AQI standard tables are entered in data/aqi")
        return usable[-1]

    def switch_date(self) -> date | None:
        """First day not covered by an entered standard (e.g. 2026-03-01), or None."""
        for v in self.versions:
            if v.standard is None and v.applies_from is not None:
                return v.applies_from
        return None


def _date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value  # type: ignore[return-value]
    return date.fromisoformat(str(value))


def load_standard(path: Path) -> Standard:
    raw = yaml.safe_load(path.read_text("utf-8"))
    try:
        iaqi = tuple(float(x) for x in raw["iaqi"])
        bps = {k: tuple(float(x) for x in v) for k, v in raw["breakpoints"].items()}
        levels = tuple(Level(**lv) for lv in raw["levels"])
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path}: malformed standard file: {exc}") from exc
    for key, seq in bps.items():
        if list(seq) != sorted(seq) or len(seq) > len(iaqi):
            raise ValueError(f"{path}: breakpoints {key} must rise and have at most {len(iaqi)} values")
    return Standard(raw["name"], raw["title_zh"], raw["title_en"], raw["assessment"],
                    raw["ambient_standard"], iaqi, bps, levels)


def load_standards(aqi_dir: Path) -> Standards:
    """Read versions.yaml and every referenced table file from `aqi_dir` (data/aqi)."""
    aqi_dir = Path(aqi_dir)
    raw = yaml.safe_load((aqi_dir / "versions.yaml").read_text("utf-8"))
    versions = []
    for v in raw["versions"]:
        std = load_standard(aqi_dir / v["file"]) if v.get("file") else None
        versions.append(Version(v["name"], v["assessment"], v["ambient_standard"],
                                _date(v.get("applies_from")), _date(v.get("applies_until")), std))
    rules_raw = yaml.safe_load((aqi_dir / "hj663-2013.yaml").read_text("utf-8"))
    return Standards(tuple(versions), Rules(**rules_raw))
