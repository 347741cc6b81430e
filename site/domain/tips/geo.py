"""Distances and duplicate candidates (same category, within 200 m and 48 hours)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

EARTH_RADIUS_M = 6_371_008.8
DUPLICATE_RADIUS_M = 200.0
DUPLICATE_WINDOW = timedelta(hours=48)
# Suzhou's county-level units lie inside this WGS-84 box (with a margin for the lake and river).
SUZHOU_BOUNDS = (30.70, 119.85, 32.10, 121.40)  # south, west, north, east


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def in_suzhou(lat: float, lon: float) -> bool:
    s, w, n, e = SUZHOU_BOUNDS
    return s <= lat <= n and w <= lon <= e


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """A lat/lon box containing the circle, so the database can pre-filter with an index."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = math.degrees(radius_m / (EARTH_RADIUS_M * max(0.01, math.cos(math.radians(lat)))))
    return lat - dlat, lon - dlon, lat + dlat, lon + dlon


@dataclass(frozen=True)
class Located:
    id: int
    category: str
    lat: float | None
    lon: float | None
    district: str | None
    address: str
    occurred_at: datetime


def _same_text_place(a: Located, b: Located) -> bool:
    norm = lambda s: "".join(s.split()).lower()
    return bool(a.district and a.district == b.district and a.address and norm(a.address) == norm(b.address))


def duplicate_candidates(
    new: Located,
    others: Iterable[Located],
    radius_m: float = DUPLICATE_RADIUS_M,
    window: timedelta = DUPLICATE_WINDOW,
) -> list[tuple[Located, float | None]]:
    """Earlier tips that may report the same thing, nearest first (distance None = same address)."""
    out: list[tuple[Located, float | None]] = []
    for other in others:
        if other.id == new.id or other.category != new.category:
            continue
        if abs(other.occurred_at - new.occurred_at) > window:
            continue
        if None not in (new.lat, new.lon, other.lat, other.lon):
            d = haversine_m(new.lat, new.lon, other.lat, other.lon)  # type: ignore[arg-type]
            if d <= radius_m:
                out.append((other, d))
        elif _same_text_place(new, other):
            out.append((other, None))
    out.sort(key=lambda pair: (pair[1] is None, pair[1] or 0.0, pair[0].occurred_at))
    return out


def rough_point(lat: float, lon: float) -> tuple[float, float]:
    """About 1 km precision: enough to say 'near here' without pointing at a house."""
    return round(lat, 2), round(lon, 2)


def _in_ring(lat: float, lon: float, ring: list) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / ((yj - yi) or 1e-12) + xi:
            inside = not inside
        j = i
    return inside


def _in_polygon(lat: float, lon: float, polygon: list) -> bool:
    return bool(polygon) and _in_ring(lat, lon, polygon[0]) and not any(_in_ring(lat, lon, h) for h in polygon[1:])


def district_at(lat: float, lon: float, features: list[dict], key: str = "slug") -> str | None:
    """The `properties[key]` of the GeoJSON (Multi)Polygon feature containing the point."""
    for feat in features:
        geom = feat.get("geometry") or {}
        polys = geom.get("coordinates") or []
        if geom.get("type") == "Polygon":
            polys = [polys]
        elif geom.get("type") != "MultiPolygon":
            continue
        if any(_in_polygon(lat, lon, p) for p in polys):
            return (feat.get("properties") or {}).get(key)
    return None
