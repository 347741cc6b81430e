"""The byte layout of `air_hour_day` rows: a station-day's 24 hours as packed little-endian arrays.

Pure numpy, no database or Flask: the store packs whole batches of days at once and the pages
unpack the few days they show. The layout is part of the schema (migration 0005); changing it
needs a migration that rewrites the rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

HOURS = 24
# Observed fields, in this order, in `observed` (float64 [8 × 24]); NaN = no value.
OBSERVED = ("pm25", "pm10", "so2", "no2", "co", "o3", "so2_24h", "aqi_published")
# Recomputed fields in `recomputed` (int16 [3 × 24]); NONE where there is no value.
RECOMPUTED = ("aqi", "level", "primary")
NONE = -1

_OBSERVED_BYTES = len(OBSERVED) * HOURS * 8
_RECOMPUTED_BYTES = len(RECOMPUTED) * HOURS * 2
_SOURCES_BYTES = HOURS * 4


class LayoutError(ValueError):
    """A stored row whose bytes do not have the documented layout (corrupt or foreign data)."""


def _split(buffer: bytes, size: int, n: int) -> list[bytes]:
    return [buffer[i * size:(i + 1) * size] for i in range(n)]


def pack_observed(grid: np.ndarray) -> list[bytes]:
    """[n × 8 × 24] float values -> n blobs."""
    g = np.ascontiguousarray(grid, dtype="<f8")
    return _split(g.tobytes(), _OBSERVED_BYTES, len(g))


def pack_recomputed(aqi: np.ndarray, level: np.ndarray, primary: np.ndarray) -> list[bytes]:
    """Three [n × 24] arrays (NaN or NONE = no value) -> n blobs of int16."""
    stacked = np.stack([np.nan_to_num(np.asarray(a, dtype="float64"), nan=NONE) for a in (aqi, level, primary)],
                       axis=1)
    g = np.ascontiguousarray(stacked.astype("<i2"))
    return _split(g.tobytes(), _RECOMPUTED_BYTES, len(g))


def pack_sources(sources: np.ndarray) -> list[bytes]:
    """[n × 24] import ids (0 = no value) -> n blobs of int32."""
    g = np.ascontiguousarray(np.asarray(sources).astype("<i4"))
    return _split(g.tobytes(), _SOURCES_BYTES, len(g))


def _unpack(blobs: Sequence[bytes], size: int, dtype: str, shape: tuple[int, ...], what: str) -> np.ndarray:
    for i, b in enumerate(blobs):
        if len(b) != size:
            raise LayoutError(f"air_hour_day row {i}: {what} has {len(b)} bytes, expected {size}")
    return np.frombuffer(b"".join(blobs), dtype=dtype).reshape((len(blobs), *shape)).copy()


def unpack_observed(blobs: Sequence[bytes]) -> np.ndarray:
    """n blobs -> float64 [n × 8 × 24]."""
    return _unpack(blobs, _OBSERVED_BYTES, "<f8", (len(OBSERVED), HOURS), "observed")


def unpack_recomputed(blobs: Sequence[bytes]) -> np.ndarray:
    """n blobs -> int16 [n × 3 × 24] (NONE = no value)."""
    return _unpack(blobs, _RECOMPUTED_BYTES, "<i2", (len(RECOMPUTED), HOURS), "recomputed")


def unpack_sources(blobs: Sequence[bytes]) -> np.ndarray:
    """n blobs -> int32 [n × 24] import ids (0 = no value)."""
    return _unpack(blobs, _SOURCES_BYTES, "<i4", (HOURS,), "sources")
