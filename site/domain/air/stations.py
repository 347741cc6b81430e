"""The station registry (data/stations/stations.csv), read and checked."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

COLUMNS = ["code", "name_zh", "name_en", "city", "district", "lat_wgs84", "lon_wgs84", "background"]
# CNEMC city names and their English forms; 苏州 is the default city of the site.
CITIES = {"苏州": "Suzhou", "吴江": "Wujiang", "昆山": "Kunshan", "常熟": "Changshu", "张家港": "Zhangjiagang",
          "太仓": "Taicang"}
DEFAULT_CITY = "苏州"


@dataclass(frozen=True)
class StationRecord:
    code: str
    name_zh: str
    name_en: str
    city: str
    district: str | None
    lat_wgs84: float
    lon_wgs84: float
    background: bool


def load_stations(path: Path, district_slugs: set[str] | None = None) -> list[StationRecord]:
    """Read the registry; ValueError names file and line for any bad row."""
    path = Path(path)
    out: list[StationRecord] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != COLUMNS:
            raise ValueError(f"{path}: line 1: header must be {','.join(COLUMNS)}")
        seen: set[str] = set()
        for row in reader:
            line = reader.line_num
            code = row["code"].strip()
            if not code or code in seen:
                raise ValueError(f"{path}: line {line}: empty or duplicate station code {code!r}")
            seen.add(code)
            if row["city"] not in CITIES:
                raise ValueError(f"{path}: line {line}: city {row['city']!r} is not one of {', '.join(CITIES)}")
            district = row["district"].strip() or None
            if district and district_slugs is not None and district not in district_slugs:
                raise ValueError(f"{path}: line {line}: unknown district slug {district!r}")
            try:
                lat, lon = float(row["lat_wgs84"]), float(row["lon_wgs84"])
            except ValueError:
                raise ValueError(f"{path}: line {line}: coordinates must be numbers") from None
            if not (30.5 < lat < 32.5 and 119.5 < lon < 121.5):
                raise ValueError(f"{path}: line {line}: coordinates outside Suzhou")
            if row["background"] not in ("true", "false"):
                raise ValueError(f"{path}: line {line}: background must be true or false")
            out.append(StationRecord(code, row["name_zh"], row["name_en"], row["city"], district, lat, lon,
                                     row["background"] == "true"))
    return out


def stations_frame(stations: list[StationRecord]) -> pd.DataFrame:
    return pd.DataFrame([s.__dict__ for s in stations], columns=COLUMNS)
