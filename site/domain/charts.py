"""Geometry of the server-side SVG line chart (target histories, district PM2.5).

Pure arithmetic: points in, coordinates out. The template draws them (`_chart.html`), so every
label stays text in the page's language and the chart scales with its container (viewBox).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 400, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 16, 16, 40


@dataclass(frozen=True)
class Point:
    when: date
    value: float
    final: bool = True  # False: a running (year-to-date) value, drawn hollow and dashed


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    when: date
    value: float
    final: bool


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: tuple[ChartPoint, ...]
    path: str  # the line through the final values ("" when fewer than two)
    running_path: str  # dashed segment from the last final value to running values
    y_ticks: tuple[tuple[float, float], ...]  # (y, value)
    x_ticks: tuple[tuple[float, int], ...]  # (x, year)
    target: tuple[float, float] | None  # (y, value)
    deadline: tuple[float, date] | None  # (x, day)
    plot: tuple[float, float, float, float]  # left, top, right, bottom


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks if span > 0 else 1.0
    mag = 10 ** math.floor(math.log10(raw))
    return next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)


def line_chart(points: Sequence[Point], target: float | None = None, deadline: date | None = None,
               width: int = WIDTH, height: int = HEIGHT) -> LineChart | None:
    """Coordinates for a time series with an optional target line and deadline mark (None: no points)."""
    pts = sorted(points, key=lambda p: p.when)
    if not pts:
        return None
    left, top, right, bottom = LEFT, TOP, width - RIGHT, height - BOTTOM
    days = [p.when.toordinal() for p in pts] + ([deadline.toordinal()] if deadline else [])
    d0, d1 = min(days), max(days)
    first_year, last_year = date.fromordinal(d0).year, date.fromordinal(d1).year
    d0 = min(d0, date(first_year, 1, 1).toordinal())
    d1 = max(d1, date(last_year, 12, 31).toordinal())
    values = [p.value for p in pts] + ([target] if target is not None else [])
    lo, hi = min(0.0, min(values)), max(values)
    step = _nice_step(hi - lo)
    hi = math.ceil(hi * 1.1 / step) * step if hi > 0 else step
    lo = math.floor(lo / step) * step

    def x(day: int) -> float:
        return round(left + (day - d0) / max(d1 - d0, 1) * (right - left), 1)

    def y(v: float) -> float:
        return round(bottom - (v - lo) / max(hi - lo, 1e-9) * (bottom - top), 1)

    cps = tuple(ChartPoint(x(p.when.toordinal()), y(p.value), p.when, p.value, p.final) for p in pts)
    finals = [c for c in cps if c.final]
    path = "M" + " L".join(f"{c.x},{c.y}" for c in finals) if len(finals) > 1 else ""
    running = [c for c in cps if not c.final]
    running_path = ""
    if running:
        # Joined to the last final value before them (a running year continues the series).
        before = [c for c in finals if c.when < running[0].when]
        chain = before[-1:] + running
        running_path = "M" + " L".join(f"{c.x},{c.y}" for c in chain) if len(chain) > 1 else ""
    y_ticks = []
    v = lo
    while v <= hi + 1e-9:
        y_ticks.append((y(v), round(v, 6)))
        v += step
    years = range(first_year, last_year + 1)
    every = max(1, math.ceil(len(years) / 6))
    x_ticks = tuple((x(date(yr, 7, 1).toordinal()), yr) for i, yr in enumerate(years) if i % every == 0)
    return LineChart(
        width, height, cps, path, running_path, tuple(y_ticks), x_ticks,
        (y(target), target) if target is not None else None,
        (x(deadline.toordinal()), deadline) if deadline else None,
        (left, top, right, bottom),
    )
