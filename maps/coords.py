"""GCJ-02 ⇄ WGS-84 datum conversion (pure functions, no dependencies).

Chinese web maps (Gaode/AMap, Tencent) publish coordinates in GCJ-02, an obfuscated datum that
shifts WGS-84 positions by a few hundred metres with a non-linear formula. The forward formula
(WGS-84 → GCJ-02) is widely published and reproduced below. There is no closed-form inverse, so
`gcj02_to_wgs84` inverts it by fixed-point iteration: start from the GCJ-02 point, apply the
forward shift, correct by the residual, repeat until the residual is below 1e-9° (≈ 0.1 mm).

Error budget (stated in docs/maps.md and data/boundaries/README.md):
- Inversion error against the forward formula: < 1e-8° (≈ 1 mm), checked in tests by round trip.
- The forward formula itself is the public reconstruction; it agrees with AMap's own conversion
  to within about 1–2 m in eastern China. For Suzhou boundary lines simplified to ~50 m this is
  negligible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
_A = 6378245.0
_EE = 0.00669342162296594323

Converter = Callable[[float, float], tuple[float, float]]


def in_china(lon: float, lat: float) -> bool:
    """The rough box inside which GCJ-02 applies (outside it, GCJ-02 equals WGS-84)."""
    return 72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271


def _delta(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
            + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
            + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 (lon, lat) → GCJ-02 (lon, lat)."""
    if not in_china(lon, lat):
        return lon, lat
    dlon, dlat = _delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float, tolerance: float = 1e-9, max_iter: int = 30) -> tuple[float, float]:
    """GCJ-02 (lon, lat) → WGS-84 (lon, lat), by iterating the forward formula to < `tolerance` degrees."""
    if not in_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(max_iter):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        rlon, rlat = lon - glon, lat - glat
        wlon, wlat = wlon + rlon, wlat + rlat
        if abs(rlon) < tolerance and abs(rlat) < tolerance:
            break
    return wlon, wlat


def _map_coords(coords: Any, fn: Converter, ndigits: int | None) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        lon, lat = fn(float(coords[0]), float(coords[1]))
        if ndigits is not None:
            lon, lat = round(lon, ndigits), round(lat, ndigits)
        return [lon, lat, *coords[2:]]
    return [_map_coords(c, fn, ndigits) for c in coords]


def convert_geometry(geometry: dict, fn: Converter, ndigits: int | None = None) -> dict:
    """A copy of a GeoJSON geometry with every position passed through `fn`."""
    if geometry["type"] == "GeometryCollection":
        return {**geometry, "geometries": [convert_geometry(g, fn, ndigits) for g in geometry["geometries"]]}
    return {**geometry, "coordinates": _map_coords(geometry["coordinates"], fn, ndigits)}


def convert_features(features: Iterable[dict], fn: Converter, ndigits: int | None = None) -> list[dict]:
    """Copies of GeoJSON features with converted geometries (properties untouched)."""
    return [{**f, "geometry": convert_geometry(f["geometry"], fn, ndigits) if f.get("geometry") else None}
            for f in features]
