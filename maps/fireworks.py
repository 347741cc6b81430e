"""Fireworks ban as data: per-district text (`data/fireworks/bans.yaml`) and drop-in zone polygons."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from .coords import convert_features, gcj02_to_wgs84

SCOPES = ("whole", "partial", "unknown")
ZONE_FIELDS = ("district", "name_zh", "name_en", "source_title", "source_url", "as_of")


class FireworksDataError(ValueError):
    """A fireworks data file is malformed; the message names the file."""


@dataclass(frozen=True)
class DistrictBan:
    slug: str
    scope: str
    area_zh: str
    area_en: str


@dataclass(frozen=True)
class FireworksRules:
    legal_title_zh: str
    legal_title_en: str
    in_force: date
    source_title_zh: str
    source_title_en: str
    reported: date
    source_url: str | None
    caveat_zh: str
    caveat_en: str
    citywide_zh: str
    citywide_en: str
    districts: tuple[DistrictBan, ...]

    def ban(self, slug: str) -> DistrictBan | None:
        return next((d for d in self.districts if d.slug == slug), None)


@dataclass(frozen=True)
class BanZone:
    """An official ban-zone polygon layer, always held in WGS-84."""

    file: str
    district: str
    name_zh: str
    name_en: str
    source_title: str
    source_url: str
    as_of: date
    features: tuple[dict, ...]


def _text(data: dict, key: str, file: Path) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FireworksDataError(f"{file}: '{key}' must be a non-empty text")
    return value.strip()


def _date(value: object, key: str, file: Path) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FireworksDataError(f"{file}: '{key}' must be a date YYYY-MM-DD, got {value!r}") from None


def load_rules(path: Path, districts: Iterable[str]) -> FireworksRules:
    data = yaml.safe_load(path.read_text("utf-8"))
    known = set(districts)
    legal, source = data.get("legal_basis") or {}, data.get("source") or {}
    bans = []
    for item in data.get("districts") or []:
        slug = item.get("slug")
        if slug not in known:
            raise FireworksDataError(f"{path}: unknown district {slug!r}")
        scope = item.get("scope")
        if scope not in SCOPES:
            raise FireworksDataError(f"{path}: {slug}: scope must be one of {', '.join(SCOPES)}, got {scope!r}")
        bans.append(DistrictBan(slug, scope, _text(item, "area_zh", path), _text(item, "area_en", path)))
    if missing := known - {b.slug for b in bans}:
        raise FireworksDataError(f"{path}: no entry for {', '.join(sorted(missing))} (use scope: unknown)")
    return FireworksRules(
        legal_title_zh=_text(legal, "title_zh", path),
        legal_title_en=_text(legal, "title_en", path),
        in_force=_date(legal.get("in_force"), "legal_basis.in_force", path),
        source_title_zh=_text(source, "title_zh", path),
        source_title_en=_text(source, "title_en", path),
        reported=_date(source.get("reported"), "source.reported", path),
        source_url=source.get("url") or None,
        caveat_zh=_text(data, "caveat_zh", path),
        caveat_en=_text(data, "caveat_en", path),
        citywide_zh=_text(data, "citywide_zh", path),
        citywide_en=_text(data, "citywide_en", path),
        districts=tuple(bans),
    )


def load_zones(folder: Path, districts: Iterable[str]) -> list[BanZone]:
    """Every `*.wgs84.geojson` / `*.gcj02.geojson` in `folder`, converted to WGS-84."""
    if not folder.is_dir():
        return []
    known = set(districts)
    zones = []
    for path in sorted(folder.glob("*.geojson")):
        datum = path.name.rsplit(".", 2)[-2].lower() if path.name.count(".") >= 2 else ""
        if datum not in ("wgs84", "gcj02"):
            raise FireworksDataError(f"{path}: name must end in .wgs84.geojson or .gcj02.geojson to state its datum")
        try:
            doc = json.loads(path.read_text("utf-8"))
        except json.JSONDecodeError as exc:
            raise FireworksDataError(f"{path}: not valid JSON ({exc})") from None
        if doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
            raise FireworksDataError(f"{path}: must be a GeoJSON FeatureCollection")
        props = doc.get("properties") or {}
        for key in ZONE_FIELDS:
            if not props.get(key):
                raise FireworksDataError(f"{path}: top-level properties need '{key}'")
        if props["district"] not in known:
            raise FireworksDataError(f"{path}: unknown district {props['district']!r}")
        for i, feature in enumerate(doc["features"]):
            if (feature.get("geometry") or {}).get("type") not in ("Polygon", "MultiPolygon"):
                raise FireworksDataError(f"{path}: feature {i} must be a Polygon or MultiPolygon")
        features = doc["features"] if datum == "wgs84" else convert_features(doc["features"], gcj02_to_wgs84, 6)
        zones.append(BanZone(
            file=path.name, district=props["district"], name_zh=str(props["name_zh"]), name_en=str(props["name_en"]),
            source_title=str(props["source_title"]), source_url=str(props["source_url"]),
            as_of=_date(props["as_of"], "as_of", path), features=tuple(features),
        ))
    return zones
